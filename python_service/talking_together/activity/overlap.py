"""Overlap: when both people speak at once. A small causal GRU counts the voices in each 40 ms frame.

Voice embeddings say *who* speaks, one person at a time: a 0.8 s window of two voices at once
lands between them. Yet 6-18% of a dialogue's speech is overlap (a turn taken early, a "yeah"
inside the other's turn), and every such frame gave one person a miss. So a second, tiny
network answers another question: how many voices sound in this frame, 0, 1 or 2? With two
people in the room, "2" means both speak; the embeddings still decide who speaks alone.

The network hears the encoder's 40 mel bands (`voices.encoder_mel`), log-compressed, less a
running mean of the last few seconds (so the microphone's gain does not matter). It has two
heads: one for the newest frame (what `push` returns) and one for the frame `DELAY` frames back,
which a consumer with a lookahead reads (`recent`), since that head has heard the next 80 ms.
Trained only on room dialogues of the "train" LibriSpeech readers (`talking-together
activity train-counter`); the file ships in this package. Decision 0015 has the figures.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import numpy as np
import torch
from torch import nn

from talking_together.activity.base import FrameStft
from talking_together.activity.voices import ENCODER_STFT, encoder_mel
from talking_together.contract import FPS

WEIGHTS = "voice_counter.pt"  # in talking_together/activity/weights/
ROWS, BANDS = ENCODER_STFT.windows_per_frame, 40  # mel rows per 40 ms frame, mel bands
DELAY = 2  # frames the second head waits: the diffusion engine's lookahead (StreamingConfig.lookahead_frames)
HEADS = (0, DELAY)  # each head's delay in frames
COUNTS = 3  # 0, 1 or 2 voices


@dataclass(frozen=True)
class VoiceCounterConfig:
    hidden: int = 96
    layers: int = 2
    mean_s: float = 3.0  # the running mean of the log mel that is taken away: gain and room colour


@dataclass(frozen=True)
class OverlapConfig:
    threshold: float = 0.8  # p(two voices) above which both people speak: the highest whose tune F1 stays within 0.005 of the best
    weights: Path | None = None  # a counter trained with `activity train-counter`; None: the shipped one


class VoiceCounter(nn.Module):
    """(B, T, ROWS * BANDS) normalised log mel -> (B, T, len(HEADS), COUNTS) logits of 0, 1, 2 voices."""

    def __init__(self, cfg: VoiceCounterConfig = VoiceCounterConfig()) -> None:
        super().__init__()
        self.cfg = cfg
        self.inp = nn.Sequential(nn.Linear(ROWS * BANDS, 128), nn.ReLU())
        self.gru = nn.GRU(128, cfg.hidden, cfg.layers, batch_first=True)
        self.out = nn.Linear(cfg.hidden, len(HEADS) * COUNTS)

    def forward(self, x: torch.Tensor, state: torch.Tensor | None = None) -> tuple[torch.Tensor, torch.Tensor]:
        y, state = self.gru(self.inp(x), state)  # (B, T, hidden), (layers, B, hidden)
        return self.out(y).unflatten(-1, (len(HEADS), COUNTS)), state


class CounterFeatures:
    """Frames of mel power -> the counter's input, causally: log mel less its running mean.

    The one feature path: training runs a whole dialogue through it, the live detector a frame at a time.
    """

    def __init__(self, cfg: VoiceCounterConfig = VoiceCounterConfig()) -> None:
        self.rate = 1.0 / (cfg.mean_s * FPS)
        self.mean: np.ndarray | None = None  # (BANDS,) running mean of the frames' log mel

    def push(self, mel: np.ndarray) -> np.ndarray:
        """(k, ROWS, BANDS) mel power -> (k, ROWS * BANDS) float32."""
        logmel = np.log(mel + 1e-8).astype(np.float32)
        out = np.empty_like(logmel)
        for i, frame in enumerate(logmel):
            level = frame.mean(axis=0)
            self.mean = level.copy() if self.mean is None else self.mean + self.rate * (level - self.mean)
            out[i] = frame - self.mean
        return out.reshape(len(logmel), ROWS * BANDS)


def dialogue_features(audio: np.ndarray) -> np.ndarray:
    """(n,) mono 16 kHz -> (n // 640, ROWS * BANDS): a whole recording's input, as the live path computes it."""
    _, spectra = FrameStft(1, ENCODER_STFT).push(np.asarray(audio, np.float32)[:, None])
    return CounterFeatures().push(encoder_mel(spectra[:, :, 0, :]))


def load_counter(path: Path | None = None) -> VoiceCounter:
    """A trained counter: `path`, else the file shipped in this package (no download)."""
    if path is None:
        return _shipped_counter()
    return _load(Path(path))


@functools.cache
def _shipped_counter() -> VoiceCounter:
    """Loaded once per process: the GRU's state lives in each detector, so every room shares it."""
    with resources.as_file(resources.files("talking_together.activity.weights").joinpath(WEIGHTS)) as path:
        return _load(path)


def _load(path: Path) -> VoiceCounter:
    if not path.is_file():
        raise FileNotFoundError(f"no voice-counter weights at {path}; train them with `talking-together activity train-counter`")
    saved = torch.load(path, map_location="cpu", weights_only=True)
    model = VoiceCounter(VoiceCounterConfig(**saved["config"]))
    model.load_state_dict(saved["state"])
    return model.eval()


class OverlapDetector:
    """Live p(two voices) per 40 ms frame, now and `DELAY` frames back."""

    def __init__(self, cfg: OverlapConfig = OverlapConfig()) -> None:
        self.cfg = cfg
        self.model = load_counter(cfg.weights)
        self.stft = FrameStft(1, ENCODER_STFT)
        self.features = CounterFeatures(self.model.cfg)
        self._state: torch.Tensor | None = None

    def step(self, mono: np.ndarray) -> np.ndarray:
        """(640,) samples -> (len(HEADS),) p(two voices): this frame's, and the one DELAY frames back."""
        _, spectra = self.stft.push(mono[:, None])
        x = torch.from_numpy(self.features.push(encoder_mel(spectra[:, :, 0, :])))[None]  # (1, 1, ROWS * BANDS)
        with torch.inference_mode():
            logits, self._state = self.model(x, self._state)
        return torch.softmax(logits[0, -1], dim=-1)[:, 2].numpy()
