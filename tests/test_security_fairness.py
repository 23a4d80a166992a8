"""Fairness and admission (issue 18) against real loopback servers: idle streams time out, one peer
cannot hold every slot, capacity is enforced and reported, a flooding client is slowed (not
refused), and tiny chunks are refused. Timing is asserted only as generous bounds the server's
own pacing guarantees; a loaded machine only makes those hold more easily."""

from __future__ import annotations

import argparse
import math
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import grpc
import numpy as np
import pytest

from talking_together.contract import SAMPLE_RATE
from talking_together.service.capacity import MOST_MEASURED_SESSIONS, Capacity, LoadGauge, SessionLoad, usable_cores
from talking_together.service.config import ServerConfig, ServiceLimits
from talking_together.service.fairness import Admission, Pacer, Refusal
from talking_together.service.server import BackgroundServer
from talking_together.v1 import talking_together_pb2 as pb
from talking_together.v1 import talking_together_pb2_grpc as pb_grpc

EXHAUSTED = grpc.StatusCode.RESOURCE_EXHAUSTED
PCM16_MONO_16K = pb.AudioFormat(sample_rate_hz=16000, channel_count=1, encoding=pb.AUDIO_ENCODING_PCM16)
SILENCE_40MS = np.zeros(640, dtype="<i2").tobytes()
END = pb.AnimateRequest(end=pb.EndOfAudio())


def header(fmt: pb.AudioFormat = PCM16_MONO_16K) -> pb.AnimateRequest:
    return pb.AnimateRequest(header=pb.ClientHeader(audio_format=fmt, layout=pb.LayoutSpec()))


def audio(data: bytes) -> pb.AnimateRequest:
    return pb.AnimateRequest(audio=pb.AudioChunk(data=data))


def frames_of(responses: list[pb.AnimateResponse]) -> list[pb.Frame]:
    return [r.frame for r in responses if r.WhichOneof("payload") == "frame"]


def info(address: str) -> pb.ServiceInfo:
    with grpc.insecure_channel(address) as channel:
        return pb_grpc.TalkingTogetherStub(channel).GetInfo(pb.GetInfoRequest(), timeout=10)


class HeldStream:
    """An Animate stream that sends its header (and `lead` chunks), then nothing until released;
    released, it sends 1 s of audio and EndOfAudio."""

    def __init__(self, channel: grpc.Channel, lead: int = 0) -> None:
        self.go = threading.Event()
        self._lead = lead
        self.responses = pb_grpc.TalkingTogetherStub(channel).Animate(self._requests(), timeout=30)

    def _requests(self) -> Iterator[pb.AnimateRequest]:
        yield header()
        for _ in range(self._lead):
            yield audio(SILENCE_40MS)
        if not self.go.wait(timeout=20):
            return
        yield audio(SILENCE_40MS * 25)
        yield END

    def first(self) -> pb.AnimateResponse:
        return next(self.responses)

    def finish(self) -> list[pb.AnimateResponse]:
        self.go.set()
        return list(self.responses)

    def refusal(self) -> grpc.RpcError:
        """The error that ends this stream (it must end with one)."""
        with pytest.raises(grpc.RpcError) as err:
            list(self.responses)
        self.go.set()  # frees the request thread
        return err.value


@pytest.fixture
def serve():
    """Start a baseline server with these limits; every one started is stopped at the end."""
    servers: list[BackgroundServer] = []

    def start(limits: ServiceLimits, **config: object) -> BackgroundServer:
        server = BackgroundServer(ServerConfig(port=0, animator="baseline", limits=limits, **config)).__enter__()
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.__exit__(None, None, None)


@pytest.fixture(scope="module")
def default_server() -> Iterator[BackgroundServer]:
    with BackgroundServer(ServerConfig(port=0, animator="baseline")) as server:
        yield server


# ---------------------------------------------------------------------- idle timeout


def test_idle_stream_times_out_and_a_sending_one_does_not(serve) -> None:
    server = serve(ServiceLimits(idle_timeout_s=1.0))

    def steady() -> Iterator[pb.AnimateRequest]:
        yield header()
        for _ in range(20):  # 2 s of audio in real time: gaps of 0.1 s, well under the timeout
            time.sleep(0.1)
            yield audio(np.zeros(1600, dtype="<i2").tobytes())  # 100 ms
        yield END

    with grpc.insecure_channel(server.address) as channel:
        silent, stalled = HeldStream(channel), HeldStream(channel, lead=3)  # nothing after the header; audio, then nothing
        kept = list(pb_grpc.TalkingTogetherStub(channel).Animate(steady(), timeout=30))
        for stream in (silent, stalled):
            assert stream.first().WhichOneof("payload") == "header"
            err = stream.refusal()
            assert err.code() == grpc.StatusCode.DEADLINE_EXCEEDED, err.details()
            assert "idle_timeout_s" in err.details() and "1 s" in err.details()
    assert kept[-1].status.code == 0 and len(frames_of(kept)) == 50
    assert info(server.address).active_sessions == 0


