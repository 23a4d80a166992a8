"""Metrics on inputs whose answers are known."""

from __future__ import annotations

import numpy as np
import pytest

from talking_together.contract import BLENDSHAPE_INDEX
from talking_together.evaluate.metrics import (
    Truth,
    attribution_counts,
    evaluate,
    frechet_distance,
    mutual_gaze_error,
    sid,
)
from talking_together.geometry import (
    Anchor,
    compose_head_world,
    eye_midpoint_world,
    eye_rotation_towards,
    quat_conjugate,
    quat_from_yaw_pitch_roll,
    quat_rotate,
)
from talking_together.model import pack_motion

JAW = BLENDSHAPE_INDEX["jawOpen"]


def conversation(t: int = 200, seed: int = 0, aim: bool = True) -> Truth:
    """Two people facing each other 1.2 m apart; A talks in the first half, B in the second; with
    `aim` the eyes look exactly at the partner's eye midpoint."""
    rng = np.random.default_rng(seed)
    anchors = np.array([[0.0, 1.1, 0.0, -np.pi / 2], [1.2, 1.1, 0.0, np.pi / 2]])
    masks = np.zeros((t, 2))
    masks[: t // 2, 0], masks[t // 2 :, 1] = 1, 1
    expr = rng.uniform(0, 0.05, (t, 2, 52))
    expr[..., JAW] += masks * (0.3 + 0.3 * np.sin(np.arange(t) * 1.3)[:, None])  # speakers move their jaws
    head = quat_from_yaw_pitch_roll(rng.normal(0, 0.1, (t, 2)), rng.normal(0, 0.05, (t, 2)), 0.0)
    ident = quat_from_yaw_pitch_roll(np.zeros((t, 2)), 0.0, 0.0)
    eyes = ident.copy()
    if aim:
        poses = [compose_head_world(Anchor(anchors[k, :3], float(anchors[k, 3])), np.zeros(3), ident[:, k], head[:, k])
                 for k in range(2)]
        mids = [eye_midpoint_world(p, r) for p, r in poses]
        for k in range(2):
            p, r = poses[k]
            target = quat_rotate(quat_conjugate(r), mids[1 - k] - p)  # partner's eyes in the head frame
            eyes[:, k] = eye_rotation_towards(target, np.array([0.0, 0.07, -0.09]))
    rot = np.stack([ident, head, eyes, eyes], -2)
    motion = pack_motion(expr, rot, np.zeros((t, 2, 3)))
    return Truth(motion, masks, anchors, np.full((t, 2), aim))


def test_frechet_distance() -> None:
    rng = np.random.default_rng(0)
    a = rng.normal(size=(4000, 5))
    assert frechet_distance(a, a) == pytest.approx(0.0, abs=1e-6)
    assert frechet_distance(a, a + 1.0) == pytest.approx(5.0, rel=1e-3)  # |mean shift|^2
    assert frechet_distance(a, rng.normal(size=(4000, 5))) < 0.05


def test_identical_prediction_scores_perfectly() -> None:
    truths = [conversation(seed=0), conversation(seed=1)]
    r = evaluate([t.motion for t in truths], truths)
    for key in ("MSE-FULL", "MSE-ROT", "MSE-EYE", "MSE-LIP", "vMSE", "layout-pos-cm", "layout-yaw-deg"):
        assert r[key] == pytest.approx(0.0, abs=1e-6), key
    assert abs(r["FD"]) < 1e-3 and abs(r["P-FD"]) < 1e-3
    assert r["attribution-F1"] > 0.9
    assert r["gaze-error-deg"] < 1.0


def test_wrong_predictions_score_worse() -> None:
    truths = [conversation(seed=0), conversation(seed=1)]
    swapped = [t.motion[:, ::-1].copy() for t in truths]  # A's face on B: wrong speaker, wrong gaze
    r = evaluate(swapped, truths)
    assert r["MSE-LIP"] > 0.5 and r["attribution-F1"] < 0.2
    assert abs(r["FD"]) < 1e-3 < r["P-FD"]  # same per-person frames, wrong pairing: only P-FD sees it


def test_gaze_error_measures_the_miss() -> None:
    truth = conversation()
    looking_ahead = conversation(aim=False).motion  # eyes straight ahead of the jittering head
    exact, n = mutual_gaze_error(truth.motion, truth)
    off, _ = mutual_gaze_error(looking_ahead, truth)
    assert n == truth.gaze_at_partner.sum() and exact / n < 0.5 and off / n > 2.0


def test_attribution_counts_follow_the_masks() -> None:
    truth = conversation()
    tp, fp, fn = attribution_counts(truth.motion, truth.masks)
    assert tp > 0.9 * truth.masks.sum() and fp < 0.1 * truth.masks.sum() and fn < 0.1 * truth.masks.sum()


def test_sid_is_entropy_of_cluster_use() -> None:
    centroids = np.eye(4)
    assert sid(np.repeat(centroids, 10, 0), centroids) == pytest.approx(np.log(4))
    assert sid(np.tile(centroids[:1], (10, 1)), centroids) == pytest.approx(0.0)
