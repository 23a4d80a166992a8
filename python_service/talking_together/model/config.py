"""The network's hyper-parameters, in one dataclass that checkpoints carry."""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields

from talking_together.contract import NUM_EXPRESSIONS

NUM_JOINTS = 4  # neck, head, left eye, right eye (contract.JOINT_NAMES)
ROT_DIM = 6  # 6D per joint (Zhou et al. 2019): continuous, unlike quaternions
TRANS_DIM = 3  # Δt, the head's offset from its anchor
MOTION_DIM = NUM_EXPRESSIONS + NUM_JOINTS * ROT_DIM + TRANS_DIM  # 52 + 24 + 3 = 79
MEL_BINS = 80
AUDIO_DIM = 2 * MEL_BINS  # mono log-mel + inter-channel level spread
MELS_PER_FRAME = 4  # 10 ms hops per 40 ms animation frame
LAYOUT_DIM = 6  # partner anchor in own anchor frame (3), relative yaw (sin, cos), own height


@dataclass
class ModelConfig:
    width: int = 128  # channels at the finest U-Net level
    levels: int = 2  # down-samplings by 2 (a window is padded to a multiple of 2**levels)
    blocks_per_level: int = 1  # residual blocks per level and direction
    audio_width: int = 128  # audio encoder channels
    audio_layers: int = 3  # residual conv layers after the 4:1 down-sampling
    heads: int = 4  # attention heads (cross- and bottleneck self-attention)
    cross_attention: bool = True  # False: the single-stream ("video call") ablation
    shared_layout: bool = True  # False: each stream sees its own height only, not the partner
    eyes_at_partner: bool = True  # eyes predicted relative to looking at the partner (model/eye_frame.py)
    dropout: float = 0.1
    max_prefix: int = 25  # frames of given motion a window may continue from (streaming)
    p_drop_audio: float = 0.1  # classifier-free guidance dropout
    p_drop_layout: float = 0.1

    def __post_init__(self) -> None:
        if self.eyes_at_partner and not self.shared_layout:
            raise ValueError("eyes_at_partner needs shared_layout (where the partner is); "
                             "set eyes_at_partner = false for the single-stream ablation")

    @classmethod
    def from_dict(cls, d: dict) -> "ModelConfig":
        """Unknown keys are an error: a config typo should not silently train the default."""
        names = {f.name for f in fields(cls)}
        unknown = set(d) - names
        if unknown:
            raise ValueError(f"unknown model config keys {sorted(unknown)}; known: {sorted(names)}")
        return cls(**d)

    def to_dict(self) -> dict:
        return asdict(self)
