"""The TalkingTogether gRPC service: Animate, Subscribe and GetInfo.

Bad input ends only its own stream, with INVALID_ARGUMENT or RESOURCE_EXHAUSTED and a message
that names the problem and the fix. Every session slot is released in a `finally`, so
cancelled and aborted streams leak nothing. A session gets only the animator the server was
started with, and client strings reach the log only through `hygiene.client_text`. Tokens are
checked before any of this, in `auth.AuthInterceptor`. Admission (capacity and the per-peer cap),
pacing, the chunk floor and the idle timeout are `fairness.py`'s; a `Refusal` from there becomes
the stream's status here.
"""

from __future__ import annotations

import asyncio
import logging
import time
import uuid
from pathlib import Path
from collections.abc import AsyncIterator

import grpc

from calibration import Calibration
from talking_together import __version__
from talking_together.activity import make_activity
from talking_together.animators.base import frames_from_audio
from talking_together.animators.registry import ANIMATOR_NAMES, UnknownAnimatorError, make_animator
from talking_together.audio.blocks import AudioBlock
from talking_together.audio.decode import AudioFormatError, ClientAudioDecoder
from talking_together.contract import ARKIT_BLENDSHAPES, FPS, JOINT_NAMES, SAMPLE_RATE, SCHEMA_VERSION
from talking_together.layout import LayoutError, calibrated_layout
from talking_together.model.checkpoint import DEFAULT_CHECKPOINT, CheckpointError
from talking_together.service.auth import principal_suffix
from talking_together.service.config import ServerConfig
from talking_together.service.convert import declared_format_from_proto, emitted, layout_from_proto, server_header
from talking_together.service.capacity import Capacity, SessionLoad, resolve_capacity
from talking_together.service.fairness import Admission, ChunkFloor, Refusal, audio_bytes_per_second, pacer_for
from talking_together.service.hygiene import ClientStringError, check_length, client_text
from talking_together.service.room import RoomSession
from talking_together.service.stamps import ArrivalPump, ClientCaptureTimes
from talking_together.v1 import talking_together_pb2 as pb

log = logging.getLogger(__name__)
SERVICE_NAME = pb.DESCRIPTOR.services_by_name["TalkingTogether"].full_name


class Undecodable:
    """Stands in for a request whose bytes are not a valid protobuf message."""


def safe_deserializer(message_type: type) -> callable:
    """Parse failures become a value the handler can answer with INVALID_ARGUMENT (not INTERNAL)."""

    def deserialize(data: bytes) -> object:
        try:
            return message_type.FromString(data)
        except Exception:  # protobuf raises DecodeError, and others on some malformed input
            return Undecodable()

    return deserialize


