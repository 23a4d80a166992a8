"""The calibration check's direction search (activity.doa.search_azimuth, pyroomacoustics underneath)."""

import numpy as np
import pytest

from calibration import place_preset
from talking_together.activity.doa import DOA_SEARCH, angle_diff_deg, azimuth_elevation, search_azimuth
from talking_together.activity.simulate import Room, VowelVoice, simulate, vowel_speech

ANECHOIC = Room((5.0, 2.7, 4.0), 0.3, max_order=0)


@pytest.mark.parametrize("algorithm", ["SRP", DOA_SEARCH])
def test_mics_at_different_heights_find_a_raised_talker(algorithm):
    """Frames map correctly (R's -Z is pyroomacoustics' +y) and mic heights are compensated:
    a 4-mic circle tilted 35 degrees about X hears a talker 40 degrees up within 3 degrees."""
    center = np.array([2.5, 0.8, -2.0])
    t = np.radians(35.0)
    tilt = np.array([[1.0, 0.0, 0.0], [0.0, np.cos(t), -np.sin(t)], [0.0, np.sin(t), np.cos(t)]])
    mics = center + (place_preset("circle4-0.05m", np.zeros(3)) @ tilt.T)
    speech = vowel_speech([(0.1, 1.9)], 32_000, VowelVoice(), np.random.default_rng(0))
    for azimuth in (-120.0, 35.0, 100.0):
        direction = np.array([np.cos(np.radians(azimuth)), np.tan(np.radians(40.0)), -np.sin(np.radians(azimuth))])
        mouth = center + 1.2 * direction / np.linalg.norm(direction)
        audio = simulate(speech[None], mouth[None], mics, ANECHOIC, snr_db=30.0)
        expected, elevation = azimuth_elevation(mouth - mics.mean(axis=0))
        measured, power = search_azimuth(audio, mics, elevation_deg=elevation, algorithm=algorithm)
        assert power.shape == (360,)
        assert angle_diff_deg(measured, expected) < 3.0, (azimuth, measured, expected)
