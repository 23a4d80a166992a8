"""The recording format: writing it crash-safely, reading it back however damaged, repairing it.

A recording is an MCAP file of protobuf messages on four topics (see recording.proto). The
recording schema version sits in a metadata record written before any data, so a reader can
refuse a file it does not understand before reading it.

Crash safety: between flushes the file always ends in a DataEnd record and a summary-less
Footer (`_TailedFile`), so a SIGKILLed recorder leaves a well-formed MCAP file that the seeking
reader (`mcap.reader.make_reader`) opens by falling back to a linear read. `repair_recording`
rewrites such a file (or a torn or damaged one) into a complete, indexed one.
"""

from __future__ import annotations

import logging
import os
import queue
import shutil
import struct
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import zstandard
from google.protobuf.message import DecodeError, Message
from mcap.exceptions import EndOfFile, InvalidMagic, McapError
from mcap.data_stream import RecordBuilder
from mcap.records import Attachment, DataEnd, Footer, Header, Metadata, Schema
from mcap.records import Channel as McapChannel
from mcap.records import Message as McapMessage
from mcap.stream_reader import StreamReader
from mcap.well_known import MessageEncoding
from mcap.writer import LIBRARY_IDENTIFIER, MCAP0_MAGIC, CompressionType
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


def _provisional_tail() -> bytes:
    """DataEnd, a Footer that points at no summary, and the closing magic: a complete MCAP ending."""
    builder = RecordBuilder()
    DataEnd(data_section_crc=0).write(builder)
    Footer(summary_start=0, summary_offset_start=0, summary_crc=0).write(builder)
    return builder.end() + MCAP0_MAGIC


_TAIL = _provisional_tail()


class RecordingError(Exception):
    """A file that cannot be used as a recording; the message says why and what to do."""


class _TailedFile:
    """The stream the MCAP writer writes into: each `flush` leaves the file ending in `_TAIL`.

    Why: the seeking reader starts at the end of a file, so a killed recorder's file must end in a
    Footer, not in the middle of its data. Writes are held in memory until `flush`, which writes
    them and a fresh tail in one `pwrite` over the previous tail; `finish` writes the real
    summary and footer instead. A SIGKILL can land only inside that one write (a torn end, which
    `read_recording` still reads up to and `repair_recording` fixes).
    """

    def __init__(self, path: Path) -> None:
        self._fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
        self._pending = bytearray()
        self._written = 0  # bytes of data on disk, before the tail

    def write(self, data: bytes) -> int:
        self._pending += data
        return len(data)

    def tell(self) -> int:
        return self._written + len(self._pending)

    def flush(self, tail: bytes = _TAIL) -> None:
        data = memoryview(bytes(self._pending) + tail)
        offset = self._written
        while data:
            n = os.pwrite(self._fd, data, offset)
            data, offset = data[n:], offset + n
        self._written += len(self._pending)
        self._pending.clear()

    def finish(self) -> None:
        """Write what the MCAP writer's `finish` wrote (its summary and footer), without a tail."""
        self.flush(tail=b"")
        os.ftruncate(self._fd, self._written)

    def close(self) -> None:
        os.close(self._fd)


