"""The head chain: anchor (seat) -> translation -> neck -> head -> eyes, in room frame R.

head pose in R = anchor ∘ Translate(t) ∘ neck ∘ Translate(neck_length · Y) ∘ head
where t is the paper's Δt: the neck base's offset from its anchor, in the anchor frame.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

import numpy as np

from talking_together.geometry.rotations import quat_from_yaw, quat_multiply, quat_rotate


@dataclass(frozen=True)
class HeadGeometry:
    """Average adult proportions; a rig with other proportions passes its own."""

    neck_length: float = 0.10  # neck base -> head pivot, along +Y, metres
    eye_center_offset: tuple[float, float, float] = (0.0, 0.07, -0.09)  # head pivot -> eye midpoint, head frame
    interocular: float = 0.064  # distance between the eyes' centres

    def eye_offsets(self) -> tuple[np.ndarray, np.ndarray]:
        """Left and right eye centres in the head frame (+X is the person's right)."""
        centre = np.array(self.eye_center_offset)
        half = np.array([self.interocular / 2, 0.0, 0.0])
        return centre - half, centre + half


DEFAULT_HEAD = HeadGeometry()


@dataclass(frozen=True)
class Anchor:
    """A seat in room frame R: the neck base at rest, and the yaw the body faces (-Z turned by yaw)."""

    position: np.ndarray = field(default_factory=lambda: np.zeros(3))
    yaw_rad: float = 0.0

    @cached_property
    def rotation(self) -> np.ndarray:
        return quat_from_yaw(self.yaw_rad)

    @property
    def forward(self) -> np.ndarray:
        return quat_rotate(self.rotation, np.array([0.0, 0.0, -1.0]))


def compose_head_world(
    anchor: Anchor, translation: np.ndarray, neck_q: np.ndarray, head_q: np.ndarray, geom: HeadGeometry = DEFAULT_HEAD
) -> tuple[np.ndarray, np.ndarray]:
    """(head pivot position (3,), head rotation (4,)) in room frame R."""
    neck_world = quat_multiply(anchor.rotation, neck_q)
    neck_base = anchor.position + quat_rotate(anchor.rotation, np.asarray(translation, dtype=np.float64))
    head_pivot = neck_base + quat_rotate(neck_world, np.array([0.0, geom.neck_length, 0.0]))
    return head_pivot, quat_multiply(neck_world, head_q)


def eye_positions_world(head_position: np.ndarray, head_q: np.ndarray, geom: HeadGeometry = DEFAULT_HEAD) -> tuple[np.ndarray, np.ndarray]:
    left, right = geom.eye_offsets()
    return head_position + quat_rotate(head_q, left), head_position + quat_rotate(head_q, right)


def eye_midpoint_world(head_position: np.ndarray, head_q: np.ndarray, geom: HeadGeometry = DEFAULT_HEAD) -> np.ndarray:
    return head_position + quat_rotate(head_q, np.array(geom.eye_center_offset))
