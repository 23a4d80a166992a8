"""The synthetic dyadic corpus: samples with exact ground truth, written as npz shards.

A sample is one conversation (or one "dubbed" pair of monologues cut into alternating turns,
the paper's second set) between two speaker identities, seated by a layout, recorded in a
random room. Every sample is a pure function of (seed, index), so shards are byte-identical
across runs and across worker counts. See docs/data.md for the format and the dataset card.
"""

from __future__ import annotations

import io
import itertools
import json
import logging
import zipfile
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np
from tqdm import tqdm

from talking_together.contract import FPS, JOINT_NAMES, SAMPLE_RATE, SCHEMA_VERSION
from talking_together.data.behaviour import animate
from talking_together.data.dialogue import Dialogue, Placed, assemble, segment
from talking_together.data.espeak import Voice, synthesize
from talking_together.data.layouts import LayoutSampling, sample_layout
from talking_together.data.room import RoomConfig, record
from talking_together.data import real_speech, tts
from talking_together.data.augment import AugmentConfig, augment, telephone
from talking_together.data.real_speech import PAIRINGS
from talking_together.data.splits import HELD_OUT_SPLITS, REAL_TEST_SPLIT, SPLITS, TRAIN_SPLITS, VAL_SPLITS
from talking_together.data.text import script, statement
from talking_together.data.turns import TurnTakingConfig, conversation
from talking_together.data.visemes import VisemeConfig, mouth_track, visemes_of
from talking_together.geometry import compose_head_world, eye_midpoint_world, quat_rotate

log = logging.getLogger(__name__)

BASE_VOICES = ("en-us", "en", "en-gb-x-rp", "en-gb-scotland", "en-029", "en-us-nyc",
               "en-gb-x-gbclan", "en-gb-x-gbcwmd")
VARIANTS = ("", "m1", "m2", "m3", "m4", "m5", "m6", "m7", "f1", "f2", "f3", "f4", "f5")
IDENTITIES_PER_VOICE = 4
POOL_SEED = 20_260_000  # fixed: the identity pool and its split never depend on a run's seed
SPLIT_PROBS = (0.85, 0.05, 0.05, 0.05)
IDENTITY = np.array([0.0, 0.0, 0.0, 1.0])
REAL_TEST_BASE = 1_000_000  # sample indices of the test_real split start here


@dataclass(frozen=True)
class Identity:
    """A speaker identity: a whole espeak voice plus its prosody."""

    id: int
    voice: str  # "en-us+m3"
    pitch: int
    pitch_range: int
    rate_wpm: int
    articulation: float  # scale of mouth movement (VisemeConfig.articulation)
    held_out: bool  # never in train/val

    def voice_for(self, rng: np.random.Generator) -> Voice:
        """This identity's voice with per-utterance jitter on pitch, rate and volume."""
        name, _, variant = self.voice.partition("+")
        return Voice(name=name, variant=variant, pitch=int(np.clip(self.pitch + rng.integers(-4, 5), 0, 100)),
                     pitch_range=self.pitch_range, rate_wpm=int(self.rate_wpm + rng.integers(-10, 11)),
                     volume=int(rng.integers(85, 116)))


def identity_pool() -> tuple[list[Identity], frozenset[str]]:
    """All identities and the held-out whole voices (every tenth voice, fixed)."""
    rng = np.random.default_rng(POOL_SEED)
    voices = [f"{b}+{v}" if v else b for b in BASE_VOICES for v in VARIANTS]
    held_voices = frozenset(voices[3::10])
    pool = []
    for voice in voices:
        female = "+f" in voice
        for j in range(IDENTITIES_PER_VOICE):
            pool.append(Identity(
                id=len(pool), voice=voice,
                pitch=int(rng.integers(50, 80) if female else rng.integers(25, 60)),
                pitch_range=int(rng.integers(30, 80)), rate_wpm=int(rng.integers(145, 200)),
                articulation=float(rng.uniform(0.8, 1.2)),
                held_out=voice in held_voices or j == IDENTITIES_PER_VOICE - 1,
            ))
    return pool, held_voices


