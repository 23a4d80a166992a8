"""Noise schedule, sampler settings and the DDIM step, kept apart from the network (diffusers style).

The network predicts x0 directly; `ddim_step` turns an x0 prediction into the implied noise and
steps deterministically (DDIM, eta = 0) to the next, less noisy level. It holds no state: the
loop, guidance and the conditions live in the pipeline (`MotionGenerator.sample`). Entries of x0
the sampler already knows (the motion prefix, the held mouth of decision 0006) are one mechanism,
`KnownX0`, applied to every prediction before the step.
"""

from __future__ import annotations

import math
from collections.abc import Callable
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


@dataclass(frozen=True)
class SamplerSettings:
    """Everything that chooses how a window is sampled. Its defaults are the checkpoint's
    (`from_config`, read once when the model loads); callers change them only through `override`,
    so a setting has one source whichever path (streaming engine, evaluation, export) samples."""

    steps: int  # DDIM steps
    guidance: float  # classifier-free guidance scale; 1 = conditional prediction only
    mouth_from_mean: bool  # jaw and mouth held at the first step's estimate until the last step

    @classmethod
    def from_config(cls, cfg: DiffusionConfig) -> SamplerSettings:
        return cls(cfg.sample_steps, cfg.guidance, cfg.mouth_from_mean)

    def override(self, steps: int | None = None, guidance: float | None = None,
                 mouth_from_mean: bool | None = None) -> SamplerSettings:
        """These settings with the given ones replaced; None keeps this one's."""
        return SamplerSettings(self.steps if steps is None else steps, self.guidance if guidance is None else guidance,
                               self.mouth_from_mean if mouth_from_mean is None else mouth_from_mean)


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

    def timesteps(self, steps: int) -> list[int]:
        """`steps` evenly spaced noise levels, from the noisiest down to clean (0)."""
        if not 1 <= steps <= self.train_steps:
            raise ValueError(f"sample steps must be in [1, {self.train_steps}], got {steps}")
        return torch.linspace(self.train_steps - 1, 0, steps).round().long().tolist()


@dataclass(frozen=True)
class KnownX0:
    """Entries of x0 the sampler already knows: where `mask` is true, `values` replace the prediction."""

    mask: torch.Tensor  # bool, broadcastable to x0
    values: torch.Tensor  # broadcastable to x0

    @classmethod
    def nothing(cls) -> KnownX0:
        """Nothing known. 0-dim, so a prediction keeps its dtype (bf16 under autocast)."""
        return cls(torch.tensor(False), torch.tensor(0.0))

    def apply(self, x0: torch.Tensor) -> torch.Tensor:
        return torch.where(self.mask.to(x0.device), self.values.to(x0.device), x0)

    def join(self, mask: torch.Tensor, values: torch.Tensor) -> KnownX0:
        """These entries plus `values` where `mask` is true and nothing is known yet."""
        return KnownX0(self.mask.to(mask.device) | mask, self.apply(values))


def ddim_step(x_t: torch.Tensor, x0: torch.Tensor, alpha_bar_t: torch.Tensor, alpha_bar_prev: torch.Tensor) -> torch.Tensor:
    """x_t at noise level alpha_bar_t and the x0 predicted from it -> x at alpha_bar_prev (DDIM, eta 0)."""
    eps = (x_t - alpha_bar_t.sqrt() * x0) / (1 - alpha_bar_t).sqrt()
    return alpha_bar_prev.sqrt() * x0 + (1 - alpha_bar_prev).sqrt() * eps


@torch.no_grad()
def ddim_sample(predict_x0: Callable[[torch.Tensor, torch.Tensor], torch.Tensor], noise: torch.Tensor,
                schedule: NoiseSchedule, steps: int, known: KnownX0 | None = None,
                hold: torch.Tensor | None = None) -> torch.Tensor:
    """predict_x0(x_t, steps (B,)) -> x0; noise: the starting x_T (B, ...). Returns x0.

    known: entries kept exactly at every step. hold: a bool mask over the last axis whose x0 becomes
    known at the first step's estimate (from pure noise, the network's mean given the conditions,
    what lip sync wants) through every later step but the last, which cleans them once more (with
    2 steps, nothing changes)."""
    ab = schedule.alpha_bar.to(noise.device)
    levels = schedule.timesteps(steps)
    known = known or KnownX0.nothing()
    predict = lambda x, t: predict_x0(x, torch.full((x.shape[0],), t, dtype=torch.long, device=x.device))  # noqa: E731
    x, keep = noise, known
    for i, (t, t_prev) in enumerate(zip(levels, levels[1:])):
        x0 = keep.apply(predict(x, t))
        if i == 0 and hold is not None:
            keep = known.join(hold, x0)
        x = ddim_step(x, x0, ab[t], ab[t_prev])
    return known.apply(predict(x, levels[-1]))  # the last step lands on clean data: alpha_bar = 1
