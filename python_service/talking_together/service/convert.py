"""Between the in-process model (contract.py, layout, audio) and the wire (protobuf)."""

from __future__ import annotations

import time

import numpy as np

from talking_together.audio.decode import AudioFormatError, DeclaredFormat, Encoding
from talking_together.contract import (
    ARKIT_BLENDSHAPES,
    FPS,
    JOINT_NAMES,
    SCHEMA_VERSION,
    AnimationFrame,
    ParticipantState,
)
from talking_together.geometry import Anchor
from talking_together.layout import Layout, resolve_layout
from talking_together.service.config import ClientStringLimits
from talking_together.service.hygiene import check_length
from talking_together.v1 import talking_together_pb2 as pb

_ENCODINGS = {pb.AUDIO_ENCODING_PCM16: Encoding.PCM16, pb.AUDIO_ENCODING_FLOAT32: Encoding.FLOAT32}


def _vec3(v: np.ndarray) -> pb.Vec3:
    return pb.Vec3(x=float(v[0]), y=float(v[1]), z=float(v[2]))


def _quat(q: np.ndarray) -> pb.Quat:
    return pb.Quat(x=float(q[0]), y=float(q[1]), z=float(q[2]), w=float(q[3]))


def vec3_from_proto(v: pb.Vec3) -> np.ndarray:
    return np.array([v.x, v.y, v.z])


def quat_from_proto(q: pb.Quat) -> np.ndarray:
    """(x, y, z, w); an unset quaternion (all zero) reads as the identity."""
    xyzw = np.array([q.x, q.y, q.z, q.w])
    return xyzw if xyzw.any() else np.array([0.0, 0.0, 0.0, 1.0])


def participant_to_proto(p: ParticipantState) -> pb.ParticipantFrame:
    return pb.ParticipantFrame(
        translation=_vec3(p.translation),
        neck=_quat(p.neck),
        head=_quat(p.head),
        left_eye=_quat(p.left_eye),
        right_eye=_quat(p.right_eye),
        expression=p.expression.astype(np.float32).tolist(),
        head_world=pb.Pose(position=_vec3(p.head_world_position), rotation=_quat(p.head_world_rotation)),
        speaking=float(p.speaking),
    )


def frame_to_proto(frame: AnimationFrame) -> pb.AnimateResponse:
    return pb.AnimateResponse(
        frame=pb.Frame(
            sequence=frame.sequence,
            capture_time_ns=frame.capture_time_ns,
            emit_time_ns=frame.emit_time_ns,
            participants=[participant_to_proto(p) for p in frame.participants],
        )
    )


def emitted(frames: list[AnimationFrame]) -> list[pb.AnimateResponse]:
    """Frames leaving an animator now: stamped with their emit time, on the wire's form."""
    for frame in frames:
        frame.emit_time_ns = time.monotonic_ns()
    return [frame_to_proto(frame) for frame in frames]


def layout_to_proto(layout: Layout) -> pb.Layout:
    return pb.Layout(
        anchors=[pb.Anchor(position=_vec3(a.position), yaw_rad=float(a.yaw_rad)) for a in layout.anchors],
        description=layout.description,
    )


def layout_from_proto(spec: pb.LayoutSpec, limits: ClientStringLimits = ClientStringLimits()) -> Layout:
    """A client's LayoutSpec -> Layout; raises LayoutError or ClientStringError (ValueErrors) with the fix.

    A structured layout is validated as a prompt's is (`layout.validate_layout`): finite numbers,
    a yaw in radians, anchors a conversation apart.
    """
    kind = spec.WhichOneof("kind")
    if kind == "prompt":
        return resolve_layout(prompt=check_length(spec.prompt, "layout prompt", limits.prompt))
    if kind == "preset":
        return resolve_layout(preset=check_length(spec.preset, "layout preset", limits.preset))
    if kind == "layout":
        if len(spec.layout.anchors) != 2:
            raise ValueError(f"a structured layout needs exactly 2 anchors (A, B), got {len(spec.layout.anchors)}")
        description = check_length(spec.layout.description, "layout description", limits.prompt)
        anchors = tuple(
            Anchor(position=np.array([a.position.x, a.position.y, a.position.z]), yaw_rad=a.yaw_rad)
            for a in spec.layout.anchors
        )
        return resolve_layout(layout=Layout(anchors=anchors, description=description or "structured"))
    return resolve_layout()


def declared_format_from_proto(fmt: pb.AudioFormat) -> DeclaredFormat:
    if fmt.encoding not in _ENCODINGS:
        raise AudioFormatError(
            f"unsupported audio encoding {pb.AudioEncoding.Name(fmt.encoding) if fmt.encoding in pb.AudioEncoding.values() else fmt.encoding}: "
            "use AUDIO_ENCODING_PCM16 or AUDIO_ENCODING_FLOAT32"
        )
    return DeclaredFormat(fmt.sample_rate_hz, fmt.channel_count, _ENCODINGS[fmt.encoding])


def server_header(
    session_id: str, layout: Layout, animator: str, source_format: pb.AudioFormat | None = None, calibration_id: str = ""
) -> pb.AnimateResponse:
    return pb.AnimateResponse(
        header=pb.ServerHeader(
            schema_version=SCHEMA_VERSION,
            session_id=session_id,
            fps=FPS,
            expression_names=list(ARKIT_BLENDSHAPES),
            joint_names=list(JOINT_NAMES),
            layout=layout_to_proto(layout),
            epoch_offset_ns=time.time_ns() - time.monotonic_ns(),
            animator=animator,
            calibration_id=calibration_id,
            source_audio_format=source_format,
        )
    )
