"""The room session: one audio source, one animator, any number of subscribers.

Frames are converted to protobuf once and fanned out to per-subscriber bounded queues.
A full queue drops its own oldest frame (latest wins), so a slow subscriber never stalls
the room or any other subscriber.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections import deque
from typing import Protocol

import grpc

from talking_together.animators.base import Animator
from talking_together.audio.blocks import AudioBlock
from talking_together.audio.sources import AudioSource
from talking_together.contract import SAMPLE_RATE, AnimationFrame
from talking_together.layout import Layout
from talking_together.service.convert import emitted, server_header
from talking_together.v1 import talking_together_pb2 as pb

log = logging.getLogger(__name__)


class Subscriber:
    """A bounded, latest-wins mailbox; the room's end arrives out of band and is never dropped."""

    def __init__(self, name: str, capacity: int) -> None:
        self.name = name
        self._frames: deque[pb.AnimateResponse] = deque(maxlen=capacity)
        self._ready = asyncio.Event()
        self.final: pb.AnimateResponse | None = None
        self._finished = False
        self.dropped = 0

    def offer(self, message: pb.AnimateResponse) -> None:
        if len(self._frames) == self._frames.maxlen:
            self.dropped += 1
        self._frames.append(message)
        self._ready.set()

    def close(self, final: pb.AnimateResponse) -> None:
        self.final = final
        self._ready.set()

    async def next(self) -> pb.AnimateResponse | None:
        """The next frame; once the room has ended, its final status; then None."""
        while True:
            if self._frames:
                return self._frames.popleft()
            if self.final is not None:
                final, self.final = self.final, None
                self._finished = True
                return final
            if self._finished:
                return None
            self._ready.clear()
            await self._ready.wait()


class RoomObserver(Protocol):
    """Sees every audio block and every broadcast message (a recorder); called on the event loop, so it must only queue."""

    def on_audio(self, block: AudioBlock) -> None: ...

    def on_message(self, message: pb.AnimateResponse) -> None: ...


class RoomSession:
    def __init__(
        self,
        source: AudioSource,
        animator: Animator,
        layout: Layout,
        queue_frames: int,
        start_on_subscribe: bool = False,
        calibration_id: str = "",
    ) -> None:
        self.source, self.animator, self.layout = source, animator, layout
        self.calibration_id = calibration_id
        # A recording waits for its first viewer, so nobody misses its beginning; a mic does not.
        self._first_subscriber = asyncio.Event()
        if not start_on_subscribe:
            self._first_subscriber.set()
        self.session_id = f"room-{uuid.uuid4().hex[:8]}"
        self.queue_frames = queue_frames
        self.subscribers: set[Subscriber] = set()
        self.observers: list[RoomObserver] = []
        self.running = False
        self.final: pb.AnimateResponse | None = None  # set once the source has ended
        self.frames_emitted = 0
        self.audio_seconds = 0.0

    def header(self) -> pb.AnimateResponse:
        return server_header(self.session_id, self.layout, self.animator.name, calibration_id=self.calibration_id)

    def subscribe(self, name: str) -> Subscriber:
        subscriber = Subscriber(name, self.queue_frames)
        if self.final is not None:
            subscriber.close(self.final)
        self.subscribers.add(subscriber)
        self._first_subscriber.set()
        return subscriber

    def unsubscribe(self, subscriber: Subscriber) -> None:
        self.subscribers.discard(subscriber)

    def _broadcast(self, frames: list[AnimationFrame]) -> None:
        for message in emitted(frames):  # converted once, shared by every subscriber
            for subscriber in self.subscribers:
                subscriber.offer(message)
            for observer in self.observers:
                observer.on_message(message)
            self.frames_emitted += 1

    async def run(self) -> None:
        """Capture, animate and fan out until the source ends (a file) or the task is cancelled."""
        self.running = True
        status = pb.FinalStatus(code=grpc.StatusCode.OK.value[0], message="source ended")
        log.info("room session %s: source %s, animator %s", self.session_id, self.source.description, self.animator.name)
        try:
            await self._first_subscriber.wait()
            async for block in self.source.blocks():
                for observer in self.observers:
                    observer.on_audio(block)
                self.audio_seconds += block.num_samples / SAMPLE_RATE
                self._broadcast(await self.animator.push_async(block))
            self._broadcast(await self.animator.flush_async())
        except Exception as exc:  # a failing device must end the streams with a reason, not hang them
            log.exception("room session %s failed", self.session_id)
            status = pb.FinalStatus(code=grpc.StatusCode.UNAVAILABLE.value[0], message=f"room source failed: {exc}")
        finally:
            self.running = False
            status.frame_count = self.frames_emitted
            status.audio_seconds = self.audio_seconds
            self.final = pb.AnimateResponse(status=status)
            for subscriber in self.subscribers:
                subscriber.close(self.final)
            for observer in self.observers:
                observer.on_message(self.final)
            log.info("room session %s ended after %d frames", self.session_id, self.frames_emitted)
