"""The head chain: anchor (seat) -> translation -> neck -> head -> eyes, in room frame R.

head pose in R = anchor ∘ Translate(t) ∘ neck ∘ Translate(neck_length · Y) ∘ head
where t is the paper's Δt: the neck base's offset from its anchor, in the anchor frame.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

import numpy as np

from talking_together.geometry._backend import Array, as_float, ops
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

    def __post_init__(self) -> None:
        position = np.asarray(self.position, dtype=np.float64)
        if position.shape != (3,):
            raise ValueError(f"an anchor's position is (x, y, z) in metres, got shape {position.shape}")
        object.__setattr__(self, "position", position)  # frozen: set once, here

    @cached_property
    def rotation(self) -> np.ndarray:
        """(4,) the yaw as a quaternion; cached, as the head chain asks for it every frame."""
        return quat_from_yaw(self.yaw_rad)

    @property
    def forward(self) -> np.ndarray:
        """(3,) the way the body faces, in R."""
        return quat_rotate(self.rotation, np.array([0.0, 0.0, -1.0]))


def compose_head_world(
    anchor: Anchor, translation: Array, neck_q: Array, head_q: Array, geom: HeadGeometry = DEFAULT_HEAD
) -> tuple[Array, Array]:
    """(head pivot position (..., 3), head rotation (..., 4)) in room frame R; numpy or torch, batched."""
    like = as_float(neck_q)
    o = ops(like)
    anchor_q, anchor_p = o.asarray(anchor.rotation, like), o.asarray(anchor.position, like)
    neck_world = quat_multiply(anchor_q, like)
    neck_base = anchor_p + quat_rotate(anchor_q, o.asarray(translation, like))
    head_pivot = neck_base + quat_rotate(neck_world, o.asarray([0.0, geom.neck_length, 0.0], like))
    return head_pivot, quat_multiply(neck_world, o.asarray(head_q, like))


def eye_positions_world(head_position: Array, head_q: Array, geom: HeadGeometry = DEFAULT_HEAD) -> tuple[Array, Array]:
    """Left and right eye centres in R, from the head pivot's pose."""
    head_q = as_float(head_q)
    left, right = (ops(head_q).asarray(offset, head_q) for offset in geom.eye_offsets())
    return head_position + quat_rotate(head_q, left), head_position + quat_rotate(head_q, right)


def eye_midpoint_world(head_position: Array, head_q: Array, geom: HeadGeometry = DEFAULT_HEAD) -> Array:
    """Where the gaze ray starts: the point between the eyes, in R."""
    head_q = as_float(head_q)
    return head_position + quat_rotate(head_q, ops(head_q).asarray(geom.eye_center_offset, head_q))
