"""The diffusion model's streaming engine: causal hops, exact frame counts, the live service path.

These run a small untrained network: they check the engine's bookkeeping and the service wiring,
not motion quality (the seam test on the trained default checkpoint does that).
"""

from __future__ import annotations

from pathlib import Path

import grpc
import numpy as np
import pytest
import soundfile as sf
import torch

from talking_together.activity import EnergyActivity
from talking_together.animators.diffusion import DiffusionAnimator, StreamingConfig, Window, WindowBatcher
from talking_together.audio import AudioBlock
from talking_together.contract import FPS, SAMPLE_RATE
from talking_together.evaluate.predict import OracleActivity, frames_to_motion
from talking_together.geometry import Anchor
from talking_together.layout import Layout, resolve_layout
from talking_together.model import DEFAULT_CHECKPOINT, CheckpointError, ModelConfig, MotionGenerator, audio_features, layout_features, load_generator, save_checkpoint
from talking_together.service.client import StreamStats, audio_requests, subscribe
from talking_together.service.config import ServerConfig
from talking_together.service.server import BackgroundServer
from talking_together.v1 import talking_together_pb2 as pb
from talking_together.v1 import talking_together_pb2_grpc as pb_grpc

SMALL = ModelConfig(width=32, levels=2, audio_width=32, audio_layers=1, heads=2)
CONFIG = StreamingConfig(hop_frames=4, prefix_frames=8, lookahead_frames=4, steps=2)


@pytest.fixture(scope="module")
def generator() -> MotionGenerator:
    torch.manual_seed(0)
    return MotionGenerator(SMALL).eval()


