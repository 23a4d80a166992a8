"""Who speaks, from the audio alone: energy VAD plus online voice clustering.

With one channel the voices are told apart by pitch; with two or more, inter-channel level
differences join in. The first voice heard becomes participant A. Decisions are taken per
voiced segment (between pauses), so a speaker's own intonation does not flip the attribution.
A jump in voice features also ends a segment, so a turn taken without a pause flips it too.
A calibrated room replaces this with `talking_together.activity` (DOA to seats, enrolled voices).
"""

from __future__ import annotations

import math

import numpy as np

from talking_together.activity.base import Framer
from talking_together.animators.baseline.config import ActivityConfig
from talking_together.audio.ring import RingBuffer
from talking_together.contract import FPS, SAMPLE_RATE

FRAME_S = 1.0 / FPS


def level_db(x: np.ndarray) -> float:
    return 10.0 * math.log10(float(np.mean(x * x)) + 1e-12)


def estimate_f0(x: np.ndarray, cfg: ActivityConfig) -> float | None:
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


class VoiceActivity:
    """Streaming per-frame (pA, pB) from (window, C) audio ending at each frame."""

    def __init__(self, channels: int, cfg: ActivityConfig = ActivityConfig()) -> None:
        self.cfg = cfg
        self.channels = channels
        self.noise_floor_db = cfg.floor_init_db
        self.centres: list[np.ndarray] = []  # voice feature centres; index = participant
        self._segment: list[np.ndarray] = []  # features of the current voiced segment
        self._silence_s = math.inf
        self._smoothed = np.zeros(2)
        self.instant = np.zeros(2)
        self._last_share = np.zeros(2)
        self.level_above_floor_db = 0.0
        self.vad = 0.0

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
        frame_db = level_db(mono[-int(SAMPLE_RATE * FRAME_S):])
        self.noise_floor_db = min(frame_db, self.noise_floor_db + cfg.floor_rise_db_per_s * FRAME_S)
        self.level_above_floor_db = frame_db - self.noise_floor_db
        self.vad = 1.0 / (1.0 + math.exp(-(self.level_above_floor_db - cfg.vad_margin_db) / cfg.vad_slope_db))

        f0 = estimate_f0(mono, cfg) if self.vad > 0.5 else None
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

        self.instant = self.vad * self._attribution()  # unsmoothed: gates the mouth without lag
        alpha = 1.0 - math.exp(-FRAME_S / cfg.smoothing_s)
        self._smoothed += alpha * (self.instant - self._smoothed)
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


class VoiceAttribution:
    """`VoiceActivity` behind the `SpeakerActivity` interface: it keeps its own analysis window, so
    any animator without a calibrated room gets the baseline's who-speaks from one `push`."""

    def __init__(self, channels: int, cfg: ActivityConfig = ActivityConfig()) -> None:
        self.channels = channels
        self.voice = VoiceActivity(channels, cfg)
        self.framer = Framer(channels)
        self.window = RingBuffer(cfg.analysis_samples, channels)

    def push(self, audio: np.ndarray) -> np.ndarray:
        """(n, C) -> (frames completed, 2) smoothed speaking probabilities."""
        rows = []
        for frame in self.framer.push(audio):
            self.window.push(frame)
            rows.append(self.voice.step(self.window.latest(self.window.capacity)))
        return np.array(rows).reshape(-1, 2)
