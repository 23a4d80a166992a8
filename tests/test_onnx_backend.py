"""The onnxruntime backend of the live engine (issue 15): providers, batching like torch, and `serve --backend onnx`."""

from __future__ import annotations

import logging
import signal
import subprocess
import threading
from dataclasses import replace
from pathlib import Path

import grpc
import numpy as np
import pytest
import soundfile as sf
import torch

from serving import CLI, free_port, wait_serving
from talking_together.activity import EnergyActivity
from talking_together.animators.diffusion import BackendConfig, DiffusionAnimator, StreamingConfig, Window, WindowBatcher, shared_batcher
from talking_together.audio import AudioBlock
from talking_together.cli import main
from talking_together.contract import FPS, SAMPLE_RATE
from talking_together.export import OnnxDenoiser, OnnxModelError, cached_export, export_onnx, select_providers, sha256_file
from talking_together.layout import resolve_layout
from talking_together.model import ModelConfig, MotionGenerator, load_generator, save_checkpoint
from talking_together.service.client import StreamStats, subscribe
from talking_together.v1 import talking_together_pb2 as pb
from talking_together.v1 import talking_together_pb2_grpc as pb_grpc

SMALL = ModelConfig(width=32, levels=2, audio_width=32, audio_layers=1, heads=2)
CONFIG = StreamingConfig(hop_frames=4, prefix_frames=8, lookahead_frames=4, steps=2)
CPU, CUDA, TRT = "CPUExecutionProvider", "CUDAExecutionProvider", "TensorrtExecutionProvider"


@pytest.fixture(scope="module")
def checkpoint(tmp_path_factory: pytest.TempPathFactory) -> Path:
    torch.manual_seed(0)
    path = tmp_path_factory.mktemp("ckpt") / "small.pt"
    save_checkpoint(path, MotionGenerator(SMALL).eval())
    return path


