"""The report's real-voice rows: LibriSpeech's test readers (the corpus's test_real split).

Two questions, per gender pairing:
- lip sync on real speech, given who speaks: MSE-LIP against the aligned-phone truth
  (data/alignment.py), and lip closure at bilabials against open vowels (metrics.lip_closure_counts);
- the product as a user meets it, nobody enrolled: the live estimator (activity.make_activity with no
  calibration) decides who speaks from the room audio, the systems animate with its masks, and the
  mouths are scored against the true masks: attribution, solo frames, turn jaw ratio; the estimator
  itself by F1, DER and JER (pyannote.metrics, evaluate/diarization.py).
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Callable

import numpy as np
import torch

from talking_together.activity import make_activity, stream_activity
from talking_together.animators.diffusion.config import StreamingConfig
from talking_together.contract import FPS
from talking_together.data.corpus import LIP_CLOSED, LIP_OPEN
from talking_together.data.real_speech import PAIRINGS
from talking_together.evaluate.diarization import (DiarizationScore, mouth_attribution_f1, person_f1,
                                                   solo_mouth_counts, turn_jaw_counts)
from talking_together.evaluate.metrics import Truth, evaluate, lip_closure_counts
from talking_together.train.data import Sample

log = logging.getLogger(__name__)

TRUE, LIVE = "true masks", "live masks"
LIVE_LOOKAHEAD = StreamingConfig().lookahead_frames  # frames whose masks the live engine re-reads
COLUMNS = ("MSE-LIP", "closure at p/b/m", "closure at open vowels", "attribution-F1", "solo-mouth", "jaw-ratio turns")


def pairing_of(s: Sample) -> str:
    """FF, MM or FM from the test readers' genders (SPEAKERS.TXT) behind the sample's identities."""
    from talking_together.data.real_speech import readers

    gender = {r.id: r.gender for r in readers("test")}
    return "".join(sorted(gender[i["id"].split(":")[1]] for i in s.meta["identities"]))


def live_masks(samples: list[Sample]) -> tuple[list[np.ndarray], dict[str, dict[str, float]]]:
    """Each sample's masks as the live engine reads them from its room audio (nobody enrolled,
    revised within the engine's lookahead), and the estimator's scores per pairing and over all."""
    out, scores = [], {p: DiarizationScore() for p in (*PAIRINGS, "all")}
    f1s: dict[str, list[tuple[float, float]]] = {p: [] for p in (*PAIRINGS, "all")}
    cpu = seconds = 0.0
    for s in samples:
        audio = (s.audio.T.astype(np.float32) / 32768.0).copy()  # (n, C)
        probs, used, _ = stream_activity(make_activity(None, audio.shape[1]), audio, revise_frames=LIVE_LOOKAHEAD)
        probs = np.pad(probs, ((0, max(0, s.num_frames - len(probs))), (0, 0)))[: s.num_frames]
        truth = s.masks.numpy()
        for key in (pairing_of(s), "all"):
            scores[key].add(probs, truth)
            f1s[key].append(person_f1(probs, truth))
        out.append(probs.astype(np.float32))
        cpu, seconds = cpu + used, seconds + s.num_frames / FPS
    table = {}
    for key, score in scores.items():
        if f1s[key]:
            a, b = np.mean(f1s[key], axis=0)
            total = score.result()
            table[key] = {"dialogues": len(f1s[key]), "F1 A": float(a), "F1 B": float(b),
                          "DER": total["der"], "JER": total["jer"]}
    table["all"]["CPU ms per s"] = 1000 * cpu / max(seconds, 1e-9)
    return out, table


def mouth_scores(preds: list[np.ndarray], samples: list[Sample]) -> dict[str, float]:
    """The mouth columns for one system's predictions over `samples`."""
    counts = np.zeros(8)
    for p, s in zip(preds, samples):
        turns = [(t["speaker"], t["start_s"], t["end_s"]) for t in s.meta["turns"]]
        kinds = [t["kind"] for t in s.meta["turns"]]
        counts += (*solo_mouth_counts(p, s.masks.numpy()), *turn_jaw_counts(p, turns, kinds=kinds),
                   *lip_closure_counts(p, s.lip_events, LIP_CLOSED), *lip_closure_counts(p, s.lip_events, LIP_OPEN))
    share = counts[0::2] / np.maximum(counts[1::2], 1)
    return {"attribution-F1": mouth_attribution_f1(preds, [s.masks.numpy() for s in samples]),
            "solo-mouth": share[0], "jaw-ratio turns": share[1],
            "closure at p/b/m": share[2], "closure at open vowels": share[3]}


