"""The training corpus beyond espeak (issue 14, part 5): aligned phones for voices without events,
voice and channel augmentation, real-voice and TTS samples, and the lip-closure score."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from talking_together.audio.sources import read_audio_file
from talking_together.contract import BLENDSHAPE_INDEX, FPS, SAMPLE_RATE, SAMPLES_PER_FRAME
from talking_together.data import alignment, augment, real_speech
from talking_together.data.corpus import LIP_CLOSED, LIP_OPEN, REAL_TEST_BASE, CorpusConfig, lip_events, make_sample
from talking_together.data.dialogue import phoneme_masks
from talking_together.data.espeak import Voice, synthesize
from talking_together.data.visemes import visemes_of
from talking_together.evaluate.metrics import lip_closure_counts

# a train-clean-100 clip whose words pocketsphinx recognises nearly exactly
KNOWN_CLIP, KNOWN_TEXT = "118-121721-0000.flac", "a stitch in time saves embarrassing exposure"


def bilabial_centres(phones) -> list[float]:
    return [(a + b) / 2 for sym, a, b in phones if "PP" in visemes_of(sym)]


def test_fit_to_spans_tiles_each_span() -> None:
    phones = [("m", 0.05, 0.2), ("ɑ", 0.25, 0.4), ("p", 0.9, 1.0)]
    fitted = alignment.fit_to_spans(phones, [(0.1, 0.5), (0.7, 0.75), (0.85, 1.2)])
    assert [s for s, _, _ in fitted] == ["m", "ɑ", alignment.NEUTRAL, "p"]
    assert fitted[0][1] == 0.1 and fitted[0][2] == fitted[1][1] == 0.25 and fitted[1][2] == 0.5
    assert fitted[3][1] == 0.85 and fitted[3][2] == 1.2  # a span's first phone takes its start, the last its end


def test_real_clip_recognised_bilabials_match_the_forced_alignment(real_speech_root: Path) -> None:
    """Without a transcript (LibriSpeech here ships none) the aligner recognises the words first; its
    p/b/m land where aligning the true words puts them ("time saves embarrassing exposure": m, m, b, p)."""
    audio = real_speech.speech_utterance(read_audio_file(real_speech_root / real_speech.TRAIN_DIR / KNOWN_CLIP).mean(axis=1)).audio
    forced, recognised = alignment.align(audio, KNOWN_TEXT), alignment.align(audio)
    assert len(forced) > 25 and len(recognised) > 25
    assert all(a < b for _, a, b in recognised) and recognised[-1][2] <= len(audio) / SAMPLE_RATE + 0.02
    truth = bilabial_centres(forced)
    assert len(truth) == 4  # tiMe, eMBarrassing, exPosure
    assert all(min(abs(t - r) for r in bilabial_centres(recognised)) < 0.06 for t in truth)


def test_real_dialogue_phones_keep_the_masks(real_speech_root: Path) -> None:
    a, b = real_speech.pairs("test", "FM", 1, seed=4)[0]
    plain = real_speech.real_dialogue(a, b, seed=4, turns=4, room=False)
    phoned = real_speech.real_dialogue(a, b, seed=4, turns=4, room=False, phones=True)
    assert np.array_equal(plain.masks, phoned.masks) and plain.turns == phoned.turns
    assert np.array_equal(plain.sources, phoned.sources)
    symbols = {s for k in range(2) for s, _, _ in phoned.phonemes[k]}
    assert "speech" not in symbols and len(symbols) > 15  # real phones, many kinds
    assert any("PP" in visemes_of(s) for s in symbols)


def test_change_voice_moves_pitch_and_keeps_timing() -> None:
    import parselmouth

    u = synthesize("We should look at the numbers again tomorrow morning.", Voice(name="en-us", pitch=40))
    higher = augment.change_voice(u.audio, 1.25, 1.1)
    assert higher.shape == u.audio.shape

    def median_f0(x: np.ndarray) -> float:
        f0 = parselmouth.Sound(x.astype(np.float64), SAMPLE_RATE).to_pitch().selected_array["frequency"]
        return float(np.median(f0[f0 > 0]))

    assert median_f0(higher) / median_f0(u.audio) == pytest.approx(1.25, rel=0.08)
    frames = len(u.audio) // SAMPLES_PER_FRAME
    loud = [20 * np.log10(np.sqrt(np.mean(x[: frames * SAMPLES_PER_FRAME].reshape(frames, -1) ** 2, 1)) + 1e-9) > -45
            for x in (u.audio / np.abs(u.audio).max(), higher / np.abs(higher).max())]
    assert (loud[0] == loud[1]).mean() > 0.9  # the speech stays where the truth says


def test_speed_scales_every_time_stamp() -> None:
    from talking_together.data.dialogue import DEMO_TURNS, DEMO_VOICES, make_dialogue

    d = make_dialogue(DEMO_TURNS[:2], DEMO_VOICES)
    fast = augment.speed(d, 1.1)
    assert fast.turns[1][1] == pytest.approx(d.turns[1][1] / 1.1)
    assert abs(fast.sources.shape[1] - d.sources.shape[1] / 1.1) <= SAMPLES_PER_FRAME
    assert np.array_equal(fast.masks, phoneme_masks(fast.phonemes, fast.sources.shape[1] // SAMPLES_PER_FRAME))
    for k in range(2):  # the resampled speech still sounds inside the rescaled masks
        x = fast.sources[k].reshape(-1, SAMPLES_PER_FRAME)
        on = 20 * np.log10(np.sqrt((x**2).mean(1)) / np.abs(x).max() + 1e-9) > -40
        assert (on == (fast.masks[:, k] > 0)).mean() > 0.9


def test_telephone_band_limits() -> None:
    rng = np.random.default_rng(0)
    noise = rng.standard_normal((1, SAMPLE_RATE)).astype(np.float32) * 0.1
    phone = augment.telephone(noise)
    assert phone.shape == noise.shape
    spectrum = np.abs(np.fft.rfft(phone[0])) ** 2
    freqs = np.fft.rfftfreq(SAMPLE_RATE, 1 / SAMPLE_RATE)
    assert spectrum[freqs > 4500].sum() < 0.01 * spectrum[(freqs > 500) & (freqs < 3000)].sum()


def test_real_and_tts_samples(real_speech_root: Path) -> None:
    """A train sample of real readers and one of flite voices: aligned phones drive the mouth, the masks
    follow the dry voices, and the test_real split uses only LibriSpeech's test readers."""
    test_ids = {r.id for r in real_speech.readers("test")}
    for family in ("real", "flite"):
        cfg = CorpusConfig(seed=11, families=((family, 1.0),))
        split, arrays, meta = make_sample(0, cfg)  # seed 11's sample 0 is a train sample
        assert split == "train"
        assert meta["family"] == family and meta["mode"] == "dubbing"
        assert not {i["id"].split(":")[1] for i in meta["identities"]} & test_ids
        events = arrays["lip_events"]
        assert (events[:, 3] == LIP_CLOSED).sum() > 3 and (events[:, 3] == LIP_OPEN).sum() > 3
        jaw = arrays["expression"][..., BLENDSHAPE_INDEX["jawOpen"]]
        for k in range(2):
            speaking = arrays["masks"][:, k] > 0
            assert jaw[speaking, k].mean() > 3 * jaw[~np.convolve(speaking, np.ones(11), "same").astype(bool), k].mean()
    split, arrays, meta = make_sample(REAL_TEST_BASE, CorpusConfig(seed=11))
    assert split == "test_real" and meta["augmented"] == []
    assert {i["id"].split(":")[1] for i in meta["identities"]} <= test_ids


