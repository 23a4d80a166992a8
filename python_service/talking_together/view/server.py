"""`talking-together view`: the page's aiohttp app, and the bridge that feeds its WebSocket.

The bridge has one upstream: a gRPC Subscribe to a running server (the room's own fan-out; no
second animator runs here) or a recording played by the replay's `Playback` (its recorded
times pace it: 25 fps). Each message goes to every open page as one JSON text message:

- `{"type": "header", ...}`: anchors, expression names, eye offsets, where the stream comes
  from. A page gets the latest header when it connects, so it can build the scene at once.
- `{"type": "frame", ...}`: per participant the composed head pose in room frame R, the eye
  rotations (relative to the head), the 52 weights and `speaking`; the capture, emit and
  bridge times as Unix epoch ms (the header's epoch offset applied here, where int64 is exact).
- `{"type": "status", ...}`: the stream's final status.
- `{"type": "pong", ...}`: the answer to a page's `{"type": "ping", "t": ms}`, with this
  host's clock, so a page on another device (a headset) can correct its clock for latency.

A page acknowledges each frame (`{"type": "ack"}`) as it takes it; see `_Page` for why.

Why a WebSocket bridge and not gRPC-Web: browsers cannot speak gRPC's HTTP/2 trailers, and a
gRPC-Web proxy would be one more service; decision 0012. Each page has its own short queue that
drops its oldest frames, as the room's subscribers do, so a slow tab never delays another.

The listener is meant for loopback: a page request must name this host (DNS rebinding) and a
WebSocket must come from this page's origin (another site open in the same browser). docs/security.md.
"""

from __future__ import annotations

import asyncio
import contextlib
import ipaddress
import json
import logging
import signal
import time
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import urlsplit

import grpc
import numpy as np
from aiohttp import WSMsgType, web

from talking_together.geometry.frames import DEFAULT_HEAD
from talking_together.service.client import subscribe
from talking_together.service.convert import quat_from_proto, vec3_from_proto
from talking_together.service.hygiene import client_text
from talking_together.v1 import talking_together_pb2 as pb

log = logging.getLogger(__name__)

STATIC = Path(__file__).parent / "static"
PAGE_QUEUE_FRAMES = 2  # frames waiting for a page; a page further behind loses its oldest
PAGE_WINDOW = 2  # frames sent but not yet acknowledged by the page
MAX_PAGES = 16  # open WebSockets; a loopback viewer needs a handful
MAX_PAGE_MESSAGE = 1024  # what a page sends is a tiny ping
CLIENT_NAME = "talking-together view"
SECURITY_HEADERS = {
    # The page loads only its own files and talks only to its own WebSocket.
    "Content-Security-Policy": "default-src 'self'; connect-src 'self'; img-src 'self' data:; frame-ancestors 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
}


class UpstreamError(Exception):
    """The stream could not be had or broke: one line, naming the server and gRPC's status."""


def _vec(v: pb.Vec3) -> list[float]:
    return np.round(vec3_from_proto(v), 5).tolist()  # 5 decimals: 10 um, and a frame's JSON stays small


def _quat(q: pb.Quat) -> list[float]:
    return np.round(quat_from_proto(q), 5).tolist()


