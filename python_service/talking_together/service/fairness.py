"""Fairness and admission (issue 18): one client never takes what the others need.

Why: with no bounds, 32 streams that sent a header and then nothing held every slot, a client
flooding audio as fast as it could starved a real-time neighbour, 2-byte chunks cost 3 CPU
seconds per audio second, and every session was admitted until all of them degraded together.
So:

- `Admission` gives out session slots against the capacity (service/capacity.py: measured at
  start-up or `max_sessions`; the room's session included), while the running sessions' load
  leaves room (`full_load`), and under a per-peer cap (`max_sessions_per_peer`);
- `Pacer` holds a stream's reading to `max_audio_speed` times real time (with `audio_burst_s`
  of audio allowed ahead), so a flooding client is slowed by gRPC flow control, not refused;
- `ChunkFloor` refuses chunks under `min_chunk_samples` (except the last), bounding the cost of
  one second of audio;
- the idle timeout (`idle_timeout_s`) is applied where requests are read (`stamps.ArrivalPump`).

A refusal is a `Refusal`, which carries its gRPC status; the servicer aborts with it. The
limits live in `ServiceLimits` (service/config.py) and are documented in docs/security.md.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable

import grpc

from talking_together.audio.decode import DeclaredFormat
from talking_together.contract import SAMPLE_RATE
from talking_together.service.auth import peer_address
from talking_together.service.capacity import Capacity, LoadGauge, SessionLoad
from talking_together.service.config import ServiceLimits

log = logging.getLogger(__name__)


class Refusal(Exception):
    """A session refused or ended by a fairness rule: the status and message the client gets."""

    def __init__(self, code: grpc.StatusCode, message: str) -> None:
        super().__init__(message)
        self.code = code


class Slot:
    """One admitted Animate session; `load` meters its work, `release` (idempotent) gives the slot back."""

    def __init__(self, admission: Admission, peer: str) -> None:
        self._admission = admission
        self.peer = peer
        self.load = admission.gauge.watch(SessionLoad())
        self._released = False

    def release(self) -> None:
        if not self._released:
            self._released = True
            self._admission.gauge.forget(self.load)
            self._admission._release(self.peer)


class Admission:
    """Session slots: at most `capacity.sessions` in all (the room session holds one while the
    server has a room) and at most `max_sessions_per_peer` Animate sessions from one peer address
    (not per connection, so many channels from one host share the cap)."""

    def __init__(self, capacity: Capacity, limits: ServiceLimits, room_sessions: int = 0) -> None:
        self.capacity = capacity
        self.limits = limits
        self.gauge = LoadGauge(limits.full_load, limits.full_backlog_s)  # what the running sessions cost now
        self.room_sessions = room_sessions
        self.animate = 0  # active Animate sessions
        self._per_peer: dict[str, int] = {}  # only peers with a session: the table cannot outgrow max_sessions

    @property
    def admitted(self) -> int:
        """Sessions counted against the capacity (what GetInfo reports as admitted_sessions)."""
        return self.animate + self.room_sessions

    def admit(self, peer: str) -> Slot:
        """A slot for a session from `peer` (context.peer()), or a RESOURCE_EXHAUSTED `Refusal`."""
        limits = self.limits
        if self.admitted >= self.capacity.sessions:
            room = f", {self.room_sessions} of them the room session" if self.room_sessions else ""
            raise Refusal(
                grpc.StatusCode.RESOURCE_EXHAUSTED,
                f"server is at its capacity of {self.capacity.sessions} concurrent sessions{room} "
                f"(max_sessions, {self.capacity.describe()}): retry later",
            )
        if self.gauge.full():
            gauge = self.gauge
            raise Refusal(
                grpc.StatusCode.RESOURCE_EXHAUSTED,
                f"server is full at {self.admitted} sessions: they need {gauge.mean():.2f} s of work per s of audio on "
                f"average, about {gauge.with_one_more():.2f} with one more (full_load {gauge.full_load:g}), and audio waits up to "
                f"{gauge.most_behind():.2f} s (full_backlog_s {gauge.full_backlog_s:g}); another would slow them all: retry later",
            )
        address = peer_address(peer)
        if self._per_peer.get(address, 0) >= limits.max_sessions_per_peer:
            raise Refusal(
                grpc.StatusCode.RESOURCE_EXHAUSTED,
                f"this address already has {limits.max_sessions_per_peer} concurrent Animate sessions (max_sessions_per_peer): "
                "end one before opening another",
            )
        self._per_peer[address] = self._per_peer.get(address, 0) + 1
        self.animate += 1
        return Slot(self, address)

    def _release(self, address: str) -> None:
        self.animate -= 1
        left = self._per_peer.get(address, 1) - 1
        if left:
            self._per_peer[address] = left
        else:
            self._per_peer.pop(address, None)


class Pacer:
    """Holds one stream's reading to `speed` times real time, with `burst_s` of audio ahead allowed.

    A leaky bucket in virtual time (GCRA): `_due` is when the audio read so far falls due at
    `speed`. It never falls behind the clock, so a client that was slow or silent banks no more
    than the burst. Before the next read the reader waits until it is at most `burst_s` of audio
    ahead; meanwhile gRPC's flow control pushes back on the client, which slows down instead of
    being refused. Audio is counted in bytes of the declared format (`bytes_per_second`).
    """

    def __init__(self, speed: float, burst_s: float, bytes_per_second: float, clock: Callable[[], float] = time.monotonic) -> None:
        self._seconds_per_byte = 1.0 / (speed * bytes_per_second)  # wall time one byte of audio is worth
        self._ahead_s = burst_s / speed  # wall time the burst is worth
        self._clock = clock
        self._due = clock()

    def add(self, audio_bytes: int) -> None:
        self._due = max(self._due, self._clock()) + audio_bytes * self._seconds_per_byte

    def delay(self) -> float:
        """Seconds to wait before the next read (0 when the stream may be read now)."""
        return max(0.0, self._due - self._ahead_s - self._clock())

    async def hold(self) -> None:
        if (wait := self.delay()) > 0:
            await asyncio.sleep(wait)


def audio_bytes_per_second(declared: DeclaredFormat) -> int:
    """Bytes of one second of the declared audio: what the pacer and the chunk floor measure in."""
    return declared.sample_rate_hz * declared.channels * declared.encoding.bytes_per_sample


def pacer_for(limits: ServiceLimits, bytes_per_second: float) -> Pacer | None:
    """The stream's pacer, or None when pacing is off (`max_audio_speed` <= 0)."""
    if limits.max_audio_speed <= 0:
        return None
    return Pacer(limits.max_audio_speed, limits.audio_burst_s, bytes_per_second)


