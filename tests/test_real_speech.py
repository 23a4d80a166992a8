"""Real-voice dialogues: the split rule, the pairings, and truth that holds on the dry sources."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from scipy.signal import butter, sosfiltfilt

from talking_together.contract import SAMPLE_RATE, SAMPLES_PER_FRAME
from talking_together.data import real_speech as rs
from talking_together.data.dialogue import LEAD_S
from talking_together.data.voice_dialogues import dialogue_set


HUM = butter(4, 100.0, "highpass", fs=SAMPLE_RATE, output="sos")  # as the truth rule: mains hum is no speech


def frame_db(x: np.ndarray) -> np.ndarray:
    """Level (dB) of each 40 ms frame above 100 Hz."""
    y = sosfiltfilt(HUM, x.astype(np.float64))
    return 10 * np.log10(np.mean(y.reshape(-1, SAMPLES_PER_FRAME) ** 2, 1) + 1e-20)


@pytest.fixture(scope="module")
def root(real_speech_root: Path) -> Path:
    return real_speech_root


@pytest.fixture(scope="module")
def dialogues(root: Path) -> list:
    """Two test-reader dialogues (one pair of women, one mixed pair), dry, and one in a room."""
    ff, fm = rs.pairs("test", "FF", 1, seed=1)[0], rs.pairs("test", "FM", 1, seed=2)[0]
    return [rs.real_dialogue(*ff, seed=3, room=False), rs.real_dialogue(*fm, seed=4, room=False),
            rs.real_dialogue(*fm, seed=4)]


def test_speech_spans_rule() -> None:
    """Bursts over a -70 dB floor: a 0.1 s pause is filled, a 0.5 s one kept, a 50 ms blip dropped."""
    rng = np.random.default_rng(0)
    t = np.arange(4 * SAMPLE_RATE) / SAMPLE_RATE
    x = 10 ** (-70 / 20) * rng.standard_normal(len(t))
    for a, b in ((0.5, 1.2), (1.3, 2.0), (2.5, 3.2), (3.6, 3.65)):
        on = (t >= a) & (t < b)
        x[on] += 0.1 * np.sin(2 * np.pi * 300 * t[on])
    spans = rs.speech_spans(x.astype(np.float32))
    assert len(spans) == 2
    for (a, b), (ea, eb) in zip(spans, ((0.5, 2.0), (2.5, 3.2))):
        assert abs(a - ea) < 0.03 and abs(b - eb) < 0.03


def test_split_rule(root: Path) -> None:
    train, tune, test = (rs.readers(s) for s in rs.SPLITS)
    assert len(train) + len(tune) == 251 and 0.12 < len(tune) / 251 < 0.28
    assert len(test) == 10 and sum(r.gender == "F" for r in test) == 5
    assert all(rs.hash_split(r.id) == r.split for r in train + tune)
    held = {r.id for r in test}
    assert not held & {r.id for r in train + tune}
    assert all(root / rs.TEST_DIR in r.clips[0].parents for r in test)
    assert all(root / rs.TRAIN_DIR in r.clips[0].parents for r in train + tune)


def test_pairs_respect_pairing(root: Path) -> None:
    for split in ("tune", "test"):
        for pairing in rs.PAIRINGS:
            for a, b in rs.pairs(split, pairing, 6, seed=0):
                assert a.id != b.id and a.split == b.split == split
                assert "".join(sorted(a.gender + b.gender)) == "".join(sorted(pairing))
    assert rs.pairs("tune", "MM", 3, seed=5) == rs.pairs("tune", "MM", 3, seed=5)


def test_missing_root_is_a_clear_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(rs.ENV_ROOT, str(tmp_path / "nowhere"))
    with pytest.raises(FileNotFoundError, match=f"{tmp_path / 'nowhere'}.*{rs.ENV_ROOT}"):
        rs.readers("test")


def test_masks_agree_with_dry_sources(dialogues: list) -> None:
    for d in dialogues[:2]:
        assert d.masks.shape == (d.sources.shape[1] // SAMPLES_PER_FRAME, 2)
        for k in range(2):
            level, on = frame_db(d.sources[k]), d.masks[:, k] > 0
            edge = np.zeros_like(on)  # frames next to a mask edge hold some of both
            for t in np.flatnonzero(np.diff(on.astype(int))):
                edge[max(t - 1, 0):t + 3] = True
            speech = np.median(level[on])
            assert np.mean(level[on] > speech - 30) > 0.9  # masked frames sound (filled pauses aside)
            assert np.mean(level[~on & ~edge] < speech - 15) > 0.99  # the others are quiet
            outside = np.ones(d.sources.shape[1], bool)
            for s, a, b, _ in d.turns:
                if s == k:
                    outside[int(a * SAMPLE_RATE) - 2:int(b * SAMPLE_RATE) + 2] = False
            assert not d.sources[k][outside].any()  # a speaker is silent outside her turns


def test_turns_are_exact(dialogues: list) -> None:
    """Every turn's frames hold its speaker's speech; turns and backchannels have their lengths."""
    for d in dialogues[:2]:
        assert abs(d.turns[0][1] - LEAD_S) < 1e-3 and d.turns[0][0] == 0
        assert set(d.turn_kinds) <= {"turn", "backchannel"} and d.turn_kinds.count("turn") == 8
        for (k, a, b, _), kind in zip(d.turns, d.turn_kinds):
            frames = slice(int(a * 25), int(np.ceil(b * 25)))
            assert d.masks[frames, k].mean() > 0.5
            level = frame_db(d.sources[k])[frames][d.masks[frames, k] > 0]
            assert np.median(level) > -50
            lo, hi = (1.5, 6.0) if kind == "turn" else (0.3, 0.9)
            assert lo - 0.05 <= b - a <= hi + 0.05
            if kind == "backchannel":  # inside the other's turn
                assert any(s != k and s0 < a and b < s1 for s, s0, s1, _ in d.turns)
    assert any("backchannel" in d.turn_kinds for d in dialogues)


def test_room_recording(dialogues: list) -> None:
    dry, wet = dialogues[1], dialogues[2]
    assert wet.audio.dtype == np.float32 and wet.audio.shape == (wet.sources.shape[1],)
    assert np.array_equal(wet.sources, dry.sources) and np.array_equal(wet.masks, dry.masks)
    assert not np.allclose(wet.audio, dry.audio)
    wet_power, dry_power = (10 ** (frame_db(x) / 10) for x in (wet.audio, dry.audio))
    lags = range(-10, 11)  # frames; the room keeps the recording aligned to a few ms
    corr = [np.corrcoef(np.roll(dry_power, lag), wet_power)[0, 1] for lag in lags]
    assert lags[int(np.argmax(corr))] in (0, 1) and max(corr) > 0.3


def test_deterministic(root: Path, dialogues: list) -> None:
    a, b = rs.pairs("test", "FM", 1, seed=2)[0]
    again = rs.real_dialogue(a, b, seed=4)
    assert np.array_equal(again.audio, dialogues[2].audio) and again.turns == dialogues[2].turns
    other = rs.real_dialogue(a, b, seed=5)
    assert other.turns != again.turns


def test_dialogue_set(root: Path) -> None:
    (d,) = dialogue_set("real", "MM", "tune", 1, seed=0)
    assert 30 <= d.duration_s <= 60
    ids = [v.split(":")[1] for v in d.voices]
    genders = {r.id: r.gender for r in rs.readers("tune")}
    assert [genders[i] for i in ids] == ["M", "M"]
