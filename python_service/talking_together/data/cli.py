"""`talking-together data synth --hours H --out DIR [--seed S] [--workers N]`."""

from __future__ import annotations

import argparse
import logging
from pathlib import Path

from talking_together.data.corpus import CorpusConfig, generate

log = logging.getLogger(__name__)


def _synth(args: argparse.Namespace) -> int:
    manifest = generate(args.hours, Path(args.out), CorpusConfig(seed=args.seed), workers=args.workers)
    log.info("%d samples, %.3f h of dialogue in %s", manifest["num_samples"], manifest["hours"], args.out)
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
