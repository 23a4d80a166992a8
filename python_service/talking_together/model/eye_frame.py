"""Eyes in the partner's frame: the network predicts each eye's turn away from the partner's eyes.

Why: most conversational gaze rests on the partner, and there a degree is what a viewer notices.
Predicted as plain joint rotations, the eyes carry every small error of the translation, neck and
head above them (a 5° median miss on held-out conversations). Expressed relative to the rotation
that aims at the partner's eye midpoint, looking at the partner is the identity, exact whatever the
heads do, and an aversion is the residual. The aim is recomputed from both people's predicted
heads, so it needs the shared layout: the single-stream ablation keeps plain eye rotations.

Numpy or torch (like `geometry`); motion is raw (unnormalised) (..., 2, T, 79) with the person
axis before time, layout is `features.layout_features` (..., 2, 6). Only the two eye joints change.
Sampling runs it in float64 numpy: on one window it is a hundred tiny operations, which torch's
per-call overhead made cost a third of a 2-step sample.
"""

from __future__ import annotations

from talking_together.geometry import (
    DEFAULT_HEAD,
    Anchor,
    HeadGeometry,
    compose_head_world,
    eye_midpoint_world,
    eye_rotation_towards,
    look_rotation,
    quat_conjugate,
    quat_from_sixd,
    quat_from_yaw,
    quat_multiply,
    quat_rotate,
    sixd_from_quat,
)
from talking_together.geometry._backend import Array, ops
from talking_together.model.config import NUM_JOINTS, ROT_DIM
from talking_together.model.features import ROT, TRANS

EYES = slice(2, 4)  # joints: neck, head, left eye, right eye


def _joints(motion: Array) -> Array:
    """(..., 79) -> (..., 4, 4) unit quaternions of neck, head, left eye, right eye."""
    return quat_from_sixd(motion[..., ROT].reshape(*motion.shape[:-1], NUM_JOINTS, ROT_DIM))


def partner_aim(motion: Array, layout: Array, geom: HeadGeometry = DEFAULT_HEAD) -> Array:
    """-> (..., 2, T, 2, 4): per person, frame and eye, the eye rotation (head frame) that looks at
    the partner's eye midpoint. Depends only on translation, neck and head, never on the eyes."""
    q = _joints(motion)  # (..., 2, T, 4, 4)
    # each head in its own anchor frame: anchor at the origin, facing -Z
    pivot, head_q = compose_head_world(Anchor(), motion[..., TRANS], q[..., 0, :], q[..., 1, :], geom)
    eyes = eye_midpoint_world(pivot, head_q, geom)  # (..., 2, T, 3)
    # the partner's eyes in my anchor frame: their anchor sits at layout[:3], turned by the relative yaw
    o = ops(motion)
    rel_yaw = o.atan2(layout[..., 3], layout[..., 4])  # (..., 2)
    partner_eyes = layout[..., None, :3] + quat_rotate(quat_from_yaw(rel_yaw)[..., None, :], eyes[..., [1, 0], :, :])
    target = quat_rotate(quat_conjugate(head_q), partner_eyes - pivot)  # in my head frame
    left, right = geom.eye_offsets()
    return o.stack([eye_rotation_towards(target, left), eye_rotation_towards(target, right)], axis=-2)


def _with_eyes(motion: Array, eyes: Array) -> Array:
    """`motion` with its two eye joints replaced by quaternions `eyes` (..., 2, 4)."""
    o = ops(motion)
    eyes6 = sixd_from_quat(eyes).reshape(*motion.shape[:-1], 2 * ROT_DIM)
    rot = motion[..., ROT]
    return o.concat([motion[..., : ROT.start], rot[..., : EYES.start * ROT_DIM], o.asarray(eyes6, motion),
                     motion[..., ROT.stop :]], axis=-1)


def eyes_to_partner_frame(motion: Array, layout: Array) -> Array:
    """Raw motion -> the same with each eye as aim⁻¹ ∘ eye (identity when looking at the partner)."""
    aim = partner_aim(motion, layout)
    return _with_eyes(motion, quat_multiply(quat_conjugate(aim), _joints(motion)[..., EYES, :]))


def eyes_from_partner_frame(motion: Array, layout: Array) -> Array:
    """The inverse: eye = aim ∘ residual, aimed from the heads as they are in `motion`, then
    re-built from its line of sight with no torsion, as eyes turn (Listing's law) and as the corpus
    and `geometry.eye_rotation_towards` make them: a roll about the line of sight is invisible in
    the gaze but would be an error in every eye-rotation metric."""
    eyes = quat_multiply(partner_aim(motion, layout), _joints(motion)[..., EYES, :])
    return _with_eyes(motion, look_rotation(quat_rotate(eyes, ops(eyes).asarray([0.0, 0.0, -1.0], eyes))))