class Translator:
    """AnimateResponse -> the page's JSON. Holds the header's epoch offset for the frames after it."""

    def __init__(self, source: str, origin: str) -> None:
        self.source, self.origin = source, origin  # "live" | "recording"; the address or file name
        self.epoch_offset_ns = 0

    def __call__(self, response: pb.AnimateResponse) -> dict[str, Any] | None:
        kind = response.WhichOneof("payload")
        if kind == "header":
            return self.header(response.header)
        if kind == "frame":
            return self.frame(response.frame)
        if kind == "status":
            s = response.status
            return {"type": "status", "code": s.code, "message": s.message, "frames": s.frame_count}
        return None

    def header(self, h: pb.ServerHeader) -> dict[str, Any]:
        self.epoch_offset_ns = h.epoch_offset_ns
        left, right = DEFAULT_HEAD.eye_offsets()
        return {
            "type": "header",
            "source": self.source,
            "origin": self.origin,
            "session_id": h.session_id,
            "fps": h.fps,
            "animator": h.animator,
            "layout": h.layout.description,
            "anchors": [{"position": _vec(a.position), "yaw_rad": a.yaw_rad} for a in h.layout.anchors],
            "expression_names": list(h.expression_names),
            # Where the eyes sit in the head frame, from the one place the service keeps the head's proportions.
            "head": {"eye_offsets": [left.tolist(), right.tolist()]},
        }

    def frame(self, f: pb.Frame) -> dict[str, Any]:
        return {
            "type": "frame",
            "sequence": f.sequence,
            "capture_ms": (f.capture_time_ns + self.epoch_offset_ns) / 1e6,
            "emit_ms": (f.emit_time_ns + self.epoch_offset_ns) / 1e6,
            "participants": [
                {
                    "translation": _vec(p.translation),
                    "head_position": _vec(p.head_world.position),
                    "head_rotation": _quat(p.head_world.rotation),
                    "left_eye": _quat(p.left_eye),
                    "right_eye": _quat(p.right_eye),
                    "expression": [round(w, 4) for w in p.expression],
                    "speaking": round(p.speaking, 4),
                }
                for p in f.participants
            ],
        }


class _Page:
    """One open WebSocket, fed in stream order. Headers and the status are never dropped; of the frames,
    only the newest PAGE_QUEUE_FRAMES wait, and at most PAGE_WINDOW are unacknowledged: socket buffers would
    otherwise hold seconds of frames for a page whose main thread is busy, and it would come back to a stale
    backlog. Pongs go first, so that their round trip measures the path, not the queue."""

    def __init__(self) -> None:
        self.queue: deque[tuple[str, bool]] = deque()  # (text, is_frame)
        self.pongs: deque[str] = deque()
        self.in_flight = 0
        self.dropped = 0
        self.wake = asyncio.Event()

    def offer(self, text: str, is_frame: bool) -> None:
        if is_frame and sum(frame for _, frame in self.queue) >= PAGE_QUEUE_FRAMES:
            oldest = next(i for i, (_, frame) in enumerate(self.queue) if frame)
            del self.queue[oldest]
            self.dropped += 1
        self.queue.append((text, is_frame))
        self.wake.set()

    def pong(self, text: str) -> None:
        self.pongs.append(text)
        self.wake.set()

    def acknowledged(self) -> None:
        self.in_flight = max(0, self.in_flight - 1)
        self.wake.set()

    async def send_all(self, ws: web.WebSocketResponse) -> None:
        while not ws.closed:
            if self.pongs:
                await ws.send_str(self.pongs.popleft())
            elif self.queue and (not self.queue[0][1] or self.in_flight < PAGE_WINDOW):
                text, is_frame = self.queue.popleft()
                self.in_flight += is_frame
                await ws.send_str(text)
            else:
                self.wake.clear()
                await self.wake.wait()


class Bridge:
    """Fans the upstream's messages out to every open page; remembers the header for pages that join later."""

    def __init__(self) -> None:
        self.pages: set[_Page] = set()
        self.header: str | None = None
        self.has_header = asyncio.Event()  # the page listens from the first header on
        self.first_page = asyncio.Event()  # a recording starts playing when someone watches
        self.forwarded = 0

    def publish(self, message: dict[str, Any]) -> None:
        is_frame = message["type"] == "frame"
        if is_frame:
            message["bridge_ms"] = time.time_ns() / 1e6
            self.forwarded += 1
        text = json.dumps(message, separators=(",", ":"))
        if message["type"] == "header":
            self.header = text
            self.has_header.set()
        for page in self.pages:
            page.offer(text, is_frame)

    async def serve_page(self, ws: web.WebSocketResponse) -> None:
        page = _Page()
        if self.header:
            page.offer(self.header, is_frame=False)
        self.pages.add(page)
        self.first_page.set()
        sender = asyncio.create_task(page.send_all(ws))
        try:
            async for msg in ws:
                if msg.type != WSMsgType.TEXT:
                    continue
                with contextlib.suppress(ValueError, TypeError, KeyError):
                    said = json.loads(msg.data)
                    if said["type"] == "ack":
                        page.acknowledged()
                    elif said["type"] == "ping":
                        pong = {"type": "pong", "t": float(said["t"]), "bridge_ms": time.time_ns() / 1e6}
                        page.pong(json.dumps(pong))
        finally:
            self.pages.discard(page)
            sender.cancel()
            with contextlib.suppress(asyncio.CancelledError, ConnectionError):
                await sender
            if page.dropped:
                log.info("a page left; it was slow and lost %d frames", page.dropped)


