"""Service configuration: limits and server settings, with the defaults `serve` uses."""

from __future__ import annotations

from dataclasses import dataclass, field

from talking_together.audio.decode import FormatLimits


@dataclass(frozen=True)
class ServiceLimits:
    max_sessions: int = 32  # concurrent Animate streams
    max_subscribers: int = 64  # concurrent Subscribe streams
    max_chunk_bytes: int = 256 * 1024  # one AudioChunk
    max_stream_seconds: float = 4 * 3600.0  # audio per Animate stream
    header_timeout_s: float = 10.0  # a silent client does not hold a session slot forever
    subscriber_queue_frames: int = 50  # 2 s; past that a slow subscriber loses its oldest frames
    audio_format: FormatLimits = field(default_factory=FormatLimits)


@dataclass(frozen=True)
class ServerConfig:
    host: str = "127.0.0.1"
    port: int = 50051
    animator: str = "auto"  # auto: diffusion when its checkpoint loads, else baseline
    checkpoint: str | None = None  # diffusion checkpoint; None: the packaged default
    source: str | None = None  # "mic", "mic:DEVICE" or an audio file, for Subscribe
    layout_prompt: str | None = None  # the room's layout; default preset when None
    calibration: str | None = None  # a calibration file: seats become the layout, and who speaks comes from the room
    loop_source: bool = False
    record: str | None = None  # an MCAP file: record the room session (audio, every message, config, calibration)
    seed: int = 0
    grace_s: float = 2.0  # graceful shutdown: in-flight streams get this long to finish
    limits: ServiceLimits = field(default_factory=ServiceLimits)
