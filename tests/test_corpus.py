"""Truth tests of the synthetic corpus: the labels must hold exactly on what was generated."""

from __future__ import annotations

import hashlib
import json

import numpy as np
import pytest
from scipy.signal import csd, welch

from talking_together.contract import BLENDSHAPE_INDEX, FPS, SAMPLE_RATE, SAMPLES_PER_FRAME
from talking_together.data.corpus import CorpusConfig, generate, identity_pool, load_shard, make_sample
from talking_together.data.layouts import sample_layout
from talking_together.data.room import SPEED_OF_SOUND, diffuse_noise
from talking_together.geometry import angle_between, eye_midpoint_world, gaze_direction, quat_conjugate, quat_multiply
from talking_together.layout import resolve_layout

ESPEAK = {"families": (("espeak", 1.0),), "real_test_samples": 0}  # fast, and needs no ../shared
CFG = CorpusConfig(seed=7, turns=(3, 5), **ESPEAK)


@pytest.fixture(scope="module")
def samples():
    return [make_sample(i, CFG) for i in range(3)]


def test_frames_match_audio_and_ranges(samples):
    for _, a, meta in samples:
        t = a["masks"].shape[0]
        assert a["audio"].shape[1] == t * SAMPLES_PER_FRAME == a["sources"].shape[1]
        assert abs(meta["duration_s"] - t / FPS) < 1e-6
        assert a["expression"].shape == (t, 2, 52)
        assert a["expression"].min() >= 0.0 and a["expression"].max() <= 1.0
        norms = np.linalg.norm(np.concatenate([a["rotations"].reshape(-1, 4), a["head_world_rotation"].reshape(-1, 4)]), axis=1)
        assert np.abs(norms - 1).max() < 1e-4
        assert a["mic_positions"].shape == (a["audio"].shape[0], 3)


def test_mouth_opens_only_near_own_phonemes(samples):
    jaw = BLENDSHAPE_INDEX["jawOpen"]
    for _, a, _ in samples:
        for k in range(2):
            mask = a["masks"][:, k] > 0
            near = np.convolve(mask, np.ones(11), "same") > 0  # within 5 frames (0.2 s)
            opening = a["expression"][:, k, jaw] > 0.05
            assert not (opening & ~near).any()
            assert a["expression"][mask, k, jaw].mean() > 0.1


def test_gaze_at_partner_within_3_degrees(samples):
    for _, a, _ in samples:
        for k in range(2):
            rot = a["rotations"][:, k].astype(np.float64)
            hw_q = a["head_world_rotation"][:, k].astype(np.float64)
            g = gaze_direction(hw_q, rot[:, 2], rot[:, 3])
            own = eye_midpoint_world(a["head_world_position"][:, k].astype(np.float64), hw_q)
            other = eye_midpoint_world(a["head_world_position"][:, 1 - k].astype(np.float64),
                                       a["head_world_rotation"][:, 1 - k].astype(np.float64))
            err = np.degrees(angle_between(g, other - own))
            flags = a["gaze_at_partner"][:, k]
            assert flags.mean() > 0.4
            assert err[flags].max() < 3.0


def test_masks_agree_with_source_energy(samples):
    for _, a, _ in samples:
        for k in range(2):
            src = a["sources"][k].astype(np.float64).reshape(-1, SAMPLES_PER_FRAME)
            rms = np.sqrt((src**2).mean(1)) + 1e-9
            energy = 20 * np.log10(rms / rms.max()) > -40
            assert (energy == (a["masks"][:, k] > 0)).mean() > 0.9


def test_shards_and_held_out_identities(tmp_path):
    manifest = generate(0.01, tmp_path, CorpusConfig(seed=3, turns=(3, 4), shard_samples=2, **ESPEAK))
    held = set(manifest["held_out_identities"])
    pool, held_voices = identity_pool()
    assert held and held_voices
    for shard in manifest["shards"]:
        for sample in load_shard(tmp_path / shard["file"]).values():
            meta = sample["meta"]
            assert meta["split"] == shard["split"]
            ids = {i["id"] for i in meta["identities"]}
            if meta["split"] in ("train", "val"):
                assert not ids & held
    assert json.loads((tmp_path / "manifest.json").read_text())["num_samples"] == manifest["num_samples"]


