"""Rigid transforms between room frame R and the headset's STAGE space, and the Kabsch solver."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

RIGID_TOLERANCE = 1e-4


def yaw_matrix(yaw_rad: float) -> np.ndarray:
    """(3, 3) rotation about +Y; yaw 0 faces -Z, yaw +90 degrees faces -X."""
    c, s = math.cos(yaw_rad), math.sin(yaw_rad)
    return np.array([[c, 0.0, s], [0.0, 1.0, 0.0], [-s, 0.0, c]])


def is_rigid(rotation: np.ndarray, tol: float = RIGID_TOLERANCE) -> str:
    """'' when `rotation` is a proper rotation, else what is wrong with it."""
    error = float(np.abs(rotation.T @ rotation - np.eye(3)).max())
    if error > tol:
        return (f"rotation is not orthonormal (max |R^T R - I| = {error:.2g}): the transform must be "
                "rigid, with no scale or shear")
    det = float(np.linalg.det(rotation))
    if abs(det - 1.0) > tol:
        return f"rotation has determinant {det:.4f}, not +1: a reflection is not a rigid transform"
    return ""


@dataclass
class RigidTransform:
    """x_dst = rotation @ x_src + translation."""

    rotation: np.ndarray = field(default_factory=lambda: np.eye(3))  # (3, 3), det +1
    translation: np.ndarray = field(default_factory=lambda: np.zeros(3))  # (3,) m

    def apply(self, points: np.ndarray) -> np.ndarray:
        """(..., 3) points -> (..., 3) transformed."""
        return np.asarray(points) @ self.rotation.T + self.translation

    def inverse(self) -> RigidTransform:
        return RigidTransform(self.rotation.T, -self.rotation.T @ self.translation)


def rotation_angle_deg(a: np.ndarray, b: np.ndarray) -> float:
    """Angle of the rotation that takes `b` to `a`, in degrees."""
    cos = (np.trace(a @ b.T) - 1.0) / 2.0
    return float(np.degrees(np.arccos(np.clip(cos, -1.0, 1.0))))


def solve_rigid_transform(src_points: np.ndarray, dst_points: np.ndarray) -> RigidTransform:
    """Least-squares rotation and translation with dst ~ R src + t (Kabsch / Umeyama without scale).

    Needs three or more corresponding points that are not collinear; the sign fix on the
    smallest singular direction keeps R a rotation, never a reflection.
    """
    src, dst = np.asarray(src_points, float), np.asarray(dst_points, float)
    if src.shape != dst.shape or src.ndim != 2 or src.shape[1] != 3:
        raise ValueError(f"need two (N, 3) point sets of equal shape, got {src.shape} and {dst.shape}")
    if len(src) < 3:
        raise ValueError(f"need at least 3 point pairs, got {len(src)}")
    src_mean, dst_mean = src.mean(0), dst.mean(0)
    h = (src - src_mean).T @ (dst - dst_mean)  # (3, 3) cross-covariance
    u, s, vt = np.linalg.svd(h)
    if s[1] < 1e-6 * max(s[0], 1e-12):
        raise ValueError("the points are collinear (or coincide): the rotation is undetermined; "
                         "touch points that span a triangle at least 0.5 m across")
    d = np.sign(np.linalg.det(vt.T @ u.T)) or 1.0
    rotation = vt.T @ np.diag([1.0, 1.0, d]) @ u.T
    return RigidTransform(rotation, dst_mean - rotation @ src_mean)


def rms_residual(transform: RigidTransform, src_points: np.ndarray, dst_points: np.ndarray) -> float:
    """Root-mean-square distance (m) between transformed src points and dst points."""
    diff = transform.apply(src_points) - np.asarray(dst_points, float)
    return float(np.sqrt(np.mean(np.sum(diff ** 2, axis=1))))
