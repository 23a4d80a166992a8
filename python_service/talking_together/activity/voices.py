"""Who a voice is: GE2E speaker embeddings (Resemblyzer), enrolled or learned live.

Resemblyzer's encoder was trained on thousands of real speakers (LibriSpeech, VoxCeleb), so
two voices of one gender, which pitch cannot separate, land apart. Its weights ship in the
wheel. An embedding is a unit vector; voices compare by cosine similarity.
"""

from __future__ import annotations

import functools
import warnings
from dataclasses import dataclass

import numpy as np
import torch

from talking_together.activity.base import Framer
from talking_together.activity.vad import NeuralVad
from talking_together.contract import FPS, SAMPLE_RATE

EMBEDDING_DIM = 256
ENCODER_NAME = "resemblyzer-ge2e-256"  # stored with every enrolled profile


@functools.cache
def _encoder() -> torch.nn.Module:
    """One encoder per process: it is stateless, so every room shares it."""
    with warnings.catch_warnings():  # webrtcvad, imported by resemblyzer, warns about pkg_resources
        warnings.simplefilter("ignore")
        from resemblyzer import VoiceEncoder
    return VoiceEncoder("cpu", verbose=False).eval()


def embed(audio: np.ndarray) -> np.ndarray:
    """(n,) float32 mono 16 kHz speech, 0.3-2 s -> (256,) unit embedding."""
    encoder = _encoder()  # first: it imports resemblyzer with webrtcvad's warning silenced
    from resemblyzer.audio import normalize_volume, wav_to_mel_spectrogram

    wav = normalize_volume(np.asarray(audio, np.float32), -30, increase_only=True)  # as the encoder was trained
    mel = torch.from_numpy(wav_to_mel_spectrogram(wav)[None])  # (1, frames, 40)
    with torch.inference_mode():
        return encoder(mel)[0].numpy()


def warm_up() -> None:
    """Load the encoder and compile librosa's kernels now (several seconds), not on the first voice."""
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
