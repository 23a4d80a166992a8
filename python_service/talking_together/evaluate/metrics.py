"""The paper's motion metrics and ours, on whole held-out conversations.

Units: MSE terms are in units of the held-out truth's per-dimension variance (1.0 is what
predicting each dimension's mean would score), so expression, 6D and centimetre offsets add up
fairly. FD and P-FD compare per-frame feature distributions (pose + velocity); P-FD joins both
people's features per frame, so it also scores how the two move together.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import linalg
from scipy.cluster.vq import kmeans2

from talking_together.contract import BLENDSHAPE_INDEX
from talking_together.geometry import Anchor, angle_between, compose_head_world, eye_midpoint_world, gaze_direction, quat_rotate
from talking_together.model.features import EYE_ROT, HEAD_ROT, LIP, unpack_motion

SID_CLUSTERS = 40
ACTIVITY_FRAMES = 9  # 0.36 s: about one syllable either side


@dataclass
class Truth:
    """What a conversation really was: motion (T, 2, 79), masks (T, 2), anchors (2, 4), gaze_at_partner (T, 2)."""

    motion: np.ndarray
    masks: np.ndarray
    anchors: np.ndarray
    gaze_at_partner: np.ndarray


def frechet_distance(a: np.ndarray, b: np.ndarray) -> float:
    """FD between Gaussians fitted to rows of a (N, D) and b (M, D)."""
    mu1, mu2 = a.mean(0), b.mean(0)
    eye = 1e-6 * np.eye(a.shape[1])
    s1, s2 = np.cov(a, rowvar=False) + eye, np.cov(b, rowvar=False) + eye
    covmean = linalg.sqrtm(s1 @ s2)
    return float(((mu1 - mu2) ** 2).sum() + np.trace(s1 + s2 - 2 * np.real(covmean)))


def scale_of(truths: list[Truth]) -> tuple[np.ndarray, np.ndarray]:
    """Per-dimension mean and std of the held-out truth (floored: some blendshapes never move)."""
    x = np.concatenate([t.motion.reshape(-1, t.motion.shape[-1]) for t in truths])
    return x.mean(0), np.maximum(x.std(0), 1e-3)


def frame_features(motion: np.ndarray, mean: np.ndarray, std: np.ndarray) -> np.ndarray:
    """(T, 2, 79) -> (T, 2, 158): standardised pose and velocity."""
    z = (motion - mean) / std
    return np.concatenate([z, np.diff(z, axis=0, prepend=z[:1])], -1)


def mouth_activity(motion: np.ndarray) -> np.ndarray:
    """(T, 2, 79) -> (T, 2): lip/jaw movement speed plus jaw opening, smoothed over ACTIVITY_FRAMES."""
    lips = motion[..., LIP]
    speed = np.abs(np.diff(lips, axis=0, prepend=lips[:1])).sum(-1)
    level = motion[..., BLENDSHAPE_INDEX["jawOpen"]]
    kernel = np.ones(ACTIVITY_FRAMES) / ACTIVITY_FRAMES
    return np.stack([np.convolve(speed[:, k] + level[:, k], kernel, "same") for k in range(2)], -1)


def attribution_counts(motion: np.ndarray, masks: np.ndarray) -> np.ndarray:
    """Who speaks, from mouth motion alone: active where activity is above the midpoint of its 20th
    and 80th percentiles in this conversation. -> [true pos, false pos, false neg] vs the masks."""
    act = mouth_activity(motion)
    threshold = 0.5 * (np.percentile(act, 20) + np.percentile(act, 80))
    pred, true = act > threshold, masks > 0.5
    return np.array([(pred & true).sum(), (pred & ~true).sum(), (~pred & true).sum()])


def attribution_f1(preds: list[np.ndarray], truths: list[Truth]) -> float:
    """Frame F1 of `attribution_counts` pooled over conversations."""
    tp, fp, fn = sum(attribution_counts(p, t.masks) for p, t in zip(preds, truths))
    return float(2 * tp / max(1, 2 * tp + fp + fn))


def head_poses(motion: np.ndarray, anchors: np.ndarray) -> list[tuple[np.ndarray, np.ndarray, np.ndarray]]:
    """Per person: head position (T, 3), head rotation (T, 4) and gaze (T, 3) in room frame R."""
    parts = unpack_motion(motion.astype(np.float64))
    out = []
    for k in range(2):
        anchor = Anchor(position=anchors[k, :3], yaw_rad=float(anchors[k, 3]))
        q = parts["rotations"][:, k]
        pos, rot = compose_head_world(anchor, parts["translation"][:, k], q[:, 0], q[:, 1])
        out.append((pos, rot, gaze_direction(rot, q[:, 2], q[:, 3])))
    return out


def mutual_gaze_error(motion: np.ndarray, truth: Truth) -> tuple[float, int]:
    """Sum of angles (deg) between each gaze and the line to the partner's eyes, on frames where the
    truth looks at the partner, and how many such frames."""
    poses = head_poses(motion, truth.anchors)
    eyes = [eye_midpoint_world(p, r) for p, r, _ in poses]
    total, count = 0.0, 0
    for k in range(2):
        sel = truth.gaze_at_partner[:, k]
        err = np.degrees(angle_between(poses[k][2][sel], (eyes[1 - k] - eyes[k])[sel]))
        total, count = total + float(err.sum()), count + int(sel.sum())
    return total, count


def relative_layout(motion: np.ndarray, anchors: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """B's head position seen from A's anchor frame (T, 3), and the yaw between the heads' facings (T,)."""
    (pa, ra, _), (pb, rb, _) = head_poses(motion, anchors)
    a_yaw = anchors[0, 3]
    d = pb - pa
    c, s = np.cos(a_yaw), np.sin(a_yaw)
    local = np.stack([c * d[:, 0] - s * d[:, 2], d[:, 1], s * d[:, 0] + c * d[:, 2]], -1)
    fa, fb = quat_rotate(ra, np.array([0.0, 0.0, -1.0])), quat_rotate(rb, np.array([0.0, 0.0, -1.0]))
    rel_yaw = np.arctan2(fb[:, 0], fb[:, 2]) - np.arctan2(fa[:, 0], fa[:, 2])
    return local, np.angle(np.exp(1j * rel_yaw))


