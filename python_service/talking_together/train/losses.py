"""The paper's losses with its weights: expression 1, rotation 8, translation 1, velocity 1, gaze 5.

Terms are measured on normalised motion (unit variance per dimension), so a weight means the
same for centimetre offsets as for blendshape weights. Gaze goes through the real geometry:
6D -> quaternions -> anchor yaw ∘ neck ∘ head ∘ eye -> the mean of both eyes' -Z.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import torch

from talking_together.geometry import gaze_direction, quat_from_sixd, quat_from_yaw, quat_multiply, quat_rotate
from talking_together.model.config import NUM_JOINTS, ROT_DIM
from talking_together.model.features import EXPR, LIP, ROT, TRANS


@dataclass
class LossWeights:
    expression: float = 1.0
    rotation: float = 8.0
    translation: float = 1.0
    velocity: float = 1.0
    gaze: float = 5.0
    gaze_high_variance: float = 2.0  # gaze weight multiplier on the clips with the most head motion
    high_variance_fraction: float = 0.2  # ... the top 20% of a batch by head-rotation variance
    dubbing_lip: float = 3.0  # lip/jaw expression weight for the speaker in dubbed samples (exact masks)


def world_gaze(motion: torch.Tensor, yaw: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """raw motion (B, 2, T, 79), anchor yaw (B, 2) -> gaze (B, 2, T, 3), head forward (B, 2, T, 3) in R."""
    q = quat_from_sixd(motion[..., ROT].reshape(*motion.shape[:-1], NUM_JOINTS, ROT_DIM))  # (B, 2, T, 4, 4)
    anchor = quat_from_yaw(yaw)[:, :, None].expand(*q.shape[:3], 4)  # (B, 2, T, 4)
    head = quat_multiply(anchor, quat_multiply(q[..., 0, :], q[..., 1, :]))
    forward = quat_rotate(head, torch.tensor([0.0, 0.0, -1.0]).to(head))  # the face looks along -Z
    return gaze_direction(head, q[..., 2, :], q[..., 3, :]), forward


def gaze_loss(pred: torch.Tensor, target: torch.Tensor, yaw: torch.Tensor, w: LossWeights) -> torch.Tensor:
    """1 - cos(pred gaze, true gaze), per clip, weighted up on the most head-mobile clips. Raw motion in."""
    g_pred, _ = world_gaze(pred, yaw)
    g_true, head_fwd = world_gaze(target, yaw)
    per_clip = (1 - (g_pred * g_true).sum(-1)).mean((1, 2))  # (B,)
    variance = head_fwd.var(2).sum(-1).mean(1)  # (B,) head-rotation variance of the truth
    k = max(1, round(w.high_variance_fraction * len(variance)))
    threshold = variance.topk(k).values[-1]
    weight = torch.where(variance >= threshold, w.gaze_high_variance, 1.0)
    return (weight * per_clip).mean()


def diffusion_loss(pred: torch.Tensor, target: torch.Tensor, decode: Callable[[torch.Tensor], torch.Tensor],
                   yaw: torch.Tensor, masks: torch.Tensor, dubbing: torch.Tensor,
                   w: LossWeights = LossWeights()) -> dict[str, torch.Tensor]:
    """pred, target: normalised x0 (B, 2, T, 79); decode: x0 -> raw motion (`MotionGenerator.decode`);
    yaw (B, 2); masks (B, 2, T) the true masks; dubbing (B,) bool.
    Returns each weighted-in term and "loss", their weighted sum."""
    err = (pred - target) ** 2
    expr_w = torch.ones_like(err[..., EXPR])  # (B, 2, T, 52)
    lip = torch.zeros(expr_w.shape[-1], device=err.device)
    lip[LIP] = 1.0
    speaker_lips = dubbing[:, None, None, None].float() * masks[..., None] * lip  # dubbed speakers' lips
    expr_w = expr_w + (w.dubbing_lip - 1) * speaker_lips
    terms = {
        "expression": (expr_w * err[..., EXPR]).sum() / expr_w.sum(),
        "rotation": err[..., ROT].mean(),
        "translation": err[..., TRANS].mean(),
        "velocity": ((pred.diff(dim=2) - target.diff(dim=2)) ** 2).mean(),
        "gaze": gaze_loss(decode(pred), decode(target), yaw, w),
    }
    terms["loss"] = sum(getattr(w, k) * v for k, v in terms.items())
    return terms