class ChunkFloor:
    """Refuses an audio chunk shorter than `min_chunk_samples` (16 kHz samples, the same duration
    at any declared rate) once another chunk follows it: only the last chunk may be short.

    Why refuse rather than coalesce: the cost is per message (gRPC, protobuf, the session's loop),
    so a coalescing server would still pay for every tiny message; a refusal tells the client
    what to fix.
    """

    def __init__(self, min_chunk_samples: int, bytes_per_second: float) -> None:
        self._min_s = min_chunk_samples / SAMPLE_RATE
        self._bytes_per_second = bytes_per_second
        self._short_s: float | None = None  # the previous chunk's duration, when it was short

    def check(self, audio_bytes: int) -> None:
        if self._short_s is not None:
            raise Refusal(
                grpc.StatusCode.INVALID_ARGUMENT,
                f"an audio chunk of {self._short_s * 1000:.1f} ms was followed by more audio: every chunk but the last must hold "
                f"at least {self._min_s * 1000:g} ms (min_chunk_samples); send 20-100 ms chunks",
            )
        seconds = audio_bytes / self._bytes_per_second
        self._short_s = seconds if seconds < self._min_s else None


class IdleStream(Refusal):
    """An Animate stream that sent nothing for `idle_timeout_s` (raised where requests are read)."""

    def __init__(self, idle_timeout_s: float) -> None:
        super().__init__(
            grpc.StatusCode.DEADLINE_EXCEEDED,
            f"no message for {idle_timeout_s:g} s after the header (idle_timeout_s): send audio, or EndOfAudio to finish",
        )
