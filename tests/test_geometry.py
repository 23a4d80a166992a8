"""Geometry: conversions round-trip, numpy and torch agree, and known poses land where the contract says."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from talking_together.geometry import (
    DEFAULT_HEAD,
    EYE_LOOK_NAMES,
    Anchor,
    EyeRange,
    angle_between,
    axis_angle_from_quat,
    compose_head_world,
    eye_look_blendshapes,
    eye_midpoint_world,
    eye_positions_world,
    eye_rotation_towards,
    gaze_direction,
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
    to_unity_position,
    to_unity_quaternion,
)

ATOL = 1e-9
S = math.sqrt(0.5)  # sin(45°) = cos(45°)
IDENTITY = np.array([0.0, 0.0, 0.0, 1.0])
FORWARD = np.array([0.0, 0.0, -1.0])
X, Y, Z = np.eye(3)

finite = st.floats(-1.0, 1.0, allow_nan=False)


def batch(width: int, n: int) -> st.SearchStrategy[np.ndarray]:
    """n vectors of `width`, kept away from zero so that normalising is defined."""
    return arrays(np.float64, (n, width), elements=finite).filter(lambda a: np.all(np.linalg.norm(a, axis=-1) > 1e-2))


sizes = st.integers(1, 5)
quats = sizes.flatmap(lambda n: batch(4, n)).map(quat_normalize)
vectors = sizes.flatmap(lambda n: batch(3, n))
# three quaternions and a vector sharing one batch size: (a, b, c, v)
poses = sizes.flatmap(lambda n: st.tuples(*[batch(4, n).map(quat_normalize)] * 3, batch(3, n)))


def same_rotation(p: np.ndarray, q: np.ndarray, atol: float = 1e-7) -> bool:
    """q and -q are the same rotation."""
    return bool(np.all(np.abs(np.abs((p * q).sum(-1)) - 1.0) < atol))


# ---- properties ----------------------------------------------------------------------------


@given(quats)
def test_quat_matrix_round_trip(q: np.ndarray) -> None:
    m = matrix_from_quat(q)
    np.testing.assert_allclose(m @ np.swapaxes(m, -1, -2), np.broadcast_to(np.eye(3), m.shape), atol=1e-12)
    np.testing.assert_allclose(np.linalg.det(m), 1.0, atol=1e-12)
    back = quat_from_matrix(m)
    assert np.all(back[..., 3] >= 0)
    assert same_rotation(back, q)


@given(quats)
def test_quat_sixd_round_trip(q: np.ndarray) -> None:
    d6 = sixd_from_quat(q)
    assert d6.shape == q.shape[:-1] + (6,)
    assert same_rotation(quat_from_sixd(d6), q)
    np.testing.assert_allclose(sixd_from_matrix(matrix_from_sixd(d6)), d6, atol=1e-12)


@given(sizes.flatmap(lambda n: batch(6, n)))
def test_any_sixd_is_a_rotation(d6: np.ndarray) -> None:
    d6 = d6[np.linalg.norm(np.cross(d6[:, :3], d6[:, 3:]), axis=-1) > 1e-2]  # not degenerate
    m = matrix_from_sixd(d6)
    np.testing.assert_allclose(m @ np.swapaxes(m, -1, -2), np.broadcast_to(np.eye(3), m.shape), atol=1e-9)
    np.testing.assert_allclose(np.linalg.det(m), 1.0, atol=1e-9)


@given(quats)
def test_axis_angle_round_trip(q: np.ndarray) -> None:
    aa = axis_angle_from_quat(q)
    assert np.all(np.linalg.norm(aa, axis=-1) <= math.pi + 1e-9)
    assert same_rotation(quat_from_axis_angle(aa), q)


@given(arrays(np.float64, (3,), elements=st.floats(-1e-6, 1e-6)))
def test_axis_angle_near_zero_is_stable(aa: np.ndarray) -> None:
    q = quat_from_axis_angle(aa)
    np.testing.assert_allclose(np.linalg.norm(q), 1.0, atol=1e-12)
    np.testing.assert_allclose(axis_angle_from_quat(q), aa, atol=1e-15)


@given(poses)
def test_multiply_is_associative_and_normalised(pose: tuple[np.ndarray, ...]) -> None:
    a, b, c, _ = pose
    ab_c = quat_multiply(quat_multiply(a, b), c)
    a_bc = quat_multiply(a, quat_multiply(b, c))
    np.testing.assert_allclose(ab_c, a_bc, atol=1e-12)
    np.testing.assert_allclose(np.linalg.norm(ab_c, axis=-1), 1.0, atol=1e-12)


@given(poses)
def test_multiply_rotates_by_b_first(pose: tuple[np.ndarray, ...]) -> None:
    a, b, _, v = pose
    np.testing.assert_allclose(quat_rotate(quat_multiply(a, b), v), quat_rotate(a, quat_rotate(b, v)), atol=1e-12)


@given(poses)
def test_rotate_matches_matrix_and_conjugate_undoes(pose: tuple[np.ndarray, ...]) -> None:
    q, _, _, v = pose
    rotated = quat_rotate(q, v)
    np.testing.assert_allclose(rotated, (matrix_from_quat(q) @ v[..., None])[..., 0], atol=1e-12)
    np.testing.assert_allclose(quat_rotate(quat_conjugate(q), rotated), v, atol=1e-12)
    np.testing.assert_allclose(np.linalg.norm(rotated, axis=-1), np.linalg.norm(v, axis=-1), atol=1e-12)


@given(vectors)
def test_look_rotation_points_minus_z_along_forward(forward: np.ndarray) -> None:
    q = look_rotation(forward)
    unit = forward / np.linalg.norm(forward, axis=-1, keepdims=True)
    np.testing.assert_allclose(quat_rotate(q, FORWARD), unit, atol=1e-9)
    level = np.hypot(forward[..., 0], forward[..., 2]) > 1e-6  # not looking straight up or down
    right = quat_rotate(q, X)
    assert np.all(np.abs(right[level, 1]) < 1e-9)  # no roll: the right axis stays level


@settings(deadline=None)
@given(poses)
def test_numpy_and_torch_agree(pose: tuple[np.ndarray, ...]) -> None:
    a, b, _, v = pose
    t = torch.from_numpy
    pairs = [
        (quat_multiply(a, b), quat_multiply(t(a), t(b))),
        (quat_rotate(a, v), quat_rotate(t(a), t(v))),
        (matrix_from_quat(a), matrix_from_quat(t(a))),
        (sixd_from_quat(a), sixd_from_quat(t(a))),
        # q and -q are one rotation, and at w ~ 0 rounding picks either: compare as matrices
        (matrix_from_quat(quat_from_matrix(matrix_from_quat(a))), matrix_from_quat(quat_from_matrix(matrix_from_quat(t(a))))),
        (matrix_from_quat(quat_from_sixd(sixd_from_quat(b))), matrix_from_quat(quat_from_sixd(sixd_from_quat(t(b))))),
        (axis_angle_from_quat(a), axis_angle_from_quat(t(a))),
        (quat_from_axis_angle(v), quat_from_axis_angle(t(v))),
        (look_rotation(v), look_rotation(t(v))),
        (quat_from_yaw_pitch_roll(v[:, 0], v[:, 1], v[:, 2]), quat_from_yaw_pitch_roll(t(v[:, 0]), t(v[:, 1]), t(v[:, 2]))),
        (gaze_direction(a, b, b), gaze_direction(t(a), t(b), t(b))),
        (angle_between(v, quat_rotate(a, v)), angle_between(t(v), quat_rotate(t(a), t(v)))),
        (eye_look_blendshapes(a, b), eye_look_blendshapes(t(a), t(b))),
        (to_unity_quaternion(a), to_unity_quaternion(t(a))),
    ]
    for expected, got in pairs:
        assert isinstance(got, torch.Tensor)
        np.testing.assert_allclose(got.numpy(), expected, atol=1e-9)


def test_torch_keeps_dtype_and_gradients() -> None:
    d6 = torch.randn(7, 6, dtype=torch.float32, requires_grad=True)
    q = quat_from_sixd(d6)
    assert q.dtype == torch.float32 and q.shape == (7, 4)
    quat_rotate(q, torch.tensor([0.0, 0.0, -1.0])).sum().backward()
    assert d6.grad is not None and torch.isfinite(d6.grad).all()


# ---- known poses ---------------------------------------------------------------------------


def test_yaw_90_turns_forward_to_minus_x() -> None:
    q = quat_from_yaw(math.pi / 2)
    np.testing.assert_allclose(q, [0.0, S, 0.0, S], atol=ATOL)
    np.testing.assert_allclose(quat_rotate(q, FORWARD), -X, atol=ATOL)


def test_yaw_pitch_roll_order() -> None:
    """Intrinsic yaw, then pitch about the yawed +X, then roll about the face's Z."""
    up = quat_from_yaw_pitch_roll(math.pi / 2, math.pi / 2, 0.0)
    np.testing.assert_allclose(quat_rotate(up, FORWARD), Y, atol=ATOL)
    np.testing.assert_allclose(quat_rotate(up, X), -Z, atol=ATOL)  # pitch is about the yawed +X
    rolled = quat_from_yaw_pitch_roll(0.0, 0.0, math.pi / 2)
    np.testing.assert_allclose(quat_rotate(rolled, FORWARD), FORWARD, atol=ATOL)  # roll keeps the gaze
    np.testing.assert_allclose(quat_rotate(rolled, X), Y, atol=ATOL)


