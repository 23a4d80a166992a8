"""`talking-together demo`: the main job end to end on a fresh machine, no audio device needed.

Generates a two-voice dialogue with espeak-ng, serves it as a room recording on a loopback
gRPC server, subscribes like any client, and writes the frames and a preview picture.
"""

from __future__ import annotations

import argparse
import json
import logging
from pathlib import Path


log = logging.getLogger(__name__)


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    demo = subparsers.add_parser(
        "demo",
        help="generate a dialogue, serve it, stream it to a client, write a preview",
        description="Runs with no microphone, GPU or network: the dialogue is synthesised with espeak-ng.",
    )
    demo.add_argument("--out", default="out/demo", help="output folder (default: %(default)s)")
    demo.add_argument("--layout", dest="layout_prompt", default="face to face across a table, 1.2 m", help="layout prompt (default: %(default)r)")
    demo.add_argument("--animator", default="auto", help="auto, baseline or diffusion (default: %(default)s: the model when its checkpoint loads)")
    demo.set_defaults(func=run_demo)


def run_demo(args: argparse.Namespace) -> int:
    import grpc

    from talking_together.data.dialogue import demo_dialogue, write_wav
    from talking_together.evaluate.preview import render_preview
    from talking_together.service.client import StreamStats, subscribe, write_jsonl
    from talking_together.service.config import ServerConfig
    from talking_together.service.server import BackgroundServer

    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    log.info("synthesising the demo dialogue with espeak-ng")
    dialogue = demo_dialogue()
    wav = write_wav(dialogue, out / "dialogue.wav")

    config = ServerConfig(port=0, source=str(wav), layout_prompt=args.layout_prompt, animator=args.animator)
    stats, responses = StreamStats(), []
    with BackgroundServer(config) as server, grpc.insecure_channel(server.address) as channel:
        log.info("serving %s on %s; streaming %.1f s in real time", wav.name, server.address, dialogue.duration_s)
        with open(out / "frames.jsonl", "w") as jsonl:
            for response in subscribe(channel, "demo"):
                stats.add(response)
                responses.append(response)
                write_jsonl(response, jsonl)

    turns = [(who, start, end) for who, start, end, _ in dialogue.turns]
    png = render_preview(responses, out / "preview.png", turns, title=f"demo: {args.layout_prompt}")
    summary = stats.summary() | {"audio_seconds": dialogue.duration_s, "preview": str(png), "frames_jsonl": str(out / "frames.jsonl")}
    (out / "summary.json").write_text(json.dumps(summary, indent=2) + "\n")
    print(
        f"demo: {summary['frames']} frames at {summary['fps']:.2f} fps for {dialogue.duration_s:.1f} s of audio; "
        f"capture-to-emit latency p50 {summary['latency_p50_ms']:.1f} ms, p95 {summary['latency_p95_ms']:.1f} ms"
    )
    print(f"demo: wrote {out / 'frames.jsonl'} and {png}")
    return 0 if stats.status is not None and stats.status.code == 0 else 1
