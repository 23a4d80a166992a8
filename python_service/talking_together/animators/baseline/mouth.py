"""Visemes from spectral features: loudness opens the jaw, the spectrum shapes the lips.

Who speaks is not decided here: the speaking gate comes from `talking_together.activity`.
"""

from __future__ import annotations

import numpy as np

from talking_together.animators.baseline.config import MouthConfig
from talking_together.contract import BLENDSHAPE_INDEX, FPS, NUM_EXPRESSIONS, SAMPLE_RATE

FRAME_S = 1.0 / FPS


def spectral_shape(x: np.ndarray) -> tuple[float, float]:
    """(centroid in Hz, share of energy above 4 kHz) of a mono window."""
    power = np.abs(np.fft.rfft(x * np.hanning(len(x)))) ** 2
    freqs = np.fft.rfftfreq(len(x), 1.0 / SAMPLE_RATE)
    total = float(power.sum()) + 1e-12
    return float((freqs * power).sum() / total), float(power[freqs > 4000].sum() / total)


def viseme_weights(openness: float, centroid_hz: float, sibilance: float, cfg: MouthConfig) -> np.ndarray:
    """(52,) mouth and jaw weights for one speaking frame, before the speaking gate."""
    w = np.zeros(NUM_EXPRESSIONS)
    roundness = float(np.clip((cfg.spread_centroid_hz - centroid_hz) / (cfg.spread_centroid_hz - cfg.round_centroid_hz), 0, 1))
    spread = 1.0 - roundness
    sibilant = float(np.clip(sibilance / cfg.sibilant_ratio, 0, 1))
    jaw = cfg.max_jaw_open * openness * (1.0 - 0.6 * sibilant)  # teeth nearly close on s/sh
    w[BLENDSHAPE_INDEX["jawOpen"]] = jaw
    w[BLENDSHAPE_INDEX["mouthFunnel"]] = 0.5 * openness * roundness**2
    w[BLENDSHAPE_INDEX["mouthPucker"]] = 0.4 * openness * roundness**3
    for side in ("Left", "Right"):
        w[BLENDSHAPE_INDEX[f"mouthStretch{side}"]] = 0.35 * openness * spread * (0.5 + 0.5 * sibilant)
        w[BLENDSHAPE_INDEX[f"mouthLowerDown{side}"]] = 0.4 * openness
        w[BLENDSHAPE_INDEX[f"mouthUpperUp{side}"]] = 0.25 * openness * spread
    # A quiet frame inside speech reads as a closure (p, b, m): lips pressed.
    w[BLENDSHAPE_INDEX["mouthClose"]] = 0.3 * (1.0 - openness) * (1.0 - sibilant) * float(openness > 0.05)
    return w


class Mouth:
    """One participant's mouth, with asymmetric attack and release like real articulators."""

    def __init__(self, cfg: MouthConfig = MouthConfig()) -> None:
        self.cfg = cfg
        self.weights = np.zeros(NUM_EXPRESSIONS)
        self.peak_db = 0.0

    def step(self, level_above_floor_db: float, centroid_hz: float, sibilance: float, speaking: float) -> np.ndarray:
        """Weights after this frame; `speaking` gates the visemes, so a listener stays closed."""
        # Loudness relative to the recent speech peak, so any mic gain and room give the full range.
        self.peak_db = max(level_above_floor_db, self.peak_db - self.cfg.peak_decay_db_per_s * FRAME_S)
        floor_db = self.peak_db - self.cfg.open_range_db
        openness = float(np.clip((level_above_floor_db - floor_db) / self.cfg.open_range_db, 0.0, 1.0))
        target = speaking * viseme_weights(openness, centroid_hz, sibilance, self.cfg)
        tau = np.where(target > self.weights, self.cfg.attack_s, self.cfg.release_s)
        self.weights += (1.0 - np.exp(-FRAME_S / tau)) * (target - self.weights)
        return self.weights
