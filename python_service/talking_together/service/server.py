"""The asyncio gRPC server: our service plus standard health checking and reflection.

`run_server` is what `talking-together serve` runs until SIGINT/SIGTERM. `BackgroundServer`
runs the same server on its own thread and loop, for tests, the demo and benchmarks.
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
import gc
import ipaddress
import logging
import signal
import socket
import threading
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace

import grpc
import torch
from grpc_health.v1 import health, health_pb2, health_pb2_grpc
from grpc_reflection.v1alpha import reflection

from calibration import load_calibration
from talking_together.activity import make_activity
from talking_together.animators.diffusion.backend import BackendConfig, use_backend
from talking_together.animators.registry import make_animator, resolve_animator_name
from talking_together.audio.sources import FileSource, open_source
from talking_together.layout import calibrated_layout, resolve_layout
from talking_together.replay.recorder import record_room
from talking_together.replay.recording import RecordingWriter
from talking_together.service.auth import AuthInterceptor, TokenStore
from talking_together.service.capacity import resolve_capacity, warm_up
from talking_together.service.config import ServerConfig
from talking_together.service.room import RoomSession
from talking_together.service.tls import server_credentials
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
    auth: AuthInterceptor | None = None  # serve --tokens


class UnsafeBindError(ValueError):
    """A non-loopback bind without TLS and tokens, and no --insecure."""


def is_loopback(host: str) -> bool:
    host = host.strip("[]")
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False  # a host name, or "" (every interface): reachable from elsewhere


def check_exposure(config: ServerConfig) -> None:
    """On loopback the server may run open. Elsewhere it needs TLS and a way to authenticate clients
    (tokens, or client certificates), or an explicit --insecure, which is logged loudly."""
    sec = config.security
    if is_loopback(config.host):
        return
    missing = [what for what, present in (("TLS", sec.tls), ("tokens", sec.tokens or sec.tls_client_ca)) if not present]
    if not missing:
        return
    if sec.insecure:
        log.warning("INSECURE: serving %s:%d without %s (--insecure): anyone who can reach this address can watch both people's "
                    "faces, gaze and speech; see docs/security.md", config.host, config.port, " or ".join(missing))
        return
    raise UnsafeBindError(
        f"refusing to serve {config.host}:{config.port} without {' and '.join(missing)}: anyone on that network could watch both "
        "people. Fix: `talking-together certs --out certs --host LAN_ADDRESS` and `talking-together token new tokens.json --name "
        "headset --scope subscribe,info`, then serve with --tls-cert certs/server.pem --tls-key certs/server.key --tokens tokens.json "
        "(docs/security.md); or add --insecure on a network you trust"
    )


def host_port(host: str, port: int) -> str:
    """gRPC's "host:port", with an IPv6 literal in brackets ("::" -> "[::]:50051")."""
    host = host.strip("[]")
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


