"""Rotation conversions: quaternion (x, y, z, w), 3x3 matrix, 6D (first two columns), axis-angle.

All functions take numpy arrays or torch tensors, batched over leading dimensions.
"""

from __future__ import annotations

from talking_together.geometry._backend import Array, as_float, ops

EPS = 1e-9


def quat_normalize(q: Array) -> Array:
    """(..., 4) back onto the unit sphere: products and network outputs drift off it."""
    q = as_float(q)
    return q / ops(q).clip(ops(q).norm(q), EPS, None)


def quat_conjugate(q: Array) -> Array:
    """(..., 4) the inverse rotation of a unit quaternion: expresses a world pose relative to a parent."""
    q = as_float(q)
    return ops(q).stack([-q[..., 0], -q[..., 1], -q[..., 2], q[..., 3]])


def quat_multiply(a: Array, b: Array) -> Array:
    """Hamilton product a*b: rotate by b first, then by a."""
    a, b = as_float(a), as_float(b)
    ax, ay, az, aw = a[..., 0], a[..., 1], a[..., 2], a[..., 3]
    bx, by, bz, bw = b[..., 0], b[..., 1], b[..., 2], b[..., 3]
    return ops(a).stack(
        [
            aw * bx + ax * bw + ay * bz - az * by,
            aw * by - ax * bz + ay * bw + az * bx,
            aw * bz + ax * by - ay * bx + az * bw,
            aw * bw - ax * bx - ay * by - az * bz,
        ]
    )


def quat_rotate(q: Array, v: Array) -> Array:
    """Rotate vectors v (..., 3) by unit quaternions q (..., 4)."""
    q, v = as_float(q), as_float(v)
    o = ops(q)
    u, w = q[..., :3], q[..., 3:4]
    t = 2.0 * o.cross(u, v)
    return v + w * t + o.cross(u, t)


def quat_from_axis_angle(aa: Array) -> Array:
    """(..., 3) axis * angle (radians) -> (..., 4)."""
    aa = as_float(aa)
    o = ops(aa)
    angle = o.norm(aa)  # (..., 1)
    half = 0.5 * angle
    # sin(half)/angle, with its limit 0.5 near zero
    scale = o.where(angle > 1e-8, o.sin(half) / o.clip(angle, 1e-8, None), 0.5 - angle**2 / 48.0)
    xyz, w = aa * scale, o.cos(half)
    return o.stack([xyz[..., 0], xyz[..., 1], xyz[..., 2], w[..., 0]])


def axis_angle_from_quat(q: Array) -> Array:
    """(..., 4) -> (..., 3), angle in [0, pi]."""
    q = quat_normalize(q)
    o = ops(q)
    q = q * o.where(q[..., 3:4] < 0, -1.0, 1.0)  # the short way round
    sin_half = o.norm(q[..., :3])
    angle = 2.0 * o.atan2(sin_half, q[..., 3:4])
    scale = o.where(sin_half > 1e-8, angle / o.clip(sin_half, 1e-8, None), 2.0 + angle**2 / 12.0)
    return q[..., :3] * scale


def matrix_from_quat(q: Array) -> Array:
    """(..., 4) -> (..., 3, 3); columns are the rotated X, Y, Z axes."""
    q = quat_normalize(q)
    o = ops(q)
    x, y, z, w = q[..., 0], q[..., 1], q[..., 2], q[..., 3]
    rows = [
        o.stack([1 - 2 * (y * y + z * z), 2 * (x * y - z * w), 2 * (x * z + y * w)]),
        o.stack([2 * (x * y + z * w), 1 - 2 * (x * x + z * z), 2 * (y * z - x * w)]),
        o.stack([2 * (x * z - y * w), 2 * (y * z + x * w), 1 - 2 * (x * x + y * y)]),
    ]
    return o.stack(rows, axis=-2)


