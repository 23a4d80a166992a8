"""End to end on real human voices: held-out LibriSpeech readers talk in a simulated room, the mono
recording goes through Animate on a real loopback server with no calibration and nobody enrolled,
and turn by turn the speaker's jaw moves more than the listener's."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from talking_together.contract import BLENDSHAPE_INDEX, FPS
from talking_together.data import real_speech as rs
from talking_together.data.dialogue import Dialogue, write_wav
from talking_together.service.client import animate_file
from talking_together.service.config import ServerConfig
from talking_together.service.server import BackgroundServer

JAW = BLENDSHAPE_INDEX["jawOpen"]


@pytest.fixture(scope="module")
def held_out_dialogue(real_speech_root: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Dialogue, Path]:
    """A woman and a man of the test readers, 8 turns, in a room."""
    a, b = rs.pairs("test", "FM", 1, seed=3)[0]
    d = rs.real_dialogue(a, b, seed=3, turns=8)
    return d, write_wav(d, tmp_path_factory.mktemp("real") / "FM.wav")


def jaw_spread_per_turn(responses: list, d: Dialogue) -> list[tuple[int, np.ndarray]]:
    """(speaker, jaw std of A and B) for every whole turn of at least a second, over the turn's frames
    where its speaker speaks alone: where the listener backchannels or takes over early, both speak,
    and both mouths should move (the estimator marks both there since decision 0015)."""
    frames = [r.frame for r in responses if r.WhichOneof("payload") == "frame"]
    jaw = np.array([[p.expression[JAW] for p in f.participants] for f in frames])  # (T, 2)
    talk = d.masks[: len(jaw)] >= 0.5
    out = []
    for (who, start, end, _), kind in zip(d.turns, d.turn_kinds):
        if kind != "backchannel" and end - start >= 1.0:
            turn = slice(int(start * FPS), int(end * FPS))
            alone = talk[turn, who] & ~talk[turn, 1 - who]
            out.append((who, jaw[turn][alone].std(axis=0)))
    return out


@pytest.mark.slow
@pytest.mark.parametrize("animator", ["baseline", "diffusion"])
def test_speaker_jaw_varies_more_turn_by_turn(held_out_dialogue, animator: str) -> None:
    d, wav = held_out_dialogue
    with BackgroundServer(ServerConfig(port=0, animator=animator)) as server:
        responses = animate_file(server.address, wav)
    assert responses[-1].status.code == 0
    turns = jaw_spread_per_turn(responses, d)
    assert len(turns) >= 6
    wins = [spread[who] > spread[1 - who] for who, spread in turns]
    # A floor, not the goal: issue 14 asks for every turn, which the estimator does not yet reach.
    assert np.mean(wins) >= 2 / 3, [(who, spread.round(3)) for who, spread in turns]
