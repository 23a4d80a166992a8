"""One client must not harm another: a real-time session and GetInfo while other clients misbehave.

On a baseline server over loopback with the default limits (service/fairness.py), one session
streams a real-reader dialogue in real time (40 ms chunks) while, in turn:

- nobody else (the baseline row, measured in the same process);
- a flooder streams 10 minutes of audio as fast as it can in 256 KiB chunks (the limit);
- a client streams 2 s chunks of 20 ms (the smallest legal chunk) as fast as it can;
- 32 streams send a header and then nothing;
- 1000 calls with a wrong token, as fast as they go (the server runs with tokens).

Per row: the real-time session's received fps and worst gap between frames, its client-measured
latency p95, and GetInfo's round trip (p50/p95/max, polled every 100 ms). Issue 18's bars: 25
fps, no gap over 200 ms, GetInfo within 50 ms.

Then load beyond capacity, on a server whose capacity is measured at start-up
(service/capacity.py): real-time sessions are added one a second until one is refused, and
each admitted session's fps, worst gap and latency are measured while all of them run, with
how far the client-measured latency and the server's stamps differ (the two transports' share).
Bars: every admitted session at 25 fps with no gap over 250 ms, the next refused, the two
latencies within 50 ms.

    python bench/fairness.py [--seconds 20] [--animator baseline|diffusion] [--skip-misbehaviour]
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import os
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import grpc
import numpy as np
import soundfile as sf
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from talking_together.contract import SAMPLE_RATE
from talking_together.data import real_speech as rs
from talking_together.service.client import StreamStats, animate_file_stream, audio_requests
from talking_together.service.auth import new_token
from talking_together.service.capacity import MOST_MEASURED_SESSIONS
from talking_together.service.config import SecurityConfig, ServerConfig, ServiceLimits
from talking_together.service.server import BackgroundServer
from talking_together.service.tls import open_channel
from talking_together.v1 import talking_together_pb2 as pb
from talking_together.v1 import talking_together_pb2_grpc as pb_grpc

FLOOD_CHUNK_MS = 256 * 1024 / 2 / SAMPLE_RATE * 1000  # 256 KiB of mono PCM16 at 16 kHz: 8.2 s
TINY_CHUNK_MS = 20.0


Misbehaviour = Callable[[str, str, threading.Event], None]  # (address, token, stop)


def stream(address: str, token: str, requests: Iterator[pb.AnimateRequest], stop: threading.Event) -> None:
    """A misbehaving client: reads responses until it is told to stop or the server ends it."""
    with open_channel(address, token=token) as channel:
        call = pb_grpc.TalkingTogetherStub(channel).Animate(requests)
        try:
            for _ in call:
                if stop.is_set():
                    call.cancel()
        except grpc.RpcError:
            pass  # refused or cancelled: what a limit does


def flooder(wav: Path, chunk_ms: float) -> Misbehaviour:
    def run(address: str, token: str, stop: threading.Event) -> None:
        def requests() -> Iterator[pb.AnimateRequest]:
            for request in audio_requests(wav, chunk_ms=chunk_ms):
                if stop.is_set():
                    return
                yield request
        stream(address, token, requests(), stop)
    return run


def idle_streams(count: int) -> Misbehaviour:
    def run(address: str, token: str, stop: threading.Event) -> None:
        address = address.replace("127.0.0.1", "[::1]")  # another peer than the real-time session, as another machine is
        def header_then_nothing() -> Iterator[pb.AnimateRequest]:
            yield pb.AnimateRequest(header=pb.ClientHeader(audio_format=pb.AudioFormat(
                sample_rate_hz=SAMPLE_RATE, channel_count=1, encoding=pb.AUDIO_ENCODING_PCM16)))
            stop.wait()
        threads = [threading.Thread(target=stream, args=(address, token, header_then_nothing(), stop)) for _ in range(count)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    return run


def failed_logins(count: int) -> Misbehaviour:
    """`count` calls with a wrong token, as fast as they go, from another peer address ([::1])."""
    def run(address: str, token: str, stop: threading.Event) -> None:
        with open_channel(address.replace("127.0.0.1", "[::1]"), token="tt_guess") as channel:
            stub = pb_grpc.TalkingTogetherStub(channel)
            for _ in range(count):
                if stop.is_set():
                    return
                try:
                    stub.GetInfo(pb.GetInfoRequest(), timeout=10)
                except grpc.RpcError:
                    pass  # UNAUTHENTICATED, then RESOURCE_EXHAUSTED once the address is locked out
    return run


def poll_info(address: str, token: str, stop: threading.Event, out: list[float]) -> None:
    with open_channel(address, token=token) as channel:
        stub = pb_grpc.TalkingTogetherStub(channel)
        while not stop.is_set():
            start = time.perf_counter()
            stub.GetInfo(pb.GetInfoRequest(), timeout=10)
            out.append(1000 * (time.perf_counter() - start))
            stop.wait(0.1)


def measure(address: str, token: str, wav: Path, other: Misbehaviour | None) -> dict[str, float]:
    stop = threading.Event()
    info_ms: list[float] = []
    helpers = [threading.Thread(target=poll_info, args=(address, token, stop, info_ms))]
    if other:
        helpers.append(threading.Thread(target=other, args=(address, token, stop)))
    for t in helpers:
        t.start()
    time.sleep(1.0)  # the misbehaviour is under way before the real-time session opens
    stats = StreamStats()
    with open_channel(address, token=token) as channel:
        for response in animate_file_stream(channel, wav, realtime=True):
            stats.add(response)
    stop.set()
    for t in helpers:
        t.join()
    s = stats.summary()
    info = np.array(info_ms)
    return {"fps": s["fps"], "gap": s["max_gap_ms"], "latency": s.get("client_latency_p95_ms", float("nan")),
            "info50": float(np.percentile(info, 50)), "info95": float(np.percentile(info, 95)), "infomax": float(info.max())}


@dataclass
class Admitted:
    """One session of the capacity run: its stats and each frame's client-minus-server latency."""

    stats: StreamStats = field(default_factory=StreamStats)
    transport_ms: list[float] = field(default_factory=list)
    refused: str = ""

    def add(self, response: pb.AnimateResponse) -> None:
        self.stats.add(response)
        if response.WhichOneof("payload") == "frame" and response.frame.client_capture_time_ns:
            self.transport_ms.append(self.stats.client_latencies_ms[-1] - self.stats.latencies_ms[-1])


