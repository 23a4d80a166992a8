"""The Animator interface: causal audio in, 25 fps frames for both participants out."""

from __future__ import annotations

import asyncio
import time
from abc import ABC, abstractmethod
from collections.abc import AsyncIterable, AsyncIterator, Callable, Iterator

import numpy as np

from talking_together.activity.base import Framer
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
    """Cuts a block stream into exact 640-sample frames (activity's `Framer`, the one framer),
    stamping each with its capture time: that of its last sample, derived from the block it ended in.
    """

    def __init__(self, channels: int) -> None:
        self._framer = Framer(channels)
        self._held = 0  # samples the framer holds back, short of a frame

    def push(self, block: AudioBlock) -> Iterator[tuple[np.ndarray, int]]:
        """Yields ((640, C) samples, capture_time_ns) for every frame the block completes."""
        frames = self._framer.push(block.samples)
        self._held = after_last = (self._held + block.num_samples) % SAMPLES_PER_FRAME  # all in the new block
        for k, samples in enumerate(frames):
            samples_after = after_last + (len(frames) - 1 - k) * SAMPLES_PER_FRAME
            yield samples, block.capture_time_ns - samples_after * 1_000_000_000 // SAMPLE_RATE


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
            frames += self.push_frame(samples, capture_ns)
        return frames

    def flush(self) -> list[AnimationFrame]:
        """Frames still held back (e.g. waiting for lookahead) when the audio ends."""
        return []

    @abstractmethod
    def push_frame(self, samples: np.ndarray, capture_time_ns: int) -> list[AnimationFrame]:
        """One 40 ms frame of (640, C) float32 audio in; the frames it completes out.

        A frame-by-frame animator returns exactly one; one with lookahead returns none or a hop.
        Implementations number their frames from self._sequence, contiguously.
        """


# Hears each push: (samples, wall seconds it took, a worker's wait included, and seconds its audio
# had waited since it arrived).
WorkMeter = Callable[[int, float, float], None]


async def frames_from_audio(animator: Animator, blocks: AsyncIterable[AudioBlock], meter: WorkMeter | None = None) -> AsyncIterator[AnimationFrame]:
    """The one audio-to-frames loop (Animate sessions and the room session both consume it): each
    block pushed, its frames yielded, then the frames held back when the audio ends.

    Push and flush run in a worker thread, for every animator: speaker activity alone costs about
    a tenth of a CPU-second per second of audio, so one large chunk on the event loop would stall
    every other session and subscriber for as long. `meter` hears what each push cost, which is
    how the server sees that it is full (service/capacity.py)."""
    async for block in blocks:
        start_ns = time.monotonic_ns()  # the clock of capture_time_ns
        frames = await asyncio.to_thread(animator.push, block)
        if meter:
            meter(block.num_samples, (time.monotonic_ns() - start_ns) / 1e9, (start_ns - block.capture_time_ns) / 1e9)
        for frame in frames:
            yield frame
    for frame in await asyncio.to_thread(animator.flush):
        yield frame
