"""Export the network to ONNX as the live engine runs it: two graphs, cut where the sampler cuts.

- condition.onnx: `DualStreamDenoiser.static_condition`, the step-free condition (audio encoder,
  role embeddings, layout), computed once per window;
- denoiser.onnx: `DualStreamDenoiser.denoise`, one x0 prediction given x_t, the step, that
  condition and the prefix, run once per sampling step.

Everything around them (normaliser, eye frame, DDIM, guidance, prefix keep) stays the Python
sampler's, shared with the torch backend. Both graphs take frames padded to a multiple of
2**levels (the runtime pads, as the network does inside), with dynamic batch (rooms) and frame
axes. After writing, each file passes onnx.checker and is compared with torch on windows it was
not traced on; a difference above the tolerance fails the export rather than ship a wrong model.
"""

from __future__ import annotations

import logging
import shutil
import tempfile
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path

import torch
from torch import nn

from talking_together.animators.diffusion.config import StreamingConfig
from talking_together.export.metadata import FILES, INPUTS, OUTPUTS, ExportInfo, OnnxExportError, normalizer_lists, sha256_file
from talking_together.model.checkpoint import DEFAULT_CHECKPOINT, load_generator
from talking_together.model.config import AUDIO_DIM, LAYOUT_DIM, MELS_PER_FRAME, MOTION_DIM
from talking_together.model.generator import MotionGenerator
from talking_together.model.network import DualStreamDenoiser

log = logging.getLogger(__name__)

EXPORTERS = ("torchscript", "dynamo")
DEFAULT_OPSET = 18  # GroupNormalization-era opset; onnxruntime 1.32 runs up to 23
PARITY_ATOL = 1e-4  # fp32, per output (issue 15)


@dataclass(frozen=True)
class ExportSettings:
    exporter: str = "torchscript"  # the traced graph is exact here (no data-dependent control flow) and
    # exports in seconds, which `serve --backend onnx` needs at start-up; "dynamo" (torch.export,
    # needs onnxscript) gives the same graph in about a minute on a 2-core CPU
    opset: int = DEFAULT_OPSET
    streaming: StreamingConfig = field(default_factory=StreamingConfig)
    verify: bool = True  # parity with torch on held-out random windows before the files are kept
    atol: float = PARITY_ATOL


@dataclass(frozen=True)
class ExportResult:
    directory: Path
    files: dict[str, Path]  # role -> file
    parity: dict[str, float]  # output name -> max abs difference from torch (empty when not verified)
    checkpoint_sha256: str


class ConditionGraph(nn.Module):
    """(audio, masks, layout, drop_audio, drop_layout) -> static (B, 2, Tp, d)."""

    def __init__(self, net: DualStreamDenoiser) -> None:
        super().__init__()
        self.net = net

    def forward(self, audio: torch.Tensor, masks: torch.Tensor, layout: torch.Tensor, drop_audio: torch.Tensor,
                drop_layout: torch.Tensor) -> torch.Tensor:
        return self.net.static_condition(audio, masks, layout, drop_audio, drop_layout)


class DenoiserGraph(nn.Module):
    """(x_t, steps, static, prefix, prefix_mask), frames padded -> x0 (B, 2, Tp, 79)."""

    def __init__(self, net: DualStreamDenoiser) -> None:
        super().__init__()
        self.net = net

    def forward(self, x_t: torch.Tensor, steps: torch.Tensor, static: torch.Tensor, prefix: torch.Tensor,
                prefix_mask: torch.Tensor) -> torch.Tensor:
        return self.net.denoise(x_t, steps, static, prefix, prefix_mask)


def example_inputs(net: DualStreamDenoiser, b: int, frames: int, seed: int) -> dict[str, dict[str, torch.Tensor]]:
    """Random inputs of both graphs for b windows of `frames` (padded to the U-Net's multiple)."""
    t = frames + net.padding(frames)
    g = torch.Generator().manual_seed(seed)
    cond = {
        "audio": torch.randn(b, t * MELS_PER_FRAME, AUDIO_DIM, generator=g),  # normalised features
        "masks": torch.rand(b, 2, t, generator=g),
        "layout": torch.randn(b, 2, LAYOUT_DIM, generator=g),
        "drop_audio": torch.rand(b, generator=g) < 0.3,
        "drop_layout": torch.rand(b, generator=g) < 0.3,
    }
    with torch.no_grad():
        static = net.static_condition(*cond.values())
    k = min(frames, net.cfg.max_prefix) // 2
    prefix_mask = torch.zeros(b, t)
    prefix_mask[:, :k] = 1.0
    den = {
        "x_t": torch.randn(b, 2, t, MOTION_DIM, generator=g),
        "steps": torch.randint(0, 1000, (b,), generator=g),
        "static": static,
        "prefix": torch.randn(b, 2, t, MOTION_DIM, generator=g) * prefix_mask[:, None, :, None],
        "prefix_mask": prefix_mask,
    }
    return {"condition": cond, "denoiser": den}