@dataclass
class CorpusConfig:
    seed: int = 0
    dubbing_prob: float = 0.2
    turns: tuple[int, int] = (6, 12)
    shard_samples: int = 16
    # voice family -> share of train/val samples; held-out synthetic splits stay espeak (comparable
    # with every earlier report), and real test readers get their own split, test_real
    families: tuple[tuple[str, float], ...] = (("espeak", 0.5), ("real", 0.35), ("flite", 0.1), ("festival", 0.05))
    real_test_samples: int = 12  # dialogues of LibriSpeech's test readers, FF / MM / FM in turn
    augment: AugmentConfig = field(default_factory=AugmentConfig)
    layout: LayoutSampling = field(default_factory=LayoutSampling)
    room: RoomConfig = field(default_factory=RoomConfig)
    turn_taking: TurnTakingConfig = field(default_factory=TurnTakingConfig)


def _pick_identities(split: str, pool: list[Identity], held_voices: frozenset[str], rng: np.random.Generator
                     ) -> tuple[Identity, Identity]:
    if split in ("train", "val"):
        choices = [p for p in pool if not p.held_out]
    elif split == "test_identity":
        choices = [p for p in pool if p.held_out and p.voice not in held_voices]
    else:
        choices = [p for p in pool if p.voice in held_voices]
    a, b = rng.choice(len(choices), 2, replace=False)
    return choices[a], choices[b]


