"""Streaming resampling to the internal 16 kHz rate (soxr, chunk-size independent)."""

from __future__ import annotations

import numpy as np
import soxr

from talking_together.contract import SAMPLE_RATE


class StreamResampler:
    """Resamples consecutive chunks as one continuous signal; a no-op at 16 kHz."""

    def __init__(self, in_rate: int, channels: int, out_rate: int = SAMPLE_RATE) -> None:
        self.in_rate, self.out_rate, self.channels = in_rate, out_rate, channels
        self._stream = (
            None if in_rate == out_rate else soxr.ResampleStream(in_rate, out_rate, channels, "float32")
        )

    def process(self, samples: np.ndarray, last: bool = False) -> np.ndarray:
        """(n, C) float32 at in_rate -> (m, C) float32 at out_rate."""
        if self._stream is None:
            return samples
        out = self._stream.resample_chunk(np.ascontiguousarray(samples), last=last)
        return out.reshape(-1, self.channels)