def sid(features: np.ndarray, centroids: np.ndarray) -> float:
    """Shannon index of diversity: entropy (nats) of the histogram of nearest truth clusters."""
    if len(features) == 0:
        return float("nan")
    nearest = ((features[:, None] - centroids[None]) ** 2).sum(-1).argmin(1)
    p = np.bincount(nearest, minlength=len(centroids)) / len(nearest)
    p = p[p > 0]
    return float(-(p * np.log(p)).sum())


def evaluate(preds: list[np.ndarray], truths: list[Truth], seed: int = 0) -> dict[str, float]:
    """All metrics for one system's conversations against the truth (same order, same lengths)."""
    mean, std = scale_of(truths)
    z = lambda m: (m - mean) / std
    sq = [(z(p) - z(t.motion)) ** 2 for p, t in zip(preds, truths)]
    vel = [(np.diff(z(p), axis=0) - np.diff(z(t.motion), axis=0)) ** 2 for p, t in zip(preds, truths)]
    cat = lambda xs: np.concatenate([x.reshape(-1, x.shape[-1]) for x in xs])
    feat_p = [frame_features(p, mean, std) for p in preds]
    feat_t = [frame_features(t.motion, mean, std) for t in truths]
    pair = lambda fs: np.concatenate([f.reshape(len(f), -1) for f in fs])

    truth_frames = cat([t.motion for t in truths])
    rng = np.random.default_rng(seed)
    pick = truth_frames[rng.choice(len(truth_frames), min(20_000, len(truth_frames)), replace=False)]
    centroids, _ = kmeans2(z(pick), SID_CLUSTERS, seed=seed, minit="++")
    speaking = np.concatenate([t.masks.reshape(-1) for t in truths]) > 0.5
    pred_frames = z(cat(preds))

    gaze = [mutual_gaze_error(p, t) for p, t in zip(preds, truths)]
    layout_pos, layout_yaw = [], []
    for p, t in zip(preds, truths):
        (lp, ly), (lt, yt) = relative_layout(p, t.anchors), relative_layout(t.motion, t.anchors)
        layout_pos.append(np.linalg.norm(lp - lt, axis=-1))
        layout_yaw.append(np.abs(np.angle(np.exp(1j * (ly - yt)))))
    return {
        "FD": frechet_distance(cat(feat_p), cat(feat_t)),
        "P-FD": frechet_distance(pair(feat_p), pair(feat_t)),
        "MSE-FULL": float(cat(sq).mean()),
        "MSE-ROT": float(cat(sq)[:, HEAD_ROT].mean()),
        "MSE-EYE": float(cat(sq)[:, EYE_ROT].mean()),
        "MSE-LIP": float(cat(sq)[:, LIP].mean()),
        "vMSE": float(cat(vel).mean()),
        "SID-speaker": sid(pred_frames[speaking], centroids),
        "SID-listener": sid(pred_frames[~speaking], centroids),
        "attribution-F1": attribution_f1(preds, truths),
        "gaze-error-deg": sum(g[0] for g in gaze) / max(1, sum(g[1] for g in gaze)),
        "layout-pos-cm": float(100 * np.concatenate(layout_pos).mean()),
        "layout-yaw-deg": float(np.degrees(np.concatenate(layout_yaw).mean())),
    }


