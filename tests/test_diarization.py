"""Diarization and mouth metrics on inputs whose answers are known."""

from __future__ import annotations

import numpy as np
import pytest

from talking_together.contract import BLENDSHAPE_INDEX, FPS
from talking_together.evaluate.diarization import (
    DiarizationScore,
    diarization_errors,
    frame_runs,
    mouth_attribution_f1,
    mouth_motion,
    person_f1,
    solo_mouth_share,
    turn_jaw_ratio_share,
)
from talking_together.evaluate.metrics import Truth, attribution_f1

JAW = BLENDSHAPE_INDEX["jawOpen"]


def turn_taking(t: int = 300, overlap: int = 0, seed: int = 0) -> np.ndarray:
    """(t, 2) masks: A then B then A in blocks with short pauses and `overlap` shared frames at each change."""
    masks = np.zeros((t, 2))
    masks[10:100, 0] = 1
    masks[100 - overlap:190, 1] = 1
    masks[190 - overlap:280, 0] = 1
    rng = np.random.default_rng(seed)
    masks[rng.choice(t, 15, replace=False)] = 0  # short gaps inside turns: many runs
    return masks


def talking_motion(masks: np.ndarray, seed: int = 0) -> np.ndarray:
    """(T, 2, 79) motion whose speaker's jaw oscillates and whose listener's mouth holds still (half open)."""
    rng = np.random.default_rng(seed)
    t = len(masks)
    motion = np.zeros((t, 2, 79))
    motion[..., :52] = 0.02
    motion[..., JAW] = 0.3  # the listener's mouth hangs open but does not move
    motion[..., JAW] += masks * 0.25 * np.sin(np.arange(t) * 1.3)[:, None]
    motion[..., 52:] = rng.normal(0, 0.1, (t, 2, 27))  # head and eyes move for both: not the mouth
    return motion


def test_frame_runs() -> None:
    assert frame_runs(np.array([0, 1, 1, 0, 1], bool)) == [(1, 3), (4, 5)]
    assert frame_runs(np.zeros(4, bool)) == []


def test_perfect_hypothesis() -> None:
    masks = turn_taking(overlap=5)
    scores = diarization_errors(masks, masks, detailed=True)
    assert scores["der"] == pytest.approx(0.0, abs=1e-9)
    assert scores["jer"] == pytest.approx(0.0, abs=1e-9)
    assert scores["speech_s"] == pytest.approx(masks.sum() / FPS)
    assert person_f1(masks, masks) == (1.0, 1.0)


def test_swapped_labels_cost_f1_not_der() -> None:
    masks = turn_taking()
    swapped = masks[:, ::-1]
    assert diarization_errors(swapped, masks)["der"] == pytest.approx(0.0, abs=1e-9)  # optimal mapping
    f1_a, f1_b = person_f1(swapped, masks)
    assert f1_a < 0.05 and f1_b < 0.05


def test_silent_hypothesis_misses_everything() -> None:
    masks = turn_taking(overlap=5)
    scores = diarization_errors(np.zeros_like(masks), masks, detailed=True)
    assert scores["der"] == pytest.approx(1.0)
    assert scores["missed"] == pytest.approx(1.0)
    assert scores["false_alarm"] == 0.0 and scores["confusion"] == 0.0
    assert person_f1(np.zeros_like(masks), masks) == (0.0, 0.0)


def test_half_the_frames_missed() -> None:
    masks = turn_taking()
    probs = masks.copy()
    speech = np.flatnonzero(masks.sum(1))
    dropped = speech[::2]
    probs[dropped] = 0.0
    scores = diarization_errors(probs, masks, detailed=True)
    expected = masks[dropped].sum() / masks.sum()
    assert abs(expected - 0.5) <= 1 / masks.sum() + 1e-9
    assert scores["der"] == pytest.approx(expected, abs=1 / masks.sum())
    assert scores["missed"] == pytest.approx(expected, abs=1 / masks.sum())


def test_overlap_is_scored() -> None:
    masks = turn_taking(overlap=10)
    both = masks.sum(1) == 2
    assert both.sum() > 0
    probs = masks.copy()
    probs[both, 1] = 0.0  # hear only A where both speak
    scores = diarization_errors(probs, masks, detailed=True)
    assert scores["missed"] == pytest.approx(both.sum() / masks.sum())  # overlap counts once per speaker
    assert scores["der"] == pytest.approx(scores["missed"] + scores["false_alarm"] + scores["confusion"])
    assert person_f1(probs, masks)[0] == 1.0 and person_f1(probs, masks)[1] < 1.0


def test_false_alarm_and_confusion() -> None:
    masks = turn_taking()
    probs = masks.copy()
    probs[0:10, 0] = 1.0  # A "speaks" in the lead silence
    scores = diarization_errors(probs, masks, detailed=True)
    assert scores["false_alarm"] == pytest.approx(10 / masks.sum())
    assert scores["missed"] == 0.0
    probs = masks.copy()
    probs[20:40] = probs[20:40, ::-1]  # B credited with 20 of A's frames
    scores = diarization_errors(probs, masks, detailed=True)
    assert scores["confusion"] == pytest.approx(masks[20:40, 0].sum() / masks.sum())


def test_threshold_and_collar() -> None:
    masks = turn_taking()
    assert diarization_errors(0.6 * masks, masks, threshold=0.5)["der"] == pytest.approx(0.0, abs=1e-9)
    assert diarization_errors(0.6 * masks, masks, threshold=0.7)["der"] == pytest.approx(1.0)
    late = np.roll(masks, 1, axis=0)  # every boundary one frame late
    assert diarization_errors(late, masks)["der"] > 0.05
    assert diarization_errors(late, masks, collar_s=4 / FPS)["der"] == pytest.approx(0.0, abs=1e-9)


