"""Synthetic rooms for testing and benchmarking speaker activity: known seats, exact masks.

Sources are either the corpus's espeak dialogues or the vowel talkers here (glottal pulses
through formant filters), which need nothing installed and are fast enough for unit tests.
Rooms are pyroomacoustics shoeboxes; positions are given in room frame R (+Y up, -Z forward)
with the box spanning x in [0, W], y in [0, H], z in [-D, 0].
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.signal import lfilter

from talking_together.contract import FPS, SAMPLE_RATE, SAMPLES_PER_FRAME

# (F1, F2, F3) Hz of a few vowels, an adult male's; a talker scales them
VOWELS = np.array([[730, 1090, 2440], [530, 1840, 2480], [270, 2290, 3010],
                   [570, 840, 2410], [300, 870, 2240], [660, 1720, 2410]], float)


@dataclass(frozen=True)
class VowelVoice:
    f0_hz: float = 110.0
    formant_scale: float = 1.0  # ~1.15-1.2 for a smaller vocal tract
    syllable_s: tuple[float, float] = (0.12, 0.28)


def vowel_speech(spans: list[tuple[float, float]], n: int, voice: VowelVoice,
                 rng: np.random.Generator) -> np.ndarray:
    """(n,) float32 at 16 kHz: connected syllables filling each (start_s, end_s) span."""
    out = np.zeros(n, np.float32)
    for start_s, end_s in spans:
        t = start_s
        while t < end_s:
            dur = min(rng.uniform(*voice.syllable_s), end_s - t)
            a, m = int(t * SAMPLE_RATE), max(int(dur * SAMPLE_RATE), 1)
            f0 = voice.f0_hz * rng.uniform(0.85, 1.15) * np.linspace(1.05, 0.95, m)
            phase = np.cumsum(f0 / SAMPLE_RATE)
            pulses = np.diff(np.floor(phase), prepend=0.0)  # one impulse per glottal cycle
            x = lfilter([1.0], [1.0, -0.95], pulses)  # glottal roll-off
            for f, bw in zip(VOWELS[rng.integers(len(VOWELS))] * voice.formant_scale, (80, 100, 140)):
                r = np.exp(-np.pi * bw / SAMPLE_RATE)
                x = lfilter([1 - r], [1.0, -2 * r * np.cos(2 * np.pi * f / SAMPLE_RATE), r * r], x)
            x *= np.sin(np.pi * np.arange(m) / m) ** 0.5  # syllable envelope
            seg = out[a : a + m]
            seg += (x[: len(seg)] / (np.abs(x).max() + 1e-9) * rng.uniform(0.5, 1.0)).astype(np.float32)
            t += dur
    return out


def turn_spans(duration_s: float, rng: np.random.Generator, overlap_prob: float = 0.2,
               ) -> tuple[list[tuple[float, float]], list[tuple[float, float]]]:
    """Alternating turns (A first) of 0.8-2.5 s; some start before the other's turn ends."""
    spans: tuple[list, list] = ([], [])
    t, speaker = 0.4, 0
    while True:
        length = rng.uniform(0.8, 2.5)
        if t + length > duration_s - 0.4:
            return spans
        spans[speaker].append((t, t + length))
        gap = -rng.uniform(0.3, 0.8) if rng.random() < overlap_prob else rng.uniform(0.2, 0.8)
        t, speaker = t + length + gap, 1 - speaker


def span_masks(spans: tuple[list[tuple[float, float]], ...], num_frames: int) -> np.ndarray:
    """(frames, speakers) 1 where a frame's centre lies inside one of the speaker's spans."""
    centres = (np.arange(num_frames) + 0.5) / FPS
    masks = np.zeros((num_frames, len(spans)), np.float32)
    for k, speaker_spans in enumerate(spans):
        for a, b in speaker_spans:
            masks[(centres >= a) & (centres < b), k] = 1.0
    return masks


def vowel_dialogue(duration_s: float, voices: tuple[VowelVoice, VowelVoice], seed: int = 0,
                   overlap_prob: float = 0.2) -> tuple[np.ndarray, np.ndarray]:
    """Dry sources (2, n) and masks (frames, 2) of a synthetic two-talker exchange."""
    rng = np.random.default_rng(seed)
    n = int(duration_s * FPS) * SAMPLES_PER_FRAME
    spans = turn_spans(duration_s, rng, overlap_prob)
    sources = np.stack([vowel_speech(s, n, v, rng) for s, v in zip(spans, voices)])
    return sources, span_masks(spans, n // SAMPLES_PER_FRAME)


@dataclass(frozen=True)
class Room:
    size: tuple[float, float, float] = (5.0, 2.7, 4.0)  # W (x), H (y), D (z) in m
    rt60_s: float = 0.3
    max_order: int = 8  # image-source order: enough for the early reflections that matter


def _to_pra(points_r: np.ndarray) -> np.ndarray:
    """R (x, y up, z back) -> pyroomacoustics (x, y, z up): a proper rotation, (3, N)."""
    p = np.atleast_2d(points_r)
    return np.stack([p[:, 0], -p[:, 2], p[:, 1]])


def simulate(sources: np.ndarray, source_positions: np.ndarray, mic_positions: np.ndarray,
             room: Room = Room(), snr_db: float = 20.0, seed: int = 0) -> np.ndarray:
    """(n, M) float32 mic signals of (S, n) dry sources at (S, 3) positions in R, plus white noise.

    The SNR is the mean power of the reverberant speech (where any talker is active) over the
    noise power, at each mic.
    """
    import pyroomacoustics as pra

    w, h, d = room.size
    absorption, _ = pra.inverse_sabine(room.rt60_s, [w, d, h])
    shoebox = pra.ShoeBox([w, d, h], fs=SAMPLE_RATE, materials=pra.Material(absorption),
                          max_order=room.max_order, air_absorption=False)
    for src, pos in zip(sources, source_positions):
        shoebox.add_source(_to_pra(pos)[:, 0], signal=src)
    shoebox.add_microphone_array(_to_pra(mic_positions))
    shoebox.simulate()
    n = sources.shape[1]
    clean = shoebox.mic_array.signals[:, :n].T  # (n, M)
    active = np.abs(sources).sum(0) > 1e-4
    power = np.mean(clean[active] ** 2)
    rng = np.random.default_rng(seed)
    noise = rng.standard_normal(clean.shape) * np.sqrt(power / 10 ** (snr_db / 10))
    return (clean + noise).astype(np.float32)
