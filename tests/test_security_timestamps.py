"""Honest time stamps (issue 18): arrival is stamped where a chunk arrives, and the client's own
capture time comes back with every frame, so the latency a client reports includes queueing.

A real loopback server animates audio sent as fast as the client can, so the animator falls
behind and chunks queue. The animator is the diffusion engine (a small untrained network): it
runs off the event loop, as every animator must for stamps taken on the loop to be on time.
Client and server share this host's monotonic clock, so their stamps compare directly.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import grpc
import numpy as np
import pytest
import soundfile as sf
import torch

from talking_together.contract import SAMPLE_RATE, SAMPLES_PER_FRAME
from talking_together.model import ModelConfig, MotionGenerator, save_checkpoint
from talking_together.service.client import StreamStats, audio_requests
from talking_together.service.config import ServerConfig, ServiceLimits
from talking_together.service.server import BackgroundServer
from talking_together.service.tls import open_channel
from talking_together.v1 import talking_together_pb2 as pb
from talking_together.v1 import talking_together_pb2_grpc as pb_grpc

CHUNK_MS = 100.0  # 1600 samples: 2.5 frames a chunk, so frames end inside chunks too
CLIP_S = 4  # seconds sent as fast as they go: enough work that the animator falls well behind
SMALL = ModelConfig(width=32, levels=2, audio_width=32, audio_layers=1, heads=2)


@pytest.fixture(scope="module")
def clip(dialogue_wav: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    samples, rate = sf.read(str(dialogue_wav), dtype="int16", always_2d=True)
    assert rate == SAMPLE_RATE, "the echo check below assumes no resampling"
    path = tmp_path_factory.mktemp("stamps") / "clip.wav"
    sf.write(str(path), samples[: CLIP_S * rate], rate, subtype="PCM_16")
    return path


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, clip: Path) -> Iterator[BackgroundServer]:
    torch.manual_seed(0)
    checkpoint = tmp_path_factory.mktemp("ckpt") / "small.pt"
    save_checkpoint(checkpoint, MotionGenerator(SMALL).eval())
    # Unpaced: what queues here is the animator's backlog, not pacing's (a paced client waits in its
    # own transport, before the arrival stamp; docs/security.md, Fairness).
    limits = ServiceLimits(max_audio_speed=0)
    with BackgroundServer(ServerConfig(port=0, animator="diffusion", checkpoint=str(checkpoint), limits=limits)) as running:
        with open_channel(running.address) as channel:  # warm-up: model and activity loads are not what this measures
            list(pb_grpc.TalkingTogetherStub(channel).Animate(audio_requests(clip), timeout=60))
        yield running


def _stamped(requests: Iterator[pb.AnimateRequest], sent: list[tuple[int, int]]) -> Iterator[pb.AnimateRequest]:
    """Pass requests through, noting each chunk's (16 kHz samples, client stamp)."""
    for request in requests:
        if request.WhichOneof("payload") == "audio":
            sent.append((len(request.audio.data) // 2, request.audio.client_capture_time_ns))
        yield request


def test_latency_includes_queueing_and_stamps_agree(server: BackgroundServer, clip: Path) -> None:
    sent: list[tuple[int, int]] = []
    stats, frames = StreamStats(), []
    with open_channel(server.address) as channel:
        for response in pb_grpc.TalkingTogetherStub(channel).Animate(_stamped(audio_requests(clip, chunk_ms=CHUNK_MS), sent), timeout=60):
            stats.add(response)
            if response.WhichOneof("payload") == "frame":
                frames.append((time.monotonic_ns(), response.frame))
    assert len(frames) == CLIP_S * 25 and stats.status.code == 0

    ends = np.cumsum([n for n, _ in sent])
    for received_ns, f in frames:
        # The echo is the client's stamp of the chunk holding the frame's last sample, less the samples after it.
        end = (f.sequence + 1) * SAMPLES_PER_FRAME
        k = int(np.searchsorted(ends, end))
        assert f.client_capture_time_ns == sent[k][1] - int(ends[k] - end) * 1_000_000_000 // SAMPLE_RATE
        # One clock, one order: sent, arrived, emitted, received.
        assert f.client_capture_time_ns <= f.capture_time_ns <= f.emit_time_ns <= received_ns

    client_ms = np.array([(r - f.client_capture_time_ns) / 1e6 for r, f in frames])
    server_ms = np.array([(f.emit_time_ns - f.capture_time_ns) / 1e6 for _, f in frames])
    forward_ms = np.array([(f.capture_time_ns - f.client_capture_time_ns) / 1e6 for _, f in frames])
    # The audio went faster than real time, so it queued: the client saw the wait...
    assert client_ms[-1] > 300, f"no queueing to measure (last frame {client_ms[-1]:.0f} ms)"
    # ...and so did the server, because a chunk is stamped when it arrives, not when the busy
    # session reads it: the transport took almost none of the client's latency.
    assert np.median(forward_ms) < 50 and np.median(client_ms - server_ms) < 50
    assert server_ms[-1] > 0.8 * client_ms[-1]
    # What `client` reports is the client's own measure, queueing included.
    summary = stats.summary()
    assert summary["client_latency_p95_ms"] == pytest.approx(np.percentile(stats.client_latencies_ms, 95))
    assert summary["client_latency_p95_ms"] >= summary["latency_p95_ms"]


def test_unstamped_chunks_get_no_echo(server: BackgroundServer, clip: Path) -> None:
    """client_capture_time_ns is optional: a client that sends none gets 0 back and the server's stamps as before."""

    def unstamped() -> Iterator[pb.AnimateRequest]:
        for request in audio_requests(clip):
            if request.WhichOneof("payload") == "audio":
                request.audio.client_capture_time_ns = 0
            yield request

    with grpc.insecure_channel(server.address) as channel:
        frames = [r.frame for r in pb_grpc.TalkingTogetherStub(channel).Animate(unstamped(), timeout=60) if r.WhichOneof("payload") == "frame"]
    assert len(frames) == CLIP_S * 25
    assert all(f.client_capture_time_ns == 0 and 0 < f.capture_time_ns <= f.emit_time_ns for f in frames)
    stats = StreamStats()
    for f in frames:
        stats.add(pb.AnimateResponse(frame=f))
    assert "client_latency_p50_ms" not in stats.summary()
