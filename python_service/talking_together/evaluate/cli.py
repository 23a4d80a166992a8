"""`talking-together eval --checkpoint CKPT --data DIR [--report FILE] [--ablation CKPT] [--expect JSON]`."""

from __future__ import annotations

import argparse
import logging

from talking_together.data.splits import HELD_OUT_SPLITS, REAL_TEST_SPLIT

log = logging.getLogger(__name__)


def _eval(args: argparse.Namespace) -> int:
    import torch

    from talking_together.evaluate.report import compare, markdown_table, run, write_report
    from talking_together.model import CheckpointError
    from talking_together.train.data import shard_paths

    if args.threads:
        torch.set_num_threads(args.threads)
    try:
        results, info, samples, preds = run(args.checkpoint, args.data, args.ablation, splits=tuple(args.splits),
                                            steps=args.steps, guidance=args.guidance, limit=args.limit, seed=args.seed,
                                            mouth_from_mean=False if args.sampled_mouth else None)
    except (CheckpointError, FileNotFoundError, ValueError) as exc:  # bad checkpoint or corpus
        log.error("eval: %s", exc)
        return 2
    print(markdown_table(results))
    real = None
    if not args.no_real and shard_paths(args.data, (REAL_TEST_SPLIT,)):
        from talking_together.evaluate.real_voices import markdown, run_real_voices

        real = run_real_voices(args.checkpoint, args.data, args.ablation, steps=args.steps, guidance=args.guidance,
                               seed=args.seed, mouth_from_mean=False if args.sampled_mouth else None, limit=args.limit)
        print(markdown(*real, model="model"))
    elif not args.no_real:
        log.warning("eval: no %s shards in %s: no real-voice rows (data synth --real-test N makes them)",
                    REAL_TEST_SPLIT, args.data)
    if args.report:
        log.info("report: %s", write_report(results, info, samples, preds, args.report, real))
    if args.expect:
        off = compare(results, args.expect, args.tolerance)
        for line in off:
            log.error("differs from %s: %s", args.expect, line)
        if off:
            return 1
        print(f"reproduces {args.expect}: every cell within {args.tolerance:.0%}")
    return 0


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser("eval", help="score a checkpoint on held-out identities against the baselines")
    p.add_argument("--checkpoint", required=True, help="model checkpoint (model.pt or the committed default)")
    p.add_argument("--data", required=True, help="corpus directory with test_identity / test_voice shards")
    p.add_argument("--report", help="write a markdown report here (+ .png figure, .json figures)")
    p.add_argument("--ablation", help="single-stream ablation checkpoint to compare against")
    p.add_argument("--steps", type=int, help="DDIM steps (default: the checkpoint's)")
    p.add_argument("--guidance", type=float, help="classifier-free guidance scale (default: the checkpoint's)")
    p.add_argument("--sampled-mouth", action="store_true",
                   help="sample the model's jaw and mouth over all steps like the rest, instead of holding them "
                        "at the first step's mean estimate (the default; docs/decisions/0006)")
    p.add_argument("--splits", nargs="+", default=list(HELD_OUT_SPLITS),
                   help="corpus splits to score (default: the held-out identities; 'val' to tune)")
    p.add_argument("--limit", type=int, help="evaluate only the first N held-out conversations (and N real-voice ones)")
    p.add_argument("--no-real", action="store_true",
                   help="skip the real-voice rows (the corpus's test_real split: LibriSpeech's test readers)")
    p.add_argument("--expect", help="a committed report's .json: exit 1 unless every cell matches it")
    p.add_argument("--tolerance", type=float, default=0.05, help="relative tolerance for --expect (default 0.05)")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--threads", type=int, default=0, help="torch CPU threads (0: torch's default)")
    p.set_defaults(func=_eval)
