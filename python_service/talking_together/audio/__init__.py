"""Audio in: sources behind one interface, 16 kHz resampling, ring buffers, log-mel features."""

from talking_together.audio.blocks import AudioBlock
from talking_together.audio.decode import AudioFormatError, ClientAudioDecoder
from talking_together.audio.resample import StreamResampler
from talking_together.audio.ring import RingBuffer
from talking_together.audio.sources import (
    AudioDeviceError,
    AudioSource,
    FileSource,
    MicrophoneSource,
    open_source,
    read_audio_file,
)

__all__ = [
    "AudioBlock",
    "AudioDeviceError",
    "AudioFormatError",
    "AudioSource",
    "ClientAudioDecoder",
    "FileSource",
    "MicrophoneSource",
    "RingBuffer",
    "StreamResampler",
    "open_source",
    "read_audio_file",
]
