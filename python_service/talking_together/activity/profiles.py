"""Who speaks, from one microphone: MFCC statistics of each seat's voice, enrolled at calibration.

A mono mic carries no direction, so identity must come from the voice. Each seat's profile
is a diagonal Gaussian over MFCCs of its speech; live, the per-frame log-likelihood ratio
(smoothed causally) says which voice the speech sounds like, and the VAD says whether
anyone speaks. When the two voices fit equally well (overlap, or an unclear frame) both
stay high: a missed speaker costs more than a false one in the animation.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.fft import dct

from talking_together.activity.base import FrameStft, StftConfig
from talking_together.activity.vad import EnergyVad, EnergyVadConfig


@dataclass(frozen=True)
class MfccConfig:
    n_mels: int = 40
    n_mfcc: int = 20  # c1..c19 are kept: c0 is loudness, which depends on distance, not voice
    f_min: float = 60.0
    f_max: float = 7600.0


def mel_filters(cfg: MfccConfig, stft: StftConfig) -> np.ndarray:
    """(n_mels, bins) triangular filters on the HTK mel scale."""
    mel = lambda f: 2595.0 * np.log10(1.0 + f / 700.0)  # noqa: E731
    edges = 700.0 * (10 ** (np.linspace(mel(cfg.f_min), mel(cfg.f_max), cfg.n_mels + 2) / 2595.0) - 1)
    f = stft.freqs[None, :]
    lo, mid, hi = edges[:-2, None], edges[1:-1, None], edges[2:, None]
    return np.clip(np.minimum((f - lo) / (mid - lo), (hi - f) / (hi - mid)), 0.0, None)


class Mfcc:
    """(..., bins) complex spectra -> (..., n_mfcc - 1) cepstra, c0 dropped."""

    def __init__(self, cfg: MfccConfig = MfccConfig(), stft: StftConfig = StftConfig()) -> None:
        self.cfg = cfg
        self.filters = mel_filters(cfg, stft).astype(np.float32)

    def __call__(self, spectra: np.ndarray) -> np.ndarray:
        logmel = np.log(np.abs(spectra) ** 2 @ self.filters.T + 1e-8)
        return dct(logmel, type=2, norm="ortho", axis=-1)[..., 1 : self.cfg.n_mfcc]


@dataclass
class VoiceProfile:
    """A diagonal Gaussian over one voice's MFCCs."""

    mean: np.ndarray  # (D,)
    var: np.ndarray  # (D,)
    seconds: float  # speech it was enrolled on, so a thin profile can be flagged

    def log_likelihood(self, x: np.ndarray) -> np.ndarray:
        """(..., D) -> (...) log density."""
        return -0.5 * np.sum((x - self.mean) ** 2 / self.var + np.log(2 * np.pi * self.var), axis=-1)


def enroll_profile(audio: np.ndarray, vad: EnergyVadConfig = EnergyVadConfig(),
                   mfcc: MfccConfig = MfccConfig(), stft: StftConfig = StftConfig()) -> VoiceProfile:
    """A profile from a recording of one person speaking alone ((n,) or (n, C); channels are averaged)."""
    audio = np.asarray(audio, np.float32)
    mono = audio.mean(axis=1) if audio.ndim == 2 else audio
    frames, spectra = FrameStft(1, stft).push(mono)
    detector = EnergyVad(vad)
    speech = np.array([detector.step(f) for f in frames]) >= 0.5
    if speech.sum() < 25:
        raise ValueError(f"only {speech.sum() / 25:.1f} s of speech detected; enrol at least 1 s")
    features = Mfcc(mfcc, stft)(spectra[speech][:, :, 0, :]).reshape(-1, mfcc.n_mfcc - 1)
    return VoiceProfile(mean=features.mean(0), var=features.var(0) + 1e-3,
                        seconds=float(speech.sum()) / 25)


@dataclass(frozen=True)
class ProfileActivityConfig:
    smoothing: float = 0.3  # EMA weight of the newest frame's log-likelihood ratio
    llr_scale: float = 0.5  # ratio -> posterior sharpness
    share_low: float = 0.15  # posterior mapped to p = 0 ...
    share_high: float = 0.4  # ... and to p = 1; in between both may be high
    vad: EnergyVadConfig = EnergyVadConfig()


class ProfileActivity:
    """pA, pB from a mono mic: enrolled voice profiles, gated by the VAD."""

    def __init__(self, profiles: tuple[VoiceProfile, VoiceProfile], channels: int = 1,
                 cfg: ProfileActivityConfig = ProfileActivityConfig(),
                 mfcc: MfccConfig = MfccConfig(), stft: StftConfig = StftConfig()) -> None:
        self.cfg = cfg
        self.channels = channels
        self.profiles = profiles
        self.stft = FrameStft(channels, stft)
        self.mfcc = Mfcc(mfcc, stft)
        self.vad = EnergyVad(cfg.vad)
        self._llr = 0.0

    def push(self, audio: np.ndarray) -> np.ndarray:
        frames, spectra = self.stft.push(audio)
        out = np.zeros((len(frames), 2), np.float32)
        cfg = self.cfg
        for k, (frame, spec) in enumerate(zip(frames, spectra)):
            vad = self.vad.step(frame)
            x = self.mfcc(spec.mean(axis=1) if self.channels > 1 else spec[:, 0])  # (W, D)
            llr = float(np.mean(self.profiles[0].log_likelihood(x) - self.profiles[1].log_likelihood(x)))
            if vad >= 0.5:  # silence says nothing about who spoke last
                self._llr = (1 - cfg.smoothing) * self._llr + cfg.smoothing * llr
            post_a = 1.0 / (1.0 + np.exp(-cfg.llr_scale * self._llr))
            share = np.array([post_a, 1.0 - post_a])
            out[k] = vad * np.clip((share - cfg.share_low) / (cfg.share_high - cfg.share_low), 0, 1)
        return out
