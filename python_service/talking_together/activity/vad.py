"""Energy voice activity: is anyone speaking? The baseline, and the gate of every other estimator."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from talking_together.activity.base import Framer
from talking_together.contract import SAMPLE_RATE, SAMPLES_PER_FRAME


@dataclass(frozen=True)
class EnergyVadConfig:
    margin_db: float = 8.0  # speech is this far above the tracked noise floor at p = 0.5
    slope_db: float = 2.0  # width of the sigmoid around the margin
    floor_rise_db_per_s: float = 3.0  # the floor falls at once and rises slowly, so speech can't lift it
    hangover_frames: int = 3  # keep p up this long after speech: phoneme dips are not silence
    min_db: float = -100.0


class EnergyVad:
    """Per-frame speech probability from frame energy over a tracked noise floor."""

    def __init__(self, cfg: EnergyVadConfig = EnergyVadConfig()) -> None:
        self.cfg = cfg
        self.floor_db: float | None = None
        self._recent: list[float] = []

    def step(self, frame: np.ndarray) -> float:
        """(640,) or (640, C) samples -> probability that someone speaks in this frame."""
        energy_db = 10.0 * np.log10(float(np.mean(np.square(frame, dtype=np.float64))) + 1e-10)
        energy_db = max(energy_db, self.cfg.min_db)
        rise = self.cfg.floor_rise_db_per_s * SAMPLES_PER_FRAME / SAMPLE_RATE
        self.floor_db = energy_db if self.floor_db is None else min(energy_db, self.floor_db + rise)
        p = 1.0 / (1.0 + np.exp(-(energy_db - self.floor_db - self.cfg.margin_db) / self.cfg.slope_db))
        self._recent = (self._recent + [p])[-(self.cfg.hangover_frames + 1) :]
        return float(max(self._recent))


class EnergyActivity:
    """The plain baseline: the VAD for both people, since energy alone cannot tell who speaks."""

    def __init__(self, channels: int, cfg: EnergyVadConfig = EnergyVadConfig()) -> None:
        self.channels = channels
        self.vad = EnergyVad(cfg)
        self.framer = Framer(channels)

    def push(self, audio: np.ndarray) -> np.ndarray:
        p = np.array([self.vad.step(f) for f in self.framer.push(audio)], np.float32)
        return np.repeat(p[:, None], 2, axis=1)
