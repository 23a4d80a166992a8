"""`talking-together demo`: the main job end to end on a fresh machine, no audio device needed.

Builds a two-person dialogue (by default from two held-out LibriSpeech test readers, a man and a
woman, in a simulated room; `--voices espeak` or missing real-speech data: two espeak-ng voices),
serves it as a room recording on a loopback gRPC server, subscribes like any client, and writes
the frames, a preview picture and a preview video with the dialogue's sound (render/).
"""

from __future__ import annotations

import argparse
import json
import logging
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from talking_together.data.dialogue import Dialogue


log = logging.getLogger(__name__)

VOICES = ("real", "espeak")
REAL_PAIRING, REAL_SEED, REAL_TURNS = "FM", 0, 8  # one fixed mixed pair of test readers, ~25 s


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    demo = subparsers.add_parser(
        "demo",
        help="generate a dialogue, serve it, stream it to a client, write a preview",
        description="Runs with no microphone, GPU or network: the dialogue is two real LibriSpeech "
        "voices (held-out test readers) in a simulated room, or two espeak-ng voices.",
    )
    demo.add_argument(
        "--voices", choices=VOICES, default="real",
        help="real: two held-out LibriSpeech test readers (falls back to espeak, with a warning, "
        "when the real-speech data is missing); espeak: synthesised voices (default: %(default)s)",
    )
    demo.add_argument("--out", default="out/demo", help="output folder (default: %(default)s)")
    demo.add_argument("--layout", dest="layout_prompt", default="face to face across a table, 1.2 m", help="layout prompt (default: %(default)r)")
    demo.add_argument("--animator", default="auto", help="auto, baseline or diffusion (default: %(default)s: the model when its checkpoint loads)")
    demo.set_defaults(func=run_demo)


def choose_demo_dialogue(voices: str = "real") -> Dialogue:
    """The demo's dialogue: a fixed mixed-gender pair of LibriSpeech test readers for "real",
    espeak-ng's fixed six turns for "espeak" or when the real-speech data can't be found."""
    from talking_together.data import dialogue as espeak_dialogue

    if voices not in VOICES:
        raise ValueError(f"unknown voices {voices!r}; expected one of {VOICES}")
    if voices == "real":
        from talking_together.data import real_speech

        try:
            a, b = real_speech.pairs("test", REAL_PAIRING, 1, seed=REAL_SEED)[0]
            log.info("building the demo dialogue from LibriSpeech test readers %s (%s) and %s (%s)", a.id, a.gender, b.id, b.gender)
            return real_speech.real_dialogue(a, b, seed=REAL_SEED, turns=REAL_TURNS, room=True)
        except FileNotFoundError as exc:
            log.warning("real voices unavailable (%s); falling back to espeak-ng voices", exc)
    log.info("synthesising the demo dialogue with espeak-ng")
    return espeak_dialogue.demo_dialogue()


def run_demo(args: argparse.Namespace) -> int:
    import grpc

    from talking_together.data.dialogue import write_wav
    from talking_together.evaluate.preview import render_preview
    from talking_together.render.performance import performance_from_responses, with_audio
    from talking_together.render.video import render_video
    from talking_together.service.client import StreamStats, subscribe, write_jsonl
    from talking_together.service.config import ServerConfig
    from talking_together.service.server import BackgroundServer

    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    dialogue = choose_demo_dialogue(args.voices)
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
    png = render_preview(responses, out / "preview.png", turns, title=f"demo: {args.layout_prompt} ({_voice_names(dialogue)})")
    mp4 = out / "preview.mp4"
    render_video(with_audio(performance_from_responses(responses), dialogue.audio, wav.name), mp4)
    summary = stats.summary() | {
        "audio_seconds": dialogue.duration_s, "voices": _voice_names(dialogue), "preview": str(png), "preview_video": str(mp4), "frames_jsonl": str(out / "frames.jsonl"),
    }
    (out / "summary.json").write_text(json.dumps(summary, indent=2) + "\n")
    print(
        f"demo: {summary['frames']} frames at {summary['fps']:.2f} fps for {dialogue.duration_s:.1f} s of audio; "
        f"capture-to-emit latency p50 {summary['latency_p50_ms']:.1f} ms, p95 {summary['latency_p95_ms']:.1f} ms"
    )
    print(f"demo: wrote {out / 'frames.jsonl'}, {png} and {mp4}")
    return 0 if stats.status is not None and stats.status.code == 0 else 1


def _voice_names(dialogue: Dialogue) -> str:
    """'A librispeech:2609, B librispeech:3331' or the espeak voices' names."""
    names = [v if isinstance(v, str) else f"espeak {v.name}{'+' + v.variant if v.variant else ''}" for v in dialogue.voices]
    return ", ".join(f"{who} {name}" for who, name in zip("AB", names))
