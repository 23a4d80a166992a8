"""Who speaks from one microphone with nobody enrolled: the online voice clustering, on constructed
embeddings (exact behaviour) and on real LibriSpeech voices in simulated rooms (tune readers only)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from talking_together.activity import (EmbeddingActivity, EmbeddingActivityConfig, EnergyActivity, PitchActivity, enroll_profile,
                                       stream_activity)
from talking_together.activity.embedding import NOBODY, OnlineVoices, unit
from talking_together.data import real_speech as rs
from talking_together.evaluate.diarization import person_f1

CFG = EmbeddingActivityConfig()


def voice(rng: np.random.Generator, centre: np.ndarray, n: int, spread: float = 0.25) -> list[np.ndarray]:
    """n embeddings around one voice: like a room, every voice shares a common part."""
    return [unit(centre + spread * unit(rng.normal(size=centre.shape))) for _ in range(n)]


@pytest.fixture(scope="module")
def centres() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(0)
    common = unit(rng.normal(size=256))
    return tuple(unit(common + 0.6 * unit(rng.normal(size=256))) for _ in range(3))  # A, B, a stranger


def run(voices: OnlineVoices, embeddings: list[np.ndarray]) -> list[tuple[int, ...]]:
    current, out = (0,), []
    for e in embeddings:
        current = voices.assign(e, current, new_segment=False)
        out.append(current)
    return out


def test_first_voice_is_a_and_a_second_voice_founds_b(centres) -> None:
    rng = np.random.default_rng(1)
    a, b, _ = centres
    labels = run(OnlineVoices(CFG), voice(rng, a, 30) + voice(rng, b, 30) + voice(rng, a, 30))
    assert all(label == (0,) for label in labels[:30])
    assert sum(label == (1,) for label in labels[30:60]) >= 30 - 2 * CFG.recluster_every  # founded within ~2 s of speech
    assert all(label == (0,) for label in labels[60:])


def test_no_phantom_second_person_in_a_long_monologue(centres) -> None:
    rng = np.random.default_rng(2)
    voices = OnlineVoices(CFG)
    labels = run(voices, voice(rng, centres[0], 900))  # ~2.5 minutes of one person's speech
    assert len(voices.centres) == 1 and set(labels) == {(0,)}


def test_a_third_voice_unlike_both_is_nobodys(centres) -> None:
    rng = np.random.default_rng(3)
    a, b, _ = centres
    stranger = unit(rng.normal(size=256))  # nothing in common with the room's two voices
    voices = OnlineVoices(CFG)
    labels = run(voices, voice(rng, a, 30) + voice(rng, b, 30) + voice(rng, stranger, 20, spread=0.1))
    assert labels[-1] == (NOBODY,) and len(voices.centres) == 2
    assert run(voices, voice(rng, a, 5))[-1] == (0,)  # and A is still A


def test_enrolled_voices_need_no_founding(centres) -> None:
    from talking_together.activity import VoiceProfile

    rng = np.random.default_rng(4)
    a, b, _ = centres
    voices = OnlineVoices(CFG, (VoiceProfile(b, 10.0), VoiceProfile(a, 10.0)))  # seat A is voice b
    assert run(voices, voice(rng, b, 3))[-1] == (0,) and run(voices, voice(rng, a, 3))[-1] == (1,)


# ------------------------------------------------------------------ real voices


@pytest.fixture(scope="module")
def tune_dialogues(real_speech_root: Path) -> dict[str, list]:
    """Room recordings of tune readers (the split the thresholds were chosen on; never the test readers)."""
    return {pairing: [rs.real_dialogue(a, b, seed=i) for i, (a, b) in enumerate(rs.pairs("tune", pairing, 2, seed=5))]
            for pairing in ("FM", "MM")}


def stream(activity, audio: np.ndarray, chunk: int = 640) -> np.ndarray:
    audio = audio[:, None] if audio.ndim == 1 else audio
    return np.concatenate([activity.push(audio[i : i + chunk]) for i in range(0, len(audio), chunk)])


def test_real_voices_beat_the_pitch_clusterer(tune_dialogues) -> None:
    for pairing, dialogues in tune_dialogues.items():
        new = np.mean([person_f1(stream(EmbeddingActivity(1), d.audio), d.masks) for d in dialogues])
        old = np.mean([person_f1(stream(PitchActivity(1), d.audio), d.masks) for d in dialogues])
        assert new >= 0.65 and new >= old + 0.2, (pairing, new, old)


def test_streaming_is_chunk_invariant_and_causal(tune_dialogues) -> None:
    audio = tune_dialogues["FM"][0].audio[: 16_000 * 12]
    whole = EmbeddingActivity(1).push(audio[:, None])
    np.testing.assert_allclose(stream(EmbeddingActivity(1), audio, chunk=137), whole, atol=1e-5)
    changed = audio.copy()
    changed[16_000 * 8 :] = np.random.default_rng(0).normal(0, 0.3, len(changed) - 16_000 * 8)
    np.testing.assert_allclose(EmbeddingActivity(1).push(changed[:, None])[:200], whole[:200], atol=1e-6)


def test_enrolment_uses_the_same_embeddings_and_helps(tune_dialogues) -> None:
    """Seats enrolled from each person's dry speech: the estimator starts with both voices known."""
    d = tune_dialogues["MM"][0]
    profiles = tuple(enroll_profile(d.sources[k]) for k in (0, 1))
    enrolled = person_f1(stream(EmbeddingActivity(1, profiles), d.audio), d.masks)
    blind = person_f1(stream(EmbeddingActivity(1), d.audio), d.masks)
    assert min(enrolled) >= 0.7 and np.mean(enrolled) >= np.mean(blind) - 0.02, (enrolled, blind)


