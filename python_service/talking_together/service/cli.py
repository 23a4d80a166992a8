"""`talking-together serve` and `talking-together client`."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import sys

from talking_together.animators.registry import ANIMATOR_NAMES

log = logging.getLogger(__name__)


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    serve = subparsers.add_parser(
        "serve",
        help="run the gRPC service",
        description="Serve Animate (clients stream their own audio) and, with --source, a room "
        "session that any number of clients join with Subscribe.",
    )
    serve.add_argument("--source", help="room audio for Subscribe: 'mic', 'mic:DEVICE' or an audio file")
    serve.add_argument("--loop", action="store_true", help="loop a file source forever")
    serve.add_argument(
        "--animator", default="auto", choices=ANIMATOR_NAMES,
        help="default animator; auto: the diffusion model when its checkpoint loads, else the baseline (default: %(default)s)",
    )
    serve.add_argument("--checkpoint", help="diffusion model checkpoint (default: the packaged one)")
    serve.add_argument("--layout", dest="layout_prompt", help='room layout prompt, e.g. "across a table, 1.2 m" (default: across_table)')
    serve.add_argument("--record", metavar="FILE.mcap", help="record the room session (audio, every message, config, calibration) to MCAP")
    serve.add_argument("--calibration", help="room calibration file (`talking-together calibrate`): real seats and who speaks")
    serve.add_argument("--host", default="127.0.0.1", help="bind address (default: %(default)s; 0.0.0.0 for a headset on the LAN)")
    serve.add_argument("--port", type=int, default=50051, help="port (default: %(default)s)")
    serve.add_argument("--seed", type=int, default=0, help="animator seed (default: %(default)s)")
    serve.set_defaults(func=run_serve)

    client = subparsers.add_parser(
        "client",
        help="stream a file to the service, or join its room; print fps and latency",
        description="With --audio, stream the file through Animate; without, Subscribe to the "
        "server's room session. Prints frame rate and capture-to-emit latency (p50, p95).",
    )
    client.add_argument("--server", default="127.0.0.1:50051", help="address (default: %(default)s)")
    client.add_argument("--audio", help="WAV/FLAC/OGG to animate (omit to Subscribe)")
    client.add_argument("--layout", dest="layout_prompt", help="layout prompt for Animate")
    client.add_argument("--animator", default="", help="animator for Animate (default: the server's)")
    client.add_argument("--fast", action="store_true", help="send the file as fast as possible instead of in real time")
    client.add_argument("--out", help="write every response to this JSONL file")
    client.add_argument("--max-frames", type=int, default=0, help="stop after this many frames (0: until the stream ends)")
    client.set_defaults(func=run_client)


def run_serve(args: argparse.Namespace) -> int:
    from calibration import CalibrationError
    from talking_together.audio.sources import AudioDeviceError
    from talking_together.layout import LayoutError
    from talking_together.service.config import ServerConfig
    from talking_together.service.server import run_server

    config = ServerConfig(
        host=args.host,
        port=args.port,
        animator=args.animator,
        checkpoint=args.checkpoint,
        source=args.source,
        layout_prompt=args.layout_prompt,
        calibration=args.calibration,
        loop_source=args.loop,
        record=args.record,
        seed=args.seed,
    )
    try:
        asyncio.run(run_server(config))
    except (AudioDeviceError, CalibrationError, LayoutError, FileNotFoundError, ValueError, OSError) as exc:
        log.error("%s", exc)
        return 1
    return 0


def run_client(args: argparse.Namespace) -> int:
    import grpc

    from talking_together.service.client import StreamStats, animate_file_stream, subscribe, write_jsonl

    stats = StreamStats()
    with grpc.insecure_channel(args.server) as channel, contextlib.ExitStack() as stack:
        out = stack.enter_context(open(args.out, "w")) if args.out else None
        if args.audio:
            responses = animate_file_stream(channel, args.audio, args.layout_prompt, realtime=not args.fast, animator=args.animator)
        else:
            responses = subscribe(channel)
        try:
            for response in responses:
                stats.add(response)
                if out:
                    write_jsonl(response, out)
                if args.max_frames and stats.frames >= args.max_frames:
                    responses.cancel()
                    break
        except grpc.RpcError as exc:
            if exc.code() != grpc.StatusCode.CANCELLED:
                print(f"error: {exc.code().name}: {exc.details()}", file=sys.stderr)
                return 1
    s = stats.summary()
    print(f"frames {s['frames']}  fps {s['fps']:.2f}  capture-to-emit latency p50 {s['latency_p50_ms']:.1f} ms  p95 {s['latency_p95_ms']:.1f} ms")
    if stats.status is not None:
        print(f"final status {stats.status.code} {stats.status.message!r}: {stats.status.audio_seconds:.2f} s audio")
    return 0