def test_empty_reference_and_hypothesis() -> None:
    silent = np.zeros((50, 2))
    scores = diarization_errors(silent, silent, detailed=True)
    assert scores["der"] == 0.0 and np.isnan(scores["jer"]) and scores["speech_s"] == 0.0
    assert diarization_errors(np.ones((50, 2)), silent)["der"] == 1.0  # false alarm with nothing to find
    assert diarization_errors(np.zeros((0, 2)), np.zeros((0, 2)))["der"] == 0.0


def test_accumulation_equals_concatenation() -> None:
    m1, m2 = turn_taking(seed=1, overlap=4), turn_taking(t=250, seed=2)
    rng = np.random.default_rng(3)
    p1 = np.clip(m1 + rng.normal(0, 0.4, m1.shape), 0, 1)
    p2 = np.clip(m2[:, ::-1] + rng.normal(0, 0.4, m2.shape), 0, 1)  # mapping differs per dialogue
    score = DiarizationScore()
    one, two = score.add(p1, m1), score.add(p2, m2)
    total = score.result()
    assert total["dialogues"] == 2
    assert total["speech_s"] == pytest.approx(one["speech_s"] + two["speech_s"])
    expected = (one["der"] * one["speech_s"] + two["der"] * two["speech_s"]) / total["speech_s"]
    assert total["der"] == pytest.approx(expected)
    assert total["der"] == pytest.approx(abs(score.der))
    # one recording has one mapping; each dialogue added has its own, so unswap p2 to compare
    cat = diarization_errors(np.concatenate([p1, p2[:, ::-1]]), np.concatenate([m1, m2]))
    assert total["der"] == pytest.approx(cat["der"], abs=2 / (m1.sum() + m2.sum()))


def test_mouth_motion_is_movement_not_opening() -> None:
    masks = turn_taking()
    move = mouth_motion(talking_motion(masks))
    assert move.shape == masks.shape
    assert np.all(move[50:60, 1] < 1e-9)  # B listens with an open, still mouth: no movement
    assert np.all(move[50:60, 0] > 0.05)
    np.testing.assert_allclose(mouth_motion(talking_motion(masks).transpose(1, 0, 2)), move)


def test_solo_mouth_share() -> None:
    masks = turn_taking(overlap=5)
    motion = talking_motion(masks)
    assert solo_mouth_share(motion, masks) == pytest.approx(1.0)
    assert solo_mouth_share(motion, masks[:, ::-1]) == pytest.approx(0.0)
    assert solo_mouth_share(motion[..., JAW], masks) == pytest.approx(1.0)  # plain jaw curves
    assert np.isnan(solo_mouth_share(motion, np.zeros_like(masks)))


def test_turn_jaw_ratio_share() -> None:
    t = 200
    x = np.arange(t)
    jaw = np.full((t, 2), 0.2)
    jaw[0:100, 0] += 0.2 * np.sin(x[0:100])  # turn 1, A: std ~0.14 vs a still B
    jaw[100:200, 1] += 0.1 * np.sin(x[100:200])  # turn 2, B: std ~0.07 ...
    jaw[100:200, 0] += 0.08 * np.sin(x[100:200] * 0.7)  # ... but A moves almost as much
    turns = [(0, 0.0, 4.0, "a long turn"), (1, 4.0, 8.0, "b, with A mouthing along")]
    assert turn_jaw_ratio_share(jaw, turns) == pytest.approx(0.5)
    assert turn_jaw_ratio_share(jaw, turns, ratio=1.1) == pytest.approx(1.0)
    short = turns + [(1, 1.0, 1.3, "mm")]  # under 0.5 s: skipped, though B's jaw is still there
    assert turn_jaw_ratio_share(jaw, short) == pytest.approx(0.5)
    backchannel = turns + [(1, 1.0, 2.0, "uh huh")]
    assert turn_jaw_ratio_share(jaw, backchannel, kinds=["turn", "turn", "backchannel"]) == pytest.approx(0.5)
    assert turn_jaw_ratio_share(jaw, backchannel) == pytest.approx(1 / 3)
    still = np.full((t, 2), 0.2)
    assert turn_jaw_ratio_share(still, turns) == 0.0  # 0 >= 1.5 * 0 is no articulation
    motion = np.zeros((t, 2, 79))
    motion[..., JAW] = jaw
    assert turn_jaw_ratio_share(motion, turns) == pytest.approx(0.5)
    assert np.isnan(turn_jaw_ratio_share(jaw, []))


def test_mouth_attribution_f1_is_the_reports() -> None:
    masks = turn_taking(overlap=5)
    motion = talking_motion(masks)
    truth = Truth(motion=motion, masks=masks, anchors=np.zeros((2, 4)), gaze_at_partner=np.zeros((len(masks), 2), bool))
    f1 = mouth_attribution_f1(motion, masks)
    assert f1 == pytest.approx(attribution_f1([motion], [truth]))
    assert f1 > 0.8
    assert mouth_attribution_f1(motion, masks[:, ::-1]) < 0.3
    assert mouth_attribution_f1(motion.transpose(1, 0, 2), masks) == pytest.approx(f1)
    assert mouth_attribution_f1([motion, motion], [masks, masks]) == pytest.approx(f1)
