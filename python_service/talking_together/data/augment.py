"""Training-time voice and channel augmentation, so that the audio encoder hears more than 30 voices.

- voice: pitch and vocal-tract length (formants) moved independently, by Praat's "Change gender"
  (parselmouth wheel), on each person's dry track; timing is kept, so the truth still holds;
- speed: the whole dialogue played faster or slower (Kaldi's 0.9-1.1 speed perturbation): audio
  resampled, every time stamp scaled, the masks rebuilt;
- codec: the room recording through a telephone channel (300-3400 Hz band, 8 kHz mu-law).
Noise and reverberation come from the room (data/room.py). Each is drawn per sample.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np
import soxr
from scipy.signal import butter, sosfiltfilt

from talking_together.contract import SAMPLE_RATE, SAMPLES_PER_FRAME
from talking_together.data.dialogue import Dialogue, phoneme_masks

_TELEPHONE_BAND = butter(4, (300.0, 3400.0), "bandpass", fs=SAMPLE_RATE, output="sos")
_MU = 255.0


@dataclass(frozen=True)
class AugmentConfig:
    voice_prob: float = 0.5  # per person
    pitch_factor: tuple[float, float] = (0.8, 1.25)  # of the median pitch
    formant_ratio: tuple[float, float] = (0.9, 1.1)  # > 1: a shorter vocal tract
    speed_prob: float = 0.3
    speed: tuple[float, float] = (0.9, 1.1)
    codec_prob: float = 0.1


def _to_length(x: np.ndarray, n: int) -> np.ndarray:
    """Crop or zero-pad the last axis to n samples (resamplers may differ by one)."""
    x = x[..., :n]
    return np.pad(x, [(0, 0)] * (x.ndim - 1) + [(0, n - x.shape[-1])]).astype(np.float32)


def change_voice(audio: np.ndarray, pitch_factor: float, formant_ratio: float, seed: int = 0) -> np.ndarray:
    """(n,) dry speech with its pitch times `pitch_factor` and formants times `formant_ratio`;
    same length. Silence stays silent. Praat's resynthesis draws random numbers (for unvoiced
    stretches) from one process-wide generator, so it is seeded here: same seed, same samples."""
    import parselmouth
    from parselmouth.praat import call, run

    if not np.any(audio):
        return audio
    run(f"random_initializeWithSeedUnsafelyButPredictably ({int(seed)})")
    sound = parselmouth.Sound(np.asarray(audio, np.float64), SAMPLE_RATE)
    median = call(call(sound, "To Pitch", 0.0, 75, 600), "Get quantile", 0, 0, 0.5, "Hertz")
    target = float(median) * pitch_factor if np.isfinite(median) else 0.0  # 0: keep the pitch
    out = call(sound, "Change gender", 75, 600, formant_ratio, target, 1.0, 1.0).values[0]
    return _to_length(out, len(audio))


def speed(d: Dialogue, factor: float) -> Dialogue:
    """The dialogue `factor` times faster (pitch moves with it, as in Kaldi's perturbation)."""
    def resample(x: np.ndarray) -> np.ndarray:
        return soxr.resample(x, SAMPLE_RATE * factor, SAMPLE_RATE).astype(np.float32)

    sources = np.stack([resample(s) for s in d.sources])
    n = -(-sources.shape[1] // SAMPLES_PER_FRAME) * SAMPLES_PER_FRAME
    sources = np.pad(sources, ((0, 0), (0, n - sources.shape[1])))
    phonemes = tuple([(sym, a / factor, b / factor) for sym, a, b in p] for p in d.phonemes)
    return dataclasses.replace(
        d, audio=sources.sum(0), sources=sources, masks=phoneme_masks(phonemes, n // SAMPLES_PER_FRAME),
        turns=[(k, a / factor, b / factor, text) for k, a, b, text in d.turns], phonemes=phonemes)


def telephone(audio: np.ndarray) -> np.ndarray:
    """(C, n) audio through a 300-3400 Hz band and 8-bit mu-law at 8 kHz, back at 16 kHz."""
    band = sosfiltfilt(_TELEPHONE_BAND, audio, axis=-1)
    peak = max(float(np.abs(band).max()), 1e-9)
    x = soxr.resample((band / peak).T, SAMPLE_RATE, 8000)
    mu = np.sign(x) * np.log1p(_MU * np.abs(x)) / np.log1p(_MU)
    mu = np.round(mu * 127) / 127  # 8 bits
    x = np.sign(mu) * np.expm1(np.abs(mu) * np.log1p(_MU)) / _MU
    return _to_length(soxr.resample(x, 8000, SAMPLE_RATE).T * peak, audio.shape[-1])


def augment(d: Dialogue, rng: np.random.Generator, cfg: AugmentConfig) -> tuple[Dialogue, list[str]]:
    """The dialogue with voice and speed augmentation drawn from `rng`, and what was applied."""
    applied = []
    sources = d.sources.copy()
    for k in range(len(sources)):
        if rng.random() < cfg.voice_prob:
            pitch, formant = rng.uniform(*cfg.pitch_factor), rng.uniform(*cfg.formant_ratio)
            sources[k] = change_voice(sources[k], pitch, formant, seed=int(rng.integers(2**31)))
            applied.append(f"voice{k}:pitch{pitch:.2f},formant{formant:.2f}")
    d = dataclasses.replace(d, sources=sources, audio=sources.sum(0))
    if rng.random() < cfg.speed_prob:
        factor = rng.uniform(*cfg.speed)
        d = speed(d, factor)
        applied.append(f"speed{factor:.2f}")
    return d, applied
