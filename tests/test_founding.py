"""One person or two? The founding test (activity/founding.py) on real LibriSpeech voices in simulated rooms.
Tune readers only: the shipped model was fitted on the "train" readers, never these."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from talking_together.activity import EmbeddingActivity, EmbeddingActivityConfig, stream_activity
from talking_together.activity.founding import FEATURES, FoundingConfig, load_founding
from talking_together.contract import FPS
from talking_together.data import real_speech as rs


@pytest.fixture(scope="module")
def reader_pair(real_speech_root: Path) -> tuple:
    """Two tune readers (women) whose first reader, heard alone, the split alone took for two people."""
    return rs.pairs("tune", "FF", 1, seed=700)[0]


def second_person_share(probs: np.ndarray, masks: np.ndarray, who: int) -> float:
    speech = masks[: len(probs), who] >= 0.5
    return float((probs[: len(speech)][speech, 1] >= 0.5).mean())


def test_one_reader_alone_for_a_minute_and_a_half_is_one_person(reader_pair) -> None:
    """Without the test a second person took half this reader's speech; with it, nobody does."""
    a, b = reader_pair
    alone = rs.in_room(rs.monologue(rs.real_dialogue(a, b, 1300, turns=24, room=False), 1), np.random.default_rng([1300, 1]))
    assert alone.duration_s > 80
    split_only = stream_activity(EmbeddingActivity(1, cfg=EmbeddingActivityConfig(founding=None)), alone.audio).probs
    tested = stream_activity(EmbeddingActivity(1), alone.audio).probs
    assert second_person_share(split_only, alone.masks, 1) >= 0.2
    assert second_person_share(tested, alone.masks, 1) < 0.01


def test_a_second_voice_is_still_founded(real_speech_root: Path) -> None:
    """A woman and a man: B is founded within 10 s of B's first word, and then speaks."""
    a, b = rs.pairs("tune", "FM", 1, seed=5)[0]
    d = rs.real_dialogue(a, b, seed=0)
    activity = EmbeddingActivity(1)
    probs = stream_activity(activity, d.audio).probs
    founded = np.flatnonzero(probs[:, 1] >= 0.5)
    first_b = np.flatnonzero(d.masks[:, 1] >= 0.5)[0]
    assert len(activity.voices.centres) == 2 and len(founded) and founded[0] <= first_b + 10 * FPS, (founded[:1], first_b)
    assert activity.founding.founded and not activity.founding.mfccs  # nothing kept once both voices are known


def test_a_missing_or_wrong_model_file_fails_clearly(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="train-founding"):
        EmbeddingActivity(1, cfg=EmbeddingActivityConfig(founding=FoundingConfig(weights=tmp_path / "nothing.json")))
    wrong = tmp_path / "wrong.json"
    wrong.write_text(json.dumps({"features": ["pitch"], "mean": [0], "scale": [1], "coef": [1], "intercept": 0}))
    with pytest.raises(ValueError, match="features"):
        load_founding(wrong)


def test_train_founding_writes_a_model_that_loads(real_speech_root: Path, tmp_path: Path) -> None:
    out = tmp_path / "founding.json"
    subprocess.run([sys.executable, "-m", "talking_together.cli", "activity", "train-founding", "--out", str(out),
                    "--pairs", "1", "--turns", "8", "--espeak", "1"], check=True, timeout=600)
    model = load_founding(out)
    body = json.loads(out.read_text())
    assert tuple(body["features"]) == FEATURES and np.isfinite(model.coef).all()
    assert 0 < body["trained"]["two_people"] < body["trained"]["examples"]  # both kinds of example were there
