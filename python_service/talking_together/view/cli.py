"""`talking-together view`: the live room (or a recording) in 3D in a local browser page, and in VR."""

from __future__ import annotations

import argparse
import asyncio
import logging

from talking_together.service.cli import add_connection_args, one_line, open_client_channel

log = logging.getLogger(__name__)


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    view = subparsers.add_parser(
        "view",
        help="watch the room in 3D in a browser (three.js; Enter VR on a headset)",
        description="Subscribe to a running server's room (or play FILE.mcap at its recorded 25 fps) and show both "
        "heads, gaze, jaw, blinks, who speaks and the latency on a local web page. The page works offline "
        "(three.js ships with the package) and listens on loopback unless --insecure.",
    )
    view.add_argument("file", nargs="?", metavar="FILE.mcap", help="play this recording instead of a live server")
    view.add_argument("--loop", action="store_true", help="with FILE.mcap: play it again and again")
    view.add_argument("--host", default="127.0.0.1", help="the page's listen address (default: %(default)s)")
    view.add_argument("--port", type=int, default=8765, help="the page's port (default: %(default)s)")
    view.add_argument("--insecure", action="store_true", help="let the page listen off loopback: anyone who reaches it sees the room")
    add_connection_args(view)
    view.set_defaults(func=run_view)


def run_view(args: argparse.Namespace) -> int:
    """Every failure to start is one log line and exit status 1, as for `serve`."""
    from talking_together.replay.recording import RecordingError
    from talking_together.service.tls import TLSConfigError
    from talking_together.view.server import LiveUpstream, RecordingUpstream, UpstreamError, ViewConfig
    from talking_together.view.server import run_view as serve_view

    config = ViewConfig(host=args.host, port=args.port, insecure=args.insecure)
    try:
        if args.file:
            asyncio.run(serve_view(RecordingUpstream(args.file, args.loop), config))
        else:
            with open_client_channel(args) as channel:
                asyncio.run(serve_view(LiveUpstream(channel, args.server), config))
    except (RecordingError, TLSConfigError, UpstreamError, ValueError, OSError) as exc:
        log.error("view: %s", one_line(exc))
        return 1
    return 0
