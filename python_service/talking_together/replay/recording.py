"""The recording format: writing it crash-safely, and reading it back however damaged.

A recording is an MCAP file of protobuf messages on four topics (see recording.proto). The
recording schema version sits in a metadata record written before any data, so a reader can
refuse a file it does not understand before reading it.
"""

from __future__ import annotations

import logging
import queue
import struct
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import zstandard
from google.protobuf.message import DecodeError, Message
from mcap.exceptions import EndOfFile, InvalidMagic, McapError
from mcap.records import Footer, Header, Metadata, Schema
from mcap.records import Channel as McapChannel
from mcap.records import Message as McapMessage
from mcap.stream_reader import StreamReader
from mcap.well_known import MessageEncoding
from mcap.writer import LIBRARY_IDENTIFIER, CompressionType
from mcap.writer import Writer as McapWriter
from mcap_protobuf.schema import register_schema

from talking_together import __version__
from talking_together.audio.blocks import AudioBlock
from talking_together.contract import SAMPLE_RATE, SCHEMA_VERSION
from talking_together.v1 import recording_pb2 as rpb
from talking_together.v1 import talking_together_pb2 as pb

log = logging.getLogger(__name__)

# Bump when a topic, its message type or the meaning of its times changes.
RECORDING_SCHEMA_VERSION = "1"
METADATA_NAME = "talking_together.recording"
PROFILE = "talking_together"

TOPIC_CONFIG = "/session/config"
TOPIC_CALIBRATION = "/session/calibration"
TOPIC_AUDIO = "/room/audio"
TOPIC_ANIMATION = "/animation"
TOPIC_TYPES: dict[str, type[Message]] = {
    TOPIC_CONFIG: rpb.SessionConfig,
    TOPIC_CALIBRATION: rpb.Calibration,
    TOPIC_AUDIO: rpb.RecordedAudio,
    TOPIC_ANIMATION: pb.AnimateResponse,
}

FLUSH_S = 1.0  # a chunk closes at least this often: what a killed recorder loses at most
_CHUNK_BYTES = 8 * 1024 * 1024  # chunks close on time, not size, unless the data rate is huge
_RECORD_LIMIT = 256 * 1024 * 1024  # a corrupt length field must not allocate gigabytes
_CLOSE = object()


class RecordingError(Exception):
    """A file that cannot be used as a recording; the message says why and what to do."""


