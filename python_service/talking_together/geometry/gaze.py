"""Gaze: where the eyes look, how to aim them, and the ARKit eyeLook* weights that follow."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from talking_together.geometry._backend import Array, as_float, ops
from talking_together.geometry.rotations import look_rotation, quat_multiply, quat_rotate

FORWARD = np.array([0.0, 0.0, -1.0])  # a face and an eye look along -Z

# ARKit's eyeLook* names in the order eye_look_blendshapes returns them.
EYE_LOOK_NAMES: tuple[str, ...] = (
    "eyeLookDownLeft", "eyeLookInLeft", "eyeLookOutLeft", "eyeLookUpLeft",
    "eyeLookDownRight", "eyeLookInRight", "eyeLookOutRight", "eyeLookUpRight",
)


@dataclass(frozen=True)
class EyeRange:
    """Eye rotation that saturates an eyeLook weight at 1 (typical ARKit capture range)."""

    horizontal_rad: float = np.deg2rad(30.0)
    vertical_rad: float = np.deg2rad(25.0)


def gaze_direction(head_world_q: Array, left_eye_q: Array, right_eye_q: Array) -> Array:
    """The paper's gaze vector: the mean of both eyes' -Z axes in R, normalised."""
    head_world_q = as_float(head_world_q)
    o = ops(head_world_q)
    forward = o.asarray(FORWARD, head_world_q)
    left = quat_rotate(quat_multiply(head_world_q, left_eye_q), forward)
    right = quat_rotate(quat_multiply(head_world_q, right_eye_q), forward)
    mean = left + right
    return mean / o.clip(o.norm(mean), 1e-9, None)


def angle_between(u: Array, v: Array) -> Array:
    """Angle in radians between vectors, robust near 0 and pi."""
    u, v = as_float(u), as_float(v)
    o = ops(u)
    return o.atan2(o.norm(o.cross(u, v))[..., 0], (u * v).sum(-1))


def eye_rotation_towards(target_in_head_frame: np.ndarray, eye_position_in_head_frame: np.ndarray) -> np.ndarray:
    """The eye's rotation relative to the head that aims its -Z at the target."""
    return look_rotation(np.asarray(target_in_head_frame) - np.asarray(eye_position_in_head_frame))


def eye_look_blendshapes(left_eye_q: np.ndarray, right_eye_q: np.ndarray, eye_range: EyeRange = EyeRange()) -> np.ndarray:
    """(8,) weights in EYE_LOOK_NAMES order, so rigs with blendshapes only look where the joints look.

    "In" is toward the nose: for the left eye that is the person's right (+X), for the right eye -X.
    """
    weights = []
    for q, inward_sign in ((left_eye_q, 1.0), (right_eye_q, -1.0)):
        x, y, z = quat_rotate(q, FORWARD)
        yaw_right = np.arctan2(x, -z)  # positive: the eye turns to the person's right
        pitch_up = np.arctan2(y, np.hypot(x, z))
        h = inward_sign * yaw_right / eye_range.horizontal_rad
        v = pitch_up / eye_range.vertical_rad
        down, inward, outward, up = -v, h, -h, v
        weights += [down, inward, outward, up]
    return np.clip(np.array(weights), 0.0, 1.0)
