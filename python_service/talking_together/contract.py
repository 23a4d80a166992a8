"""The contract every side obeys: rates, names and the in-process frame model.

Mirrors docs/ARCHITECTURE.md and protos/talking_together/v1/talking_together.proto.
Animators produce `AnimationFrame`s; the service turns them into protobuf `Frame`s.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

SCHEMA_VERSION = "talking_together.v1"
FPS = 25
SAMPLE_RATE = 16_000
SAMPLES_PER_FRAME = SAMPLE_RATE // FPS  # 640
NUM_PARTICIPANTS = 2  # A is role index 0, B is 1

JOINT_NAMES: tuple[str, ...] = ("neck", "head", "left_eye", "right_eye")

# ARKit's 52 blendshapes, in ARKit's order. The wire sends them once, in the stream header.
ARKIT_BLENDSHAPES: tuple[str, ...] = (
    "eyeBlinkLeft", "eyeLookDownLeft", "eyeLookInLeft", "eyeLookOutLeft", "eyeLookUpLeft",
    "eyeSquintLeft", "eyeWideLeft", "eyeBlinkRight", "eyeLookDownRight", "eyeLookInRight",
    "eyeLookOutRight", "eyeLookUpRight", "eyeSquintRight", "eyeWideRight", "jawForward",
    "jawLeft", "jawRight", "jawOpen", "mouthClose", "mouthFunnel", "mouthPucker", "mouthLeft",
    "mouthRight", "mouthSmileLeft", "mouthSmileRight", "mouthFrownLeft", "mouthFrownRight",
    "mouthDimpleLeft", "mouthDimpleRight", "mouthStretchLeft", "mouthStretchRight",
    "mouthRollLower", "mouthRollUpper", "mouthShrugLower", "mouthShrugUpper", "mouthPressLeft",
    "mouthPressRight", "mouthLowerDownLeft", "mouthLowerDownRight", "mouthUpperUpLeft",
    "mouthUpperUpRight", "browDownLeft", "browDownRight", "browInnerUp", "browOuterUpLeft",
    "browOuterUpRight", "cheekPuff", "cheekSquintLeft", "cheekSquintRight", "noseSneerLeft",
    "noseSneerRight", "tongueOut",
)
NUM_EXPRESSIONS = len(ARKIT_BLENDSHAPES)  # 52
BLENDSHAPE_INDEX: dict[str, int] = {name: i for i, name in enumerate(ARKIT_BLENDSHAPES)}

IDENTITY_QUAT = np.array([0.0, 0.0, 0.0, 1.0])


@dataclass
class ParticipantState:
    """One person in one frame. Quaternions are (x, y, z, w); see the proto for frames."""

    translation: np.ndarray = field(default_factory=lambda: np.zeros(3))  # (3,) m, anchor frame
    neck: np.ndarray = field(default_factory=IDENTITY_QUAT.copy)  # (4,) rel. anchor
    head: np.ndarray = field(default_factory=IDENTITY_QUAT.copy)  # (4,) rel. neck
    left_eye: np.ndarray = field(default_factory=IDENTITY_QUAT.copy)  # (4,) rel. head
    right_eye: np.ndarray = field(default_factory=IDENTITY_QUAT.copy)  # (4,) rel. head
    expression: np.ndarray = field(default_factory=lambda: np.zeros(NUM_EXPRESSIONS))  # (52,)
    head_world_position: np.ndarray = field(default_factory=lambda: np.zeros(3))  # (3,) room R
    head_world_rotation: np.ndarray = field(default_factory=IDENTITY_QUAT.copy)  # (4,) room R
    speaking: float = 0.0


@dataclass
class AnimationFrame:
    """Both participants at one 25 fps tick."""

    sequence: int
    capture_time_ns: int  # monotonic ns of the newest audio sample behind this frame
    participants: tuple[ParticipantState, ParticipantState]
    emit_time_ns: int = 0  # filled when the frame leaves the animator