def _dynamic_axes(role: str) -> dict[str, dict[int, str]]:
    if role == "condition":
        return {"audio": {0: "rooms", 1: "audio_rows"}, "masks": {0: "rooms", 2: "frames"}, "layout": {0: "rooms"},
                "drop_audio": {0: "rooms"}, "drop_layout": {0: "rooms"}, "static": {0: "rooms", 2: "frames"}}
    return {"x_t": {0: "rooms", 2: "frames"}, "steps": {0: "rooms"}, "static": {0: "rooms", 2: "frames"},
            "prefix": {0: "rooms", 2: "frames"}, "prefix_mask": {0: "rooms", 1: "frames"}, "x0": {0: "rooms", 2: "frames"}}


def _dynamic_shapes(role: str, multiple: int) -> dict[str, dict[int, object]]:
    """torch.export's spelling: frames as multiple * blocks, so the network's own padding is provably zero."""
    from torch.export import Dim

    rooms, blocks = Dim("rooms", min=1, max=4096), Dim("blocks", min=1, max=4096)
    frames = multiple * blocks
    if role == "condition":
        return {"audio": {0: rooms, 1: MELS_PER_FRAME * frames}, "masks": {0: rooms, 2: frames}, "layout": {0: rooms},
                "drop_audio": {0: rooms}, "drop_layout": {0: rooms}}
    return {"x_t": {0: rooms, 2: frames}, "steps": {0: rooms}, "static": {0: rooms, 2: frames},
            "prefix": {0: rooms, 2: frames}, "prefix_mask": {0: rooms, 1: frames}}


# The exporters' own chatter (INFO per rewritten initializer, a WARNING per absent torchvision op)
QUIET_LOGGERS = ("onnx_ir", "onnxscript", "torch.onnx", "torch.export")


@contextmanager
def _quiet_exporters() -> Iterator[None]:
    loggers = [logging.getLogger(name) for name in QUIET_LOGGERS]
    levels = [lg.level for lg in loggers]
    for lg in loggers:
        lg.setLevel(logging.ERROR)
    try:
        yield
    finally:
        for lg, level in zip(loggers, levels):
            lg.setLevel(level)


def _export_graph(module: nn.Module, role: str, inputs: dict[str, torch.Tensor], path: Path, settings: ExportSettings,
                  multiple: int) -> None:
    args = tuple(inputs.values())
    names = dict(input_names=list(INPUTS[role]), output_names=list(OUTPUTS[role]), opset_version=settings.opset)
    with warnings.catch_warnings(), _quiet_exporters():
        # the TorchScript exporter's deprecation notice, and the tracer's note on `if pad:` (zero: inputs are padded)
        warnings.simplefilter("ignore", DeprecationWarning)
        warnings.simplefilter("ignore", torch.jit.TracerWarning)
        warnings.filterwarnings("ignore", message=".*axis name.*will not be used")  # dynamo: shared dims
        warnings.filterwarnings("ignore", message=".*LeafSpec.*", category=FutureWarning)  # torch.export's own
        if settings.exporter == "torchscript":
            torch.onnx.export(module, args, str(path), dynamo=False, dynamic_axes=_dynamic_axes(role), **names)
        elif settings.exporter == "dynamo":
            program = torch.onnx.export(module, args, dynamo=True, dynamic_shapes=_dynamic_shapes(role, multiple),
                                        verbose=False, **names)
            program.save(str(path))
        else:
            raise ValueError(f"unknown exporter {settings.exporter!r}: choose one of {', '.join(EXPORTERS)}")


def _write_metadata(path: Path, info: ExportInfo) -> None:
    import onnx

    model = onnx.load(str(path))
    del model.metadata_props[:]
    for key, value in info.to_props().items():
        model.metadata_props.add(key=key, value=value)
    model.producer_name = "talking-together"
    onnx.checker.check_model(model, full_check=True)
    onnx.save(model, str(path))