class RecordingWriter:
    """Writes one recording; `on_audio`/`on_message` only queue, a thread owns the file.

    Why a thread: compression and disk writes must never stall the event loop. Why a chunk every
    `flush_s`, each followed by a provisional footer (`_TailedFile`): a SIGKILLed process leaves
    a complete MCAP file, without a summary, holding every message up to the last flush.
    Also a RoomSession observer, so `serve --record` attaches it to the room directly.
    """

    def __init__(self, path: str | Path, config: rpb.SessionConfig, calibration: rpb.Calibration | None = None, flush_s: float = FLUSH_S) -> None:
        self.path = Path(path)
        self.flush_s = flush_s
        self._file = _TailedFile(self.path)
        self._mcap = McapWriter(self._file, chunk_size=_CHUNK_BYTES, compression=CompressionType.ZSTD)
        self._mcap.start(profile=PROFILE, library=f"talking-together/{__version__} {LIBRARY_IDENTIFIER}")
        self._mcap.add_metadata(
            METADATA_NAME,
            {"recording_schema_version": RECORDING_SCHEMA_VERSION, "wire_schema_version": SCHEMA_VERSION, "software_version": __version__},
        )
        self._mcap.flush()  # from here on the file is a valid (empty) recording, whenever the process dies
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
            self._file.finish()
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
    complete: bool = False  # the footer of a closed recorder was reached: summary and indexes written
    damage: str | None = None  # why reading stopped early, or why the file is incomplete, with how far it got
    truncated: bool = False  # the damage is only a missing end (killed recorder, cut copy): what was read is sound

    @property
    def audio_seconds(self) -> float:
        fmt = self.config.audio_format
        if not self.audio or not fmt.channel_count:
            return 0.0
        return sum(len(rpb.RecordedAudio.FromString(a.data).data) for a in self.audio) / (4 * fmt.channel_count * SAMPLE_RATE)

    def parsed_responses(self) -> list[pb.AnimateResponse]:
        return [pb.AnimateResponse.FromString(r.data) for r in self.responses]

    def audio_track(self) -> tuple[np.ndarray, int] | None:
        """The room audio as one (n, C) float32 array at 16 kHz, and the capture time (server
        monotonic ns) of its first sample; None without audio.

        A block's capture time is that of its newest sample, so the first sample's is the first
        block's less its length. Blocks are joined in order: a gap in capture (a dropped block)
        shortens the track rather than adding silence.
        """
        channels = self.config.audio_format.channel_count or 1
        blocks = [rpb.RecordedAudio.FromString(a.data) for a in self.audio]
        if not blocks:
            return None
        samples = np.frombuffer(b"".join(b.data for b in blocks), dtype="<f4")
        samples = samples[: len(samples) // channels * channels].reshape(-1, channels)
        first_len = len(blocks[0].data) // (4 * channels)
        return samples, blocks[0].capture_time_ns - first_len * 1_000_000_000 // SAMPLE_RATE


# What a damaged MCAP file raises while it is read record by record.
_READ_ERRORS = (McapError, DecodeError, ValueError, struct.error, zstandard.ZstdError, MemoryError)


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
                    # A footer without a summary is the writer's provisional one: it was killed after a flush.
                    recording.complete = record.summary_start != 0
                    recording.truncated = not recording.complete
                if not recording.schema_version:
                    raise RecordingError(f"{path}: an MCAP file, but not a Talking Together recording (no '{METADATA_NAME}' metadata before its data)")
                recording.read_bytes = f.tell()
        except RecordingError:
            raise
        except InvalidMagic:
            f.seek(0)
            raise RecordingError(f"{path}: not an MCAP file (it starts with {f.read(8)!r}): expected a .mcap from `talking-together record` or `serve --record`") from None
        except _READ_ERRORS as exc:
            if recording is None:
                raise RecordingError(f"{path}: not a readable MCAP file ({size} bytes): {_describe(exc)}") from None
            recording.truncated = isinstance(exc, (EndOfFile, struct.error)) and f.tell() >= size  # a short read at the end
            recording.damage = _damage_note(recording, "cut" if recording.truncated else "damaged", exc)
    if recording is None or not recording.schema_version:
        raise RecordingError(f"{path}: empty or not a Talking Together recording")
    if recording.truncated and recording.damage is None:
        recording.read_bytes = size  # the provisional footer and its magic end the file
        recording.damage = _damage_note(recording, "unclosed", None)
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


def _damage_note(recording: Recording, kind: str, exc: BaseException | None) -> str:
    """kind: "unclosed" (provisional footer), "cut" (ends mid-record) or "damaged" (bad bytes)."""
    frames = [r.publish_time_ns for r in recording.responses if pb.AnimateResponse.FromString(r.data).WhichOneof("payload") == "frame"]
    span = (frames[-1] - frames[0]) / 1e9 if frames else 0.0
    read = f"read {recording.read_bytes} of {recording.size_bytes} bytes: {len(frames)} frames, {span:.2f} s"
    if kind == "unclosed":
        return (f"{recording.path}: incomplete, its recorder never closed it (killed or crashed): no summary or index, "
                f"every message up to its last flush is there; {read}; `talking-together inspect --repair` indexes it")
    if kind == "cut":
        return f"{recording.path}: incomplete, it ends without its footer (recorder killed mid-write, or file cut short); {read}"
    return f"{recording.path}: damaged after byte {recording.read_bytes} ({_describe(exc)}); {read} before the damage"


# ---------------------------------------------------------------------------------- repair


@dataclass(frozen=True)
class Repair:
    """What `repair_recording` did: the file is now complete; `damage` says what it was before."""

    path: Path
    damage: str
    messages: int  # messages in the repaired file: every one a reader could read before
    backup: Path | None  # the original of a file damaged mid-way, kept because bytes past the damage are dropped

    def describe(self) -> str:
        kept = f"; the original is kept as {self.backup}" if self.backup else ""
        return f"repaired {self.path}: {self.messages} messages rewritten with a summary and indexes{kept} (it was: {self.damage})"


def repair_recording(path: str | Path) -> Repair | None:
    """Rewrite a killed, cut or damaged recording in place into a complete, indexed one; None if it already is.

    Why: a killed recorder's file has no summary, so tools that seek (indexes, statistics, time
    ranges) must read it linearly, and a file torn mid-write does not open with the seeking
    reader at all. Every record up to the first unreadable one is copied, in order, ids
    remapped; the new file replaces the old one atomically. Raises RecordingError when `path`
    is not a recording at all.
    """
    path = Path(path)
    before = read_recording(path)  # refuses non-recordings and other schema versions, with the reason
    if before.complete:
        return None
    tmp = path.with_name(path.name + ".repairing")
    messages = 0
    with open(path, "rb") as src, open(tmp, "wb") as dst:
        writer = McapWriter(dst, chunk_size=_CHUNK_BYTES, compression=CompressionType.ZSTD)
        schemas: dict[int, int] = {}
        channels: dict[int, int] = {}
        try:
            for record in StreamReader(src, validate_crcs=True, record_size_limit=_RECORD_LIMIT).records:
                if isinstance(record, Header):
                    writer.start(profile=record.profile, library=record.library)
                elif isinstance(record, Schema) and record.id not in schemas:
                    schemas[record.id] = writer.register_schema(record.name, record.encoding, record.data)
                elif isinstance(record, McapChannel) and record.id not in channels:
                    channels[record.id] = writer.register_channel(record.topic, record.message_encoding, schemas.get(record.schema_id, 0), record.metadata)
                elif isinstance(record, McapMessage) and record.channel_id in channels:
                    writer.add_message(channels[record.channel_id], record.log_time, record.data, record.publish_time, record.sequence)
                    messages += 1
                elif isinstance(record, Metadata):
                    writer.add_metadata(record.name, record.metadata)
                elif isinstance(record, Attachment):
                    writer.add_attachment(record.create_time, record.log_time, record.name, record.media_type, record.data)
        except _READ_ERRORS:
            pass  # where read_recording stopped too: what came before is all that can be read
        writer.finish()
    backup = None
    if not before.truncated:
        backup = path.with_name(path.name + ".damaged")
        try:
            os.link(path, backup)
        except OSError:
            shutil.copy2(path, backup)
    os.replace(tmp, path)
    log.info("repaired %s: %d messages", path, messages)
    return Repair(path, before.damage or "incomplete", messages, backup)
