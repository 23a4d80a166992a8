"""`talking-together data synth | figure | stats`: generate the synthetic corpus, look at it, describe it."""

from __future__ import annotations

import argparse
import logging
from pathlib import Path


log = logging.getLogger(__name__)


def _synth(args: argparse.Namespace) -> int:
    from talking_together.data.corpus import CorpusConfig, generate  # scipy, pyroomacoustics: on use

    manifest = generate(args.hours, Path(args.out), CorpusConfig(seed=args.seed), workers=args.workers)
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
    synth.set_defaults(func=_synth)

    figure = commands.add_parser("figure", help="plot one sample: waveform, masks, jawOpen, head yaw, gaze flags")
    figure.add_argument("data", help="a directory written by `data synth`")
    figure.add_argument("--index", type=int, default=0, help="sample index (see manifest.json)")
    figure.add_argument("--out", default="docs/figures/sample.png", help="PNG to write")
    figure.set_defaults(func=_figure)

    stats = commands.add_parser("stats", help="print the dataset card's statistics table (Markdown)")
    stats.add_argument("data", help="a directory written by `data synth`")
    stats.set_defaults(func=_stats)
