"""`talking-together render (FRAMES.jsonl | FILE.mcap) [--audio WAV] --out FILE.mp4`."""

from __future__ import annotations

import argparse
import logging

log = logging.getLogger(__name__)


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    render = subparsers.add_parser(
        "render",
        help="render a frame stream or recording as an MP4 of both faces and a top view, with sound",
        description="Both people seen from the front (faces driven by the 52 ARKit weights and the "
        "neck, head and eye rotations) and the room from above (heads, bodies at their seats plus "
        "the translation, gaze rays), with the sound muxed in sync: the recording's /room/audio, "
        "or --audio. H.264 + AAC through PyAV; no ffmpeg binary needed.",
    )
    render.add_argument("input", metavar="FRAMES.jsonl|FILE.mcap", help="frames from `client --out` or `demo`, or a recording from `record` or `serve --record`")
    render.add_argument("--audio", metavar="WAV", help="the audio the frames were made from (WAV, FLAC or OGG, any rate); default: the recording's own")
    render.add_argument("--out", required=True, metavar="FILE.mp4", help="the video to write")
    render.set_defaults(func=run_render)


def run_render(args: argparse.Namespace) -> int:
    import av

    from talking_together.render.performance import RenderInputError, load_performance
    from talking_together.render.video import render_video

    try:
        performance = load_performance(args.input, args.audio)
        stats = render_video(performance, args.out)
    except RenderInputError as exc:
        log.error("%s", exc)
        return 1
    except (OSError, av.FFmpegError) as exc:
        log.error("cannot write %s (%s): pass --out a writable FILE.mp4", args.out, exc)
        return 1
    print(f"render: wrote {args.out}: {stats.describe()}")
    return 0
