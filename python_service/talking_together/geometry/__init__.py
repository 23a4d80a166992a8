"""Rotations, the head chain, gaze and the Unity conversion (numpy and torch alike)."""

from talking_together.geometry.frames import (
    DEFAULT_HEAD,
    Anchor,
    HeadGeometry,
    compose_head_world,
    eye_midpoint_world,
    eye_positions_world,
)
from talking_together.geometry.gaze import (
    EYE_LOOK_NAMES,
    EyeRange,
    angle_between,
    eye_look_blendshapes,
    eye_rotation_towards,
    gaze_direction,
)
from talking_together.geometry.rotations import (
    axis_angle_from_quat,
    look_rotation,
    matrix_from_quat,
    matrix_from_sixd,
    quat_conjugate,
    quat_from_axis_angle,
    quat_from_matrix,
    quat_from_sixd,
    quat_from_yaw,
    quat_from_yaw_pitch_roll,
    quat_multiply,
    quat_normalize,
    quat_rotate,
    sixd_from_matrix,
    sixd_from_quat,
)
from talking_together.geometry.unity import to_unity_position, to_unity_quaternion

__all__ = [
    "DEFAULT_HEAD", "EYE_LOOK_NAMES", "Anchor", "EyeRange", "HeadGeometry", "angle_between",
    "axis_angle_from_quat", "compose_head_world", "eye_look_blendshapes", "eye_midpoint_world",
    "eye_positions_world", "eye_rotation_towards", "gaze_direction", "look_rotation",
    "matrix_from_quat", "matrix_from_sixd", "quat_conjugate", "quat_from_axis_angle",
    "quat_from_matrix", "quat_from_sixd", "quat_from_yaw", "quat_from_yaw_pitch_roll",
    "quat_multiply", "quat_normalize", "quat_rotate", "sixd_from_matrix", "sixd_from_quat",
    "to_unity_position", "to_unity_quaternion",
]
