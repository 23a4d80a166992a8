"""Torch against onnxruntime, per live-engine window, in one process (issue 15, decision 0009).

What is timed is what the WindowBatcher pays for one batch of rooms' windows: stacking, the
sampler (normaliser, DDIM, prefix keep, eye frame) and the network, i.e. `WindowBatcher._forward`,
with the streaming defaults (prefix 8 + hop 4 + lookahead 2 frames, 2 steps). The two backends
alternate repeat by repeat, so load on the machine (training, other processes) hits both alike.
Also timed: the two network evaluations alone (the step-free condition, one denoiser step).
The ratio is torch time / onnxruntime time: > 1 means onnxruntime is faster.

    python bench/onnx_backend.py [--checkpoint CKPT] [--rooms 1,4,16] [--repeats 30] [--threads 1]
"""

from __future__ import annotations

import argparse
import os
import platform
import tempfile
import time

import numpy as np
import torch

from talking_together.animators.diffusion import StreamingConfig, Window, WindowBatcher
from talking_together.export import ExportSettings, OnnxDenoiser, export_onnx
from talking_together.model import DEFAULT_CHECKPOINT, MOTION_DIM, load_generator
from talking_together.model.generator import TorchDenoiser
from talking_together.service.config import ServerConfig


def windows(n: int, cfg: StreamingConfig, seed: int = 0) -> list[Window]:
    g = torch.Generator().manual_seed(seed)
    t = cfg.window_frames
    return [Window(torch.randn(4 * t, 160, generator=g), torch.rand(2, t, generator=g), torch.randn(2, 6, generator=g),
                   0.1 * torch.randn(2, cfg.prefix_frames, MOTION_DIM, generator=g)) for _ in range(n)]


def alternate(fns: dict[str, callable], repeats: int) -> dict[str, np.ndarray]:  # type: ignore[valid-type]
    """ms per call for each fn, run in turn repeat by repeat after one warm-up each."""
    for fn in fns.values():
        fn()
    times: dict[str, list[float]] = {name: [] for name in fns}
    for _ in range(repeats):
        for name, fn in fns.items():
            t0 = time.perf_counter()
            fn()
            times[name].append(1e3 * (time.perf_counter() - t0))
    return {name: np.array(v) for name, v in times.items()}


def row(label: str, ms: dict[str, np.ndarray]) -> str:
    t, o = ms["torch"], ms["onnx"]
    return (f"{label:<26s} torch p50 {np.median(t):7.2f} p95 {np.percentile(t, 95):7.2f} ms | onnxruntime p50 "
            f"{np.median(o):7.2f} p95 {np.percentile(o, 95):7.2f} ms | ratio (p50) {np.median(t) / np.median(o):5.2f}x")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--checkpoint", default=str(DEFAULT_CHECKPOINT))
    ap.add_argument("--rooms", default="1,4,16", help="windows per batch (rooms sharing one pass)")
    ap.add_argument("--repeats", type=int, default=30)
    ap.add_argument("--threads", type=int, default=ServerConfig().cpu_threads, help="CPU threads per backend (default: serve's, ServerConfig.cpu_threads)")
    args = ap.parse_args()

    import onnxruntime as ort

    torch.set_num_threads(args.threads)
    cfg = StreamingConfig()
    gen = load_generator(args.checkpoint)
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores, load average {load:.1f}; torch {torch.__version__}, "
          f"onnxruntime {ort.__version__}, {args.threads} thread(s) each; window {cfg.window_frames} frames, {cfg.steps} steps")
    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        export = export_onnx(args.checkpoint, tmp, ExportSettings())
        print(f"export (torchscript + checks): {time.perf_counter() - t0:.1f} s; parity "
              + ", ".join(f"{k} {v:.1e}" for k, v in export.parity.items()))
        onnx = OnnxDenoiser(tmp, checkpoint_sha256=export.checkpoint_sha256, device="cpu", threads=args.threads)
        torch_net = TorchDenoiser(gen.net)
        batchers = {name: WindowBatcher(gen, cfg, seed=0, denoiser=d)
                    for name, d in (("torch", torch_net), ("onnx", onnx))}
        for rooms in (int(r) for r in args.rooms.split(",")):
            batch = windows(rooms, cfg)
            ms = alternate({name: (lambda b=b: b._forward(batch)) for name, b in batchers.items()}, args.repeats)
            print(row(f"{rooms:3d} room(s): window", ms))
            # the network alone, on the sampler's inputs
            t = cfg.window_frames
            a, m, lay = torch.randn(rooms, 4 * t, 160), torch.rand(rooms, 2, t), torch.randn(rooms, 2, 6)
            x, p, pm = torch.randn(rooms, 2, t, MOTION_DIM), torch.zeros(rooms, 2, t, MOTION_DIM), torch.zeros(rooms, t)
            s = torch.full((rooms,), 999)
            with torch.inference_mode():
                static = torch_net.condition(a, m, lay, None, None)
                cond = alternate({"torch": lambda: torch_net.condition(a, m, lay, None, None),
                                  "onnx": lambda: onnx.condition(a, m, lay, None, None)}, args.repeats)
                step = alternate({"torch": lambda: torch_net.step(x, s, static, p, pm),
                                  "onnx": lambda: onnx.step(x, s, static, p, pm)}, args.repeats)
            print(row("     condition graph", cond))
            print(row("     denoiser step", step))


if __name__ == "__main__":
    main()
