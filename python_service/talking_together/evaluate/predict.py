"""Whole-conversation motion from each system under test, as (T, 2, 79) raw motion arrays.

The model runs window by window, each continuing the last `prefix` frames it generated, as the
streaming engine will. The baseline is the live BaselineAnimator fed the same speaker masks.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import torch

from talking_together.animators.base import Animator
from talking_together.animators.baseline import BaselineAnimator
from talking_together.audio.blocks import AudioBlock
from talking_together.contract import NUM_PARTICIPANTS, AnimationFrame
from talking_together.geometry import Anchor
from talking_together.layout import Layout
from talking_together.model.config import MELS_PER_FRAME
from talking_together.model.features import EXPR, pack_motion
from talking_together.model.generator import MotionGenerator
from talking_together.train.data import Sample
from talking_together.train.mask_noise import MaskNoiseConfig, degrade_masks


def with_degraded_masks(samples: list[Sample], seed: int = 0, cfg: MaskNoiseConfig = MaskNoiseConfig()) -> list[Sample]:
    """The samples with every conversation's masks degraded as a live estimator would (always, whatever
    cfg.prob), seeded by (seed, conversation index) so every system gets the same masks."""
    out = []
    for s in samples:
        g = torch.Generator().manual_seed(seed * 1_000_003 + s.index)
        masks = degrade_masks(s.masks.T[None], dataclasses.replace(cfg, prob=1.0), g)[0].T.contiguous()
        out.append(dataclasses.replace(s, masks=masks))
    return out


def predict_model(gen: MotionGenerator, samples: list[Sample], window: int = 128, prefix: int = 16,
                  steps: int | None = None, guidance: float | None = None, seed: int = 0,
                  mouth_from_mean: bool | None = None) -> list[np.ndarray]:
    """Each conversation as windows of `window` frames advancing by window - prefix; windows at the
    same position in every conversation run as one batch. Noise is seeded by (seed, window position).
    Expression weights are clipped to [0, 1], as the streaming engine sends them. steps, guidance,
    mouth_from_mean override the checkpoint's settings; None keeps its own."""
    settings = gen.settings.override(steps=steps, guidance=guidance, mouth_from_mean=mouth_from_mean)
    hop = window - prefix
    n_windows = [max(1, -(-(s.num_frames - prefix) // hop)) for s in samples]
    padded = [w * hop + prefix for w in n_windows]  # every window full length; cropped at the end

    def pad(x: torch.Tensor, length: int) -> torch.Tensor:  # repeat the last row
        return torch.cat([x, x[-1:].expand(length - len(x), *x.shape[1:])]) if length > len(x) else x

    feats = [pad(s.features.float(), p * MELS_PER_FRAME) for s, p in zip(samples, padded)]
    masks = [pad(s.masks, p) for s, p in zip(samples, padded)]
    outs = [torch.zeros(p, 2, s.motion.shape[-1]) for s, p in zip(samples, padded)]
    for j in range(max(n_windows)):
        live = [i for i, w in enumerate(n_windows) if j < w]
        a, b = j * hop, j * hop + window
        given = torch.stack([outs[i][a : a + prefix].transpose(0, 1) for i in live]) if j else None
        motion = gen.sample(torch.stack([feats[i][a * MELS_PER_FRAME : b * MELS_PER_FRAME] for i in live]),
                            torch.stack([masks[i][a:b].T for i in live]), torch.stack([samples[i].layout for i in live]),
                            prefix=given, settings=settings,
                            generator=torch.Generator().manual_seed(seed * 1_000_003 + j))  # (L, 2, W, 79)
        for row, i in enumerate(live):
            outs[i][a:b] = motion[row].transpose(0, 1).cpu()
    for o in outs:  # what leaves the model is clipped to the contract's [0, 1] (features.unpack_motion)
        o[..., EXPR] = o[..., EXPR].clamp(0, 1)
    return [o[: s.num_frames].numpy() for o, s in zip(outs, samples)]


class OracleActivity:
    """The true speaker masks, served one 640-sample frame at a time (the SpeakerActivity protocol)."""

    def __init__(self, masks: np.ndarray, channels: int) -> None:
        self.masks, self.channels, self._frame, self._pending = masks.astype(np.float64), channels, 0, 0

    def push(self, audio: np.ndarray) -> np.ndarray:
        self._pending += len(audio)
        k, self._pending = divmod(self._pending, 640)
        rows = self.masks[self._frame : self._frame + k]
        self._frame += k
        return rows

    def recent(self, n: int) -> np.ndarray:
        """The truth never changes its mind: the newest n frames as given (zeros outside the masks)."""
        index = np.arange(self._frame - n, self._frame)
        inside = (index >= 0) & (index < len(self.masks))
        out = np.zeros((n, self.masks.shape[1]))
        out[inside] = self.masks[index[inside]]
        return out


def predict_baseline(s: Sample, seed: int = 0) -> np.ndarray:
    """The rule-based animator over the room audio, told who speaks by the same masks as the model."""
    anchors = tuple(Anchor(position=a[:3], yaw_rad=float(a[3])) for a in s.anchors)
    channels = s.audio.shape[0]
    animator = BaselineAnimator(Layout(anchors=anchors), channels, OracleActivity(s.masks.numpy(), channels), seed=seed)
    frames = animator.push(AudioBlock((s.audio.T.astype(np.float32) / 32768.0).copy(), 0))
    return frames_to_motion(frames)[: s.num_frames]


def predict_streaming(animator: Animator, s: Sample) -> np.ndarray:
    """Any live animator (e.g. the diffusion engine), fed the conversation's audio and flushed."""
    frames = animator.push(AudioBlock((s.audio.T.astype(np.float32) / 32768.0).copy(), 0)) + animator.flush()
    return frames_to_motion(frames)[: s.num_frames]


def frames_to_motion(frames: list[AnimationFrame]) -> np.ndarray:
    """An animator's frames -> (T, 2, 79) raw motion, the form the metrics take."""
    expr = np.array([[p.expression for p in f.participants] for f in frames])  # (T, 2, 52)
    rot = np.array([[[p.neck, p.head, p.left_eye, p.right_eye] for p in f.participants] for f in frames])
    trans = np.array([[p.translation for p in f.participants] for f in frames])
    assert expr.shape[1] == NUM_PARTICIPANTS
    return pack_motion(expr, rot, trans)
