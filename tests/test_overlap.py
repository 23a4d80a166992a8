"""Both people at once: the voice counter (activity/overlap.py) on real LibriSpeech voices in simulated
rooms. Tune readers only: the shipped counter was trained on the "train" readers, never these."""

from __future__ import annotations

import dataclasses
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import torch

from talking_together.activity import EmbeddingActivity, EmbeddingActivityConfig, stream_activity
from talking_together.activity.overlap import DELAY, OverlapConfig, OverlapDetector, dialogue_features, load_counter
from talking_together.data import real_speech as rs
from talking_together.evaluate.diarization import DiarizationScore, person_f1


@pytest.fixture(scope="module")
def dialogues(real_speech_root: Path) -> list:
    """One room dialogue per gender pairing, of tune readers."""
    return [rs.real_dialogue(a, b, seed=20 + i) for i, pairing in enumerate(rs.PAIRINGS)
            for a, b in rs.pairs("tune", pairing, 1, seed=11)]


def two_voices(audio: np.ndarray) -> np.ndarray:
    """(frames, 2) p(two voices) from the live detector, fed one 640-sample frame at a time."""
    detector = OverlapDetector()
    return np.array([detector.step(f) for f in audio[: len(audio) // 640 * 640].reshape(-1, 640)])


def test_the_live_detector_computes_what_training_computed(dialogues) -> None:
    """One feature path: frame-by-frame live readings equal the whole-recording features through the network."""
    audio = dialogues[0].audio[: 16_000 * 10]
    with torch.inference_mode():
        logits, _ = load_counter()(torch.from_numpy(dialogue_features(audio))[None])
    offline = torch.softmax(logits[0], dim=-1)[:, :, 2].numpy()  # (frames, heads)
    np.testing.assert_allclose(two_voices(audio), offline, atol=1e-4)


def test_it_finds_overlap_in_real_voices_it_never_heard(dialogues) -> None:
    """Overlap is ~10% of frames, so a detector that guessed would be right ~10% of the time it fired."""
    hits = fired = overlap = 0
    for d in dialogues:
        p = two_voices(d.audio)
        both = d.masks[: len(p)].min(axis=1) >= 0.5
        late = np.r_[p[DELAY:, 1], np.zeros(DELAY)] >= 0.5  # the delayed head, aligned to its frame
        for det in (p[:, 0] >= 0.5, late):
            hits, fired, overlap = hits + (det & both).sum(), fired + det.sum(), overlap + both.sum()
    precision, recall = hits / fired, hits / overlap
    assert precision >= 0.45 and recall >= 0.35, (precision, recall, both.mean())


def test_it_hears_one_voice_in_a_monologue(dialogues) -> None:
    """One person reading alone in the room: the counter must not invent a second voice."""
    d = dialogues[2]
    silenced_b = dataclasses.replace(d, sources=d.sources * np.array([[1.0], [0.0]], np.float32))
    p = two_voices(rs.in_room(silenced_b, np.random.default_rng(3)).audio)
    speech = d.masks[: len(p), 0] >= 0.5  # A's turns, exact; B is silent now
    assert (p[: len(speech)][speech, 0] >= 0.5).mean() <= 0.03


def test_both_people_speak_where_two_voices_sound_and_f1_and_der_improve(dialogues) -> None:
    with_overlap, one_at_a_time = DiarizationScore(), DiarizationScore()
    f1_with, f1_without = [], []
    for d in dialogues:
        probs = stream_activity(EmbeddingActivity(1), d.audio, revise_frames=2).probs
        alone = stream_activity(EmbeddingActivity(1, cfg=EmbeddingActivityConfig(overlap=None)), d.audio, revise_frames=2).probs
        assert not (alone.min(axis=1) >= 0.5).any() and (probs.min(axis=1) >= 0.5).any()
        n = min(len(probs), len(d.masks))
        with_overlap.add(probs[:n], d.masks[:n])
        one_at_a_time.add(alone[:n], d.masks[:n])
        f1_with.append(np.mean(person_f1(probs, d.masks)))
        f1_without.append(np.mean(person_f1(alone, d.masks)))
    assert np.mean(f1_with) > np.mean(f1_without), (f1_with, f1_without)
    assert with_overlap.result()["der"] < one_at_a_time.result()["der"]


def test_missing_weights_name_the_command_that_makes_them(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="activity train-counter"):
        OverlapDetector(OverlapConfig(weights=tmp_path / "none.pt"))


def test_train_counter_writes_weights_the_estimator_loads(real_speech_root: Path, tmp_path: Path) -> None:
    out = tmp_path / "counter.pt"
    result = subprocess.run([sys.executable, "-m", "talking_together.cli", "activity", "train-counter", "--out", str(out),
                             "--dialogues", "1", "--espeak", "1", "--steps", "3", "--workers", "1"], capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-2000:]
    detector = OverlapDetector(OverlapConfig(weights=out))
    p = detector.step(np.zeros(640, np.float32))
    assert p.shape == (2,) and np.all((p >= 0) & (p <= 1))
