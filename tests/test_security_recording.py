"""A SIGKILLed `serve --record` leaves a file the seeking MCAP reader opens (issue 18).

A real `talking-together serve --record` subprocess streams its room to the Python client and is
killed with SIGKILL mid-stream. `mcap.reader.make_reader` and the streaming reader must both read
every message the server wrote up to its last flush; `inspect --repair` must turn the file (and a
torn or damaged one) into a complete, indexed recording.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
import soundfile as sf
from mcap.reader import make_reader
from mcap.records import Channel as McapChannel
from mcap.records import Chunk
from mcap.records import Message as McapMessage
from mcap.stream_reader import StreamReader, breakup_chunk
from mcap_protobuf.decoder import DecoderFactory

from talking_together.cli import main
from talking_together.replay.recording import (
    FLUSH_S, TOPIC_ANIMATION, TOPIC_AUDIO, TOPIC_CONFIG, RecordingWriter, read_recording, repair_recording,
)
from talking_together.service.client import subscribe
from talking_together.service.tls import open_channel
from talking_together.v1 import recording_pb2 as rpb
from talking_together.v1 import talking_together_pb2 as pb

WATCH_S = 4.0  # how long the client watches before the kill: a few flushes (frames come slowly on a loaded host)
SLACK_S = 1.0  # a loaded host flushes late: frames received this long before the last flush may be missing


@pytest.fixture(scope="module")
def short_wav(dialogue_wav: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    samples, rate = sf.read(str(dialogue_wav), dtype="int16", always_2d=True)
    path = tmp_path_factory.mktemp("killed") / "room.wav"
    sf.write(str(path), samples[: 4 * rate], rate, subtype="PCM_16")
    return path


def _wait_for_port(server: subprocess.Popen, lines: list[str], timeout_s: float = 60.0) -> int:
    """The port from the server's "serving ... on HOST:PORT" line (it binds --port 0)."""
    found = threading.Event()
    port: list[int] = []

    def pump() -> None:
        for line in server.stderr:
            lines.append(line)
            if not port and (m := re.search(r"serving \S+ on [\d.]+:(\d+)", line)):
                port.append(int(m.group(1)))
                found.set()
        found.set()

    threading.Thread(target=pump, daemon=True).start()
    found.wait(timeout_s)
    if not port:
        server.kill()
        raise AssertionError("server did not start:\n" + "".join(lines))
    return port[0]


@pytest.fixture(scope="module")
def killed(short_wav: Path) -> dict:
    """A `serve --record` run, SIGKILLed while the client watches: the file and what the client saw."""
    out = short_wav.parent / "killed.mcap"
    cmd = [sys.executable, "-m", "talking_together.cli", "serve", "--animator", "baseline", "--source", str(short_wav), "--loop",
           "--record", str(out), "--port", "0"]
    server = subprocess.Popen(cmd, stderr=subprocess.PIPE, text=True)
    lines: list[str] = []
    received: list[tuple[float, bytes]] = []  # (monotonic receive time, frame bytes)
    try:
        port = _wait_for_port(server, lines)
        with open_channel(f"127.0.0.1:{port}") as channel:
            responses = subscribe(channel, "killed-test")
            for response in responses:
                if response.WhichOneof("payload") == "frame":
                    received.append((time.monotonic(), response.SerializeToString()))
                if received and received[-1][0] - received[0][0] >= WATCH_S:
                    break
            killed_at = time.monotonic()
            os.kill(server.pid, signal.SIGKILL)
            responses.cancel()
    finally:
        if server.poll() is None:
            server.kill()
        server.wait(timeout=10)
    assert server.returncode == -signal.SIGKILL, "".join(lines)
    return {"path": out, "received": received, "killed_at": killed_at}


def _seeking_messages(path: Path) -> list[tuple[str, int, int, bytes]]:
    with open(path, "rb") as f:
        reader = make_reader(f, validate_crcs=True, decoder_factories=[DecoderFactory()])
        return [(channel.topic, message.log_time, message.publish_time, message.data)
                for _, channel, message in reader.iter_messages(log_time_order=False)]


def _streamed_messages(path: Path) -> list[tuple[str, int, int, bytes]]:
    topics: dict[int, str] = {}
    out = []
    with open(path, "rb") as f:
        for record in StreamReader(f, validate_crcs=True).records:
            if isinstance(record, McapChannel):
                topics[record.id] = record.topic
            elif isinstance(record, McapMessage):
                out.append((topics[record.channel_id], record.log_time, record.publish_time, record.data))
    return out