def check_port_free(host: str, port: int) -> None:
    """Bind-probe every address `host` resolves to, so a busy port is one clear line, not gRPC's log and a RuntimeError."""
    if port == 0:
        return
    try:
        infos = socket.getaddrinfo(host.strip("[]") or None, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except socket.gaierror as exc:
        raise OSError(f"cannot resolve --host {host!r} ({exc.strerror}): give an address of this machine") from None
    for family, kind, proto, _, address in infos:
        with socket.socket(family, kind, proto) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as gRPC does: TIME_WAIT is no obstacle
            try:
                probe.bind(address)
            except OSError as exc:
                if exc.errno == errno.EADDRINUSE:
                    raise OSError(f"port {port} on {host} is in use (another server?): stop it, or pick another --port") from None
                if exc.errno == errno.EADDRNOTAVAIL:
                    raise OSError(f"{host} is not an address of this machine: pick one of its addresses for --host") from None
                raise OSError(f"cannot bind {host}:{port}: {exc.strerror}") from None


def freeze_start_up_objects() -> None:
    """Move what start-up built (models, modules: ~300k objects) out of the cyclic GC's reach.

    A full collection scans every tracked object while it holds the GIL: 80-100 ms here after the
    warm-up, a stall of the event loop and every session that the frame gaps and GetInfo's worst
    answers showed. Frozen, they are never scanned again; what sessions allocate still is."""
    gc.collect()
    gc.freeze()


async def start_server(config: ServerConfig) -> Running:
    """Build, bind and start; the room session (if any) starts capturing at once."""
    check_exposure(config)
    check_port_free(config.host, config.port)  # now, not after seconds of loading and measuring
    config = replace(config, animator=resolve_animator_name(config.animator, config.checkpoint))
    torch.set_num_threads(config.cpu_threads)  # before any model loads: see ServerConfig.cpu_threads
    use_backend(BackendConfig(config.backend, config.onnx_dir))  # what every session's diffusion engine runs on
    if config.animator == "diffusion":  # an explicit --animator diffusion loads now, so a bad checkpoint stops the start
        from talking_together.animators.diffusion import shared_batcher

        shared_batcher(config.checkpoint)
    calibration = load_calibration(config.calibration) if config.calibration else None  # checked at start, always
    await asyncio.to_thread(warm_up, config.animator, config.checkpoint)  # the first client gets a warm server
    freeze_start_up_objects()
    limits = config.limits
    capacity = await asyncio.to_thread(resolve_capacity, limits.max_sessions, config.animator, config.checkpoint, limits.capacity_load)
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
            max_frame_age_s=config.limits.max_frame_age_s,
        )
    elif config.record:
        raise ValueError("--record records the room session: add --source mic|FILE")

    running = await serve(TalkingTogetherService(config, room, calibration, capacity), config)
    if room:
        running.recorder = record_room(config.record, room, config) if config.record else None
        running.room_task = asyncio.create_task(room.run(), name="room-session")
    log.info("serving %s on %s:%d (animator %s%s, capacity %d sessions)", SERVICE_NAME, config.host, running.port,
             config.animator, f", room source {config.source}" if room else "", capacity.sessions)
    return running


async def serve(service: TalkingTogetherService, config: ServerConfig) -> Running:
    """Bind and start `service` with health checking and reflection: the live and the replay server.

    TLS and tokens come from `config.security`; the token check is one interceptor (service/auth.py).
    SO_REUSEPORT is off, so a second server on a busy port fails instead of sharing its clients.
    """
    credentials = server_credentials(config.security)  # files checked before anything binds
    auth = AuthInterceptor(TokenStore(config.security.tokens), config.security.auth) if config.security.tokens else None
    check_port_free(config.host, config.port)
    server = grpc.aio.server(interceptors=[auth] if auth else None, options=[("grpc.so_reuseport", 0)])
    server.add_generic_rpc_handlers((service.handler(),))
    health_servicer = health.aio.HealthServicer()
    health_pb2_grpc.add_HealthServicer_to_server(health_servicer, server)
    reflection.enable_server_reflection((SERVICE_NAME, health.SERVICE_NAME, reflection.SERVICE_NAME), server)
    address = host_port(config.host, config.port)
    try:
        port = server.add_secure_port(address, credentials) if credentials else server.add_insecure_port(address)
    except RuntimeError:  # gRPC >= 1.6x raises where it used to return 0
        port = 0
    if port == 0:
        raise OSError(f"cannot bind {address}: is another server using the port?")
    await server.start()
    for name in (SERVICE_NAME, ""):
        await health_servicer.set(name, health_pb2.HealthCheckResponse.SERVING)
    log.info("transport: %s%s", "TLS" if credentials else "plaintext",
             (", client certificates required" if config.security.tls_client_ca else "") + (", tokens required" if auth else ", no tokens"))
    return Running(server, service, health_servicer, port, auth=auth)


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
    if running.auth:  # rotate tokens without a restart (the file is also re-read when it changes)
        loop.add_signal_handler(signal.SIGHUP, running.auth.store.reload)
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
        return host_port(self.config.host, self.running.port)

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
