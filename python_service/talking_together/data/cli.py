"""`talking-together data synth | figure | stats`: generate the synthetic corpus, look at it, describe it."""

from __future__ import annotations

import argparse
import logging
from pathlib import Path


log = logging.getLogger(__name__)


def _families(text: str) -> tuple[tuple[str, float], ...]:
    """"espeak=0.5,real=0.35" -> (("espeak", 0.5), ("real", 0.35))."""
    from talking_together.data.tts import VOICES

    out = []
    for part in text.split(","):
        name, _, share = part.partition("=")
        if name not in ("espeak", "real", *VOICES):
            raise argparse.ArgumentTypeError(f"unknown voice family {name!r}: use espeak, real, {', '.join(VOICES)}")
        try:
            out.append((name, float(share)))
        except ValueError:
            raise argparse.ArgumentTypeError(f"{part!r} is not FAMILY=SHARE, e.g. real=0.35") from None
    return tuple(out)


def _synth(args: argparse.Namespace) -> int:
    from talking_together.data.corpus import CorpusConfig, generate  # scipy, pyroomacoustics: on use
    from talking_together.data.real_speech import root_dir

    cfg = CorpusConfig(seed=args.seed, real_test_samples=args.real_test)
    if args.families:
        cfg.families = args.families
    if args.real_test or any(name == "real" and share > 0 for name, share in cfg.families):
        try:
            root_dir()
        except FileNotFoundError as exc:
            log.error("data synth: %s; or leave real voices out: --families espeak=0.7,flite=0.2,festival=0.1 --real-test 0", exc)
            return 2
    manifest = generate(args.hours, Path(args.out), cfg, workers=args.workers)
    log.info("%d samples, %.3f h of dialogue in %s", manifest["num_samples"], manifest["hours"], args.out)
    return 0


def _figure(args: argparse.Namespace) -> int:
    from talking_together.data.corpus import load_sample
    from talking_together.data.figure import plot_sample  # matplotlib only when asked for

    plot_sample(load_sample(args.data, args.index), Path(args.out))
    return 0


def _stats(args: argparse.Namespace) -> int:
    from talking_together.data.stats import corpus_stats, markdown

    print(markdown(corpus_stats(args.data)))
    return 0


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    data = subparsers.add_parser("data", help="datasets: the synthetic dyadic corpus")
    commands = data.add_subparsers(dest="data_command", metavar="DATA_COMMAND", required=True)
    synth = commands.add_parser("synth", help="generate the synthetic corpus as npz shards + manifest.json")
    synth.add_argument("--hours", type=float, required=True, help="hours of dialogue to generate")
    synth.add_argument("--out", required=True, help="output directory")
    synth.add_argument("--seed", type=int, default=0, help="same seed, byte-identical shards")
    synth.add_argument("--workers", type=int, default=1, help="parallel generator processes")
    synth.add_argument("--families", type=_families,
                       help="voice families of train/val samples and their shares (default "
                            "espeak=0.5,real=0.35,flite=0.1,festival=0.05; held-out synthetic splits stay espeak)")
    synth.add_argument("--real-test", type=int, default=12,
                       help="dialogues of LibriSpeech's test readers in the test_real split (default 12)")
    synth.set_defaults(func=_synth)

    figure = commands.add_parser("figure", help="plot one sample: waveform, masks, jawOpen, head yaw, gaze flags")
    figure.add_argument("data", help="a directory written by `data synth`")
    figure.add_argument("--index", type=int, default=0, help="sample index (see manifest.json)")
    figure.add_argument("--out", default="docs/figures/sample.png", help="PNG to write")
    figure.set_defaults(func=_figure)

    stats = commands.add_parser("stats", help="print the dataset card's statistics table (Markdown)")
    stats.add_argument("data", help="a directory written by `data synth`")
    stats.set_defaults(func=_stats)