@pytest.mark.parametrize(
    ("forward", "expected"),
    [
        ((0.0, 0.0, -1.0), (0.0, 0.0, 0.0, 1.0)),  # straight ahead: identity
        ((-1.0, 0.0, 0.0), (0.0, S, 0.0, S)),  # to -X: yaw +90°
        ((1.0, 0.0, 0.0), (0.0, -S, 0.0, S)),  # to +X: yaw -90°
        ((0.0, 0.0, 1.0), (0.0, 1.0, 0.0, 0.0)),  # behind: yaw 180°
        ((0.0, 1.0, 0.0), (S, 0.0, 0.0, S)),  # straight up: pitch +90° about +X
    ],
)
def test_look_rotation_known(forward: tuple[float, ...], expected: tuple[float, ...]) -> None:
    q = look_rotation(np.array(forward))
    assert same_rotation(q, np.array(expected), atol=ATOL)
    np.testing.assert_allclose(quat_rotate(q, FORWARD), forward, atol=ATOL)


def test_shepperd_handles_half_turns() -> None:
    """Trace -1 (w = 0): the branch where the naive formula divides by zero."""
    for axis in np.eye(3):
        q = quat_from_matrix(matrix_from_quat(np.append(axis, 0.0)))
        assert same_rotation(q, np.append(axis, 0.0), atol=ATOL)