def test_both_readers_read_every_message_up_to_the_last_flush(killed: dict) -> None:
    path = killed["path"]
    seeking, streamed = _seeking_messages(path), _streamed_messages(path)
    assert seeking == streamed, "the seeking and the streaming reader disagree"
    topics = [m[0] for m in seeking]
    assert topics[0] == TOPIC_CONFIG and TOPIC_AUDIO in topics
    frames = [pb.AnimateResponse.FromString(m[3]) for m in seeking if m[0] == TOPIC_ANIMATION]
    frames = [r.frame for r in frames if r.WhichOneof("payload") == "frame"]
    assert [f.sequence for f in frames] == list(range(len(frames))), "recorded frames are a contiguous prefix"
    # What the client got is what was recorded, byte for byte, for every sequence both hold.
    got = {pb.AnimateResponse.FromString(data).frame.sequence: data for _, data in killed["received"]}
    recorded = {f.sequence: pb.AnimateResponse(frame=f).SerializeToString() for f in frames}
    assert all(recorded[s] == got[s] for s in recorded.keys() & got.keys())
    # Every frame the client had well before the last flush is in the file.
    must_have = [s for t, data in killed["received"] if t <= killed["killed_at"] - FLUSH_S - SLACK_S
                 for s in [pb.AnimateResponse.FromString(data).frame.sequence]]
    assert must_have, "the client saw too little before the kill"
    assert max(must_have) in recorded, f"frame {max(must_have)} was flushed before the kill but is missing ({len(frames)} recorded)"
    # The file says what it is: a killed recording, readable to its end.
    with open(path, "rb") as f:
        reader = make_reader(f)
        assert reader.get_summary() is None
        assert any(m.name == "talking_together.recording" for m in reader.iter_metadata())
    recording = read_recording(path)
    assert not recording.complete and recording.truncated and recording.read_bytes == recording.size_bytes
    assert "incomplete" in recording.damage and "--repair" in recording.damage


def test_repair_indexes_a_killed_recording(killed: dict, tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    path = tmp_path / "copy.mcap"
    shutil.copy(killed["path"], path)
    before = _seeking_messages(path)
    assert main(["inspect", "--repair", str(path)]) == 0
    assert "repaired" in capsys.readouterr().err
    after = _seeking_messages(path)
    assert sorted(after) == sorted(before) and [m for m in after if m[0] == TOPIC_ANIMATION] == [m for m in before if m[0] == TOPIC_ANIMATION]
    with open(path, "rb") as f:
        summary = make_reader(f).get_summary()
    assert summary is not None and summary.chunk_indexes and summary.statistics.message_count == len(before)
    assert read_recording(path).complete and not list(tmp_path.glob("*.damaged"))
    assert repair_recording(path) is None  # already complete: untouched


def _chunks(path: Path) -> list[tuple[int, int, list[bytes]]]:
    """(start, end, message payloads) of every complete Chunk record, in order; a file being written is read as far as it goes."""
    chunks, begin = [], 8  # after the magic
    with open(path, "rb") as f:
        try:
            for record in StreamReader(f, emit_chunks=True).records:
                if isinstance(record, Chunk):
                    chunks.append((begin, f.tell(), [m.data for m in breakup_chunk(record) if isinstance(m, McapMessage)]))
                begin = f.tell()
        except Exception:
            pass
    return chunks


def _unclosed_recording(path: Path, chunks: int = 3) -> bytes:
    """The bytes a killed recorder leaves after a few flushes: copied while the real writer is still open."""
    writer = RecordingWriter(path, rpb.SessionConfig(recorder="test"), flush_s=0.05)
    try:
        sequence = 0
        deadline = time.monotonic() + 20
        while len(_chunks(path)) < chunks and time.monotonic() < deadline:
            writer.on_message(pb.AnimateResponse(frame=pb.Frame(sequence=sequence, capture_time_ns=time.monotonic_ns())))
            sequence += 1
            time.sleep(0.01)
        time.sleep(0.2)  # nothing new: the writer is idle, the file is what a kill now leaves
        assert len(_chunks(path)) >= chunks
        return path.read_bytes()
    finally:
        writer.close()


def test_repair_opens_a_torn_and_a_damaged_file(tmp_path: Path) -> None:
    """A kill inside a flush's write tears the end; bad bytes damage the middle. Repair rescues what reads."""
    unclosed = tmp_path / "unclosed.mcap"
    data = _unclosed_recording(unclosed)
    unclosed.write_bytes(data)
    chunks = _chunks(unclosed)
    last_start, last_end, _ = chunks[-1]
    # The readable frames: the messages of every chunk but the last, less the config.
    before_last = [m for _, _, messages in chunks[:-1] for m in messages][1:]
    assert before_last and chunks[-1][2]

    torn = tmp_path / "torn.mcap"
    torn.write_bytes(data[: (last_start + last_end) // 2])  # killed halfway through writing its last chunk
    with open(torn, "rb") as f, pytest.raises(Exception):
        list(make_reader(f).iter_messages())
    readable = read_recording(torn)
    assert readable.truncated and [r.data for r in readable.responses] == before_last
    repaired = repair_recording(torn)
    assert repaired is not None and repaired.backup is None
    assert [m[3] for m in _seeking_messages(torn) if m[0] == TOPIC_ANIMATION] == before_last

    damaged = tmp_path / "damaged.mcap"
    spoiled = bytearray(data)
    middle = (last_start + last_end) // 2
    spoiled[middle - 8 : middle + 8] = bytes(16)  # inside the last chunk's compressed data
    damaged.write_bytes(bytes(spoiled))
    readable = read_recording(damaged)
    assert readable.damage and not readable.truncated and [r.data for r in readable.responses] == before_last
    repaired = repair_recording(damaged)
    assert repaired.backup is not None and repaired.backup.read_bytes() == bytes(spoiled)
    assert [m[3] for m in _seeking_messages(damaged) if m[0] == TOPIC_ANIMATION] == before_last
    assert read_recording(damaged).complete
