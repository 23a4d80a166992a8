"""The pitch clusterer: who speaks by voice pitch, the default before decision 0007.

Kept as the reference that `bench/activity.py` measures the embedding estimator against: pitch
separates espeak's voices but not real ones, nor two of one gender (decision 0007's table).
With one channel the voices are told apart by pitch; with two or more, inter-channel level
differences join in. The first voice heard becomes participant A. Decisions are taken per
voiced segment (between pauses); a jump in voice features also ends a segment.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from talking_together.activity.base import Framer, NeverRevises, RecentRows
from talking_together.activity.vad import EnergyVad, EnergyVadConfig
from talking_together.audio.ring import RingBuffer
from talking_together.contract import FPS, SAMPLE_RATE

FRAME_S = 1.0 / FPS


@dataclass(frozen=True)
class PitchActivityConfig:
    analysis_samples: int = 1024  # 64 ms window ending at the frame's last sample
    vad: EnergyVadConfig = EnergyVadConfig(margin_db=12.0, slope_db=3.0, hangover_frames=0)
    min_f0_hz: float = 70.0
    max_f0_hz: float = 400.0
    voicing_threshold: float = 0.45  # normalised autocorrelation peak
    segment_gap_s: float = 0.15  # silence that ends a voiced segment (a turn boundary)
    recent_voiced_frames: int = 8  # attribution looks at this many of the newest voiced frames
    split_semitones: float = 4.0  # a segment this far from A's voice founds B's
    ild_scale_db: float = 3.0  # inter-channel level difference worth one semitone of pitch
    cluster_rate: float = 0.3  # how far a finished segment pulls its voice's centre
    attribution_temperature: float = 4.0  # softness of voice assignment, in feature units^2
    smoothing_s: float = 0.12  # exponential smoothing of speaking probabilities


def level_db(x: np.ndarray) -> float:
    return 10.0 * math.log10(float(np.mean(x * x)) + 1e-12)


def estimate_f0(x: np.ndarray, cfg: PitchActivityConfig) -> float | None:
    """Autocorrelation pitch of a mono window; None when unvoiced."""
    x = x - x.mean()
    n = len(x)
    spec = np.fft.rfft(x, 2 * n)
    ac = np.fft.irfft(spec * np.conj(spec))[:n]
    if ac[0] <= 0:
        return None
    lo, hi = int(SAMPLE_RATE / cfg.max_f0_hz), int(SAMPLE_RATE / cfg.min_f0_hz)
    lag = lo + int(np.argmax(ac[lo:hi]))
    peak = ac[lag] / ac[0] * n / (n - lag)  # unbiased normalisation
    return SAMPLE_RATE / lag if peak >= cfg.voicing_threshold else None


class PitchClusters:
    """Streaming per-frame (pA, pB) from (window, C) audio ending at each frame."""

    def __init__(self, channels: int, cfg: PitchActivityConfig = PitchActivityConfig()) -> None:
        self.cfg = cfg
        self.channels = channels
        self.energy = EnergyVad(cfg.vad)
        self.centres: list[np.ndarray] = []  # voice feature centres; index = participant
        self._segment: list[np.ndarray] = []  # features of the current voiced segment
        self._silence_s = math.inf
        self._smoothed = np.zeros(2)
        self._last_share = np.zeros(2)

    def _features(self, window: np.ndarray, f0: float) -> np.ndarray:
        """Pitch in semitones, plus channel level differences scaled to semitone units."""
        feats = [12.0 * math.log2(f0)]
        if self.channels > 1:
            ref = level_db(window[:, 0])
            feats += [(level_db(window[:, c]) - ref) / self.cfg.ild_scale_db for c in range(1, self.channels)]
        return np.array(feats)

    def step(self, window: np.ndarray) -> np.ndarray:
        """(analysis_samples, C) -> (2,) smoothed speaking probabilities in [0, 1]."""
        cfg = self.cfg
        mono = window.mean(axis=1)
        vad = self.energy.step(mono[-int(SAMPLE_RATE * FRAME_S):])
        f0 = estimate_f0(mono, cfg) if vad > 0.5 else None
        if f0 is not None:
            self._silence_s = 0.0
            features = self._features(window, f0)
            if self._segment and self._distance(features, np.mean(self._segment[-self.cfg.recent_voiced_frames :], axis=0)) > self.cfg.split_semitones:
                self._close_segment()  # the voice jumped: a turn taken without a pause
            self._segment.append(features)
        else:
            self._silence_s += FRAME_S
            if self._silence_s >= cfg.segment_gap_s:
                self._close_segment()

        instant = vad * self._attribution()
        alpha = 1.0 - math.exp(-FRAME_S / cfg.smoothing_s)
        self._smoothed += alpha * (instant - self._smoothed)
        return self._smoothed.copy()

    def _attribution(self) -> np.ndarray:
        """(2,) share of the current speech that belongs to A and to B."""
        if not self._segment:
            # Unvoiced frames inside a segment keep its decision; a new segment waits for voicing.
            return self._last_share if self._silence_s < self.cfg.segment_gap_s else np.zeros(2)
        self._last_share = self._voice_share()
        return self._last_share

    def _voice_share(self) -> np.ndarray:
        mean = np.mean(self._segment[-self.cfg.recent_voiced_frames :], axis=0)
        if not self.centres:
            return np.array([1.0, 0.0])  # the first voice heard is A
        d2 = np.array([self._distance(mean, c) ** 2 for c in self.centres])
        if len(self.centres) == 1:
            far = math.sqrt(d2[0]) > self.cfg.split_semitones
            return np.array([0.0, 1.0]) if far else np.array([1.0, 0.0])
        logits = -d2 / self.cfg.attribution_temperature
        w = np.exp(logits - logits.max())
        return w / w.sum()

    @staticmethod
    def _distance(a: np.ndarray, b: np.ndarray) -> float:
        return float(np.linalg.norm(a - b))

    def _close_segment(self) -> None:
        if not self._segment:
            return
        mean = np.mean(self._segment, axis=0)
        self._segment = []
        if len(self.centres) < 2 and (not self.centres or self._distance(mean, self.centres[0]) > self.cfg.split_semitones):
            self.centres.append(mean)
            return
        who = int(np.argmin([self._distance(mean, c) for c in self.centres]))
        self.centres[who] += self.cfg.cluster_rate * (mean - self.centres[who])


class PitchActivity(NeverRevises):
    """`PitchClusters` behind the `SpeakerActivity` interface, with its own analysis window."""

    def __init__(self, channels: int, cfg: PitchActivityConfig = PitchActivityConfig()) -> None:
        self.channels = channels
        self.voice = PitchClusters(channels, cfg)
        self.framer = Framer(channels)
        self.window = RingBuffer(cfg.analysis_samples, channels)
        self.returned = RecentRows()

    def push(self, audio: np.ndarray) -> np.ndarray:
        """(n, C) -> (frames completed, 2) smoothed speaking probabilities."""
        rows = []
        for frame in self.framer.push(audio):
            self.window.push(frame)
            rows.append(self.voice.step(self.window.latest(self.window.capacity)))
        return self.returned.keep(np.array(rows).reshape(-1, 2))
