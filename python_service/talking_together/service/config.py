"""Service configuration: limits and server settings, with the defaults `serve` uses."""

from __future__ import annotations

from dataclasses import dataclass, field

from talking_together.animators.diffusion.config import DEFAULT_BACKEND
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
    # Capacity: concurrent sessions that run an animator, Animate streams plus the room session
    # (when the server has one); past it RESOURCE_EXHAUSTED instead of every session degrading
    # (service/fairness.py). None (`serve --max-sessions auto`): measured at start-up, so that
    # admitted sessions may use `capacity_load` of every core (service/capacity.py). Either way
    # the load guard below refuses sooner when the running sessions leave no room.
    max_sessions: int | None = 8
    capacity_load: float = 0.6  # the share of each core the measured capacity gives sessions; the rest: loop, gRPC, decoding
    # Whatever the count, no session is admitted while the running ones would need on average this many
    # seconds of work (a worker's wait included) per second of audio with one more beside it.
    full_load: float = 0.35
    # Nor while any session's push starts this far behind real time (capacity.SessionLoad): a session
    # that keeps up lags at most about one push (the diffusion engine's ~0.15 s window step).
    full_backlog_s: float = 0.3
    max_sessions_per_peer: int = 4  # concurrent Animate streams from one peer address
    max_subscribers: int = 64  # concurrent Subscribe streams (they share the room's animator)
    max_chunk_bytes: int = 256 * 1024  # one AudioChunk
    # Shortest AudioChunk but the last, in 16 kHz samples (10 ms; the same duration at any rate):
    # shorter ones are INVALID_ARGUMENT, so the per-message cost of an audio second is bounded.
    min_chunk_samples: int = 160
    max_stream_seconds: float = 4 * 3600.0  # audio per Animate stream
    header_timeout_s: float = 10.0  # a silent client does not hold a session slot forever
    idle_timeout_s: float = 10.0  # nor one that sent its header and then nothing (DEADLINE_EXCEEDED)
    # Pacing: an Animate stream is read no faster than this many times real time, once it is
    # `audio_burst_s` of audio ahead; past that the server stops reading and gRPC flow control
    # pushes back, so a flooding client slows down instead of starving others. 0: no pacing.
    max_audio_speed: float = 2.0
    audio_burst_s: float = 1.0
    # Audio read off the transport ahead of the animator, per Animate stream: each chunk is stamped
    # as it arrives (service/stamps.py), so queueing shows in capture_time_ns. Past this the
    # stream is read no further and the transport pushes back on the client.
    max_buffered_audio_bytes: int = 2 * 1024 * 1024
    subscriber_queue_frames: int = 50  # 2 s; past that a slow subscriber loses its oldest frames
    # At send time a subscriber's frame this far behind the newest one waiting for it (on the clock
    # and in stream time) is dropped and counted, so a subscriber that stalled in its own code
    # resumes live, not on a stale backlog (service/room.py).
    max_frame_age_s: float = 0.5
    audio_format: FormatLimits = field(default_factory=FormatLimits)
    strings: ClientStringLimits = field(default_factory=ClientStringLimits)


@dataclass(frozen=True)
class ClientTransport:
    """How much a Python client's transport may hold unread: what a stalled client comes back to.

    The server drops frames that fall `ServiceLimits.max_frame_age_s` behind at send time, but it
    cannot recall frames already in the transport. gRPC's default receive window grows (BDP
    probing) to hold tens of seconds of frames; a fixed 4 KiB window holds about five (742-byte
    frames), and still carries 25 fps at round trips up to ~100 ms. (The Unity client reads on a
    worker thread and its jitter buffer drops late frames; docs/security.md.)
    """

    receive_window_bytes: int = 4096

    def channel_options(self) -> list[tuple[str, int]]:
        return [("grpc.http2.bdp_probe", 0), ("grpc.http2.lookahead_bytes", self.receive_window_bytes)]


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
    # What runs the diffusion network: torch or onnx (onnxruntime; decision 0009). start_server applies it
    # (use_backend) for every session's engine.
    backend: str = DEFAULT_BACKEND
    onnx_dir: str | None = None  # --backend onnx: an export folder; None: the checkpoint exported into the cache
    source: str | None = None  # "mic", "mic:DEVICE" or an audio file, for Subscribe
    layout_prompt: str | None = None  # the room's layout; default preset when None
    calibration: str | None = None  # a calibration file: seats become the layout, and who speaks comes from the room
    loop_source: bool = False
    record: str | None = None  # an MCAP file: record the room session (audio, every message, config, calibration)
    seed: int = 0
    # torch's intra-op threads for the whole process (the VAD, the voice encoder, the diffusion network).
    # Sessions already run side by side in worker threads, so each model call gets one core: with torch's
    # default (one per core) a baseline session cost 0.49 s of work per s of audio here, with one 0.19.
    cpu_threads: int = 1
    grace_s: float = 2.0  # graceful shutdown: in-flight streams get this long to finish
    limits: ServiceLimits = field(default_factory=ServiceLimits)
    security: SecurityConfig = field(default_factory=SecurityConfig)