def _hashes(directory) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(directory.iterdir())}


def test_same_seed_same_bytes_across_worker_counts(tmp_path):
    cfg = CorpusConfig(seed=5, turns=(3, 4), shard_samples=2, **ESPEAK)
    generate(0.006, tmp_path / "a", cfg, workers=1)
    generate(0.006, tmp_path / "b", cfg, workers=2)
    assert _hashes(tmp_path / "a") == _hashes(tmp_path / "b")
    generate(0.006, tmp_path / "c", CorpusConfig(seed=6, turns=(3, 4), shard_samples=2, **ESPEAK))
    assert set(_hashes(tmp_path / "c").values()).isdisjoint(_hashes(tmp_path / "a").values())


def test_room_noise_is_diffuse():
    """Two mics 10 cm apart: the noise's coherence follows sinc(2 pi f d / c) (Habets & Gannot 2007)."""
    mics = np.array([[0.0, 0.0, 0.0], [0.1, 0.0, 0.0]])
    x = diffuse_noise(mics, SAMPLE_RATE * 10, 1.0, np.random.default_rng(0))
    assert x.shape == (2, SAMPLE_RATE * 10) and np.allclose(np.mean(x**2), 1.0, atol=0.05)
    f, cross = csd(x[0], x[1], fs=SAMPLE_RATE, nperseg=512)
    power = [welch(channel, fs=SAMPLE_RATE, nperseg=512)[1] for channel in x]
    coherence = np.real(cross) / np.sqrt(power[0] * power[1])
    band = (f > 100) & (f < 6000)
    err = np.abs(coherence[band] - np.sinc(2 * f[band] * 0.1 / SPEED_OF_SOUND))
    assert err.mean() < 0.03 and err.max() < 0.2  # estimation noise over 10 s is ~0.04 per bin


def test_layout_is_what_its_prompt_says(samples):
    """The stored anchors are the parser's layout for the stored prompt, up to a turn of the pair and body height."""
    for _, a, meta in samples:
        parsed = resolve_layout(prompt=meta["layout_prompt"]).anchors
        stored = a["anchors"].astype(np.float64)
        horizontal = lambda p, q: np.hypot(*(p - q)[[0, 2]])  # noqa: E731
        assert abs(horizontal(stored[0, :3], stored[1, :3]) - horizontal(parsed[0].position, parsed[1].position)) < 1e-4
        turn = (stored[1, 3] - stored[0, 3]) - (parsed[1].yaw_rad - parsed[0].yaw_rad)
        assert abs(np.angle(np.exp(1j * turn))) < 1e-4  # the same relative yaw
        assert np.abs(stored[:, 1] - [p.position[1] for p in parsed]).max() < 0.2


@pytest.mark.parametrize("words, relative_yaw_deg", [(("sofa", "bench", "side by side", "next to", "left of"), (20, 70)),
                                                     (("across", "opposite", "face to face", "facing"), (179, 181)),
                                                     (("corner", "right angle"), (89, 91))])
def test_sampled_prompts_mean_what_they_say(words, relative_yaw_deg):
    rng, seen = np.random.default_rng(0), 0
    for _ in range(400):
        layout = sample_layout(rng)
        assert ",," not in layout.description and " ".join(layout.description.split()) == layout.description
        if any(w in layout.description for w in words):
            a, b = layout.anchors
            turn = abs(np.degrees(np.angle(np.exp(1j * (b.yaw_rad - a.yaw_rad)))))
            assert relative_yaw_deg[0] <= turn <= relative_yaw_deg[1], layout.description
            seen += 1
    assert seen > 20


def test_head_moves_no_faster_than_a_person(samples):
    """Peak head velocity in large gaze shifts is a few hundred deg/s (Freedman 2008): < 15 deg a frame."""
    for _, a, _ in samples:
        for k in range(2):
            q = quat_multiply(a["rotations"][:, k, 0].astype(np.float64), a["rotations"][:, k, 1].astype(np.float64))
            step = quat_multiply(quat_conjugate(q[:-1]), q[1:])
            assert np.degrees(2 * np.arccos(np.clip(np.abs(step[:, 3]), 0, 1))).max() < 15.0
