"""Room acoustics: put the two mouths in a shoebox room and record them with a mic array.

Image sources (pyroomacoustics) give the early reflections up to `max_order`; beyond that
the response is continued by exponentially decaying noise at the room's RT60, the usual
hybrid, because the image method alone needs hundreds of orders for a long tail. The
noise is spatially diffuse: its cross-channel coherence is sinc(2 pi f d / c), generated as
in Habets & Gannot (2007). All positions are in the room frame R of the contract (+Y up,
-Z forward, metres); pyroomacoustics wants z up, so `_to_pra` maps between them.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyroomacoustics as pra
from scipy.fft import irfft, next_fast_len, rfft, rfftfreq

from talking_together.contract import SAMPLE_RATE

SPEED_OF_SOUND = 343.0
ARRAYS = ("mono", "stereo", "circle4")
_COHERENCE_NFFT = 512


@dataclass
class RoomConfig:
    size_min: tuple[float, float, float] = (3.5, 2.4, 3.0)  # x, height, depth (m)
    size_max: tuple[float, float, float] = (8.0, 3.5, 7.0)
    rt60_s: tuple[float, float] = (0.15, 0.7)
    max_order: int = 12
    snr_db: tuple[float, float] = (5.0, 30.0)
    noise_slope: tuple[float, float] = (0.0, 2.0)  # noise power ~ 1/f^slope: white .. brown
    wall_margin_m: float = 0.4
    mic_height_m: tuple[float, float] = (0.7, 2.2)
    mic_min_distance_m: float = 0.4  # from either mouth
    array_probs: tuple[float, float, float] = (0.3, 0.3, 0.4)  # mono, stereo, circle4


@dataclass
class RoomSample:
    """How one dialogue was recorded."""

    audio: np.ndarray  # (channels, n) float32
    mic_positions: np.ndarray  # (channels, 3) in R
    array: str  # one of ARRAYS
    room_min: np.ndarray  # (3,) the room's corner with the smallest coordinates, in R
    room_size: np.ndarray  # (3,) x, y (height), z extent in m
    rt60_s: float
    snr_db: float


def _to_pra(p: np.ndarray, room_min: np.ndarray) -> np.ndarray:
    """R (x, y up, z) -> pyroomacoustics (x, y, z up), both relative to the room's corner."""
    q = np.asarray(p) - room_min
    return np.stack([q[..., 0], q[..., 2], q[..., 1]], -1)


def mic_array(kind: str, rng: np.random.Generator) -> np.ndarray:
    """(channels, 3) offsets in R of a horizontal array around its centre, randomly turned."""
    if kind == "mono":
        local = np.zeros((1, 2))
    elif kind == "stereo":
        half = rng.uniform(0.05, 0.15)
        local = np.array([[-half, 0.0], [half, 0.0]])
    elif kind == "circle4":
        radius, phases = rng.uniform(0.032, 0.05), np.arange(4) * np.pi / 2
        local = radius * np.stack([np.cos(phases), np.sin(phases)], -1)
    else:
        raise ValueError(f"unknown mic array {kind!r}; expected one of {ARRAYS}")
    yaw = rng.uniform(0, 2 * np.pi)
    c, s = np.cos(yaw), np.sin(yaw)
    xz = local @ np.array([[c, s], [-s, c]])
    return np.stack([xz[:, 0], np.zeros(len(xz)), xz[:, 1]], -1)


def diffuse_noise(mics: np.ndarray, n: int, slope: float, rng: np.random.Generator) -> np.ndarray:
    """(channels, n) unit-power noise with a 1/f^slope spectrum and diffuse-field coherence.

    Drawn straight in the frequency domain of the whole signal (one inverse FFT per channel).
    The channel mixing matrices are computed on a 512-point grid (31 Hz; the coherence
    changes over hundreds of Hz) and each bin takes its nearest.
    """
    c, length = len(mics), next_fast_len(n, real=True)
    freqs = rfftfreq(length, 1.0 / SAMPLE_RATE)
    shape = (c, len(freqs))
    spectra = rng.standard_normal(shape, np.float32) + 1j * rng.standard_normal(shape, np.float32)
    if c > 1:
        grid = rfftfreq(_COHERENCE_NFFT, 1.0 / SAMPLE_RATE)
        dist = np.linalg.norm(mics[:, None] - mics[None], axis=-1)
        coherence = np.sinc(2 * grid[:, None, None] * dist[None] / SPEED_OF_SOUND)  # np.sinc has pi
        w, v = np.linalg.eigh(coherence)  # (f, c), (f, c, c)
        mixing = (v * np.sqrt(np.clip(w, 0, None))[:, None, :]).astype(np.float32)
        nearest = np.rint(freqs / grid[1]).astype(int)
        spectra = np.stack([sum(mixing[nearest, i, j] * spectra[j] for j in range(c)) for i in range(c)])
    spectra *= (np.maximum(freqs, 20.0) ** (-slope / 2)).astype(np.float32)
    noise = irfft(spectra, length)[:, :n]
    return (noise / np.sqrt(np.mean(noise**2))).astype(np.float32)


