"""ONNX export (issue 15): the two graphs, their self-description, parity with torch, and bad files refused in one line."""

from __future__ import annotations

import json
import shutil
from dataclasses import asdict
from pathlib import Path

import numpy as np
import onnx
import pytest
import torch

from talking_together.animators.diffusion import StreamingConfig
from talking_together.animators.diffusion.animator import REST_MOTION
from talking_together.cli import main
from talking_together.contract import SAMPLES_PER_FRAME
from talking_together.export import (
    FILES,
    ExportSettings,
    OnnxDenoiser,
    OnnxModelError,
    check_parity,
    export_onnx,
    sha256_file,
)
from talking_together.export.metadata import PREFIX, ExportInfo
from talking_together.model import (
    DEFAULT_CHECKPOINT,
    ModelConfig,
    MotionGenerator,
    Normalizer,
    audio_features,
    layout_features,
    load_generator,
    save_checkpoint,
)

ATOL = 1e-4  # fp32, per output (issue 15)
TINY = ModelConfig(width=16, audio_width=16, audio_layers=1, heads=2)


def tiny_generator(seed: int = 0) -> MotionGenerator:
    """Untrained, with a non-trivial normaliser and visible cross-attention, so parity means something."""
    torch.manual_seed(seed)
    g = torch.Generator().manual_seed(seed)
    norm = Normalizer(torch.randn(79, generator=g), torch.rand(79, generator=g) + 0.5,
                      torch.randn(160, generator=g), torch.rand(160, generator=g) + 0.5)
    gen = MotionGenerator(TINY, normalizer=norm).eval()
    for m in gen.net.modules():  # attention outputs start at zero
        if hasattr(m, "out") and isinstance(m.out, torch.nn.Linear):
            torch.nn.init.normal_(m.out.weight, std=0.5)
    return gen