# ---------------------------------------------------------------------- per-peer cap and capacity


def test_per_peer_cap_refuses_the_next_and_closing_one_frees_a_slot(serve) -> None:
    cap = 3
    server = serve(ServiceLimits(max_sessions=16, max_sessions_per_peer=cap, idle_timeout_s=30.0))
    with grpc.insecure_channel(server.address) as channel:
        held = [HeldStream(channel) for _ in range(cap)]
        for stream in held:
            assert stream.first().WhichOneof("payload") == "header"
        err = HeldStream(channel).refusal()
        assert err.code() == EXHAUSTED and "max_sessions_per_peer" in err.details() and str(cap) in err.details()

        done = held.pop(0).finish()  # the whole call ends, so its slot is free
        assert done[-1].status.code == 0
        held.append(HeldStream(channel))
        assert held[-1].first().WhichOneof("payload") == "header"
        for stream in held:  # the others kept working all along
            responses = stream.finish()
            assert responses[-1].status.code == 0 and len(frames_of(responses)) == 25


def test_capacity_refuses_past_max_sessions_and_getinfo_reports_it(serve) -> None:
    server = serve(ServiceLimits(max_sessions=2, max_sessions_per_peer=8, idle_timeout_s=30.0))
    reply = info(server.address)
    assert (reply.admitted_sessions, reply.limits.max_sessions) == (0, 2)
    assert reply.limits.max_sessions_per_peer == 8 and reply.limits.idle_timeout_s == 30.0
    assert reply.limits.max_audio_speed == 2.0 and reply.limits.min_chunk_samples == 160
    with grpc.insecure_channel(server.address) as one, grpc.insecure_channel(server.address) as two:
        held = [HeldStream(one), HeldStream(two)]
        for stream in held:
            stream.first()
        assert info(server.address).admitted_sessions == 2
        err = HeldStream(one).refusal()
        assert err.code() == EXHAUSTED and "capacity of 2" in err.details() and "max_sessions" in err.details()
        for stream in held:
            assert stream.finish()[-1].status.code == 0
    assert info(server.address).admitted_sessions == 0


def test_measured_capacity_admits_what_getinfo_reports_and_refuses_the_next(serve) -> None:
    server = serve(ServiceLimits(max_sessions=None, max_sessions_per_peer=MOST_MEASURED_SESSIONS, idle_timeout_s=30.0))  # measured
    limits = info(server.address).limits
    assert limits.max_sessions_measured and limits.session_cost > 0
    load = ServiceLimits().capacity_load
    assert limits.max_sessions == max(1, min(MOST_MEASURED_SESSIONS, math.floor(usable_cores() * load / limits.session_cost)))
    with grpc.insecure_channel(server.address) as channel:
        held = [HeldStream(channel) for _ in range(limits.max_sessions)]
        for stream in held:
            assert stream.first().WhichOneof("payload") == "header"
        err = HeldStream(channel).refusal()
        assert err.code() == EXHAUSTED and f"capacity of {limits.max_sessions}" in err.details()
        assert "measured at start-up" in err.details() and "--max-sessions N" in err.details()
        for stream in held:
            assert stream.finish()[-1].status.code == 0


def test_a_configured_capacity_is_reported_as_configured(serve) -> None:
    limits = info(serve(ServiceLimits(max_sessions=3)).address).limits
    assert (limits.max_sessions, limits.max_sessions_measured, limits.session_cost) == (3, False, 0.0)


def test_the_room_session_counts_against_capacity(serve, dialogue_wav: Path) -> None:
    server = serve(ServiceLimits(max_sessions=2, idle_timeout_s=30.0), source=str(dialogue_wav))
    assert info(server.address).admitted_sessions == 1  # the room holds its slot
    with grpc.insecure_channel(server.address) as channel:
        held = HeldStream(channel)
        held.first()
        err = HeldStream(channel).refusal()
        assert err.code() == EXHAUSTED and "room session" in err.details()
        assert held.finish()[-1].status.code == 0


