"""Animator names -> implementations, so the service and CLI pick one by name."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # implementations load on first use, so `--help` and the CLI start fast
    from talking_together.activity import SpeakerActivity
    from talking_together.animators.base import Animator
    from talking_together.layout import Layout

log = logging.getLogger(__name__)

ANIMATOR_NAMES: tuple[str, ...] = ("auto", "baseline", "diffusion")


class UnknownAnimatorError(ValueError):
    pass


def resolve_animator_name(name: str, checkpoint: str | None = None) -> str:
    """`auto` is the diffusion model when its checkpoint loads, else the baseline (with a warning)."""
    if name != "auto":
        return name
    from talking_together.animators.diffusion import shared_batcher
    from talking_together.model import CheckpointError

    try:
        shared_batcher(checkpoint)
    except CheckpointError as exc:
        log.warning("diffusion model unavailable (%s): falling back to the baseline animator", exc)
        return "baseline"
    return "diffusion"


def make_animator(
    name: str,
    layout: Layout,
    channels: int,
    activity: SpeakerActivity,
    seed: int = 0,
    checkpoint: str | None = None,
) -> Animator:
    """`activity` says who speaks (`talking_together.activity.make_activity`).

    Raises UnknownAnimatorError, or the model's CheckpointError when `diffusion` cannot load.
    """
    if name == "baseline":
        from talking_together.animators.baseline import BaselineAnimator

        return BaselineAnimator(layout, channels, activity, seed=seed)
    if name == "diffusion":
        from talking_together.animators.diffusion import DiffusionAnimator, shared_batcher

        return DiffusionAnimator(layout, channels, shared_batcher(checkpoint), activity)
    choices = ", ".join(n for n in ANIMATOR_NAMES if n != "auto")
    raise UnknownAnimatorError(f"unknown animator {name!r}: choose one of {choices}")
