"""Seating for the corpus: text prompts read by the project's own layout parser, and its presets.

The model is conditioned on the layout that the live service builds from a prompt or a preset,
so the corpus draws its layouts from the same place (`talking_together.layout`) and keeps each
prompt with its sample. Variety comes from the prompt itself (relation, postures, a distance
written into the text), from body size (neck height), and from turning the whole pair about
the room's vertical axis, as calibrated seats can face any way.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from talking_together.geometry import Anchor, quat_from_yaw, quat_rotate
from talking_together.layout import PRESETS, Layout, resolve_layout

# Prompt templates per relation; {posture} is "sitting", "standing" or "", {verb} an activity.
PHRASES: dict[str, tuple[str, ...]] = {
    "across": ("{posture} across a table, {verb}", "{verb} face to face, {posture}", "{posture} opposite each other, {verb}",
               "{verb} across a desk", "two people {posture} facing each other"),
    "side_by_side": ("{verb} side by side, {posture}", "{posture} next to each other, {verb}", "{verb} on a sofa",
                     "shoulder to shoulder on a bench, {verb}", "A {posture} to the left of B"),
    "corner": ("{verb} at the corner of a table", "{posture} at a right angle, {verb}", "{verb} around a table corner"),
}
VERBS = ("talking", "chatting", "arguing", "catching up", "planning a trip", "telling stories")
# distances written into a prompt, metres: people talk closer side by side than across a table
DISTANCES_M = {"across": (0.8, 1.8), "side_by_side": (0.55, 0.95), "corner": (0.8, 1.3)}
MIXED_POSTURES = ("A standing, B sitting", "A sitting, B standing")


@dataclass
class LayoutSampling:
    preset_prob: float = 0.3  # a preset's name as the prompt, else a generated sentence
    relation_probs: tuple[float, float, float] = (0.5, 0.3, 0.2)  # of PHRASES: across, side by side, corner
    standing_prob: float = 0.25  # both stand (only where the phrase has a posture slot)
    mixed_posture_prob: float = 0.05  # one stands, one sits
    distance_prob: float = 0.5  # the prompt gives a distance ("1.3 m between them", "4 feet ...")
    feet_prob: float = 0.3  # of those, in feet
    height_sd_m: float = 0.04  # per-person neck height (body size)
    turned_prob: float = 0.5  # the pair is turned by a random yaw about the origin


def sample_prompt(rng: np.random.Generator, cfg: LayoutSampling = LayoutSampling()) -> str:
    """A layout prompt in the words the parser reads: a preset name or a generated sentence."""
    if rng.random() < cfg.preset_prob:
        return str(rng.choice(list(PRESETS))).replace("_", " ")
    if rng.random() < cfg.mixed_posture_prob:
        return f"{rng.choice(MIXED_POSTURES)}, {rng.choice(VERBS)}"
    relation = str(rng.choice(list(PHRASES), p=cfg.relation_probs))
    posture = "standing" if rng.random() < cfg.standing_prob else str(rng.choice(["sitting", "seated", ""]))
    text = str(rng.choice(PHRASES[relation])).format(verb=rng.choice(VERBS), posture=posture)
    text = " ".join(text.split()).strip(", ")  # an empty posture slot leaves a stray comma
    if rng.random() < cfg.distance_prob:
        d = rng.uniform(*DISTANCES_M[relation])
        # not "apart": the parser reads it as face to face, overriding "sofa" or "bench"
        text += f", {d / 0.3048:.0f} feet between them" if rng.random() < cfg.feet_prob else f", {d:.1f} m between them"
    return text


def sample_layout(rng: np.random.Generator, cfg: LayoutSampling = LayoutSampling()) -> Layout:
    """The layout a sampled prompt describes, with per-person heights and possibly turned.

    `description` keeps the prompt; the anchors are the truth the sample was made with."""
    prompt = sample_prompt(rng, cfg)
    layout = resolve_layout(prompt=prompt)
    turn = rng.uniform(0, 2 * np.pi) if rng.random() < cfg.turned_prob else 0.0
    q = quat_from_yaw(turn)
    anchors = tuple(
        Anchor(position=quat_rotate(q, a.position) + np.array([0.0, rng.normal(0, cfg.height_sd_m), 0.0]),
               yaw_rad=float(np.angle(np.exp(1j * (a.yaw_rad + turn)))))
        for a in layout.anchors
    )
    return Layout(anchors=anchors, description=prompt, postures=layout.postures)