def realtime_session(address: str, wav: Path, ready: mp.Event, go: mp.Event, opened: mp.Event, refused: mp.Event,
                     results: mp.Queue) -> None:
    """One client in a process of its own, as a headset is: clients in one process would share
    its GIL, and the measurement would be the client's. It starts (imports) before `go`, so
    its start-up is not load on the sessions already running."""
    session = Admitted()
    ready.set()
    go.wait()
    with grpc.insecure_channel(address) as channel:
        try:
            for response in animate_file_stream(channel, wav, realtime=True):
                opened.set()
                session.add(response)
        except grpc.RpcError as exc:
            session.refused = f"{exc.code().name}: {exc.details()}"
            refused.set()
        finally:
            opened.set()
    results.put(session)


def beyond_capacity(console: Console, dialogue_audio: np.ndarray, animator: str, tmp: Path, max_sessions: int | None,
                    most_clients: int, full_load: float) -> None:
    """Real-time sessions added one a second until one is refused; every admitted one measured."""
    limits = ServiceLimits(max_sessions=max_sessions, max_sessions_per_peer=MOST_MEASURED_SESSIONS,  # None: measured
                           full_load=full_load)
    config = ServerConfig(port=0, animator=animator, limits=limits)
    with BackgroundServer(config) as server:
        with grpc.insecure_channel(server.address) as channel:
            limits = pb_grpc.TalkingTogetherStub(channel).GetInfo(pb.GetInfoRequest(), timeout=10).limits
        capacity = limits.max_sessions
        how = (f"measured at start-up (one session {limits.session_cost:.3f} s of work per s of audio, alone)"
               if limits.max_sessions_measured else "configured (--max-sessions): the load guard decides")
        console.print(f"\n{animator} server, capacity {capacity} sessions, {how}; full at a session load of {limits.full_load:g}")
        seconds = capacity + 1 + 10.0  # every admitted session still runs 10 s after the last one opened
        wav = tmp / "capacity.wav"
        sf.write(wav, np.tile(dialogue_audio, int(np.ceil(seconds * SAMPLE_RATE / len(dialogue_audio))))[: int(seconds * SAMPLE_RATE)],
                 SAMPLE_RATE, subtype="PCM_16")
        spawn = mp.get_context("spawn")  # gRPC does not survive fork
        clients = []
        for _ in range(min(capacity + 1, most_clients)):
            ready, go, opened, refused, results = spawn.Event(), spawn.Event(), spawn.Event(), spawn.Event(), spawn.Queue()
            process = spawn.Process(target=realtime_session, args=(server.address, wav, ready, go, opened, refused, results))
            process.start()
            clients.append((process, ready, go, opened, refused, results))
        for _, ready, *_ in clients:
            ready.wait(300)  # every client has imported what it needs
        time.sleep(2.0)
        started = []
        for process, _, go, opened, refused, results in clients:
            go.set()
            started.append((process, results))
            opened.wait(60)
            if refused.is_set():
                break
            time.sleep(1.0)
        sessions = [results.get() for _, results in started]
        for process, *_ in clients:
            if process not in (p for p, _ in started):
                process.terminate()  # never started: the server was full before its turn
            process.join()
    table = Table(title=f"Load beyond capacity: {animator} sessions added one a second until refusal", title_justify="left")
    for col in ("session", "fps", "worst gap ms", "client latency p95 ms", "server latency p95 ms", "client - server p50 / p95 / max ms"):
        table.add_column(col, justify="right")
    for i, session in enumerate(sessions, 1):
        if session.refused:
            table.add_row(str(i), "refused", escape(session.refused), "", "", "")
            continue
        s, gap = session.stats.summary(), np.array(session.transport_ms)
        table.add_row(str(i), f"{s['fps']:.2f}", f"{s['max_gap_ms']:.0f}", f"{s['client_latency_p95_ms']:.0f}",
                      f"{s['latency_p95_ms']:.0f}", f"{np.percentile(gap, 50):.1f} / {np.percentile(gap, 95):.1f} / {gap.max():.1f}")
    console.print(table)
    console.print("bars (issue 18): every admitted session at 25 fps, no gap over 250 ms, the next refused, "
                  "client and server latency within 50 ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=20.0, help="length of the real-time session (default 20 s)")
    parser.add_argument("--animator", choices=("baseline", "diffusion"), default="baseline",
                        help="the animator of the capacity run (default: %(default)s)")
    parser.add_argument("--skip-misbehaviour", action="store_true", help="only the capacity run")
    parser.add_argument("--skip-capacity", action="store_true", help="only the misbehaving clients")
    parser.add_argument("--most-clients", type=int, default=24, help="client processes the capacity run starts at most (default: %(default)s)")
    parser.add_argument("--max-sessions", type=int, help="configure the capacity run's max_sessions (default: measured, "
                        "as `serve --max-sessions auto`), e.g. 64 to see the load guard refuse on its own")
    parser.add_argument("--full-load", type=float, default=ServiceLimits().full_load,
                        help="the capacity run's load guard (default: the server's, %(default)s); higher shows where sessions really break")
    args = parser.parse_args()
    console = Console(width=160)
    a, b = rs.pairs("tune", "FM", 1, seed=0)[0]
    dialogue = rs.real_dialogue(a, b, seed=0)
    with tempfile.TemporaryDirectory() as tmp:
        if not args.skip_misbehaviour:
            misbehaviour(console, dialogue.audio, args.seconds, Path(tmp))
        if not args.skip_capacity:
            beyond_capacity(console, dialogue.audio, args.animator, Path(tmp), args.max_sessions, args.most_clients, args.full_load)


def misbehaviour(console: Console, dialogue_audio: np.ndarray, seconds: float, tmp: Path) -> None:
    """A real-time session and GetInfo beside each misbehaving client in turn."""
    # Bound to every loopback address (IPv4 and IPv6), so the idle streams can come from another peer
    # address ([::1]) than the real-time session (127.0.0.1): per-peer caps see two machines.
    # With tokens, so that failed logins are a misbehaviour too; every other client holds a good one.
    tokens = tmp / "tokens.json"
    token = new_token(tokens, "bench", "animate,subscribe,info")
    config = ServerConfig(host="::", port=0, animator="baseline", security=SecurityConfig(insecure=True, tokens=str(tokens)))
    with BackgroundServer(config) as server:
        address = f"127.0.0.1:{server.running.port}"  # the real-time session's peer; the idle streams use [::1]
        wav, long_wav = tmp / "dialogue.wav", tmp / "long.wav"
        audio = dialogue_audio[: int(seconds * SAMPLE_RATE)]
        sf.write(wav, audio, SAMPLE_RATE, subtype="PCM_16")
        sf.write(long_wav, np.tile(dialogue_audio, int(np.ceil(600 * SAMPLE_RATE / len(dialogue_audio)))), SAMPLE_RATE, subtype="PCM_16")
        console.print(f"machine: {os.cpu_count()} CPUs; baseline animator, default limits; the real-time session: "
                      f"{len(audio) / SAMPLE_RATE:.0f} s of a real-reader dialogue (tune readers) in 40 ms chunks")
        rows = {
            "alone (baseline)": None,
            f"flood: 10 min as fast as possible, {FLOOD_CHUNK_MS / 1000:.1f} s chunks": flooder(long_wav, FLOOD_CHUNK_MS),
            f"tiny chunks: {TINY_CHUNK_MS:.0f} ms, as fast as possible": flooder(long_wav, TINY_CHUNK_MS),
            "32 idle streams (header, then nothing)": idle_streams(32),
            "1000 failed logins (wrong token), as fast as possible": failed_logins(1000),
        }
        table = Table(title="A real-time session and GetInfo while another client misbehaves", title_justify="left")
        for col in ("other client", "fps", "worst gap ms", "latency p95 ms", "GetInfo p50 ms", "p95", "max", "gap / alone"):
            table.add_column(col, justify="left" if col == "other client" else "right")
        alone = None
        for name, other in rows.items():
            r = measure(address, token, wav, other)
            alone = alone or r
            table.add_row(name, f"{r['fps']:.2f}", f"{r['gap']:.0f}", f"{r['latency']:.0f}", f"{r['info50']:.1f}",
                          f"{r['info95']:.1f}", f"{r['infomax']:.1f}", f"{r['gap'] / alone['gap']:.2f}")
        console.print(table)
        console.print("bars (issue 18): 25 fps, worst gap <= 200 ms, GetInfo <= 50 ms")


if __name__ == "__main__":
    main()
