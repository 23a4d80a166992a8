"""A Python client: stream a file to Animate or join the room with Subscribe, and measure.

Also the reference for other clients: header first, then audio chunks, then an end marker.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

import grpc
import numpy as np
import soundfile as sf
from google.protobuf import json_format

from talking_together.service.tls import ClientTLS, open_channel
from talking_together.v1 import talking_together_pb2 as pb
from talking_together.v1 import talking_together_pb2_grpc as pb_grpc


def audio_requests(
    audio_path: str | Path,
    layout_prompt: str | None = None,
    realtime: bool = False,
    chunk_ms: float = 40.0,
    animator: str = "",
) -> Iterator[pb.AnimateRequest]:
    """Header, PCM16 chunks at the file's own rate and channel count, then EndOfAudio.

    Each chunk carries its capture time on this process's monotonic clock: when its newest sample
    was (in real time) or would have been captured, which for a file sent fast is when gRPC asks
    for the chunk. The server echoes it per frame, so `StreamStats` measures latency end to end.
    """
    samples, rate = sf.read(str(audio_path), dtype="int16", always_2d=True)
    layout = pb.LayoutSpec(prompt=layout_prompt) if layout_prompt else pb.LayoutSpec()
    yield pb.AnimateRequest(
        header=pb.ClientHeader(
            audio_format=pb.AudioFormat(sample_rate_hz=rate, channel_count=samples.shape[1], encoding=pb.AUDIO_ENCODING_PCM16),
            layout=layout,
            options=pb.AnimateOptions(animator=animator),
        )
    )
    step = max(1, int(rate * chunk_ms / 1000))
    start = time.monotonic()
    for begin in range(0, samples.shape[0], step):
        if realtime:
            time.sleep(max(0.0, start + begin / rate - time.monotonic()))
        chunk = samples[begin : begin + step].astype("<i2").tobytes()
        yield pb.AnimateRequest(audio=pb.AudioChunk(data=chunk, client_capture_time_ns=time.monotonic_ns()))
    yield pb.AnimateRequest(end=pb.EndOfAudio())


def animate_file_stream(
    channel: grpc.Channel, audio_path: str | Path, layout_prompt: str | None = None, realtime: bool = False, animator: str = ""
) -> Iterator[pb.AnimateResponse]:
    return pb_grpc.TalkingTogetherStub(channel).Animate(audio_requests(audio_path, layout_prompt, realtime, animator=animator))


def animate_file(
    address: str, audio_path: str | Path, layout_prompt: str | None = None, realtime: bool = False, animator: str = "",
    tls: ClientTLS | None = None, token: str | None = None,
) -> list[pb.AnimateResponse]:
    """Every response of one Animate stream: header, frames, final status (over TLS and with a token when given)."""
    with open_channel(address, tls, token) as channel:
        return list(animate_file_stream(channel, audio_path, layout_prompt, realtime, animator))


def subscribe(channel: grpc.Channel, client_name: str = "python-client") -> Iterator[pb.AnimateResponse]:
    return pb_grpc.TalkingTogetherStub(channel).Subscribe(pb.SubscribeRequest(client_name=client_name))


@dataclass
class StreamStats:
    """Frame rate as received, and two latencies.

    - `latencies_ms`: capture to emit, from the server's stamps (capture is the chunk's arrival,
      so the server's own queueing is in it).
    - `client_latencies_ms`: capture to receipt on this process's clock, for frames that echo our
      chunks' capture times (Animate from `audio_requests`): every queue on the way, both
      transports included. This is the latency a client reports; Subscribe has none.
    """

    frames: int = 0
    first_s: float | None = None
    last_s: float = 0.0
    latencies_ms: list[float] = field(default_factory=list)
    client_latencies_ms: list[float] = field(default_factory=list)
    max_gap_ms: float = 0.0  # the longest wait between two frames as received
    status: pb.FinalStatus | None = None

    def add(self, response: pb.AnimateResponse) -> None:
        kind = response.WhichOneof("payload")
        if kind == "frame":
            received_ns = time.monotonic_ns()
            now = received_ns / 1e9
            if self.first_s is None:
                self.first_s = now
            else:
                self.max_gap_ms = max(self.max_gap_ms, 1000 * (now - self.last_s))
            self.last_s = now
            self.frames += 1
            frame = response.frame
            self.latencies_ms.append((frame.emit_time_ns - frame.capture_time_ns) / 1e6)
            if frame.client_capture_time_ns:
                self.client_latencies_ms.append((received_ns - frame.client_capture_time_ns) / 1e6)
        elif kind == "status":
            self.status = response.status

    def summary(self) -> dict[str, float]:
        """latency_*: server capture to emit; client_latency_*: capture to receipt here (absent without echoed stamps)."""
        span = self.last_s - (self.first_s or self.last_s)
        lat = np.array(self.latencies_ms) if self.latencies_ms else np.zeros(1)
        out = {
            "frames": self.frames,
            "fps": (self.frames - 1) / span if span > 0 else 0.0,
            "latency_p50_ms": float(np.percentile(lat, 50)),
            "latency_p95_ms": float(np.percentile(lat, 95)),
            "max_gap_ms": self.max_gap_ms,
        }
        if self.client_latencies_ms:
            client = np.array(self.client_latencies_ms)
            out.update(client_latency_p50_ms=float(np.percentile(client, 50)), client_latency_p95_ms=float(np.percentile(client, 95)))
        return out


def write_jsonl(response: pb.AnimateResponse, out: IO[str]) -> None:
    """One response per line, in protobuf's canonical JSON mapping (any language can read it)."""
    out.write(json.dumps(json_format.MessageToDict(response), separators=(",", ":")) + "\n")


def read_jsonl(path: str | Path) -> list[pb.AnimateResponse]:
    """The responses `write_jsonl` wrote, in order; blank lines are skipped.

    Raises FileNotFoundError for a missing file and ValueError naming the first line that is not
    an AnimateResponse in protobuf's JSON mapping.
    """
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"{path}: no such file")
    responses = []
    for number, line in enumerate(path.read_bytes().splitlines(), start=1):
        if not line.strip():
            continue
        try:
            responses.append(json_format.Parse(line.decode("utf-8"), pb.AnimateResponse()))
        except (json_format.ParseError, UnicodeDecodeError) as exc:
            raise ValueError(f"{path}: line {number} is not a frame-stream line ({exc}): expected the JSONL that `talking-together client --out` or `demo` writes") from None
    return responses
