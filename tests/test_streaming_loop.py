"""The one audio-to-frames loop (`frames_from_audio`) that Animate and the room session both consume."""

from __future__ import annotations

import asyncio
import threading
from pathlib import Path

import grpc
import numpy as np
import pytest
import soundfile as sf
import torch

from talking_together.animators.base import Animator, FrameChunker, frames_from_audio
from talking_together.audio import AudioBlock
from talking_together.contract import SAMPLE_RATE, SAMPLES_PER_FRAME, AnimationFrame
from talking_together.model import ModelConfig, MotionGenerator, save_checkpoint
from talking_together.service.client import animate_file_stream, subscribe
from talking_together.service.config import ServerConfig
from talking_together.service.server import BackgroundServer

FRAMES = 51  # the clip: 51 whole frames and 300 samples that make none


class Counting(Animator):
    """One frame per 40 ms, three more held back until flush; notes the thread each call ran on."""

    def __init__(self) -> None:
        super().__init__(1)
        self.threads: list[threading.Thread] = []

    def push_frame(self, samples: np.ndarray, capture_time_ns: int) -> list[AnimationFrame]:
        self.threads.append(threading.current_thread())
        self._sequence += 1
        return [AnimationFrame(self._sequence - 1, capture_time_ns, ())]

    def flush(self) -> list[AnimationFrame]:
        self.threads.append(threading.current_thread())
        self._sequence += 3
        return [AnimationFrame(self._sequence - 3 + i, -1, ()) for i in range(3)]


def collect(animator: Animator, blocks: list[AudioBlock]) -> list[AnimationFrame]:
    async def feed():  # noqa: ANN202
        for block in blocks:
            yield block

    async def run() -> list[AnimationFrame]:
        return [frame async for frame in frames_from_audio(animator, feed())]

    return asyncio.run(run())


def test_frames_from_audio_pushes_every_block_then_flushes_off_the_event_loop() -> None:
    blocks = [AudioBlock(np.zeros((n, 1), np.float32), 10**9 * (i + 1)) for i, n in enumerate([1000, 280, 640, 5])]
    animator = Counting()
    frames = collect(animator, blocks)
    assert [f.sequence for f in frames] == list(range(3 + 3))  # 1925 samples: 3 frames, then the flushed 3
    assert animator.threads and not any(t is threading.main_thread() for t in animator.threads)


def test_frame_chunker_stamps_each_frame_with_its_last_sample() -> None:
    rng = np.random.default_rng(0)
    sizes = rng.integers(1, 2000, 40)
    ends = np.cumsum(sizes)  # exclusive end sample of each block
    blocks = [AudioBlock(rng.standard_normal((n, 2)).astype(np.float32), int(10**9 * e // SAMPLE_RATE) + 7) for n, e in zip(sizes, ends)]
    chunker, got = FrameChunker(2), []
    for block in blocks:
        got += list(chunker.push(block))
    audio = np.concatenate([b.samples for b in blocks])
    assert len(got) == ends[-1] // SAMPLES_PER_FRAME
    for j, (samples, capture_ns) in enumerate(got):
        last = (j + 1) * SAMPLES_PER_FRAME  # exclusive
        b = int(np.searchsorted(ends, last))  # the block the frame ends in
        assert np.array_equal(samples, audio[last - SAMPLES_PER_FRAME : last])
        assert capture_ns == blocks[b].capture_time_ns - (ends[b] - last) * 1_000_000_000 // SAMPLE_RATE


@pytest.fixture(scope="module")
def clip(dialogue_wav: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    samples, rate = sf.read(str(dialogue_wav), dtype="float32", frames=FRAMES * SAMPLES_PER_FRAME + 300)
    assert rate == SAMPLE_RATE
    path = tmp_path_factory.mktemp("loop") / "clip.wav"
    sf.write(path, samples, rate, subtype="PCM_16")
    return path


@pytest.fixture(scope="module")
def small_checkpoint(tmp_path_factory: pytest.TempPathFactory) -> Path:
    torch.manual_seed(0)
    path = tmp_path_factory.mktemp("ckpt") / "small.pt"
    save_checkpoint(path, MotionGenerator(ModelConfig(width=32, levels=2, audio_width=32, audio_layers=1, heads=2)).eval())
    return path


def test_animate_and_the_room_emit_the_same_frames(small_checkpoint: Path, clip: Path) -> None:
    """The diffusion engine holds frames back for its lookahead: both paths flush them, so the same
    audio gives the same frames whether a client sends it (Animate) or the room plays it."""
    config = ServerConfig(port=0, animator="diffusion", checkpoint=str(small_checkpoint), source=str(clip))
    with BackgroundServer(config) as server, grpc.insecure_channel(server.address) as channel:
        room = list(subscribe(channel, "test"))
        animate = list(animate_file_stream(channel, clip))
    for responses in (room, animate):
        frames = [r.frame for r in responses if r.WhichOneof("payload") == "frame"]
        status = responses[-1].status
        assert status.code == 0 and status.frame_count == len(frames) == FRAMES
        assert [f.sequence for f in frames] == list(range(FRAMES))
