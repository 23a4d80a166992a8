"""`talking-together activity train-counter`: train the overlap detector's voice counter.

Data: room dialogues re-assembled from the "train" LibriSpeech readers only (never "tune", never
"test"), with gaps, overlaps and backchannels (data/real_speech.py), a quarter of them one person
alone; and espeak dialogues of the corpus's training identities (never its held-out ones). Each
40 ms frame is labelled with how many people speak in it, from the dry sources. The shipped file took about 15 minutes on
2 CPU cores with the defaults. Decision 0015 has the figures.
"""

from __future__ import annotations

import argparse
import logging
import time
from dataclasses import asdict, dataclass
from multiprocessing import Pool
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F
from tqdm import tqdm

from talking_together.activity.overlap import COUNTS, HEADS, VoiceCounter, VoiceCounterConfig, dialogue_features

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class CounterTraining:
    dialogues_per_pairing: int = 200  # x 3 pairings, ~45 s each: ~7.9 h of room audio
    solo_share: float = 0.25  # of those, one person's turns alone (the other silenced): one voice across turns is one voice
    espeak_per_pairing: int = 50  # + espeak dialogues of the corpus's training identities: synthetic voices are voices too
    seed: int = 1000
    steps: int = 3000
    batch: int = 32
    crop_frames: int = 300  # 12 s per training sequence
    lr: float = 2e-3
    weight_decay: float = 1e-4
    feature_noise: float = 0.05  # added to the normalised log mel: the network must not lean on tiny details
    workers: int = 2


def _one_dialogue(job: tuple) -> tuple[np.ndarray, np.ndarray]:
    """("real", reader a, reader b, seed, alone) or ("espeak", pairing, seed)
    -> ((T, ROWS * BANDS) features, (T,) voices per frame).

    `alone` 0 or 1 keeps only that person's turns, in the same room: without such monologues the
    counter heard a second voice in 7% of one reader's speech (tune readers)."""
    from talking_together.data.real_speech import in_room, monologue, real_dialogue
    from talking_together.data.voice_dialogues import TURNS, dialogue_set

    logging.getLogger("talking_together.data.real_speech").setLevel(logging.WARNING)  # a line per dialogue: the bar says it
    if job[0] == "espeak":
        d = dialogue_set("espeak", job[1], "train", 1, job[2])[0]
    else:
        _, a, b, seed, alone = job
        d = real_dialogue(a, b, seed, TURNS["real"], room=False)
        if alone >= 0:
            d = monologue(d, alone)
        d = in_room(d, np.random.default_rng([seed, 1]))
    x = dialogue_features(d.audio)
    n = min(len(x), len(d.masks))
    return x[:n], (d.masks[:n] >= 0.5).sum(axis=1).astype(np.int64)


def training_dialogues(cfg: CounterTraining) -> list[tuple[np.ndarray, np.ndarray]]:
    from talking_together.data.real_speech import PAIRINGS, pairs

    jobs = []
    for k, pairing in enumerate(PAIRINGS):
        rng = np.random.default_rng([cfg.seed, k])
        seeds = rng.integers(2**31, size=cfg.dialogues_per_pairing)
        alone = np.where(rng.random(cfg.dialogues_per_pairing) < cfg.solo_share, rng.integers(2, size=cfg.dialogues_per_pairing), -1)
        jobs += [("real", a, b, int(s), int(o)) for (a, b), s, o in zip(pairs("train", pairing, cfg.dialogues_per_pairing, cfg.seed + k), seeds, alone)]
        jobs += [("espeak", pairing, int(s)) for s in rng.integers(2**31, size=cfg.espeak_per_pairing)]
    with Pool(cfg.workers) as pool:
        return list(tqdm(pool.imap(_one_dialogue, jobs, chunksize=4), total=len(jobs), desc="train dialogues", unit="dialogue"))


def train_counter(cfg: CounterTraining, out: Path) -> VoiceCounter:
    """Train a counter on fresh dialogues and save it to `out` (config and weights)."""
    torch.manual_seed(cfg.seed)
    data = training_dialogues(cfg)
    counts = np.bincount(np.concatenate([y for _, y in data]), minlength=COUNTS)
    log.info("%d frames (%.1f h): share of frames with 0 / 1 / 2 voices %s", counts.sum(), counts.sum() / 25 / 3600,
             np.round(counts / counts.sum(), 3))
    model = VoiceCounter(VoiceCounterConfig())
    opt = torch.optim.AdamW(model.parameters(), cfg.lr, weight_decay=cfg.weight_decay)
    schedule = torch.optim.lr_scheduler.OneCycleLR(opt, cfg.lr, total_steps=cfg.steps)
    rng, T = np.random.default_rng(cfg.seed), cfg.crop_frames
    progress = tqdm(range(cfg.steps), desc="train counter", unit="step")
    start = time.perf_counter()
    for _ in progress:
        picks = [(i, int(rng.integers(0, len(data[i][1]) - T))) for i in rng.integers(len(data), size=cfg.batch)]
        x = torch.from_numpy(np.stack([data[i][0][s : s + T] for i, s in picks]))  # (B, T, ROWS * BANDS)
        y = torch.from_numpy(np.stack([data[i][1][s : s + T] for i, s in picks]))  # (B, T)
        logits, _ = model(x + cfg.feature_noise * torch.randn_like(x))  # (B, T, heads, COUNTS)
        # head k at frame t speaks of frame t - delay: it has heard `delay` frames past it
        loss = sum(F.cross_entropy(logits[:, d:, k].reshape(-1, COUNTS), y[:, : T - d].reshape(-1))
                   for k, d in enumerate(HEADS)) / len(HEADS)
        opt.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        schedule.step()
        progress.set_postfix(loss=f"{loss.item():.3f}")
    log.info("trained %d steps in %.0f s", cfg.steps, time.perf_counter() - start)
    out.parent.mkdir(parents=True, exist_ok=True)
    torch.save({"config": asdict(model.cfg), "state": model.state_dict(), "training": asdict(cfg)}, out)
    log.info("saved %s", out)
    return model.eval()


def _run(args: argparse.Namespace) -> int:
    from talking_together.data.real_speech import readers_available

    if not readers_available("activity train-counter"):
        return 2
    cfg = CounterTraining(dialogues_per_pairing=args.dialogues, espeak_per_pairing=args.espeak, steps=args.steps,
                          seed=args.seed, workers=args.workers)
    train_counter(cfg, Path(args.out))
    return 0


def add_command(commands: argparse._SubParsersAction) -> None:
    p = commands.add_parser(
        "train-counter", help="train the overlap detector's voice counter on the train LibriSpeech readers",
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    defaults = CounterTraining()
    p.add_argument("--out", required=True, help="where to write the weights (.pt); serve it with the shipped name to replace it")
    p.add_argument("--dialogues", type=int, default=defaults.dialogues_per_pairing, help="dialogues per gender pairing (default %(default)s)")
    p.add_argument("--espeak", type=int, default=defaults.espeak_per_pairing,
                   help="espeak dialogues per gender pairing, training identities (default %(default)s)")
    p.add_argument("--steps", type=int, default=defaults.steps, help="optimiser steps (default %(default)s)")
    p.add_argument("--seed", type=int, default=defaults.seed, help="data and initialisation seed (default %(default)s)")
    p.add_argument("--workers", type=int, default=defaults.workers, help="processes building dialogues (default %(default)s)")
    p.set_defaults(func=_run)
