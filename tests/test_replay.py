"""Recording and replay: record a live room two ways, replay it bit-exact and on time, survive
SIGKILL, open the file with the plain `mcap` reader, and refuse bad files with a clear message."""

from __future__ import annotations

import asyncio
import json
import os
import pickle
import signal
import subprocess
import sys
import time
from pathlib import Path

import grpc
import numpy as np
import pytest
import soundfile as sf
from mcap.reader import make_reader
from mcap.writer import Writer as McapWriter
from mcap_protobuf.decoder import DecoderFactory

from talking_together.cli import main
from talking_together.replay.recorder import record_server
from talking_together.replay.recording import METADATA_NAME, RecordingError, read_recording
from talking_together.replay.server import replay_starter
from talking_together.service.client import audio_requests
from talking_together.service.config import ServerConfig
from talking_together.service.server import BackgroundServer, start_server
from talking_together.v1 import talking_together_pb2 as pb
from talking_together.v1 import talking_together_pb2_grpc as pb_grpc

SECONDS = 4.0


@pytest.fixture(scope="module")
def short_wav(dialogue_wav: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    samples, rate = sf.read(str(dialogue_wav), dtype="int16", always_2d=True)
    path = tmp_path_factory.mktemp("replay") / "short.wav"
    sf.write(str(path), samples[: int(SECONDS * rate)], rate, subtype="PCM_16")
    return path


@pytest.fixture(scope="module")
def recorded(short_wav: Path) -> tuple[Path, Path]:
    """One live room recorded twice: inside the server (serve --record) and by a subscriber (record)."""
    room_file, client_file = short_wav.parent / "room.mcap", short_wav.parent / "client.mcap"
    with BackgroundServer(ServerConfig(port=0, source=str(short_wav), record=str(room_file))) as server:
        record_server(server.address, client_file)  # returns when the room's file source ends
    return room_file, client_file


# A Subscribe client in its own process, as a headset is: it keeps every response's bytes as they
# arrived (no re-serialization) with the monotonic receive time, and does not share our GIL.
RAW_SUBSCRIBER = """
import pickle, sys, time, grpc
with grpc.insecure_channel(sys.argv[1]) as channel:
    call = channel.unary_stream("/talking_together.v1.TalkingTogether/Subscribe", request_serializer=None, response_deserializer=None)
    received = [(time.monotonic_ns(), data) for data in call(b"")]
sys.stdout.buffer.write(pickle.dumps(received))
"""


def _raw_subscribe(address: str) -> list[tuple[int, bytes]]:
    done = subprocess.run([sys.executable, "-c", RAW_SUBSCRIBER, address], capture_output=True, check=True, timeout=60)
    return pickle.loads(done.stdout)


def _kind(data: bytes) -> str:
    return pb.AnimateResponse.FromString(data).WhichOneof("payload")


def test_serve_record_holds_audio_config_and_every_message(recorded: tuple[Path, Path]) -> None:
    room, client = read_recording(recorded[0]), read_recording(recorded[1])
    assert room.complete and room.damage is None and client.complete
    assert room.config.recorder == "serve --record" and room.config.audio_source == "file:short.wav"
    assert client.config.recorder.startswith("record --server") and client.config.service_info.fps == 25
    assert abs(room.audio_seconds - SECONDS) < 0.05
    kinds = [_kind(r.data) for r in room.responses]
    assert kinds[0] == "header" and kinds[-1] == "status" and abs(kinds.count("frame") - SECONDS * 25) <= 1
    frames = [pb.AnimateResponse.FromString(r.data).frame for r in room.responses if _kind(r.data) == "frame"]
    assert [f.sequence for f in frames] == list(range(len(frames)))
    # The subscriber saw the very frames the room broadcast, byte for byte.
    assert [r.data for r in client.responses if _kind(r.data) == "frame"] == [r.data for r in room.responses if _kind(r.data) == "frame"]


def test_standard_mcap_reader_opens_it(recorded: tuple[Path, Path]) -> None:
    with open(recorded[0], "rb") as f:
        reader = make_reader(f, decoder_factories=[DecoderFactory()])
        summary = reader.get_summary()
        metadata = {m.name: m.metadata for m in reader.iter_metadata()}
        messages = list(reader.iter_decoded_messages())
    assert metadata[METADATA_NAME]["recording_schema_version"] == "1"
    assert summary.statistics.chunk_count >= SECONDS - 1, "a chunk should close about every second"
    assert len(summary.chunk_indexes) == summary.statistics.chunk_count
    by_topic = {}
    for _, channel, message, decoded in messages:
        by_topic.setdefault(channel.topic, []).append((message, decoded))
    assert set(by_topic) == {"/session/config", "/room/audio", "/animation"}
    frames = [(m, d) for m, d in by_topic["/animation"] if d.WhichOneof("payload") == "frame"]
    started = by_topic["/session/config"][0][0].log_time
    ended = max(m.log_time for m, _ in frames)
    for message, decoded in frames:
        # publish: when the audio behind the frame was captured, inside the session; log: later,
        # when the recorder got the frame. (How much later is the latency bench's business.)
        assert started <= message.publish_time < message.log_time <= ended
    intervals = np.diff([m.publish_time for m, _ in frames])
    assert np.all(intervals == 40_000_000)


def test_replay_is_bit_exact_and_on_time(recorded: tuple[Path, Path]) -> None:
    recording = read_recording(recorded[1])
    with BackgroundServer(ServerConfig(port=0), start=replay_starter(recording)) as server:
        received = _raw_subscribe(server.address)
    assert [data for _, data in received] == [r.data for r in recording.responses]

    frame_at = [(t, r) for (t, data), r in zip(received, recording.responses) if _kind(data) == "frame"]
    # Pacing is a schedule: each frame's arrival against its recorded time, less the constant
    # transport offset (the median). Differencing neighbours instead would count each hiccup twice.
    offset_ms = np.array([t - r.publish_time_ns for t, r in frame_at]) / 1e6
    error_ms = np.abs(offset_ms - np.median(offset_ms))
    p50, p95 = np.percentile(error_ms, [50, 95])
    print(f"replay pacing error at speed 1: p50 {p50:.2f} ms, p95 {p95:.2f} ms, max {error_ms.max():.2f} ms")
    assert p95 < 5.0


def test_replay_animate_info_speed_and_loop(recorded: tuple[Path, Path], short_wav: Path) -> None:
    recording = read_recording(recorded[1])
    with BackgroundServer(ServerConfig(port=0), start=replay_starter(recording, speed=20.0, loop=True)) as server:
        started = time.monotonic()
        with grpc.insecure_channel(server.address) as channel:
            stub = pb_grpc.TalkingTogetherStub(channel)
            info = stub.GetInfo(pb.GetInfoRequest())
            assert info.room_session_active and info.animator == pb.AnimateResponse.FromString(recording.responses[0].data).header.animator
            # Animate: the client's audio is ignored, the answer is the recording, once.
            answer = list(stub.Animate(audio_requests(short_wav)))
            assert [r.SerializeToString() for r in answer] == [r.data for r in recording.responses]
            # Subscribe with --loop: the stream goes on past the recording, contiguous and monotonic.
            stream = stub.Subscribe(pb.SubscribeRequest())
            frames = []
            for response in stream:
                if response.WhichOneof("payload") == "frame":
                    frames.append(response.frame)
                if len(frames) == 250:
                    stream.cancel()
                    break
        elapsed = time.monotonic() - started
    assert elapsed < 2 * 250 / 25 / 20 + 2.0, "speed 20 should play 10 s of frames in about half a second"
    assert [f.sequence for f in frames] == list(range(250))
    assert np.all(np.diff([f.capture_time_ns for f in frames]) > 0)


def test_sigkilled_recorder_leaves_a_file_inspect_reads(short_wav: Path, tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    out, summary = tmp_path / "killed.mcap", tmp_path / "killed.json"
    with BackgroundServer(ServerConfig(port=0, source=str(short_wav), loop_source=True)) as server:
        recorder = subprocess.Popen([sys.executable, "-m", "talking_together.cli", "record", "--server", server.address, "--out", str(out)])
        try:
            room, deadline = server.service.room, time.monotonic() + 30
            while not room.subscribers and time.monotonic() < deadline:
                time.sleep(0.1)
            time.sleep(2.5)  # two or three one-second chunks
            os.kill(recorder.pid, signal.SIGKILL)
        finally:
            if recorder.poll() is None:
                recorder.kill()
            recorder.wait(timeout=10)
    assert recorder.returncode == -signal.SIGKILL
    assert main(["inspect", str(out), "--json", str(summary)]) == 0
    report = json.loads(summary.read_text())
    assert not report["complete"] and report["frames"] >= 25 and report["missing_frames"] == 0
    assert "incomplete" in capsys.readouterr().err


def test_other_schema_version_is_refused_by_name(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    path = tmp_path / "future.mcap"
    with open(path, "wb") as f:
        writer = McapWriter(f)
        writer.start(profile="talking_together")
        writer.add_metadata(METADATA_NAME, {"recording_schema_version": "2", "software_version": "9.9.9"})
        writer.finish()
    with pytest.raises(RecordingError, match=r"schema version 2, but .* reads version 1"):
        read_recording(path)
    assert main(["inspect", str(path)]) == 1
    assert "schema version 2" in capsys.readouterr().err


def test_damaged_files_say_how_far_they_were_read(recorded: tuple[Path, Path], short_wav: Path, tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    data = recorded[0].read_bytes()
    cut = tmp_path / "cut.mcap"
    cut.write_bytes(data[: len(data) // 2])
    partial = read_recording(cut)
    assert partial.truncated and 0 < partial.read_bytes <= len(data) // 2
    assert f"read {partial.read_bytes} of {len(data) // 2} bytes" in partial.damage

    corrupt = tmp_path / "corrupt.mcap"
    spoiled = bytearray(data)
    spoiled[len(data) // 3 : len(data) // 3 + 64] = bytes(64)
    corrupt.write_bytes(bytes(spoiled))
    damaged = read_recording(corrupt)
    assert damaged.damage and not damaged.truncated and "damaged after byte" in damaged.damage
    assert 0 < damaged.read_bytes < len(data) // 3 + 64

    empty = tmp_path / "empty.mcap"
    empty.write_bytes(b"")
    codes = [main(["inspect", str(p)]) for p in (corrupt, short_wav, empty, tmp_path / "missing.mcap")]
    err = capsys.readouterr().err
    assert codes == [1, 1, 1, 1]
    assert "not an MCAP file" in err and "damaged after byte" in err and "no such file" in err
    assert "Traceback" not in err


def test_record_needs_a_room(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="--source"):
        asyncio.run(start_server(ServerConfig(port=0, record=str(tmp_path / "x.mcap"))))