@pytest.fixture(scope="module")
def onnx_dir(checkpoint: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return export_onnx(checkpoint, tmp_path_factory.mktemp("onnx") / "small").directory


@pytest.fixture(scope="module")
def clip(dialogue_wav: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    samples, rate = sf.read(str(dialogue_wav), dtype="float32", frames=3 * SAMPLE_RATE)
    path = tmp_path_factory.mktemp("clip") / "clip.wav"
    sf.write(path, samples, rate, subtype="PCM_16")
    return path


def test_provider_selection() -> None:
    assert select_providers("auto", [CPU]) == [CPU]
    assert select_providers("auto", [TRT, CUDA, CPU]) == [TRT, CUDA, CPU]
    assert select_providers("auto", [CPU, CUDA]) == [CUDA, CPU]  # best first, whatever onnxruntime's order
    assert select_providers("cpu", [TRT, CUDA, CPU]) == [CPU]
    with pytest.raises(ValueError, match="unknown onnxruntime device"):
        select_providers("tpu", [CPU])


def test_cuda_falls_back_to_the_cpu_cleanly(checkpoint: Path, onnx_dir: Path, caplog: pytest.LogCaptureFixture) -> None:
    """On this CPU-only onnxruntime, asking for CUDA warns once and runs on the CPU provider, with the same result."""
    import onnxruntime as ort

    caplog.set_level(logging.WARNING)
    assert select_providers("cuda", [CPU]) == [CPU]
    assert "no GPU provider" in caplog.text
    if CUDA in ort.get_available_providers():
        pytest.skip("a GPU onnxruntime is installed: nothing to fall back from")
    gpu, cpu = OnnxDenoiser(onnx_dir, device="cuda"), OnnxDenoiser(onnx_dir, device="cpu")
    assert gpu.providers == [CPU]
    gen = load_generator(checkpoint)
    args = (torch.randn(2, 56, 160), torch.rand(2, 2, 14), torch.randn(2, 2, 6), 0.1 * torch.randn(2, 2, 8, 79))
    two = gen.settings.override(steps=2)
    a = gen.sample(*args, settings=two, generator=torch.Generator().manual_seed(0), denoiser=gpu)
    b = gen.sample(*args, settings=two, generator=torch.Generator().manual_seed(0), denoiser=cpu)
    assert torch.equal(a, b)


def windows(n: int, seed: int = 0) -> list[Window]:
    g = torch.Generator().manual_seed(seed)
    t = CONFIG.window_frames
    return [Window(torch.randn(4 * t, 160, generator=g), torch.rand(2, t, generator=g), torch.randn(2, 6, generator=g),
                   0.1 * torch.randn(2, CONFIG.prefix_frames, 79, generator=g)) for _ in range(n)]


def test_one_batch_is_the_same_on_either_backend(checkpoint: Path, onnx_dir: Path) -> None:
    """A batch of rooms' windows through the batcher's forward pass: same noise, same sampler, same motion."""
    gen = load_generator(checkpoint)
    batch = windows(5)
    onnx = OnnxDenoiser(onnx_dir, checkpoint_sha256=sha256_file(checkpoint), device="cpu")
    out = {}
    for name, denoiser in (("torch", None), ("onnx", onnx)):
        batcher = WindowBatcher(gen, replace(CONFIG, max_batch=8, max_wait_ms=0.0), seed=3, denoiser=denoiser)
        assert batcher.backend == name and not batcher.bf16
        out[name] = batcher._forward(batch)
    assert out["onnx"].shape == (5, 2, CONFIG.window_frames, 79)
    assert (out["torch"] - out["onnx"]).abs().max().item() <= 1e-4


@pytest.mark.parametrize("backend", ["torch", "onnx"])
def test_rooms_are_batched_into_one_forward_pass(backend: str, checkpoint: Path, onnx_dir: Path) -> None:
    """On either backend, six rooms' windows share fewer than six forward passes."""
    denoiser = OnnxDenoiser(onnx_dir, device="cpu") if backend == "onnx" else None
    batcher = WindowBatcher(load_generator(checkpoint), replace(CONFIG, max_batch=8, max_wait_ms=50.0), denoiser=denoiser)
    audio = (0.05 * np.random.default_rng(2).standard_normal((CONFIG.hop_frames + CONFIG.lookahead_frames) * 640, dtype=np.float32))[:, None]
    results: list[int] = []

    def room() -> None:
        animator = DiffusionAnimator(resolve_layout(), 1, batcher, EnergyActivity(1), CONFIG)
        results.append(len(animator.push(AudioBlock(audio, 0))))

    threads = [threading.Thread(target=room) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert results == [CONFIG.hop_frames] * 6
    assert batcher.windows == 6 and batcher.batches < 6


def test_shared_batcher_per_backend_and_the_export_cache(checkpoint: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Without --onnx the checkpoint is exported once into the cache, keyed by its hash, then reused."""
    monkeypatch.setenv("TALKING_TOGETHER_CACHE", str(tmp_path / "cache"))
    first = cached_export(checkpoint)
    assert first.parent == tmp_path / "cache" / "onnx" and first.name == sha256_file(checkpoint)[:16]
    stamp = (first / "denoiser.onnx").stat().st_mtime_ns
    onnx = shared_batcher(str(checkpoint), backend=BackendConfig("onnx"))
    assert (first / "denoiser.onnx").stat().st_mtime_ns == stamp  # reused, not exported again
    assert onnx.backend == "onnx" and shared_batcher(str(checkpoint), backend=BackendConfig("torch")).backend == "torch"
    assert shared_batcher(str(checkpoint), backend=BackendConfig("onnx")) is onnx  # one model per process and backend
    (first / "condition.onnx").write_bytes(b"garbage")  # a damaged cache entry is replaced, not served
    assert OnnxDenoiser(cached_export(checkpoint)).info.checkpoint_sha256 == sha256_file(checkpoint)


def test_serve_with_another_checkpoints_export_stops_in_one_line(checkpoint: Path, onnx_dir: Path, tmp_path: Path,
                                                                 caplog: pytest.LogCaptureFixture) -> None:
    from talking_together.animators.diffusion import process_backend, use_backend

    other = tmp_path / "other.pt"
    torch.manual_seed(1)
    save_checkpoint(other, MotionGenerator(SMALL).eval())
    before = process_backend()
    try:
        code = main(["serve", "--animator", "diffusion", "--checkpoint", str(other), "--backend", "onnx", "--onnx", str(onnx_dir),
                     "--port", str(free_port())])
    finally:
        use_backend(before)
    errors = [r.getMessage() for r in caplog.records if r.levelname == "ERROR"]
    assert code == 1 and len(errors) == 1, errors
    assert "exported from another checkpoint (small.pt" in errors[0] and "talking-together export onnx" in errors[0]
    with pytest.raises(OnnxModelError):  # and directly, for the in-process API
        OnnxDenoiser(onnx_dir, checkpoint_sha256=sha256_file(other))


def test_serve_backend_onnx_streams_25_fps(checkpoint: Path, onnx_dir: Path, clip: Path) -> None:
    """`talking-together serve --backend onnx` as a real process on loopback: every frame, in order, 40 ms apart."""
    port = free_port()
    cmd = [*CLI, "serve", "--backend", "onnx", "--onnx", str(onnx_dir), "--checkpoint", str(checkpoint),
           "--animator", "diffusion", "--source", str(clip), "--port", str(port)]
    server = subprocess.Popen(cmd, stderr=subprocess.PIPE, text=True)
    stats, frames = StreamStats(), []
    try:
        wait_serving(f"127.0.0.1:{port}", timeout_s=120)
        with grpc.insecure_channel(f"127.0.0.1:{port}") as channel:
            assert pb_grpc.TalkingTogetherStub(channel).GetInfo(pb.GetInfoRequest(), timeout=10).animator == "diffusion"
            for response in subscribe(channel, "onnx-test"):
                stats.add(response)
                if response.WhichOneof("payload") == "frame":
                    frames.append(response.frame)
    finally:
        server.send_signal(signal.SIGTERM)
        _, stderr = server.communicate(timeout=30)
    assert server.returncode == 0, stderr
    assert "onnxruntime backend" in stderr and "CPUExecutionProvider" in stderr
    assert stats.status is not None and stats.status.code == 0
    assert abs(len(frames) - 3 * FPS) <= 1
    assert [f.sequence for f in frames] == list(range(len(frames)))
    spacing_ms = np.diff([f.capture_time_ns for f in frames]) / 1e6
    assert np.allclose(spacing_ms, 1000 / FPS, atol=0.01)  # one frame per 40 ms of audio: 25 fps
