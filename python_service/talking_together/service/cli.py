"""`talking-together serve` and `talking-together client`."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import os
import sys
from typing import TYPE_CHECKING

from talking_together.animators.diffusion.config import BACKENDS, DEFAULT_BACKEND
from talking_together.animators.registry import ANIMATOR_NAMES

if TYPE_CHECKING:
    import grpc

log = logging.getLogger(__name__)


def session_count(text: str) -> int | None:
    """argparse type of --max-sessions: a whole number above zero, or "auto" (None: measured)."""
    if text == "auto":
        return None
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number of at least 1 or 'auto', got {text!r}")
    return value


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    from talking_together.service.config import ServiceLimits  # the one home of the defaults
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
    serve.add_argument(
        "--backend", default=DEFAULT_BACKEND, choices=BACKENDS,
        help="what runs the diffusion network: onnx (onnxruntime; CUDA/TensorRT providers when present) or torch "
        "(default: %(default)s, the faster on CPU: docs/decisions/0009-onnx-backend.md)",
    )
    serve.add_argument("--onnx", dest="onnx_dir", metavar="DIR",
                       help="--backend onnx: the `export onnx` folder of this checkpoint (default: export it once into ~/.cache/talking-together)")
    serve.add_argument("--layout", dest="layout_prompt", help='room layout prompt, e.g. "across a table, 1.2 m" (default: across_table)')
    serve.add_argument("--record", metavar="FILE.mcap", help="record the room session (audio, every message, config, calibration) to MCAP")
    serve.add_argument("--calibration", help="room calibration file (`talking-together calibrate`): real seats and who speaks")
    serve.add_argument("--host", default="127.0.0.1", help="bind address (default: %(default)s; 0.0.0.0 for a headset on the LAN)")
    serve.add_argument("--port", type=int, default=50051, help="port (default: %(default)s)")
    serve.add_argument("--seed", type=int, default=0, help="animator seed (default: %(default)s)")
    serve.add_argument("--max-sessions", type=session_count, metavar="N|auto", default=ServiceLimits.max_sessions,
                       help="capacity: concurrent Animate sessions plus the room session; past it RESOURCE_EXHAUSTED. "
                       "'auto' measures what one session costs here at start-up; either way no session is admitted "
                       "while the running ones leave no room (GetInfo reports both; default: %(default)s)")
    sec = serve.add_argument_group("security", "TLS and tokens (docs/security.md); required on any address but loopback")
    sec.add_argument("--tls-cert", metavar="FILE", help="server certificate, PEM (`talking-together certs` writes server.pem)")
    sec.add_argument("--tls-key", metavar="FILE", help="the certificate's private key, PEM (server.key)")
    sec.add_argument("--tls-client-ca", metavar="FILE", help="mutual TLS: accept only clients with a certificate from this CA")
    sec.add_argument("--tokens", metavar="FILE", help="require a token from this file (`talking-together token new`); re-read on change and SIGHUP")
    sec.add_argument("--insecure", action="store_true", help="serve a non-loopback address without TLS and tokens (logged as a warning)")
    serve.set_defaults(func=run_serve)

    client = subparsers.add_parser(
        "client",
        help="stream a file to the service, or join its room; print fps and latency",
        description="With --audio, stream the file through Animate; without, Subscribe to the "
        "server's room session. Prints frame rate and latency (p50, p95): for Animate, capture to receipt on "
        "this client's clock (queueing included), and the server's capture-to-emit.",
    )
    add_connection_args(client)
    client.add_argument("--audio", help="WAV/FLAC/OGG to animate (omit to Subscribe)")
    client.add_argument("--layout", dest="layout_prompt", help="layout prompt for Animate")
    client.add_argument("--animator", default="", help="animator for Animate (default: the server's)")
    client.add_argument("--fast", action="store_true", help="send the file as fast as possible instead of in real time")
    client.add_argument("--out", help="write every response to this JSONL file")
    client.add_argument("--max-frames", type=int, default=0, help="stop after this many frames (0: until the stream ends)")
    client.add_argument("--name", default="python-client", help="client_name sent with Subscribe, for the server's logs")
    client.set_defaults(func=run_client)


def add_connection_args(parser: argparse.ArgumentParser) -> None:
    """--server and the client's TLS and token flags, shared by every command that dials a server (client, view)."""
    parser.add_argument("--server", default="127.0.0.1:50051", help="address (default: %(default)s)")
    csec = parser.add_argument_group("security", "TLS and tokens (docs/security.md)")
    csec.add_argument("--tls-ca", metavar="FILE", help="connect with TLS, trusting this CA (ca.pem from `talking-together certs`)")
    csec.add_argument("--tls-cert", metavar="FILE", help="mutual TLS: this client's certificate, PEM")
    csec.add_argument("--tls-key", metavar="FILE", help="mutual TLS: its private key, PEM")
    csec.add_argument("--tls-server-name", metavar="NAME", help="check the server certificate against NAME instead of the --server host")
    csec.add_argument("--token", metavar="SECRET", help="send 'authorization: Bearer SECRET' (or set TALKING_TOGETHER_TOKEN)")