def check_parity(gen: MotionGenerator, directory: Path, checkpoint_sha256: str | None, windows: int = 3,
                 frames: int | None = None, seed: int = 1234) -> dict[str, float]:
    """Max abs difference, per output, between the ONNX graphs (CPU) and torch on windows the export
    was not traced on (another batch size, another length, another seed)."""
    from talking_together.export.runtime import OnnxDenoiser

    net = gen.net.eval()
    frames = frames or 2 * StreamingConfig().window_frames + 1  # odd: exercises the runtime's padding
    runtime = OnnxDenoiser(directory, checkpoint_sha256=checkpoint_sha256, device="cpu")
    inp = example_inputs(net, windows, frames, seed)
    c, d = inp["condition"], inp["denoiser"]
    t = frames
    with torch.no_grad():
        # the runtime's inputs unpadded, as the sampler passes them; torch pads inside
        c_in = dict(audio=c["audio"][:, : t * MELS_PER_FRAME], masks=c["masks"][..., :t], layout=c["layout"],
                    drop_audio=c["drop_audio"], drop_layout=c["drop_layout"])
        static_torch = net.static_condition(*c_in.values())
        static_onnx = runtime.condition(*c_in.values())
        d_in = dict(x_t=d["x_t"][:, :, :t], steps=d["steps"], static=static_torch, prefix=d["prefix"][:, :, :t],
                    prefix_mask=d["prefix_mask"][:, :t])
        x0_torch = net.denoise(*d_in.values())
        x0_onnx = runtime.step(*d_in.values())
    return {"static": float((static_torch - static_onnx).abs().max()), "x0": float((x0_torch - x0_onnx).abs().max())}


def export_onnx(checkpoint: str | Path = DEFAULT_CHECKPOINT, out: str | Path = "onnx",
                settings: ExportSettings = ExportSettings(), generator: MotionGenerator | None = None) -> ExportResult:
    """Write condition.onnx and denoiser.onnx for `checkpoint` into `out`, checked and self-describing.

    The files appear together or not at all: they are written to a temporary folder and moved in
    only after onnx.checker and the parity check pass."""
    import onnx  # noqa: F401 - fail before the work when the package is missing

    checkpoint = Path(checkpoint)
    sha = sha256_file(checkpoint)
    gen = (generator or load_generator(checkpoint)).cpu().eval()
    net = gen.net
    multiple = 2**gen.model_cfg.levels
    base = dict(checkpoint_sha256=sha, checkpoint_name=checkpoint.name, model_config=gen.model_cfg.to_dict(),
                diffusion_config=asdict(gen.diffusion_cfg), streaming_config=asdict(settings.streaming),
                normalizer=normalizer_lists(gen.normalizer), frame_multiple=multiple, opset=settings.opset,
                exporter=settings.exporter, torch_version=torch.__version__)
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    inputs = example_inputs(net, 2, settings.streaming.window_frames, seed=0)
    graphs = {"condition": ConditionGraph(net).eval(), "denoiser": DenoiserGraph(net).eval()}
    with tempfile.TemporaryDirectory(dir=out, prefix=".export-") as tmp:
        staged = {role: Path(tmp) / FILES[role] for role in graphs}
        for role, module in graphs.items():
            log.info("exporting %s (%s, opset %d)", FILES[role], settings.exporter, settings.opset)
            _export_graph(module, role, inputs[role], staged[role], settings, multiple)
            _write_metadata(staged[role], ExportInfo(role=role, **base))
        parity: dict[str, float] = {}
        if settings.verify:
            parity = check_parity(gen, Path(tmp), sha)
            worst = max(parity, key=parity.get)
            if parity[worst] > settings.atol:
                raise OnnxExportError(f"ONNX output {worst!r} differs from torch by {parity[worst]:.2e} "
                                      f"(> {settings.atol:.0e}) for {checkpoint}: files not written")
            log.info("parity with torch: %s", ", ".join(f"{k} {v:.1e}" for k, v in parity.items()))
        files = {}
        for role, path in staged.items():
            files[role] = out / FILES[role]
            shutil.move(str(path), files[role])
    return ExportResult(out, files, parity, sha)


def cache_root() -> Path:
    """Where `serve --backend onnx` keeps exports it made itself: $TALKING_TOGETHER_CACHE, else
    $XDG_CACHE_HOME/talking-together, else ~/.cache/talking-together."""
    import os

    if root := os.environ.get("TALKING_TOGETHER_CACHE"):
        return Path(root)
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "talking-together"


def cached_export(checkpoint: str | Path, generator: MotionGenerator | None = None, root: Path | None = None) -> Path:
    """The export folder for `checkpoint`, keyed by its SHA-256: made once (seconds), then reused."""
    from talking_together.export.runtime import OnnxDenoiser
    from talking_together.export.metadata import OnnxModelError

    sha = sha256_file(checkpoint)
    directory = (root or cache_root()) / "onnx" / sha[:16]
    if all((directory / name).is_file() for name in FILES.values()):
        try:
            OnnxDenoiser(directory, checkpoint_sha256=sha, device="cpu")
            return directory
        except OnnxModelError as exc:
            log.warning("cached ONNX export unusable (%s): exporting again", exc)
    log.info("exporting %s to ONNX in %s", Path(checkpoint).name, directory)
    export_onnx(checkpoint, directory, generator=generator)
    return directory