def test_angle_between() -> None:
    assert angle_between(X, Y) == pytest.approx(math.pi / 2)
    assert angle_between(X, -X) == pytest.approx(math.pi)
    assert angle_between(2 * X, X) == pytest.approx(0.0)
    np.testing.assert_allclose(angle_between(np.stack([X, Y]), np.stack([Y, Y])), [math.pi / 2, 0.0])


# ---- head chain ----------------------------------------------------------------------------


@pytest.mark.parametrize("yaw", [0.0, math.pi / 2, -2.0])
def test_identity_chain_puts_pivot_above_anchor(yaw: float) -> None:
    anchor = Anchor(position=np.array([0.5, 1.05, -0.2]), yaw_rad=yaw)
    pos, q = compose_head_world(anchor, np.zeros(3), IDENTITY, IDENTITY)
    np.testing.assert_allclose(pos, anchor.position + [0.0, DEFAULT_HEAD.neck_length, 0.0], atol=ATOL)
    assert same_rotation(q, quat_from_yaw(yaw), atol=ATOL)


def test_chain_order() -> None:
    """Translation is in the anchor frame; the neck swings the head pivot; the head turns only itself."""
    anchor = Anchor(position=np.array([1.0, 1.0, 0.0]), yaw_rad=math.pi / 2)  # faces -X
    neck = quat_from_yaw_pitch_roll(0.0, math.pi / 2, 0.0)  # neck bent 90° back: +Y goes to +Z
    head = quat_from_yaw(0.3)
    pos, q = compose_head_world(anchor, np.array([0.0, 0.0, -0.1]), neck, head)
    # t = 0.1 m forward = -X in R; neck's +Y -> anchor +Z -> R +X
    np.testing.assert_allclose(pos, [1.0 - 0.1 + DEFAULT_HEAD.neck_length, 1.0, 0.0], atol=ATOL)
    np.testing.assert_allclose(q, quat_multiply(quat_multiply(anchor.rotation, neck), head), atol=ATOL)


