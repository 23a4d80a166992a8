"""Who speaks in each 40 ms: the room's two voices modelled frame by frame, learned from the embeddings.

A GE2E embedding needs 0.8 s of speech, so at a turn change its window holds both voices and the
decision lags. Classic diarization re-segments with per-speaker Gaussian mixtures over MFCCs;
this is that step made causal. Each frame an embedding window covered gets that embedding's
speaker as a vote; frames whose `votes` or more votes all agree train one small mixture per
voice, refitted every ~3 s of speech. A speech frame then goes to the voice whose mixture
better explains the newest `smooth_frames` frames (and the lookahead's, when a consumer
re-reads). The mixtures learn this room's voices through this room's microphone,
which the generic embedding never saw. Decision 0007 (update of 2026-12-07) has the figures.
"""

from __future__ import annotations

import warnings
from collections import deque
from dataclasses import dataclass

import numpy as np
import scipy.fft
from sklearn.exceptions import ConvergenceWarning
from sklearn.mixture import GaussianMixture

from talking_together.contract import FPS

MFCC = 19  # cepstra 1..19 of the encoder's 40 mel bands (c0, the level, says more about distance than voice)


@dataclass(frozen=True)
class FrameVoicesConfig:
    components: int = 8  # diagonal Gaussians per voice
    votes: int = 3  # agreeing embeddings before a frame's label is trusted (windows overlap 5-fold)
    smooth_frames: int = 10  # frames whose speech's evidence is summed: 0.4 s, less than one embedding window
    refit_every: int = 19  # embeddings between refits: ~3 s of speech at one per 160 ms
    history_s: float = 90.0  # the newest agreed speech per voice that the mixtures learn from
    min_voice_s: float = 3.0  # agreed speech each voice needs before the mixtures decide
    fit_rows: int = 2000  # feature rows per voice a refit learns from (a random draw): a refit runs inside a push
    fit_iterations: int = 10  # EM steps per refit, from the last fit's mixtures once there is one

    def __post_init__(self) -> None:
        for name in ("components", "votes", "smooth_frames", "refit_every"):
            if getattr(self, name) < 1:
                raise ValueError(f"FrameVoicesConfig.{name} must be at least 1, got {getattr(self, name)}")


def mfcc(mel: np.ndarray) -> np.ndarray:
    """(..., 40) mel power -> (..., 19) cepstra."""
    return scipy.fft.dct(np.log(mel + 1e-8), type=2, norm="ortho", axis=-1)[..., 1 : 1 + MFCC].astype(np.float32)


class FrameVoices:
    """Per-room mixtures of the two voices; `add` scores a speech frame, `vote` teaches them."""

    def __init__(self, cfg: FrameVoicesConfig = FrameVoicesConfig()) -> None:
        self.cfg = cfg
        self._features: dict[int, np.ndarray] = {}  # speech frame -> (4, 19)
        self._votes: dict[int, list[int]] = {}
        self._fresh = 0  # votes since the last fit
        self._rng = np.random.default_rng(0)  # the draws of training rows: the same audio gives the same decisions
        self.models: tuple[GaussianMixture, GaussianMixture] | None = None

    @property
    def ready(self) -> bool:
        return self.models is not None

    def add(self, t: int, features: np.ndarray, learn: bool = True) -> float:
        """Speech frame t's (4, 19) `mfcc` -> its evidence for B over A (log-likelihood ratio; 0 before the models).

        `learn=False`: score the frame but never train on it (two voices at once belong to neither model).
        """
        if learn:
            self._features[t] = features
        self._forget(t)
        if self.models is None:
            return 0.0
        a, b = self.models
        return float(np.sum(b.score_samples(features) - a.score_samples(features)))

    def vote(self, frames: list[int], speaker: int) -> None:
        """An embedding of these frames was `speaker`'s (0 or 1)."""
        for t in frames:
            self._votes.setdefault(t, []).append(speaker)
        self._fresh += 1
        if self._fresh >= self.cfg.refit_every:
            self._fresh = 0
            self._fit()

    def _agreed(self) -> list[np.ndarray]:
        """Per voice: (n, 19) features of the frames whose votes agree, newest history_s of each."""
        per_voice: list[list[np.ndarray]] = [[], []]
        for t in sorted(self._votes, reverse=True):
            votes = self._votes[t]
            if len(votes) >= self.cfg.votes and len(set(votes)) == 1 and t in self._features:
                if len(per_voice[votes[0]]) < self.cfg.history_s * FPS:
                    per_voice[votes[0]].append(self._features[t])
        return [np.concatenate(v) if v else np.zeros((0, MFCC), np.float32) for v in per_voice]

    def _fit(self) -> None:
        """Refit both mixtures on a bounded draw of agreed frames, from the last fit: a few ms, not a stall."""
        cfg = self.cfg
        voices = self._agreed()
        if min(len(x) for x in voices) < cfg.min_voice_s * FPS * 4:  # 4 feature rows per frame
            return
        draw = [x[self._rng.choice(len(x), cfg.fit_rows, replace=False)] if len(x) > cfg.fit_rows else x for x in voices]
        previous = self.models or (None, None)
        self.models = tuple(self._mixture(x, last) for x, last in zip(draw, previous))  # type: ignore[assignment]

    def _mixture(self, x: np.ndarray, last: GaussianMixture | None) -> GaussianMixture:
        """EM capped at a few steps on purpose (the next refit goes on from here): no convergence warning."""
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            return self._em(x, last)

    def _em(self, x: np.ndarray, last: GaussianMixture | None) -> GaussianMixture:
        cfg = self.cfg
        if last is None:
            return GaussianMixture(cfg.components, covariance_type="diag", max_iter=3 * cfg.fit_iterations,
                                   init_params="k-means++", random_state=0).fit(x)
        return GaussianMixture(cfg.components, covariance_type="diag", max_iter=cfg.fit_iterations, tol=1e-2,
                               weights_init=last.weights_, means_init=last.means_, precisions_init=last.precisions_).fit(x)

    def _forget(self, now: int) -> None:
        """Drop frames older than twice the history now and then, so memory stays flat in a long session."""
        if len(self._features) > 4 * self.cfg.history_s * FPS:
            horizon = now - int(2 * self.cfg.history_s * FPS)
            self._features = {t: f for t, f in self._features.items() if t >= horizon}
            self._votes = {t: v for t, v in self._votes.items() if t >= horizon}


class FrameDecisions:
    """The newest frames' evidence; a frame is decided by the speech among the `smooth_frames` frames ending at it."""

    def __init__(self, smooth_frames: int, keep: int = 16) -> None:
        if smooth_frames < 1:
            raise ValueError(f"smooth_frames must be at least 1, got {smooth_frames}")
        self.smooth = smooth_frames
        self._evidence: deque[tuple[float, bool]] = deque(maxlen=keep + smooth_frames)

    def add(self, evidence: float, speech: bool) -> None:
        self._evidence.append((evidence, speech))

    def speaker(self, back: int = 0, ahead: int = 0) -> int:
        """Speaker (0 or 1) of the frame `back` frames before the newest, reading `ahead` newer frames too."""
        rows = list(self._evidence)
        i = len(rows) - 1 - back
        window = rows[max(0, i - self.smooth + 1) : i + 1 + min(ahead, back)]
        return int(sum(e for e, speech in window if speech) > 0)
