"""The Animator interface: causal audio in, 25 fps frames for both participants out."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterator

import numpy as np

from talking_together.audio.blocks import AudioBlock
from talking_together.contract import SAMPLE_RATE, SAMPLES_PER_FRAME, AnimationFrame


class FrameChunker:
    """Cuts a block stream into exact 640-sample frames, stamping each with its capture time.

    A frame's capture time is that of its last sample, derived from the block it ended in.
    """

    def __init__(self, channels: int, frame_samples: int = SAMPLES_PER_FRAME) -> None:
        self.frame_samples = frame_samples
        self._pending = np.zeros((0, channels), dtype=np.float32)

    def push(self, block: AudioBlock) -> Iterator[tuple[np.ndarray, int]]:
        """Yields ((640, C) samples, capture_time_ns) for every frame the block completes."""
        pending = np.concatenate([self._pending, block.samples]) if self._pending.size else block.samples
        n_frames = pending.shape[0] // self.frame_samples
        for k in range(n_frames):
            end = (k + 1) * self.frame_samples  # exclusive index in `pending`
            samples_after = pending.shape[0] - end  # all inside the new block
            capture_ns = block.capture_time_ns - samples_after * 1_000_000_000 // SAMPLE_RATE
            yield pending[end - self.frame_samples : end], capture_ns
        self._pending = pending[n_frames * self.frame_samples :].copy()


class Animator(ABC):
    """Both participants' performance from one audio stream, one frame per 40 ms of audio.

    Implementations are causal: a frame depends only on audio up to its own end (plus any
    lookahead the implementation declares, which delays its frames by that much).
    """

    name: str = "animator"

    def __init__(self, channels: int) -> None:
        self.channels = channels
        self._chunker = FrameChunker(channels)
        self._sequence = 0

    def push(self, block: AudioBlock) -> list[AnimationFrame]:
        frames = []
        for samples, capture_ns in self._chunker.push(block):
            frames.append(self.step(samples, self._sequence, capture_ns))
            self._sequence += 1
        return frames

    @abstractmethod
    def step(self, samples: np.ndarray, sequence: int, capture_time_ns: int) -> AnimationFrame:
        """One 40 ms frame of (640, C) float32 audio -> one AnimationFrame."""
