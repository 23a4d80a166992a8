"""Voice activity: is anyone speaking? One home for both detectors.

`NeuralVad` (Silero VAD, trained on real speech in many languages and noises) decides speech for
real voices; `EnergyVad`, speech as energy over a tracked noise floor, needs no model and gates
the direction-of-arrival estimator, whose cue is the sound's direction, not its voice.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np
import torch

from talking_together.activity.base import Framer, NeverRevises, RecentRows
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
        self.level_db = 0.0  # the last frame's energy above the floor: the baseline's jaw opening
        self._recent: list[float] = []

    def step(self, frame: np.ndarray) -> float:
        """(640,) or (640, C) samples -> probability that someone speaks in this frame."""
        energy_db = 10.0 * np.log10(float(np.mean(np.square(frame, dtype=np.float64))) + 1e-10)
        energy_db = max(energy_db, self.cfg.min_db)
        rise = self.cfg.floor_rise_db_per_s * SAMPLES_PER_FRAME / SAMPLE_RATE
        self.floor_db = energy_db if self.floor_db is None else min(energy_db, self.floor_db + rise)
        self.level_db = energy_db - self.floor_db
        p = 1.0 / (1.0 + np.exp(-(self.level_db - self.cfg.margin_db) / self.cfg.slope_db))
        self._recent = (self._recent + [p])[-(self.cfg.hangover_frames + 1) :]
        return float(max(self._recent))


class EnergyActivity(NeverRevises):
    """The plain baseline: the VAD for both people, since energy alone cannot tell who speaks."""

    def __init__(self, channels: int, cfg: EnergyVadConfig = EnergyVadConfig()) -> None:
        self.channels = channels
        self.vad = EnergyVad(cfg)
        self.framer = Framer(channels)
        self.returned = RecentRows()

    def push(self, audio: np.ndarray) -> np.ndarray:
        p = np.array([self.vad.step(f) for f in self.framer.push(audio)], np.float32)
        return self.returned.keep(np.repeat(p[:, None], 2, axis=1))


@dataclass(frozen=True)
class NeuralVadConfig:
    hangover_frames: int = 3  # keep p up 120 ms after speech: a stop consonant is not a pause


@functools.cache
def _silero_network() -> torch.jit.ScriptModule:
    """Silero's 16 kHz network from the JIT file inside the silero-vad wheel: loaded once per process.

    Its inner network is stateless (state in, state out), so every stream shares it and keeps only
    its own state: loading the file per stream would cost ~4 MB that TorchScript never gives back.
    """
    threads = torch.get_num_threads()
    from silero_vad.model import load_silero_vad  # noqa: F401  (importing it sets torch threads to 1)

    torch.set_num_threads(threads)  # ... which would slow every other model in this process
    from importlib import resources

    path = str(resources.files("silero_vad.data").joinpath("silero_vad.jit"))
    return torch.jit.load(path, map_location="cpu").eval()._model


class NeuralVad:
    """Per-frame speech probability from Silero VAD, streamed causally in its 32 ms chunks."""

    CHUNK = 512  # samples at 16 kHz: the only size the 16 kHz model takes
    CONTEXT = 64  # samples of the previous chunk it sees, as silero's own wrapper does

    def __init__(self, cfg: NeuralVadConfig = NeuralVadConfig()) -> None:
        self.cfg = cfg
        self.network = _silero_network()
        self._state = torch.zeros(2, 1, 128)
        self._context = torch.zeros(1, self.CONTEXT)
        self._pending = np.zeros(0, np.float32)
        self._last = 0.0
        self._recent: list[float] = []

    def step(self, frame: np.ndarray) -> float:
        """(640,) or (640, C) samples -> probability that someone speaks in this frame."""
        mono = frame.mean(axis=1) if frame.ndim == 2 else frame
        self._pending = np.concatenate([self._pending, mono.astype(np.float32)])
        k = len(self._pending) // self.CHUNK
        chunks, self._pending = self._pending[: k * self.CHUNK], self._pending[k * self.CHUNK :]
        probs = [self._last]
        with torch.inference_mode():
            for chunk in chunks.reshape(k, self.CHUNK):
                x = torch.cat([self._context, torch.from_numpy(chunk)[None]], dim=1)  # (1, 576)
                out, self._state = self.network(x, self._state)
                self._context = x[:, -self.CONTEXT :]
                probs.append(float(out))
        self._last = probs[-1]
        p = max(probs[1:]) if k else self._last  # a 640-sample frame completes one or two chunks
        self._recent = (self._recent + [p])[-(self.cfg.hangover_frames + 1) :]
        return float(max(self._recent))
