"""A deterministic English parser: "arguing across a table, 4 feet apart" -> Layout.

It reads three things: a relation (or a preset's name), an optional distance, and postures.
Anything it cannot place is an error that lists what it understands.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from talking_together.layout.layout import DEFAULT_INWARD_TURN_DEG, Layout, LayoutError, Posture, Relation, build_layout
from talking_together.layout.presets import PRESETS

UNITS_TO_M = {"m": 1.0, "meter": 1.0, "meters": 1.0, "metre": 1.0, "metres": 1.0, "cm": 0.01, "centimeters": 0.01,
              "centimetres": 0.01, "ft": 0.3048, "feet": 0.3048, "foot": 0.3048}
# "2 m", "150cm", ".5 metres", "3 feet"; the longest unit first so "metres" is not read as "m".
DISTANCE = re.compile(r"(?<![\w.])(\d*\.?\d+)\s*(" + "|".join(sorted(UNITS_TO_M, key=len, reverse=True)) + r")(?!\w)")

# Phrases, matched on word boundaries; earlier relations win ("side by side, facing the screen").
WEAK_WORDS = ("apart",)  # says how far, not how people face; a preset word overrides it
PRESET_WORDS = {"interview": "interview", "desk": "interview", "sofa": "sofa", "couch": "sofa", "bench": "sofa"}
RELATION_WORDS = {
    Relation.CORNER: ("at a right angle", "right angle", "90 degrees", "90°", "corner", "perpendicular"),
    Relation.SIDE_BY_SIDE: ("side by side", "next to", "beside", "to the left of", "to the right of", "shoulder to shoulder"),
    Relation.ACROSS: ("face to face", "facing each other", "across", "opposite", "facing", "apart", "in front of"),
}
POSTURE_WORDS = {Posture.SITTING: ("sitting", "seated", "sit", "sits"), Posture.STANDING: ("standing", "stand", "stands", "upright")}
# "A standing, B is seated": a role letter, then an optional "is", then a posture word
LABELLED_POSTURE = re.compile(r"\b([ab])\s+(?:is\s+)?(" + "|".join(w for ws in POSTURE_WORDS.values() for w in ws) + r")\b")


@dataclass(frozen=True)
class Defaults:
    """What a prompt leaves unsaid: face to face, seated, at a conversational distance."""

    relation: Relation = Relation.ACROSS
    posture: Posture = Posture.SITTING
    distance_m: dict[Relation, float] = field(
        default_factory=lambda: {Relation.ACROSS: 1.2, Relation.SIDE_BY_SIDE: 0.7, Relation.CORNER: 1.0}
    )
    standing_across_m: float = 1.0  # people who stand face to face stand closer than across a table


DEFAULTS = Defaults()


def vocabulary() -> str:
    relations = "; ".join(f"{r.value}: {', '.join(repr(w) for w in words)}" for r, words in RELATION_WORDS.items())
    postures = ", ".join(repr(w) for ws in POSTURE_WORDS.values() for w in ws)
    return (
        f"relations ({relations}); postures ({postures}, one for both or 'A standing, B sitting'); "
        f"distances in m, cm or feet (e.g. '1.5 m', '150 cm', '5 feet'); presets ({', '.join(PRESETS)}) "
        f"and the words {', '.join(repr(w) for w in PRESET_WORDS)}"
    )


def _find(text: str, phrase: str) -> int:
    match = re.search(r"(?<!\w)" + re.escape(phrase) + r"(?!\w)", text)
    return match.start() if match else -1


def _postures(text: str) -> tuple[Posture, Posture] | None:
    """One posture word applies to both; two differing ones go to A and B by label, else in the order written."""
    by_word = {w: p for p, ws in POSTURE_WORDS.items() for w in ws}
    labelled = {label: by_word[word] for label, word in LABELLED_POSTURE.findall(text)}
    if {"a", "b"} <= labelled.keys():
        return labelled["a"], labelled["b"]
    found = sorted((pos, p) for w, p in by_word.items() if (pos := _find(text, w)) >= 0)
    distinct = list(dict.fromkeys(p for _, p in found))
    return (distinct[0], distinct[-1]) if distinct else None


def _distance_m(text: str) -> float | None:
    match = DISTANCE.search(text)
    return float(match.group(1)) * UNITS_TO_M[match.group(2)] if match else None


def _b_on_the_left(text: str) -> bool:
    """ "to the left of" places B left of A, unless the sentence's subject is A ("A to the left of B")."""
    # the nearest role letter before the phrase, within the clause
    match = re.search(r"(?:\b([ab])\b(?:(?!\b[ab]\b)[^,.;])*)?\bto the (left|right) of\b", text)
    if not match:
        return False
    return (match.group(2) == "left") != (match.group(1) == "a")


def parse_layout_prompt(prompt: str) -> Layout:
    text = " ".join(prompt.lower().replace("_", " ").split())
    if not text:
        raise LayoutError(f"empty layout prompt: describe the two people, using {vocabulary()}")
    for name in PRESETS:  # an exact preset name, with spaces or underscores
        if text == name.replace("_", " "):
            return PRESETS[name].build(name)

    postures, distance = _postures(text), _distance_m(text)
    preset = next((PRESETS[p] for w, p in PRESET_WORDS.items() if _find(text, w) >= 0), None)
    relation = next((r for r, words in RELATION_WORDS.items() if any(_find(text, w) >= 0 for w in words)), None)
    only_distance_word = relation is Relation.ACROSS and all(_find(text, w) < 0 for w in RELATION_WORDS[Relation.ACROSS] if w not in WEAK_WORDS)
    if preset is not None and (relation is None or only_distance_word):  # "on a sofa, 0.7 m apart": the sofa decides
        relation = preset.relation
    if relation is None:  # "at a table", "both standing", "2 m": face to face
        if _find(text, "table") < 0 and postures is None and distance is None:
            raise LayoutError(f"cannot understand the layout prompt {prompt!r}: use {vocabulary()}")
        relation = DEFAULTS.relation
    preset = preset if preset is not None and preset.relation is relation else None

    postures = postures or (preset.postures if preset else (DEFAULTS.posture, DEFAULTS.posture))
    if distance is None:
        if preset:
            distance = preset.distance_m
        elif relation is Relation.ACROSS and postures == (Posture.STANDING, Posture.STANDING):
            distance = DEFAULTS.standing_across_m
        else:
            distance = DEFAULTS.distance_m[relation]
    turn = preset.inward_turn_deg if preset else DEFAULT_INWARD_TURN_DEG
    return build_layout(relation, distance, postures, prompt.strip(), turn, b_on_the_left=_b_on_the_left(text))
