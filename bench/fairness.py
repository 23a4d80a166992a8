"""One client must not harm another: a real-time session and GetInfo while other clients misbehave.

On a baseline server over loopback with the default limits (service/fairness.py), one session
streams a real-reader dialogue in real time (40 ms chunks) while, in turn:

- nobody else (the baseline row, measured in the same process);
- a flooder streams 10 minutes of audio as fast as it can in 256 KiB chunks (the limit);
- a client streams 2 s chunks of 20 ms (the smallest legal chunk) as fast as it can;
- 32 streams send a header and then nothing.

Per row: the real-time session's received fps and worst gap between frames, its client-measured
latency p95, and GetInfo's round trip (p50/p95/max, polled every 100 ms). Issue 18's bars: 25
fps, no gap over 200 ms, GetInfo within 50 ms.

    python bench/fairness.py [--seconds 20]
"""

from __future__ import annotations

import argparse
import os
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import grpc
import numpy as np
import soundfile as sf
from rich.console import Console
from rich.table import Table

from talking_together.contract import SAMPLE_RATE
from talking_together.data import real_speech as rs
from talking_together.service.client import StreamStats, animate_file_stream, audio_requests
from talking_together.service.config import SecurityConfig, ServerConfig
from talking_together.service.server import BackgroundServer
from talking_together.v1 import talking_together_pb2 as pb
from talking_together.v1 import talking_together_pb2_grpc as pb_grpc

FLOOD_CHUNK_MS = 256 * 1024 / 2 / SAMPLE_RATE * 1000  # 256 KiB of mono PCM16 at 16 kHz: 8.2 s
TINY_CHUNK_MS = 20.0


def stream(address: str, requests: Iterator[pb.AnimateRequest], stop: threading.Event) -> None:
    """A misbehaving client: reads responses until it is told to stop or the server ends it."""
    with grpc.insecure_channel(address) as channel:
        call = pb_grpc.TalkingTogetherStub(channel).Animate(requests)
        try:
            for _ in call:
                if stop.is_set():
                    call.cancel()
        except grpc.RpcError:
            pass  # refused or cancelled: what a limit does


def flooder(wav: Path, chunk_ms: float) -> Callable[[str, threading.Event], None]:
    def run(address: str, stop: threading.Event) -> None:
        def requests() -> Iterator[pb.AnimateRequest]:
            for request in audio_requests(wav, chunk_ms=chunk_ms):
                if stop.is_set():
                    return
                yield request
        stream(address, requests(), stop)
    return run


def idle_streams(count: int) -> Callable[[str, threading.Event], None]:
    def run(address: str, stop: threading.Event) -> None:
        address = address.replace("127.0.0.1", "[::1]")  # another peer than the real-time session, as another machine is
        def header_then_nothing() -> Iterator[pb.AnimateRequest]:
            yield pb.AnimateRequest(header=pb.ClientHeader(audio_format=pb.AudioFormat(
                sample_rate_hz=SAMPLE_RATE, channel_count=1, encoding=pb.AUDIO_ENCODING_PCM16)))
            stop.wait()
        threads = [threading.Thread(target=stream, args=(address, header_then_nothing(), stop)) for _ in range(count)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    return run


def poll_info(address: str, stop: threading.Event, out: list[float]) -> None:
    with grpc.insecure_channel(address) as channel:
        stub = pb_grpc.TalkingTogetherStub(channel)
        while not stop.is_set():
            start = time.perf_counter()
            stub.GetInfo(pb.GetInfoRequest(), timeout=10)
            out.append(1000 * (time.perf_counter() - start))
            stop.wait(0.1)


def measure(address: str, wav: Path, other: Callable[[str, threading.Event], None] | None) -> dict[str, float]:
    stop = threading.Event()
    info_ms: list[float] = []
    helpers = [threading.Thread(target=poll_info, args=(address, stop, info_ms))]
    if other:
        helpers.append(threading.Thread(target=other, args=(address, stop)))
    for t in helpers:
        t.start()
    time.sleep(1.0)  # the misbehaviour is under way before the real-time session opens
    stats = StreamStats()
    with grpc.insecure_channel(address) as channel:
        for response in animate_file_stream(channel, wav, realtime=True):
            stats.add(response)
    stop.set()
    for t in helpers:
        t.join()
    s = stats.summary()
    info = np.array(info_ms)
    return {"fps": s["fps"], "gap": s["max_gap_ms"], "latency": s.get("client_latency_p95_ms", float("nan")),
            "info50": float(np.percentile(info, 50)), "info95": float(np.percentile(info, 95)), "infomax": float(info.max())}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=20.0, help="length of the real-time session (default 20 s)")
    args = parser.parse_args()
    console = Console(width=160)
    a, b = rs.pairs("tune", "FM", 1, seed=0)[0]
    dialogue = rs.real_dialogue(a, b, seed=0)
    # Bound to every loopback address (IPv4 and IPv6), so the idle streams can come from another peer
    # address ([::1]) than the real-time session (127.0.0.1): per-peer caps see two machines.
    config = ServerConfig(host="::", port=0, animator="baseline", security=SecurityConfig(insecure=True))
    with tempfile.TemporaryDirectory() as tmp, BackgroundServer(config) as server:
        address = f"127.0.0.1:{server.running.port}"  # the real-time session's peer; the idle streams use [::1]
        wav, long_wav = Path(tmp) / "dialogue.wav", Path(tmp) / "long.wav"
        audio = dialogue.audio[: int(args.seconds * SAMPLE_RATE)]
        sf.write(wav, audio, SAMPLE_RATE, subtype="PCM_16")
        sf.write(long_wav, np.tile(dialogue.audio, int(np.ceil(600 / dialogue.duration_s))), SAMPLE_RATE, subtype="PCM_16")
        console.print(f"machine: {os.cpu_count()} CPUs; baseline animator, default limits; the real-time session: "
                      f"{len(audio) / SAMPLE_RATE:.0f} s of a real-reader dialogue (tune readers) in 40 ms chunks")
        rows = {
            "alone (baseline)": None,
            f"flood: 10 min as fast as possible, {FLOOD_CHUNK_MS / 1000:.1f} s chunks": flooder(long_wav, FLOOD_CHUNK_MS),
            f"tiny chunks: {TINY_CHUNK_MS:.0f} ms, as fast as possible": flooder(long_wav, TINY_CHUNK_MS),
            "32 idle streams (header, then nothing)": idle_streams(32),
        }
        table = Table(title="A real-time session and GetInfo while another client misbehaves", title_justify="left")
        for col in ("other client", "fps", "worst gap ms", "latency p95 ms", "GetInfo p50 ms", "p95", "max", "gap / alone"):
            table.add_column(col, justify="left" if col == "other client" else "right")
        alone = None
        for name, other in rows.items():
            r = measure(address, wav, other)
            alone = alone or r
            table.add_row(name, f"{r['fps']:.2f}", f"{r['gap']:.0f}", f"{r['latency']:.0f}", f"{r['info50']:.1f}",
                          f"{r['info95']:.1f}", f"{r['infomax']:.1f}", f"{r['gap'] / alone['gap']:.2f}")
        console.print(table)
        console.print("bars (issue 18): 25 fps, worst gap <= 200 ms, GetInfo <= 50 ms")


if __name__ == "__main__":
    main()
