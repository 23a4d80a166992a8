"""espeak-ng synthesis and two-voice dialogues: exact timing is the ground truth we rely on."""

from __future__ import annotations

import json
import time

import numpy as np
import pytest
import soundfile as sf

from talking_together.contract import FPS, SAMPLE_RATE, SAMPLES_PER_FRAME
from talking_together.data.dialogue import DEMO_VOICES, demo_dialogue, make_dialogue, write_wav
from talking_together.data.espeak import EspeakError, Voice, synthesize

TURNS = ((0, "Did you see the game last night?"), (1, "Yes, it was great."), (0, "Right."))


@pytest.fixture(scope="module")
def demo():
    return demo_dialogue()


def frame_activity(source: np.ndarray, floor_db: float = -40.0) -> np.ndarray:
    """Frames whose RMS is within `floor_db` of the loudest frame: the energy truth."""
    rms = np.sqrt((source.reshape(-1, SAMPLES_PER_FRAME) ** 2).mean(1))
    return 20 * np.log10(rms / rms.max() + 1e-12) > floor_db


def test_synthesis_is_audible_and_timed():
    u = synthesize("The quick brown fox jumps over the lazy dog.", Voice())
    assert u.audio.dtype == np.float32 and u.audio.ndim == 1
    assert 1.0 < u.duration_s < 5.0
    assert np.sqrt(np.mean(u.audio**2)) > 0.01
    starts = [a for _, a, _ in u.phonemes]
    assert starts == sorted(starts) and len(u.phonemes) > 20
    assert all(0.0 <= a < b <= u.duration_s for _, a, b in u.phonemes)
    assert len(u.words) == 9 and len(u.stress) == len(u.phonemes)
    assert all(not set(sym) & {"ˈ", "ˌ"} for sym, _, _ in u.phonemes)
    # speech energy lies inside the phoneme spans, not before the first or after the last
    first, last = int(u.phonemes[0][1] * SAMPLE_RATE), int(u.phonemes[-1][2] * SAMPLE_RATE)
    inside = np.sum(u.audio[first:last] ** 2)
    assert inside / np.sum(u.audio**2) > 0.99


def test_voices_differ_and_unknown_voice_fails():
    a, b = (synthesize("Hello there.", v).audio for v in DEMO_VOICES)
    assert len(a) != len(b) or not np.array_equal(a, b)
    with pytest.raises(EspeakError):
        synthesize("Hello.", Voice(name="no-such-voice"))


def test_synthesis_is_a_pure_function_of_text_and_voice():
    # breathy variants draw on espeak's noise, which it seeds from the clock in seconds, and
    # its synthesiser keeps state between calls: neither time nor earlier calls may leave a trace
    breathy = Voice(name="en-us", variant="f3", pitch=60)
    first = synthesize("Hello there, how are you?", breathy).audio
    time.sleep(1.0)
    for v in (Voice(variant="klatt"), Voice(name="en", variant="m2"), breathy):
        synthesize("Something else entirely.", v)
    assert synthesize("Hello there, how are you?", breathy).audio.tobytes() == first.tobytes()


def test_demo_dialogue_shape(demo):
    assert 12.0 <= demo.duration_s <= 20.0
    assert len(demo.audio) == demo.num_frames * SAMPLES_PER_FRAME
    assert demo.sources.shape == (2, len(demo.audio)) and demo.masks.shape == (demo.num_frames, 2)
    np.testing.assert_allclose(demo.sources.sum(0), demo.audio, atol=1e-6)
    assert abs(np.abs(demo.audio).max() - 0.5) < 1e-3
    assert [s for s, *_ in demo.turns] == [0, 1, 0, 1, 0, 1]
    for s, a, b, _ in demo.turns:
        assert a < b and demo.masks[int(a * FPS) + 1 : int(b * FPS) - 1, s].mean() > 0.8


@pytest.mark.parametrize("speaker", [0, 1])
def test_mask_agrees_with_source_energy(demo, speaker):
    mask = demo.masks[:, speaker] > 0
    energy = frame_activity(demo.sources[speaker])
    # ignore frames within 2 of a mask edge: a phoneme boundary splits those frames
    edges = np.flatnonzero(np.diff(mask.astype(int))) + 1
    keep = np.ones_like(mask)
    for e in edges:
        keep[max(0, e - 2) : e + 2] = False
    assert (mask[keep] == energy[keep]).mean() > 0.95
    # stop closures are silent but spoken; anything more means the mask is misplaced
    assert mask[~frame_activity(demo.audio)].mean() < 0.05


def test_same_seed_same_bytes_other_seed_other_gaps():
    a, b = make_dialogue(TURNS, DEMO_VOICES, seed=3), make_dialogue(TURNS, DEMO_VOICES, seed=3)
    assert a.audio.tobytes() == b.audio.tobytes()
    c = make_dialogue(TURNS, DEMO_VOICES, seed=4)
    assert [t[1] for t in a.turns] != [t[1] for t in c.turns]


def test_overlap_keeps_both_masks():
    d = make_dialogue(TURNS[:2], DEMO_VOICES, gap_s=-0.5, gap_jitter_s=0.0)
    assert d.turns[1][1] < d.turns[0][2]
    assert (d.masks.sum(1) == 2).any()


def test_write_wav_and_sidecar(demo, tmp_path):
    path = write_wav(demo, tmp_path / "demo.wav")
    audio, rate = sf.read(path, dtype="float32")
    assert rate == SAMPLE_RATE and len(audio) == len(demo.audio)
    np.testing.assert_allclose(audio, demo.audio, atol=1.0 / 32768 + 1e-6)
    meta = json.loads(path.with_suffix(".json").read_text())
    assert [t["text"] for t in meta["turns"]] == [t[3] for t in demo.turns]