def test_recent_gives_the_newest_frames_to_the_latest_decision(tune_dialogues) -> None:
    """A decision made now re-labels the newest frames that `recent` returns; push's rows stay as they were."""
    d = tune_dialogues["FM"][0]
    first_speech = int(np.flatnonzero(d.masks[:, 0] >= 0.5)[0])
    activity = EmbeddingActivity(1)
    pushed = activity.push(d.audio[: 640 * (first_speech + 12), None])[-3:]
    assert pushed[:, 0].min() >= 0.5 and not pushed[:, 1].any()  # A speaks, and the first voice heard is A
    assert np.array_equal(activity.recent(3), pushed)  # nothing decided since
    activity.speakers = (1,)  # as OnlineVoices would decide on B's first embedding
    revised = activity.recent(3)
    assert np.array_equal(revised[:, 1], pushed[:, 0]) and not revised[:, 0].any()
    with pytest.raises(ValueError, match="newest 16 frames"):
        activity.recent(17)


def test_stream_activity_rereads_the_lookahead_of_real_voices(tune_dialogues) -> None:
    """On a real two-reader dialogue, re-reading the newest frames moves some of them to the new speaker
    and never changes whether anyone speaks; an estimator that never revises reads the same rows."""
    audio = tune_dialogues["MM"][0].audio
    revised, _, pushed = stream_activity(EmbeddingActivity(1), audio, revise_frames=2)
    assert revised.shape == pushed.shape
    assert np.array_equal(revised.max(axis=1), pushed.max(axis=1))  # whether anyone speaks is the VAD's
    assert (revised != pushed).any(axis=1).sum() > 0  # some turn changes were decided within the lookahead
    energy_revised, _, energy_pushed = stream_activity(EnergyActivity(1), audio, revise_frames=2)
    assert np.array_equal(energy_revised, energy_pushed)


def test_frame_voice_models_decide_better_than_the_embeddings_alone(tune_dialogues) -> None:
    """Once both voices are known, the per-frame models (activity/frame_voices.py) take over the
    decision; on the tune readers they must not lose to the embeddings alone, and they must be
    trained and deciding by the end of every dialogue."""
    alone_cfg = EmbeddingActivityConfig(frames=None)
    with_frames, alone = [], []
    for dialogues in tune_dialogues.values():
        for d in dialogues:
            activity = EmbeddingActivity(1)
            with_frames.append(np.mean(person_f1(stream_activity(activity, d.audio, revise_frames=2).probs, d.masks)))
            assert activity.frame_voices.ready, "the frame models never trained"
            alone.append(np.mean(person_f1(stream_activity(EmbeddingActivity(1, cfg=alone_cfg), d.audio, revise_frames=2).probs, d.masks)))
    assert np.mean(with_frames) >= np.mean(alone), (with_frames, alone)
