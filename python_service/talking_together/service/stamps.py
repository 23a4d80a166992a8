"""Honest time stamps for client audio: arrival where it arrives, and the client's own capture time.

Why: a session that is busy animating does not read its request stream, so a chunk waits in the
transport and a stamp taken when the session reads it hides that wait (under load the server
once reported a p95 of 150 ms while clients measured 49 s). `ArrivalPump` reads the stream in
its own task and stamps each request as it comes off the transport; `ClientCaptureTimes` turns
the client's per-chunk capture times (AudioChunk.client_capture_time_ns) into a per-frame echo
(Frame.client_capture_time_ns), so a client measures its end-to-end latency on its own clock.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections import deque
from collections.abc import AsyncIterator
from dataclasses import dataclass

from talking_together.contract import SAMPLE_RATE, SAMPLES_PER_FRAME
from talking_together.service.fairness import IdleStream, Pacer
from talking_together.v1 import talking_together_pb2 as pb


@dataclass(frozen=True)
class Arrival:
    request: object  # an AnimateRequest, or the servicer's Undecodable
    arrival_ns: int  # server monotonic ns when it came off the transport


_END = object()


class ArrivalPump:
    """Reads `requests` as fast as they arrive, stamps each, and queues them for the session.

    The queue is bounded by audio bytes (`max_bytes`): past that the pump stops reading and the
    transport pushes back on the client. Only a client that sends far ahead of real time gets
    there, and from then on its chunks are stamped late by its own overrun; its own
    client_capture_time_ns still tells the truth. A stamp can also be late by one stretch of
    work that holds the event loop (an animator that runs on it).

    Fairness (service/fairness.py) is applied here, where the stream is read: a `pacer` holds
    reading back to its speed (the transport pushes back the same way), and a read that waits
    more than `idle_timeout_s` for the client ends the stream with `IdleStream`. Time the pump
    spends held back, by the pacer or by a full queue, is never counted as the client's idleness.
    """

    def __init__(self, requests: AsyncIterator[object], max_bytes: int, idle_timeout_s: float | None = None, pacer: Pacer | None = None) -> None:
        self._requests = aiter(requests)
        self._max_bytes = max_bytes
        self._idle_timeout_s = idle_timeout_s
        self._pacer = pacer
        self._queue: deque[Arrival | BaseException | object] = deque()
        self._bytes = 0
        self._readable = asyncio.Event()  # something is queued
        self._room = asyncio.Event()  # the queue is under its bound
        self._room.set()
        self._task = asyncio.create_task(self._run(), name="arrival-pump")

    async def _run(self) -> None:
        try:
            while True:
                if self._pacer:
                    await self._pacer.hold()
                try:
                    async with asyncio.timeout(self._idle_timeout_s):
                        request = await anext(self._requests)
                except StopAsyncIteration:
                    break
                except TimeoutError:
                    self._push(IdleStream(self._idle_timeout_s))
                    return
                arrival = Arrival(request, time.monotonic_ns())
                size = _audio_bytes(request)
                if self._pacer:
                    self._pacer.add(size)
                while self._bytes and self._bytes + size > self._max_bytes:
                    self._room.clear()
                    await self._room.wait()
                self._bytes += size
                self._push(arrival)
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # the call failed (client cancelled, transport error): the session sees it
            self._push(exc)
            return
        self._push(_END)

    def _push(self, item: Arrival | BaseException | object) -> None:
        self._queue.append(item)
        self._readable.set()

    def __aiter__(self) -> ArrivalPump:
        return self

    async def __anext__(self) -> Arrival:
        while not self._queue:
            self._readable.clear()
            await self._readable.wait()
        item = self._queue.popleft()
        if item is _END:
            self._queue.appendleft(item)  # stays ended
            raise StopAsyncIteration
        if isinstance(item, BaseException):
            raise item
        self._bytes -= _audio_bytes(item.request)
        self._room.set()
        return item

    async def aclose(self) -> None:
        """Stop reading: the session is over (ended, aborted or cancelled)."""
        self._task.cancel()
        with contextlib.suppress(asyncio.CancelledError, Exception):
            await self._task


def _audio_bytes(request: object) -> int:
    if isinstance(request, pb.AnimateRequest) and request.WhichOneof("payload") == "audio":
        return len(request.audio.data)
    return 0


class ClientCaptureTimes:
    """Which client capture time is behind each frame: frame `n` ends at 16 kHz sample 640 (n + 1).

    The session records each decoded chunk's sample count and its client stamp; a frame gets the
    stamp of the chunk that holds its last sample, less the samples after it (as the server's own
    capture_time_ns is derived). Frames come in order, so chunks behind them are forgotten.
    """

    def __init__(self) -> None:
        self._chunks: deque[tuple[int, int]] = deque()  # (end sample, exclusive; client ns of that sample, 0 if none)
        self._samples = 0

    def add(self, samples: int, client_capture_time_ns: int) -> None:
        if samples <= 0:
            return
        self._samples += samples
        self._chunks.append((self._samples, client_capture_time_ns))

    def stamp(self, response: pb.AnimateResponse) -> pb.AnimateResponse:
        """Sets Frame.client_capture_time_ns when the chunk behind the frame was stamped."""
        if response.WhichOneof("payload") != "frame" or not self._chunks:
            return response
        end = (response.frame.sequence + 1) * SAMPLES_PER_FRAME
        while len(self._chunks) > 1 and self._chunks[0][0] < end:
            self._chunks.popleft()
        chunk_end, client_ns = self._chunks[0]
        if client_ns:
            after = max(0, chunk_end - end)  # past the last chunk (padding at the end): its newest sample
            response.frame.client_capture_time_ns = client_ns - after * 1_000_000_000 // SAMPLE_RATE
        return response