@pytest.fixture(scope="module")
def tiny_checkpoint(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("ckpt") / "tiny.pt"
    save_checkpoint(path, tiny_generator())
    return path


@pytest.fixture(scope="module")
def tiny_export(tiny_checkpoint: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Through the command line, as a user runs it."""
    out = tmp_path_factory.mktemp("onnx") / "tiny"
    assert main(["export", "onnx", "--checkpoint", str(tiny_checkpoint), "--out", str(out)]) == 0
    return out


def test_export_writes_two_checked_self_describing_graphs(tiny_checkpoint: Path, tiny_export: Path) -> None:
    gen = load_generator(tiny_checkpoint)
    for role, name in FILES.items():
        model = onnx.load(str(tiny_export / name))
        onnx.checker.check_model(model, full_check=True)
        props = {p.key: p.value for p in model.metadata_props}
        info = ExportInfo.from_props(props, tiny_export / name)
        assert info.role == role
        assert info.checkpoint_sha256 == sha256_file(tiny_checkpoint) and info.checkpoint_name == "tiny.pt"
        assert info.streaming() == StreamingConfig()  # the live settings it was exported with, read back
        assert ModelConfig.from_dict(info.model_config) == TINY
        assert info.diffusion_config == asdict(gen.diffusion_cfg)
        restored = info.normalizer_obj()
        for key, value in gen.normalizer.state_dict().items():
            assert torch.equal(getattr(restored, key), value), key  # bit for bit through JSON
        assert json.loads(props[PREFIX + "frame_multiple"]) == 2**TINY.levels
        # the rooms axis is dynamic in every input and output
        for value in [*model.graph.input, *model.graph.output]:
            assert value.type.tensor_type.shape.dim[0].dim_param, value.name
    assert not list(tiny_export.glob(".export-*"))  # the staging folder is gone


@pytest.mark.parametrize("rooms, frames", [(1, 14), (5, 14), (3, 25)])
def test_parity_with_torch_on_unseen_shapes(tiny_checkpoint: Path, tiny_export: Path, rooms: int, frames: int) -> None:
    """The graphs were traced on 2 rooms x 14 frames; other batch sizes and lengths (25: padded) agree too."""
    diff = check_parity(load_generator(tiny_checkpoint), tiny_export, sha256_file(tiny_checkpoint), windows=rooms, frames=frames, seed=rooms)
    assert max(diff.values()) <= ATOL, diff


def test_a_whole_sample_matches_torch_with_guidance_and_prefix(tiny_checkpoint: Path, tiny_export: Path) -> None:
    gen = load_generator(tiny_checkpoint)
    denoiser = OnnxDenoiser(tiny_export, checkpoint_sha256=sha256_file(tiny_checkpoint))
    g = torch.Generator().manual_seed(5)
    b, t = 3, 14
    args = (torch.randn(b, 4 * t, 160, generator=g), torch.rand(b, 2, t, generator=g),
            torch.randn(b, 2, 6, generator=g), 0.1 * torch.randn(b, 2, 8, 79, generator=g))
    for guidance, steps in ((1.0, 2), (2.0, 3)):
        settings = gen.settings.override(steps=steps, guidance=guidance)
        ref = gen.sample(*args, settings=settings, generator=torch.Generator().manual_seed(1))
        got = gen.sample(*args, settings=settings, generator=torch.Generator().manual_seed(1), denoiser=denoiser)
        assert (ref - got).abs().max().item() <= ATOL


def test_default_checkpoint_parity_on_held_out_windows(held_out: dict, tmp_path: Path) -> None:
    """The committed default, exported, on live-engine windows (`StreamingConfig()`: prefix, hop and lookahead) of a
    held-out conversation: the condition, each denoiser step the sampler runs, and the sampled motion."""
    result = export_onnx(DEFAULT_CHECKPOINT, tmp_path / "default", ExportSettings())
    assert max(result.parity.values()) <= ATOL, result.parity
    gen = load_generator(DEFAULT_CHECKPOINT)
    runtime = OnnxDenoiser(result.directory, checkpoint_sha256=sha256_file(DEFAULT_CHECKPOINT))
    cfg = StreamingConfig()
    t = cfg.window_frames
    starts = [40, 150, 260, 330]  # four rooms' windows, batched
    wav = torch.from_numpy(held_out["audio"].astype(np.float32) / 32768)
    audio = torch.stack([audio_features(wav[:, s * SAMPLES_PER_FRAME : (s + t) * SAMPLES_PER_FRAME])[0] for s in starts])
    masks = torch.stack([torch.from_numpy(held_out["masks"][s : s + t].T.astype(np.float32)) for s in starts])
    layout = torch.from_numpy(layout_features(held_out["anchors"]))[None].expand(len(starts), 2, 6).contiguous()
    norm_audio = gen.normalizer.norm_audio(audio)
    with torch.no_grad():
        static = gen.net.static_condition(norm_audio, masks, layout)
        assert (static - runtime.condition(norm_audio, masks, layout, None, None)).abs().max().item() <= ATOL
        prefix, pmask = gen.prefix_inputs(torch.zeros(len(starts), 2, cfg.prefix_frames, 79), len(starts), t, torch.device("cpu"))
        x = torch.randn(len(starts), 2, t, 79, generator=torch.Generator().manual_seed(0))
        for step in (999, 0):  # the two steps of the default sampler
            steps = torch.full((len(starts),), step)
            x0 = gen.net.denoise(x, steps, static, prefix, pmask)
            assert (x0 - runtime.step(x, steps, static, prefix, pmask)).abs().max().item() <= ATOL
            x = x0
    rest = torch.from_numpy(REST_MOTION).float()  # both people at rest: the live engine's first prefix
    previous = rest[None, :, None].expand(len(starts), 2, cfg.prefix_frames, 79).contiguous()
    settings = gen.settings.override(steps=cfg.steps)
    ref = gen.sample(audio, masks, layout, previous, settings, generator=torch.Generator().manual_seed(2))
    got = gen.sample(audio, masks, layout, previous, settings, generator=torch.Generator().manual_seed(2), denoiser=runtime)
    assert (ref - got).abs().max().item() <= ATOL


# ---------------------------------------------------------------------- bad files: one line, the file, the fix


def refused(directory: Path, sha: str | None = None) -> str:
    with pytest.raises(OnnxModelError) as err:
        OnnxDenoiser(directory, checkpoint_sha256=sha)
    message = str(err.value)
    assert "\n" not in message and "talking-together export onnx" in message, message
    return message


def copy_export(src: Path, dst: Path) -> Path:
    shutil.copytree(src, dst)
    return dst


def test_corrupt_truncated_and_missing_files_are_refused_in_one_line(tiny_export: Path, tmp_path: Path) -> None:
    corrupt = copy_export(tiny_export, tmp_path / "corrupt")
    (corrupt / "denoiser.onnx").write_bytes(b"\x08\x07not an onnx model at all" * 40)
    message = refused(corrupt)
    assert str(corrupt / "denoiser.onnx") in message and "not a readable ONNX model" in message

    truncated = copy_export(tiny_export, tmp_path / "truncated")
    data = (truncated / "condition.onnx").read_bytes()
    (truncated / "condition.onnx").write_bytes(data[: len(data) // 2])
    assert str(truncated / "condition.onnx") in refused(truncated)

    missing = copy_export(tiny_export, tmp_path / "missing")
    (missing / "condition.onnx").unlink()
    assert "no ONNX model at" in refused(missing)


def test_foreign_swapped_and_mismatched_files_are_refused_in_one_line(tiny_checkpoint: Path, tiny_export: Path, tmp_path: Path) -> None:
    foreign = copy_export(tiny_export, tmp_path / "foreign")
    model = onnx.load(str(foreign / "condition.onnx"))
    del model.metadata_props[:]  # a valid ONNX model, but not one of ours
    onnx.save(model, str(foreign / "condition.onnx"))
    assert "is not a talking_together.onnx.v1 export (no talking_together metadata)" in refused(foreign)

    swapped = copy_export(tiny_export, tmp_path / "swapped")
    shutil.copy(swapped / "denoiser.onnx", swapped / "condition.onnx")
    assert "holds the denoiser graph where the condition graph belongs" in refused(swapped)

    other = tmp_path / "other.pt"
    save_checkpoint(other, tiny_generator(seed=1))
    message = refused(tiny_export, sha256_file(other))
    assert "exported from another checkpoint (tiny.pt" in message and str(tiny_export / "condition.onnx") in message
    OnnxDenoiser(tiny_export, checkpoint_sha256=sha256_file(tiny_checkpoint))  # its own checkpoint is accepted


def test_export_of_a_bad_checkpoint_fails_in_one_line(tmp_path: Path, capsys: pytest.CaptureFixture, caplog: pytest.LogCaptureFixture) -> None:
    bad = tmp_path / "bad.pt"
    bad.write_bytes(b"not a checkpoint")
    assert main(["export", "onnx", "--checkpoint", str(bad), "--out", str(tmp_path / "out")]) == 1
    errors = [r.getMessage() for r in caplog.records if r.levelname == "ERROR"]
    assert len(errors) == 1 and "bad.pt" in errors[0] and "\n" not in errors[0]
    assert not (tmp_path / "out" / "condition.onnx").exists()


@pytest.mark.slow
def test_the_dynamo_exporter_gives_the_same_graphs(tiny_checkpoint: Path, tmp_path: Path) -> None:
    """torch.export + onnxscript (about a minute on a loaded 2-core CPU): same contract, same parity."""
    result = export_onnx(tiny_checkpoint, tmp_path / "dynamo", ExportSettings(exporter="dynamo"))
    assert max(result.parity.values()) <= ATOL
    diff = check_parity(load_generator(tiny_checkpoint), result.directory, result.checkpoint_sha256, windows=4, frames=14)
    assert max(diff.values()) <= ATOL
