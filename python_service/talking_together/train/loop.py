"""The training loop: x0-prediction diffusion with guidance dropout, EMA, eval, checkpoints, resume.

Runs on CPU or CUDA; under torchrun (WORLD_SIZE set) each rank draws its own windows and
gradients are averaged by DDP; rank 0 alone evaluates, logs and saves.
"""

from __future__ import annotations

import copy
import csv
import logging
import math
import os
import random
import time
from pathlib import Path

import numpy as np
import torch
import torch.distributed as dist
from torch.nn.parallel import DistributedDataParallel
from tqdm import tqdm

from talking_together.model.checkpoint import read_checkpoint, save_checkpoint
from talking_together.model.config import ModelConfig
from talking_together.model.eye_frame import eyes_to_partner_frame
from talking_together.model.features import Normalizer
from talking_together.model.generator import MotionGenerator
from talking_together.train.config import Config
from talking_together.train.data import TRAIN_SPLITS, VAL_SPLITS, Sample, WindowSampler, load_samples
from talking_together.train.losses import diffusion_loss
from talking_together.train.mask_noise import degrade_masks

log = logging.getLogger(__name__)
LAST, MODEL = "last.pt", "model.pt"  # resumable state; inference weights (the EMA)


def seed_everything(seed: int) -> None:
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)


def fit_normalizer(samples: list[Sample], model_cfg: ModelConfig, rng: np.random.Generator,
                   rows: int = 100_000) -> Normalizer:
    """Statistics of the motion as the network predicts it (eyes in the partner's frame if so configured)."""
    def as_predicted(s: Sample) -> torch.Tensor:  # (T, 2, 79) -> (2T, 79)
        m = eyes_to_partner_frame(s.motion.transpose(0, 1), s.layout) if model_cfg.eyes_at_partner else s.motion
        return m.reshape(-1, m.shape[-1])
    motion = torch.cat([as_predicted(s) for s in samples]).numpy()  # both people
    audio = torch.cat([s.features.float() for s in samples]).numpy()
    pick = lambda a: a[rng.choice(len(a), min(rows, len(a)), replace=False)]
    return Normalizer.fit(pick(motion), pick(audio))


def make_step_inputs(batch: dict[str, torch.Tensor], gen: MotionGenerator, cfg: Config, gen_rng: torch.Generator,
                     device: torch.device) -> dict[str, torch.Tensor]:
    """Normalise, pick noise levels, prefixes, guidance drops and mask degradation for one batch."""
    b, _, t, _ = batch["motion"].shape
    x0 = gen.encode(batch["motion"], batch["layout"])
    steps = torch.randint(0, cfg.diffusion.train_steps, (b,), generator=gen_rng)
    x_t = gen.schedule.add_noise(x0, torch.randn(x0.shape, generator=gen_rng), steps)
    k = torch.randint(1, cfg.model.max_prefix + 1, (b,), generator=gen_rng)
    k = torch.where(torch.rand(b, generator=gen_rng) < cfg.train.prefix_prob, k, 0)
    pmask = (torch.arange(t)[None] < k[:, None]).float()  # (B, T)
    out = {
        "x0": x0, "x_t": x_t, "steps": steps, "audio": gen.normalizer.norm_audio(batch["audio"]),
        "masks": degrade_masks(batch["masks"], cfg.mask_noise, gen_rng), "true_masks": batch["masks"],
        "layout": batch["layout"], "prefix": x0 * pmask[:, None, :, None], "prefix_mask": pmask,
        "drop_audio": torch.rand(b, generator=gen_rng) < cfg.model.p_drop_audio,
        "drop_layout": torch.rand(b, generator=gen_rng) < cfg.model.p_drop_layout,
        "yaw": batch["yaw"], "dubbing": batch["dubbing"],
    }
    return {k: v.to(device) for k, v in out.items()}


