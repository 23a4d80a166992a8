"""Audio sources behind one interface: a file, the room microphone (sounddevice), or a client.

A source yields `AudioBlock`s at 16 kHz, stamped with the server's monotonic capture time.
The microphone is the one piece of hardware here: it sits behind `MicrophoneSource`, which
imports sounddevice lazily and names the fix when PortAudio or the device is missing.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Protocol

import numpy as np
import soundfile as sf
import soxr

from talking_together.audio.blocks import AudioBlock
from talking_together.audio.resample import StreamResampler
from talking_together.contract import SAMPLE_RATE, SAMPLES_PER_FRAME

log = logging.getLogger(__name__)


class AudioDeviceError(RuntimeError):
    """The microphone cannot be opened; the message names the fix."""


class AudioSource(Protocol):
    channels: int
    description: str

    def blocks(self) -> AsyncIterator[AudioBlock]: ...


def read_audio_file(path: str | Path) -> np.ndarray:
    """Any WAV/FLAC/OGG at any rate and channel count -> (n, C) float32 at 16 kHz."""
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"audio file not found: {path}")
    try:
        samples, rate = sf.read(str(path), dtype="float32", always_2d=True)
    except (sf.LibsndfileError, RuntimeError) as exc:
        raise ValueError(f"cannot decode {path} as WAV, FLAC or OGG: {exc}") from exc
    if rate != SAMPLE_RATE:
        samples = soxr.resample(samples, rate, SAMPLE_RATE).reshape(-1, samples.shape[1])
    return np.ascontiguousarray(samples, dtype=np.float32)


class FileSource:
    """Plays a file as if it were a live microphone: paced in real time unless told not to."""

    def __init__(
        self,
        path: str | Path,
        block_samples: int = SAMPLES_PER_FRAME,
        realtime: bool = True,
        loop: bool = False,
    ) -> None:
        self.samples = read_audio_file(path)
        self.channels = self.samples.shape[1]
        self.block_samples = block_samples
        self.realtime, self.loop = realtime, loop
        self.description = f"file:{Path(path).name}"

    async def blocks(self) -> AsyncIterator[AudioBlock]:
        n = self.samples.shape[0]
        while True:
            start_ns = time.monotonic_ns()
            for begin in range(0, n, self.block_samples):
                end = min(n, begin + self.block_samples)
                due_ns = start_ns + end * 1_000_000_000 // SAMPLE_RATE
                if self.realtime:
                    await asyncio.sleep(max(0.0, (due_ns - time.monotonic_ns()) / 1e9))
                else:
                    await asyncio.sleep(0)  # let other sessions run
                capture_ns = due_ns if self.realtime else time.monotonic_ns()
                yield AudioBlock(self.samples[begin:end], capture_ns)
            if not self.loop:
                return


class MicrophoneSource:
    """The room microphone through a sounddevice callback stream with a fixed block size."""

    def __init__(
        self,
        device: int | str | None = None,
        channels: int | None = None,
        block_ms: float = 20.0,
        max_queued_blocks: int = 100,
    ) -> None:
        sd = _import_sounddevice()
        try:
            info = sd.query_devices(device, kind="input")
        except (ValueError, sd.PortAudioError) as exc:
            raise AudioDeviceError(
                f"no audio input device{'' if device is None else f' {device!r}'} found ({exc}). "
                "Plug in a microphone, pick one from `python -m sounddevice`, or serve a "
                "recording instead: --source FILE"
            ) from exc
        self.device = device
        self.rate = int(info["default_samplerate"])
        self.channels = channels or max(1, min(int(info["max_input_channels"]), 8))
        self.block_frames = max(1, int(self.rate * block_ms / 1000))
        self.max_queued_blocks = max_queued_blocks
        self.description = f"mic:{info['name']}@{self.rate}Hz x{self.channels}"

    async def blocks(self) -> AsyncIterator[AudioBlock]:
        sd = _import_sounddevice()
        loop = asyncio.get_running_loop()
        queue: asyncio.Queue[tuple[np.ndarray, int]] = asyncio.Queue(self.max_queued_blocks)
        resampler = StreamResampler(self.rate, self.channels)

        def enqueue(item: tuple[np.ndarray, int]) -> None:
            if queue.full():  # the consumer stalled: drop the oldest, keep the stream live
                queue.get_nowait()
                log.warning("microphone queue full: dropped one block")
            queue.put_nowait(item)

        def callback(indata: np.ndarray, frames: int, time_info, status) -> None:  # noqa: ANN001
            if status:
                log.warning("microphone status: %s", status)
            loop.call_soon_threadsafe(enqueue, (indata.copy(), time.monotonic_ns()))

        stream = sd.InputStream(
            device=self.device,
            channels=self.channels,
            samplerate=self.rate,
            blocksize=self.block_frames,
            dtype="float32",
            callback=callback,
        )
        with stream:
            log.info("capturing %s", self.description)
            while True:
                samples, capture_ns = await queue.get()
                block = resampler.process(samples)
                if block.shape[0]:
                    yield AudioBlock(block, capture_ns)


def _import_sounddevice():  # noqa: ANN202 - the module
    try:
        import sounddevice as sd
    except OSError as exc:  # sounddevice raises OSError when libportaudio is absent
        raise AudioDeviceError(
            f"PortAudio is not installed ({exc}). Install it with "
            "`apt-get install libportaudio2` (macOS: `brew install portaudio`), or serve a "
            "recording instead: --source FILE"
        ) from exc
    return sd


def open_source(spec: str, realtime: bool = True, loop: bool = False) -> AudioSource:
    """`mic`, `mic:DEVICE` or a file path -> an AudioSource."""
    if spec == "mic" or spec.startswith("mic:"):
        device = spec.partition(":")[2] or None
        return MicrophoneSource(int(device) if device and device.isdigit() else device)
    return FileSource(spec, realtime=realtime, loop=loop)
