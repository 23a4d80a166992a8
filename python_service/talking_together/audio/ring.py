"""A fixed-capacity multichannel ring buffer: the causal history a streaming animator sees."""

from __future__ import annotations

import numpy as np


class RingBuffer:
    """Keeps the newest `capacity` samples of a (n, C) stream without reallocating."""

    def __init__(self, capacity: int, channels: int, dtype: np.dtype = np.float32) -> None:
        if capacity <= 0 or channels <= 0:
            raise ValueError(f"capacity and channels must be positive, got {capacity}, {channels}")
        self._data = np.zeros((capacity, channels), dtype=dtype)
        self._write = 0  # index of the next write
        self.total_written = 0

    @property
    def capacity(self) -> int:
        return self._data.shape[0]

    def push(self, samples: np.ndarray) -> None:
        """Append (n, C) samples; only the newest `capacity` are kept."""
        samples = samples[-self.capacity :]
        n = samples.shape[0]
        first = min(n, self.capacity - self._write)
        self._data[self._write : self._write + first] = samples[:first]
        self._data[: n - first] = samples[first:]
        self._write = (self._write + n) % self.capacity
        self.total_written += n

    def latest(self, n: int) -> np.ndarray:
        """The newest n samples, oldest first, zero-padded at the front before the stream began."""
        if n > self.capacity:
            raise ValueError(f"asked for {n} samples but the buffer holds {self.capacity}")
        idx = (self._write - n + np.arange(n)) % self.capacity
        out = self._data[idx]
        missing = n - min(n, self.total_written)
        out[:missing] = 0
        return out
