"""The dual-stream diffusion model: audio encoder, shared-weight U-Net, cross-attention, DDIM."""

from talking_together.model.checkpoint import DEFAULT_CHECKPOINT, CheckpointError, load_generator, save_checkpoint
from talking_together.model.config import MOTION_DIM, ModelConfig
from talking_together.model.diffusion import DiffusionConfig, KnownX0, NoiseSchedule, SamplerSettings, ddim_sample, ddim_step
from talking_together.model.features import Normalizer, audio_features, layout_features, pack_motion, unpack_motion
from talking_together.model.generator import MotionGenerator
from talking_together.model.network import DualStreamDenoiser

__all__ = [
    "DEFAULT_CHECKPOINT", "MOTION_DIM", "CheckpointError", "DiffusionConfig", "DualStreamDenoiser", "KnownX0",
    "ModelConfig", "MotionGenerator", "NoiseSchedule", "Normalizer", "SamplerSettings", "audio_features", "ddim_sample",
    "ddim_step", "layout_features", "load_generator", "pack_motion", "save_checkpoint", "unpack_motion",
]
