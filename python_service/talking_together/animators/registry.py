"""Animator names -> implementations, so the service and CLI pick one by name."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # implementations load on first use, so `--help` and the CLI start fast
    from talking_together.activity import SpeakerActivity
    from talking_together.animators.base import Animator
    from talking_together.layout import Layout

ANIMATOR_NAMES: tuple[str, ...] = ("baseline",)


class UnknownAnimatorError(ValueError):
    pass


def make_animator(name: str, layout: Layout, channels: int, seed: int = 0, room_activity: SpeakerActivity | None = None) -> Animator:
    """`room_activity` comes from a calibrated room (direction of arrival or enrolled voices)."""
    if name == "baseline":
        from talking_together.animators.baseline import BaselineAnimator

        return BaselineAnimator(layout, channels, seed=seed, room_activity=room_activity)
    raise UnknownAnimatorError(f"unknown animator {name!r}: choose one of {', '.join(ANIMATOR_NAMES)}")
