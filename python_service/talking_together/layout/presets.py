"""Named layouts, as data: each is a relation, a distance and the two postures."""

from __future__ import annotations

from dataclasses import dataclass

from talking_together.layout.layout import DEFAULT_INWARD_TURN_DEG, Layout, Posture, Relation, build_layout

SIT, STAND = Posture.SITTING, Posture.STANDING


@dataclass(frozen=True)
class Preset:
    relation: Relation
    distance_m: float
    postures: tuple[Posture, Posture]
    inward_turn_deg: float = DEFAULT_INWARD_TURN_DEG
    summary: str = ""

    def build(self, name: str) -> Layout:
        return build_layout(self.relation, self.distance_m, self.postures, name, self.inward_turn_deg)


PRESETS: dict[str, Preset] = {
    "across_table": Preset(Relation.ACROSS, 1.2, (SIT, SIT), summary="face to face across a table, 1.2 m"),
    "interview": Preset(Relation.ACROSS, 1.5, (SIT, SIT), summary="across a desk, 1.5 m"),
    "side_by_side": Preset(Relation.SIDE_BY_SIDE, 0.7, (SIT, SIT), summary="shoulder to shoulder, 0.7 m, turned 15 degrees in"),
    "sofa": Preset(Relation.SIDE_BY_SIDE, 0.8, (SIT, SIT), 30.0, summary="on a sofa, 0.8 m, turned 30 degrees in"),
    "corner_90": Preset(Relation.CORNER, 1.0, (SIT, SIT), summary="at a right angle around a table corner, 1.0 m"),
    "standing_close": Preset(Relation.ACROSS, 0.8, (STAND, STAND), summary="standing face to face, 0.8 m"),
    "standing_apart": Preset(Relation.ACROSS, 1.5, (STAND, STAND), summary="standing face to face, 1.5 m"),
}
DEFAULT_PRESET = "across_table"
