"""The streaming engine's knobs: how often it runs, how much it remembers and looks ahead."""

from __future__ import annotations

from dataclasses import dataclass

BACKENDS: tuple[str, ...] = ("torch", "onnx")  # what evaluates the network (backend.py)
DEFAULT_BACKEND = "onnx"  # the faster on the 2-core CPU, measured per window (decision 0009); serve and in-process alike


@dataclass(frozen=True)
class StreamingConfig:
    """A window is [prefix | hop | lookahead] frames; only the hop is emitted each run.

    Latency of a frame = the wait for the rest of its hop + the lookahead + compute.
    """

    # Decision 0014 and bench/streaming.py have the trade-off: a shorter hop lowers latency and the
    # gaps between frames for a little lip accuracy; a longer lookahead lowers FD; more steps cost
    # time for nothing here.
    hop_frames: int = 2  # new frames per model run (80 ms): p95 <= 150 ms and no gap > 120 ms on this CPU (decision 0014)
    prefix_frames: int = 8  # already-emitted frames given as the motion prefix: no seams
    lookahead_frames: int = 2  # future audio seen beyond the hop (80 ms)
    steps: int = 2  # DDIM steps, over the checkpoint's (SamplerSettings.override)
    guidance: float = 1.0  # classifier-free guidance scale (1: off, one forward per step), over the checkpoint's
    max_batch: int = 64  # windows of different rooms run in one forward pass
    max_wait_ms: float = 2.0  # how long the batcher waits for more rooms' windows

    @property
    def window_frames(self) -> int:
        return self.prefix_frames + self.hop_frames + self.lookahead_frames
