"""Noise schedule and the few-step DDIM sampler, kept apart from the network (diffusers style).

The network predicts x0 directly; the sampler turns an x0 prediction into the implied noise and
steps deterministically (DDIM, eta = 0) down a short sub-sequence of the training steps.
Some dimensions (the mouth, decision 0006) can be held at the first step's estimate: from pure
noise that is the network's mean given the conditions, what lip sync wants, while the rest keeps
being sampled.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import torch


@dataclass
class DiffusionConfig:
    train_steps: int = 1000  # discrete noise levels seen in training
    sample_steps: int = 8  # DDIM steps at inference: few, for live use
    guidance: float = 1.0  # classifier-free guidance scale; 1 = conditional prediction only
    mouth_from_mean: bool = True  # jaw and mouth held at the first step's estimate (decision 0006)

    def __post_init__(self) -> None:
        if not isinstance(self.mouth_from_mean, bool):  # a TOML "no" would otherwise read as true
            raise ValueError(f"[diffusion] mouth_from_mean must be true or false, got {self.mouth_from_mean!r}")


class NoiseSchedule:
    """Cosine schedule (Nichol & Dhariwal 2021): alpha_bar(t) = cos^2(((t/T) + s)/(1 + s) * pi/2)."""

    def __init__(self, train_steps: int = 1000, s: float = 0.008) -> None:
        self.train_steps = train_steps
        t = torch.arange(train_steps + 1, dtype=torch.float64) / train_steps
        f = torch.cos((t + s) / (1 + s) * math.pi / 2) ** 2
        alpha_bar = (f[1:] / f[0]).clamp(1e-5, 1.0)  # (T,), index k = noise level k + 1
        self.alpha_bar = alpha_bar.float()

    def add_noise(self, x0: torch.Tensor, noise: torch.Tensor, steps: torch.Tensor) -> torch.Tensor:
        """q(x_t | x0): sqrt(ab) x0 + sqrt(1 - ab) noise; steps (B,) in [0, train_steps)."""
        ab = self.alpha_bar.to(x0.device)[steps].view(-1, *([1] * (x0.ndim - 1)))
        return ab.sqrt() * x0 + (1 - ab).sqrt() * noise


class DDIMSampler:
    """Deterministic DDIM over `steps` evenly spaced noise levels, from the noisiest down to clean."""

    def __init__(self, schedule: NoiseSchedule, steps: int) -> None:
        if not 1 <= steps <= schedule.train_steps:
            raise ValueError(f"sample steps must be in [1, {schedule.train_steps}], got {steps}")
        self.schedule = schedule
        self.timesteps = torch.linspace(schedule.train_steps - 1, 0, steps).round().long()  # descending

    @torch.no_grad()
    def sample(self, predict_x0: Callable[[torch.Tensor, torch.Tensor], torch.Tensor], noise: torch.Tensor,
               hold: Sequence[int] | None = None) -> torch.Tensor:
        """predict_x0(x_t, steps (B,)) -> x0; noise: the starting x_T (B, ...). Returns x0.

        hold: indices on the last axis whose x0 stays the first step's estimate through every later
        step but the last, which cleans them once more (with 2 steps, nothing changes)."""
        ab_all = self.schedule.alpha_bar.to(noise.device)
        x, held = noise, None
        last = len(self.timesteps) - 1
        for i, t in enumerate(self.timesteps.tolist()):
            steps = torch.full((x.shape[0],), t, dtype=torch.long, device=x.device)
            x0 = predict_x0(x, steps)
            if i == last:
                return x0  # the last step lands on clean data: alpha_bar = 1
            if hold:
                if held is None:
                    held = x0[..., hold].clone()  # the estimate from (almost) pure noise: the conditional mean
                x0[..., hold] = held
            ab, ab_prev = ab_all[t], ab_all[self.timesteps[i + 1]]
            eps = (x - ab.sqrt() * x0) / (1 - ab).sqrt()
            x = ab_prev.sqrt() * x0 + (1 - ab_prev).sqrt() * eps
        return x
