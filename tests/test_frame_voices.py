"""The per-frame voice models: what trains them, when they decide, and how their evidence is read.

Synthetic mel frames of two spectral shapes stand in for two voices (exact behaviour); the real
LibriSpeech check is in tests/test_voice_activity.py.
"""

from __future__ import annotations

import numpy as np
import pytest

from talking_together.activity.frame_voices import FrameDecisions, FrameVoices, FrameVoicesConfig, mfcc
from talking_together.contract import FPS

CFG = FrameVoicesConfig()
BANDS = np.arange(40)


def mel_frame(rng: np.random.Generator, who: int) -> np.ndarray:
    """(4, 40) mel power of one 40 ms frame: voice 0 is dark (low bands loud), voice 1 bright."""
    tilt = -0.08 if who == 0 else 0.02
    formant = np.exp(-0.5 * ((BANDS - (8 if who == 0 else 22)) / 3.0) ** 2)
    level = np.exp(tilt * BANDS) * (1 + 3 * formant)
    return level[None] * rng.lognormal(0.0, 0.5, size=(4, 40))


def feed(models: FrameVoices, rng: np.random.Generator, who: list[int], start: int = 0) -> list[float]:
    return [models.add(start + t, mel_frame(rng, w)) for t, w in enumerate(who)]


def vote_windows(models: FrameVoices, frames: range, speaker: int, votes: int = CFG.votes) -> None:
    """Every frame of `frames` covered by `votes` embeddings of `speaker`, as overlapping windows do."""
    for _ in range(votes):
        models.vote(list(frames), speaker)


def test_models_wait_for_enough_agreed_speech_of_both_voices() -> None:
    rng = np.random.default_rng(0)
    models = FrameVoices(CFG)
    n = int(CFG.min_voice_s * FPS)
    assert feed(models, rng, [0] * n + [1] * (n - 10)) == [0.0] * (2 * n - 10)  # no evidence before the models
    for _ in range(CFG.refit_every):
        vote_windows(models, range(0, n), 0, votes=1)
        vote_windows(models, range(n, 2 * n - 10), 1, votes=1)
    assert not models.ready  # B has too little speech
    feed(models, rng, [1] * 10, start=2 * n - 10)
    for _ in range(CFG.refit_every):
        models.vote(list(range(2 * n - 10, 2 * n)), 1)
    assert models.ready


def two_voices(rng: np.random.Generator, contested: bool) -> tuple[FrameVoices, int]:
    """6 s of A then 6 s of B, every frame voted for its voice; `contested`: B's frames also voted A."""
    models = FrameVoices(CFG)
    n = int(CFG.min_voice_s * FPS) * 2
    feed(models, rng, [0] * n + [1] * n)
    for _ in range(CFG.refit_every):
        models.vote(list(range(0, n)), 0)
        models.vote(list(range(n, 2 * n)), 1)
        if contested:  # as a window across a turn change would
            models.vote(list(range(n, 2 * n)), 0)
    return models, n


def test_frames_the_embeddings_disagree_on_do_not_train() -> None:
    models, _ = two_voices(np.random.default_rng(1), contested=True)
    assert not models.ready


def test_once_trained_the_evidence_points_at_the_voice() -> None:
    rng = np.random.default_rng(2)
    models, n = two_voices(rng, contested=False)
    assert models.ready
    a = feed(models, rng, [0] * 50, start=2 * n)
    b = feed(models, rng, [1] * 50, start=2 * n + 50)
    assert np.mean(np.array(a) < 0) >= 0.95 and np.mean(np.array(b) > 0) >= 0.95


def test_memory_stays_flat_in_a_long_session() -> None:
    rng = np.random.default_rng(3)
    models = FrameVoices(CFG)
    frames = int(10 * CFG.history_s * FPS)  # 15 minutes of speech
    mel = mel_frame(rng, 0)
    for t in range(frames):
        models.add(t, mfcc(mel))
        if t % 4 == 0:
            models.vote(list(range(max(0, t - 20), t + 1)), 0)
    assert len(models._features) <= 4 * CFG.history_s * FPS + 1


def test_decisions_sum_the_newest_speech_and_read_the_lookahead() -> None:
    decisions = FrameDecisions(smooth_frames=3)
    for evidence, speech in [(-5, True), (-5, True), (0, False), (4, True), (4, True), (9, True)]:
        decisions.add(evidence, speech)
    assert decisions.speaker() == 1  # 4 + 4 + 9 over the last 3 frames
    assert decisions.speaker(back=2) == 0  # -5 + 0 (silence counts nothing) + 4
    assert decisions.speaker(back=2, ahead=1) == 1  # ... and one newer frame read ahead: -5 + 0 + 4 + 4
    assert decisions.speaker(back=3) == 0  # -5 - 5 + 0
    with pytest.raises(ValueError, match="smooth_frames"):
        FrameDecisions(smooth_frames=0)
    with pytest.raises(ValueError, match="votes"):
        FrameVoicesConfig(votes=0)
