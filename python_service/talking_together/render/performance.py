"""What a render draws: both people's frames as arrays, one row per 40 ms, and the sound beside them.

Inputs are the two stream files the project writes: a frames JSONL (`client --out`, `demo`; read
by `service.client.read_jsonl`) or an MCAP recording (`replay.recording.read_recording`, whose
/room/audio is the sound). Rows are placed by frame sequence, so a missing frame repeats the one
before it and the video keeps the stream's clock.

Audio alignment: row 0 is the 40 ms of audio that frame `first_sequence` was made from. For a
recording that is found from capture times (a frame's capture time is its newest sample's, as is
a recorded block's); a separate WAV is taken to be the audio the stream was made from, which a
room or Animate stream numbers from sample 0, so row 0 starts at sample first_sequence x 640.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from talking_together.contract import ARKIT_BLENDSHAPES, FPS, NUM_EXPRESSIONS, NUM_PARTICIPANTS, SAMPLE_RATE, SAMPLES_PER_FRAME
from talking_together.geometry import Anchor
from talking_together.service.convert import quat_from_proto as quat
from talking_together.service.convert import vec3_from_proto as vec
from talking_together.v1 import talking_together_pb2 as pb

log = logging.getLogger(__name__)

FRAME_NS = 1_000_000_000 // FPS
JSONL_SUFFIXES = (".jsonl", ".ndjson")
MCAP_SUFFIXES = (".mcap",)
WHAT_TO_PASS = "pass FRAMES.jsonl (from `talking-together client --out` or `demo`) or FILE.mcap (from `record` or `serve --record`)"


class RenderInputError(Exception):
    """An input the render cannot use; the message names the problem and the fix."""


@dataclass(frozen=True)
class Performance:
    """Both participants over time: arrays of (T, 2, ...) in the wire's units and frames."""

    expression: np.ndarray  # (T, 2, 52) ARKit order
    translation: np.ndarray  # (T, 2, 3) Δt, anchor frame, metres
    neck: np.ndarray  # (T, 2, 4) rel. anchor
    head: np.ndarray  # (T, 2, 4) rel. neck
    left_eye: np.ndarray  # (T, 2, 4) rel. head
    right_eye: np.ndarray  # (T, 2, 4) rel. head
    head_world_position: np.ndarray  # (T, 2, 3) room R
    head_world_rotation: np.ndarray  # (T, 2, 4) room R
    speaking: np.ndarray  # (T, 2)
    first_sequence: int = 0
    anchors: tuple[Anchor, ...] = ()  # from the stream header; empty without one
    title: str = ""
    audio: np.ndarray | None = None  # (T * 640,) float32 mono at 16 kHz, sample 0 at row 0's start
    audio_source: str = ""  # where the sound came from, for logs

    @property
    def num_frames(self) -> int:
        return len(self.speaking)

    @property
    def duration_s(self) -> float:
        return self.num_frames / FPS


def performance_from_responses(responses: Sequence[pb.AnimateResponse], title: str = "") -> Performance:
    """Rows by sequence from a stream's frames; the header (if any) gives names, anchors and a title."""
    header = next((r.header for r in responses if r.WhichOneof("payload") == "header"), None)
    frames: dict[int, pb.Frame] = {}
    for r in responses:
        if r.WhichOneof("payload") == "frame" and len(r.frame.participants) == NUM_PARTICIPANTS:
            frames.setdefault(r.frame.sequence, r.frame)  # a replayed loop repeats sequences: the first wins
    if not frames:
        raise ValueError("no two-person frames in the stream: nothing to render")
    first, last = min(frames), max(frames)
    rows = []
    for seq in range(first, last + 1):
        rows.append(frames.get(seq, rows[-1] if rows else None))
    if (missing := last - first + 1 - len(frames)) > 0:
        log.warning("%d of %d frames are missing; each gap holds the frame before it", missing, len(rows))

    names = list(header.expression_names) if header and header.expression_names else list(ARKIT_BLENDSHAPES)
    columns = np.array([names.index(n) if n in names else -1 for n in ARKIT_BLENDSHAPES])
    known = columns >= 0  # a weight the stream does not name stays 0

    def field(get) -> np.ndarray:
        return np.array([[get(p) for p in f.participants] for f in rows], dtype=np.float64)

    raw = field(lambda p: (list(p.expression) + [0.0] * len(names))[: len(names)])
    expression = np.zeros(raw.shape[:2] + (NUM_EXPRESSIONS,))
    expression[..., known] = raw[..., columns[known]]
    anchors = tuple(Anchor(vec(a.position), a.yaw_rad) for a in header.layout.anchors) if header else ()
    if not title and header:
        title = " · ".join(x for x in (header.layout.description, header.animator) if x)
    return Performance(
        expression=np.clip(expression, 0.0, 1.0),
        translation=field(lambda p: vec(p.translation)),
        neck=field(lambda p: quat(p.neck)),
        head=field(lambda p: quat(p.head)),
        left_eye=field(lambda p: quat(p.left_eye)),
        right_eye=field(lambda p: quat(p.right_eye)),
        head_world_position=field(lambda p: vec(p.head_world.position)),
        head_world_rotation=field(lambda p: quat(p.head_world.rotation)),
        speaking=field(lambda p: p.speaking),
        first_sequence=first,
        anchors=anchors if len(anchors) == NUM_PARTICIPANTS else (),
        title=title,
    )


