"""`talking-together activity train-founding`: fit the founding test's logistic model (founding.py).

Data: for each pair of "train" LibriSpeech readers (never "tune", never "test"), a ~90 s room
dialogue and each reader of it alone (data.real_speech.monologue); the same for a few espeak
dialogues of the corpus's training identities (the espeak demo is a voice family too). Each is
streamed through the live estimator. Every 6 kept embeddings the history so far is split as the live estimator splits it;
the split's FEATURES are one example: "two people" in a dialogue once the second reader has spoken
2 s, "one person" in a monologue. The shipped file is this command's default run (about 15 minutes
on 2 CPU cores). Decision 0016 has the figures.
"""

from __future__ import annotations

import argparse
import logging
import math
import time
from dataclasses import asdict, dataclass
from multiprocessing import Pool
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import torch
from threadpoolctl import threadpool_limits
from tqdm import tqdm

from talking_together.activity.founding import FEATURES, FoundingConfig, FoundingModel, split_features
from talking_together.contract import FPS

if TYPE_CHECKING:
    from talking_together.data.dialogue import Dialogue

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class FoundingTraining:
    pairs_per_pairing: int = 15  # x 3 pairings x (a dialogue + 2 monologues): 135 recordings of ~90 s
    turns: int = 24  # per real dialogue: ~90 s
    espeak_per_pairing: int = 5  # + espeak dialogues of the corpus's training identities (~50 s), and their monologues: synthetic voices are voices too
    seed: int = 2000
    every: int = 6  # embeddings between examples, as often as the live estimator splits (recluster_every)
    second_voice_s: float = 2.0  # a dialogue's split counts as "two people" once the second reader has spoken this long
    workers: int = 2


def _recording(job: tuple) -> tuple[Dialogue, int]:
    """("real", reader a, reader b, seed, alone, turns) or ("espeak", pairing, seed, alone) -> (room recording, alone).

    `alone` 0 or 1: only that person's speech (data.real_speech.monologue), in the same room; -1: both."""
    from talking_together.data.real_speech import in_room, monologue, real_dialogue
    from talking_together.data.voice_dialogues import dialogue_set

    logging.getLogger("talking_together.data.real_speech").setLevel(logging.WARNING)  # a line per dialogue: the bar says it
    if job[0] == "espeak":
        _, pairing, seed, alone = job
        d = dialogue_set("espeak", pairing, "train", 1, seed)[0]  # the corpus's training identities, already in a room
        if alone < 0:
            return d, alone
    else:
        _, a, b, seed, alone, turns = job
        d = real_dialogue(a, b, seed, turns, room=False)
    if alone >= 0:
        d = monologue(d, alone)
    return in_room(d, np.random.default_rng([seed, 1])), alone


def _examples(job: tuple) -> tuple[np.ndarray, np.ndarray]:
    """(recording job, every, second_voice_s) -> ((n, 4) features, (n,) two people?)."""
    from talking_together.activity import EmbeddingActivity, EmbeddingActivityConfig, stream_activity
    from talking_together.activity.embedding import split_history

    recording, every, second_voice_s = job
    d, alone = _recording(recording)
    # never founds (p <= 1), so every speech frame's MFCCs stay for the examples below
    cfg = FoundingConfig(threshold=math.inf)
    activity = EmbeddingActivity(1, cfg=EmbeddingActivityConfig(frames=None, overlap=None, founding=cfg))
    stream_activity(activity, d.audio)
    x, frames = activity.voices.history()
    speaking = d.masks >= 0.5
    if alone < 0:  # seconds the reader heard second has spoken, by frame
        second = int(np.argmax([np.flatnonzero(speaking[:, k])[0] for k in (0, 1)]))
        second_s = np.cumsum(speaking[:, second]) / FPS
    rows, labels = [], []
    for n in range(2 * every, len(x) + 1, every):
        split = split_history(x[:n])
        if split is None:
            continue
        centre_a, centre_b, halves = split
        features = split_features(float(centre_a @ centre_b), halves, frames[:n], activity.founding.mfccs, cfg)
        if features is None:
            continue
        if alone >= 0:
            label = 0
        elif second_s[min(frames[n - 1][-1], len(second_s) - 1)] >= second_voice_s:
            label = 1
        else:
            continue  # the second reader has hardly spoken: neither answer is wrong yet
        rows.append(features)
        labels.append(label)
    return np.array(rows).reshape(-1, len(FEATURES)), np.array(labels, np.int64)


