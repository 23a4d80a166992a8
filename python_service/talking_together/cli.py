"""`talking-together`: one console script, one sub-command per job.

Each sub-command lives beside the code it drives and exposes `add_parser(subparsers)`,
which registers its arguments and sets `func(args) -> int`. This file only wires them up.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import sys

from talking_together import __version__

# Modules whose add_parser() registers sub-commands; a missing one is a bug, not an option.
COMMAND_MODULES: tuple[str, ...] = (
    "talking_together.service.cli",  # serve, client
    "talking_together.service.security_cli",  # certs, token
    "talking_together.demo",  # demo
    "talking_together.data.cli",  # data synth, figure, stats
    "talking_together.train.cli",  # train
    "talking_together.evaluate.cli",  # eval
    "calibration.cli",  # calibrate
    "talking_together.replay.cli",  # record, replay, inspect
    "talking_together.export.cli",  # export onnx
    "talking_together.render.cli",  # render
    "talking_together.view.cli",  # view
    "talking_together.activity.cli",  # activity train-counter, train-founding
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="talking-together",
        description="Two people's live 3D performances from one shared room microphone, "
        "streamed over gRPC.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument("-v", "--verbose", action="store_true", help="debug logging")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for module_name in COMMAND_MODULES:
        importlib.import_module(module_name).add_parser(subparsers)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    return int(args.func(args) or 0)


if __name__ == "__main__":
    sys.exit(main())
