"""Room frame R (right-handed, -Z forward) to Unity (left-handed, +Z forward): flip Z.

A mirror in Z maps positions (x, y, z) -> (x, y, -z) and quaternions (x, y, z, w) -> (-x, -y, z, w).
The C# Core does the same; tests pin both on known poses.
"""

from __future__ import annotations

from talking_together.geometry._backend import Array, as_float, ops


def to_unity_position(p: Array) -> Array:
    p = as_float(p)
    return ops(p).stack([p[..., 0], p[..., 1], -p[..., 2]])


def to_unity_quaternion(q: Array) -> Array:
    q = as_float(q)
    return ops(q).stack([-q[..., 0], -q[..., 1], q[..., 2], q[..., 3]])
