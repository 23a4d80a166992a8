"""The dual-stream diffusion model: audio encoder, shared-weight U-Net, cross-attention, DDIM."""

from talking_together.model.checkpoint import DEFAULT_CHECKPOINT, CheckpointError, load_generator, save_checkpoint
from talking_together.model.config import MOTION_DIM, ModelConfig
from talking_together.model.diffusion import DDIMSampler, DiffusionConfig, NoiseSchedule
from talking_together.model.features import Normalizer, audio_features, layout_features, pack_motion, unpack_motion
from talking_together.model.generator import MotionGenerator
from talking_together.model.network import DualStreamDenoiser

__all__ = [
    "DEFAULT_CHECKPOINT", "MOTION_DIM", "CheckpointError", "DDIMSampler", "DiffusionConfig", "DualStreamDenoiser",
    "ModelConfig", "MotionGenerator", "NoiseSchedule", "Normalizer", "audio_features", "layout_features",
    "load_generator", "pack_motion", "save_checkpoint", "unpack_motion",
]
