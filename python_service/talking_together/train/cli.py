"""`talking-together train --data DIR --out CKPT_DIR [--config FILE] [--init CHECKPOINT] [--resume]`."""

from __future__ import annotations

import argparse
import logging

log = logging.getLogger(__name__)


def _train(args: argparse.Namespace) -> int:
    from talking_together.model import CheckpointError  # torch loads on use, not for --help
    from talking_together.train.config import Config
    from talking_together.train.loop import train

    try:
        cfg = Config.load(args.config, init=args.init)
        path = train(args.data, args.out, cfg, resume=args.resume)
    except (CheckpointError, FileNotFoundError, ValueError) as exc:  # bad config, corpus or checkpoint
        log.error("train: %s", exc)
        return 2
    log.info("inference checkpoint: %s", path)
    return 0


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser("train", help="train the dual-stream diffusion model on a corpus")
    p.add_argument("--data", required=True, help="corpus directory (talking-together data synth --out)")
    p.add_argument("--out", required=True, help="checkpoint directory: last.pt (resume), model.pt (EMA), log.csv")
    p.add_argument("--config", help="TOML with [model] [diffusion] [loss] [train] [mask_noise] sections (configs/*.toml); "
                   "[train] init = CHECKPOINT trains on from that checkpoint (configs/cpu_small_continue.toml)")
    p.add_argument("--init", help="train on from this checkpoint (overrides [train] init; the network is the checkpoint's)")
    p.add_argument("--resume", action="store_true", help="continue from OUT/last.pt when it exists")
    p.set_defaults(func=_train)