def _one_thread() -> None:
    """A worker computes on one thread, as a live room does: several BLAS and torch threads per worker
    on a 2-core machine made the history's SVD take 0.24 s instead of 2 ms."""
    torch.set_num_threads(1)
    threadpool_limits(1)


def train(cfg: FoundingTraining) -> tuple[FoundingModel, dict]:
    from sklearn.linear_model import LogisticRegression

    from talking_together.data.real_speech import PAIRINGS, pairs

    recordings = [("real", a, b, cfg.seed + 600 + 10 * k + j, alone, cfg.turns)
                  for k, pairing in enumerate(PAIRINGS)
                  for j, (a, b) in enumerate(pairs("train", pairing, cfg.pairs_per_pairing, cfg.seed + k))
                  for alone in (-1, 0, 1)]
    recordings += [("espeak", pairing, cfg.seed + 900 + 10 * k + j, alone)
                   for k, pairing in enumerate(PAIRINGS) for j in range(cfg.espeak_per_pairing) for alone in (-1, 0, 1)]
    jobs = [(r, cfg.every, cfg.second_voice_s) for r in recordings]
    with Pool(cfg.workers, initializer=_one_thread) as pool:
        parts = list(tqdm(pool.imap(_examples, jobs), total=len(jobs), desc="train recordings", unit="recording"))
    x = np.concatenate([p[0] for p in parts])
    y = np.concatenate([p[1] for p in parts])
    mean, scale = x.mean(0), x.std(0)
    fit = LogisticRegression(C=1.0, class_weight="balanced", max_iter=1000).fit((x - mean) / scale, y)
    model = FoundingModel(mean, scale, fit.coef_[0], float(fit.intercept_[0]))
    return model, {"recordings": len(jobs), "examples": int(len(y)), "two_people": int(y.sum()), **asdict(cfg)}


def _run(args: argparse.Namespace) -> int:
    from talking_together.data.real_speech import readers_available

    if not readers_available("activity train-founding"):
        return 2
    cfg = FoundingTraining(pairs_per_pairing=args.pairs, turns=args.turns, espeak_per_pairing=args.espeak, seed=args.seed,
                           workers=args.workers)
    start = time.perf_counter()
    model, provenance = train(cfg)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    model.save(args.out, provenance)
    log.info("wrote %s: %d examples (%d of two people) in %.0f s", args.out, provenance["examples"],
             provenance["two_people"], time.perf_counter() - start)
    return 0


def add_command(commands: argparse._SubParsersAction) -> None:
    p = commands.add_parser(
        "train-founding", help="fit the founding test (one person or two?) on the train LibriSpeech readers",
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    defaults = FoundingTraining()
    p.add_argument("--out", type=Path, required=True,
                   help="the model file to write (JSON); use it with EmbeddingActivityConfig(founding=FoundingConfig(weights=...))")
    p.add_argument("--pairs", type=int, default=defaults.pairs_per_pairing, help="train reader pairs per gender pairing (default %(default)s)")
    p.add_argument("--turns", type=int, default=defaults.turns, help="turns per dialogue, ~4 s each (default %(default)s)")
    p.add_argument("--espeak", type=int, default=defaults.espeak_per_pairing,
                   help="espeak dialogues per gender pairing, training identities, each also as two monologues (default %(default)s)")
    p.add_argument("--seed", type=int, default=defaults.seed, help="reader and dialogue seed (default %(default)s)")
    p.add_argument("--workers", type=int, default=defaults.workers, help="processes streaming recordings (default %(default)s)")
    p.set_defaults(func=_run)
