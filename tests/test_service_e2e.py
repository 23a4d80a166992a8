"""End to end: a real two-voice WAV with known turns through Animate over loopback."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from talking_together.contract import ARKIT_BLENDSHAPES, BLENDSHAPE_INDEX, FPS, JOINT_NAMES
from talking_together.service.client import animate_file

JAW = BLENDSHAPE_INDEX["jawOpen"]


@pytest.fixture(scope="module")
def responses(loopback_server: str, dialogue_wav: Path) -> list:
    return animate_file(loopback_server, dialogue_wav, layout_prompt="face to face across a table, 1.2 m")


def _quats(p) -> list[np.ndarray]:  # noqa: ANN001 - a pb.ParticipantFrame
    rotations = [p.neck, p.head, p.left_eye, p.right_eye, p.head_world.rotation]
    return [np.array([q.x, q.y, q.z, q.w]) for q in rotations]


def test_stream_shape(responses: list, dialogue_wav: Path) -> None:
    kinds = [r.WhichOneof("payload") for r in responses]
    assert kinds[0] == "header" and kinds[-1] == "status" and set(kinds[1:-1]) == {"frame"}
    header = responses[0].header
    assert header.fps == FPS
    assert list(header.expression_names) == list(ARKIT_BLENDSHAPES)
    assert list(header.joint_names) == list(JOINT_NAMES)
    assert len(header.layout.anchors) == 2
    assert responses[-1].status.code == 0

    frames = [r.frame for r in responses[1:-1]]
    duration_s = json.loads(dialogue_wav.with_suffix(".json").read_text())["duration_s"]
    assert abs(len(frames) - duration_s * FPS) <= 1
    assert [f.sequence for f in frames] == list(range(len(frames)))
    captures = np.array([f.capture_time_ns for f in frames])
    assert np.all(np.diff(captures) >= 0)
    for f in frames:
        assert len(f.participants) == 2
        assert f.emit_time_ns >= f.capture_time_ns
        for p in f.participants:
            assert len(p.expression) == 52
            assert min(p.expression) >= 0.0 and max(p.expression) <= 1.0
            assert 0.0 <= p.speaking <= 1.0
            for q in _quats(p):
                assert abs(np.linalg.norm(q) - 1.0) < 1e-5


@pytest.mark.xfail(strict=True, reason="known regression of decision 0007 on espeak's demo pair: the voice embeddings "
                   "find B only during B's first turn and lag ~0.3 s at short-gap turn changes, so a listener's jaw "
                   "moves in some turns; the pitch clusterer met 3x here (and fails on real voices)")
def test_speaker_moves_their_mouth_turn_by_turn(responses: list, dialogue_wav: Path) -> None:
    frames = [r.frame for r in responses[1:-1]]
    jaw = np.array([[f.participants[i].expression[JAW] for i in (0, 1)] for f in frames])  # (T, 2)
    turns = json.loads(dialogue_wav.with_suffix(".json").read_text())["turns"]
    assert len(turns) >= 4
    for turn in turns:
        begin, end = int(turn["start_s"] * FPS), int(turn["end_s"] * FPS)
        speaker, listener = turn["speaker"], 1 - turn["speaker"]
        spread = jaw[begin:end].std(axis=0)
        assert spread[speaker] > 0.05, f"speaker {speaker} barely moves their jaw in turn {turn['text']!r}"
        assert spread[speaker] > 3.0 * spread[listener], f"turn {turn['text']!r}: jaw std {spread}"


def test_heads_sit_at_their_anchors(responses: list) -> None:
    header = responses[0].header
    frames = [r.frame for r in responses[1:-1]]
    for i, anchor in enumerate(header.layout.anchors):
        a = np.array([anchor.position.x, anchor.position.y, anchor.position.z])
        heads = np.array([[f.participants[i].head_world.position.x, f.participants[i].head_world.position.y, f.participants[i].head_world.position.z] for f in frames])
        assert np.all(np.linalg.norm(heads - a, axis=1) < 0.3), "a head left its seat"
    distance = np.linalg.norm(
        np.subtract(*[[a.position.x, a.position.y, a.position.z] for a in header.layout.anchors])
    )
    assert abs(distance - 1.2) < 0.05