def with_audio(performance: Performance, samples: np.ndarray, source: str, first_sample: int | None = None) -> Performance:
    """The performance with `samples` ((n,) or (n, C) at 16 kHz, mixed to mono) cut so that
    `first_sample` lands on row 0, and padded or cut to exactly the video's length.

    first_sample None: `samples` is the audio the stream was made from, numbered from its
    sample 0 as frame sequences are, so row 0 starts at first_sequence x 640.
    """
    if first_sample is None:
        first_sample = performance.first_sequence * SAMPLES_PER_FRAME
    mono = samples.mean(axis=1) if samples.ndim == 2 else samples
    n = performance.num_frames * SAMPLES_PER_FRAME
    audio = np.zeros(n, dtype=np.float32)
    lo, hi = max(first_sample, 0), min(first_sample + n, len(mono))
    if hi > lo:
        audio[lo - first_sample : hi - first_sample] = mono[lo:hi]
    covered = max(0, hi - lo) / n
    if covered < 0.99:
        log.warning("the audio covers %.0f%% of the %.1f s of frames; the rest is silent", 100 * covered, performance.duration_s)
    return dataclasses.replace(performance, audio=audio, audio_source=source)


def load_performance(path: str | Path, audio_path: str | Path | None = None) -> Performance:
    """FRAMES.jsonl or FILE.mcap, with `audio_path` (any rate: `read_audio_file`) or the
    recording's own audio; raises RenderInputError with the fix for anything unusable."""
    from talking_together.audio.sources import read_audio_file
    from talking_together.replay.recording import RecordingError, read_recording
    from talking_together.service.client import read_jsonl

    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in JSONL_SUFFIXES + MCAP_SUFFIXES:
        raise RenderInputError(f"{path}: unknown extension {suffix or '(none)'!r}: {WHAT_TO_PASS}")
    if not path.is_file():
        raise RenderInputError(f"{path}: no such file: {WHAT_TO_PASS}")
    recorded: tuple[np.ndarray, int] | None = None
    try:  # the readers' messages name the file and what is wrong with it
        if suffix in MCAP_SUFFIXES:
            recording = read_recording(path)
            if recording.damage:
                log.warning("%s; rendering what was read", recording.damage)
            responses = recording.parsed_responses()
            recorded = recording.audio_track()
        else:
            responses = read_jsonl(path)
    except (RecordingError, ValueError, OSError) as exc:
        raise RenderInputError(str(exc)) from None
    try:
        performance = performance_from_responses(responses)
    except ValueError as exc:
        raise RenderInputError(f"{path}: {exc}: {WHAT_TO_PASS}") from None

    if audio_path is not None:
        try:
            samples = read_audio_file(audio_path)
        except (FileNotFoundError, ValueError) as exc:
            raise RenderInputError(f"--audio: {exc}: pass a WAV, FLAC or OGG file, or leave --audio out to use the recording's own audio") from None
        return with_audio(performance, samples, f"--audio {audio_path}")
    if recorded is not None:
        samples, start_ns = recorded
        first_frame = next(r.frame for r in responses if r.WhichOneof("payload") == "frame" and r.frame.sequence == performance.first_sequence)
        offset_ns = first_frame.capture_time_ns - FRAME_NS - start_ns  # row 0's first sample, after the track's
        return with_audio(performance, samples, f"/room/audio of {path.name}", round(offset_ns * SAMPLE_RATE / 1e9))
    return performance
