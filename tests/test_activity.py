"""Speaker activity on simulated two-person rooms: accuracy against the energy baseline, streaming."""

from __future__ import annotations

import numpy as np
import pytest

from calibration import MicArray, Seat, new_calibration, place_preset
from talking_together.activity import (
    DoaActivity,
    EmbeddingActivity,
    EnergyActivity,
    frame_f1,
    make_activity,
)
from talking_together.activity.simulate import VowelVoice, simulate, vowel_dialogue

CENTER = np.array([2.5, 0.76, -2.0])  # table centre, R's box coordinates
VOICES = (VowelVoice(f0_hz=110, formant_scale=1.0), VowelVoice(f0_hz=200, formant_scale=1.17))
PRESETS = {"mono": "mono", "stereo": "stereo-0.2m", "4mic": "circle4-0.05m"}


def room_calibration(preset: str):
    cal = new_calibration("sim")
    a, b = np.array([1.8, 1.1, -2.4]), np.array([3.2, 1.1, -1.7])
    cal.seats = (Seat(a, -70.0), Seat(b, 110.0))
    cal.mic_array = MicArray(place_preset(preset, CENTER), preset)
    cal.update_seat_directions()
    return cal


@pytest.fixture(scope="module")
def dialogue():
    return vowel_dialogue(24.0, VOICES, seed=1, overlap_prob=0.3)


@pytest.fixture(scope="module")
def rooms(dialogue):
    """Per array: (calibration, (n, M) recording of the dialogue at SNR 20 dB)."""
    sources, _ = dialogue
    out = {}
    for name, preset in PRESETS.items():
        cal = room_calibration(preset)
        mouths = np.stack([s.mouth() for s in cal.seats])
        out[name] = cal, simulate(sources, mouths, cal.mic_array.positions, snr_db=20.0, seed=2)
    return out


def stream(activity, audio: np.ndarray, chunk: int = 480) -> np.ndarray:
    """Push the recording in live-sized chunks, as the service does."""
    return np.concatenate([activity.push(audio[i : i + chunk]) for i in range(0, len(audio), chunk)])


@pytest.mark.parametrize("array", ["stereo", "4mic"])
def test_doa_f1_beats_energy_baseline(array, rooms, dialogue):
    """Direction needs no voice, so vowel talkers suffice; voices are tested on real speech."""
    _, masks = dialogue
    cal, audio = rooms[array]
    activity = make_activity(cal, audio.shape[1])
    assert isinstance(activity, DoaActivity)
    f1 = frame_f1(stream(activity, audio), masks)
    baseline = frame_f1(stream(EnergyActivity(audio.shape[1]), audio), masks)
    assert f1 >= 0.82 and f1 >= baseline + 0.12, (array, f1, baseline)


def test_overlap_gives_both_high(rooms, dialogue):
    _, masks = dialogue
    cal, audio = rooms["4mic"]
    probs = stream(make_activity(cal, 4), audio)
    both = (masks[:, 0] > 0) & (masks[:, 1] > 0)
    alone_a = (masks[:, 0] > 0) & (masks[:, 1] == 0)
    assert both.sum() >= 25  # the fixture has at least a second of overlap
    assert np.mean(probs[both].min(axis=1) >= 0.5) > 0.5
    assert np.mean(probs[alone_a, 1] >= 0.5) < 0.2  # and B stays low while A speaks alone


def test_streaming_is_chunk_invariant_and_causal(rooms):
    cal, audio = rooms["4mic"]
    audio = audio[: 16_000 * 4]
    whole = make_activity(cal, 4).push(audio)
    ragged = stream(make_activity(cal, 4), audio, chunk=137)
    np.testing.assert_allclose(ragged, whole, atol=1e-5)
    assert whole.shape == (100, 2)
    changed = audio.copy()
    changed[32_000:] = np.random.default_rng(0).normal(0, 0.3, changed[32_000:].shape)
    np.testing.assert_allclose(make_activity(cal, 4).push(changed)[:50], whole[:50], atol=1e-6)


def test_factory_falls_back_and_checks_channels(rooms):
    assert isinstance(make_activity(None, 2), EmbeddingActivity)
    nobody = make_activity(room_calibration("mono"), 1)  # a calibration, but nobody enrolled
    assert isinstance(nobody, EmbeddingActivity) and nobody.voices.centres == []
    with pytest.raises(ValueError, match="4 microphones.*2 channels"):
        make_activity(rooms["4mic"][0], 2)


def test_energy_vad_detects_speech_over_noise(rooms, dialogue):
    _, masks = dialogue
    _, audio = rooms["mono"]
    vad = stream(EnergyActivity(1), audio)[:, 0] >= 0.5
    anyone = masks.max(axis=1) > 0
    assert np.mean(vad[anyone]) > 0.8 and np.mean(vad[~anyone]) < 0.3
