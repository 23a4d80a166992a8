"""Which runtime evaluates the network: torch or onnxruntime, chosen once per process.

Both are a `Denoiser` (model/generator.py) that `MotionGenerator.sample` calls, so the
WindowBatcher, the sampler and everything around the network are the same code on either; only
the two network evaluations per window (the step-free condition, then one per step) differ.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from talking_together.animators.diffusion.config import BACKENDS, DEFAULT_BACKEND
from talking_together.model.generator import Denoiser, MotionGenerator, TorchDenoiser

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class BackendConfig:
    name: str = DEFAULT_BACKEND  # "torch" or "onnx"
    onnx_dir: str | None = None  # an export folder (`talking-together export onnx`); None: export into the cache
    onnx_device: str = "auto"  # onnxruntime providers: auto (TensorRT/CUDA when present), cpu, cuda

    def __post_init__(self) -> None:
        if self.name not in BACKENDS:
            raise ValueError(f"unknown backend {self.name!r}: choose one of {', '.join(BACKENDS)}")


_process_backend = BackendConfig()


def use_backend(backend: BackendConfig) -> None:
    """`serve --backend`: the backend `shared_batcher` builds the process's one model with."""
    global _process_backend
    _process_backend = backend


def process_backend() -> BackendConfig:
    return _process_backend


def make_denoiser(backend: BackendConfig, generator: MotionGenerator, checkpoint: Path, threads: int = 1) -> Denoiser:
    """The backend's Denoiser for `generator`, loaded from `checkpoint`. The onnx one refuses (OnnxModelError,
    one line) an export of any other checkpoint; without `onnx_dir` it exports once into the cache."""
    if backend.name == "torch":
        return TorchDenoiser(generator.net)
    try:
        from talking_together.export import OnnxDenoiser, cached_export, sha256_file
    except ImportError as exc:
        raise ImportError(f"--backend onnx needs onnxruntime and onnx ({exc}): pip install onnxruntime onnx") from None
    directory = Path(backend.onnx_dir) if backend.onnx_dir else cached_export(checkpoint, generator)
    denoiser = OnnxDenoiser(directory, checkpoint_sha256=sha256_file(checkpoint), device=backend.onnx_device, threads=threads)
    log.info("onnxruntime backend: %s on %s", directory, ", ".join(denoiser.providers))
    return denoiser
