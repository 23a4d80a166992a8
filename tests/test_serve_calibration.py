"""`serve --calibration FILE`: the seats become the layout, enrolled voices decide who speaks,
and every subscriber's stream header carries the calibration id."""

from __future__ import annotations

import math
from pathlib import Path

import grpc
import numpy as np
import pytest

from calibration import CalibrationError, new_calibration, save_calibration
from calibration.room import enroll_seat_voice
from talking_together.contract import FPS
from talking_together.data.dialogue import Dialogue
from talking_together.service.client import subscribe
from talking_together.service.config import ServerConfig
from talking_together.service.server import BackgroundServer


def stream_room(wav: Path, calibration: Path) -> list:
    with BackgroundServer(ServerConfig(port=0, animator="baseline", source=str(wav), calibration=str(calibration))) as server:
        with grpc.insecure_channel(server.address) as channel:
            return list(subscribe(channel, "test"))


def enrolled(dialogue: Dialogue, tmp_path: Path, swap: bool) -> Path:
    """A calibration whose seat A holds A's voice (or B's, when `swap`)."""
    cal = new_calibration("test-room")
    for seat in (0, 1):
        enroll_seat_voice(cal, seat, dialogue.sources[seat ^ int(swap)][:, None])
    return save_calibration(cal, tmp_path / f"room{'-swapped' if swap else ''}.json")


SETTLE_S = 0.3  # the voice estimator's decision latency after a speaker change (bench/activity.py: 160-280 ms)


def speaking_per_turn(responses: list, dialogue: Dialogue) -> np.ndarray:
    """(turns, 2) mean speaking probability of A and B inside each true turn, once the change is decided."""
    frames = [r.frame for r in responses if r.WhichOneof("payload") == "frame"]
    speaking = np.array([[p.speaking for p in f.participants] for f in frames])
    return np.array([speaking[int((a + SETTLE_S) * FPS) : int(b * FPS)].mean(axis=0) for _, a, b, _ in dialogue.turns])


def test_calibration_drives_layout_activity_and_header(dialogue: Dialogue, dialogue_wav: Path, tmp_path: Path) -> None:
    responses = stream_room(dialogue_wav, enrolled(dialogue, tmp_path, swap=False))
    header = responses[0].header
    assert header.calibration_id == "test-room"
    seats = new_calibration("x").layout_anchors()
    for anchor, (position, yaw) in zip(header.layout.anchors, seats):
        assert np.allclose([anchor.position.x, anchor.position.y, anchor.position.z], position, atol=1e-6)
        assert math.isclose(anchor.yaw_rad, yaw, abs_tol=1e-6)
    per_turn = speaking_per_turn(responses, dialogue)
    speakers = np.array([who for who, *_ in dialogue.turns])
    assert np.all(per_turn[np.arange(len(speakers)), speakers] > 0.5)
    assert np.all(per_turn[np.arange(len(speakers)), 1 - speakers] < 0.2)

    # Swapping the enrolled voices swaps who speaks: the room's activity model is in charge.
    swapped = speaking_per_turn(stream_room(dialogue_wav, enrolled(dialogue, tmp_path, swap=True)), dialogue)
    assert np.all(swapped[np.arange(len(speakers)), 1 - speakers] > 0.5)


def test_bad_calibration_file_names_the_field(dialogue_wav: Path, tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text('{"format": "talking_together.calibration", "version": 99}')
    with pytest.raises(CalibrationError, match="version"), BackgroundServer(ServerConfig(port=0, source=str(dialogue_wav), calibration=str(bad))):
        pass


def test_calibration_without_a_source_is_checked_and_reaches_animate(dialogue: Dialogue, dialogue_wav: Path, tmp_path: Path) -> None:
    """`serve --calibration FILE` alone: a broken file stops the start; a good one shapes every Animate session."""
    from talking_together.service.client import animate_file

    bad = tmp_path / "broken.json"
    bad.write_text("{ not json")
    with pytest.raises(CalibrationError), BackgroundServer(ServerConfig(port=0, animator="baseline", calibration=str(bad))):
        pass
    good = enrolled(dialogue, tmp_path, swap=False)
    with BackgroundServer(ServerConfig(port=0, animator="baseline", calibration=str(good))) as server:
        responses = animate_file(server.address, dialogue_wav, layout_prompt="side by side")
    header = responses[0].header
    assert header.calibration_id == "test-room"
    seats = new_calibration("x").layout_anchors()
    assert np.allclose([header.layout.anchors[1].position.x, header.layout.anchors[1].position.z], seats[1][0][[0, 2]], atol=1e-6)
    swapped_good = enrolled(dialogue, tmp_path, swap=True)
    with BackgroundServer(ServerConfig(port=0, animator="baseline", calibration=str(swapped_good))) as server:
        swapped = speaking_per_turn(animate_file(server.address, dialogue_wav), dialogue)
    speakers = np.array([who for who, *_ in dialogue.turns])
    per_turn = speaking_per_turn(responses, dialogue)
    assert np.all(per_turn[np.arange(len(speakers)), speakers] > 0.5)  # the enrolled voices decide, in Animate too
    assert np.all(swapped[np.arange(len(speakers)), 1 - speakers] > 0.5)