def truth_halves_fd(truths: list[Truth]) -> tuple[float, float]:
    """FD and P-FD between the truth's even and odd conversations: the floor FD can reach on this set
    (NaN with fewer than two conversations)."""
    if len(truths) < 2:
        return float("nan"), float("nan")
    mean, std = scale_of(truths)
    feats = [frame_features(t.motion, mean, std) for t in truths]
    halves = [feats[0::2], feats[1::2]]
    flat = [np.concatenate([f.reshape(-1, f.shape[-1]) for f in h]) for h in halves]
    paired = [np.concatenate([f.reshape(len(f), -1) for f in h]) for h in halves]
    return frechet_distance(*flat), frechet_distance(*paired)


CLOSURE_MARGIN_S = 0.04  # a bilabial's closure may lead or lag its phone by a frame
CLOSURE_CONTEXT_S = 0.25  # the jaw around it that the dip is measured against


def lip_closure_counts(motion: np.ndarray, events: np.ndarray, kind: int) -> tuple[int, int]:
    """(events whose jawOpen dips, events scored) for one `kind` of corpus lip event (data/corpus.py
    lip_events: 0 bilabial, 1 open vowel). A dip: the jaw's minimum near the event is under half its
    maximum over ±CLOSURE_CONTEXT_S. "Near" is the bilabial ± CLOSURE_MARGIN_S (a closure may lead or
    lag by a frame), but only the frame at an open vowel's centre. Bilabials should dip and open
    vowels not, so the two shares score lip sync without video; events in a closed context (max <
    0.05) are skipped."""
    from talking_together.contract import FPS
    from talking_together.data.corpus import LIP_CLOSED

    jaw = motion[..., BLENDSHAPE_INDEX["jawOpen"]]  # (T, 2)
    centres = (np.arange(len(jaw)) + 0.5) / FPS
    hits = total = 0
    for speaker, start, end, k in events:
        if int(k) != kind:
            continue
        if kind == LIP_CLOSED:
            near = (centres >= start - CLOSURE_MARGIN_S) & (centres <= end + CLOSURE_MARGIN_S)
        else:
            near = np.arange(len(jaw)) == min(int((start + end) / 2 * FPS), len(jaw) - 1)
        around = (centres >= start - CLOSURE_CONTEXT_S) & (centres <= end + CLOSURE_CONTEXT_S)
        if not near.any():
            continue
        peak = jaw[around, int(speaker)].max()
        if peak < 0.05:
            continue
        total += 1
        hits += bool(jaw[near, int(speaker)].min() < 0.5 * peak)
    return hits, total
