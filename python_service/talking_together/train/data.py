"""Corpus shards -> in-memory samples (features computed once) -> random training windows.

Shards are found by name (`<split>-NNNNN.npz`, docs/data.md), so a corpus still being written,
or one without a manifest, can be read.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import torch

from talking_together.data.corpus import load_shard
from talking_together.data.splits import HELD_OUT_SPLITS, TRAIN_SPLITS, VAL_SPLITS  # noqa: F401 - re-exported
from talking_together.model.config import MELS_PER_FRAME
from talking_together.model.features import audio_features, layout_features, pack_motion

log = logging.getLogger(__name__)



@dataclass
class Sample:
    """One conversation, ready for the network. T frames at 25 fps."""

    index: int
    audio: np.ndarray  # (C, n) int16, kept for the baseline animator
    features: torch.Tensor  # (4T, 160) float16 raw audio features
    motion: torch.Tensor  # (T, 2, 79) float32 raw motion
    masks: torch.Tensor  # (T, 2) float32
    layout: torch.Tensor  # (2, 6)
    anchors: np.ndarray  # (2, 4) [x, y, z, yaw]
    gaze_at_partner: np.ndarray  # (T, 2) bool
    dubbing: bool
    meta: dict
    lip_events: np.ndarray = field(default_factory=lambda: np.zeros((0, 4), np.float32))  # data/corpus.py lip_events

    @property
    def num_frames(self) -> int:
        return self.motion.shape[0]


def shard_paths(data_dir: str | Path, splits: tuple[str, ...]) -> list[Path]:
    return sorted(p for s in splits for p in Path(data_dir).glob(f"{s}-*.npz"))


def load_samples(data_dir: str | Path, splits: tuple[str, ...], limit: int | None = None) -> list[Sample]:
    """Every sample of `splits` (at most `limit`), in index order."""
    paths = shard_paths(data_dir, splits)
    if not paths:
        raise FileNotFoundError(f"no {'/'.join(splits)} shards (<split>-NNNNN.npz) in {data_dir}")
    out: list[Sample] = []
    for path in paths:
        for index, s in sorted(load_shard(path).items()):
            t = s["masks"].shape[0]
            wav = torch.from_numpy(s["audio"].astype(np.float32) / 32768.0)
            feats = audio_features(wav)[0, : t * MELS_PER_FRAME]
            motion = pack_motion(s["expression"], s["rotations"].astype(np.float64), s["translation"])
            out.append(Sample(
                index=index, audio=s["audio"], features=feats.half(), motion=torch.from_numpy(motion),
                masks=torch.from_numpy(s["masks"].astype(np.float32)),
                layout=torch.from_numpy(layout_features(s["anchors"])), anchors=s["anchors"].astype(np.float64),
                gaze_at_partner=s["gaze_at_partner"].astype(bool), dubbing=s["meta"]["mode"] == "dubbing",
                meta=s["meta"], **({"lip_events": s["lip_events"]} if "lip_events" in s else {})))
            if limit is not None and len(out) >= limit:
                return out
    log.info("loaded %d samples (%.2f h) of %s from %s", len(out), sum(x.num_frames for x in out) / 25 / 3600,
             "/".join(splits), data_dir)
    return out


class WindowSampler:
    """Random fixed-length windows, samples weighted by length so every frame is equally likely."""

    def __init__(self, samples: list[Sample], window: int, seed: int) -> None:
        self.samples = [s for s in samples if s.num_frames >= window]
        if not self.samples:
            raise ValueError(f"no sample is {window} frames long")
        self.window = window
        lengths = np.array([s.num_frames - window + 1 for s in self.samples], np.float64)
        self.p = lengths / lengths.sum()
        self.rng = np.random.default_rng(seed)

    def batch(self, size: int) -> dict[str, torch.Tensor]:
        """audio (B, 4W, 160), motion (B, 2, W, 79), masks (B, 2, W), layout (B, 2, 6), yaw (B, 2), dubbing (B,)."""
        rows = []
        for i in self.rng.choice(len(self.samples), size, p=self.p):
            s = self.samples[i]
            t0 = int(self.rng.integers(0, s.num_frames - self.window + 1))
            rows.append(window(s, t0, self.window))
        return {k: torch.stack([r[k] for r in rows]) for k in rows[0]}


def window(s: Sample, t0: int, length: int) -> dict[str, torch.Tensor]:
    """Frames [t0, t0 + length) of one sample, laid out as the network wants (person axis first)."""
    sl = slice(t0, t0 + length)
    return {
        "audio": s.features[t0 * MELS_PER_FRAME : (t0 + length) * MELS_PER_FRAME].float(),
        "motion": s.motion[sl].transpose(0, 1).contiguous(),
        "masks": s.masks[sl].T.contiguous(),
        "layout": s.layout,
        "yaw": torch.from_numpy(s.anchors[:, 3]).float(),
        "dubbing": torch.tensor(s.dubbing),
    }
