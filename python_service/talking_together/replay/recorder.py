"""The two ways to record: inside the server (`serve --record`) and as a subscriber (`record`)."""

from __future__ import annotations

import logging
import signal
import threading
import time
from pathlib import Path

import grpc

from talking_together import __version__
from talking_together.contract import SAMPLE_RATE
from talking_together.replay.recording import RecordingWriter
from talking_together.service.config import ServerConfig
from talking_together.service.room import RoomSession
from talking_together.v1 import recording_pb2 as rpb
from talking_together.v1 import talking_together_pb2 as pb
from talking_together.v1 import talking_together_pb2_grpc as pb_grpc

log = logging.getLogger(__name__)


def record_room(path: str | Path, room: RoomSession, config: ServerConfig) -> RecordingWriter:
    """Attach a recorder to `room`: its audio blocks, its header and every broadcast message."""
    calibration = None
    if config.calibration:
        calibration = rpb.Calibration(id=room.calibration_id, json=Path(config.calibration).read_text())
    session = rpb.SessionConfig(
        recorder="serve --record",
        software_version=__version__,
        start_time_unix_ns=time.time_ns(),
        audio_source=room.source.description,
        animator=room.animator.name,
        layout_prompt=config.layout_prompt or "",
        seed=config.seed,
        audio_format=pb.AudioFormat(sample_rate_hz=SAMPLE_RATE, channel_count=room.source.channels, encoding=pb.AUDIO_ENCODING_FLOAT32),
    )
    writer = RecordingWriter(path, session, calibration)
    writer.on_message(room.header())
    room.observers.append(writer)
    log.info("recording room %s to %s", room.session_id, path)
    return writer


def record_server(address: str, path: str | Path, client_name: str = "recorder") -> int:
    """Subscribe to the room at `address` and record every response until it ends; SIGINT or
    SIGTERM stop it cleanly. Returns the number of responses recorded."""
    with grpc.insecure_channel(address) as channel:
        stub = pb_grpc.TalkingTogetherStub(channel)
        info = stub.GetInfo(pb.GetInfoRequest(), timeout=10)
        session = rpb.SessionConfig(
            recorder=f"record --server {address}",
            software_version=__version__,
            start_time_unix_ns=time.time_ns(),
            animator=info.animator,
            service_info=info,
        )
        writer = RecordingWriter(path, session)
        responses = stub.Subscribe(pb.SubscribeRequest(client_name=client_name))
        stop_signals = (signal.SIGINT, signal.SIGTERM) if threading.current_thread() is threading.main_thread() else ()
        previous = {sig: signal.signal(sig, lambda *_: responses.cancel()) for sig in stop_signals}
        count = 0
        try:
            for response in responses:
                writer.on_message(response)
                count += 1
        except grpc.RpcError as exc:
            if exc.code() != grpc.StatusCode.CANCELLED:
                raise
            log.info("recording stopped")
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)
            writer.close()
    log.info("recorded %d responses from %s to %s", count, address, path)
    return count