# ---------------------------------------------------------------------- pacing and chunk floor


def test_pacer_holds_to_speed_and_banks_no_more_than_the_burst() -> None:
    now = [0.0]
    pacer = Pacer(speed=2.0, burst_s=1.0, bytes_per_second=32000, clock=lambda: now[0])
    pacer.add(32000)  # 1 s of audio at once: within the burst
    assert pacer.delay() == 0.0
    pacer.add(32000)  # 2 s read at t=0: due at 1 s, 0.5 s of it forgiven by the burst
    assert pacer.delay() == pytest.approx(0.5)
    now[0] = 100.0  # a long silence banks nothing beyond the burst
    pacer.add(64000)
    assert pacer.delay() == pytest.approx(0.5)


def test_flooding_client_is_slowed_to_twice_real_time_not_refused(default_server: BackgroundServer) -> None:
    server = default_server  # the default limits: 2x real time, 1 s burst
    chunk = np.zeros(1600, dtype="<i2").tobytes()  # 100 ms
    seconds = 10.0
    requests = [header()] + [audio(chunk)] * int(seconds * 10) + [END]
    started = time.monotonic()
    with grpc.insecure_channel(server.address) as channel:
        responses = list(pb_grpc.TalkingTogetherStub(channel).Animate(iter(requests), timeout=60))
    wall_s = time.monotonic() - started
    frames = frames_of(responses)
    assert responses[-1].status.code == 0 and len(frames) == 250
    # Server side: frames carry the time their audio was read (capture_time_ns, server clock). Past
    # the burst, reading keeps to 2x real time, so 10 s of audio took at least (10 - 1 - 0.1) / 2 s.
    audio_s = (frames[-1].sequence - frames[0].sequence) / 25
    read_s = (frames[-1].capture_time_ns - frames[0].capture_time_ns) / 1e9
    assert read_s > 0 and audio_s / read_s < 2.5, (audio_s, read_s)
    assert wall_s > 4.0


@pytest.mark.parametrize(
    ("fmt", "chunks", "ok"),
    [
        (PCM16_MONO_16K, [b"\x00\x00", b"\x00\x00"], False),  # 2-byte chunks: refused at the second
        (PCM16_MONO_16K, [SILENCE_40MS] * 3 + [np.zeros(100, "<i2").tobytes()], True),  # only the last is short
        (PCM16_MONO_16K, [np.zeros(160, "<i2").tobytes()] * 10, True),  # exactly 10 ms
        (pb.AudioFormat(sample_rate_hz=48000, channel_count=1, encoding=pb.AUDIO_ENCODING_PCM16), [np.zeros(300, "<i2").tobytes()] * 2, False),
        (pb.AudioFormat(sample_rate_hz=48000, channel_count=2, encoding=pb.AUDIO_ENCODING_PCM16), [np.zeros(2 * 480, "<i2").tobytes()] * 4, True),
    ],
    ids=["tiny", "short-last", "10ms", "6ms-at-48k", "10ms-stereo-48k"],
)
def test_chunks_under_the_floor_are_refused_but_the_last(default_server: BackgroundServer, fmt: pb.AudioFormat, chunks: list[bytes], ok: bool) -> None:
    server = default_server
    requests = [header(fmt)] + [audio(c) for c in chunks] + [END]
    with grpc.insecure_channel(server.address) as channel:
        call = pb_grpc.TalkingTogetherStub(channel).Animate(iter(requests), timeout=30)
        if ok:
            assert list(call)[-1].status.code == 0
            return
        with pytest.raises(grpc.RpcError) as err:
            list(call)
    assert err.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert "min_chunk_samples" in err.value.details() and "10 ms" in err.value.details()


# ---------------------------------------------------------------------- load guard


def test_session_load_is_work_per_audio_second_over_the_window() -> None:
    now = [0.0]
    load = SessionLoad(window_s=2.0, clock=lambda: now[0])
    load(4000, 0.1)  # 0.25 s of audio: too little to judge
    assert load.load() == 0.0
    for _ in range(3):
        now[0] += 0.25
        load(4000, 0.1)  # each 0.25 s of audio took 0.1 s
    assert load.load() == pytest.approx(0.4)
    now[0] += 2.5  # the window (2 s here) forgets
    assert load.load() == 0.0
    load(SAMPLE_RATE, 0.3)
    load.clear()  # and so does a session that ended
    assert load.load() == 0.0


