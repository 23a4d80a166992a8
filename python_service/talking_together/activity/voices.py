"""Who a voice is: GE2E speaker embeddings (Resemblyzer), enrolled or learned live.

Resemblyzer's encoder was trained on thousands of real speakers (LibriSpeech, VoxCeleb), so
two voices of one gender, which pitch cannot separate, land apart. Its weights ship in the
wheel. An embedding is a unit vector; voices compare by cosine similarity.
"""

from __future__ import annotations

import functools
import warnings
from collections import deque
from dataclasses import dataclass

import numpy as np
import torch

from talking_together.activity.base import Framer, FrameStft, StftConfig
from talking_together.activity.vad import NeuralVad
from talking_together.contract import FPS, SAMPLE_RATE, SAMPLES_PER_FRAME

EMBEDDING_DIM = 256
ENCODER_NAME = "resemblyzer-ge2e-256"  # stored with every enrolled profile


@functools.cache
def _encoder() -> torch.nn.Module:
    """One encoder per process: it is stateless, so every room shares it."""
    with warnings.catch_warnings():  # webrtcvad, imported by resemblyzer, warns about pkg_resources
        warnings.simplefilter("ignore")
        from resemblyzer import VoiceEncoder
    return VoiceEncoder("cpu", verbose=False).eval()


# Resemblyzer's mel: 25 ms windows every 10 ms, 40 slaney mel bands of the power spectrum, no log.
ENCODER_STFT = StftConfig(n_fft=400, hop=160, periodic=True)
ENCODER_DBFS = -30.0  # quieter windows are raised to this level first, as the encoder was trained


@functools.cache
def _mel_filters() -> np.ndarray:
    """(40, 201) the encoder's mel filterbank, built once (librosa builds it anew on every call)."""
    import librosa

    return librosa.filters.mel(sr=SAMPLE_RATE, n_fft=ENCODER_STFT.n_fft, n_mels=40).astype(np.float32)


def encoder_mel(spectra: np.ndarray) -> np.ndarray:
    """(..., 201) complex STFT bins -> (..., 40) the encoder's mel power."""
    return (np.abs(spectra) ** 2) @ _mel_filters().T


class EncoderMel:
    """The encoder's mel of a stream of speech, computed once per 10 ms as frames arrive.

    Re-computing a 0.8 s window's mel with librosa for every embedding (every 160 ms) made the
    live estimator cost 129 ms of CPU per second of audio; slicing the newest rows, 60 ms (tune
    readers, one torch thread). Like librosa's centred frames, the window ends on a half-silent
    frame: the encoder's last state leans on it, and F1 on the tune readers fell from 0.78 to
    0.75 without it.
    """

    def __init__(self, keep_frames: int) -> None:
        self._mel: deque[np.ndarray] = deque(maxlen=keep_frames)  # per 40 ms frame: (4, 40)
        self._power: deque[float] = deque(maxlen=keep_frames)  # per frame: mean square of its samples
        self.clear()

    def clear(self) -> None:
        """A new segment: its first windows start from silence, not from the last segment's voice."""
        self.stft = FrameStft(1, ENCODER_STFT)
        self._tail = np.zeros(ENCODER_STFT.n_fft // 2, np.float32)
        self._mel.clear()
        self._power.clear()

    def push(self, frame: np.ndarray) -> np.ndarray:
        """(640,) mono speech -> (4, 40) its mel rows, which join the kept window."""
        _, spectra = self.stft.push(frame[:, None])
        mel = encoder_mel(spectra[0, :, 0])
        self._mel.append(mel)
        self._power.append(float(np.mean(np.square(frame, dtype=np.float64))))
        self._tail = frame[len(frame) - len(self._tail) :]
        return mel

    def __len__(self) -> int:
        return len(self._mel)

    def embedding(self) -> np.ndarray:
        """(256,) unit embedding of the kept frames."""
        closing = np.concatenate([self._tail, np.zeros_like(self._tail)]) * self.stft.window  # the half-silent last frame
        mel = np.concatenate([*self._mel, encoder_mel(np.fft.rfft(closing))[None]])  # (4 x frames + 1, 40)
        return embed_mel(mel, float(np.mean(self._power)))


def embed_mel(mel: np.ndarray, power: float) -> np.ndarray:
    """(T, 40) mel power of speech whose samples have mean square `power` -> (256,) unit embedding."""
    encoder = _encoder()
    dbfs = 10.0 * np.log10(power + 1e-12)
    gain = 10.0 ** (max(ENCODER_DBFS - dbfs, 0.0) / 10.0)  # power gain: volumes are only raised
    with torch.inference_mode():
        return encoder(torch.from_numpy((mel * gain).astype(np.float32)[None]))[0].numpy()


def embed(audio: np.ndarray) -> np.ndarray:
    """(n,) float32 mono 16 kHz speech, 0.3-2 s -> (256,) unit embedding (the live path's mel, all at once)."""
    stream = EncoderMel(keep_frames=len(audio) // SAMPLES_PER_FRAME)
    for frame in Framer(1).push(np.asarray(audio, np.float32))[:, :, 0]:
        stream.push(frame)
    return stream.embedding()


def warm_up() -> None:
    """Load the encoder and librosa's filterbank now (seconds), not on the first voice."""
    embed(np.random.default_rng(0).normal(0, 0.1, SAMPLE_RATE).astype(np.float32))


@dataclass
class VoiceProfile:
    """One enrolled voice: the mean embedding of their speech."""

    embedding: np.ndarray  # (256,) unit vector
    seconds: float  # speech it was enrolled on, so a thin profile can be flagged
    encoder: str = ENCODER_NAME


def speech_frames(audio: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(n,) or (n, C) -> ((k, 640) mono frames, (k,) bool speech per frame by the neural VAD)."""
    audio = np.asarray(audio, np.float32)
    mono = audio.mean(axis=1) if audio.ndim == 2 else audio
    frames = Framer(1).push(mono)[:, :, 0]
    vad = NeuralVad()
    return frames, np.array([vad.step(f) for f in frames]) >= 0.5


def enroll_profile(audio: np.ndarray) -> VoiceProfile:
    """A profile from a recording of one person speaking alone ((n,) or (n, C); channels are averaged)."""
    frames, speech = speech_frames(audio)
    if speech.sum() < FPS:
        raise ValueError(f"only {speech.sum() / FPS:.1f} s of speech detected; enrol at least 1 s")
    voiced = frames[speech].reshape(-1)
    step = 2 * SAMPLE_RATE  # 2 s pieces, averaged: what the encoder's own embed_utterance does with partials
    pieces = [voiced[i : i + step] for i in range(0, len(voiced), step) if len(voiced[i : i + step]) >= SAMPLE_RATE // 2]
    mean = np.mean([embed(p) for p in pieces], axis=0)
    return VoiceProfile(embedding=mean / np.linalg.norm(mean), seconds=float(speech.sum()) / FPS)
