"""Phonemes to ARKit mouth and jaw weights, with coarticulation.

Each phoneme maps to one of the 15 visemes that Oculus Lipsync and MPEG-4 use (sil, PP, FF,
TH, DD, kk, CH, SS, nn, RR, aa, E, I, O, U), and each viseme to a few ARKit targets.
Neighbours blend through dominance functions (Cohen & Massaro 1993): every segment pulls
the face towards its target with a weight that is flat over the segment and decays
exponentially outside it, faster after it than before it, so the mouth anticipates the next
sound. The whole track also leads the audio by `lead_s`, because lips move before the sound
they shape. Silence is a segment too: its target is all zeros and its dominance is high, so
a pause relaxes the mouth closed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from talking_together.contract import BLENDSHAPE_INDEX, FPS, NUM_EXPRESSIONS

# viseme -> ({ARKit name: weight}, dominance). Bilabials and labiodentals must close or
# touch, so they dominate; velars and /h/ take their neighbours' shape, so they do not.
_VISEMES: dict[str, tuple[dict[str, float], float]] = {
    "sil": ({}, 1.0),
    "PP": ({"jawOpen": 0.04, "mouthClose": 0.08, "mouthPressLeft": 0.45, "mouthPressRight": 0.45,
            "mouthRollLower": 0.25, "mouthRollUpper": 0.15}, 1.0),
    "FF": ({"jawOpen": 0.10, "mouthRollLower": 0.55, "mouthUpperUpLeft": 0.2,
            "mouthUpperUpRight": 0.2}, 0.9),
    "TH": ({"jawOpen": 0.15, "tongueOut": 0.35, "mouthLowerDownLeft": 0.1,
            "mouthLowerDownRight": 0.1}, 0.7),
    "DD": ({"jawOpen": 0.18, "mouthShrugUpper": 0.1, "mouthLowerDownLeft": 0.1,
            "mouthLowerDownRight": 0.1}, 0.45),
    "kk": ({"jawOpen": 0.22, "mouthStretchLeft": 0.05, "mouthStretchRight": 0.05}, 0.3),
    "CH": ({"jawOpen": 0.14, "mouthFunnel": 0.5, "mouthPucker": 0.25, "mouthShrugUpper": 0.2}, 0.85),
    "SS": ({"jawOpen": 0.07, "mouthStretchLeft": 0.3, "mouthStretchRight": 0.3,
            "mouthSmileLeft": 0.1, "mouthSmileRight": 0.1}, 0.7),
    "nn": ({"jawOpen": 0.12, "mouthClose": 0.05}, 0.35),
    "RR": ({"jawOpen": 0.15, "mouthPucker": 0.35, "mouthFunnel": 0.25}, 0.6),
    "aa": ({"jawOpen": 0.6, "mouthLowerDownLeft": 0.3, "mouthLowerDownRight": 0.3,
            "mouthUpperUpLeft": 0.1, "mouthUpperUpRight": 0.1}, 0.6),
    "E": ({"jawOpen": 0.35, "mouthStretchLeft": 0.2, "mouthStretchRight": 0.2,
           "mouthLowerDownLeft": 0.15, "mouthLowerDownRight": 0.15}, 0.5),
    "I": ({"jawOpen": 0.15, "mouthStretchLeft": 0.4, "mouthStretchRight": 0.4,
           "mouthSmileLeft": 0.2, "mouthSmileRight": 0.2}, 0.55),
    "O": ({"jawOpen": 0.4, "mouthFunnel": 0.55, "mouthPucker": 0.2}, 0.65),
    "U": ({"jawOpen": 0.15, "mouthPucker": 0.7, "mouthFunnel": 0.3}, 0.75),
}
VISEMES: tuple[str, ...] = tuple(_VISEMES)
_CHAR_VISEME = {
    **dict.fromkeys("pbm", "PP"), **dict.fromkeys("fv", "FF"), **dict.fromkeys("θð", "TH"),
    **dict.fromkeys("tdlɾɫ", "DD"), **dict.fromkeys("kgŋhxʔɡ", "kk"), **dict.fromkeys("ʃʒ", "CH"),
    **dict.fromkeys("sz", "SS"), "n": "nn", **dict.fromkeys("ɹrɚɝ", "RR"),
    **dict.fromkeys("aɑæʌɐ", "aa"), **dict.fromkeys("eɛəɜ", "E"), **dict.fromkeys("iɪjɨyᵻ", "I"),
    **dict.fromkeys("oɔɒɵ", "O"), **dict.fromkeys("uʊwʉ", "U"),
}
MOUTH_CHANNELS = np.array(sorted({BLENDSHAPE_INDEX[n] for t, _ in _VISEMES.values() for n in t}))
_TARGETS = np.zeros((len(VISEMES), NUM_EXPRESSIONS), np.float32)
for _i, (_t, _) in enumerate(_VISEMES.values()):
    for _name, _w in _t.items():
        _TARGETS[_i, BLENDSHAPE_INDEX[_name]] = _w
_DOMINANCE = np.array([d for _, d in _VISEMES.values()], np.float32)


def visemes_of(symbol: str) -> list[str]:
    """An espeak IPA phoneme as one or more visemes in order: diphthongs ("aɪ") and
    affricates ("tʃ") become two. Unknown symbols fall back to the neutral "E"."""
    out: list[str] = []
    for ch in symbol:
        v = _CHAR_VISEME.get(ch)
        if v and (not out or out[-1] != v):
            out.append(v)
    return out or ["E"]


@dataclass
class VisemeConfig:
    lead_s: float = 0.04  # the mouth shapes a sound this long before it is heard
    anticipation_rate: float = 25.0  # 1/s decay of dominance before a segment (slower)
    carryover_rate: float = 40.0  # 1/s decay after a segment (faster)
    articulation: float = 1.0  # per-person scale of mouth movement
    stress_gain: float = 0.25  # extra jaw on primary-stressed vowels


def segments(phonemes: Sequence[tuple[str, float, float]], stress: Sequence[int], duration_s: float
             ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Viseme segments covering [0, duration_s]: (viseme index, start, end, stress) arrays,
    with "sil" wherever no phoneme sounds."""
    vis, starts, ends, stresses = [], [], [], []

    def add(v: str, a: float, b: float, s: int) -> None:
        vis.append(VISEMES.index(v)), starts.append(a), ends.append(b), stresses.append(s)

    cursor = 0.0
    for (sym, a, b), s in zip(phonemes, stress):
        if a > cursor + 1e-6:
            add("sil", cursor, a, 0)
        parts = visemes_of(sym)
        edges = np.linspace(a, b, len(parts) + 1)
        for v, p0, p1 in zip(parts, edges, edges[1:]):
            add(v, p0, p1, s)
        cursor = max(cursor, b)
    if duration_s > cursor:
        add("sil", cursor, duration_s, 0)
    return np.array(vis), np.array(starts), np.array(ends), np.array(stresses)


def mouth_track(
    phonemes: Sequence[tuple[str, float, float]], stress: Sequence[int], num_frames: int,
    cfg: VisemeConfig = VisemeConfig(),
) -> np.ndarray:
    """(frames, 52) expression weights for the mouth and jaw, sampled at frame centres."""
    vis, a, b, s = segments(phonemes, stress, num_frames / FPS)
    t = (np.arange(num_frames) + 0.5) / FPS + cfg.lead_s
    before = np.clip(a[:, None] - t[None], 0, None)  # (segments, frames) distance to segment
    after = np.clip(t[None] - b[:, None], 0, None)
    dom = _DOMINANCE[vis][:, None] * np.exp(-cfg.anticipation_rate * before - cfg.carryover_rate * after)
    targets = _TARGETS[vis] * cfg.articulation  # (segments, 52)
    vowel = np.isin(vis, [VISEMES.index(v) for v in ("aa", "E", "I", "O", "U")])
    targets[:, BLENDSHAPE_INDEX["jawOpen"]] *= 1.0 + cfg.stress_gain * ((s == 2) & vowel)
    out = (dom.T @ targets) / np.maximum(dom.sum(0), 1e-9)[:, None]
    return np.clip(out, 0.0, 1.0).astype(np.float32)