class Upstream(Protocol):
    """Where the frames come from: `run` publishes into the bridge until the stream ends."""

    def describe(self) -> str: ...

    async def run(self, bridge: Bridge) -> None: ...


class LiveUpstream:
    """A Subscribe stream on `channel` (opened with the client's TLS and token options), read on a worker
    thread because the channel is grpc's blocking one; each message is handed to the loop as it arrives."""

    def __init__(self, channel: grpc.Channel, address: str) -> None:
        self.channel, self.address = channel, address

    def describe(self) -> str:
        return f"the room of {self.address}"

    async def run(self, bridge: Bridge) -> None:
        loop = asyncio.get_running_loop()
        responses = subscribe(self.channel, CLIENT_NAME)
        try:
            await asyncio.to_thread(self._pump, responses, Translator("live", self.address), lambda m: loop.call_soon_threadsafe(bridge.publish, m))
        except asyncio.CancelledError:
            responses.cancel()  # the worker's iterator ends with CANCELLED, and the thread with it
            raise

    def _pump(self, responses: Any, translate: Translator, publish: Callable[[dict[str, Any]], object]) -> None:
        try:
            for response in responses:
                message = translate(response)
                if message is not None:
                    publish(message)
        except grpc.RpcError as exc:
            if exc.code() == grpc.StatusCode.CANCELLED:
                return
            details = " ".join((exc.details() or "").split())  # the server's words, on one line
            raise UpstreamError(f"{self.address}: {exc.code().name}: {details}") from None


class RecordingUpstream:
    """A recording (`replay.recording.read_recording`), paced by `replay.server.Playback` from the first page on."""

    def __init__(self, path: str, loop: bool) -> None:
        from talking_together.replay.recording import read_recording
        from talking_together.replay.server import Playback

        recording = read_recording(path)  # RecordingError: not a recording, or nothing readable in it
        if recording.damage:
            log.warning("%s; playing what was read", recording.damage)
        self.playback = Playback(recording, speed=1.0)  # RecordingError without a stream header
        self.path, self.loop = Path(path), loop

    def describe(self) -> str:
        return f"{self.path.name} ({len(self.playback.frames)} frames{', looped' if self.loop else ''}; plays when a page opens)"

    async def run(self, bridge: Bridge) -> None:
        translate = Translator("recording", self.path.name)
        bridge.publish(translate(pb.AnimateResponse(header=self.playback.header)))
        await bridge.first_page.wait()
        async for data in self.playback.stream(self.loop):
            message = translate(pb.AnimateResponse.FromString(data))
            if message is not None and message["type"] != "header":  # sent above, before anyone watched
                bridge.publish(message)


@dataclass(frozen=True)
class ViewConfig:
    """The page's listener (the gRPC side takes the client's flags)."""

    host: str = "127.0.0.1"
    port: int = 8765
    insecure: bool = False  # listen off loopback (the page has no login of its own)


def host_allowed(authority: str, listen_host: str) -> bool:
    """A request's Host may be an IP address, localhost or the --host name, never another name: a site whose
    name an attacker points at 127.0.0.1 (DNS rebinding) is refused, and an address names no site at all."""
    name = (urlsplit(f"//{authority}").hostname or "").lower()
    if name in ("localhost", listen_host.strip("[]").lower()):
        return True
    try:
        ipaddress.ip_address(name)
    except ValueError:
        return False
    return True


