"""Is a split of the voice history two people, or one person's varied speech?

Nobody enrolled, the second person is "founded" when the history of voice embeddings splits in
two. One person reading alone for 90 s in a room split too: a 0.8 s GE2E embedding hears what is
said as well as who says it, and the halves of one reader's speech were as far apart (cosine
0.78-0.96) as two women's or two men's voices (0.82-0.93). 10 of 24 such monologues of the tune
readers gave a phantom second person a share of the speech. No one statistic separates the two cases, so a
small logistic model, trained on the train readers (`activity train-founding`), weighs four:

- the cosine of the halves' centres (two people: lower);
- the smaller half's share of the history (two people in a conversation: nearer a half);
- how far apart the halves' mean MFCCs are, in pooled standard deviations (two vocal tracts);
- the BIC gain of two full-covariance Gaussians over one, per MFCC row (one person's halves
  differ in what is said, which shows in the covariance more than in the mean).

The MFCCs are of the frames that each half's embeddings agree on. Decision 0016 has the figures.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

FEATURES = ("cosine", "smaller_share", "mfcc_mean_gap", "mfcc_bic_gain")
SHIPPED = Path(__file__).with_name("weights") / "founding.json"


@dataclass(frozen=True)
class FoundingConfig:
    threshold: float = 0.8  # p(two people) to found B: the fewest failed tune sessions (phantom or never founded), decision 0016
    weights: Path | None = None  # the logistic model (JSON); None: the shipped activity/weights/founding.json
    votes: int = 3  # agreeing embeddings before a frame counts for a half (as the frame voice models count them)
    min_half_frames: int = 10  # agreed frames each half needs before the test decides at all


@dataclass(frozen=True)
class FoundingModel:
    mean: np.ndarray  # (4,) feature standardisation
    scale: np.ndarray  # (4,)
    coef: np.ndarray  # (4,)
    intercept: float

    def p_two(self, features: np.ndarray) -> float:
        z = float(((features - self.mean) / self.scale) @ self.coef + self.intercept)
        return 1.0 / (1.0 + np.exp(-z))

    def save(self, path: Path, provenance: dict) -> None:
        body = {"features": FEATURES, "mean": self.mean.tolist(), "scale": self.scale.tolist(),
                "coef": self.coef.tolist(), "intercept": self.intercept, "trained": provenance}
        path.write_text(json.dumps(body, indent=1) + "\n")


def load_founding(path: Path | None = None) -> FoundingModel:
    path = path or SHIPPED
    try:
        body = json.loads(path.read_text())
        if tuple(body["features"]) != FEATURES:
            raise ValueError(f"features {body['features']}, expected {list(FEATURES)}")
        return FoundingModel(np.array(body["mean"]), np.array(body["scale"]), np.array(body["coef"]), float(body["intercept"]))
    except (OSError, ValueError, KeyError, TypeError) as e:
        raise ValueError(f"founding model {path}: {e}. Retrain it with `talking-together activity train-founding --out FILE` "
                         "or reinstall the package") from e


def _log_det(rows: np.ndarray) -> float:
    return float(np.linalg.slogdet(np.cov(rows.T) + 1e-6 * np.eye(rows.shape[1]))[1])


def split_features(cosine: float, labels: np.ndarray, frames: Sequence[Sequence[int]], mfccs: dict[int, np.ndarray],
                   cfg: FoundingConfig) -> np.ndarray | None:
    """(4,) FEATURES of a split: `labels` (n,) of the history's embeddings, `frames` the frames each covered,
    `mfccs` speech frame -> (4, 19). None while a half has too few agreed frames to say."""
    votes: dict[int, list[int]] = {}
    for label, covered in zip(labels, frames):
        for t in covered:
            votes.setdefault(t, []).append(int(label))
    halves: list[list[np.ndarray]] = [[], []]
    for t, v in votes.items():
        if len(v) >= cfg.votes and len(set(v)) == 1 and t in mfccs:
            halves[v[0]].append(mfccs[t])
    if min(len(h) for h in halves) < cfg.min_half_frames:
        return None
    a, b = (np.concatenate(h) for h in halves)  # (rows, 19) each
    pooled_sd = np.sqrt(0.5 * (a.var(0) + b.var(0))) + 1e-9
    mean_gap = float(np.mean(((a.mean(0) - b.mean(0)) / pooled_sd) ** 2))
    both = np.concatenate([a, b])
    bic_gain = 0.5 * (len(both) * _log_det(both) - len(a) * _log_det(a) - len(b) * _log_det(b)) / len(both)
    smaller_share = min(labels.sum(), (~labels).sum()) / len(labels)
    return np.array([cosine, smaller_share, mean_gap, bic_gain])


class FoundingTest:
    """Keeps the speech frames' MFCCs until B is founded; `two_voices` judges a proposed split."""

    def __init__(self, cfg: FoundingConfig = FoundingConfig()) -> None:
        self.cfg = cfg
        self.model = load_founding(cfg.weights)
        self.mfccs: dict[int, np.ndarray] = {}
        self.founded = False

    def add(self, t: int, mfcc: np.ndarray) -> None:
        if not self.founded:
            self.mfccs[t] = mfcc

    def forget_before(self, t: int) -> None:
        """Frames before t left the voice history: their MFCCs are no longer asked for."""
        for old in [k for k in self.mfccs if k < t]:
            del self.mfccs[old]

    def two_voices(self, cosine: float, labels: np.ndarray, frames: Sequence[Sequence[int]]) -> bool:
        features = split_features(cosine, labels, frames, self.mfccs, self.cfg)
        if features is None or self.model.p_two(features) < self.cfg.threshold:
            return False
        self.founded = True
        self.mfccs.clear()  # enough: the room's two voices are known
        return True
