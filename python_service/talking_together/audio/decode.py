"""Decoding a client's audio stream: validate the declared format, then bytes -> 16 kHz float32."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

import numpy as np

from talking_together.audio.resample import StreamResampler


class AudioFormatError(ValueError):
    """The client's audio or its declared format is unusable; the message says how to fix it."""


class Encoding(str, Enum):
    PCM16 = "pcm16"
    FLOAT32 = "float32"

    @property
    def bytes_per_sample(self) -> int:
        return 2 if self is Encoding.PCM16 else 4


@dataclass(frozen=True)
class FormatLimits:
    min_sample_rate_hz: int = 8_000
    max_sample_rate_hz: int = 192_000
    max_channels: int = 16


@dataclass(frozen=True)
class DeclaredFormat:
    sample_rate_hz: int
    channels: int
    encoding: Encoding

    def validate(self, limits: FormatLimits) -> None:
        if not limits.min_sample_rate_hz <= self.sample_rate_hz <= limits.max_sample_rate_hz:
            raise AudioFormatError(
                f"sample_rate_hz={self.sample_rate_hz} is outside the supported range "
                f"[{limits.min_sample_rate_hz}, {limits.max_sample_rate_hz}]: send the device's "
                "real rate (16000 is native)"
            )
        if not 1 <= self.channels <= limits.max_channels:
            raise AudioFormatError(
                f"channel_count={self.channels} is outside [1, {limits.max_channels}]: "
                "send interleaved audio with at least one channel"
            )


class ClientAudioDecoder:
    """Turns a client's raw chunks into (n, C) float32 at 16 kHz, one continuous stream."""

    def __init__(self, declared: DeclaredFormat, limits: FormatLimits = FormatLimits()) -> None:
        declared.validate(limits)
        self.declared = declared
        self._frame_bytes = declared.channels * declared.encoding.bytes_per_sample
        self._resampler = StreamResampler(declared.sample_rate_hz, declared.channels)

    def decode(self, data: bytes) -> np.ndarray:
        if len(data) % self._frame_bytes:
            raise AudioFormatError(
                f"audio chunk of {len(data)} bytes is not a whole number of "
                f"{self._frame_bytes}-byte sample frames ({self.declared.channels} channel(s) of "
                f"{self.declared.encoding.value}): send whole interleaved sample frames per chunk"
            )
        if self.declared.encoding is Encoding.PCM16:
            samples = np.frombuffer(data, dtype="<i2").astype(np.float32) / 32768.0
        else:
            samples = np.frombuffer(data, dtype="<f4").astype(np.float32)
            if not np.all(np.isfinite(samples)) or np.any(np.abs(samples) > 16.0):
                raise AudioFormatError(
                    "float32 audio holds NaN, infinite or absurdly large values (|x| > 16): "
                    "the bytes are not little-endian float32 in [-1, 1]; check the encoding"
                )
        return self._resampler.process(samples.reshape(-1, self.declared.channels))

    def flush(self) -> np.ndarray:
        return self._resampler.process(
            np.zeros((0, self.declared.channels), dtype=np.float32), last=True
        )