class RecordingWriter:
    """Writes one recording; `on_audio`/`on_message` only queue, a thread owns the file.

    Why a thread: compression and disk writes must never stall the event loop. Why a chunk every
    `flush_s`: a SIGKILLed process leaves a file readable up to its last complete chunk.
    Also a RoomSession observer, so `serve --record` attaches it to the room directly.
    """

    def __init__(self, path: str | Path, config: rpb.SessionConfig, calibration: rpb.Calibration | None = None, flush_s: float = FLUSH_S) -> None:
        self.path = Path(path)
        self.flush_s = flush_s
        self._file = open(self.path, "wb")
        self._mcap = McapWriter(self._file, chunk_size=_CHUNK_BYTES, compression=CompressionType.ZSTD)
        self._mcap.start(profile=PROFILE, library=f"talking-together/{__version__} {LIBRARY_IDENTIFIER}")
        self._mcap.add_metadata(
            METADATA_NAME,
            {"recording_schema_version": RECORDING_SCHEMA_VERSION, "wire_schema_version": SCHEMA_VERSION, "software_version": __version__},
        )
        self._channels: dict[str, int] = {}
        self._queue: queue.SimpleQueue = queue.SimpleQueue()
        self._epoch_offset_ns = time.time_ns() - time.monotonic_ns()
        self.messages = 0
        now = time.time_ns()
        self._queue.put((TOPIC_CONFIG, config, now, now))
        if calibration is not None:
            self._queue.put((TOPIC_CALIBRATION, calibration, now, now))
        # Not a daemon: the interpreter waits for it, so a normal exit always finishes the file.
        self._thread = threading.Thread(target=self._run, name=f"recorder-{self.path.name}")
        self._thread.start()

    def on_audio(self, block: AudioBlock) -> None:
        data = block.samples.astype("<f4", copy=False).tobytes()
        self._put(TOPIC_AUDIO, rpb.RecordedAudio(data=data, capture_time_ns=block.capture_time_ns), block.capture_time_ns)

    def on_message(self, message: pb.AnimateResponse) -> None:
        """Log time is now; publish time is the frame's capture time (on the epoch clock)."""
        kind = message.WhichOneof("payload")
        if kind == "header":
            self._epoch_offset_ns = message.header.epoch_offset_ns
        self._put(TOPIC_ANIMATION, message, message.frame.capture_time_ns if kind == "frame" else None)

    def _put(self, topic: str, message: Message, capture_time_ns: int | None) -> None:
        log_time = time.time_ns()
        publish_time = log_time if capture_time_ns is None else capture_time_ns + self._epoch_offset_ns
        self._queue.put((topic, message, log_time, publish_time))

    def close(self) -> None:
        """Write what is queued, the indexes and the footer; blocks until the file is complete."""
        if self._thread.is_alive():
            self._queue.put(_CLOSE)
            self._thread.join()

    def _run(self) -> None:
        last_flush = time.monotonic()
        try:
            while True:
                try:
                    item = self._queue.get(timeout=self.flush_s)
                except queue.Empty:
                    item = None
                if item is _CLOSE:
                    break
                if item is not None:
                    self._write(*item)
                if time.monotonic() - last_flush >= self.flush_s:
                    self._mcap.flush()  # close the chunk and hand it to the OS: it survives a kill
                    last_flush = time.monotonic()
            self._mcap.finish()
            log.info("recording %s closed: %d messages, %.1f MB", self.path, self.messages, self._file.tell() / 1e6)
        except Exception:
            log.exception("recording %s failed; the file holds what was written before", self.path)
        finally:
            self._file.close()

    def _write(self, topic: str, message: Message, log_time: int, publish_time: int) -> None:
        if topic not in self._channels:
            schema_id = register_schema(self._mcap, type(message))
            self._channels[topic] = self._mcap.register_channel(topic, MessageEncoding.Protobuf, schema_id)
        self._mcap.add_message(self._channels[topic], log_time=log_time, data=message.SerializeToString(), publish_time=publish_time)
        self.messages += 1


# ---------------------------------------------------------------------------------- reading


@dataclass(frozen=True)
class Stamped:
    """One recorded message: its MCAP times (Unix ns) and its exact serialized bytes."""

    log_time_ns: int
    publish_time_ns: int
    data: bytes


@dataclass
class Recording:
    path: Path
    size_bytes: int
    schema_version: str
    library: str
    config: rpb.SessionConfig = field(default_factory=rpb.SessionConfig)
    calibration: rpb.Calibration | None = None
    responses: list[Stamped] = field(default_factory=list)  # AnimateResponse bytes, in stream order
    audio: list[Stamped] = field(default_factory=list)  # RecordedAudio bytes
    read_bytes: int = 0  # how far the file was read: the end of its last complete record
    complete: bool = False  # the footer was reached
    damage: str | None = None  # why reading stopped early, with how far it got
    truncated: bool = False  # the damage is only a missing end (killed recorder, cut copy): what was read is sound

    @property
    def audio_seconds(self) -> float:
        fmt = self.config.audio_format
        if not self.audio or not fmt.channel_count:
            return 0.0
        return sum(len(rpb.RecordedAudio.FromString(a.data).data) for a in self.audio) / (4 * fmt.channel_count * SAMPLE_RATE)

    def parsed_responses(self) -> list[pb.AnimateResponse]:
        return [pb.AnimateResponse.FromString(r.data) for r in self.responses]


