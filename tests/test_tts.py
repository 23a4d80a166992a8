"""flite and festival dialogues: they synthesise, last as long as their turns, and their masks hold."""

from __future__ import annotations

import os
import shutil

import numpy as np
import pytest

from talking_together.contract import FPS, SAMPLE_RATE, SAMPLES_PER_FRAME
from talking_together.data import tts
from talking_together.data.dialogue import LEAD_S, TAIL_S
from talking_together.data.voice_dialogues import TTS_CAST, dialogue_set


def need(binary: str) -> None:
    """Skip where a synthesiser is missing, but fail under CI (CI=true), which installs it."""
    if shutil.which(binary) is None:
        message = f"needs `{binary}` (Debian package {binary}, in .ci/apt-packages.txt)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)


def check(d, turns: int) -> None:
    n = d.sources.shape[1]
    assert d.audio.shape == (n,) and d.masks.shape == (n // SAMPLES_PER_FRAME, 2) and n % SAMPLES_PER_FRAME == 0
    assert d.turn_kinds.count("turn") == turns and d.turns[0][0] == 0
    assert abs(d.turns[0][1] - LEAD_S) < 1e-3  # the first turn's speech starts after the lead
    last = max(b for _, _, b, _ in d.turns)
    assert last + TAIL_S - 1e-3 <= d.duration_s < last + TAIL_S + 1.0 / FPS + 1e-3  # speech is trimmed to its spans
    for k, a, b, _ in d.turns:
        frames = slice(int(a * FPS), int(np.ceil(b * FPS)))
        assert d.masks[frames, k].mean() > 0.5
    for k in range(2):
        outside = np.ones(n, bool)
        for s, a, b, _ in d.turns:
            if s == k:
                outside[int(a * SAMPLE_RATE) - 2:int(b * SAMPLE_RATE) + 2] = False
        assert not d.sources[k][outside].any()
        on = d.masks[:, k] > 0
        level = 10 * np.log10(np.mean(d.sources[k].reshape(-1, SAMPLES_PER_FRAME).astype(np.float64) ** 2, 1) + 1e-20)
        assert np.median(level[on]) > np.median(level[~on]) + 40


def test_flite_dialogue() -> None:
    need("flite")
    d = tts.tts_dialogue("flite", ("awb", "slt"), seed=1, turns=4, room=False)
    check(d, 4)
    assert d.voices == ("flite:awb", "flite:slt")
    again = tts.tts_dialogue("flite", ("awb", "slt"), seed=1, turns=4, room=False)
    assert np.array_equal(again.audio, d.audio) and again.turns == d.turns


def test_flite_8khz_voice_in_a_room() -> None:
    need("flite")
    d = tts.tts_dialogue("flite", ("kal", "rms"), seed=2, turns=3)
    check(d, 3)
    assert d.audio.dtype == np.float32 and not np.allclose(d.audio, d.sources.sum(0))


def test_festival_dialogue() -> None:
    need("festival")
    d = tts.tts_dialogue("festival", ("kal", "slt"), seed=3, turns=2, room=False)
    check(d, 2)


def test_missing_binary_names_the_package(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(tts.shutil, "which", lambda name: None)
    with pytest.raises(tts.TTSError, match="Debian package flite"):
        tts.synthesize("flite", [("slt", "Hello.")])
    with pytest.raises(ValueError, match="no voice"):
        tts.synthesize("flite", [("nobody", "Hello.")])


def test_cast_matches_voice_genders() -> None:
    for family, cast in TTS_CAST.items():
        for gender, voices in cast.items():
            assert all(tts.VOICES[family][v] == gender for v in voices)


def test_dialogue_set_pairing() -> None:
    need("flite")
    (d,) = dialogue_set("flite", "FM", "test", 1, seed=4)
    assert 30 <= d.duration_s <= 60
    genders = sorted(tts.VOICES["flite"][v.split(":")[1]] for v in d.voices)
    assert genders == ["F", "M"]
