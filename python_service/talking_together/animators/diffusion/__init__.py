"""The diffusion model's streaming engine: a causal Animator, batched across rooms."""

from __future__ import annotations

import logging
from functools import cache
from pathlib import Path

from talking_together.animators.diffusion.animator import DiffusionAnimator
from talking_together.animators.diffusion.backend import BACKENDS, BackendConfig, make_denoiser, process_backend, use_backend
from talking_together.animators.diffusion.batcher import Window, WindowBatcher
from talking_together.animators.diffusion.config import StreamingConfig

log = logging.getLogger(__name__)

__all__ = [
    "BACKENDS", "BackendConfig", "DiffusionAnimator", "StreamingConfig", "Window", "WindowBatcher", "make_denoiser",
    "process_backend", "shared_batcher", "use_backend",
]


def shared_batcher(checkpoint: str | None = None, config: StreamingConfig = StreamingConfig(), device: str | None = None,
                   backend: BackendConfig | None = None) -> WindowBatcher:
    """One model and one batcher per process and backend, whatever the number of rooms (CUDA when
    present). backend None: the process's (`use_backend`, which `serve --backend` sets)."""
    return _shared_batcher(checkpoint, config, device, backend or process_backend())


@cache
def _shared_batcher(checkpoint: str | None, config: StreamingConfig, device: str | None, backend: BackendConfig) -> WindowBatcher:
    import torch

    from talking_together.model import DEFAULT_CHECKPOINT, load_generator

    # onnxruntime picks its own providers; the sampler's few tensor operations around it stay on the CPU
    device = device or ("cuda" if torch.cuda.is_available() and backend.name == "torch" else "cpu")
    path = Path(checkpoint) if checkpoint else DEFAULT_CHECKPOINT
    generator = load_generator(path, device)
    denoiser = make_denoiser(backend, generator, path, threads=torch.get_num_threads())  # the process's (ServerConfig.cpu_threads)
    log.info("diffusion model %s on %s (%s backend): hop %d, lookahead %d, prefix %d frames, %d steps",
             path.name, device, backend.name, config.hop_frames, config.lookahead_frames, config.prefix_frames, config.steps)
    return WindowBatcher(generator, config, denoiser=denoiser)


shared_batcher.cache_info = _shared_batcher.cache_info  # type: ignore[attr-defined]  # the loaded models, for tests
shared_batcher.cache_clear = _shared_batcher.cache_clear  # type: ignore[attr-defined]
