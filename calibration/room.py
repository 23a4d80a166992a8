"""Acoustic calibration steps: check each seat's direction at the array, enrol each voice."""

from __future__ import annotations

import logging
from dataclasses import dataclass

import numpy as np

from calibration.schema import Calibration, SeatDirection
from talking_together.activity import enroll_profile, search_azimuth
from talking_together.activity.doa import angle_diff_deg, azimuth_elevation

log = logging.getLogger(__name__)


@dataclass
class SeatCheck:
    seat: int
    expected_deg: float
    measured_deg: float

    @property
    def error_deg(self) -> float:
        return angle_diff_deg(self.expected_deg, self.measured_deg)


def nearer_mirror(measured_deg: float, mics: np.ndarray, expected_deg: float) -> float:
    """The measured azimuth, or its mirror across a line of mics if that is nearer the expected one.

    A line of mics (a stereo pair) cannot tell a direction from its mirror across the line."""
    centred = mics - mics.mean(axis=0)
    if np.linalg.matrix_rank(centred, tol=1e-3) != 1:
        return measured_deg
    axis, _ = azimuth_elevation(centred[-1] - centred[0])
    mirrored = (2 * axis - measured_deg + 180.0) % 360.0 - 180.0
    return mirrored if angle_diff_deg(mirrored, expected_deg) < angle_diff_deg(measured_deg, expected_deg) else measured_deg


def check_seat_direction(calibration: Calibration, seat: int, audio: np.ndarray) -> SeatCheck:
    """Estimate where the person in `seat` speaks from in (n, M) audio, against the seat's direction.

    A line of mics hears a direction and its mirror alike: the one nearer the seat is reported.
    """
    mics = calibration.mic_array.positions
    if audio.ndim != 2 or audio.shape[1] != len(mics):
        raise ValueError(f"the recording has shape {audio.shape}, the calibration's array "
                         f"(mic_array.positions) has {len(mics)} mics")
    if calibration.seats[seat].doa is None:
        calibration.update_seat_directions()
    doa = calibration.seats[seat].doa
    measured, _ = search_azimuth(audio, mics, elevation_deg=doa.elevation_deg)
    measured = nearer_mirror(measured, mics, doa.azimuth_deg)
    return SeatCheck(seat, doa.azimuth_deg, measured)


def accept_seat_direction(calibration: Calibration, check: SeatCheck) -> None:
    """Store the measured direction: the live estimator then steers where the voice really comes from."""
    seat = calibration.seats[check.seat]
    seat.doa = SeatDirection(check.measured_deg, seat.doa.elevation_deg, "measured")


def enroll_seat_voice(calibration: Calibration, seat: int, audio: np.ndarray) -> None:
    """Store the voice profile of the person in `seat` from a recording of them speaking alone."""
    profile = enroll_profile(audio)
    calibration.seats[seat].voice_profile = profile
    log.info("enrolled seat %s on %.1f s of speech", "AB"[seat], profile.seconds)
