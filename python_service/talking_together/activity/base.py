"""The speaker-activity interface and the streaming STFT that every estimator shares.

Every estimator is causal: the probabilities of a 40 ms frame depend only on audio up to
that frame's last sample, so the animators can use them with no added latency.
"""

from __future__ import annotations

import time
from collections import deque
from dataclasses import dataclass
from typing import NamedTuple, Protocol

import numpy as np

from talking_together.contract import NUM_PARTICIPANTS, SAMPLE_RATE, SAMPLES_PER_FRAME


class SpeakerActivity(Protocol):
    """pA, pB per 25 fps frame from a live audio stream."""

    channels: int

    def push(self, audio: np.ndarray) -> np.ndarray:
        """(n, C) float32 at 16 kHz, any n -> (frames completed, 2) speaking probabilities."""
        ...

    def recent(self, n: int) -> np.ndarray:
        """(n, 2): the newest n frames as the estimator sees them now (zeros before the stream).

        Later audio may revise who spoke in frames push has already returned: a consumer with a
        lookahead (the diffusion engine) re-reads its newest frames and pays no latency for it.
        """
        ...


class RecentRows:
    """The newest rows an estimator returned, for `recent` in the estimators that never revise."""

    def __init__(self, size: int = 16) -> None:
        self._rows: deque[np.ndarray] = deque([np.zeros(NUM_PARTICIPANTS, np.float32)] * size, maxlen=size)

    def keep(self, rows: np.ndarray) -> np.ndarray:
        self._rows.extend(rows)
        return rows

    def last(self, n: int) -> np.ndarray:
        if n > len(self._rows):
            raise ValueError(f"only the newest {len(self._rows)} frames are kept, asked for {n}")
        return np.array(list(self._rows)[len(self._rows) - n :], np.float32).reshape(n, NUM_PARTICIPANTS)


class NeverRevises:
    """Mixin: `recent` is what push returned (push passes its rows through `self.returned.keep`)."""

    returned: RecentRows

    def recent(self, n: int) -> np.ndarray:
        return self.returned.last(n)


@dataclass(frozen=True)
class StftConfig:
    n_fft: int = 512  # 32 ms window: enough frequency resolution for GCC-PHAT and MFCCs
    hop: int = 160  # 10 ms: 4 windows per 40 ms frame
    periodic: bool = False  # a periodic Hann window (librosa's, for the voice encoder's mel) instead of numpy's symmetric one

    @property
    def windows_per_frame(self) -> int:
        return SAMPLES_PER_FRAME // self.hop

    @property
    def freqs(self) -> np.ndarray:
        return np.fft.rfftfreq(self.n_fft, 1.0 / SAMPLE_RATE)


class Framer:
    """Cuts a stream of (n, C) chunks of any length into whole 640-sample frames."""

    def __init__(self, channels: int) -> None:
        self.channels = channels
        self._pending = np.zeros((0, channels), np.float32)

    def push(self, audio: np.ndarray) -> np.ndarray:
        """(n, C) or (n,) -> (k, 640, C): the frames this chunk completes."""
        audio = np.asarray(audio, np.float32)
        if audio.ndim == 1:
            audio = audio[:, None]
        if audio.ndim != 2 or audio.shape[1] != self.channels:
            raise ValueError(f"expected (n, {self.channels}) audio, got shape {audio.shape}")
        pending = np.concatenate([self._pending, audio])
        k = len(pending) // SAMPLES_PER_FRAME
        self._pending = pending[k * SAMPLES_PER_FRAME :]
        return pending[: k * SAMPLES_PER_FRAME].reshape(k, SAMPLES_PER_FRAME, self.channels)


class FrameStft:
    """Cuts a stream into 640-sample frames and returns each frame's STFT windows.

    The windows of a frame end inside it and reach back into the previous frame, so nothing
    waits for future audio.
    """

    def __init__(self, channels: int, cfg: StftConfig = StftConfig()) -> None:
        self.cfg = cfg
        self.framer = Framer(channels)
        self.window = (np.hanning(cfg.n_fft + 1)[:-1] if cfg.periodic else np.hanning(cfg.n_fft)).astype(np.float32)
        self._history = np.zeros((cfg.n_fft - cfg.hop, channels), np.float32)

    def push(self, audio: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(n, C) -> (frames (k, 640, C), spectra (k, windows, C, bins)) for k completed frames."""
        frames = self.framer.push(audio)
        k, channels, cfg = len(frames), self.framer.channels, self.cfg
        stream = np.concatenate([self._history, frames.reshape(-1, channels)])
        self._history = stream[len(stream) - len(self._history) :]
        # window i ends at the (i + 1)-th hop of new audio, so it starts at i * hop in `stream`
        n_win = k * cfg.windows_per_frame
        index = (np.arange(n_win) * cfg.hop)[:, None] + np.arange(cfg.n_fft)[None, :]
        segments = stream[index] * self.window[None, :, None]  # (n_win, n_fft, C)
        spectra = np.fft.rfft(segments, axis=1).astype(np.complex64)  # (n_win, bins, C)
        spectra = spectra.transpose(0, 2, 1).reshape(k, cfg.windows_per_frame, channels, cfg.n_fft // 2 + 1)
        return frames, spectra


LIVE_CHUNK = SAMPLES_PER_FRAME  # samples per push: 40 ms at 16 kHz, what the live service sends


class Streamed(NamedTuple):
    probs: np.ndarray  # (frames, 2) as a consumer with `revise_frames` of lookahead reads them
    cpu_s: float  # CPU seconds of the push loop
    as_pushed: np.ndarray  # (frames, 2) as push returned them, with no lookahead


def stream_activity(activity: SpeakerActivity, audio: np.ndarray, chunk: int = LIVE_CHUNK,
                    revise_frames: int = 0) -> Streamed:
    """A whole recording pushed as the live service pushes it, in `chunk`-sample pieces. For offline scoring.

    `revise_frames`: after each push the newest frames are re-read with `recent`, as a consumer
    with that many frames of lookahead does (the diffusion engine: `lookahead_frames`).
    """
    start = time.process_time()
    pushed: list[np.ndarray] = []
    revised: list[np.ndarray] = []
    for i in range(0, len(audio), chunk):
        rows = list(activity.push(audio[i : i + chunk]))
        pushed += rows
        revised += rows
        n = min(len(revised), revise_frames + 1) if revise_frames else 0
        if n:
            revised[len(revised) - n :] = list(activity.recent(n))
    cpu = time.process_time() - start
    return Streamed(np.array(revised, np.float32).reshape(-1, 2), cpu, np.array(pushed, np.float32).reshape(-1, 2))


def frame_f1(probs: np.ndarray, masks: np.ndarray, threshold: float = 0.5) -> float:
    """Micro-averaged F1 over both speakers' frames: who is speaking, frame by frame."""
    n = min(len(probs), len(masks))
    pred = probs[:n, :NUM_PARTICIPANTS] >= threshold
    true = masks[:n, :NUM_PARTICIPANTS] >= 0.5
    tp = np.sum(pred & true)
    precision_den, recall_den = np.sum(pred), np.sum(true)
    if tp == 0:
        return 0.0
    precision, recall = tp / precision_den, tp / recall_den
    return float(2 * precision * recall / (precision + recall))
