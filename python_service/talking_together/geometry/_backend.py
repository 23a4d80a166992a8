"""One set of rotation functions for numpy arrays and torch tensors alike.

Each function asks `ops(x)` for the namespace of its input; the few calls whose names differ
between numpy and torch are mapped here, once. torch is imported only when a tensor shows
up, so numpy-only users (the baseline service, the CLI) start fast.
"""

from __future__ import annotations

import functools
import sys
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any, Union

import numpy as np

if TYPE_CHECKING:
    import torch

Array = Union[np.ndarray, "torch.Tensor"]


def _cross(stack: Any, a: Array, b: Array) -> Array:
    """Cross product over the last axis, broadcasting; np.cross is 10x slower on small arrays."""
    ax, ay, az = a[..., 0], a[..., 1], a[..., 2]
    bx, by, bz = b[..., 0], b[..., 1], b[..., 2]
    return stack([ay * bz - az * by, az * bx - ax * bz, ax * by - ay * bx], -1)


_NUMPY = SimpleNamespace(
    stack=lambda xs, axis=-1: np.stack(xs, axis=axis),
    sqrt=np.sqrt,
    sin=np.sin,
    cos=np.cos,
    atan2=np.arctan2,
    clip=np.clip,
    where=np.where,
    norm=lambda x, axis=-1: np.linalg.norm(x, axis=axis, keepdims=True),
    cross=lambda a, b: _cross(np.stack, a, b),
    argmax=lambda x, axis=-1: np.argmax(x, axis=axis),
    take=lambda x, idx, axis=-1: np.take_along_axis(x, idx, axis=axis),
    asarray=lambda x, like: np.asarray(x, dtype=like.dtype if like.dtype.kind == "f" else np.float64),
    concat=lambda xs, axis=-1: np.concatenate(xs, axis=axis),
)
@functools.cache
def _torch_ops() -> SimpleNamespace:
    import torch

    return SimpleNamespace(
        stack=lambda xs, axis=-1: torch.stack(xs, dim=axis),
        sqrt=torch.sqrt,
        sin=torch.sin,
        cos=torch.cos,
        atan2=torch.atan2,
        clip=torch.clamp,
        where=torch.where,
        norm=lambda x, axis=-1: torch.linalg.norm(x, dim=axis, keepdim=True),
        cross=lambda a, b: _cross(torch.stack, a, b),
        argmax=lambda x, axis=-1: torch.argmax(x, dim=axis),
        take=lambda x, idx, axis=-1: torch.take_along_dim(x, idx, dim=axis),
        asarray=lambda x, like: torch.as_tensor(x, dtype=like.dtype, device=like.device),
        concat=lambda xs, axis=-1: torch.cat(xs, dim=axis),
    )


def is_tensor(x: Any) -> bool:
    torch = sys.modules.get("torch")  # no tensor can exist before torch is imported
    return torch is not None and isinstance(x, torch.Tensor)


def ops(x: Any) -> SimpleNamespace:
    """The namespace of x's library: torch for tensors (keeps device, dtype and autograd), else numpy."""
    return _torch_ops() if is_tensor(x) else _NUMPY


def as_float(x: Any) -> Array:
    """Tensors stay tensors; anything else becomes a float64 numpy array."""
    return x if is_tensor(x) else np.asarray(x, dtype=np.float64)