def _late_tail(rir: np.ndarray, rt60: float, rng: np.random.Generator) -> np.ndarray:
    """Continue an image-source RIR with decaying noise matched to its last 10 ms of energy."""
    length = int(rt60 * SAMPLE_RATE)
    if length <= len(rir):
        return rir
    window = int(0.01 * SAMPLE_RATE)
    level = np.sqrt(np.mean(rir[-window:] ** 2))
    t = np.arange(length - len(rir)) / SAMPLE_RATE
    tail = level * rng.standard_normal(len(t)) * np.exp(-6.9 * t / rt60)  # 60 dB over rt60
    return np.concatenate([rir, tail.astype(rir.dtype)])


def _convolve_and_mix(sources: np.ndarray, rirs: list[list[np.ndarray]], delay: int, n: int) -> np.ndarray:
    """(channels, n): each channel is the sum over sources of source * rir, from `delay` on.

    One FFT per source and per RIR and one inverse per channel, at a single padded length,
    instead of a full convolution per (channel, source) pair."""
    longest = max(len(r) for row in rirs for r in row)
    length = next_fast_len(sources.shape[1] + longest - 1, real=True)
    spectra = rfft(sources.astype(np.float32), length)  # (sources, f)
    mixed = np.stack([sum(rfft(r, length) * s for r, s in zip(row, spectra)) for row in rirs])
    return irfft(mixed, length)[:, delay:delay + n].astype(np.float32)


def record(
    sources: np.ndarray, mouths: np.ndarray, rng: np.random.Generator, cfg: RoomConfig = RoomConfig(),
    array: str | None = None,
) -> RoomSample:
    """Record dry `sources` (2, n) spoken from `mouths` (2, 3) in R in a random room."""
    n = sources.shape[1]
    lo, hi = mouths.min(0), mouths.max(0)
    size = rng.uniform(cfg.size_min, cfg.size_max)
    size = np.maximum(size, hi - lo + 2 * cfg.wall_margin_m + [0, 0.5, 0])
    size[1] = max(size[1], hi[1] + 0.5)
    room_min = np.array([0.0, 0.0, 0.0])
    for axis in (0, 2):  # slide the room so that both mouths stay clear of the walls
        room_min[axis] = rng.uniform(hi[axis] + cfg.wall_margin_m - size[axis], lo[axis] - cfg.wall_margin_m)
    rt60 = float(rng.uniform(*cfg.rt60_s))

    kind = array or str(rng.choice(ARRAYS, p=cfg.array_probs))
    offsets = mic_array(kind, rng)
    for _ in range(100):  # a spot clear of the walls and of both mouths
        centre = room_min + rng.uniform(cfg.wall_margin_m, size - cfg.wall_margin_m)
        centre[1] = rng.uniform(*cfg.mic_height_m)
        if np.linalg.norm(mouths - centre, axis=1).min() >= cfg.mic_min_distance_m:
            break
    mics = centre + offsets

    absorption, _ = pra.inverse_sabine(rt60, _to_pra(size, 0.0))
    room = pra.ShoeBox(_to_pra(size, 0.0), fs=SAMPLE_RATE, materials=pra.Material(absorption),
                       max_order=cfg.max_order)
    for m in mouths:
        room.add_source(_to_pra(m, room_min))
    room.add_microphone_array(_to_pra(mics, room_min).T)
    room.compute_rir()

    # drop the common delay (fractional-delay filter centre + nearest direct path), so that
    # the recording stays aligned with the masks to within a millisecond or two
    nearest = np.linalg.norm(mouths[:, None] - mics[None], axis=-1).min()
    delay = pra.constants.get("frac_delay_length") // 2 + int(nearest / SPEED_OF_SOUND * SAMPLE_RATE)
    rirs = [[_late_tail(np.asarray(room.rir[ch][k], np.float32), rt60, rng) for k in range(len(mouths))]
            for ch in range(len(mics))]
    audio = _convolve_and_mix(sources, rirs, delay, n)

    snr = float(rng.uniform(*cfg.snr_db))
    frame = 640
    power = np.mean(audio[:, : n // frame * frame].reshape(len(mics), -1, frame) ** 2, axis=(0, 2))
    speech_power = power[power > 0.1 * power.max()].mean()  # active frames only
    noise = diffuse_noise(mics, n, float(rng.uniform(*cfg.noise_slope)), rng)
    audio += noise * np.sqrt(speech_power / 10 ** (snr / 10))
    return RoomSample(audio, mics, kind, room_min, size, rt60, snr)
