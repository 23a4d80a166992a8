"""Bad input against a real loopback server: each case gets the right status and a message
that names the problem, other sessions keep being served, and nothing leaks."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from pathlib import Path

import grpc
import numpy as np
import pytest
import soundfile as sf

from talking_together.service.client import audio_requests
from talking_together.service.config import ServerConfig, ServiceLimits
from talking_together.service.server import BackgroundServer
from talking_together.v1 import talking_together_pb2 as pb
from talking_together.v1 import talking_together_pb2_grpc as pb_grpc

INVALID = grpc.StatusCode.INVALID_ARGUMENT
EXHAUSTED = grpc.StatusCode.RESOURCE_EXHAUSTED
PCM16_MONO_16K = pb.AudioFormat(sample_rate_hz=16000, channel_count=1, encoding=pb.AUDIO_ENCODING_PCM16)
SILENCE_40MS = np.zeros(640, dtype="<i2").tobytes()


def header(fmt: pb.AudioFormat = PCM16_MONO_16K, prompt: str = "") -> pb.AnimateRequest:
    layout = pb.LayoutSpec(prompt=prompt) if prompt else pb.LayoutSpec()
    return pb.AnimateRequest(header=pb.ClientHeader(audio_format=fmt, layout=layout))


def audio(data: bytes) -> pb.AnimateRequest:
    return pb.AnimateRequest(audio=pb.AudioChunk(data=data))


END = pb.AnimateRequest(end=pb.EndOfAudio())


def call(address: str, requests: list[pb.AnimateRequest]) -> list[pb.AnimateResponse]:
    with grpc.insecure_channel(address) as channel:
        return list(pb_grpc.TalkingTogetherStub(channel).Animate(iter(requests), timeout=30))


def expect_error(address: str, requests: list[pb.AnimateRequest], code: grpc.StatusCode, *words: str) -> None:
    with pytest.raises(grpc.RpcError) as info:
        call(address, requests)
    assert info.value.code() == code, info.value.details()
    for word in words:
        assert word in info.value.details(), info.value.details()


@pytest.fixture(scope="module")
def server() -> Iterator[BackgroundServer]:
    limits = ServiceLimits(max_sessions=32, max_sessions_per_peer=32, max_chunk_bytes=64 * 1024, max_stream_seconds=5.0, header_timeout_s=2.0)
    with BackgroundServer(ServerConfig(port=0, animator="baseline", limits=limits)) as running:
        yield running


def info(address: str) -> pb.ServiceInfo:
    with grpc.insecure_channel(address) as channel:
        return pb_grpc.TalkingTogetherStub(channel).GetInfo(pb.GetInfoRequest(), timeout=10)


@pytest.mark.parametrize(
    ("requests", "code", "words"),
    [
        ([], INVALID, ("before its header",)),
        ([END], INVALID, ("first message must be a ClientHeader", "'end'")),
        ([audio(SILENCE_40MS), END], INVALID, ("first message must be a ClientHeader", "'audio'")),
        ([header(pb.AudioFormat(sample_rate_hz=0, channel_count=1, encoding=pb.AUDIO_ENCODING_PCM16))], INVALID, ("sample_rate_hz=0",)),
        ([header(pb.AudioFormat(sample_rate_hz=10_000_000, channel_count=1, encoding=pb.AUDIO_ENCODING_PCM16))], INVALID, ("sample_rate_hz=10000000", "range")),
        ([header(pb.AudioFormat(sample_rate_hz=16000, channel_count=0, encoding=pb.AUDIO_ENCODING_PCM16))], INVALID, ("channel_count=0",)),
        ([header(pb.AudioFormat(sample_rate_hz=16000, channel_count=1))], INVALID, ("unsupported audio encoding", "PCM16")),
        ([header(pb.AudioFormat(sample_rate_hz=16000, channel_count=1, encoding=7))], INVALID, ("unsupported audio encoding",)),
        ([header(), audio(b"\x01\x02\x03"), END], INVALID, ("3 bytes", "whole")),
        ([header(), audio(b"\x00" * (64 * 1024 + 2)), END], EXHAUSTED, ("exceeds the limit",)),
        ([header(pb.AudioFormat(sample_rate_hz=16000, channel_count=1, encoding=pb.AUDIO_ENCODING_FLOAT32)), audio(b"\xff" * 64), END], INVALID, ("NaN",)),
        ([header(prompt="on the moon, upside down"), END], INVALID, ("understand",)),
        ([header(), header(), END], INVALID, ("a second header",)),
        ([header()] + [audio(SILENCE_40MS * 25)] * 7 + [END], EXHAUSTED, ("limit of 5 s",)),
    ],
    ids=[
        "no-messages", "end-first", "audio-before-header", "rate-zero", "rate-absurd", "channels-zero",
        "encoding-unspecified", "encoding-unknown", "odd-pcm16-bytes", "chunk-over-limit",
        "float32-garbage", "unknown-layout-prompt", "second-header", "stream-too-long",
    ],
)
def test_bad_request_gets_status_and_message(server: BackgroundServer, requests: list, code: grpc.StatusCode, words: tuple[str, ...]) -> None:
    expect_error(server.address, requests, code, *words)


def test_garbage_bytes_on_the_wire(server: BackgroundServer) -> None:
    """Bytes that are not an AnimateRequest at all: INVALID_ARGUMENT, not INTERNAL."""
    with grpc.insecure_channel(server.address) as channel:
        raw = channel.stream_stream("/talking_together.v1.TalkingTogether/Animate", request_serializer=lambda b: b, response_deserializer=lambda b: b)
        with pytest.raises(grpc.RpcError) as err:
            list(raw(iter([b"\xff\xfe\xfd\xfc garbage \x00\x01"]), timeout=10))
    assert err.value.code() == INVALID
    assert "undecodable" in err.value.details()


def test_good_session_survives_bad_neighbours(server: BackgroundServer, dialogue_wav: Path) -> None:
    """A real-time stream keeps every frame while bad clients come and go beside it."""
    good: list[pb.AnimateResponse] = []

    def run_good() -> None:
        with grpc.insecure_channel(server.address) as channel:
            good.extend(pb_grpc.TalkingTogetherStub(channel).Animate(short_clip_requests(dialogue_wav, seconds=3.0)))

    thread = threading.Thread(target=run_good)
    thread.start()
    for _ in range(20):
        expect_error(server.address, [header(), audio(b"\x01"), END], INVALID, "whole")
    thread.join(timeout=60)
    frames = [r.frame for r in good if r.WhichOneof("payload") == "frame"]
    assert good[-1].status.code == 0
    assert [f.sequence for f in frames] == list(range(len(frames)))
    assert abs(len(frames) - 75) <= 1


def short_clip_requests(wav: Path, seconds: float) -> Iterator[pb.AnimateRequest]:
    """Header and the first `seconds` of the WAV, paced in real time."""
    samples, rate = sf.read(str(wav), dtype="int16", frames=int(seconds * 16000))
    clip = wav.parent / f"clip_{seconds:g}s.wav"
    sf.write(clip, samples, rate, subtype="PCM_16")
    return audio_requests(clip, realtime=True)


def test_fifty_sessions_at_once(server: BackgroundServer) -> None:
    """32 slots: 18 of 50 simultaneous clients are turned away, the 32 others are served in full."""
    go = threading.Event()
    results: list[object] = [None] * 50
    answered = threading.Semaphore(0)

    def requests() -> Iterator[pb.AnimateRequest]:
        yield header()
        go.wait(timeout=30)
        yield audio(SILENCE_40MS * 25)
        yield END

    def client(k: int) -> None:
        with grpc.insecure_channel(server.address) as channel:
            stream = pb_grpc.TalkingTogetherStub(channel).Animate(requests(), timeout=60)
            try:
                first = next(stream)
                answered.release()
                results[k] = [first, *stream]
            except grpc.RpcError as exc:
                answered.release()
                results[k] = exc

    threads = [threading.Thread(target=client, args=(k,)) for k in range(50)]
    for t in threads:
        t.start()
    for _ in range(50):
        assert answered.acquire(timeout=30)
    assert info(server.address).active_sessions == 32
    go.set()
    for t in threads:
        t.join(timeout=60)

    refused = [r for r in results if isinstance(r, grpc.RpcError)]
    served = [r for r in results if isinstance(r, list)]
    assert len(refused) == 18 and len(served) == 32
    assert all(e.code() == EXHAUSTED and "32 concurrent" in e.details() for e in refused)
    for responses in served:
        assert responses[-1].status.code == 0
        assert sum(r.WhichOneof("payload") == "frame" for r in responses) == 25


def _rss_mib() -> float:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * 4096 / 2**20


def _server_tasks(server: BackgroundServer) -> int:
    async def count() -> int:
        return len(asyncio.all_tasks())

    return asyncio.run_coroutine_threadsafe(count(), server._loop).result(timeout=10)


def test_no_leaks_after_200_aborted_streams(server: BackgroundServer) -> None:
    def abort_some(n: int) -> None:
        for k in range(n):
            if k % 2:
                expect_error(server.address, [header(), audio(SILENCE_40MS * 5), audio(b"\x01"), END], INVALID, "whole")
            else:  # a client that disconnects mid-stream
                with grpc.insecure_channel(server.address) as channel:
                    stream = pb_grpc.TalkingTogetherStub(channel).Animate(iter([header(), audio(SILENCE_40MS * 5)] + [audio(SILENCE_40MS)] * 10_000))
                    next(stream)
                    stream.cancel()

    abort_some(50)  # warm up allocators and caches
    threads, tasks, rss = threading.active_count(), _server_tasks(server), _rss_mib()
    abort_some(200)
    for _ in range(50):  # cancellations settle asynchronously
        if info(server.address).active_sessions == 0 and _server_tasks(server) <= tasks:
            break
        threading.Event().wait(0.1)
    assert info(server.address).active_sessions == 0
    # gRPC keeps a few connection tasks of its own; a per-stream leak would add 200.
    assert _server_tasks(server) <= tasks + 5
    assert threading.active_count() <= threads + 2
    assert _rss_mib() - rss < 15.0, f"RSS grew by {_rss_mib() - rss:.1f} MiB over 200 aborted streams"