def test_sessions_up_to_one_per_core_do_not_stretch_each_other() -> None:
    gauge = LoadGauge(full_load=0.5, full_backlog_s=0.3, cores=2)
    busy = gauge.watch(SessionLoad())
    busy(SAMPLE_RATE, 0.3)
    assert gauge.with_one_more() == pytest.approx(0.3)  # a second session gets the second core
    quiet = gauge.watch(SessionLoad())
    assert gauge.with_one_more() == pytest.approx(0.45) and not gauge.full()  # a third shares: 0.3 x 3/2
    gauge.watch(SessionLoad())
    assert gauge.with_one_more() == pytest.approx(0.4) and not gauge.full()
    busy(SAMPLE_RATE, 0.5)  # 0.4 s per s now: 0.53 with a fourth
    assert gauge.full()
    quiet(SAMPLE_RATE, 0.1)  # the mean, not the busiest: (0.4 + 0.1) / 2 = 0.25, 0.33 with a fourth
    assert gauge.mean() == pytest.approx(0.25) and gauge.busiest() == pytest.approx(0.4) and not gauge.full()


def test_admission_refuses_while_the_sessions_are_at_full_load() -> None:
    limits = ServiceLimits(max_sessions=64, full_load=0.5)
    admission = Admission(Capacity(64), limits)
    admission.gauge = LoadGauge(limits.full_load, limits.full_backlog_s, cores=1)  # on one core, every session stretches the others
    slot = admission.admit("ipv4:10.0.0.1:1")
    slot.load(SAMPLE_RATE, 0.2)  # one second of audio took 0.2 s: 0.4 with a second session beside it
    second = admission.admit("ipv4:10.0.0.2:1")  # so it is admitted; a third would stretch 0.2 to 0.3
    slot.load(SAMPLE_RATE, 0.4)  # now 0.3 s per s on average: 0.45 with a third
    admission.admit("ipv4:10.0.0.3:1")
    slot.load(SAMPLE_RATE, 0.6)  # 0.4 s per s: 0.53 with a fourth, past full_load
    with pytest.raises(Refusal) as err:
        admission.admit("ipv4:10.0.0.4:1")
    assert err.value.code == EXHAUSTED and "0.40 s of work per s of audio on average, about 0.53 with one more" in str(err.value)
    assert "full_load 0.5" in str(err.value)
    second.release()
    slot.release()  # the busy session left: room again
    admission.admit("ipv4:10.0.0.4:1")


def test_serve_max_sessions_takes_a_count_or_auto() -> None:
    from talking_together.service.cli import session_count

    assert (session_count("3"), session_count("auto")) == (3, None)
    for bad in ("0", "-1", "many"):
        with pytest.raises(argparse.ArgumentTypeError, match="'auto'"):
            session_count(bad)


def test_a_session_whose_audio_waits_fills_the_server_whatever_the_load() -> None:
    now = [100.0]
    gauge = LoadGauge(full_load=0.5, full_backlog_s=0.3, cores=2)
    session = gauge.watch(SessionLoad(clock=lambda: now[0]))
    session(SAMPLE_RATE, 0.05, waited_s=0.02)  # light work, audio pushed at once
    assert not gauge.full()
    now[0] += 1.8  # a real-time client's next 40 ms arrived 1 s later and waited 0.8 s
    session(640, 0.002, waited_s=0.8)  # the loop, not the push, is behind
    assert gauge.most_behind() == pytest.approx(0.8) and gauge.full()
    now[0] += 0.04
    session(640, 0.002, waited_s=0.01)  # caught up
    assert not gauge.full()


def test_a_client_ahead_of_real_time_is_not_behind_when_its_audio_waits() -> None:
    now = [100.0]
    gauge = LoadGauge(full_load=0.5, full_backlog_s=0.3, cores=2)
    flooder = gauge.watch(SessionLoad(clock=lambda: now[0]))
    for k in range(4):  # 8 s chunks every 4 s (2x real time), each but the first waiting 1 s for the one before
        now[0] += 4.0
        flooder(8 * SAMPLE_RATE, 0.8, waited_s=1.0 if k else 0.0)
        assert flooder.backlog() == 0.0 and not gauge.full()  # its audio is not due yet: the server keeps up
    now[0] += 30.0  # it stopped, then sent on late: now its audio is due as it arrives
    flooder(640, 0.002, waited_s=0.5)
    assert flooder.backlog() == pytest.approx(0.5) and gauge.full()