class TalkingTogetherService:
    def __init__(self, config: ServerConfig, room: RoomSession | None = None, calibration: Calibration | None = None,
                 capacity: Capacity | None = None) -> None:
        """`calibration` (serve --calibration) gives every session the room's seats and voices;
        `capacity` (service/capacity.py) is resolved here from the config when not given."""
        self.config = config
        self.limits = config.limits
        self.room = room
        self.calibration = calibration
        limits = self.limits
        capacity = capacity or resolve_capacity(limits.max_sessions, config.animator, config.checkpoint, limits.capacity_load)
        self.admission = Admission(capacity, limits, room_sessions=1 if room else 0)
        if room:
            self.admission.gauge.watch(room.load)

    @property
    def active_sessions(self) -> int:
        return self.admission.animate

    # ------------------------------------------------------------------ Animate

    async def Animate(self, requests: AsyncIterator[object], context: grpc.aio.ServicerContext) -> AsyncIterator[pb.AnimateResponse]:
        try:
            slot = self.admission.admit(context.peer() or "")
        except Refusal as exc:
            log.debug("refused an Animate session from %s%s: %s", context.peer(), principal_suffix(), exc)
            await context.abort(exc.code, str(exc))
        session_id = f"anim-{uuid.uuid4().hex[:8]}"
        try:
            async for response in self._animate(session_id, requests, context, slot.load):
                yield response
        finally:
            slot.release()

    async def _animate(self, session_id: str, requests: AsyncIterator[object], context: grpc.aio.ServicerContext,
                       load: SessionLoad) -> AsyncIterator[pb.AnimateResponse]:
        invalid = grpc.StatusCode.INVALID_ARGUMENT
        try:
            first = await asyncio.wait_for(anext(requests), self.limits.header_timeout_s)
        except StopAsyncIteration:
            await context.abort(invalid, "the stream ended before its header: send a ClientHeader first")
        except asyncio.TimeoutError:
            await context.abort(invalid, f"no header within {self.limits.header_timeout_s:g} s: send a ClientHeader first")
        header = self._check_request(first)
        if header is None or header.WhichOneof("payload") != "header":
            kind = "an undecodable message" if header is None else f"'{header.WhichOneof('payload')}'"
            await context.abort(invalid, f"the first message must be a ClientHeader, got {kind}: send header (audio_format, layout) before any audio")
        header = header.header
        animator_name = self.config.animator
        try:
            decoder = ClientAudioDecoder(declared_format_from_proto(header.audio_format), self.limits.audio_format)
            layout = calibrated_layout(self.calibration, layout_from_proto(header.layout, self.limits.strings))
            channels = header.audio_format.channel_count
            animator_name = self._served_animator(header.options.animator)
            seed = header.options.seed or self.config.seed
            # Built off the loop, speaker activity included: a new session never stalls the admitted ones.
            animator = await asyncio.to_thread(
                lambda: make_animator(animator_name, layout, channels, make_activity(self.calibration, channels),
                                      seed=seed, checkpoint=self.config.checkpoint))
        except (AudioFormatError, LayoutError, UnknownAnimatorError, ValueError) as exc:
            await context.abort(invalid, str(exc))
        except CheckpointError as exc:
            await context.abort(grpc.StatusCode.FAILED_PRECONDITION, f"this server cannot run the {animator_name!r} animator: {exc}")
        log.info("session %s from %s%s: %s, layout %s, animator %s", session_id, context.peer(), principal_suffix(), decoder.declared,
                 client_text(layout.description, self.limits.strings.log_chars), animator.name)
        # From here every request is read (and its arrival stamped) as it comes off the transport,
        # whatever the session is doing: capture_time_ns then counts the time a chunk waits.
        # Fairness: reading is paced and ends an idle stream; chunks have a floor (service/fairness.py).
        bytes_per_second = audio_bytes_per_second(decoder.declared)
        arrivals = ArrivalPump(requests, self.limits.max_buffered_audio_bytes, self.limits.idle_timeout_s or None,
                               pacer_for(self.limits, bytes_per_second))
        floor = ChunkFloor(self.limits.min_chunk_samples, bytes_per_second)
        client_times = ClientCaptureTimes()  # Frame.client_capture_time_ns, from AudioChunk's
        audio_seconds, frame_count = 0.0, 0

        async def blocks() -> AsyncIterator[AudioBlock]:
            """The session's audio, every request checked as it is read; the decoder's tail last."""
            nonlocal audio_seconds
            client_ns = 0
            try:
                async for arrival in arrivals:
                    message = self._check_request(arrival.request)
                    kind = None if message is None else message.WhichOneof("payload")
                    if kind == "end":
                        break
                    if kind != "audio":
                        what = "an undecodable message" if message is None else ("a second header" if kind == "header" else "an empty message")
                        await context.abort(invalid, f"expected audio or end, got {what}: send one header, then AudioChunks, then EndOfAudio")
                    data = message.audio.data
                    if len(data) > self.limits.max_chunk_bytes:
                        await context.abort(
                            grpc.StatusCode.RESOURCE_EXHAUSTED,
                            f"audio chunk of {len(data)} bytes exceeds the limit of {self.limits.max_chunk_bytes}: send smaller chunks (20-100 ms is typical)",
                        )
                    floor.check(len(data))
                    try:
                        samples = decoder.decode(data)
                    except AudioFormatError as exc:
                        await context.abort(invalid, str(exc))
                    audio_seconds += samples.shape[0] / SAMPLE_RATE
                    if audio_seconds > self.limits.max_stream_seconds:
                        await context.abort(
                            grpc.StatusCode.RESOURCE_EXHAUSTED,
                            f"stream exceeded the limit of {self.limits.max_stream_seconds:g} s of audio: open a new stream",
                        )
                    client_ns = message.audio.client_capture_time_ns
                    client_times.add(samples.shape[0], client_ns)
                    yield AudioBlock(samples, arrival.arrival_ns)
                else:
                    log.warning("session %s: client half-closed without EndOfAudio", session_id)
            except Refusal as exc:  # idle, or a chunk under the floor
                log.info("session %s ended: %s", session_id, exc)
                await context.abort(exc.code, str(exc))
            finally:
                await arrivals.aclose()
            tail = decoder.flush()
            client_times.add(tail.shape[0], client_ns)  # the resampler's last samples came with the last chunk
            if tail.shape[0]:
                yield AudioBlock(tail, time.monotonic_ns())

        try:
            yield server_header(session_id, layout, animator.name, header.audio_format, calibration_id=self.calibration.id if self.calibration else "")
            async for frame in frames_from_audio(animator, blocks(), load):
                frame_count += 1
                yield client_times.stamp(emitted([frame])[0])
        finally:
            await arrivals.aclose()  # also when the stream ends before its audio is read
        log.info("session %s done: %d frames, %.2f s audio", session_id, frame_count, audio_seconds)
        yield pb.AnimateResponse(status=pb.FinalStatus(code=0, message="ok", frame_count=frame_count, audio_seconds=audio_seconds))

    def _served_animator(self, requested: str) -> str:
        """The animator a session gets: only the one this server was started with, never a load on a client's behalf."""
        served = self.config.animator
        requested = check_length(requested, "options.animator", self.limits.strings.animator)
        if not requested or requested in ("auto", served):
            return served
        if requested not in ANIMATOR_NAMES:
            raise UnknownAnimatorError(f"unknown animator {requested!r}: this server serves {served!r}; leave options.animator empty for it")
        raise UnknownAnimatorError(
            f"this server was started with --animator {served} and serves only that: leave options.animator empty "
            f"(or send {served!r}), or use a server started with --animator {requested}"
        )

    @staticmethod
    def _check_request(request: object) -> pb.AnimateRequest | None:
        return None if isinstance(request, Undecodable) else request

    # ------------------------------------------------------------------ Subscribe

    async def Subscribe(self, request: object, context: grpc.aio.ServicerContext) -> AsyncIterator[pb.AnimateResponse]:
        if isinstance(request, Undecodable):
            await context.abort(grpc.StatusCode.INVALID_ARGUMENT, "undecodable SubscribeRequest")
        if self.room is None:
            await context.abort(
                grpc.StatusCode.FAILED_PRECONDITION,
                "this server has no room session: start it with `talking-together serve --source mic|FILE`, or use Animate",
            )
        if len(self.room.subscribers) >= self.limits.max_subscribers:
            await context.abort(grpc.StatusCode.RESOURCE_EXHAUSTED, f"the room has its limit of {self.limits.max_subscribers} subscribers: retry later")
        strings = self.limits.strings
        try:
            check_length(request.client_name, "client_name", strings.client_name)
        except ClientStringError as exc:
            log.info("refused a subscriber from %s%s: client_name %s is over %d characters",
                     context.peer(), principal_suffix(), client_text(request.client_name, strings.log_chars), strings.client_name)
            await context.abort(grpc.StatusCode.INVALID_ARGUMENT, str(exc))
        subscriber = self.room.subscribe(request.client_name or context.peer())
        tag = f"sub-{uuid.uuid4().hex[:8]}"  # names the subscriber in later records, so its client_name is logged once
        log.info("subscriber %s (%s) from %s%s joined room %s", tag, client_text(subscriber.name, strings.log_chars), context.peer(),
                 principal_suffix(), self.room.session_id)
        try:
            yield self.room.header()
            while (message := await subscriber.next()) is not None:
                yield message
        finally:
            self.room.unsubscribe(subscriber)
            log.info("subscriber %s left (%d frames dropped while slow, %d stale: over %.2f s behind at send time)",
                     tag, subscriber.dropped, subscriber.stale_dropped, subscriber.max_age_ns / 1e9)

    # ------------------------------------------------------------------ GetInfo

    async def GetInfo(self, request: object, context: grpc.aio.ServicerContext) -> pb.ServiceInfo:
        limits, capacity = self.limits, self.admission.capacity
        return pb.ServiceInfo(
            version=__version__,
            schema_version=SCHEMA_VERSION,
            animator=self.config.animator,
            model=Path(self.config.checkpoint or DEFAULT_CHECKPOINT).name if self.config.animator == "diffusion" else "",
            fps=FPS,
            expression_names=list(ARKIT_BLENDSHAPES),
            joint_names=list(JOINT_NAMES),
            limits=pb.Limits(
                max_sessions=capacity.sessions,
                max_chunk_bytes=limits.max_chunk_bytes,
                max_stream_seconds=limits.max_stream_seconds,
                max_sample_rate_hz=limits.audio_format.max_sample_rate_hz,
                max_channels=limits.audio_format.max_channels,
                max_subscribers=limits.max_subscribers,
                max_sessions_per_peer=limits.max_sessions_per_peer,
                max_audio_speed=limits.max_audio_speed,
                idle_timeout_s=limits.idle_timeout_s,
                min_chunk_samples=limits.min_chunk_samples,
                max_sessions_measured=capacity.measured,
                session_cost=capacity.session_cost or 0.0,
                full_load=limits.full_load,
                full_backlog_s=limits.full_backlog_s,
            ),
            room_session_active=bool(self.room and self.room.running),
            active_sessions=self.active_sessions,
            active_subscribers=len(self.room.subscribers) if self.room else 0,
            admitted_sessions=self.admission.admitted,
            busiest_session_load=self.admission.gauge.busiest(),
            most_behind_s=self.admission.gauge.most_behind(),
        )

    def handler(self) -> grpc.GenericRpcHandler:
        """Method handlers with the safe deserializers (the generated helper would answer INTERNAL)."""
        serialize = lambda m: m.SerializeToString()  # noqa: E731
        return grpc.method_handlers_generic_handler(
            SERVICE_NAME,
            {
                "Animate": grpc.stream_stream_rpc_method_handler(self.Animate, safe_deserializer(pb.AnimateRequest), serialize),
                "Subscribe": grpc.unary_stream_rpc_method_handler(self.Subscribe, safe_deserializer(pb.SubscribeRequest), serialize),
                "GetInfo": grpc.unary_unary_rpc_method_handler(self.GetInfo, safe_deserializer(pb.GetInfoRequest), serialize),
            },
        )
