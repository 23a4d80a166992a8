"""The unit of audio that flows through the system."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class AudioBlock:
    """Float32 samples at 16 kHz, shape (n, channels), in [-1, 1].

    `capture_time_ns` is the server's monotonic time at which the newest (last) sample was
    captured; older samples were captured 1/16000 s apart before it.
    """

    samples: np.ndarray  # (n, C) float32
    capture_time_ns: int

    @property
    def num_samples(self) -> int:
        return int(self.samples.shape[0])

    @property
    def channels(self) -> int:
        return int(self.samples.shape[1])
