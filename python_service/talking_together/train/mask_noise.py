"""Speaker masks as a live estimator gives them: late, smeared, and leaking the partner's speech.

Why: the corpus masks are exact, but live masks come from the room audio (`activity/`): direction
of arrival picks up reverberation from the other seat, voice profiles confuse similar voices, and
every estimator decides a few frames late. A model trained only on exact masks copies whatever it
is given. Trained partly on degraded masks, it must check them against the audio and, in the
dual-stream model, against the partner's mask: the comparison cross-attention makes possible.
Evaluation applies the same degradation to held-out masks (`evaluate/`), seeded per conversation.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch

from talking_together.contract import FPS


@dataclass
class MaskNoiseConfig:
    prob: float = 0.5  # share of training windows whose masks are degraded
    max_leak: float = 0.8  # the partner's speech shows in one's mask at a level drawn from [0, max_leak]
    max_lag_frames: int = 4  # decisions late by up to 160 ms
    max_smoothing_s: float = 0.2  # one-pole smoothing time constant, drawn from [0, max_smoothing_s]


def degrade_masks(masks: torch.Tensor, cfg: MaskNoiseConfig, generator: torch.Generator) -> torch.Tensor:
    """(B, 2, T) exact masks -> (B, 2, T) degraded ones in [0, 1]; each window and person draws its own
    leak, lag and smoothing. Windows not picked (1 - prob) come back unchanged."""
    b, _, t = masks.shape
    draw = lambda: torch.rand(b, 2, 1, generator=generator)  # noqa: E731
    leak, lag, tau = draw() * cfg.max_leak, draw() * (cfg.max_lag_frames + 1), draw() * cfg.max_smoothing_s
    x = (masks + leak * masks.flip(1)).clamp(0, 1)  # (B, 2, T): my speech plus some of the partner's
    shift = lag.long().clamp(max=t)  # (B, 2, 1) whole frames
    idx = (torch.arange(t)[None, None] - shift).clamp(min=0)  # late: frame i shows frame i - lag
    x = x.gather(2, idx)
    alpha = 1 - torch.exp(-1.0 / (FPS * tau.clamp(min=1e-6)))  # (B, 2, 1); tau 0 -> alpha 1 (no smoothing)
    out, y = torch.empty_like(x), x[..., 0]
    for i in range(t):
        y = y + alpha[..., 0] * (x[..., i] - y)
        out[..., i] = y
    picked = torch.rand(b, 1, 1, generator=generator) < cfg.prob
    return torch.where(picked, out, masks)