def compute_loss(net: torch.nn.Module, gen: MotionGenerator, inp: dict[str, torch.Tensor], cfg: Config) -> dict[str, torch.Tensor]:
    pred = net(inp["x_t"], inp["steps"], inp["audio"], inp["masks"], inp["layout"], inp["prefix"],
               inp["prefix_mask"], inp["drop_audio"], inp["drop_layout"])
    decode = lambda x: gen.decode(x, inp["layout"])  # noqa: E731 - normalised x0 -> raw motion, for the gaze term
    return diffusion_loss(pred, inp["x0"], decode, inp["yaw"], inp["true_masks"], inp["dubbing"], cfg.loss)


def lr_at(step: int, cfg: Config) -> float:
    """Linear warm-up, then cosine decay to a tenth."""
    tc = cfg.train
    if step < tc.warmup:
        return tc.lr * (step + 1) / tc.warmup
    progress = min(1.0, (step - tc.warmup) / max(1, tc.steps - tc.warmup))
    return tc.lr * (0.1 + 0.9 * 0.5 * (1 + math.cos(math.pi * progress)))


class Logs:
    """CSV always; TensorBoard when it is installed."""

    def __init__(self, out: Path) -> None:
        self.path = out / "log.csv"
        self.tb = None
        try:
            from torch.utils.tensorboard import SummaryWriter
            self.tb = SummaryWriter(str(out / "tensorboard"))
        except ImportError:
            log.info("tensorboard not installed: CSV logs only")

    def write(self, step: int, split: str, values: dict[str, float]) -> None:
        row = {"step": step, "split": split, "time": round(time.time(), 1), **{k: f"{v:.6g}" for k, v in values.items()}}
        new = not self.path.exists()
        with self.path.open("a", newline="") as f:
            w = csv.DictWriter(f, fieldnames=list(row))
            if new:
                w.writeheader()
            w.writerow(row)
        if self.tb is not None:
            for k, v in values.items():
                self.tb.add_scalar(f"{split}/{k}", v, step)


