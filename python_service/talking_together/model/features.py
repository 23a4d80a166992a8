"""What the network sees and emits, as flat per-frame vectors, and how they are normalised.

Audio: (B, C, n) 16 kHz -> (B, 4T, 160): the mono downmix's log-mel (80) and, when C > 1, the
spread of per-channel log-mel across channels (80), a level-difference cue of where a voice is.
Motion: per person per frame, [expression 52 | 4 joints x 6D | Δt 3] = 79 (MOTION_DIM).
Layout: per person, the partner's anchor in one's own anchor frame, relative yaw, own height.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

from talking_together.audio.features import LogMel
from talking_together.contract import ARKIT_BLENDSHAPES, NUM_EXPRESSIONS
from talking_together.geometry import quat_from_sixd, sixd_from_quat
from talking_together.model.config import AUDIO_DIM, MEL_BINS, MOTION_DIM, NUM_JOINTS, ROT_DIM

EXPR = slice(0, NUM_EXPRESSIONS)
ROT = slice(NUM_EXPRESSIONS, NUM_EXPRESSIONS + NUM_JOINTS * ROT_DIM)
TRANS = slice(NUM_EXPRESSIONS + NUM_JOINTS * ROT_DIM, MOTION_DIM)
HEAD_ROT = slice(ROT.start, ROT.start + 2 * ROT_DIM)  # neck, head
EYE_ROT = slice(ROT.start + 2 * ROT_DIM, ROT.stop)  # left eye, right eye
LIP = [i for i, name in enumerate(ARKIT_BLENDSHAPES) if name.startswith(("jaw", "mouth"))]  # 27 lip/jaw weights

_logmel = LogMel()


@torch.no_grad()
def audio_features(wav: torch.Tensor) -> torch.Tensor:
    """(B, C, n) or (C, n) float waveform -> (B, n // 160, 160) features, 4 per animation frame."""
    if wav.ndim == 2:
        wav = wav[None]
    b, c, n = wav.shape
    mono = _logmel(wav.mean(1))  # (B, 4T, 80)
    if c == 1:
        spread = torch.zeros_like(mono)
    else:
        per_channel = _logmel(wav.reshape(b * c, n)).reshape(b, c, -1, MEL_BINS)  # (B, C, 4T, 80)
        spread = per_channel.amax(1) - per_channel.amin(1)
    out = torch.cat([mono, spread], -1)
    assert out.shape[-1] == AUDIO_DIM
    return out


def pack_motion(expression: np.ndarray | torch.Tensor, rotations: np.ndarray | torch.Tensor,
                translation: np.ndarray | torch.Tensor) -> np.ndarray | torch.Tensor:
    """(..., 52), (..., 4, 4) quats (x, y, z, w), (..., 3) -> (..., 79)."""
    sixd = sixd_from_quat(rotations)  # (..., 4, 6)
    flat = sixd.reshape(*sixd.shape[:-2], NUM_JOINTS * ROT_DIM)
    if isinstance(flat, torch.Tensor):
        return torch.cat([expression.to(flat.dtype), flat, translation.to(flat.dtype)], -1)
    return np.concatenate([expression, flat, translation], -1).astype(np.float32)


def unpack_motion(x: np.ndarray | torch.Tensor) -> dict[str, np.ndarray | torch.Tensor]:
    """(..., 79) -> expression (..., 52) clipped to [0, 1], rotations (..., 4, 4) unit quats, translation (..., 3)."""
    sixd = x[..., ROT].reshape(*x.shape[:-1], NUM_JOINTS, ROT_DIM)
    expr = x[..., EXPR]
    expr = expr.clamp(0, 1) if isinstance(expr, torch.Tensor) else np.clip(expr, 0, 1)
    return {"expression": expr, "rotations": quat_from_sixd(sixd), "translation": x[..., TRANS]}


def layout_features(anchors: np.ndarray) -> np.ndarray:
    """(..., 2, 4) anchors [x, y, z, yaw] in R -> (..., 2, 6) per person, invariant to where the room is.

    [partner position in own anchor frame (3), sin/cos of partner yaw - own yaw (2), own height (1)].
    """
    anchors = np.asarray(anchors, np.float64)
    own, other = anchors, anchors[..., ::-1, :]
    d = other[..., :3] - own[..., :3]
    c, s = np.cos(own[..., 3]), np.sin(own[..., 3])
    local = np.stack([c * d[..., 0] - s * d[..., 2], d[..., 1], s * d[..., 0] + c * d[..., 2]], -1)  # R_y(-yaw) d
    rel = other[..., 3] - own[..., 3]
    return np.concatenate([local, np.sin(rel)[..., None], np.cos(rel)[..., None], own[..., 1:2]], -1).astype(np.float32)


@dataclass
class Normalizer:
    """Per-dimension mean/std of motion and audio features, measured on the training split.

    Diffusion assumes unit-scale data; blendshapes (0-1), 6D entries and centimetre offsets differ
    by orders of magnitude, and a constant dimension (std 0) would divide by zero.
    """

    motion_mean: torch.Tensor  # (79,)
    motion_std: torch.Tensor
    audio_mean: torch.Tensor  # (160,)
    audio_std: torch.Tensor

    @classmethod
    def fit(cls, motion: np.ndarray, audio: np.ndarray) -> "Normalizer":
        """motion (N, 79), audio (M, 160) rows sampled from the training split."""
        def stats(a: np.ndarray, floor: float) -> tuple[torch.Tensor, torch.Tensor]:
            std = a.std(0)
            return torch.tensor(a.mean(0), dtype=torch.float32), torch.tensor(np.maximum(std, floor), dtype=torch.float32)
        mm, ms = stats(motion, 1e-3)
        am, as_ = stats(audio, 1e-2)
        return cls(mm, ms, am, as_)

    @classmethod
    def identity(cls) -> "Normalizer":
        return cls(torch.zeros(MOTION_DIM), torch.ones(MOTION_DIM), torch.zeros(AUDIO_DIM), torch.ones(AUDIO_DIM))

    def norm_motion(self, x: torch.Tensor) -> torch.Tensor:
        return (x - self.motion_mean.to(x)) / self.motion_std.to(x)

    def denorm_motion(self, x: torch.Tensor) -> torch.Tensor:
        return x * self.motion_std.to(x) + self.motion_mean.to(x)

    def norm_audio(self, a: torch.Tensor) -> torch.Tensor:
        return (a - self.audio_mean.to(a)) / self.audio_std.to(a)

    def state_dict(self) -> dict[str, torch.Tensor]:
        return {k: getattr(self, k) for k in ("motion_mean", "motion_std", "audio_mean", "audio_std")}

    @classmethod
    def from_state_dict(cls, d: dict[str, torch.Tensor]) -> "Normalizer":
        return cls(**{k: torch.as_tensor(v, dtype=torch.float32) for k, v in d.items()})
