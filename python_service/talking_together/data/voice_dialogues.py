"""One entry point for benchmarks: sets of two-person room dialogues by voice family and gender pairing.

Speaker activity must hold across voice families (espeak, flite, festival, real readers) and
across pairings (two women, two men, one of each: same-gender pairs are the hard case), so a
benchmark asks for one set per (family, pairing). Every dialogue is ~30-60 s, recorded by one
mono room mic (real_speech.in_room), with dry sources and exact masks.
"""

from __future__ import annotations

import logging

import numpy as np

from talking_together.data.corpus import identity_pool
from talking_together.data.dialogue import Dialogue
from talking_together.data.real_speech import PAIRINGS, in_room, pairs, pick_pair, real_dialogue
from talking_together.data.text import script
from talking_together.data.tts import tts_dialogue
from talking_together.data.turns import conversation

log = logging.getLogger(__name__)

FAMILIES = ("espeak", "flite", "festival", "real")
TURNS = {"espeak": 10, "flite": 10, "festival": 8, "real": 12}  # about 45 s of dialogue each
# each TTS family's voices by gender, one per distinct speaker (flite's kal is kal16 at 8 kHz)
TTS_CAST = {"flite": {"F": ("slt",), "M": ("kal16", "awb", "rms")}, "festival": {"F": ("slt",), "M": ("kal",)}}


def _espeak_dialogue(pairing: str, split: str, seed: int) -> Dialogue:
    """A corpus-style espeak conversation: identities held out of training for "test", else training ones."""
    rng = np.random.default_rng(seed)
    pool = [i for i in identity_pool()[0] if i.held_out == (split == "test")]
    women, men = [i for i in pool if "+f" in i.voice], [i for i in pool if "+f" not in i.voice]
    ids = pick_pair(women, men, pairing, rng)
    d = conversation(script(rng, TURNS["espeak"], max_sentences=2), tuple(i.voice_for(rng) for i in ids), rng)
    return in_room(d, rng)


def dialogue_set(family: str, pairing: str, split: str, count: int, seed: int = 0) -> list[Dialogue]:
    """`count` room dialogues of one voice family and pairing ("FF", "MM", "FM"), deterministic for the seed.

    `split` picks the voices: for "real" the readers ("tune" or "test"; "train" too); for
    "espeak" the corpus's held-out identities for "test", its training identities otherwise.
    flite and festival ignore it: they have too few voices to hold any out. They also have
    one woman (slt), and festival one man (kal), so their same-gender pairs may be one voice
    twice: the two people then differ only by level and seat.
    """
    if family not in FAMILIES:
        raise ValueError(f"unknown family {family!r}; expected one of {FAMILIES}")
    if pairing not in PAIRINGS:
        raise ValueError(f"unknown pairing {pairing!r}; expected one of {PAIRINGS}")
    seeds = [int(s) for s in np.random.default_rng([seed, FAMILIES.index(family)]).integers(2**31, size=count)]
    if family == "real":
        return [real_dialogue(a, b, s, TURNS["real"]) for (a, b), s in zip(pairs(split, pairing, count, seed), seeds)]
    if family == "espeak":
        return [_espeak_dialogue(pairing, split, s) for s in seeds]
    cast = TTS_CAST[family]
    alone = pairing != "FM" and len(cast[pairing[0]]) == 1
    if alone:
        log.warning("%s has one %s voice (%s): its %s dialogues pair it with itself", family,
                    "female" if pairing == "FF" else "male", cast[pairing[0]][0], pairing)
    dialogues = []
    for s in seeds:
        voices = cast[pairing[0]] * 2 if alone else pick_pair(cast["F"], cast["M"], pairing, np.random.default_rng(s))
        dialogues.append(tts_dialogue(family, voices, s, TURNS[family]))
    return dialogues