def test_chain_is_batched() -> None:
    anchor = Anchor(position=np.array([0.0, 1.0, 0.0]), yaw_rad=0.4)
    yaws = np.linspace(-1.0, 1.0, 5)
    neck = quat_from_yaw_pitch_roll(yaws, 0.2 * yaws, 0.0)
    pos, q = compose_head_world(anchor, np.zeros((5, 3)), neck, np.tile(IDENTITY, (5, 1)))
    assert pos.shape == (5, 3) and q.shape == (5, 4)
    for i in range(5):
        pi, qi = compose_head_world(anchor, np.zeros(3), neck[i], IDENTITY)
        np.testing.assert_allclose(pos[i], pi, atol=ATOL)
        np.testing.assert_allclose(q[i], qi, atol=ATOL)


def test_chain_in_torch_matches_numpy() -> None:
    anchor = Anchor(position=[0.3, 1.05, 0.2], yaw_rad=-0.7)
    t, neck, head = np.array([0.01, -0.02, 0.03]), quat_from_yaw_pitch_roll(0.2, 0.1, -0.1), quat_from_yaw(0.4)
    pos, q = compose_head_world(anchor, t, neck, head)
    pos_t, q_t = compose_head_world(anchor, *(torch.from_numpy(x) for x in (t, neck, head)))
    np.testing.assert_allclose(pos_t.numpy(), pos, atol=ATOL)
    np.testing.assert_allclose(q_t.numpy(), q, atol=ATOL)
    np.testing.assert_allclose(eye_midpoint_world(pos_t, q_t).numpy(), eye_midpoint_world(pos, q), atol=ATOL)


def test_anchor_checks_its_position() -> None:
    assert Anchor(position=[1, 2, 3]).position.dtype == np.float64
    with pytest.raises(ValueError, match="shape"):
        Anchor(position=np.zeros(2))


def test_eyes_left_is_minus_x() -> None:
    head_pos = np.array([0.0, 1.2, 0.0])
    left, right = eye_positions_world(head_pos, IDENTITY)
    np.testing.assert_allclose(right - left, [DEFAULT_HEAD.interocular, 0.0, 0.0], atol=ATOL)
    np.testing.assert_allclose((left + right) / 2, eye_midpoint_world(head_pos, IDENTITY), atol=ATOL)
    np.testing.assert_allclose(eye_midpoint_world(head_pos, IDENTITY), head_pos + DEFAULT_HEAD.eye_center_offset, atol=ATOL)
    # turned to face -X, the person's right is -Z in R, so the left eye lies toward +Z
    left, right = eye_positions_world(head_pos, quat_from_yaw(math.pi / 2))
    assert left[2] > right[2]


# ---- gaze ----------------------------------------------------------------------------------


def test_gaze_straight_ahead_is_minus_z() -> None:
    np.testing.assert_allclose(gaze_direction(IDENTITY, IDENTITY, IDENTITY), FORWARD, atol=ATOL)
    np.testing.assert_allclose(gaze_direction(quat_from_yaw(math.pi / 2), IDENTITY, IDENTITY), -X, atol=ATOL)