def open_client_channel(args: argparse.Namespace) -> grpc.Channel:
    """The channel `add_connection_args`' flags ask for; TLSConfigError (one line) for flags that do not fit or unusable files."""
    from talking_together.service.tls import ClientTLS, TLSConfigError, open_channel

    if (args.tls_cert or args.tls_key or args.tls_server_name) and not args.tls_ca:
        raise TLSConfigError("--tls-cert, --tls-key and --tls-server-name need --tls-ca CA.pem (TLS first)")
    tls = ClientTLS(args.tls_ca, args.tls_cert, args.tls_key, args.tls_server_name) if args.tls_ca else None
    token = args.token or os.environ.get("TALKING_TOGETHER_TOKEN") or None
    return open_channel(args.server, tls, token)


def one_line(exc: BaseException) -> str:
    """A start-up failure as users see it: one line, whatever the exception's text holds."""
    return " ".join(str(exc).split()) or type(exc).__name__


def run_serve(args: argparse.Namespace) -> int:
    """Every start-up failure is one log line and exit status 1; -v adds the traceback for bugs."""
    from calibration import CalibrationError
    from talking_together.audio.sources import AudioDeviceError
    from talking_together.layout import LayoutError
    from talking_together.export.metadata import OnnxExportError, OnnxModelError
    from talking_together.model import CheckpointError
    from talking_together.service.config import SecurityConfig, ServerConfig, ServiceLimits
    from talking_together.service.server import run_server

    config = ServerConfig(
        host=args.host,
        port=args.port,
        animator=args.animator,
        checkpoint=args.checkpoint,
        backend=args.backend,
        onnx_dir=args.onnx_dir,
        source=args.source,
        layout_prompt=args.layout_prompt,
        calibration=args.calibration,
        loop_source=args.loop,
        record=args.record,
        seed=args.seed,
        limits=ServiceLimits(max_sessions=args.max_sessions),
        security=SecurityConfig(tls_cert=args.tls_cert, tls_key=args.tls_key, tls_client_ca=args.tls_client_ca,
                                tokens=args.tokens, insecure=args.insecure),
    )
    if args.onnx_dir and args.backend != "onnx":
        log.error("--onnx DIR runs with --backend onnx: add it, or drop --onnx")
        return 1
    try:
        asyncio.run(run_server(config))
    except (AudioDeviceError, CalibrationError, CheckpointError, LayoutError, OnnxExportError, OnnxModelError,
            ImportError, ValueError, OSError) as exc:
        log.error("%s", one_line(exc))
        return 1
    except Exception as exc:  # a bug, not bad input: still one line, the traceback on -v
        log.debug("start-up failed", exc_info=True)
        log.error("cannot start: %s: %s (run with -v for the traceback)", type(exc).__name__, one_line(exc))
        return 1
    return 0


def run_client(args: argparse.Namespace) -> int:
    import grpc

    from talking_together.service.client import StreamStats, animate_file_stream, subscribe, write_jsonl

    from talking_together.service.tls import TLSConfigError

    stats = StreamStats()
    try:
        channel = open_client_channel(args)
    except TLSConfigError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    with channel, contextlib.ExitStack() as stack:
        out = stack.enter_context(open(args.out, "w")) if args.out else None
        if args.audio:
            responses = animate_file_stream(channel, args.audio, args.layout_prompt, realtime=not args.fast, animator=args.animator)
        else:
            responses = subscribe(channel, args.name)
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
    line = f"frames {s['frames']}  fps {s['fps']:.2f}"
    if "client_latency_p50_ms" in s:  # Animate: measured here, every queue included
        line += f"  latency p50 {s['client_latency_p50_ms']:.1f} ms  p95 {s['client_latency_p95_ms']:.1f} ms (capture to receipt, this clock);"
    print(f"{line}  server capture-to-emit p50 {s['latency_p50_ms']:.1f} ms  p95 {s['latency_p95_ms']:.1f} ms")
    if stats.status is not None:
        print(f"final status {stats.status.code} {stats.status.message!r}: {stats.status.audio_seconds:.2f} s audio")
    return 0
