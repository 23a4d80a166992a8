"""Calibration: the rigid solver, the file schema's errors, seat directions in simulated rooms."""

from __future__ import annotations

import copy
import json

import numpy as np
import pytest
from scipy.spatial.transform import Rotation

from calibration import (
    CalibrationError,
    MicArray,
    calibration_from_dict,
    load_calibration,
    new_calibration,
    place_preset,
    rotation_angle_deg,
    save_calibration,
    solve_rigid_transform,
)
from calibration.latency import LatencyConfig, LatencySkipped, find_delay, make_probe, measure_latency
from calibration.openxr import OpenXRUnavailable, StageTracker
from calibration.room import check_seat_direction
from talking_together.activity.simulate import VowelVoice, simulate, vowel_speech


def test_kabsch_recovers_transform_from_noisy_points():
    rng = np.random.default_rng(0)
    rotation = Rotation.from_euler("yxz", [37.0, 4.0, -3.0], degrees=True).as_matrix()
    translation = np.array([1.3, 0.02, -2.4])
    room = rng.uniform([-2, 0, -2], [2, 2, 2], size=(8, 3))
    stage = room @ rotation.T + translation + rng.normal(0, 0.005, room.shape)  # 5 mm tracking noise
    t = solve_rigid_transform(room, stage)
    assert np.linalg.norm(t.translation - translation) < 0.01
    assert rotation_angle_deg(t.rotation, rotation) < 1.0
    assert np.linalg.det(t.rotation) == pytest.approx(1.0)


def test_kabsch_refuses_collinear_points():
    line = np.outer(np.arange(4.0), [1.0, 0.0, 0.0])
    with pytest.raises(ValueError, match="collinear"):
        solve_rigid_transform(line, line)


def test_file_round_trip(tmp_path):
    cal = new_calibration("den-1")
    cal.mic_array = MicArray(place_preset("circle4-0.05m", [0.0, 0.76, 0.0], 30.0), "circle4-0.05m")
    cal.update_seat_directions()
    cal.audio_latency_ms = 12.5
    loaded = load_calibration(save_calibration(cal, tmp_path / "cal.json"))
    assert loaded.id == "den-1"
    assert loaded.to_dict() == cal.to_dict()
    (pa, ya), (pb, yb) = loaded.layout_anchors()
    np.testing.assert_allclose(pa, [-0.6, 1.1, 0.0])
    assert ya == pytest.approx(-np.pi / 2) and yb == pytest.approx(np.pi / 2)


def _good() -> dict:
    return json.loads(json.dumps(new_calibration("room").to_dict()))


def _drop(path: list):
    def edit(d):
        node = d
        for key in path[:-1]:
            node = node[key]
        del node[path[-1]]
    return edit


def _set(path: list, value):
    def edit(d):
        node = d
        for key in path[:-1]:
            node = node[key]
        node[path[-1]] = value
    return edit


BAD_FILES = [
    (_drop(["version"]), "version", "missing"),
    (_drop(["id"]), "id", "missing"),
    (_drop(["room_to_stage"]), "room_to_stage", "missing"),
    (_drop(["room_to_stage", "translation"]), "room_to_stage.translation", "missing"),
    (_drop(["seats", 1, "position"]), "seats[1].position", "missing"),
    (_drop(["mic_array", "positions"]), "mic_array.positions", "missing"),
    (_drop(["audio_latency_ms"]), "audio_latency_ms", "missing"),
    (_set(["version"], 2), "version", "version 1"),
    (_set(["version"], "1"), "version", "version 1"),
    (_set(["format"], "something.else"), "format", "expected"),
    (_set(["room_to_stage", "rotation"], [[2, 0, 0], [0, 1, 0], [0, 0, 1]]), "room_to_stage.rotation",
     "not orthonormal"),
    (_set(["room_to_stage", "rotation"], [[-1, 0, 0], [0, 1, 0], [0, 0, 1]]), "room_to_stage.rotation",
     "determinant"),
    (_set(["room_to_stage", "rotation"], [[1, 0, 0], [0, 1, 0]]), "room_to_stage.rotation", "list of 3"),
    (_set(["room_to_stage", "translation", 2], "0"), "room_to_stage.translation[2]", "number"),
    (_set(["seats", 0, "yaw_deg"], True), "seats[0].yaw_deg", "number"),
    (_set(["seats", 0, "role"], "B"), "seats[0].role", "expected 'A'"),
    (_set(["seats"], []), "seats", "2 seats"),
    (_set(["id"], 7), "id", "string"),
    (_set(["mic_array", "preset"], "no-such-array"), "mic_array.preset", "unknown preset"),
    (_set(["mic_array", "positions"], [[0, 0, 0], [0.1, 0, 0]]), "mic_array.positions", "1 microphones"),
    (_set(["seats", 1, "doa", "source"], "guess"), "seats[1].doa.source", "geometry"),
    (_set(["seats", 0, "voice_profile"], {"mean": [0.0], "var": [1.0], "seconds": 2}),
     "seats[0].voice_profile", "enrol the voice again"),
    (_set(["seats", 0, "voice_profile"], {"encoder": "resemblyzer-ge2e-256", "embedding": [0.5] * 256, "seconds": 2}),
     "seats[0].voice_profile.embedding", "unit vector"),
    (_set(["seats", 1, "voice_profile"], {"encoder": "resemblyzer-ge2e-256", "embedding": [1.0] * 3, "seconds": 2}),
     "seats[1].voice_profile.embedding", "a list of 256"),
    (_set(["audio_latency_ms"], -3), "audio_latency_ms", ">= 0"),
]