def _dubbed(ids: tuple[Identity, Identity], rng: np.random.Generator, cfg: CorpusConfig) -> Dialogue:
    """Two monologues cut at random word ends into 1-4 s pieces, reassembled as alternating turns."""
    pieces: list[list] = [[], []]
    for k in range(2):
        u = synthesize(" ".join(statement(rng) for _ in range(4)), ids[k].voice_for(rng))
        t = u.words[0][0]
        while True:
            ends = [w1 for _, w1 in u.words if t + 1.0 <= w1 <= t + 4.0]
            if not ends:
                break
            end = float(rng.choice(ends))
            pieces[k].append(segment(u, t, end))
            t = next((w0 for w0, _ in u.words if w0 >= end), np.inf)
    placed, cursor = [], 0.0
    for i in range(min(len(pieces[0]), len(pieces[1])) * 2):
        k = i % 2
        u = pieces[k][i // 2]
        start = cursor + (float(np.clip(rng.normal(cfg.turn_taking.fto_mean_s, cfg.turn_taking.fto_sd_s), 0.0, 1.0)) if placed else 0.0)
        placed.append(Placed(k, start, "", u, "dub"))
        cursor = start + u.phonemes[-1][2] - u.phonemes[0][1]
    return assemble(placed, tuple(ids[k].voice_for(rng) for k in range(2)))


LIP_CLOSED, LIP_OPEN = 0, 1  # lip_events kinds: a bilabial (p, b, m) and an open vowel (viseme "aa")


def lip_events(phonemes: tuple[list[tuple[str, float, float]], ...]) -> np.ndarray:
    """Where each speaker's lips must close (bilabials) and open wide: what evaluate/metrics.py's
    lip-closure score checks a predicted mouth against, on real voices too."""
    rows = [(k, a, b, LIP_CLOSED if "PP" in vis else LIP_OPEN)
            for k, spans in enumerate(phonemes) for sym, a, b in spans
            for vis in [visemes_of(sym)] if "PP" in vis or vis == ["aa"]]
    return np.array(rows, np.float32).reshape(-1, 4)


def _other_family(family: str, split: str, index: int, rng: np.random.Generator) -> Dialogue:
    """A re-assembled dialogue of real readers or TTS voices with aligned phones (data/alignment.py):
    training readers for train/val, LibriSpeech's test readers for test_real."""
    seed = int(rng.integers(2**31))
    if family == "real":
        reader_split = "test" if split == REAL_TEST_SPLIT else "train"
        pairing = PAIRINGS[index % len(PAIRINGS)] if split == REAL_TEST_SPLIT else str(rng.choice(PAIRINGS))
        a, b = real_speech.pairs(reader_split, pairing, 1, seed)[0]
        return real_speech.real_dialogue(a, b, seed, turns=int(rng.integers(6, 11)), room=False, phones=True)
    voices = rng.choice(list(tts.VOICES[family]), 2, replace=False)
    return tts.tts_dialogue(family, (str(voices[0]), str(voices[1])), seed, turns=int(rng.integers(6, 11)),
                            room=False, phones=True)


def _split_and_family(index: int, rng: np.random.Generator, other: np.random.Generator, cfg: CorpusConfig
                      ) -> tuple[str, str]:
    if index >= REAL_TEST_BASE:
        return REAL_TEST_SPLIT, "real"
    split = str(rng.choice(SPLITS, p=SPLIT_PROBS))
    if split in HELD_OUT_SPLITS:
        return split, "espeak"
    names, shares = zip(*cfg.families)
    return split, str(other.choice(names, p=np.array(shares) / sum(shares)))


def make_sample(index: int, cfg: CorpusConfig) -> tuple[str, dict[str, np.ndarray], dict]:
    """Sample `index` of the corpus: (split, arrays, metadata); a pure function of (seed, index).
    Indices from REAL_TEST_BASE on are the test_real split."""
    rng = np.random.default_rng([cfg.seed, index])
    other = np.random.default_rng([cfg.seed, index, 1])  # family, voices, augmentation: espeak's stream stays as it was
    split, family = _split_and_family(index, rng, other, cfg)
    if family == "espeak":
        pool, held_voices = identity_pool()
        ids = _pick_identities(split, pool, held_voices, rng)
        dubbing = bool(rng.random() < cfg.dubbing_prob)
        if dubbing:
            d = _dubbed(ids, rng, cfg)
        else:
            voices = (ids[0].voice_for(rng), ids[1].voice_for(rng))
            d = conversation(script(rng, int(rng.integers(*cfg.turns)), max_sentences=2), voices, rng, cfg.turn_taking)
        identities = [asdict(i) for i in ids]
    else:
        if split == REAL_TEST_SPLIT:  # a sample of the main stream still draws its layout and room from rng
            rng = other
        dubbing, d = True, _other_family(family, split, index, other)
        identities = [{"id": str(v), "voice": str(v), "articulation": float(other.uniform(0.8, 1.2))} for v in d.voices]
    augmented: list[str] = []
    if split in TRAIN_SPLITS + VAL_SPLITS:
        d, augmented = augment(d, other, cfg.augment)

    layout = sample_layout(rng, cfg.layout)
    anchors = layout.anchors
    mouths = tuple(mouth_track(d.phonemes[k], d.stress[k], d.num_frames,
                               VisemeConfig(articulation=identities[k]["articulation"])) for k in range(2))
    stress_times = tuple(np.array([a for (_, a, _), s in zip(d.phonemes[k], d.stress[k]) if s == 2]) for k in range(2))
    tracks = animate(anchors, d.masks, d.sources, mouths, d.turns, d.turn_kinds, stress_times, rng)

    mouth_pos = []  # the mouth sits ~7 cm below the eye midpoint at rest
    for a in anchors:
        pos, rot = compose_head_world(a, np.zeros(3), IDENTITY, IDENTITY)
        mouth_pos.append(eye_midpoint_world(pos, rot) + quat_rotate(rot, np.array([0.0, -0.07, 0.0])))
    room = record(d.sources, np.array(mouth_pos), rng, cfg.room)
    recorded = room.audio
    if split in TRAIN_SPLITS + VAL_SPLITS and other.random() < cfg.augment.codec_prob:
        recorded = telephone(recorded)
        augmented.append("telephone")
    scale = 0.5 / max(float(np.abs(recorded).max()), 1e-9)

    def pcm(x: np.ndarray) -> np.ndarray:
        return np.round(np.clip(x, -1, 1) * 32767).astype(np.int16)

    arrays = {
        "audio": pcm(recorded * scale),  # (C, n) int16
        "sources": pcm(d.sources),  # (2, n) dry, before the room
        "masks": d.masks.astype(np.uint8),  # (T, 2)
        "expression": np.stack([t.expression for t in tracks], 1),  # (T, 2, 52)
        "translation": np.stack([t.translation for t in tracks], 1),  # (T, 2, 3)
        "rotations": np.stack([np.stack([t.neck, t.head, t.left_eye, t.right_eye], 1) for t in tracks], 1),  # (T, 2, 4, 4)
        "head_world_position": np.stack([t.head_world_position for t in tracks], 1),
        "head_world_rotation": np.stack([t.head_world_rotation for t in tracks], 1),
        "gaze_at_partner": np.stack([t.gaze_at_partner for t in tracks], 1),  # (T, 2) bool
        "anchors": np.array([[*a.position, a.yaw_rad] for a in anchors], np.float32),  # (2, 4)
        "mic_positions": room.mic_positions.astype(np.float32),  # (C, 3) in R
        "lip_events": lip_events(d.phonemes),  # (n, 4) [speaker, start_s, end_s, kind]: lip sync without video
    }
    meta = {
        "index": index, "split": split, "mode": "dubbing" if dubbing else "conversation", "family": family,
        "augmented": augmented,
        "duration_s": d.duration_s, "num_frames": d.num_frames, "layout_prompt": layout.description,
        "postures": [p.value for p in layout.postures],
        "identities": identities,
        "mic_array": room.array, "room_size_m": room.room_size.round(3).tolist(),
        "room_min_m": room.room_min.round(3).tolist(), "rt60_s": round(room.rt60_s, 3),
        "snr_db": round(room.snr_db, 2),
        "turns": [{"speaker": s, "start_s": round(a, 3), "end_s": round(b, 3), "text": t, "kind": k}
                  for (s, a, b, t), k in zip(d.turns, d.turn_kinds)],
    }
    arrays["meta"] = np.array(json.dumps(meta))
    return split, arrays, meta


def _write_shard(path: Path, samples: list[dict[str, np.ndarray]]) -> int:
    """One uncompressed npz; keys are "<sample>/<field>". Fixed zip timestamps keep it byte-stable."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_STORED) as zf:
        for s in samples:
            key = f"{int(json.loads(str(s['meta']))['index']):07d}"
            for name, arr in s.items():
                info = zipfile.ZipInfo(f"{key}/{name}.npy", date_time=(1980, 1, 1, 0, 0, 0))
                with zf.open(info, "w") as f:
                    np.lib.format.write_array(f, np.asarray(arr), allow_pickle=False)
    path.write_bytes(buf.getvalue())
    return len(buf.getvalue())


def _work(args: tuple[int, CorpusConfig]) -> tuple[str, dict[str, np.ndarray], dict]:
    return make_sample(*args)


def generate(hours: float, out: Path, cfg: CorpusConfig, workers: int = 1) -> dict:
    """Write shards until `hours` of dialogue are done, then manifest.json; returns the manifest."""
    out.mkdir(parents=True, exist_ok=True)
    target_s, done_s, index = hours * 3600.0, 0.0, 0
    buffers: dict[str, list] = {s: [] for s in (*SPLITS, REAL_TEST_SPLIT)}
    counts = dict.fromkeys(buffers, 0)
    shards, samples_meta = [], []

    def flush(split: str) -> None:
        name = f"{split}-{counts[split]:05d}.npz"
        size = _write_shard(out / name, buffers[split])
        shards.append({"file": name, "split": split, "bytes": size,
                       "samples": [int(json.loads(str(s["meta"]))["index"]) for s in buffers[split]]})
        counts[split] += 1
        buffers[split] = []

    def add(split: str, arrays: dict[str, np.ndarray], meta: dict) -> None:
        buffers[split].append(arrays)
        samples_meta.append({k: meta[k] for k in ("index", "split", "mode", "family", "duration_s", "layout_prompt",
                                                   "mic_array", "rt60_s", "snr_db")}
                            | {"identities": [i["id"] for i in meta["identities"]]})
        bar.update(round(meta["duration_s"] / 60, 2))
        if len(buffers[split]) >= cfg.shard_samples:
            flush(split)

    bar = tqdm(total=round(target_s / 60, 1), unit="min", desc="synth", disable=None)
    for split, arrays, meta in _results(cfg, workers, itertools.count()):
        add(split, arrays, meta)
        done_s += meta["duration_s"]
        index += 1
        if done_s >= target_s:
            break
    bar.close()
    bar = tqdm(total=cfg.real_test_samples, unit="dialogue", desc="test_real", disable=None)
    for split, arrays, meta in _results(cfg, workers, range(REAL_TEST_BASE, REAL_TEST_BASE + cfg.real_test_samples)):
        add(split, arrays, meta)
    bar.close()
    for split in buffers:
        if buffers[split]:
            flush(split)
    pool_ids, held_voices = identity_pool()
    manifest = {
        "schema": SCHEMA_VERSION, "format": "talking_together.synth.v1", "seed": cfg.seed,
        "sample_rate": SAMPLE_RATE, "fps": FPS, "joints": list(JOINT_NAMES),
        "hours": round(done_s / 3600, 4), "num_samples": index,
        "held_out_voices": sorted(held_voices),
        "held_out_identities": [i.id for i in pool_ids if i.held_out],
        "shards": shards, "samples": samples_meta,
    }
    (out / "manifest.json").write_text(json.dumps(manifest, indent=1) + "\n")
    log.info("wrote %d samples, %.3f h, %d shards to %s", index, done_s / 3600, len(shards), out)
    return manifest


def _results(cfg: CorpusConfig, workers: int, indices: Iterable[int]
             ) -> Iterator[tuple[str, dict[str, np.ndarray], dict]]:
    """The samples of `indices` in order (an endless count is fine), computed by `workers` processes."""
    jobs = ((i, cfg) for i in indices)
    if workers <= 1:
        yield from map(_work, jobs)
        return
    pool = ProcessPoolExecutor(workers)
    try:
        pending = deque(pool.submit(_work, job) for job in itertools.islice(jobs, 2 * workers))
        while pending:
            result = pending.popleft().result()
            for job in itertools.islice(jobs, 1):
                pending.append(pool.submit(_work, job))
            yield result
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def load_shard(path: str | Path) -> dict[int, dict[str, np.ndarray]]:
    """A shard as {sample index: {field: array}}, with "meta" parsed from JSON."""
    out: dict[int, dict] = {}
    with np.load(path, allow_pickle=False) as z:
        for key in z.files:
            idx, name = key.split("/")
            out.setdefault(int(idx), {})[name] = z[key]
    for sample in out.values():
        sample["meta"] = json.loads(str(sample["meta"]))
    return out


def load_sample(directory: str | Path, index: int) -> dict[str, np.ndarray]:
    """Sample `index` of a generated corpus, found through its manifest."""
    manifest = json.loads((Path(directory) / "manifest.json").read_text())
    shard = next((s for s in manifest["shards"] if index in s["samples"]), None)
    if shard is None:
        raise KeyError(f"no sample {index} in {directory} (it has {manifest['num_samples']})")
    return load_shard(Path(directory) / shard["file"])[index]