def test_lip_closure_counts_dips() -> None:
    """A jaw that closes at the bilabial scores it; one that stays open does not; open vowels likewise."""
    t = (np.arange(50) + 0.5) / FPS
    events = np.array([[0, 0.8, 0.88, LIP_CLOSED], [0, 1.2, 1.3, LIP_OPEN]], np.float32)
    motion = np.zeros((50, 2, 79))
    jaw = BLENDSHAPE_INDEX["jawOpen"]
    motion[:, 0, jaw] = 0.4
    assert lip_closure_counts(motion, events, LIP_CLOSED) == (0, 1)
    motion[(t > 0.78) & (t < 0.9), 0, jaw] = 0.05
    assert lip_closure_counts(motion, events, LIP_CLOSED) == (1, 1)
    assert lip_closure_counts(motion, events, LIP_OPEN) == (0, 1)
    assert lip_events(([("m", 0.1, 0.2), ("ɑ", 0.2, 0.3), ("s", 0.3, 0.4)], [])).tolist() == [
        [0, pytest.approx(0.1), pytest.approx(0.2), LIP_CLOSED], [0, pytest.approx(0.2), pytest.approx(0.3), LIP_OPEN]]


def test_real_voice_rows(real_speech_root: Path, tmp_path: Path) -> None:
    """eval's real-voice rows on one test_real dialogue: the live estimator's masks reach the systems,
    and the lip-closure score tells the truth's mouth (p/b/m closed, open vowels open) from chance."""
    from talking_together.data.corpus import generate
    from talking_together.evaluate.real_voices import LIVE, TRUE, markdown, run_real_voices
    from talking_together.model import DEFAULT_CHECKPOINT

    generate(0.001, tmp_path, CorpusConfig(seed=2, families=(("espeak", 1.0),), real_test_samples=1))
    rows, activity = run_real_voices(str(DEFAULT_CHECKPOINT), str(tmp_path))
    truth = rows["ground truth"]
    assert truth["closure at p/b/m"] > 0.8 and truth["closure at open vowels"] < 0.3
    for system in ("model (dual-stream)", "rule-based baseline"):
        assert rows[f"{system}, {TRUE}"]["solo-mouth"] > 0.8  # told who speaks, the speaker's mouth moves more
        assert 0.0 <= rows[f"{system}, {LIVE}"]["attribution-F1"] <= 1.0
    assert rows["model (dual-stream), " + TRUE]["MSE-LIP"] < rows["rule-based baseline, " + TRUE]["MSE-LIP"]
    assert activity["all"]["dialogues"] == 1 and 0.0 <= activity["all"]["DER"] <= 1.5
    assert activity["all"]["F1 A"] > 0.5  # the first voice heard is A, and A speaks first
    assert "live F1 A" in markdown(rows, activity, model="model")


def test_change_voice_is_seeded() -> None:
    """Praat draws random numbers when it resynthesises; the same seed must give the same samples
    (the corpus is a pure function of its seed, whatever ran before in the process)."""
    u = synthesize("Thanks, I owe you a coffee.", Voice(name="en-us"))
    first = augment.change_voice(u.audio, 1.1, 1.05, seed=3)
    augment.change_voice(u.audio, 0.9, 1.0, seed=8)
    assert np.array_equal(first, augment.change_voice(u.audio, 1.1, 1.05, seed=3))
