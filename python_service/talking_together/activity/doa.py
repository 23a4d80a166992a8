"""Direction of arrival with a microphone array: GCC-PHAT between mic pairs, toward the seats.

Conventions (room frame R: +Y up, -Z forward): a direction's azimuth is measured in the
horizontal plane from +X toward -Z (counter-clockwise seen from above), its elevation from
the horizontal plane toward +Y. Directions point from the array centre toward the source.

Speech is sparse in time and frequency, so each STFT bin is mostly one talker's. The live
estimator gives each bin to the seat whose inter-mic phase differences it matches, and a
seat's share of the frame's speech energy tells whether that person speaks; two people
talking at once both get a large share. The calibration check, which finds one talker's
direction with no seat to steer toward, uses pyroomacoustics' search (`search_azimuth`).
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np

from talking_together.activity.base import FrameStft, NeverRevises, RecentRows, StftConfig
from talking_together.activity.vad import EnergyVad, EnergyVadConfig
from talking_together.contract import SAMPLE_RATE

SPEED_OF_SOUND = 343.0  # m/s at 20 degrees C


def unit_vector(azimuth_deg: float, elevation_deg: float = 0.0) -> np.ndarray:
    """(3,) direction in R for an azimuth and elevation in degrees."""
    az, el = np.radians(azimuth_deg), np.radians(elevation_deg)
    return np.array([np.cos(el) * np.cos(az), np.sin(el), -np.cos(el) * np.sin(az)])


def azimuth_elevation(direction: np.ndarray) -> tuple[float, float]:
    """Degrees (azimuth in (-180, 180], elevation) of a (3,) direction in R."""
    x, y, z = np.asarray(direction, float) / np.linalg.norm(direction)
    return float(np.degrees(np.arctan2(-z, x))), float(np.degrees(np.arcsin(np.clip(y, -1, 1))))


def angle_diff_deg(a: float, b: float) -> float:
    """Smallest absolute difference between two azimuths, in degrees."""
    return float(abs((a - b + 180.0) % 360.0 - 180.0))


def mic_pairs(num_mics: int) -> np.ndarray:
    """(P, 2) every pair of microphones, i < j."""
    return np.array(list(itertools.combinations(range(num_mics), 2)), int).reshape(-1, 2)


def pair_phases(positions: np.ndarray, directions: np.ndarray, freqs: np.ndarray) -> np.ndarray:
    """(D, P, F) expected phase of X_i conj(X_j) for far-field sources in `directions` (D, 3).

    A plane wave from direction u reaches mic m at -p_m.u / c, so the cross-spectrum of
    pair (i, j) has phase w (p_i - p_j).u / c.
    """
    pairs = mic_pairs(len(positions))
    baselines = positions[pairs[:, 0]] - positions[pairs[:, 1]]  # (P, 3)
    tdoa = directions @ baselines.T / SPEED_OF_SOUND  # (D, P)
    return 2 * np.pi * tdoa[:, :, None] * freqs[None, None, :]


def phat_cross_spectra(spectra: np.ndarray, pairs: np.ndarray) -> np.ndarray:
    """(..., M, F) spectra -> (..., P, F) cross-spectra with unit magnitude (the PHAT weight)."""
    cross = spectra[..., pairs[:, 0], :] * np.conj(spectra[..., pairs[:, 1], :])
    return cross / (np.abs(cross) + 1e-12)


DOA_SEARCH = "NormMUSIC"  # pyroomacoustics.doa algorithm of the calibration check (decision 0010)


def search_azimuth(
    audio: np.ndarray,
    positions: np.ndarray,
    elevation_deg: float = 0.0,
    resolution_deg: float = 1.0,
    band_hz: tuple[float, float] = (200.0, 5000.0),
    algorithm: str = DOA_SEARCH,
    cfg: StftConfig = StftConfig(),
) -> tuple[float, np.ndarray]:
    """Azimuth (degrees) of the strongest source in (n, M) audio, and the algorithm's map over azimuths.

    The calibration check hears one person alone, so pyroomacoustics' one-source NormMUSIC
    serves: as accurate as the SRP-PHAT search it replaced, and cheaper (decision 0010). The
    search runs on a ring at the given elevation (a planar array resolves elevation poorly, so
    the seat's is used). In a far field mic m's delay is (cos(el) (x_m cos az + y_m sin az) +
    h_m sin(el)) / c with h_m its height: the height term is a fixed phase per mic, removed from
    the spectra, and what is left is pyroomacoustics' 2-D search with the speed c / cos(el).
    """
    import pyroomacoustics as pra  # loaded on use: the live service never searches

    if positions.shape[0] < 2:
        raise ValueError("direction finding needs at least two microphones")
    el = np.radians(elevation_deg)
    if np.cos(el) < 1e-3:
        raise ValueError(f"no azimuth to find for a source straight above or below (elevation {elevation_deg})")
    _, spectra = FrameStft(positions.shape[0], cfg).push(audio)
    spectra = spectra.reshape(-1, *spectra.shape[2:])  # (windows, M, F)
    freqs = cfg.freqs
    band = (freqs >= band_hz[0]) & (freqs <= band_hz[1])
    loud = np.sum(np.abs(spectra[:, 0, band]) ** 2, axis=1)
    spectra = spectra[loud >= np.percentile(loud, 50)]  # the louder half of windows: where the talker is
    centred = positions - positions.mean(axis=0)
    horizontal = np.stack([centred[:, 0], -centred[:, 2]])  # (2, M) in pyroomacoustics' x-y plane
    height_phase = 2 * np.pi * freqs[None, :] * centred[:, 1, None] * np.sin(el) / SPEED_OF_SOUND  # (M, F)
    snapshots = spectra.transpose(1, 2, 0) * np.exp(-1j * height_phase)[:, :, None]  # (M, F, windows)
    azimuths = np.radians(np.arange(-180.0, 180.0, resolution_deg))
    doa = pra.doa.algorithms[algorithm](L=horizontal, fs=SAMPLE_RATE, nfft=cfg.n_fft, c=SPEED_OF_SOUND / np.cos(el),
                                        num_src=1, azimuth=azimuths, dim=2)
    doa.locate_sources(snapshots, freq_range=list(band_hz))
    return float(np.degrees(doa.azimuth_recon[0])), doa.grid.values


@dataclass(frozen=True)
class DoaActivityConfig:
    band_hz: tuple[float, float] = (150.0, 5000.0)
    min_contrast: float = 0.25  # a bin counts only where the two seats' phases differ this much
    margin: float = 0.1  # and where its phases match one seat by this much more than the other
    smoothing: float = 0.5  # EMA weight of the newest frame's per-seat energies
    share_low: float = 0.15  # a seat's share of attributed energy that maps to p = 0 ...
    share_high: float = 0.4  # ... and to p = 1 (both at 0.5: both speak)
    vad: EnergyVadConfig = EnergyVadConfig()


class DoaActivity(NeverRevises):
    """pA, pB from a mic array: per-bin seat attribution by GCC-PHAT phase, gated by the VAD."""

    def __init__(
        self,
        mic_positions: np.ndarray,
        seat_directions: np.ndarray,
        cfg: DoaActivityConfig = DoaActivityConfig(),
        stft: StftConfig = StftConfig(),
    ) -> None:
        mic_positions = np.asarray(mic_positions, float)
        if mic_positions.ndim != 2 or mic_positions.shape[0] < 2 or mic_positions.shape[1] != 3:
            raise ValueError(f"need (M >= 2, 3) mic positions, got {mic_positions.shape}")
        self.cfg = cfg
        self.channels = mic_positions.shape[0]
        self.stft = FrameStft(self.channels, stft)
        self.vad = EnergyVad(cfg.vad)
        self.returned = RecentRows()
        self.pairs = mic_pairs(self.channels)
        freqs = stft.freqs
        band = (freqs >= cfg.band_hz[0]) & (freqs <= cfg.band_hz[1])
        phases = pair_phases(mic_positions, np.asarray(seat_directions, float), freqs)  # (2, P, F)
        # where the seats' expected phases coincide (aliasing, broadside symmetry) a bin says nothing
        contrast = np.mean(1.0 - np.cos(phases[0] - phases[1]), axis=0) / 2.0  # (F,) in [0, 1]
        self.bins = band & (contrast >= cfg.min_contrast)
        if not self.bins.any():
            raise ValueError("the seats are indistinguishable from this array: move it or add mics")
        self.steer = np.exp(-1j * phases[:, :, self.bins]).astype(np.complex64)  # (2, P, Fb)
        self._energy = np.zeros(2)

    def push(self, audio: np.ndarray) -> np.ndarray:
        frames, spectra = self.stft.push(audio)
        out = np.zeros((len(frames), 2), np.float32)
        for k, (frame, spec) in enumerate(zip(frames, spectra)):
            out[k] = self._step(frame, spec[:, :, self.bins])
        return self.returned.keep(out)

    def _step(self, frame: np.ndarray, spec: np.ndarray) -> np.ndarray:
        """One frame: (640, M) samples and (windows, M, Fb) spectra -> (2,) probabilities."""
        cfg = self.cfg
        vad = self.vad.step(frame)
        cross = phat_cross_spectra(spec, self.pairs)  # (W, P, Fb)
        match = np.real(np.einsum("spf,wpf->swf", self.steer, cross)) / len(self.pairs)  # (2, W, Fb)
        power = np.mean(np.abs(spec) ** 2, axis=1)  # (W, Fb)
        diff = match[0] - match[1]
        energy = np.array([power[diff > cfg.margin].sum(), power[diff < -cfg.margin].sum()])
        self._energy = (1 - cfg.smoothing) * self._energy + cfg.smoothing * energy
        share = self._energy / (self._energy.sum() + 1e-12)
        p = np.clip((share - cfg.share_low) / (cfg.share_high - cfg.share_low), 0.0, 1.0)
        return vad * p
