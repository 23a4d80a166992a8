"""The onnxruntime backend: the exported graphs behind the sampler's `Denoiser` interface.

The sampler (`MotionGenerator.sample`) hands torch tensors to `condition` and `step` and gets
torch tensors back, so normalisation, DDIM, guidance, the prefix keep and the eye frame are the
very code the torch backend runs; only the two network evaluations move to onnxruntime.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import torch

from talking_together.export.metadata import FILES, INPUTS, OUTPUTS, ExportInfo, OnnxModelError, reexport_hint
from talking_together.model.config import MELS_PER_FRAME

log = logging.getLogger(__name__)

CPU = "CPUExecutionProvider"
GPU_PROVIDERS = ("TensorrtExecutionProvider", "CUDAExecutionProvider")  # best first
DEVICES = ("auto", "cpu", "cuda")


def select_providers(device: str = "auto", available: Sequence[str] | None = None) -> list[str]:
    """Execution providers, best first, always ending with the CPU one.

    auto: TensorRT and CUDA where this onnxruntime build has them; cpu: CPU only; cuda: as auto,
    with a warning when no GPU provider is there (a CPU-only onnxruntime wheel, a machine without a
    GPU). onnxruntime itself still falls back to the next provider when one fails to initialise."""
    if device not in DEVICES:
        raise ValueError(f"unknown onnxruntime device {device!r}: choose one of {', '.join(DEVICES)}")
    if available is None:
        import onnxruntime as ort

        available = ort.get_available_providers()
    chosen = [] if device == "cpu" else [p for p in GPU_PROVIDERS if p in available]
    if device == "cuda" and not chosen:
        log.warning("onnxruntime has no GPU provider here (available: %s): running on the CPU", ", ".join(available))
    return [*chosen, CPU]


def _provider_options(provider: str) -> dict[str, str]:
    if provider == "TensorrtExecutionProvider":  # engines are built per shape: cache them across starts
        from talking_together.export.onnx_export import cache_root

        cache = cache_root() / "tensorrt"
        cache.mkdir(parents=True, exist_ok=True)
        return {"trt_engine_cache_enable": "True", "trt_engine_cache_path": str(cache)}
    return {}


def open_session(path: str | Path, role: str, checkpoint_sha256: str | None = None, device: str = "auto",
                 threads: int = 1):  # noqa: ANN201 - onnxruntime.InferenceSession, imported lazily
    """A checked session for one exported graph, with its ExportInfo; OnnxModelError (one line) when the
    file is missing, unreadable, not ours, the other graph, or from another checkpoint."""
    import onnxruntime as ort

    path = Path(path)
    if not path.is_file():
        raise OnnxModelError(f"no ONNX model at {path}: {reexport_hint()}")
    options = ort.SessionOptions()
    options.intra_op_num_threads = threads  # like torch.set_num_threads: more only fight the server's threads
    options.inter_op_num_threads = 1
    options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    options.log_severity_level = 3  # errors only: a provider that falls back is logged by us
    providers = select_providers(device)
    try:
        session = ort.InferenceSession(str(path), options, providers=[(p, _provider_options(p)) for p in providers])
    except Exception as e:  # InvalidProtobuf, Fail, InvalidGraph...: onnxruntime's types vary by cause
        reason = " ".join(str(e).split())
        reason = reason if len(reason) <= 200 else reason[:200] + "..."
        raise OnnxModelError(f"{path} is not a readable ONNX model ({type(e).__name__}: {reason}): {reexport_hint()}") from None
    info = ExportInfo.from_props(session.get_modelmeta().custom_metadata_map, path)
    if info.role != role:
        raise OnnxModelError(f"{path} holds the {info.role} graph where the {role} graph belongs: {reexport_hint()}")
    names = (tuple(i.name for i in session.get_inputs()), tuple(o.name for o in session.get_outputs()))
    if names != (INPUTS[role], OUTPUTS[role]):
        raise OnnxModelError(f"{path} has inputs {names[0]} and outputs {names[1]}, this code runs "
                             f"{INPUTS[role]} -> {OUTPUTS[role]}: {reexport_hint()}")
    if checkpoint_sha256 and info.checkpoint_sha256 != checkpoint_sha256:
        raise OnnxModelError(f"{path} was exported from another checkpoint ({info.checkpoint_name}, sha256 "
                             f"{info.checkpoint_sha256[:12]}..., not {checkpoint_sha256[:12]}...): {reexport_hint()}")
    used = session.get_providers()
    if used[0] != providers[0]:
        log.warning("%s: %s unavailable, running on %s", path.name, providers[0], used[0])
    return session, info


def _np(x: torch.Tensor, dtype: np.dtype) -> np.ndarray:
    return np.ascontiguousarray(x.detach().cpu().numpy(), dtype=dtype)


def _pad_frames(x: np.ndarray, axis: int, pad: int) -> np.ndarray:
    """Zeros after the last frame, as the network pads itself (F.pad)."""
    if not pad:
        return x
    widths = [(0, 0)] * x.ndim
    widths[axis] = (0, pad)
    return np.pad(x, widths)


class OnnxDenoiser:
    """The sampler's `Denoiser` on onnxruntime: condition.onnx and denoiser.onnx from one export folder.

    Tensors cross as host numpy arrays whatever the provider: a window is a few hundred kB, and the
    sampler's own operations between the two graphs run on the CPU."""

    name = "onnx"

    def __init__(self, directory: str | Path, checkpoint_sha256: str | None = None, device: str = "auto",
                 threads: int = 1) -> None:
        """checkpoint_sha256: refuse an export of any other checkpoint (None: accept any export)."""
        directory = Path(directory)
        self._condition, self.info = open_session(directory / FILES["condition"], "condition", checkpoint_sha256, device, threads)
        self._denoiser, info = open_session(directory / FILES["denoiser"], "denoiser", checkpoint_sha256, device, threads)
        if info.checkpoint_sha256 != self.info.checkpoint_sha256:
            raise OnnxModelError(f"{directory} mixes exports of two checkpoints ({self.info.checkpoint_name} and "
                                 f"{info.checkpoint_name}): {reexport_hint()}")
        self.multiple = self.info.frame_multiple
        self.providers = self._denoiser.get_providers()  # what onnxruntime actually runs on, best first

    def condition(self, audio: torch.Tensor, masks: torch.Tensor, layout: torch.Tensor,
                  drop_audio: torch.Tensor | None, drop_layout: torch.Tensor | None) -> torch.Tensor:
        b, _, t = masks.shape
        pad = (-t) % self.multiple
        no = torch.zeros(b, dtype=torch.bool)
        feeds = {
            "audio": _pad_frames(_np(audio, np.float32), 1, pad * MELS_PER_FRAME),  # (B, 4Tp, 160)
            "masks": _pad_frames(_np(masks, np.float32), 2, pad),  # (B, 2, Tp)
            "layout": _np(layout, np.float32),
            "drop_audio": _np(no if drop_audio is None else drop_audio, np.bool_),
            "drop_layout": _np(no if drop_layout is None else drop_layout, np.bool_),
        }
        (static,) = self._condition.run(None, feeds)
        return torch.from_numpy(static).to(masks.device)  # (B, 2, Tp, d)

    def step(self, x_t: torch.Tensor, steps: torch.Tensor, static: torch.Tensor, prefix: torch.Tensor,
             prefix_mask: torch.Tensor) -> torch.Tensor:
        t, tp = x_t.shape[2], static.shape[2]
        feeds = {
            "x_t": _pad_frames(_np(x_t, np.float32), 2, tp - t),  # (B, 2, Tp, 79)
            "steps": _np(steps, np.int64),
            "static": _np(static, np.float32),
            "prefix": _pad_frames(_np(prefix, np.float32), 2, tp - t),
            "prefix_mask": _pad_frames(_np(prefix_mask, np.float32), 1, tp - t),
        }
        (x0,) = self._denoiser.run(None, feeds)
        return torch.from_numpy(x0[:, :, :t]).to(x_t.device)  # (B, 2, T, 79)