def train(data_dir: str | Path, out: str | Path, cfg: Config, resume: bool = False) -> Path:
    """Train into `out`; returns the path of the inference checkpoint (EMA weights)."""
    distributed = "WORLD_SIZE" in os.environ
    if distributed:
        dist.init_process_group("nccl" if torch.cuda.is_available() else "gloo")
    rank = dist.get_rank() if distributed else 0
    tc = cfg.train
    if tc.threads:
        torch.set_num_threads(tc.threads)
    want_cuda = tc.device == "cuda" or (tc.device == "auto" and torch.cuda.is_available())
    device = torch.device(f"cuda:{int(os.environ.get('LOCAL_RANK', 0))}" if want_cuda else "cpu")
    seed_everything(tc.seed + rank)
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)

    train_samples = load_samples(data_dir, TRAIN_SPLITS)
    try:
        val_samples = load_samples(data_dir, VAL_SPLITS)
    except FileNotFoundError:
        log.warning("no val shards: evaluating on training windows")
        val_samples = train_samples
    payload = read_checkpoint(out / LAST) if resume and (out / LAST).exists() else None
    start = read_checkpoint(tc.init) if tc.init else None  # a second stage: the checkpoint's network and normaliser
    if start and ModelConfig.from_dict(start["model_config"]) != cfg.model:
        raise ValueError(f"[train] init = {tc.init!r} holds a different network than the config's [model]")
    normalizer = (Normalizer.from_state_dict((payload or start)["normalizer"]) if payload or start
                  else fit_normalizer(train_samples, cfg.model, np.random.default_rng(tc.seed)))
    gen = MotionGenerator(cfg.model, cfg.diffusion, normalizer).to(device)
    if start and not payload:
        gen.net.load_state_dict(start["state_dict"])
        log.info("starting from the weights of %s", tc.init)
    ema = copy.deepcopy(gen).requires_grad_(False)
    opt = torch.optim.AdamW(gen.net.parameters(), lr=tc.lr, weight_decay=tc.weight_decay)
    sampler = WindowSampler(train_samples, tc.window, tc.seed + rank)
    gen_rng = torch.Generator().manual_seed(tc.seed + 1000 * rank)
    step = 0
    if payload:
        gen.net.load_state_dict(payload["train_state"]["net"])
        ema.net.load_state_dict(payload["state_dict"])
        opt.load_state_dict(payload["train_state"]["optimizer"])
        step = payload["train_state"]["step"]
        sampler.rng.bit_generator.state = payload["train_state"]["sampler_rng"]
        gen_rng.set_state(payload["train_state"]["torch_rng"])
        log.info("resumed %s at step %d", out / LAST, step)
    net = DistributedDataParallel(gen.net) if distributed else gen.net

    val_rng = torch.Generator().manual_seed(12345)  # the same val windows and noise every time
    val_batches = [make_step_inputs(WindowSampler(val_samples, tc.window, 12345 + i).batch(tc.batch_size), gen, cfg,
                                    val_rng, device) for i in range(tc.eval_batches)] if rank == 0 else []
    logs = Logs(out) if rank == 0 else None
    if rank == 0:
        (out / "config.toml").write_text(cfg.to_toml())
        log.info("%.2fM parameters, device %s, %d training windows of %d frames per step",
                 sum(p.numel() for p in gen.net.parameters()) / 1e6, device, tc.batch_size, tc.window)

    def save() -> None:
        state = {"net": gen.net.state_dict(), "optimizer": opt.state_dict(), "step": step,
                 "sampler_rng": sampler.rng.bit_generator.state, "torch_rng": gen_rng.get_state()}
        save_checkpoint(out / LAST, ema, {"train_state": state, "config": cfg.to_dict()})
        save_checkpoint(out / MODEL, ema, {"config": cfg.to_dict(), "step": step})

    @torch.no_grad()
    def evaluate() -> dict[str, float]:
        ema.eval()
        totals: dict[str, float] = {}
        for inp in val_batches:
            for k, v in compute_loss(ema.net, ema, inp, cfg).items():
                totals[k] = totals.get(k, 0.0) + float(v) / len(val_batches)
        return totals

    start = time.time()
    bar = tqdm(total=tc.steps, initial=step, desc="train", disable=rank != 0 or None)
    gen.train()
    while step < tc.steps:
        for group in opt.param_groups:
            group["lr"] = lr_at(step, cfg)
        terms = compute_loss(net, gen, make_step_inputs(sampler.batch(tc.batch_size), gen, cfg, gen_rng, device), cfg)
        opt.zero_grad(set_to_none=True)
        terms["loss"].backward()
        grad_norm = torch.nn.utils.clip_grad_norm_(gen.net.parameters(), tc.grad_clip)
        opt.step()
        decay = min(tc.ema_decay, (1 + step) / (10 + step))  # short memory early on
        with torch.no_grad():
            for pe, p in zip(ema.net.parameters(), gen.net.parameters()):
                pe.lerp_(p, 1 - decay)
            for be, b in zip(ema.net.buffers(), gen.net.buffers()):
                be.copy_(b)
        step += 1
        bar.update(1)
        timed_out = tc.max_minutes > 0 and time.time() - start > tc.max_minutes * 60
        if rank == 0:
            if step % tc.log_every == 0 or step == tc.steps:
                values = {k: float(v.detach()) for k, v in terms.items()} | {"lr": lr_at(step - 1, cfg), "grad_norm": float(grad_norm)}
                logs.write(step, "train", values)
                bar.set_postfix(loss=f"{values['loss']:.3f}")
            if step % tc.eval_every == 0 or step == tc.steps or timed_out:
                values = evaluate()
                logs.write(step, "val", values)
                log.info("step %d val %s", step, " ".join(f"{k}={v:.4f}" for k, v in values.items()))
            if step % tc.checkpoint_every == 0 or step == tc.steps or timed_out:
                save()
        if timed_out:
            log.info("stopping at step %d: max_minutes=%.1f reached", step, tc.max_minutes)
            break
    bar.close()
    if distributed:
        dist.destroy_process_group()
    return out / MODEL
