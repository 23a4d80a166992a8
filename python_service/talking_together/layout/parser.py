"""A deterministic English parser: "arguing across a table, 4 feet apart" -> Layout.

It reads three things: a relation (or a preset's name), an optional distance, and postures.
Anything it cannot place is an error that lists what it understands.
"""

from __future__ import annotations

import re

from talking_together.layout.layout import Layout, LayoutError, Posture, Relation, build_layout
from talking_together.layout.presets import PRESETS

UNITS_TO_M = {"m": 1.0, "meter": 1.0, "meters": 1.0, "metre": 1.0, "metres": 1.0, "cm": 0.01, "centimeters": 0.01,
              "centimetres": 0.01, "ft": 0.3048, "feet": 0.3048, "foot": 0.3048}
DISTANCE = re.compile(r"(\d+(?:\.\d+)?)\s*(" + "|".join(sorted(UNITS_TO_M, key=len, reverse=True)) + r")\b")

# Phrases, longest first within each table; matched on word boundaries.
PRESET_WORDS = {"interview": "interview", "desk": "interview", "sofa": "sofa", "couch": "sofa", "bench": "sofa"}
RELATION_WORDS = {
    Relation.CORNER: ("at a right angle", "right angle", "90 degrees", "90°", "corner", "perpendicular"),
    Relation.SIDE_BY_SIDE: ("side by side", "next to", "beside", "to the left of", "to the right of", "shoulder to shoulder"),
    Relation.ACROSS: ("face to face", "facing each other", "across", "opposite", "facing", "apart", "in front of"),
}
POSTURE_WORDS = {Posture.SITTING: ("sitting", "seated", "sit", "sits"), Posture.STANDING: ("standing", "stand", "stands", "upright")}
DEFAULT_DISTANCE_M = {Relation.ACROSS: 1.2, Relation.SIDE_BY_SIDE: 0.7, Relation.CORNER: 1.0}
STANDING_ACROSS_DISTANCE_M = 1.0


def vocabulary() -> str:
    relations = "; ".join(f"{r.value}: {', '.join(repr(w) for w in words)}" for r, words in RELATION_WORDS.items())
    return (
        f"relations ({relations}); postures ('sitting', 'seated', 'standing'); distances in m, cm or feet "
        f"(e.g. '1.5 m', '150 cm', '5 feet'); presets ({', '.join(PRESETS)}) and the words "
        f"{', '.join(repr(w) for w in PRESET_WORDS)}"
    )


def _find(text: str, phrase: str) -> int:
    match = re.search(r"(?<!\w)" + re.escape(phrase) + r"(?!\w)", text)
    return match.start() if match else -1


def parse_layout_prompt(prompt: str) -> Layout:
    text = " ".join(prompt.lower().replace("_", " ").split())
    if not text:
        raise LayoutError(f"empty layout prompt: describe the two people, using {vocabulary()}")
    for name in PRESETS:  # an exact preset name, with spaces or underscores
        if text == name.replace("_", " "):
            return PRESETS[name].build(name)

    postures_found = sorted(
        (pos, posture) for posture, words in POSTURE_WORDS.items() for w in words if (pos := _find(text, w)) >= 0
    )
    distinct = list(dict.fromkeys(p for _, p in postures_found))
    # One posture word applies to both; two different ones apply to A then B, in the order written.
    postures = (distinct[0], distinct[-1]) if distinct else (Posture.SITTING, Posture.SITTING)

    distance = None
    if match := DISTANCE.search(text):
        distance = float(match.group(1)) * UNITS_TO_M[match.group(2)]

    preset = next((PRESETS[p] for w, p in PRESET_WORDS.items() if _find(text, w) >= 0), None)
    relation = next((r for r, words in RELATION_WORDS.items() if any(_find(text, w) >= 0 for w in words)), None)
    if relation is None and preset is None:
        if _find(text, "table") >= 0:
            relation = Relation.ACROSS
        else:
            raise LayoutError(f"cannot understand the layout prompt {prompt!r}: use {vocabulary()}")

    if relation is None:  # a preset word alone: its relation and turn, our distance and postures if given
        relation = preset.relation
    turn = preset.inward_turn_deg if preset and preset.relation is relation else 15.0
    if distance is None:
        if preset and preset.relation is relation:
            distance = preset.distance_m
        elif relation is Relation.ACROSS and Posture.STANDING in postures:
            distance = STANDING_ACROSS_DISTANCE_M
        else:
            distance = DEFAULT_DISTANCE_M[relation]
    return build_layout(relation, distance, postures, prompt.strip(), turn, b_on_the_left=_find(text, "to the left of") >= 0)
