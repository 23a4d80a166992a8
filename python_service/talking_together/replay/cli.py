"""`talking-together record`, `replay` and `inspect`."""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys

import grpc

log = logging.getLogger(__name__)


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    record = subparsers.add_parser(
        "record",
        help="record a running server's room session to MCAP",
        description="Subscribe to a server's room and record every response (header, frames, final "
        "status) until the room ends or Ctrl-C. To record the room's audio too, use `serve --record`.",
    )
    record.add_argument("--server", default="127.0.0.1:50051", help="address (default: %(default)s)")
    record.add_argument("--out", required=True, metavar="FILE.mcap", help="the recording to write")
    record.set_defaults(func=run_record)

    replay = subparsers.add_parser(
        "replay",
        help="serve a recording with the live gRPC API",
        description="Serve Subscribe, Animate and GetInfo from a recording, paced by its recorded "
        "times, with health checking and reflection. Every Subscribe plays from the start; "
        "Animate ignores the client's audio and answers with the recorded stream.",
    )
    replay.add_argument("file", metavar="FILE.mcap")
    replay.add_argument("--speed", type=float, default=1.0, help="playback speed (default: %(default)s)")
    replay.add_argument("--loop", action="store_true", help="Subscribe streams repeat the recording forever")
    replay.add_argument("--host", default="127.0.0.1", help="bind address (default: %(default)s)")
    replay.add_argument("--port", type=int, default=50051, help="port (default: %(default)s)")
    replay.set_defaults(func=run_replay)

    inspect = subparsers.add_parser(
        "inspect",
        help="duration, frame counts, gaps and latencies of a recording",
        description="Summarize a recording; --csv writes one row per frame, --json the summary. "
        "Exit status 1 when the file is unusable or damaged mid-way (an unfinished file, e.g. from a "
        "killed recorder, is reported but exits 0). --repair first rewrites an unfinished or damaged "
        "file into a complete, indexed one.",
    )
    inspect.add_argument("file", metavar="FILE.mcap")
    inspect.add_argument(
        "--repair", action="store_true",
        help="rewrite a killed, cut or damaged recording in place with its summary and indexes (a file damaged mid-way keeps its original as FILE.damaged)",
    )
    inspect.add_argument("--csv", metavar="FILE", help="write per-frame times and latencies as CSV")
    inspect.add_argument("--json", metavar="FILE", help="write the summary as JSON")
    inspect.set_defaults(func=run_inspect)


def run_record(args: argparse.Namespace) -> int:
    from talking_together.replay.recorder import record_server

    try:
        record_server(args.server, args.out)
    except grpc.RpcError as exc:
        log.error("%s: %s: %s", args.server, exc.code().name, exc.details())
        return 1
    except OSError as exc:
        log.error("%s", exc)
        return 1
    return 0


def run_replay(args: argparse.Namespace) -> int:
    from talking_together.replay.recording import RecordingError, read_recording
    from talking_together.replay.server import replay_starter
    from talking_together.service.config import ServerConfig
    from talking_together.service.server import run_server

    try:
        recording = read_recording(args.file)
        if recording.damage:
            log.warning("%s; replaying what was read", recording.damage)
        start = replay_starter(recording, args.speed, args.loop)
        asyncio.run(run_server(ServerConfig(host=args.host, port=args.port), start))
    except (RecordingError, ValueError, OSError) as exc:
        log.error("%s", exc)
        return 1
    return 0


def run_inspect(args: argparse.Namespace) -> int:
    from talking_together.replay.inspect import frame_rows, report, summarize, write_csv, write_json
    from talking_together.replay.recording import RecordingError, read_recording, repair_recording

    try:
        if args.repair:
            repaired = repair_recording(args.file)
            print(repaired.describe() if repaired else f"{args.file}: already complete, nothing to repair", file=sys.stderr)
        recording = read_recording(args.file)
    except (RecordingError, OSError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    rows = frame_rows(recording)
    summary = summarize(recording, rows)
    print(report(summary))
    if args.csv:
        write_csv(rows, args.csv)
    if args.json:
        write_json(summary, args.json)
    if recording.damage:
        print(f"{'warning' if recording.truncated else 'error'}: {recording.damage}", file=sys.stderr)
    return 1 if recording.damage and not recording.truncated else 0
