"""Service configuration: limits and server settings, with the defaults `serve` uses."""

from __future__ import annotations

from dataclasses import dataclass, field

from talking_together.audio.decode import FormatLimits


@dataclass(frozen=True)
class ClientStringLimits:
    """The longest client-supplied strings accepted (longer: INVALID_ARGUMENT), and how much of one a log shows."""

    client_name: int = 128  # SubscribeRequest.client_name: a name for the logs
    prompt: int = 256  # LayoutSpec.prompt, and a structured layout's description
    preset: int = 64  # LayoutSpec.preset
    animator: int = 32  # AnimateOptions.animator
    log_chars: int = 80  # what `hygiene.client_text` keeps of one in a log record


@dataclass(frozen=True)
class ServiceLimits:
    max_sessions: int = 32  # concurrent Animate streams
    max_subscribers: int = 64  # concurrent Subscribe streams
    max_chunk_bytes: int = 256 * 1024  # one AudioChunk
    max_stream_seconds: float = 4 * 3600.0  # audio per Animate stream
    header_timeout_s: float = 10.0  # a silent client does not hold a session slot forever
    subscriber_queue_frames: int = 50  # 2 s; past that a slow subscriber loses its oldest frames
    audio_format: FormatLimits = field(default_factory=FormatLimits)
    strings: ClientStringLimits = field(default_factory=ClientStringLimits)


@dataclass(frozen=True)
class AuthLimits:
    """Failed authentications per peer address: past `max_failures` in `window_s`, it is refused until the window ends."""

    max_failures: int = 10
    window_s: float = 60.0
    max_tracked_peers: int = 4096  # the table of failing addresses is bounded: the oldest entry goes first


@dataclass(frozen=True)
class SecurityConfig:
    """TLS and tokens (docs/security.md). Off on loopback by default; required on any other address unless `insecure`."""

    tls_cert: str | None = None  # server certificate chain, PEM (`talking-together certs`)
    tls_key: str | None = None  # its private key, PEM
    tls_client_ca: str | None = None  # mutual TLS: clients must show a certificate signed by this CA
    tokens: str | None = None  # token file (`talking-together token new`); None: no token needed
    insecure: bool = False  # serve a non-loopback address without TLS and tokens, with a loud warning
    auth: AuthLimits = field(default_factory=AuthLimits)

    @property
    def tls(self) -> bool:
        return bool(self.tls_cert or self.tls_key)


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
    security: SecurityConfig = field(default_factory=SecurityConfig)
