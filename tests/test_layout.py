"""Layout: presets are sane rooms, the prompt parser reads what people write, and refuses the rest."""

from __future__ import annotations

import math

import numpy as np
import pytest

from talking_together.geometry import Anchor
from talking_together.layout import PRESETS, Layout, LayoutError, Posture, Relation, parse_layout_prompt, resolve_layout
from talking_together.layout.layout import BodyHeights

SIT, STAND = Posture.SITTING, Posture.STANDING
HEIGHTS = BodyHeights()


def floor_distance(layout: Layout) -> float:
    a, b = (anchor.position for anchor in layout.anchors)
    return float(np.hypot(*(a - b)[[0, 2]]))


def partner_angle_deg(layout: Layout, i: int) -> float:
    """Angle between person i's forward and the floor direction to the partner."""
    me, other = layout.anchors[i], layout.anchors[1 - i]
    to_other = other.position - me.position
    to_other[1] = 0.0
    cos = to_other @ me.forward / np.linalg.norm(to_other)
    return math.degrees(math.acos(np.clip(cos, -1.0, 1.0)))


def b_side_of_a(layout: Layout) -> str:
    """Which side of A's body B lies on, as A sees it (+X of A's frame is A's right)."""
    a, b = layout.anchors
    right = np.array([math.cos(a.yaw_rad), 0.0, -math.sin(a.yaw_rad)])  # A's +X in R
    return "right" if (b.position - a.position) @ right > 0 else "left"


# preset -> (floor distance m, posture, partner angle from forward in degrees)
EXPECTED_PRESETS = {
    "across_table": (1.2, SIT, 0.0),
    "interview": (1.5, SIT, 0.0),
    "side_by_side": (0.7, SIT, 75.0),  # turned 15° in from shoulder to shoulder
    "sofa": (0.8, SIT, 60.0),  # turned 30° in
    "corner_90": (1.0, SIT, 45.0),
    "standing_close": (0.8, STAND, 0.0),
    "standing_apart": (1.5, STAND, 0.0),
}


def test_every_preset_is_tested() -> None:
    assert set(PRESETS) == set(EXPECTED_PRESETS)


@pytest.mark.parametrize("name", sorted(EXPECTED_PRESETS))
def test_preset(name: str) -> None:
    distance, posture, angle = EXPECTED_PRESETS[name]
    layout = resolve_layout(preset=name)
    assert floor_distance(layout) == pytest.approx(distance)
    assert layout.postures == (posture, posture)
    for i, anchor in enumerate(layout.anchors):
        assert anchor.position[1] == pytest.approx(HEIGHTS.of(posture))
        assert partner_angle_deg(layout, i) == pytest.approx(angle, abs=1e-6)  # the partner is in front
    midpoint = (layout.anchors[0].position + layout.anchors[1].position) / 2
    np.testing.assert_allclose(midpoint[[0, 2]], 0.0, atol=1e-12)  # room origin between the two


def test_side_by_side_both_face_minus_z() -> None:
    for anchor in resolve_layout(preset="side_by_side").anchors:
        assert anchor.forward[2] < -0.9


def test_corner_is_a_right_angle() -> None:
    a, b = resolve_layout(preset="corner_90").anchors
    assert a.forward @ b.forward == pytest.approx(0.0, abs=1e-12)


# prompt -> (relation, floor distance m, postures, B's side of A or None)
PROMPTS = {
    "arguing across a table": (Relation.ACROSS, 1.2, (SIT, SIT), None),
    "face to face, 2 m apart": (Relation.ACROSS, 2.0, (SIT, SIT), None),
    "sitting opposite each other 150 cm apart": (Relation.ACROSS, 1.5, (SIT, SIT), None),
    "two people standing face to face, 3 feet apart": (Relation.ACROSS, 0.9144, (STAND, STAND), None),
    "standing across from each other": (Relation.ACROSS, 1.0, (STAND, STAND), None),
    "A standing, B sitting, across a table": (Relation.ACROSS, 1.2, (STAND, SIT), None),
    "B is seated and A is standing, facing each other": (Relation.ACROSS, 1.2, (STAND, SIT), None),
    "side by side on a bench": (Relation.SIDE_BY_SIDE, 0.8, (SIT, SIT), "right"),
    "seated next to each other, 0.6 metres apart": (Relation.SIDE_BY_SIDE, 0.6, (SIT, SIT), "right"),
    "B sits to the left of A": (Relation.SIDE_BY_SIDE, 0.7, (SIT, SIT), "left"),
    "B stands to the right of A, 1 m": (Relation.SIDE_BY_SIDE, 1.0, (STAND, STAND), "right"),
    "A to the left of B": (Relation.SIDE_BY_SIDE, 0.7, (SIT, SIT), "right"),
    "at a right angle around the corner of a table": (Relation.CORNER, 1.0, (SIT, SIT), None),
    "90 degrees, 4 ft": (Relation.CORNER, 1.2192, (SIT, SIT), None),
    "a job interview": (Relation.ACROSS, 1.5, (SIT, SIT), None),
    "chatting on a sofa": (Relation.SIDE_BY_SIDE, 0.8, (SIT, SIT), "right"),
    "both standing, .8 m": (Relation.ACROSS, 0.8, (STAND, STAND), None),
    "Standing_Apart": (Relation.ACROSS, 1.5, (STAND, STAND), None),
}
PARTNER_ANGLE_DEG = {Relation.ACROSS: 0.0, Relation.CORNER: 45.0}