@pytest.mark.parametrize("edit,field,words", BAD_FILES, ids=[f for _, f, _ in BAD_FILES])
def test_bad_file_error_names_the_field(edit, field, words, tmp_path):
    data = _good()
    edit(data)
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(data))
    with pytest.raises(CalibrationError) as info:
        load_calibration(path)
    assert info.value.field == field
    assert field in str(info.value) and words in str(info.value)


def test_not_json_is_an_error(tmp_path):
    path = tmp_path / "bad.json"
    path.write_text("{not json")
    with pytest.raises(CalibrationError, match="not valid JSON"):
        load_calibration(path)


def test_good_file_passes_unchanged():
    data = _good()
    assert calibration_from_dict(copy.deepcopy(data)).to_dict() == data


def test_seat_directions_within_10_degrees_at_snr_20db():
    """A person speaks from each of several seats; a 4-mic circle hears them within 10 degrees."""
    rng = np.random.default_rng(3)
    center = np.array([2.5, 0.76, -2.0])  # a table in a 5 m x 4 m room, R's box coordinates
    cal = new_calibration("sim")
    cal.mic_array = MicArray(place_preset("circle4-0.05m", center), "circle4-0.05m")
    seat_spots = [(1.7, -2.5), (3.3, -1.5), (2.4, -0.9), (2.0, -3.0), (3.4, -2.7)]
    for x, z in seat_spots:
        seat = cal.seats[0]
        seat.position, seat.yaw_deg, seat.doa = np.array([x, 1.1, z]), 0.0, None
        cal.update_seat_directions()
        speech = vowel_speech([(0.1, 1.9)], 32_000, VowelVoice(), rng)
        audio = simulate(speech[None], seat.mouth()[None], cal.mic_array.positions, snr_db=20.0, seed=x > 2)
        check = check_seat_direction(cal, 0, audio)
        assert check.error_deg < 10.0, (x, z, check)


def test_chirp_delay_is_found_in_a_noisy_recording():
    cfg = LatencyConfig()
    sweep, played = make_probe(cfg)
    delay = int(0.0375 * cfg.sample_rate)
    recorded = np.concatenate([np.zeros(delay), 0.1 * played])[: len(played)]
    recorded += np.random.default_rng(0).normal(0, 0.01, len(recorded))
    assert find_delay(sweep, played, recorded, cfg) == pytest.approx(0.0375, abs=1e-4)
    with pytest.raises(ValueError, match="no chirp"):
        find_delay(sweep, played, np.random.default_rng(1).normal(0, 0.01, len(played)), cfg)


def test_latency_without_devices_skips_with_a_reason():
    try:
        import sounddevice as sd

        has_loop = bool(sd.query_devices(kind="output")) and bool(sd.query_devices(kind="input"))
    except Exception:  # no PortAudio or no device: exactly the case under test
        has_loop = False
    if has_loop:
        pytest.skip("this machine has audio devices; the skip path is not reachable")
    with pytest.raises(LatencySkipped, match="PortAudio|device"):
        measure_latency()


def test_openxr_without_runtime_names_what_is_missing():
    try:
        with StageTracker():
            pytest.skip("an OpenXR runtime is active here")
    except OpenXRUnavailable as exc:
        assert any(word in str(exc) for word in ("pyopenxr", "loader", "runtime"))
