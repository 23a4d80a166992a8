"""Audio in: files at any rate and channel count, client decoding, ring buffer, log-mel, mic errors."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import soundfile as sf
import torch

from talking_together.audio import AudioDeviceError, AudioFormatError, ClientAudioDecoder, MicrophoneSource, RingBuffer, read_audio_file
from talking_together.audio.decode import DeclaredFormat, Encoding
from talking_together.audio.features import LogMel, LogMelConfig
from talking_together.audio.resample import StreamResampler


def tone(rate: int, seconds: float, hz: float = 440.0, channels: int = 1) -> np.ndarray:
    t = np.arange(int(rate * seconds)) / rate
    return np.stack([0.5 * np.sin(2 * np.pi * hz * t)] * channels, axis=1).astype(np.float32)


@pytest.mark.parametrize(("fmt", "rate", "channels"), [("WAV", 44100, 2), ("FLAC", 48000, 1), ("OGG", 22050, 2), ("WAV", 16000, 4)])
def test_files_resample_to_16k(tmp_path: Path, fmt: str, rate: int, channels: int) -> None:
    path = tmp_path / f"tone.{fmt.lower()}"
    sf.write(path, tone(rate, 1.0, channels=channels), rate, format=fmt)
    samples = read_audio_file(path)
    assert samples.shape[1] == channels and samples.dtype == np.float32
    assert abs(samples.shape[0] - 16000) <= 32
    spectrum = np.abs(np.fft.rfft(samples[:, 0]))
    assert abs(np.argmax(spectrum) * 16000 / samples.shape[0] - 440.0) < 3.0


def test_unreadable_file_names_the_formats(tmp_path: Path) -> None:
    path = tmp_path / "noise.wav"
    path.write_bytes(b"not audio at all" * 10)
    with pytest.raises(ValueError, match="WAV, FLAC or OGG"):
        read_audio_file(path)


def test_streaming_resampler_matches_one_shot() -> None:
    signal = tone(44100, 0.5)
    one = StreamResampler(44100, 1)
    whole = np.concatenate([one.process(signal), one.process(np.zeros((0, 1), np.float32), last=True)])
    chunked = StreamResampler(44100, 1)
    parts = [chunked.process(signal[i : i + 441]) for i in range(0, len(signal), 441)]
    parts.append(chunked.process(np.zeros((0, 1), np.float32), last=True))
    assert np.allclose(np.concatenate(parts), whole, atol=1e-5)


def test_decoder_pcm16_and_float32() -> None:
    pcm = ClientAudioDecoder(DeclaredFormat(16000, 2, Encoding.PCM16))
    out = pcm.decode(np.array([16384, -16384, 0, 32767], dtype="<i2").tobytes())
    assert out.shape == (2, 2) and np.allclose(out[0], [0.5, -0.5])
    flt = ClientAudioDecoder(DeclaredFormat(16000, 1, Encoding.FLOAT32))
    assert np.allclose(flt.decode(np.array([0.25, -1.0], "<f4").tobytes())[:, 0], [0.25, -1.0])
    with pytest.raises(AudioFormatError, match="whole number"):
        pcm.decode(b"\x00" * 6)  # 1.5 stereo frames
    with pytest.raises(AudioFormatError, match="sample_rate_hz"):
        ClientAudioDecoder(DeclaredFormat(0, 1, Encoding.PCM16))


def test_ring_buffer_keeps_the_newest() -> None:
    ring = RingBuffer(5, 1)
    assert np.all(ring.latest(3) == 0)
    ring.push(np.arange(3, dtype=np.float32)[:, None])
    assert ring.latest(5)[:, 0].tolist() == [0, 0, 0, 1, 2]
    ring.push(np.arange(3, 10, dtype=np.float32)[:, None])
    assert ring.latest(5)[:, 0].tolist() == [5, 6, 7, 8, 9]
    assert ring.latest(2)[:, 0].tolist() == [8, 9]
    with pytest.raises(ValueError):
        ring.latest(6)


def test_log_mel_shape_and_peak() -> None:
    cfg = LogMelConfig()
    wav = torch.from_numpy(tone(16000, 1.0, hz=1000.0)[:, 0])[None]
    mel = LogMel(cfg)(wav)
    assert mel.shape == (1, 100, cfg.n_mels) and torch.isfinite(mel).all()
    centre = LogMel(cfg).filters.argmax(dim=1).float() * 8000 / (cfg.n_fft // 2)  # centre freq per mel band
    assert abs(centre[mel[0, 50].argmax()] - 1000.0) < 150.0


def test_missing_microphone_names_the_fix() -> None:
    """Here there is no capture device (and maybe no PortAudio): the error says what to do."""
    with pytest.raises(AudioDeviceError, match="--source FILE"):
        MicrophoneSource(device="no-such-device-xyz")
