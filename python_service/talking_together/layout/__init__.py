"""Layout: a text prompt, a preset or a structured layout -> both seat anchors (the paper's t(0))."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from talking_together.geometry import Anchor
from talking_together.layout.layout import DistanceLimits, Layout, LayoutError, Posture, Relation, build_layout, validate_layout
from talking_together.layout.parser import parse_layout_prompt, vocabulary
from talking_together.layout.presets import DEFAULT_PRESET, PRESETS

if TYPE_CHECKING:
    from calibration import Calibration

__all__ = ["DEFAULT_PRESET", "PRESETS", "DistanceLimits", "Layout", "LayoutError", "Posture", "Relation", "build_layout",
           "calibrated_layout", "parse_layout_prompt", "resolve_layout", "validate_layout", "vocabulary"]
log = logging.getLogger(__name__)


def resolve_layout(prompt: str | None = None, preset: str | None = None, layout: Layout | None = None) -> Layout:
    """Exactly one of the three, or none for the default preset."""
    given = [x is not None for x in (prompt, preset, layout)]
    if sum(given) > 1:
        raise LayoutError("give one of a prompt, a preset or a layout, not several")
    if layout is not None:
        return validate_layout(layout)
    if prompt is not None:
        return parse_layout_prompt(prompt)
    name = preset or DEFAULT_PRESET
    if name not in PRESETS:
        raise LayoutError(f"unknown preset {name!r}: choose one of {', '.join(PRESETS)}")
    return PRESETS[name].build(name)


def calibrated_layout(calibration: Calibration | None, requested: Layout) -> Layout:
    """A calibrated room's measured seats beat any requested layout."""
    if calibration is None:
        return requested
    log.info("the requested layout is replaced by the seats of calibration %s", calibration.id)
    anchors = tuple(Anchor(position=pos, yaw_rad=yaw) for pos, yaw in calibration.layout_anchors())
    return Layout(anchors=anchors, description=f"calibration {calibration.id}")