@pytest.mark.parametrize("prompt", list(PROMPTS))
def test_prompt(prompt: str) -> None:
    relation, distance, postures, b_side = PROMPTS[prompt]
    layout = parse_layout_prompt(prompt)
    assert floor_distance(layout) == pytest.approx(distance)
    assert layout.postures == postures
    assert [a.position[1] for a in layout.anchors] == pytest.approx([HEIGHTS.of(p) for p in postures])
    if relation in PARTNER_ANGLE_DEG:
        assert partner_angle_deg(layout, 0) == pytest.approx(PARTNER_ANGLE_DEG[relation], abs=1e-6)
        assert partner_angle_deg(layout, 1) == pytest.approx(PARTNER_ANGLE_DEG[relation], abs=1e-6)
    else:  # side by side: the partner is beside, a little in front
        assert 45.0 < partner_angle_deg(layout, 0) < 90.0
        assert b_side_of_a(layout) == b_side
    if relation is Relation.CORNER:
        a, b = layout.anchors
        assert a.forward @ b.forward == pytest.approx(0.0, abs=1e-12)


def test_units_agree() -> None:
    metres = floor_distance(parse_layout_prompt("across, 1.5 m"))
    assert floor_distance(parse_layout_prompt("across, 150 cm")) == pytest.approx(metres)
    assert floor_distance(parse_layout_prompt("across, 1.5 metres")) == pytest.approx(metres)
    assert floor_distance(parse_layout_prompt("across, 4.92126 feet")) == pytest.approx(metres, abs=1e-5)


def test_unknown_prompt_lists_vocabulary() -> None:
    with pytest.raises(LayoutError) as err:
        parse_layout_prompt("two aardvarks discussing jazz")
    message = str(err.value)
    for word in ("face to face", "next to", "right angle", "standing", "150 cm", "feet", *PRESETS):
        assert word in message


@pytest.mark.parametrize(("prompt", "limit"), [("across, 20 cm", "0.3"), ("face to face, 12 m", "10.0"), ("50 feet apart", "10.0")])
def test_absurd_distance(prompt: str, limit: str) -> None:
    with pytest.raises(LayoutError, match=limit):
        parse_layout_prompt(prompt)


def test_resolve_layout() -> None:
    assert resolve_layout().description == "across_table"
    assert floor_distance(resolve_layout(prompt="across, 2 m")) == pytest.approx(2.0)
    own = Layout(anchors=(Anchor(np.array([0.0, 1.0, 0.0])), Anchor(np.array([0.0, 1.0, -1.0]), math.pi)))
    assert resolve_layout(layout=own) is own
    with pytest.raises(LayoutError, match="one of"):
        resolve_layout(prompt="across", preset="sofa")
    with pytest.raises(LayoutError, match="across_table"):
        resolve_layout(preset="picnic")
    with pytest.raises(ValueError):  # LayoutError is a ValueError, for callers that catch those
        resolve_layout(prompt="")


def test_apart_gives_distance_and_the_preset_word_gives_relation() -> None:
    """"apart" alone means face to face; beside a preset word it only sets the distance."""
    sofa = parse_layout_prompt("on a sofa, 0.7 m apart")
    assert sofa.anchors[0].yaw_rad == pytest.approx(-sofa.anchors[1].yaw_rad) and abs(sofa.anchors[0].yaw_rad) < 1.0
    assert sofa.distance_m == pytest.approx(0.7)
    assert abs(parse_layout_prompt("2 m apart").anchors[0].yaw_rad) == pytest.approx(math.pi / 2)