def read_recording(path: str | Path) -> Recording:
    """Everything readable in `path`; damage past that is described in `Recording.damage`.

    Raises RecordingError when nothing useful can be read: not MCAP, another schema version,
    not a Talking Together recording.
    """
    path = Path(path)
    if not path.is_file():
        raise RecordingError(f"{path}: no such file")
    size = path.stat().st_size
    with open(path, "rb") as f:
        recording: Recording | None = None
        schemas: dict[int, str] = {}
        topics: dict[int, str] = {}
        try:
            for record in StreamReader(f, validate_crcs=True, record_size_limit=_RECORD_LIMIT).records:
                if recording is None:
                    recording = _start(path, size, record)
                    continue
                if isinstance(record, Schema):
                    schemas[record.id] = record.name
                elif isinstance(record, McapChannel):
                    topics[record.id] = _check_channel(path, record, schemas)
                elif isinstance(record, McapMessage):
                    _add(recording, topics, record)
                elif isinstance(record, Metadata) and record.name == METADATA_NAME:
                    recording.schema_version = _check_version(path, record.metadata)
                elif isinstance(record, Footer):
                    recording.complete = True
                if not recording.schema_version:
                    raise RecordingError(f"{path}: an MCAP file, but not a Talking Together recording (no '{METADATA_NAME}' metadata before its data)")
                recording.read_bytes = f.tell()
        except RecordingError:
            raise
        except InvalidMagic:
            f.seek(0)
            raise RecordingError(f"{path}: not an MCAP file (it starts with {f.read(8)!r}): expected a .mcap from `talking-together record` or `serve --record`") from None
        except (McapError, DecodeError, ValueError, struct.error, zstandard.ZstdError, MemoryError) as exc:
            if recording is None:
                raise RecordingError(f"{path}: not a readable MCAP file ({size} bytes): {_describe(exc)}") from None
            recording.truncated = isinstance(exc, EndOfFile) and f.tell() >= size
            recording.damage = _damage_note(recording, recording.truncated, exc)
    if recording is None or not recording.schema_version:
        raise RecordingError(f"{path}: empty or not a Talking Together recording")
    return recording


def _start(path: Path, size: int, record: object) -> Recording:
    if not isinstance(record, Header):
        raise RecordingError(f"{path}: MCAP magic but no header record: not a recording")
    return Recording(path=path, size_bytes=size, schema_version="", library=record.library)


def _check_version(path: Path, metadata: dict[str, str]) -> str:
    found = metadata.get("recording_schema_version", "")
    if found != RECORDING_SCHEMA_VERSION:
        raise RecordingError(
            f"{path}: recording schema version {found or '(none)'}, but this talking-together "
            f"{__version__} reads version {RECORDING_SCHEMA_VERSION}: use the version that wrote it "
            f"({metadata.get('software_version', 'unknown')}) or convert the file"
        )
    return found


def _check_channel(path: Path, channel: McapChannel, schemas: dict[int, str]) -> str:
    expected = TOPIC_TYPES.get(channel.topic)
    found = schemas.get(channel.schema_id, "")
    if expected is not None and found != expected.DESCRIPTOR.full_name:
        raise RecordingError(f"{path}: topic {channel.topic} holds {found or 'no schema'}, expected {expected.DESCRIPTOR.full_name}")
    return channel.topic


def _add(recording: Recording, topics: dict[int, str], message: McapMessage) -> None:
    topic = topics.get(message.channel_id)
    if topic is None:
        raise ValueError(f"message on unknown channel {message.channel_id}")
    if topic in (TOPIC_ANIMATION, TOPIC_AUDIO):
        stamped = Stamped(message.log_time, message.publish_time, message.data)
        (recording.responses if topic == TOPIC_ANIMATION else recording.audio).append(stamped)
    elif topic == TOPIC_CONFIG:
        recording.config = rpb.SessionConfig.FromString(message.data)
    elif topic == TOPIC_CALIBRATION:
        recording.calibration = rpb.Calibration.FromString(message.data)


def _describe(exc: BaseException) -> str:
    if isinstance(exc, EndOfFile):
        return "the file ends in the middle of a record"
    return f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__


def _damage_note(recording: Recording, truncated: bool, exc: BaseException) -> str:
    frames = [r.publish_time_ns for r in recording.responses if pb.AnimateResponse.FromString(r.data).WhichOneof("payload") == "frame"]
    span = (frames[-1] - frames[0]) / 1e9 if frames else 0.0
    read = f"read {recording.read_bytes} of {recording.size_bytes} bytes: {len(frames)} frames, {span:.2f} s"
    if truncated:
        return f"{recording.path}: incomplete, it ends without its footer (recorder killed, or file cut short); {read}"
    return f"{recording.path}: damaged after byte {recording.read_bytes} ({_describe(exc)}); {read} before the damage"
