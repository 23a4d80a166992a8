"""A Layout is the paper's t(0): where the two people sit or stand, and which way they face."""

from __future__ import annotations

import math
from dataclasses import dataclass
from enum import Enum

import numpy as np

from talking_together.geometry import Anchor


class LayoutError(ValueError):
    """A layout request that cannot be honoured; the message lists what would work."""


class Posture(str, Enum):
    SITTING = "sitting"
    STANDING = "standing"


DEFAULT_INWARD_TURN_DEG = 15.0  # side by side, each turns this far toward the other


class Relation(str, Enum):
    ACROSS = "across"  # face to face
    SIDE_BY_SIDE = "side_by_side"  # shoulder to shoulder, turned a little toward each other
    CORNER = "corner"  # at a right angle, around a table corner


@dataclass(frozen=True)
class BodyHeights:
    """Neck base above the floor, metres (adult averages)."""

    sitting: float = 1.05
    standing: float = 1.45

    def of(self, posture: Posture) -> float:
        return self.sitting if posture is Posture.SITTING else self.standing


@dataclass(frozen=True)
class DistanceLimits:
    """Anchor to anchor: closer and the heads collide, farther and it is no longer one conversation.

    The one home of what a layout may be, for prompts, presets and a client's structured layout.
    """

    min_m: float = 0.3
    max_m: float = 10.0
    room_radius_m: float = 50.0  # an anchor farther from the room origin is not in the room (and costs float32 precision)
    max_abs_yaw_rad: float = 2 * math.pi  # one turn either way; more is a unit mistake (degrees sent as radians)


@dataclass(frozen=True)
class Layout:
    """Both seats, fixed for a session and sent in the stream header; animators start from here."""

    anchors: tuple[Anchor, Anchor]  # A (index 0), B (index 1)
    description: str = ""
    postures: tuple[Posture, Posture] = (Posture.SITTING, Posture.SITTING)

    @property
    def distance_m(self) -> float:
        return float(np.linalg.norm(self.anchors[0].position - self.anchors[1].position))


def validate_layout(layout: Layout, limits: DistanceLimits = DistanceLimits()) -> Layout:
    """A structured layout checked as a prompt's is: finite numbers, a yaw in radians, a distance people talk at.

    NaN or infinite coordinates would make every frame of the session NaN; anchors 1 km apart are
    not a conversation. Raises LayoutError naming the anchor, the value and the accepted range.
    """
    if len(layout.anchors) != 2:
        raise LayoutError(f"a layout needs 2 anchors (A, B), got {len(layout.anchors)}")
    for role, anchor in zip("AB", layout.anchors):
        if not np.all(np.isfinite(anchor.position)):
            raise LayoutError(f"anchor {role}'s position {anchor.position.tolist()} is not finite: send x, y, z in metres")
        if not math.isfinite(anchor.yaw_rad) or abs(anchor.yaw_rad) > limits.max_abs_yaw_rad:
            raise LayoutError(
                f"anchor {role}'s yaw_rad {anchor.yaw_rad} is outside [-{limits.max_abs_yaw_rad:.4f}, {limits.max_abs_yaw_rad:.4f}]: "
                "send the yaw in radians (degrees * pi / 180)"
            )
        if (offset := float(np.linalg.norm(anchor.position))) > limits.room_radius_m:
            raise LayoutError(f"anchor {role} is {offset:.1f} m from the room origin: keep anchors within {limits.room_radius_m:g} m of it")
    if not limits.min_m <= layout.distance_m <= limits.max_m:
        raise LayoutError(
            f"the anchors are {layout.distance_m:.2f} m apart, outside [{limits.min_m}, {limits.max_m}] m: give a distance people can talk at"
        )
    return layout


def yaw_facing(direction: np.ndarray) -> float:
    """The yaw that turns a body's -Z toward a horizontal direction."""
    return math.atan2(-direction[0], -direction[2])


def build_layout(
    relation: Relation,
    distance_m: float,
    postures: tuple[Posture, Posture],
    description: str,
    inward_turn_deg: float = DEFAULT_INWARD_TURN_DEG,
    b_on_the_left: bool = False,
    heights: BodyHeights = BodyHeights(),
    limits: DistanceLimits = DistanceLimits(),
) -> Layout:
    """Two anchors on the floor's origin-centred line; their midpoint is the room origin."""
    if not limits.min_m <= distance_m <= limits.max_m:
        raise LayoutError(f"distance {distance_m:.2f} m is outside [{limits.min_m}, {limits.max_m}] m: give a distance people can talk at")
    half = distance_m / 2
    if relation is Relation.CORNER:
        s = distance_m / math.sqrt(2)  # both sit s from the corner, at a right angle
        spots = [np.array([-s / 2, 0.0, s / 2]), np.array([s / 2, 0.0, -s / 2])]
        facings = [np.array([1.0, 0.0, 0.0]), np.array([0.0, 0.0, 1.0])]
        yaws = [yaw_facing(f) for f in facings]
    else:
        sign = -1.0 if b_on_the_left else 1.0
        spots = [np.array([-sign * half, 0.0, 0.0]), np.array([sign * half, 0.0, 0.0])]
        if relation is Relation.ACROSS:
            yaws = [yaw_facing(spots[1] - spots[0]), yaw_facing(spots[0] - spots[1])]
        else:  # side by side, both facing -Z, each turned toward the other
            turn = math.radians(inward_turn_deg)
            yaws = [-sign * turn, sign * turn]
    anchors = tuple(
        Anchor(position=spot + np.array([0.0, heights.of(p), 0.0]), yaw_rad=yaw) for spot, p, yaw in zip(spots, postures, yaws)
    )
    return Layout(anchors=anchors, description=description, postures=postures)
