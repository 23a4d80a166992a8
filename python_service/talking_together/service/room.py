"""The room session: one audio source, one animator, any number of subscribers.

Frames are converted to protobuf once and fanned out to per-subscriber bounded queues.
A full queue drops its own oldest frame (latest wins), so a slow subscriber never stalls
the room or any other subscriber. At send time a frame more than `max_frame_age_s` behind the
newest one waiting is dropped too (bounded staleness): a subscriber that stalled in its own code
resumes live at once. Both kinds of drop are counted per subscriber and for the room. The
animator runs off the event loop, so the subscribers' sends are never starved by it.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections import deque
from collections.abc import AsyncIterator
from typing import Protocol

import grpc

from talking_together.animators.base import Animator, frames_from_audio
from talking_together.service.capacity import SessionLoad
from talking_together.audio.blocks import AudioBlock
from talking_together.audio.sources import AudioSource
from talking_together.contract import FPS, SAMPLE_RATE, AnimationFrame
from talking_together.layout import Layout
from talking_together.service.config import ServiceLimits
from talking_together.service.convert import emitted, server_header
from talking_together.service.hygiene import client_text
from talking_together.v1 import talking_together_pb2 as pb

log = logging.getLogger(__name__)
_FRAME_NS = 1_000_000_000 // FPS  # stream time per frame


class Subscriber:
    """A bounded, latest-wins mailbox that also drops what is too old to send; the room's end
    arrives out of band and is never dropped.

    Why both: a full mailbox catches a subscriber whose transport pushes back, but one that stalls
    in its own code leaves its transport accepting, so the mailbox never fills; the age check at
    send time (`next`) catches that one. A frame is stale when the newest frame waiting is more
    than `max_age_s` newer, both on the clock (emit times) and in stream time (sequence numbers,
    40 ms each). So what is bounded is the backlog this subscriber built up: a hop of frames
    emitted at once is not stale (same clock time), nor is a server that is itself behind, whose
    busy event loop lets a few slow frames pile up (little stream time). The newest frame is
    always sent.
    """

    def __init__(self, name: str, capacity: int, max_age_s: float = ServiceLimits.max_frame_age_s) -> None:
        self.name = name
        self._frames: deque[pb.AnimateResponse] = deque(maxlen=capacity)
        self._ready = asyncio.Event()
        self.final: pb.AnimateResponse | None = None
        self._finished = False
        self.max_age_ns = int(max_age_s * 1e9)
        self.dropped = 0  # oldest frames pushed out of a full mailbox
        self.stale_dropped = 0  # frames over max_age_s behind the newest one waiting, when their turn came
        self._stale_run = 0  # stale drops since the last frame sent: one log record per stall

    def offer(self, message: pb.AnimateResponse) -> None:
        if len(self._frames) == self._frames.maxlen:
            self.dropped += 1
        self._frames.append(message)
        self._ready.set()

    def _stale(self, frame: pb.Frame, newest: pb.Frame) -> bool:
        behind_ns = newest.emit_time_ns - frame.emit_time_ns
        return behind_ns > self.max_age_ns and (newest.sequence - frame.sequence) * _FRAME_NS > self.max_age_ns

    def close(self, final: pb.AnimateResponse) -> None:
        self.final = final
        self._ready.set()

    async def next(self) -> pb.AnimateResponse | None:
        """The next frame young enough to send; once the room has ended, its final status; then None."""
        while True:
            newest = self._frames[-1].frame if self._frames else None
            while self._frames:
                message = self._frames.popleft()
                if self._stale(message.frame, newest):
                    self.stale_dropped += 1
                    self._stale_run += 1
                    continue
                if self._stale_run:
                    log.info("subscriber %s was stalled: dropped %d frames over %.2f s behind the newest, live again at frame %d",
                             client_text(self.name, 40), self._stale_run, self.max_age_ns / 1e9, message.frame.sequence)
                    self._stale_run = 0
                return message
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
        max_frame_age_s: float = ServiceLimits.max_frame_age_s,
    ) -> None:
        self.source, self.animator, self.layout = source, animator, layout
        self.calibration_id = calibration_id
        # A recording waits for its first viewer, so nobody misses its beginning; a mic does not.
        self._first_subscriber = asyncio.Event()
        if not start_on_subscribe:
            self._first_subscriber.set()
        self.session_id = f"room-{uuid.uuid4().hex[:8]}"
        self.queue_frames = queue_frames
        self.max_frame_age_s = max_frame_age_s
        self.subscribers: set[Subscriber] = set()
        self._dropped_by_gone = [0, 0]  # (full, stale) drops of subscribers that have left
        self.observers: list[RoomObserver] = []
        self.running = False
        self.final: pb.AnimateResponse | None = None  # set once the source has ended
        self.frames_emitted = 0
        self.audio_seconds = 0.0
        self.load = SessionLoad()  # the room's work, which admission weighs with the Animate sessions'

    def header(self) -> pb.AnimateResponse:
        return server_header(self.session_id, self.layout, self.animator.name, calibration_id=self.calibration_id)

    @property
    def frames_dropped(self) -> int:
        """Frames any subscriber lost to a full mailbox, since the room started."""
        return self._dropped_by_gone[0] + sum(s.dropped for s in self.subscribers)

    @property
    def frames_dropped_stale(self) -> int:
        """Frames any subscriber lost for falling `max_frame_age_s` behind at send time (stale), since the room started."""
        return self._dropped_by_gone[1] + sum(s.stale_dropped for s in self.subscribers)

    def subscribe(self, name: str) -> Subscriber:
        subscriber = Subscriber(name, self.queue_frames, self.max_frame_age_s)
        if self.final is not None:
            subscriber.close(self.final)
        self.subscribers.add(subscriber)
        self._first_subscriber.set()
        return subscriber

    def unsubscribe(self, subscriber: Subscriber) -> None:
        if subscriber in self.subscribers:
            self.subscribers.discard(subscriber)
            self._dropped_by_gone[0] += subscriber.dropped
            self._dropped_by_gone[1] += subscriber.stale_dropped

    def _broadcast(self, frame: AnimationFrame) -> None:
        (message,) = emitted([frame])  # converted once, shared by every subscriber
        for subscriber in self.subscribers:
            subscriber.offer(message)
        for observer in self.observers:
            observer.on_message(message)
        self.frames_emitted += 1

    async def _blocks(self) -> AsyncIterator[AudioBlock]:
        """The source's audio, seen by the observers and counted on its way to the animator."""
        async for block in self.source.blocks():
            for observer in self.observers:
                observer.on_audio(block)
            self.audio_seconds += block.num_samples / SAMPLE_RATE
            yield block

    async def run(self) -> None:
        """Capture, animate and fan out until the source ends (a file) or the task is cancelled."""
        self.running = True
        status = pb.FinalStatus(code=grpc.StatusCode.OK.value[0], message="source ended")
        log.info("room session %s: source %s, animator %s", self.session_id, self.source.description, self.animator.name)
        try:
            await self._first_subscriber.wait()
            # Off the event loop, whatever the animator: subscribers' writes complete while it
            # works, so a room catching up does not starve them into stale-frame drops.
            async for frame in frames_from_audio(self.animator, self._blocks(), self.load):
                self._broadcast(frame)
        except Exception as exc:  # a failing device must end the streams with a reason, not hang them
            log.exception("room session %s failed", self.session_id)
            status = pb.FinalStatus(code=grpc.StatusCode.UNAVAILABLE.value[0], message=f"room source failed: {exc}")
        finally:
            self.running = False
            self.load.clear()
            status.frame_count = self.frames_emitted
            status.audio_seconds = self.audio_seconds
            self.final = pb.AnimateResponse(status=status)
            for subscriber in self.subscribers:
                subscriber.close(self.final)
            for observer in self.observers:
                observer.on_message(self.final)
            log.info("room session %s ended after %d frames (subscribers dropped %d from full queues, %d stale: over %.2f s behind)",
                     self.session_id, self.frames_emitted, self.frames_dropped, self.frames_dropped_stale, self.max_frame_age_s)
