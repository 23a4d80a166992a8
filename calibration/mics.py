"""Microphone array presets: channel-ordered positions in the array's own frame, placed into R.

The array frame is R's orientation at yaw 0 (+X right, +Y up, -Z forward); circular arrays
number their mics counter-clockwise seen from above, starting on +X, as ReSpeaker boards do.
"""

from __future__ import annotations

import math

import numpy as np

from calibration.rigid import yaw_matrix


def circle(radius: float, count: int) -> np.ndarray:
    """(count, 3) mics on a horizontal circle."""
    a = np.arange(count) * 2 * math.pi / count
    return np.stack([radius * np.cos(a), np.zeros(count), -radius * np.sin(a)], axis=1)


PRESETS: dict[str, np.ndarray] = {
    "mono": np.zeros((1, 3)),
    "stereo-0.2m": np.array([[-0.1, 0.0, 0.0], [0.1, 0.0, 0.0]]),  # a spaced pair, left then right
    "circle4-0.05m": circle(0.05, 4),  # ReSpeaker 4-Mic style
    "circle6-0.05m": circle(0.05, 6),
    "linear4-0.05m": np.array([[x, 0.0, 0.0] for x in (-0.075, -0.025, 0.025, 0.075)]),
}


def place_preset(name: str, center: np.ndarray, yaw_deg: float = 0.0) -> np.ndarray:
    """(M, 3) positions in R of preset `name` centred at `center` (R, m) and turned by `yaw_deg`."""
    if name not in PRESETS:
        raise ValueError(f"unknown mic array preset {name!r}; known: {sorted(PRESETS)}")
    return PRESETS[name] @ yaw_matrix(math.radians(yaw_deg)).T + np.asarray(center, float)
