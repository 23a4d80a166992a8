"""What a recording holds: duration, counts, gaps and latencies, per frame and in summary."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import numpy as np

from talking_together.contract import FPS
from talking_together.replay.recording import Recording

FRAME_COLUMNS = ("sequence", "capture_time_ns", "emit_time_ns", "publish_time_ns", "log_time_ns", "server_latency_ms", "recorder_latency_ms")
GAP_FACTOR = 1.5  # a capture interval longer than 1.5 frame periods is a gap


def frame_rows(recording: Recording) -> list[dict[str, float]]:
    """One row per frame. server latency: capture to emit; recorder latency: capture to recorded."""
    rows = []
    for stamped, message in zip(recording.responses, recording.parsed_responses()):
        if message.WhichOneof("payload") != "frame":
            continue
        f = message.frame
        rows.append({
            "sequence": f.sequence,
            "capture_time_ns": f.capture_time_ns,
            "emit_time_ns": f.emit_time_ns,
            "publish_time_ns": stamped.publish_time_ns,
            "log_time_ns": stamped.log_time_ns,
            "server_latency_ms": (f.emit_time_ns - f.capture_time_ns) / 1e6,
            "recorder_latency_ms": (stamped.log_time_ns - stamped.publish_time_ns) / 1e6,
        })
    return rows


def _stats(values: list[float]) -> dict[str, float]:
    if not values:
        return {}
    a = np.asarray(values, dtype=float)
    return {"p50": float(np.percentile(a, 50)), "p95": float(np.percentile(a, 95)), "max": float(a.max()), "mean": float(a.mean())}


def summarize(recording: Recording, rows: list[dict[str, float]]) -> dict:
    kinds = [m.WhichOneof("payload") for m in recording.parsed_responses()]
    sequences = np.array([r["sequence"] for r in rows], dtype=np.int64)
    captures = np.array([r["capture_time_ns"] for r in rows], dtype=np.int64)
    intervals_ms = np.diff(captures) / 1e6
    period_ms = 1000 / FPS
    time_gaps = [
        {"after_sequence": int(sequences[i]), "at_s": float((captures[i] - captures[0]) / 1e9), "length_ms": float(gap)}
        for i, gap in enumerate(intervals_ms)
        if gap > GAP_FACTOR * period_ms
    ]
    missing = np.diff(sequences) - 1
    statuses = [m.status for m in recording.parsed_responses() if m.WhichOneof("payload") == "status"]
    return {
        "file": str(recording.path),
        "size_bytes": recording.size_bytes,
        "schema_version": recording.schema_version,
        "recorder": recording.config.recorder,
        "complete": recording.complete,
        "damage": recording.damage,
        "duration_s": float((captures[-1] - captures[0]) / 1e9 + period_ms / 1000) if len(rows) else 0.0,
        "frames": len(rows),
        "headers": kinds.count("header"),
        "final_status": {"code": statuses[-1].code, "message": statuses[-1].message} if statuses else None,
        "audio_chunks": len(recording.audio),
        "audio_seconds": recording.audio_seconds,
        "calibration_id": recording.calibration.id if recording.calibration else "",
        "missing_frames": int(missing[missing > 0].sum()) if len(rows) > 1 else 0,
        "sequence_gaps": int((missing > 0).sum()) if len(rows) > 1 else 0,
        "time_gaps": time_gaps,
        "frame_interval_ms": _stats(intervals_ms.tolist()),
        "server_latency_ms": _stats([r["server_latency_ms"] for r in rows]),
        "recorder_latency_ms": _stats([r["recorder_latency_ms"] for r in rows]),
    }


def report(summary: dict) -> str:
    """The summary as a few lines for a terminal."""
    lines = [
        f"{summary['file']}: {summary['size_bytes'] / 1e6:.2f} MB, recording schema v{summary['schema_version']}, "
        f"recorded by {summary['recorder'] or 'unknown'}, {'complete' if summary['complete'] else 'INCOMPLETE'}",
        f"duration {summary['duration_s']:.2f} s: {summary['frames']} frames, {summary['headers']} header(s), "
        f"{summary['audio_chunks']} audio chunks ({summary['audio_seconds']:.2f} s)",
        f"gaps: {summary['missing_frames']} missing frames in {summary['sequence_gaps']} sequence gaps, "
        f"{len(summary['time_gaps'])} capture gaps over {GAP_FACTOR * 1000 / FPS:.0f} ms",
    ]
    for name in ("frame_interval_ms", "server_latency_ms", "recorder_latency_ms"):
        s = summary[name]
        if s:
            lines.append(f"{name.replace('_ms', '').replace('_', ' ')}: p50 {s['p50']:.2f} ms, p95 {s['p95']:.2f} ms, max {s['max']:.2f} ms")
    if summary["final_status"]:
        lines.append(f"final status {summary['final_status']['code']} {summary['final_status']['message']!r}")
    return "\n".join(lines)


def write_csv(rows: list[dict[str, float]], path: str | Path) -> None:
    with open(path, "w", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=FRAME_COLUMNS)
        writer.writeheader()
        writer.writerows(rows)


def write_json(summary: dict, path: str | Path) -> None:
    Path(path).write_text(json.dumps(summary, indent=2) + "\n")
