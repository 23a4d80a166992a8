"""The public face of the model: denoiser + schedule + normaliser, sampling one window at a time.

The streaming engine calls `MotionGenerator.sample` on each window with the last frames of the
previous window as `prefix`; evaluation and training use the same object.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol

import torch
from torch import nn

from talking_together.model.config import MELS_PER_FRAME, MOTION_DIM, ModelConfig
from talking_together.model.diffusion import DiffusionConfig, KnownX0, NoiseSchedule, SamplerSettings, ddim_sample
from talking_together.model.eye_frame import eyes_from_partner_frame, eyes_to_partner_frame
from talking_together.model.features import LIP, Normalizer
from talking_together.model.network import DualStreamDenoiser


def _eye_frame(convert: Callable[[Any, Any], Any], motion: torch.Tensor, layout: torch.Tensor) -> torch.Tensor:
    """Apply an eye-frame conversion: in torch where gradients flow (the gaze loss), else in float64
    numpy, faster on a streaming window (model/eye_frame.py)."""
    if torch.is_grad_enabled():
        return convert(motion, layout)
    out = convert(motion.detach().cpu().double().numpy(), layout.detach().cpu().double().numpy())
    return torch.from_numpy(out).to(motion)


class Denoiser(Protocol):
    """The network as the sampler sees it: the step-free condition once per window, then one x0
    prediction per step. Torch (below) and onnxruntime (`talking_together.export`) implement it, so
    the sampler, the normaliser, the eye frame and the batching are one code path on either backend."""

    name: str

    def condition(self, audio: torch.Tensor, masks: torch.Tensor, layout: torch.Tensor,
                  drop_audio: torch.Tensor | None, drop_layout: torch.Tensor | None) -> torch.Tensor:
        """audio (B, 4T, 160) normalised, masks (B, 2, T), layout (B, 2, 6), drop_* (B,) bool or None
        -> static condition (B, 2, Tp, d)."""
        ...

    def step(self, x_t: torch.Tensor, steps: torch.Tensor, static: torch.Tensor, prefix: torch.Tensor,
             prefix_mask: torch.Tensor) -> torch.Tensor:
        """x_t (B, 2, T, 79), steps (B,) long, static (B, 2, Tp, d), prefix (B, 2, T, 79), prefix_mask (B, T)
        -> x0 prediction (B, 2, T, 79)."""
        ...


class TorchDenoiser:
    """The default backend: the PyTorch network itself."""

    name = "torch"

    def __init__(self, net: DualStreamDenoiser) -> None:
        self.net = net

    def condition(self, audio: torch.Tensor, masks: torch.Tensor, layout: torch.Tensor,
                  drop_audio: torch.Tensor | None, drop_layout: torch.Tensor | None) -> torch.Tensor:
        return self.net.static_condition(audio, masks, layout, drop_audio, drop_layout)

    def step(self, x_t: torch.Tensor, steps: torch.Tensor, static: torch.Tensor, prefix: torch.Tensor,
             prefix_mask: torch.Tensor) -> torch.Tensor:
        return self.net.denoise(x_t, steps, static, prefix, prefix_mask)


class MotionGenerator(nn.Module):
    def __init__(self, model_cfg: ModelConfig, diffusion_cfg: DiffusionConfig = DiffusionConfig(),
                 normalizer: Normalizer | None = None) -> None:
        super().__init__()
        self.model_cfg, self.diffusion_cfg = model_cfg, diffusion_cfg
        self.net = DualStreamDenoiser(model_cfg)
        self.schedule = NoiseSchedule(diffusion_cfg.train_steps)
        self.settings = SamplerSettings.from_config(diffusion_cfg)  # the checkpoint's; callers `override` them
        self.normalizer = normalizer or Normalizer.identity()

    def encode(self, motion: torch.Tensor, layout: torch.Tensor) -> torch.Tensor:
        """Raw motion (B, 2, T, 79), layout (B, 2, 6) -> what the network predicts: normalised, eyes in
        the partner's frame when the config says so."""
        if self.model_cfg.eyes_at_partner:
            motion = _eye_frame(eyes_to_partner_frame, motion, layout)
        return self.normalizer.norm_motion(motion)

    def decode(self, x: torch.Tensor, layout: torch.Tensor) -> torch.Tensor:
        """The inverse of `encode`: the network's x0 -> raw motion."""
        motion = self.normalizer.denorm_motion(x)
        return _eye_frame(eyes_from_partner_frame, motion, layout) if self.model_cfg.eyes_at_partner else motion

    @staticmethod
    def prefix_inputs(prefix: torch.Tensor | None, b: int, t: int, device: torch.device) -> tuple[torch.Tensor, torch.Tensor]:
        """(B, 2, K, 79) normalised prefix or None -> padded prefix (B, 2, T, 79), prefix_mask (B, T)."""
        full = torch.zeros(b, 2, t, MOTION_DIM, device=device)
        mask = torch.zeros(b, t, device=device)
        if prefix is not None and prefix.shape[2] > 0:
            k = prefix.shape[2]
            full[:, :, :k], mask[:, :k] = prefix, 1.0
        return full, mask

    @torch.no_grad()
    def sample(self, audio: torch.Tensor, masks: torch.Tensor, layout: torch.Tensor,
               prefix: torch.Tensor | None = None, settings: SamplerSettings | None = None,
               generator: torch.Generator | None = None, denoiser: Denoiser | None = None) -> torch.Tensor:
        """One window of both people's motion: the pipeline around the DDIM loop (diffusers style).

        audio (B, 4T, 160) raw features (`features.audio_features`); masks (B, 2, T) speaking
        probabilities of A and B; layout (B, 2, 6) (`features.layout_features` of the anchors);
        prefix (B, 2, K, 79) raw motion of the K frames that open this window (the previous window's
        last frames), or None. settings: None takes the checkpoint's (`self.settings`; change one
        with `self.settings.override(steps=...)`). denoiser: the backend that evaluates the network
        (None: this module's own torch network; an onnxruntime one from `talking_together.export`).
        Returns raw motion (B, 2, T, 79): `features.unpack_motion` splits it.
        """
        settings = settings or self.settings
        b, _, t = masks.shape
        if audio.shape[1] < t * MELS_PER_FRAME:
            raise ValueError(f"{t} frames need {t * MELS_PER_FRAME} audio feature rows, got {audio.shape[1]}")
        dev = next(self.parameters()).device
        audio = self.normalizer.norm_audio(audio.to(dev))
        masks, layout = masks.to(dev).float(), layout.to(dev).float()
        given = None if prefix is None else self.encode(prefix.to(dev).float(), layout)
        full, pmask = self.prefix_inputs(given, b, t, dev)
        # the prefix and the held mouth are known x0 (model/diffusion.py), kept exactly
        known = KnownX0(pmask[:, None, :, None].bool(), full) if given is not None and given.shape[2] else None
        hold = torch.zeros(MOTION_DIM, dtype=torch.bool, device=dev)
        hold[LIP] = True
        scale = settings.guidance
        was_training = self.training
        self.eval()

        # conditions, prefix and the step-free condition (audio encoder included) are the same at every step
        two = lambda x: torch.cat([x, x])
        inputs = (audio, masks, layout, full, pmask)
        drop = None
        if scale != 1.0:  # conditional and unconditional (no audio, no layout) in one batch of 2B
            inputs = tuple(two(x) for x in inputs)
            drop = torch.cat([torch.zeros(b, dtype=torch.bool), torch.ones(b, dtype=torch.bool)]).to(dev)
        net = denoiser or TorchDenoiser(self.net)
        static = net.condition(*inputs[:3], drop, drop)

        def predict_x0(x_t: torch.Tensor, s: torch.Tensor) -> torch.Tensor:
            if scale == 1.0:
                return net.step(x_t, s, static, *inputs[3:])
            cond, uncond = net.step(two(x_t), two(s), static, *inputs[3:]).chunk(2)
            return uncond + scale * (cond - uncond)

        noise = torch.randn(b, 2, t, MOTION_DIM, generator=generator, device="cpu").to(dev)
        x0 = ddim_sample(predict_x0, noise, self.schedule, settings.steps, known, hold if settings.mouth_from_mean else None)
        self.train(was_training)
        return self.decode(x0, layout)
