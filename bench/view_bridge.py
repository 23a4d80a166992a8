"""What `talking-together view`'s WebSocket bridge adds to a frame's latency.

A room server (baseline animator) plays the demo dialogue in real time. Two readers watch it at once, in
this process: a plain gRPC Subscribe (the reference) and a WebSocket client of a `view` process that
acknowledges each frame as the page does. Both measure capture to receipt on this machine's clock, so
the difference is the bridge: its gRPC hop, JSON, the WebSocket and its flow control. No browser runs,
so rendering is not in these figures (the page shows its own capture-to-screen figure).

    python bench/view_bridge.py [--seconds 20]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

import aiohttp
import grpc
import numpy as np

from talking_together.data.dialogue import demo_dialogue, write_wav
from talking_together.service.client import subscribe
from talking_together.service.config import ServerConfig, ServiceLimits
from talking_together.service.server import BackgroundServer

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from serving import CLI, free_port  # noqa: E402


def grpc_latencies(address: str, seconds: float, out: list[float]) -> None:
    """Capture to receipt of a direct Subscribe, ms (server monotonic clock: same machine)."""
    deadline = time.monotonic() + seconds
    with grpc.insecure_channel(address) as channel:
        stream = subscribe(channel, "bench-direct")
        for response in stream:
            if response.WhichOneof("payload") == "frame":
                out.append((time.monotonic_ns() - response.frame.capture_time_ns) / 1e6)
            if time.monotonic() > deadline:
                stream.cancel()
                break


async def ws_latencies(url: str, seconds: float) -> tuple[list[float], list[float], int]:
    """Capture to receipt through the bridge, and capture to the bridge's send, ms (epoch clock), and bytes per frame."""
    total, upstream, sizes = [], [], []
    deadline = time.monotonic() + seconds
    async with aiohttp.ClientSession() as session, session.ws_connect(url, origin=url.replace("ws", "http").removesuffix("/ws")) as ws:
        async for msg in ws:
            received_ms = time.time_ns() / 1e6
            message = msg.json()
            if message["type"] == "frame":
                await ws.send_str('{"type": "ack"}')
                total.append(received_ms - message["capture_ms"])
                upstream.append(message["bridge_ms"] - message["capture_ms"])
                sizes.append(len(msg.data))
            if time.monotonic() > deadline:
                break
    return total, upstream, int(np.median(sizes))


def row(name: str, values: list[float]) -> str:
    return f"{name:<42} p50 {np.percentile(values, 50):6.1f} ms   p95 {np.percentile(values, 95):6.1f} ms   ({len(values)} frames)"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=20.0)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        wav = write_wav(demo_dialogue(), Path(tmp) / "dialogue.wav")
        config = ServerConfig(port=0, animator="baseline", source=str(wav), loop_source=True, limits=ServiceLimits(max_sessions=2))
        with BackgroundServer(config) as server:
            port = free_port()
            view = subprocess.Popen([*CLI, "view", "--server", server.address, "--port", str(port)], stderr=subprocess.DEVNULL, env=os.environ)
            try:
                for _ in range(300):
                    try:
                        urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=1).close()
                        break
                    except OSError:
                        time.sleep(0.1)
                direct: list[float] = []
                reader = threading.Thread(target=grpc_latencies, args=(server.address, args.seconds, direct))
                reader.start()
                total, upstream, size = asyncio.run(ws_latencies(f"ws://127.0.0.1:{port}/ws", args.seconds))
                reader.join()
            finally:
                view.terminate()
                view.wait(10)
    print(f"view bridge, {args.seconds:.0f} s of the demo dialogue, baseline animator, {os.cpu_count()} cores")
    print(row("direct gRPC Subscribe: capture to receipt", direct))
    print(row("bridge: capture to the bridge's send", upstream))
    print(row("bridge: capture to WebSocket receipt", total))
    print(f"bridge adds p50 {np.percentile(total, 50) - np.percentile(direct, 50):.1f} ms over a direct subscriber; {size} bytes of JSON a frame")


if __name__ == "__main__":
    main()