@pytest.fixture(scope="module")
def small_checkpoint(generator: MotionGenerator, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("ckpt") / "small.pt"
    save_checkpoint(path, generator)
    return path


@pytest.fixture(scope="module")
def clip(dialogue_wav: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The first 4 s of the demo dialogue (A's first turn)."""
    samples, rate = sf.read(str(dialogue_wav), dtype="float32", frames=4 * SAMPLE_RATE)
    path = tmp_path_factory.mktemp("clip") / "clip.wav"
    sf.write(path, samples, rate, subtype="PCM_16")
    return path


def run_engine(generator: MotionGenerator, audio: np.ndarray, chunk: int, seed: int = 0) -> list:
    batcher = WindowBatcher(generator, CONFIG, seed=seed)
    animator = DiffusionAnimator(resolve_layout(), 1, batcher, EnergyActivity(1), CONFIG)
    frames = []
    for begin in range(0, len(audio), chunk):
        block = audio[begin : begin + chunk, None]
        newest_ns = (begin + len(block) - 1) * 1_000_000_000 // SAMPLE_RATE  # a clock that is the sample index
        frames += animator.push(AudioBlock(block, capture_time_ns=newest_ns))
    return frames + animator.flush()


def test_every_frame_once_in_order_and_causal(generator: MotionGenerator) -> None:
    rng = np.random.default_rng(0)
    audio = (0.1 * rng.standard_normal(int(2.3 * SAMPLE_RATE))).astype(np.float32)
    frames = run_engine(generator, audio, chunk=700)
    assert [f.sequence for f in frames] == list(range(len(audio) // 640))
    for f in frames:
        for p in f.participants:
            assert np.all((p.expression >= 0) & (p.expression <= 1))
            for q in (p.neck, p.head, p.left_eye, p.right_eye, p.head_world_rotation):
                assert abs(np.linalg.norm(q) - 1) < 1e-5
    # Each frame is stamped with its own audio's last sample, not the lookahead's: latency counts the wait.
    for f in frames:
        own_end_ns = ((f.sequence + 1) * 640 - 1) * 1_000_000_000 / SAMPLE_RATE
        assert abs(f.capture_time_ns - own_end_ns) < 1_000


def test_output_does_not_depend_on_chunk_size(generator: MotionGenerator) -> None:
    rng = np.random.default_rng(1)
    audio = (0.1 * rng.standard_normal(2 * SAMPLE_RATE)).astype(np.float32)
    a = run_engine(generator, audio, chunk=320)
    b = run_engine(generator, audio, chunk=4000)
    assert len(a) == len(b)
    for fa, fb in zip(a, b):
        assert np.allclose(fa.participants[0].expression, fb.participants[0].expression, atol=1e-5)
        assert np.allclose(fa.participants[1].head_world_position, fb.participants[1].head_world_position, atol=1e-6)


def test_serve_diffusion_streams_25_fps(small_checkpoint: Path, clip: Path) -> None:
    config = ServerConfig(port=0, animator="diffusion", checkpoint=str(small_checkpoint), source=str(clip))
    stats, frames = StreamStats(), []
    with BackgroundServer(config) as server, grpc.insecure_channel(server.address) as channel:
        info = pb_grpc.TalkingTogetherStub(channel).GetInfo(pb.GetInfoRequest(), timeout=10)
        assert info.animator == "diffusion" and info.model == "small.pt"
        for response in subscribe(channel, "test"):
            stats.add(response)
            if response.WhichOneof("payload") == "frame":
                frames.append(response.frame)
    assert stats.status is not None and stats.status.code == 0
    assert abs(len(frames) - 4 * FPS) <= 1
    assert [f.sequence for f in frames] == list(range(len(frames)))
    spacing_ms = np.diff([f.capture_time_ns for f in frames]) / 1e6
    assert np.allclose(spacing_ms, 1000 / FPS, atol=0.01)  # one frame per 40 ms of audio: 25 fps


def test_requesting_diffusion_without_a_checkpoint_is_a_clear_error(tmp_path: Path, clip: Path) -> None:
    """Issue 18: an explicit --animator diffusion with no checkpoint stops the start, and a baseline
    server refuses a client's request for diffusion instead of loading a model on its behalf."""
    with pytest.raises(CheckpointError, match="missing.pt"):
        with BackgroundServer(ServerConfig(port=0, animator="diffusion", checkpoint=str(tmp_path / "missing.pt"))):
            pass
    config = ServerConfig(port=0, animator="baseline", checkpoint=str(tmp_path / "missing.pt"))
    with BackgroundServer(config) as server, grpc.insecure_channel(server.address) as channel:
        with pytest.raises(grpc.RpcError) as err:
            list(pb_grpc.TalkingTogetherStub(channel).Animate(audio_requests(clip, animator="diffusion"), timeout=30))
    assert err.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert "--animator baseline" in err.value.details()


def test_auto_falls_back_to_the_baseline(tmp_path: Path) -> None:
    with BackgroundServer(ServerConfig(port=0, checkpoint=str(tmp_path / "missing.pt"))) as server:
        assert server.service.config.animator == "baseline"


def test_no_seams_at_hop_boundaries_on_held_out_data(held_out: dict) -> None:
    """With the trained default checkpoint: the change of velocity where one hop meets the next is
    at most 1.5x the median change of velocity inside hops (in the model's normalised units)."""
    generator = load_generator(DEFAULT_CHECKPOINT)
    cfg = StreamingConfig()
    batcher = WindowBatcher(generator, cfg)
    layout = Layout(anchors=tuple(Anchor(position=a[:3].astype(float), yaw_rad=float(a[3])) for a in held_out["anchors"]))
    channels = held_out["audio"].shape[0]
    animator = DiffusionAnimator(layout, channels, batcher, OracleActivity(held_out["masks"], channels), cfg)
    audio = (held_out["audio"].T.astype(np.float32) / 32768).copy()
    frames = animator.push(AudioBlock(audio, 0)) + animator.flush()
    assert len(frames) == len(held_out["masks"])

    motion = torch.from_numpy(frames_to_motion(frames)).float().transpose(0, 1)  # (2, T, 79)
    layout_feats = torch.from_numpy(layout_features(held_out["anchors"]))
    x = generator.encode(motion, layout_feats).transpose(0, 1).numpy()  # (T, 2, 79) in the network's units
    change = np.linalg.norm(np.diff(x, n=2, axis=0), axis=-1)  # (T-2, 2): at frame t = index + 2
    first_of_hop = (np.arange(2, len(x)) % cfg.hop_frames) == 0
    boundary, within = change[first_of_hop].mean(), np.median(change[~first_of_hop])
    assert boundary <= 1.5 * within, f"seam: mean change at hop starts {boundary:.3f} vs median within hops {within:.3f}"


def test_bf16_autocast_is_exact_enough(held_out: dict) -> None:
    """The CUDA path samples under bf16 autocast; on CPU the same autocast shows what it costs in accuracy."""
    generator = load_generator(DEFAULT_CHECKPOINT)
    wav = torch.from_numpy(held_out["audio"][:, : 16 * 640].astype(np.float32) / 32768)
    window = Window(
        audio=audio_features(wav)[0],
        masks=torch.from_numpy(held_out["masks"][:16].T.astype(np.float32)),
        layout=torch.from_numpy(layout_features(held_out["anchors"])),
        prefix=torch.zeros(2, 8, 79),
    )
    outputs = []
    for bf16 in (False, True):
        batcher = WindowBatcher(generator, StreamingConfig(steps=2, guidance=1.0, max_batch=1, max_wait_ms=0.0), seed=3, bf16=bf16)
        outputs.append(batcher.sample(window))
    full, half = outputs
    assert torch.isfinite(half).all()
    expression_error = (full[..., :52].clamp(0, 1) - half[..., :52].clamp(0, 1)).abs().max().item()
    assert expression_error < 0.05, f"bf16 moves a blendshape weight by {expression_error:.3f}"


def test_emitted_masks_take_decisions_made_within_the_lookahead(generator: MotionGenerator, real_speech_root: Path) -> None:
    """Who speaks in an emitted frame is the voice estimator's reading `lookahead` frames later
    (activity.recent): on real readers it differs from the pushed reading at some turn changes."""
    from talking_together.activity import EmbeddingActivity, stream_activity
    from talking_together.data import real_speech as rs

    a, b = rs.pairs("tune", "MM", 1, seed=5)[0]
    audio = rs.real_dialogue(a, b, seed=0).audio[: 20 * SAMPLE_RATE]
    animator = DiffusionAnimator(resolve_layout(), 1, WindowBatcher(generator, CONFIG, seed=0), EmbeddingActivity(1), CONFIG)
    frames = []
    for begin in range(0, len(audio), 640):
        frames += animator.push(AudioBlock(audio[begin : begin + 640, None], capture_time_ns=begin))
    emitted = np.array([[p.speaking for p in f.participants] for f in frames])  # the frames whose lookahead came
    revised, _, pushed = stream_activity(EmbeddingActivity(1), audio, revise_frames=CONFIG.lookahead_frames)
    np.testing.assert_allclose(emitted, revised[: len(emitted)], atol=1e-6)
    assert not np.allclose(emitted, pushed[: len(emitted)])
