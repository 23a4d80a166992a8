"""One forward pass for many rooms: rooms submit windows from their own threads and wait.

A room's state is small (a few seconds of audio, a few frames of motion); the model is not.
Batching the windows that are ready at the same moment amortises the model over rooms, which
is what lets one GPU serve many of them.
"""

from __future__ import annotations

import logging
import queue
import threading
from concurrent.futures import Future
from dataclasses import dataclass

import torch

from talking_together.animators.diffusion.config import StreamingConfig
from talking_together.model import MotionGenerator
from talking_together.model.generator import Denoiser

log = logging.getLogger(__name__)


@dataclass
class Window:
    audio: torch.Tensor  # (4T, 160) raw audio features
    masks: torch.Tensor  # (2, T)
    layout: torch.Tensor  # (2, 6)
    prefix: torch.Tensor  # (2, K, 79) raw motion


class WindowBatcher:
    """Queues windows from every room and samples the ready ones as one batch, on either backend:
    `denoiser` (None: the generator's torch network) evaluates the network, the rest is shared.
    It samples with the checkpoint's settings, `config.steps` and `config.guidance` overriding theirs."""

    def __init__(
        self,
        generator: MotionGenerator,
        config: StreamingConfig = StreamingConfig(),
        seed: int = 0,
        bf16: bool | None = None,
        denoiser: Denoiser | None = None,
    ) -> None:
        self.generator = generator
        self.settings = generator.settings.override(steps=config.steps, guidance=config.guidance)
        self.max_batch, self.max_wait_s = config.max_batch, config.max_wait_ms / 1000
        self.denoiser = denoiser
        self.backend = denoiser.name if denoiser is not None else "torch"
        self.device = next(generator.parameters()).device
        # bf16 autocast: on CUDA by default, for torch only (onnxruntime runs the exported fp32 graphs)
        self.bf16 = (self.device.type == "cuda" and self.backend == "torch") if bf16 is None else bf16
        self._noise = torch.Generator().manual_seed(seed)
        self._requests: queue.Queue[tuple[Window, Future]] = queue.Queue()
        self.batches = 0
        self.windows = 0
        threading.Thread(target=self._run, name="diffusion-batcher", daemon=True).start()

    def sample(self, window: Window) -> torch.Tensor:
        """(2, T, 79) raw motion for one window; blocks the calling (room) thread only."""
        future: Future = Future()
        self._requests.put((window, future))
        return future.result()

    def _run(self) -> None:
        while True:
            batch = [self._requests.get()]
            try:
                while len(batch) < self.max_batch:
                    batch.append(self._requests.get(timeout=self.max_wait_s))
            except queue.Empty:
                pass
            try:
                motion = self._forward([w for w, _ in batch])
                for (_, future), m in zip(batch, motion):
                    future.set_result(m)
            except Exception as exc:  # a failed batch fails its rooms' calls, not the batcher
                log.exception("diffusion batch of %d windows failed", len(batch))
                for _, future in batch:
                    future.set_exception(exc)

    @torch.inference_mode()
    def _forward(self, windows: list[Window]) -> torch.Tensor:
        stack = lambda name: torch.stack([getattr(w, name) for w in windows]).to(self.device)  # noqa: E731
        with torch.autocast(self.device.type, dtype=torch.bfloat16, enabled=self.bf16):
            motion = self.generator.sample(
                stack("audio"), stack("masks"), stack("layout"), stack("prefix"),
                settings=self.settings, generator=self._noise, denoiser=self.denoiser,
            )
        self.batches += 1
        self.windows += len(windows)
        return motion.float().cpu()