def make_app(bridge: Bridge, config: ViewConfig) -> web.Application:
    """The page, its static files and /ws. Requests must name this host; a WebSocket must come from this page."""

    @web.middleware
    async def guard(request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]) -> web.StreamResponse:
        if not host_allowed(request.host, config.host):
            log.warning("refused a request for host %s (DNS rebinding?)", client_text(request.host))
            raise web.HTTPMisdirectedRequest(text="this viewer answers only to its own address\n")
        response = await handler(request)
        if not isinstance(response, web.WebSocketResponse):
            response.headers.update(SECURITY_HEADERS)
        return response

    async def index(request: web.Request) -> web.FileResponse:
        return web.FileResponse(STATIC / "index.html")

    async def websocket(request: web.Request) -> web.WebSocketResponse:
        origin = request.headers.get("Origin")
        if origin is not None and urlsplit(origin).netloc.lower() != request.host.lower():
            log.warning("refused a WebSocket from another origin %s", client_text(origin))
            raise web.HTTPForbidden(text="WebSockets only from this viewer's own page\n")
        if len(bridge.pages) >= MAX_PAGES:
            raise web.HTTPServiceUnavailable(text=f"this viewer has its limit of {MAX_PAGES} pages open\n")
        ws = web.WebSocketResponse(heartbeat=10.0, max_msg_size=MAX_PAGE_MESSAGE)
        await ws.prepare(request)
        await bridge.serve_page(ws)
        return ws

    app = web.Application(middlewares=[guard])
    app.router.add_get("/", index)
    app.router.add_get("/ws", websocket)
    app.router.add_static("/static/", STATIC)
    return app


def check_listen(config: ViewConfig) -> None:
    """Loopback, or an explicit --insecure: the page shows both people to whoever can open it."""
    from talking_together.service.server import is_loopback

    if is_loopback(config.host):
        return
    if not config.insecure:
        raise ValueError(
            f"refusing to show the room on {config.host}: the page has no login, so anyone who can reach that address would "
            "watch both people. Keep the default 127.0.0.1 (a headset: `adb reverse tcp:PORT tcp:PORT`), or add --insecure "
            "on a network you trust (docs/security.md)"
        )
    log.warning("INSECURE: the viewer listens on %s: anyone who can reach it watches both people (--insecure)", config.host)


async def run_view(upstream: Upstream, config: ViewConfig) -> None:
    """Serve the page until the upstream ends, fails (UpstreamError) or SIGINT/SIGTERM.

    The upstream must deliver its header before the page listens, so a refused token or a
    server that is not there is one error line at start, not an empty page.
    """
    check_listen(config)
    bridge = Bridge()
    feed = asyncio.create_task(upstream.run(bridge))
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    waiters = [asyncio.create_task(bridge.has_header.wait()), asyncio.create_task(stop.wait())]
    runner = web.AppRunner(make_app(bridge, config), handle_signals=False, access_log=None)
    try:
        await asyncio.wait([feed, *waiters], return_when=asyncio.FIRST_COMPLETED)
        if not bridge.has_header.is_set():
            if feed.done():
                feed.result()  # the UpstreamError that stopped it
                raise UpstreamError(f"{upstream.describe()} ended before its stream header")
            return  # stopped while waiting
        await runner.setup()
        await web.TCPSite(runner, config.host, config.port, reuse_port=False).start()
        port = runner.addresses[0][1]  # the OS's choice for --port 0
        log.info("view: %s at http://%s:%d/", upstream.describe(), _url_host(config.host), port)
        await asyncio.wait([feed, waiters[1]], return_when=asyncio.FIRST_COMPLETED)
        if feed.done():
            feed.result()
            log.info("view: the stream ended after %d frames", bridge.forwarded)
            await asyncio.sleep(0.2)  # let the pages take the final status
    finally:
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.remove_signal_handler(sig)
        for task in (feed, *waiters):
            task.cancel()
        with contextlib.suppress(asyncio.CancelledError, UpstreamError):
            await feed
        await runner.cleanup()


def _url_host(host: str) -> str:
    host = host.strip("[]")
    return f"[{host}]" if ":" in host else host
