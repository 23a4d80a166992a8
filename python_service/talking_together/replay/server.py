"""The replay server: the live gRPC API, answered from a recording, paced by its recorded times.

- Subscribe: every stream plays the recording from its start (each viewer sees the whole
  session), with --loop forever.
- Animate: the request stream (header, audio) is read and discarded; the answer is the recorded
  stream, once. So a client built for the live service runs unchanged against a recording.
- Frames are paced by their publish times (capture times); the header goes at once and the
  final status right after the last frame. On the first pass the bytes sent are the recorded
  bytes; later --loop passes shift sequence and times so a stream stays contiguous.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import AsyncIterator

import grpc

from talking_together.contract import FPS
from talking_together.replay.recording import Recording, RecordingError
from talking_together.service.config import ServerConfig
from talking_together.service.server import Running, Starter, serve
from talking_together.service.capacity import Capacity, SessionLoad
from talking_together.service.servicer import TalkingTogetherService, Undecodable
from talking_together.v1 import talking_together_pb2 as pb

log = logging.getLogger(__name__)
_SPIN_S = 0.002  # the last 2 ms before a frame is due are spent yielding, not sleeping


class Serialized(bytes):
    """A message already serialized: grpc's serializer calls SerializeToString, which returns the
    recorded bytes unchanged, so replayed payloads are bit-exact by construction."""

    def SerializeToString(self) -> bytes:  # noqa: N802 - the protobuf method name grpc calls
        return bytes(self)


class Playback:
    """The recorded stream, split into what is sent at once, paced and at the end."""

    def __init__(self, recording: Recording, speed: float) -> None:
        if speed <= 0:
            raise ValueError(f"--speed must be positive, got {speed:g}")
        self.speed = speed
        messages = recording.parsed_responses()
        kinds = [m.WhichOneof("payload") for m in messages]
        if "header" not in kinds:
            raise RecordingError(f"{recording.path}: no stream header recorded, nothing to replay")
        self.header = messages[kinds.index("header")].header
        self.header_bytes = Serialized(recording.responses[kinds.index("header")].data)
        self.frames = [(r.publish_time_ns, Serialized(r.data)) for r, k in zip(recording.responses, kinds) if k == "frame"]
        statuses = [Serialized(r.data) for r, k in zip(recording.responses, kinds) if k == "status"]
        self.status = statuses[-1] if statuses else Serialized(
            pb.AnimateResponse(status=pb.FinalStatus(code=0, message="end of recording", frame_count=len(self.frames))).SerializeToString()
        )
        # One loop pass lasts the recording plus one frame, so the next pass keeps the frame rate.
        times = [t for t, _ in self.frames]
        self.pass_ns = times[-1] - times[0] + 1_000_000_000 // FPS if times else 0

    async def stream(self, loop: bool) -> AsyncIterator[Serialized]:
        yield self.header_bytes
        start_ns, first_ns, repeat = time.monotonic_ns(), self.frames[0][0] if self.frames else 0, 0
        while True:
            for publish_ns, data in self.frames:
                offset_ns = repeat * self.pass_ns
                due_ns = start_ns + int((publish_ns - first_ns + offset_ns) / self.speed)
                await _sleep_until(due_ns)
                yield data if repeat == 0 else self._shifted(data, repeat, offset_ns)
            if not (loop and self.frames):
                break
            repeat += 1
        yield self.status

    def _shifted(self, data: bytes, repeat: int, offset_ns: int) -> Serialized:
        message = pb.AnimateResponse.FromString(data)
        message.frame.sequence += repeat * len(self.frames)
        message.frame.capture_time_ns += offset_ns
        message.frame.emit_time_ns += offset_ns
        return Serialized(message.SerializeToString())


class ReplayService(TalkingTogetherService):
    """TalkingTogetherService with Animate and Subscribe answered by a Playback."""

    def __init__(self, playback: Playback, loop: bool, config: ServerConfig) -> None:
        # No animator runs, so nothing to measure: a replay session costs a playback, like a subscriber.
        limits = config.limits
        super().__init__(config, capacity=Capacity(limits.max_sessions or limits.max_subscribers))
        self.playback, self.loop = playback, loop
        self.viewers = 0

    async def _animate(self, session_id: str, requests: AsyncIterator[object], context: grpc.aio.ServicerContext,
                       load: SessionLoad) -> AsyncIterator[Serialized]:
        log.info("Animate %s from %s: answering from the recording, ignoring the client's audio", session_id, context.peer())
        drain = asyncio.create_task(_discard(requests))
        try:
            async for message in self.playback.stream(loop=False):
                yield message
        finally:
            drain.cancel()
            with contextlib.suppress(asyncio.CancelledError, grpc.RpcError):
                await drain

    async def Subscribe(self, request: object, context: grpc.aio.ServicerContext) -> AsyncIterator[Serialized]:
        if isinstance(request, Undecodable):
            await context.abort(grpc.StatusCode.INVALID_ARGUMENT, "undecodable SubscribeRequest")
        if self.viewers >= self.limits.max_subscribers:
            await context.abort(grpc.StatusCode.RESOURCE_EXHAUSTED, f"the replay has its limit of {self.limits.max_subscribers} subscribers: retry later")
        self.viewers += 1
        log.info("subscriber %s: replaying from the start", request.client_name or context.peer())
        try:
            async for message in self.playback.stream(self.loop):
                yield message
        finally:
            self.viewers -= 1

    async def GetInfo(self, request: object, context: grpc.aio.ServicerContext) -> pb.ServiceInfo:
        info = await super().GetInfo(request, context)
        info.animator = self.playback.header.animator
        info.room_session_active = True
        info.active_subscribers = self.viewers
        return info


async def _sleep_until(due_ns: int) -> None:
    """Sleep, then yield to other tasks for the last stretch: timers on a busy host wake late by
    milliseconds, and the replay promises the recorded pacing within a few."""
    delay_s = (due_ns - time.monotonic_ns()) / 1e9 - _SPIN_S
    if delay_s > 0:
        await asyncio.sleep(delay_s)
    while time.monotonic_ns() < due_ns:
        await asyncio.sleep(0)


async def _discard(requests: AsyncIterator[object]) -> None:
    async for _ in requests:
        pass


def replay_starter(recording: Recording, speed: float = 1.0, loop: bool = False) -> Starter:
    """A `start` for run_server/BackgroundServer that serves `recording` instead of a live room."""
    playback = Playback(recording, speed)

    async def start(config: ServerConfig) -> Running:
        running = await serve(ReplayService(playback, loop, config), config)
        log.info("replaying %s (%d frames, speed %g%s) on %s:%d", recording.path, len(playback.frames), speed, ", looped" if loop else "", config.host, running.port)
        return running

    return start
