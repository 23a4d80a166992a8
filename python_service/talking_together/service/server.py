"""The asyncio gRPC server: our service plus standard health checking and reflection.

`run_server` is what `talking-together serve` runs until SIGINT/SIGTERM. `BackgroundServer`
runs the same server on its own thread and loop, for tests, the demo and benchmarks.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
import threading
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace

import grpc
from grpc_health.v1 import health, health_pb2, health_pb2_grpc
from grpc_reflection.v1alpha import reflection

from calibration import load_calibration
from talking_together.activity import make_activity
from talking_together.animators.registry import make_animator, resolve_animator_name
from talking_together.audio.sources import FileSource, open_source
from talking_together.layout import calibrated_layout, resolve_layout
from talking_together.replay.recorder import record_room
from talking_together.replay.recording import RecordingWriter
from talking_together.service.config import ServerConfig
from talking_together.service.room import RoomSession
from talking_together.service.servicer import SERVICE_NAME, TalkingTogetherService

log = logging.getLogger(__name__)


@dataclass
class Running:
    server: grpc.aio.Server
    service: TalkingTogetherService
    health: health.aio.HealthServicer
    port: int
    room_task: asyncio.Task | None = None
    recorder: RecordingWriter | None = None  # serve --record


async def start_server(config: ServerConfig) -> Running:
    """Build, bind and start; the room session (if any) starts capturing at once."""
    config = replace(config, animator=resolve_animator_name(config.animator, config.checkpoint))
    calibration = load_calibration(config.calibration) if config.calibration else None  # checked at start, always
    room = None
    if config.source:
        source = open_source(config.source, realtime=True, loop=config.loop_source)
        layout = calibrated_layout(calibration, resolve_layout(prompt=config.layout_prompt))
        activity = make_activity(calibration, source.channels)
        animator = make_animator(config.animator, layout, source.channels, activity, seed=config.seed, checkpoint=config.checkpoint)
        room = RoomSession(
            source,
            animator,
            layout,
            config.limits.subscriber_queue_frames,
            start_on_subscribe=isinstance(source, FileSource),
            calibration_id=calibration.id if calibration else "",
        )
    elif config.record:
        raise ValueError("--record records the room session: add --source mic|FILE")

    running = await serve(TalkingTogetherService(config, room, calibration), config)
    if room:
        running.recorder = record_room(config.record, room, config) if config.record else None
        running.room_task = asyncio.create_task(room.run(), name="room-session")
    log.info("serving %s on %s:%d (animator %s%s)", SERVICE_NAME, config.host, running.port, config.animator, f", room source {config.source}" if room else "")
    return running


async def serve(service: TalkingTogetherService, config: ServerConfig) -> Running:
    """Bind and start `service` with health checking and reflection: the live and the replay server."""
    server = grpc.aio.server()
    server.add_generic_rpc_handlers((service.handler(),))
    health_servicer = health.aio.HealthServicer()
    health_pb2_grpc.add_HealthServicer_to_server(health_servicer, server)
    reflection.enable_server_reflection((SERVICE_NAME, health.SERVICE_NAME, reflection.SERVICE_NAME), server)
    port = server.add_insecure_port(f"{config.host}:{config.port}")
    if port == 0:
        raise OSError(f"cannot bind {config.host}:{config.port}: is another server using the port?")
    await server.start()
    for name in (SERVICE_NAME, ""):
        await health_servicer.set(name, health_pb2.HealthCheckResponse.SERVING)
    return Running(server, service, health_servicer, port)


async def stop_server(running: Running, grace_s: float) -> None:
    """Report NOT_SERVING first so balancers drain, then give in-flight streams `grace_s`."""
    for name in (SERVICE_NAME, ""):
        await running.health.set(name, health_pb2.HealthCheckResponse.NOT_SERVING)
    if running.room_task:
        running.room_task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await running.room_task
    if running.recorder:
        await asyncio.to_thread(running.recorder.close)
    await running.server.stop(grace_s)


Starter = Callable[[ServerConfig], Awaitable[Running]]


async def run_server(config: ServerConfig, start: Starter = start_server) -> None:
    running = await start(config)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    await stop.wait()
    log.info("shutting down (grace %.1f s)", config.grace_s)
    await stop_server(running, config.grace_s)


class BackgroundServer:
    """A real server on loopback, on its own thread and event loop: `with BackgroundServer() as s`."""

    def __init__(self, config: ServerConfig | None = None, start: Starter = start_server) -> None:
        self.config = config or ServerConfig(port=0)
        self._start = start
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="grpc-server", daemon=True)
        self.running: Running | None = None

    @property
    def address(self) -> str:
        return f"{self.config.host}:{self.running.port}"

    @property
    def service(self) -> TalkingTogetherService:
        return self.running.service

    def __enter__(self) -> BackgroundServer:
        self._thread.start()
        try:
            self.running = asyncio.run_coroutine_threadsafe(self._start(self.config), self._loop).result(timeout=60)
        except BaseException:
            self._close_loop()
            raise
        return self

    def __exit__(self, *exc: object) -> None:
        asyncio.run_coroutine_threadsafe(stop_server(self.running, 0.5), self._loop).result(timeout=30)
        self._close_loop()

    def _close_loop(self) -> None:
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=10)
        self._loop.close()
