"""Bounded staleness (issue 18): a subscriber that stalls in its own code resumes live at once.

A real loopback server runs a room (a file source paced in real time, the baseline animator).
A Python client subscribes, reads, sleeps 3 s in its own code, and reads on. Before the fix it
came back to every frame of the stall, buffered by the transport; now the server drops what is
older than `max_frame_age_s` at send time, counts it, and the client's small receive window
(`ClientTransport`) holds only a few frames the server cannot recall.
"""

from __future__ import annotations

import asyncio
import logging
import time
from pathlib import Path

import pytest
import soundfile as sf

from talking_together.activity import EnergyActivity
from talking_together.animators.registry import make_animator
from talking_together.audio.sources import FileSource
from talking_together.layout import resolve_layout
from talking_together.service.client import subscribe
from talking_together.service.config import ClientTransport, ServerConfig, ServiceLimits
from talking_together.service.room import RoomSession
from talking_together.service.server import BackgroundServer, Running, serve
from talking_together.service.servicer import TalkingTogetherService
from talking_together.service.tls import open_channel
from talking_together.v1 import talking_together_pb2 as pb

STALL_S = 3.0
BOUND_S = ServiceLimits().max_frame_age_s
SLACK_S = 0.25  # a loaded host: the client's own read and the hop from server to client


@pytest.fixture(scope="module")
def room_wav(dialogue_wav: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    samples, rate = sf.read(str(dialogue_wav), dtype="int16", always_2d=True)
    path = tmp_path_factory.mktemp("stale") / "room.wav"
    sf.write(str(path), samples[: 8 * rate], rate, subtype="PCM_16")
    return path


def _room_starter(wav: Path):  # noqa: ANN202 - a Starter
    """The live server with a room on a file source. Energy-based activity keeps the room at 25 fps on a loaded host."""

    async def start(config: ServerConfig) -> Running:
        source = FileSource(wav, realtime=True, loop=True)
        layout = resolve_layout()
        animator = make_animator("baseline", layout, source.channels, EnergyActivity(source.channels), seed=0)
        room = RoomSession(source, animator, layout, config.limits.subscriber_queue_frames, start_on_subscribe=True,
                           max_frame_age_s=config.limits.max_frame_age_s)
        running = await serve(TalkingTogetherService(config, room), config)
        running.room_task = asyncio.create_task(room.run(), name="room-session")
        return running

    return start


def _age_s(frame: pb.Frame) -> float:
    """How old a frame is now: same host, same monotonic clock as the server's emit stamp."""
    return (time.monotonic_ns() - frame.emit_time_ns) / 1e9


def test_a_stalled_subscriber_resumes_live(room_wav: Path, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="talking_together.service")
    with BackgroundServer(ServerConfig(port=0, animator="baseline"), start=_room_starter(room_wav)) as server:
        room = server.service.room
        with open_channel(server.address) as channel:
            responses = subscribe(channel, "stalling-test")
            before, after = [], []  # (frame, age at receipt, receipt time)
            resumed_at = None
            for response in responses:
                if response.WhichOneof("payload") != "frame":
                    continue
                now = time.monotonic()
                (after if resumed_at else before).append((response.frame, _age_s(response.frame), now))
                if resumed_at is None and len(before) == 25:
                    time.sleep(STALL_S)  # the subscriber's own code stalls; its transport does not
                    resumed_at = time.monotonic()
                if resumed_at and now - resumed_at >= 1.0:
                    break
            stale_dropped, full_dropped = room.frames_dropped_stale, room.frames_dropped  # still subscribed: nothing else changes them
            responses.cancel()

    frame_bytes = max(len(pb.AnimateResponse(frame=f).SerializeToString()) for f, _, _ in after)
    in_transport = ClientTransport().receive_window_bytes // frame_bytes + 1
    stale = [age for _, age, _ in after if age > BOUND_S + SLACK_S]
    # Only what the transport already held comes back old; it is read at once, and from then on
    # every frame is live.
    assert len(stale) <= in_transport, f"{len(stale)} stale frames after the stall, the transport holds at most {in_transport}"
    assert all(age > BOUND_S + SLACK_S for age in [a for _, a, _ in after][: len(stale)]), "the stale frames come first"
    live = after[len(stale):]
    assert live and live[0][2] - resumed_at < 0.2, "the first live frame comes right away"
    assert all(age <= BOUND_S + SLACK_S for _, age, _ in live)
    assert len(live) >= 15, "the stream goes on at its frame rate after the stall"
    sequences = [f.sequence for f, _, _ in before + after]
    assert sequences == sorted(set(sequences)), "frames stay in order, none twice"
    # The frames of the stall were dropped by the server and counted, most for their age.
    skipped = sequences[len(before) + len(stale)] - sequences[len(before) + len(stale) - 1] - 1
    assert skipped >= (STALL_S - BOUND_S - SLACK_S) * 25 - in_transport
    assert stale_dropped > 0 and stale_dropped + full_dropped >= skipped
    assert any("was stalled: dropped" in r.getMessage() and "'stalling-test'" in r.getMessage() for r in caplog.records)
