"""Gaze: where the eyes look, how to aim them, and the ARKit eyeLook* weights that follow."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from talking_together.geometry._backend import Array, as_float, ops
from talking_together.geometry.rotations import look_rotation, quat_multiply, quat_rotate

FORWARD = np.array([0.0, 0.0, -1.0])  # a face and an eye look along -Z
NOSE_SIDE = np.array([1.0, -1.0])  # sign of "turn right" that is inward, for the left then right eye

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


def eye_rotation_towards(target_in_head_frame: Array, eye_position_in_head_frame: Array) -> Array:
    """The eye's rotation relative to the head that aims its -Z at the target."""
    target = as_float(target_in_head_frame)
    return look_rotation(target - ops(target).asarray(eye_position_in_head_frame, target))


def eye_look_blendshapes(left_eye_q: Array, right_eye_q: Array, eye_range: EyeRange = EyeRange()) -> Array:
    """(..., 8) weights in EYE_LOOK_NAMES order, so rigs with blendshapes only look where the joints look.

    "In" is toward the nose: for the left eye that is the person's right (+X), for the right eye -X.
    """
    left_eye_q = as_float(left_eye_q)
    o = ops(left_eye_q)
    eyes = o.stack([left_eye_q, o.asarray(right_eye_q, left_eye_q)], axis=-2)  # (..., 2, 4)
    gaze = quat_rotate(eyes, o.asarray(FORWARD, eyes))  # (..., 2, 3)
    x, y, z = gaze[..., 0], gaze[..., 1], gaze[..., 2]
    yaw_right = o.atan2(x, -z)  # (..., 2), positive: the eye turns to the person's right
    pitch_up = o.atan2(y, o.sqrt(x * x + z * z))
    inward = o.asarray(NOSE_SIDE, eyes) * yaw_right / eye_range.horizontal_rad
    up = pitch_up / eye_range.vertical_rad
    weights = o.clip(o.stack([-up, inward, -inward, up]), 0.0, 1.0)  # (..., 2, 4): down, in, out, up
    return weights.reshape(weights.shape[:-2] + (len(EYE_LOOK_NAMES),))
