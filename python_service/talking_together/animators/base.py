"""The Animator interface: causal audio in, 25 fps frames for both participants out."""

from __future__ import annotations

import asyncio
from abc import ABC, abstractmethod
from collections.abc import Iterator

import numpy as np

from talking_together.audio.blocks import AudioBlock
from talking_together.contract import BLENDSHAPE_INDEX, SAMPLE_RATE, SAMPLES_PER_FRAME, AnimationFrame, ParticipantState
from talking_together.geometry import DEFAULT_HEAD, EYE_LOOK_NAMES, Anchor, HeadGeometry, compose_head_world, eye_look_blendshapes

EYE_LOOK_INDEX = np.array([BLENDSHAPE_INDEX[name] for name in EYE_LOOK_NAMES])


def participant_state(
    anchor: Anchor,
    translation: np.ndarray,
    joints: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray],
    expression: np.ndarray,
    speaking: float,
    geometry: HeadGeometry = DEFAULT_HEAD,
    head_world: tuple[np.ndarray, np.ndarray] | None = None,
) -> ParticipantState:
    """Completes one person's frame per the contract: head_world composed, eyeLook* from the eyes."""
    neck, head, left_eye, right_eye = joints
    head_pos, head_rot = head_world or compose_head_world(anchor, translation, neck, head, geometry)
    expression = np.array(expression, dtype=np.float64)
    expression[EYE_LOOK_INDEX] = eye_look_blendshapes(left_eye, right_eye)
    return ParticipantState(
        translation=np.asarray(translation, dtype=np.float64),
        neck=neck,
        head=head,
        left_eye=left_eye,
        right_eye=right_eye,
        expression=np.clip(expression, 0.0, 1.0),
        head_world_position=head_pos,
        head_world_rotation=head_rot,
        speaking=float(speaking),
    )


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
    blocking: bool = False  # True: push() takes long enough that the service runs it off the event loop

    def __init__(self, channels: int) -> None:
        self.channels = channels
        self._chunker = FrameChunker(channels)
        self._sequence = 0

    def push(self, block: AudioBlock) -> list[AnimationFrame]:
        frames = []
        for samples, capture_ns in self._chunker.push(block):
            frames += self.push_frame(samples, capture_ns)
        return frames

    def flush(self) -> list[AnimationFrame]:
        """Frames still held back (e.g. waiting for lookahead) when the audio ends."""
        return []

    async def push_async(self, block: AudioBlock) -> list[AnimationFrame]:
        """push() for the event loop: a blocking animator runs in a worker thread, so other sessions go on."""
        return await asyncio.to_thread(self.push, block) if self.blocking else self.push(block)

    async def flush_async(self) -> list[AnimationFrame]:
        return await asyncio.to_thread(self.flush) if self.blocking else self.flush()

    @abstractmethod
    def push_frame(self, samples: np.ndarray, capture_time_ns: int) -> list[AnimationFrame]:
        """One 40 ms frame of (640, C) float32 audio in; the frames it completes out.

        A frame-by-frame animator returns exactly one; one with lookahead returns none or a hop.
        Implementations number their frames from self._sequence, contiguously.
        """
