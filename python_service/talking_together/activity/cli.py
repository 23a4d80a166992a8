"""`talking-together activity ...`: train the speaker-activity models that ship in this package."""

from __future__ import annotations

import argparse

from talking_together.activity import train_counter, train_founding


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    activity = subparsers.add_parser("activity", help="speaker activity: train its voice counter and founding test")
    commands = activity.add_subparsers(dest="activity_command", metavar="ACTION", required=True)
    train_counter.add_command(commands)
    train_founding.add_command(commands)