def quat_from_matrix(m: Array) -> Array:
    """(..., 3, 3) -> (..., 4) with w >= 0; Shepperd's method, stable for every rotation."""
    m = as_float(m)
    o = ops(m)
    m00, m11, m22 = m[..., 0, 0], m[..., 1, 1], m[..., 2, 2]
    # Four candidate solutions, each accurate when its pivot is the largest.
    pivots = o.stack([1 + m00 - m11 - m22, 1 - m00 + m11 - m22, 1 - m00 - m11 + m22, 1 + m00 + m11 + m22])
    candidates = o.stack(
        [
            o.stack([pivots[..., 0], m[..., 1, 0] + m[..., 0, 1], m[..., 0, 2] + m[..., 2, 0], m[..., 2, 1] - m[..., 1, 2]]),
            o.stack([m[..., 1, 0] + m[..., 0, 1], pivots[..., 1], m[..., 2, 1] + m[..., 1, 2], m[..., 0, 2] - m[..., 2, 0]]),
            o.stack([m[..., 0, 2] + m[..., 2, 0], m[..., 2, 1] + m[..., 1, 2], pivots[..., 2], m[..., 1, 0] - m[..., 0, 1]]),
            o.stack([m[..., 2, 1] - m[..., 1, 2], m[..., 0, 2] - m[..., 2, 0], m[..., 1, 0] - m[..., 0, 1], pivots[..., 3]]),
        ],
        axis=-2,
    )  # (..., 4 candidates, 4)
    best = o.argmax(pivots)[..., None, None]  # (..., 1, 1)
    q = o.take(candidates, best, axis=-2)[..., 0, :]
    q = quat_normalize(q)
    return q * o.where(q[..., 3:4] < 0, -1.0, 1.0)


def sixd_from_matrix(m: Array) -> Array:
    """(..., 3, 3) -> (..., 6): the first two columns, the continuous 6D form of Zhou et al. 2019."""
    m = as_float(m)
    return ops(m).stack([m[..., 0, 0], m[..., 1, 0], m[..., 2, 0], m[..., 0, 1], m[..., 1, 1], m[..., 2, 1]])


def matrix_from_sixd(d6: Array) -> Array:
    """(..., 6) -> (..., 3, 3) by Gram-Schmidt; any non-degenerate 6D vector maps to a rotation."""
    d6 = as_float(d6)
    o = ops(d6)
    a, b = d6[..., :3], d6[..., 3:]
    x = a / o.clip(o.norm(a), EPS, None)
    b = b - (x * b).sum(-1)[..., None] * x
    y = b / o.clip(o.norm(b), EPS, None)
    z = o.cross(x, y)
    return o.stack([x, y, z], axis=-1)


def quat_from_sixd(d6: Array) -> Array:
    """(..., 6) -> (..., 4): a network's 6D output to the wire's quaternion."""
    return quat_from_matrix(matrix_from_sixd(d6))


def sixd_from_quat(q: Array) -> Array:
    """(..., 4) -> (..., 6): a quaternion to the form networks learn best (no double cover, continuous)."""
    return sixd_from_matrix(matrix_from_quat(q))


def quat_from_yaw(yaw: Array | float) -> Array:
    """Rotation about +Y (counter-clockwise seen from above)."""
    return quat_from_yaw_pitch_roll(yaw, 0.0, 0.0)


def quat_from_yaw_pitch_roll(yaw: Array | float, pitch: Array | float, roll: Array | float) -> Array:
    """yaw about +Y, then pitch about the turned +X (positive looks up), then roll about the face's Z.

    Intrinsic Y-X-Z, the order a head turns: q = q_yaw * q_pitch * q_roll.
    """
    yaw, pitch, roll = as_float(yaw), as_float(pitch), as_float(roll)
    o = ops(yaw)
    pitch, roll = o.asarray(pitch, yaw), o.asarray(roll, yaw)
    zero = yaw * 0 + pitch * 0 + roll * 0
    q_yaw = o.stack([zero, o.sin(yaw / 2) + zero, zero, o.cos(yaw / 2) + zero])
    q_pitch = o.stack([o.sin(pitch / 2) + zero, zero, zero, o.cos(pitch / 2) + zero])
    q_roll = o.stack([zero, zero, o.sin(roll / 2) + zero, o.cos(roll / 2) + zero])
    return quat_multiply(quat_multiply(q_yaw, q_pitch), q_roll)


def look_rotation(forward: Array, up: Array | None = None) -> Array:
    """The rotation whose -Z axis points along `forward` and whose +Y leans toward `up`."""
    forward = as_float(forward)
    o = ops(forward)
    up = o.asarray([0.0, 1.0, 0.0] if up is None else up, forward) + forward * 0
    back = -forward / o.clip(o.norm(forward), EPS, None)  # +Z
    right = o.cross(up, back)
    # Looking (nearly) along `up`: keep the right-hand side at +X, made exactly perpendicular to back.
    x_axis = o.asarray([1.0, 0.0, 0.0], forward)
    right = o.where(o.norm(right) < EPS, x_axis - back[..., :1] * back, right)
    right = right / o.clip(o.norm(right), EPS, None)
    true_up = o.cross(back, right)
    return quat_from_matrix(o.stack([right, true_up, back], axis=-1))
