"""Denoiser time per window and windows per second, on CPU and on CUDA when one is at hand.

A window is 128 frames (5.12 s) of both people; live use advances it by 128 - 16 frames, so a
sampler that finishes a window in under 4.48 s keeps up with real time. The ratio printed is
motion seconds produced per wall second (> 1: faster than real time). The DDIM loop is also timed
with the audio encoder rerun at every step, the way it ran before the sampler kept the step-free
condition per window, as a baseline for that saving.

    python bench/model.py [--checkpoint PATH] [--steps 8] [--batch 1] [--repeats 5]
"""

from __future__ import annotations

import argparse
import time

import torch

from talking_together.contract import FPS
from talking_together.model import DEFAULT_CHECKPOINT, MOTION_DIM, ddim_sample, load_generator

WINDOW, PREFIX = 128, 16


def bench(device: str, checkpoint: str, steps: int, batch: int, repeats: int) -> None:
    gen = load_generator(checkpoint, device)
    audio, masks = torch.randn(batch, 4 * WINDOW, 160), torch.rand(batch, 2, WINDOW)
    layout, prefix = torch.randn(batch, 2, 6), torch.randn(batch, 2, PREFIX, MOTION_DIM)
    sync = torch.cuda.synchronize if device == "cuda" else (lambda: None)

    def timed(fn) -> float:
        fn()  # warm-up
        sync()
        t0 = time.perf_counter()
        for _ in range(repeats):
            fn()
        sync()
        return (time.perf_counter() - t0) / repeats

    x = torch.randn(batch, 2, WINDOW, MOTION_DIM, device=device)
    p = torch.zeros_like(x)
    pm = torch.zeros(batch, WINDOW, device=device)
    s = torch.full((batch,), 500, device=device)
    a, m, lay = (t.to(device) for t in (gen.normalizer.norm_audio(audio), masks, layout))

    def loop(keep_condition: bool) -> None:
        static = gen.net.static_condition(a, m, lay) if keep_condition else None
        ddim_sample(lambda x_t, t: gen.net(x_t, t, a, m, lay, p, pm, static=static), x, gen.schedule, steps)

    with torch.no_grad():
        denoise = timed(lambda: gen.net(x, s, a, m, lay, p, pm))
        rerun, kept = timed(lambda: loop(False)), timed(lambda: loop(True))
    window = timed(lambda: gen.sample(audio, masks, layout, prefix=prefix, settings=gen.settings.override(steps=steps)))
    motion_s = batch * (WINDOW - PREFIX) / FPS
    print(f"{device:4s} batch {batch}: denoiser {1e3 * denoise:7.1f} ms/call, window ({steps} DDIM steps) "
          f"{1e3 * window:7.1f} ms, {batch / window:6.1f} windows/s, real-time ratio {motion_s / window:6.1f}x")
    print(f"     DDIM loop: audio encoder at every step {1e3 * rerun:7.1f} ms, once per window {1e3 * kept:7.1f} ms "
          f"({rerun / kept:.2f}x)")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--checkpoint", default=str(DEFAULT_CHECKPOINT))
    ap.add_argument("--steps", type=int, default=8)
    ap.add_argument("--batch", type=int, default=1)
    ap.add_argument("--repeats", type=int, default=5)
    args = ap.parse_args()
    print(f"torch {torch.__version__}, {torch.get_num_threads()} CPU threads, checkpoint {args.checkpoint}")
    for device in ["cpu"] + (["cuda"] if torch.cuda.is_available() else []):
        bench(device, args.checkpoint, args.steps, args.batch, args.repeats)


if __name__ == "__main__":
    main()
