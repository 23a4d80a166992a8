"""Who speaks, and whose mouth moves: speaker activity and mouth motion scored the way the field does.

Speaker activity (probs (T, 2) against masks (T, 2), 25 fps, 40 ms frames):
- DER and JER from pyannote.metrics on `Annotation`s built from frame runs: a run of consecutive
  frames with p >= threshold (as `frame_f1` decides) is one Segment, frame i being
  [i / FPS, (i + 1) / FPS). Overlap is scored (skip_overlap=False) and the evaluated region is
  the whole clip. pyannote maps hypothesis labels onto reference labels optimally (Hungarian), so
  DER/JER do not notice A and B being swapped; `person_f1` does, because in the product the first
  voice heard must be A.
- `person_f1`: frame F1 per person with the labels as given, `frame_f1` applied to one column.

Mouth motion (the model's (T, 2, 79) motion, (2, T, 79), or plain jawOpen curves (T, 2)):
- `mouth_motion` is the one per-frame movement curve: the absolute frame-to-frame change of the
  jaw and mouth weights (metrics.LIP; only jawOpen for jaw curves), summed, then averaged over a
  centred MOTION_FRAMES window. It is movement only, unlike metrics.mouth_activity, which adds the
  jaw opening itself: a listener whose mouth hangs open without moving is not talking.
- `solo_mouth_share`, `turn_jaw_ratio_share` and `mouth_attribution_f1` (the committed
  attribution-F1 of metrics.py, unchanged) score whether the right mouth moves.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from pyannote.core import Annotation, Segment, Timeline
from pyannote.metrics.diarization import DiarizationErrorRate, JaccardErrorRate

from talking_together.activity.base import frame_f1
from talking_together.contract import BLENDSHAPE_INDEX, FPS, NUM_PARTICIPANTS

LABELS = ("A", "B")
MOTION_FRAMES = 5  # 0.2 s centred: smooths frame jitter, keeps syllable-rate movement
MIN_TURN_S = 0.5  # shorter turns have too few frames for a standard deviation to mean much

Turn = tuple  # (speaker, start_s, end_s, text[, ...]) as in Dialogue.turns


def frame_runs(active: np.ndarray) -> list[tuple[int, int]]:
    """(T,) bool -> [(first, stop)) frame index ranges of each run of True, so runs become Segments."""
    edges = np.diff(np.concatenate([[0], active.astype(np.int8), [0]]))
    return list(zip(np.flatnonzero(edges == 1).tolist(), np.flatnonzero(edges == -1).tolist()))


def annotation(active: np.ndarray) -> Annotation:
    """(T, 2) bool -> pyannote Annotation with one Segment per run, labelled A / B."""
    ann = Annotation()
    for k in range(active.shape[1]):
        for a, b in frame_runs(active[:, k]):
            ann[Segment(a / FPS, b / FPS), k] = LABELS[k]
    return ann


class DiarizationScore:
    """DER and JER accumulated over many dialogues: pyannote sums each metric's components across
    calls, so `result()` is the total-time DER (and speaker-averaged JER) of all dialogues added."""

    def __init__(self, threshold: float = 0.5, collar_s: float = 0.0) -> None:
        # collar_s is pyannote's `collar`: total seconds not scored, centred on each reference boundary
        self.threshold = threshold
        self.der = DiarizationErrorRate(collar=collar_s, skip_overlap=False)
        self.jer = JaccardErrorRate(collar=collar_s, skip_overlap=False)
        self.dialogues = 0

    def add(self, probs: np.ndarray, masks: np.ndarray) -> dict[str, float]:
        """Score one dialogue (both truncated to the shorter) and add it to the totals; -> its own scores."""
        n = min(len(probs), len(masks))
        ref = annotation(np.asarray(masks)[:n, :NUM_PARTICIPANTS] >= 0.5)
        hyp = annotation(np.asarray(probs)[:n, :NUM_PARTICIPANTS] >= self.threshold)
        uem = Timeline([Segment(0.0, n / FPS)]) if n else Timeline()
        der = self.der(ref, hyp, uem=uem, detailed=True)
        jer = self.jer(ref, hyp, uem=uem, detailed=True)
        self.dialogues += 1
        return self._scores(der, jer)

    def result(self) -> dict[str, float]:
        """Totals over every dialogue added so far (see `_scores` for the keys)."""
        return self._scores(self.der.accumulated_, self.jer.accumulated_) | {"dialogues": self.dialogues}

    def _scores(self, der: dict, jer: dict) -> dict[str, float]:
        """der, jer, and DER's parts as fractions of reference speech (NaN without speech); overlap
        counts once per speaker, so der == missed + false_alarm + confusion. JER is NaN where no
        reference speaker speaks (pyannote says 1.0 there, even for a silent hypothesis)."""
        total = der["total"]
        frac = (lambda x: float(x / total)) if total > 0 else (lambda x: float("nan"))
        return {
            "der": float(self.der.compute_metric(der)),
            "jer": float(self.jer.compute_metric(jer)) if jer["speaker count"] > 0 else float("nan"),
            "missed": frac(der["missed detection"]),
            "false_alarm": frac(der["false alarm"]),
            "confusion": frac(der["confusion"]),
            "speech_s": float(total),
        }


def diarization_errors(probs: np.ndarray, masks: np.ndarray, threshold: float = 0.5, collar_s: float = 0.0,
                       detailed: bool = False) -> dict[str, float]:
    """DER and JER of one dialogue as pyannote computes them (labels mapped optimally, overlap
    scored); with `detailed`, also missed / false_alarm / confusion / speech_s (see DiarizationScore)."""
    scores = DiarizationScore(threshold, collar_s).add(probs, masks)
    return scores if detailed else {"der": scores["der"], "jer": scores["jer"]}


def person_f1(probs: np.ndarray, masks: np.ndarray, threshold: float = 0.5) -> tuple[float, float]:
    """Frame F1 of A and of B with the labels as given (no remapping: a swap scores ~0). Same
    definition as `frame_f1`, including 0.0 when a person has no true positive frame at all."""
    a, b = (frame_f1(np.asarray(probs)[:, [k]], np.asarray(masks)[:, [k]], threshold) for k in range(2))
    return a, b


def _time_major(motion: np.ndarray) -> np.ndarray:
    """(T, 2, D) stays, (2, T, D) is transposed; (T, 2) jaw curves stay."""
    motion = np.asarray(motion, np.float64)
    if motion.ndim == 3 and motion.shape[1] != NUM_PARTICIPANTS and motion.shape[0] == NUM_PARTICIPANTS:
        return motion.transpose(1, 0, 2)
    return motion


def mouth_motion(motion: np.ndarray) -> np.ndarray:
    """(T, 2, D>=52), (2, T, D) or jawOpen (T, 2) -> (T, 2): summed |frame-to-frame change| of the
    jaw and mouth weights (of jawOpen alone for jaw curves), averaged over a centred MOTION_FRAMES
    window (the mean of the frames that exist, at the ends)."""
    motion = _time_major(motion)
    if motion.ndim == 2:
        weights = motion[..., None]
    else:
        from talking_together.model.features import LIP  # lazy: pulls in torch, which DER users need not load

        weights = motion[..., LIP]
    speed = np.abs(np.diff(weights, axis=0, prepend=weights[:1])).sum(-1)
    kernel = np.ones(MOTION_FRAMES)
    count = np.convolve(np.ones(len(speed)), kernel, "same")
    return np.stack([np.convolve(speed[:, k], kernel, "same") / count for k in range(speed.shape[1])], -1)


def solo_mouth_counts(motion: np.ndarray, masks: np.ndarray) -> tuple[int, int]:
    """(frames where exactly one person speaks and the speaker's mouth moves strictly more than the
    listener's, frames where exactly one person speaks): summable over dialogues."""
    move = mouth_motion(motion)
    n = min(len(move), len(masks))
    talk = np.asarray(masks)[:n, :NUM_PARTICIPANTS] >= 0.5
    solo = talk.sum(1) == 1
    speaker = talk[solo].argmax(1)
    m = move[:n][solo]
    hits = m[np.arange(len(m)), speaker] > m[np.arange(len(m)), 1 - speaker]
    return int(hits.sum()), int(solo.sum())


def solo_mouth_share(motion: np.ndarray, masks: np.ndarray) -> float:
    """Share of one-speaker frames where the speaker's mouth moves more than the listener's (NaN if none):
    whether the talking avatar is the one whose mouth moves."""
    hits, total = solo_mouth_counts(motion, masks)
    return hits / total if total else float("nan")


def turn_jaw_counts(jaw: np.ndarray, turns: Sequence[Turn], ratio: float = 1.5,
                    kinds: Sequence[str] | None = None, min_s: float = MIN_TURN_S) -> tuple[int, int]:
    """(turns where std(speaker's jawOpen) >= ratio * std(listener's) and > 0, turns scored): turns
    under `min_s` and backchannels (when `kinds` is given) are skipped; a turn's frames are those
    whose centre lies in [start, end), as in data.dialogue.phoneme_masks."""
    jaw = _time_major(jaw)
    if jaw.ndim == 3:
        jaw = jaw[..., BLENDSHAPE_INDEX["jawOpen"]]
    centres = (np.arange(len(jaw)) + 0.5) / FPS
    hits = total = 0
    for i, (speaker, start, end, *_) in enumerate(turns):
        if end - start < min_s or (kinds is not None and kinds[i] == "backchannel"):
            continue
        inside = jaw[(centres >= start) & (centres < end)]
        if len(inside) < 2:
            continue
        spread = inside.std(0)
        total += 1
        hits += bool(spread[speaker] > 0 and spread[speaker] >= ratio * spread[1 - speaker])
    return hits, total


def turn_jaw_ratio_share(jaw: np.ndarray, turns: Sequence[Turn], ratio: float = 1.5,
                         kinds: Sequence[str] | None = None, min_s: float = MIN_TURN_S) -> float:
    """Share of turns whose speaker's jaw varies `ratio` times the listener's (NaN if no turn is scored):
    a per-turn check that the speaker, not the listener, articulates."""
    hits, total = turn_jaw_counts(jaw, turns, ratio, kinds, min_s)
    return hits / total if total else float("nan")


def mouth_attribution_f1(motion: np.ndarray | Sequence[np.ndarray], masks: np.ndarray | Sequence[np.ndarray]) -> float:
    """Who speaks, from the predicted mouth alone: exactly metrics.attribution_counts (mouth_activity,
    i.e. movement plus jaw opening, above a per-conversation percentile midpoint) pooled into one
    frame F1, so it equals the committed report's attribution-F1. Takes one dialogue or lists."""
    from talking_together.evaluate.metrics import attribution_counts  # lazy: pulls in torch

    if isinstance(motion, np.ndarray) and isinstance(masks, np.ndarray):
        motion, masks = [motion], [masks]
    counts = np.zeros(3)
    for m, k in zip(motion, masks):
        m, k = _time_major(m), np.asarray(k)
        n = min(len(m), len(k))
        counts += attribution_counts(m[:n], k[:n])
    tp, fp, fn = counts
    return float(2 * tp / max(1, 2 * tp + fp + fn))
