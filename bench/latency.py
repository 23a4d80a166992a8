"""Baseline capture-to-emit latency, and how many sessions run at real time on this machine.

Both figures come from real Animate streams over loopback: one session paced in real time
(latency), then N sessions streaming as fast as they can at once (throughput). A session's
real-time factor is audio seconds / wall seconds; N sessions run at real time when the
aggregate audio rate is at least N x 1.0. The baseline for the ratio is one session alone,
measured in the same process.

    python bench/latency.py [--max-sessions 64]
"""

from __future__ import annotations

import argparse
import os
import tempfile
import threading
import time
from pathlib import Path

import grpc

from talking_together.data.dialogue import demo_dialogue, write_wav
from talking_together.service.client import StreamStats, animate_file_stream
from talking_together.service.config import ServerConfig, ServiceLimits
from talking_together.service.server import BackgroundServer


def one_session(address: str, wav: Path, realtime: bool) -> StreamStats:
    stats = StreamStats()
    with grpc.insecure_channel(address) as channel:
        for response in animate_file_stream(channel, wav, realtime=realtime):
            stats.add(response)
    return stats


def concurrent_throughput(address: str, wav: Path, sessions: int, audio_s: float) -> float:
    """Aggregate audio seconds animated per wall second with `sessions` streams at once."""
    threads = [threading.Thread(target=one_session, args=(address, wav, False)) for _ in range(sessions)]
    start = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return sessions * audio_s / (time.perf_counter() - start)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--max-sessions", type=int, default=64)
    args = parser.parse_args()

    dialogue = demo_dialogue()
    with tempfile.TemporaryDirectory() as tmp, BackgroundServer(ServerConfig(port=0, animator="baseline", limits=ServiceLimits(max_sessions=256, max_sessions_per_peer=256, max_audio_speed=0))) as server:
        wav = write_wav(dialogue, Path(tmp) / "dialogue.wav")
        audio_s = dialogue.duration_s
        print(f"machine: {os.cpu_count()} CPUs; audio: demo dialogue, {audio_s:.1f} s, mono 16 kHz PCM16, 40 ms chunks")

        stats = one_session(server.address, wav, realtime=True)
        s = stats.summary()
        print(f"one real-time session: {s['frames']} frames at {s['fps']:.2f} fps; capture-to-emit latency p50 {s['latency_p50_ms']:.2f} ms, p95 {s['latency_p95_ms']:.2f} ms")

        single = concurrent_throughput(server.address, wav, 1, audio_s)
        print(f"one session, as fast as possible: {single:.1f}x real time (the baseline for the ratios below)")
        sessions, best = 1, 1
        while sessions <= args.max_sessions:
            rate = concurrent_throughput(server.address, wav, sessions, audio_s)
            at_real_time = rate >= sessions
            print(f"{sessions:3d} sessions at once: {rate:6.1f} s of audio per s ({rate / single:.2f}x the single session){'' if at_real_time else '  <- below real time'}")
            if not at_real_time:
                break
            best = sessions
            sessions *= 2
        print(f"sessions at real time on this machine: {best} (doubling until one count fell below real time or hit --max-sessions)")


if __name__ == "__main__":
    main()