def test_gaze_averages_the_eyes() -> None:
    left, right = quat_from_yaw(0.2), quat_from_yaw(-0.2)  # converged: each eye toward the nose
    np.testing.assert_allclose(gaze_direction(IDENTITY, left, right), FORWARD, atol=ATOL)


def test_eye_rotation_towards_aims_minus_z() -> None:
    eye = np.array(DEFAULT_HEAD.eye_center_offset)
    target = eye + np.array([0.3, 0.1, -1.0])
    q = eye_rotation_towards(target, eye)
    direction = quat_rotate(q, FORWARD)
    assert angle_between(direction, target - eye) < 1e-9


def test_eye_look_in_out_follow_arkit() -> None:
    """Both eyes turn toward the person's right (+X): the left eye looks in, the right eye out."""
    w = dict(zip(EYE_LOOK_NAMES, eye_look_blendshapes(quat_from_yaw(-0.2), quat_from_yaw(-0.2))))
    assert w["eyeLookInLeft"] > 0 and w["eyeLookOutRight"] > 0
    assert w["eyeLookOutLeft"] == 0 and w["eyeLookInRight"] == 0
    assert w["eyeLookUpLeft"] == w["eyeLookDownLeft"] == 0
    assert w["eyeLookInLeft"] == pytest.approx(0.2 / EyeRange().horizontal_rad)


def test_eye_look_up_down_and_saturation() -> None:
    up = quat_from_yaw_pitch_roll(0.0, 0.1, 0.0)
    w = dict(zip(EYE_LOOK_NAMES, eye_look_blendshapes(up, up)))
    assert w["eyeLookUpLeft"] == pytest.approx(0.1 / EyeRange().vertical_rad) == w["eyeLookUpRight"]
    assert w["eyeLookDownLeft"] == 0
    far_down = quat_from_yaw_pitch_roll(0.0, -1.0, 0.0)
    w = dict(zip(EYE_LOOK_NAMES, eye_look_blendshapes(far_down, far_down)))
    assert w["eyeLookDownLeft"] == w["eyeLookDownRight"] == 1.0
    assert np.all(eye_look_blendshapes(IDENTITY, IDENTITY) == 0)


def test_eye_look_is_batched() -> None:
    qs = quat_from_yaw_pitch_roll(np.linspace(-0.5, 0.5, 6), np.linspace(0.4, -0.4, 6), 0.0)
    w = eye_look_blendshapes(qs, qs)
    assert w.shape == (6, len(EYE_LOOK_NAMES))
    for i in range(6):
        np.testing.assert_allclose(w[i], eye_look_blendshapes(qs[i], qs[i]))
    assert np.all((w >= 0) & (w <= 1))


# ---- Unity ---------------------------------------------------------------------------------


def test_unity_conversion_pinned() -> None:
    np.testing.assert_allclose(to_unity_position(np.array([1.0, 2.0, 3.0])), [1.0, 2.0, -3.0])
    np.testing.assert_allclose(to_unity_quaternion(np.array([0.0, S, 0.0, S])), [0.0, -S, 0.0, S])
    np.testing.assert_allclose(to_unity_quaternion(np.array([0.1, 0.2, 0.3, 0.9])), [-0.1, -0.2, 0.3, 0.9])
    np.testing.assert_allclose(to_unity_position(np.array([[0.0, 1.5, -2.0]])), [[0.0, 1.5, 2.0]])


@given(poses)
def test_unity_conversion_is_the_z_mirror(pose: tuple[np.ndarray, ...]) -> None:
    q, _, _, v = pose
    """Rotating then mirroring equals mirroring then rotating by the mirrored quaternion."""
    np.testing.assert_allclose(
        to_unity_position(quat_rotate(q, v)), quat_rotate(to_unity_quaternion(q), to_unity_position(v)), atol=1e-12
    )
