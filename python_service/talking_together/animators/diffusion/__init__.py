"""The diffusion model's streaming engine: a causal Animator, batched across rooms."""

from __future__ import annotations

import logging
from functools import cache
from pathlib import Path

from talking_together.animators.diffusion.animator import DiffusionAnimator
from talking_together.animators.diffusion.batcher import Window, WindowBatcher
from talking_together.animators.diffusion.config import StreamingConfig

log = logging.getLogger(__name__)

__all__ = ["DiffusionAnimator", "StreamingConfig", "Window", "WindowBatcher", "shared_batcher"]


@cache
def shared_batcher(checkpoint: str | None = None, config: StreamingConfig = StreamingConfig(), device: str | None = None) -> WindowBatcher:
    """One model and one batcher per process, whatever the number of rooms (CUDA when present)."""
    import torch

    from talking_together.model import DEFAULT_CHECKPOINT, load_generator

    device = device or ("cuda" if torch.cuda.is_available() else "cpu")
    if device == "cpu":
        torch.set_num_threads(config.cpu_threads)
    path = Path(checkpoint) if checkpoint else DEFAULT_CHECKPOINT
    generator = load_generator(path, device)
    log.info("diffusion model %s on %s: hop %d, lookahead %d, prefix %d frames, %d steps",
             path.name, device, config.hop_frames, config.lookahead_frames, config.prefix_frames, config.steps)
    return WindowBatcher(generator, config.steps, config.guidance, config.max_batch, config.max_wait_ms)