def real_voice_rows(samples: list[Sample], systems: dict[str, Callable[[list[Sample]], list[np.ndarray]]], seed: int = 0
                    ) -> tuple[dict[str, dict[str, float]], dict[str, dict[str, float]]]:
    """-> ({"system, masks": columns}, {pairing: live estimator scores, and the first system's
    mouth on its masks}). `systems` map a name to a function from samples to (T, 2, 79) motion."""
    truths = [Truth(s.motion.numpy(), s.masks.numpy(), s.anchors, s.gaze_at_partner) for s in samples]
    masks, activity = live_masks(samples)
    live = [dataclasses.replace(s, masks=torch.from_numpy(m)) for s, m in zip(samples, masks)]
    rows: dict[str, dict[str, float]] = {}
    for j, (name, predict) in enumerate(systems.items()):
        for label, inputs in ((TRUE, samples), (LIVE, live)):
            preds = predict(inputs)
            rows[f"{name}, {label}"] = {"MSE-LIP": evaluate(preds, truths, seed)["MSE-LIP"]} | mouth_scores(preds, samples)
            if j == 0 and label == LIVE:  # the product as a user meets it, per pairing
                for key in activity:
                    chosen = [i for i, s in enumerate(samples) if key in ("all", pairing_of(s))]
                    mouth = mouth_scores([preds[i] for i in chosen], [samples[i] for i in chosen])
                    activity[key] |= {"solo-mouth": mouth["solo-mouth"], "jaw-ratio turns": mouth["jaw-ratio turns"]}
        log.info("real voices: %s scored", name)
    rows["ground truth"] = {"MSE-LIP": 0.0} | mouth_scores([t.motion for t in truths], samples)
    return rows, activity


def markdown(rows: dict[str, dict[str, float]], activity: dict[str, dict[str, float]], model: str) -> str:
    """The two real-voice tables: the systems' mouths, then the live estimator per pairing."""
    lines = ["| system, who-speaks input | " + " | ".join(COLUMNS) + " |", "|---|" + "---:|" * len(COLUMNS)]
    for name, r in rows.items():
        lines.append(f"| {name} | " + " | ".join(f"{r[c]:.3f}" for c in COLUMNS) + " |")
    lines += ["", f"| pairing | dialogues | live F1 A | live F1 B | DER | JER | {model} solo-mouth | {model} jaw-ratio turns |",
              "|---|---:|---:|---:|---:|---:|---:|---:|"]
    for key, r in activity.items():
        lines.append(f"| {key} | {r['dialogues']} | {r['F1 A']:.3f} | {r['F1 B']:.3f} | {r['DER']:.3f} | {r['JER']:.3f} | "
                     f"{r['solo-mouth']:.3f} | {r['jaw-ratio turns']:.3f} |")
    return "\n".join(lines)


def run_real_voices(checkpoint: str, data: str, ablation: str | None = None, steps: int | None = None,
                    guidance: float | None = None, seed: int = 0, mouth_from_mean: bool | None = None,
                    limit: int | None = None) -> tuple[dict[str, dict[str, float]], dict[str, dict[str, float]]]:
    """real_voice_rows for the model, the ablation (when given) and the baseline on `data`'s test_real."""
    import functools

    from talking_together.data.splits import REAL_TEST_SPLIT
    from talking_together.evaluate.predict import predict_baseline, predict_model
    from talking_together.evaluate.report import ABLATION, BASELINE, MODEL
    from talking_together.model.checkpoint import load_generator
    from talking_together.train.data import load_samples

    samples = load_samples(data, (REAL_TEST_SPLIT,), limit)
    systems: dict[str, Callable[[list[Sample]], list[np.ndarray]]] = {}
    for name, path in ((MODEL, checkpoint), (ABLATION, ablation)):
        if path:
            systems[name] = functools.partial(predict_model, load_generator(path), window=128, prefix=16, steps=steps,
                                              guidance=guidance, seed=seed, mouth_from_mean=mouth_from_mean)
    systems[BASELINE] = lambda given: [predict_baseline(s, seed) for s in given]
    return real_voice_rows(samples, systems, seed)


REPORT_TEXT = """## Real voices: LibriSpeech's test readers, never trained or tuned on

The corpus's test_real split: each dialogue re-assembled from two test readers' clips (FF, MM, FM in
turn), with the synthetic motion truth of every other sample, its mouth from pocketsphinx's aligned
phones (data/alignment.py), recorded in a simulated room. "true masks": each system is told who
speaks by the truth. "live masks": by the live estimator on the room audio with nobody enrolled, as
`serve` without calibration does, each frame's mask re-read within the engine's lookahead as the
diffusion engine reads it (activity.recent); its own scores are in the second table.
- closure at p/b/m: share of bilabials where the jaw dips under half its local peak (higher is
  better); closure at open vowels: the same at "aa" vowels (lower is better).
- solo-mouth: share of one-speaker frames where the speaker's mouth moves more than the listener's;
  jaw-ratio turns: share of turns (backchannels and turns under 1 s left out) where the speaker's
  jawOpen varies at least 1.5x the listener's.
"""
