"""Real human voices (LibriSpeech readers) re-assembled into two-person dialogues with known turns.

Speaker activity has to be scored on real speech, not only on espeak, and real speech has no
phoneme timing. So each reader's dry clip is cut at its pauses into turns and short
backchannels, and the truth comes from the dry clip alone (`speech_spans`): the dialogue is
built from pieces whose speech spans are known before they are mixed and put in a room. The
same rule and the same placement serve the other TTS families (data/tts.py).

Readers: LibriSpeech train-clean-100 (one clip each) split by a hash of the reader id into
"train" (~80%) and "tune" (~20%, for thresholds); test-other's ten readers are "test" only.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import logging
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import soundfile as sf
from scipy.signal import butter, sosfiltfilt

from talking_together.audio.sources import read_audio_file
from talking_together.contract import SAMPLE_RATE, SAMPLES_PER_FRAME
from talking_together.data.alignment import align, with_phones
from talking_together.data.dialogue import PEAK, Dialogue, Placed, assemble, segment
from talking_together.data.espeak import Utterance
from talking_together.data.room import RoomConfig, record

log = logging.getLogger(__name__)

ENV_ROOT = "TT_REAL_SPEECH"
DEFAULT_ROOT = (Path(__file__).resolve().parents[3] / ".." / "shared" / "data" / "real-speech").resolve()
TRAIN_DIR, TEST_DIR = "librispeech-train-clean-100", "librispeech-test-other"
SPLITS = ("train", "tune", "test")
TUNE_SHARE = 0.2  # of train-clean-100 readers, by hash
PAIRINGS = ("FF", "MM", "FM")
MIN_READER_S = 6.0  # of audio, for a reader to be paired


@dataclass(frozen=True)
class Reader:
    id: str
    gender: str  # 'F' | 'M'
    split: str  # 'train' | 'tune' | 'test'
    clips: tuple[Path, ...]


def root_dir(root: Path | None = None) -> Path:
    """The real-speech data folder: `root`, else $TT_REAL_SPEECH, else /work/shared's copy."""
    path = Path(root or os.environ.get(ENV_ROOT) or DEFAULT_ROOT)
    if not (path / TRAIN_DIR).is_dir() or not (path / TEST_DIR).is_dir():
        raise FileNotFoundError(
            f"no real-speech data at {path} (expected {TRAIN_DIR}/ and {TEST_DIR}/ in it); "
            f"set {ENV_ROOT} to the folder that holds them"
        )
    return path


def readers_available(command: str) -> bool:
    """Whether the real-speech readers are here; where not, logs why `command` cannot run."""
    try:
        root_dir()
    except FileNotFoundError as exc:
        log.error("%s needs the real-speech readers: %s", command, exc)
        return False
    return True


def hash_split(reader_id: str) -> str:
    """'train' or 'tune' from a hash of the id: stable across machines, file order and seeds."""
    h = int.from_bytes(hashlib.sha256(f"real-speech:{reader_id}".encode()).digest()[:8], "big")
    return "tune" if h / 2**64 < TUNE_SHARE else "train"


def _genders(speakers_txt: Path) -> dict[str, str]:
    """reader id -> 'F'/'M' from LibriSpeech's SPEAKERS.TXT (`ID | SEX | SUBSET | MINUTES | NAME`)."""
    out = {}
    for line in speakers_txt.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith(";"):
            fields = [f.strip() for f in line.split("|")]
            out[fields[0]] = fields[1]
    return out


@functools.lru_cache(maxsize=4)
def _all_readers(root: Path) -> tuple[Reader, ...]:
    readers = []
    for folder, held_out in ((TRAIN_DIR, False), (TEST_DIR, True)):
        genders = _genders(root / folder / "SPEAKERS.TXT")
        clips: dict[str, list[Path]] = {}
        for path in sorted((root / folder).rglob("*.flac")):  # READER-CHAPTER-UTTERANCE.flac
            clips.setdefault(path.name.split("-")[0], []).append(path)
        for rid, paths in sorted(clips.items(), key=lambda kv: int(kv[0])):
            split = "test" if held_out else hash_split(rid)
            readers.append(Reader(rid, genders[rid], split, tuple(paths)))
    return tuple(readers)


def readers(split: str, root: Path | None = None) -> list[Reader]:
    """The readers of one split, by id."""
    if split not in SPLITS:
        raise ValueError(f"unknown split {split!r}; expected one of {SPLITS}")
    return [r for r in _all_readers(root_dir(root)) if r.split == split]


def pick_pair(women: Sequence, men: Sequence, pairing: str, rng: np.random.Generator) -> tuple:
    """Two distinct members for a pairing: FF, MM, or FM (one woman, one man, either order)."""
    if pairing not in PAIRINGS:
        raise ValueError(f"unknown pairing {pairing!r}; expected one of {PAIRINGS}")
    if pairing == "FM":
        pair = [women[int(rng.integers(len(women)))], men[int(rng.integers(len(men)))]]
        return tuple(pair[::-1] if rng.random() < 0.5 else pair)
    pool = women if pairing == "FF" else men
    i, j = rng.choice(len(pool), 2, replace=False)
    return pool[int(i)], pool[int(j)]


@functools.lru_cache(maxsize=None)
def audio_seconds(reader: Reader) -> float:  # cached: every corpus sample pairs from all readers
    return sum(sf.info(p).duration for p in reader.clips)


def pairs(split: str, pairing: str, count: int, seed: int, root: Path | None = None) -> list[tuple[Reader, Reader]]:
    """`count` reader pairs of one split for a pairing, deterministic for the seed.

    Readers with under MIN_READER_S of audio are left out (28 of train-clean-100's, whose one
    clip is 1.6-5.7 s long): a dialogue would repeat one short piece throughout."""
    pool = [r for r in readers(split, root) if audio_seconds(r) >= MIN_READER_S]
    women, men = [r for r in pool if r.gender == "F"], [r for r in pool if r.gender == "M"]
    rng = np.random.default_rng(seed)
    return [pick_pair(women, men, pairing, rng) for _ in range(count)]


# --- truth without phoneme timing: speech spans from the dry clip's energy ---------------------

HIGHPASS_HZ = 100.0  # mains hum and rumble below it fill the pauses of many LibriSpeech clips
WINDOW, HOP = SAMPLES_PER_FRAME, SAMPLES_PER_FRAME // 4  # 40 ms windows every 10 ms
BELOW_LOUD_DB = 35.0
ABOVE_FLOOR_DB = 6.0
FILL_S = 0.2
MIN_SPEECH_S = 0.1
CHUNK_S = 0.1  # grid of the "speech" pseudo-phonemes
LEVEL_DBFS = -26.0  # common active speech level (RMS over speech spans) of every voice
_HIGHPASS = butter(4, HIGHPASS_HZ, "highpass", fs=SAMPLE_RATE, output="sos")


def speech_spans(audio: np.ndarray) -> list[tuple[float, float]]:
    """(start_s, end_s) spans of speech in a DRY clip: the truth where a voice has no timing.

    Rule (no VAD model: those are what this truth scores): high-pass at 100 Hz; the energy
    of 40 ms windows every 10 ms, each standing for its central 10 ms; a window is speech
    when its level is within 35 dB of the clip's loud level (95th-percentile window) and at
    least 6 dB above its noise floor (5th-percentile window; some test-other clips' floor is
    only 28-32 dB below the loud level). Pauses shorter than 0.2 s are then filled, and runs
    shorter than 0.1 s dropped. Limits: boundaries are good to about 10-20 ms; breaths and
    lip noise above the threshold count as speech, very soft word ends below it do not, and
    pauses under 0.2 s inside a turn count as speech (as a listener would hear them).
    """
    if len(audio) < WINDOW:
        return []
    x = sosfiltfilt(_HIGHPASS, np.asarray(audio, np.float64))
    energy = np.concatenate([[0.0], np.cumsum(x * x)])
    starts = np.arange(0, len(x) - WINDOW + 1, HOP)
    level = 10 * np.log10((energy[starts + WINDOW] - energy[starts]) / WINDOW + 1e-12)
    loud, floor = np.percentile(level, [95, 5])
    active = np.concatenate([[0], level > max(loud - BELOW_LOUD_DB, floor + ABOVE_FLOOR_DB), [0]])
    runs = np.flatnonzero(np.diff(active)).reshape(-1, 2)  # [first, last + 1) window indices
    centre = (starts + WINDOW / 2) / SAMPLE_RATE
    half = HOP / 2 / SAMPLE_RATE
    spans: list[tuple[float, float]] = []
    for i, j in runs:
        a, b = max(centre[i] - half, 0.0), min(centre[j - 1] + half, len(x) / SAMPLE_RATE)
        if spans and a - spans[-1][1] < FILL_S:
            spans[-1] = (spans[-1][0], b)
        else:
            spans.append((a, b))
    return [(float(a), float(b)) for a, b in spans if b - a >= MIN_SPEECH_S]


def speech_utterance(audio: np.ndarray, gain_db: float = 0.0) -> Utterance:
    """A dry clip as an Utterance at LEVEL_DBFS + gain_db active level, with its speech spans,
    trimmed to them (faded), so that nothing outside the truth's spans sounds around it.

    There are no phonemes, so the "phonemes" are the speech spans cut into ~0.1 s pieces
    named "speech" and the "words" are the spans: assemble() and phoneme_masks() then give
    exact masks and turns, and segment() can cut at pauses (words) or inside speech (pieces).
    """
    spans = speech_spans(audio)
    phonemes: list[tuple[str, float, float]] = []
    for a, b in spans:
        edges = np.linspace(a, b, max(1, round((b - a) / CHUNK_S)) + 1)
        phonemes += [("speech", float(p0), float(p1)) for p0, p1 in zip(edges, edges[1:])]
    active = np.concatenate([audio[int(a * SAMPLE_RATE):int(b * SAMPLE_RATE)] for a, b in spans] or [audio])
    rms = float(np.sqrt(np.mean(np.square(active, dtype=np.float64)))) if len(active) else 0.0
    scale = 10 ** ((LEVEL_DBFS + gain_db) / 20) / rms if rms > 0 else 1.0
    u = Utterance(audio=(audio * scale).astype(np.float32), phonemes=phonemes, words=spans,
                  stress=[0] * len(phonemes))
    return segment(u, spans[0][0], spans[-1][1]) if spans else u


# --- pieces and their placement: shared with the TTS dialogues -----------------------------------

def duration(u: Utterance) -> float:
    """Seconds from the first speech onset to the last offset."""
    return u.phonemes[-1][2] - u.phonemes[0][1]


def turn_pieces(u: Utterance, rng: np.random.Generator, length_s: tuple[float, float] = (1.5, 6.0)) -> list[Utterance]:
    """A clip cut into turn-sized pieces: at pauses where one falls in reach, else inside speech."""
    out = []
    t = u.phonemes[0][1] if u.phonemes else np.inf
    while t < np.inf:
        ends = ([b for _, b in u.words if length_s[0] <= b - t <= length_s[1]]
                or [b for _, _, b in u.phonemes if length_s[0] <= b - t <= length_s[1]])
        if ends:  # else too little speech before a long pause: skip to the next span
            end = float(rng.choice(ends))
            out.append(segment(u, t, end))
        else:
            end = next((b for a, b in u.words if a <= t + 1e-9 < b), t)
        t = next((a for _, a, _ in u.phonemes if a >= end - 1e-9 and a > t), np.inf)
    return out


def backchannel_piece(clips: Sequence[Utterance], rng: np.random.Generator,
                      length_s: tuple[float, float] = (0.3, 0.9)) -> Utterance:
    """The first 0.3-0.9 s of a random speech span: a real voice's stand-in for "yeah"."""
    options = [(k, a, p1) for k, u in enumerate(clips) for a, b in u.words for _, _, p1 in u.phonemes
               if a < p1 <= b + 1e-9 and length_s[0] - 1e-6 <= p1 - a <= length_s[1]]
    if not options:
        raise ValueError("no speech span long enough for a backchannel")
    k, a, end = options[int(rng.integers(len(options)))]
    return segment(clips[k], a, end)


@dataclass(frozen=True)
class Timing:
    gap_s: tuple[float, float] = (0.1, 0.8)  # silence between turns
    overlap_prob: float = 0.25  # the next turn starts before the previous one ends
    overlap_s: tuple[float, float] = (0.2, 0.8)  # at most half the previous turn
    backchannel_prob: float = 0.6  # per turn long enough
    backchannel_min_turn_s: float = 2.5
    backchannel_margin_s: float = 0.3  # from the listener's own turns and the turn's end


def place(turns: Sequence[tuple[str, Utterance]], backchannel: Callable[[int], tuple[str, Utterance]],
          rng: np.random.Generator, timing: Timing = Timing()) -> list[Placed]:
    """Alternating turns, A first, with gaps or overlaps, and `backchannel(listener)` inside long turns."""
    placed: list[Placed] = []
    own_end = [-np.inf, -np.inf]
    for i, (text, u) in enumerate(turns):
        k, start = i % 2, 0.0
        if placed:
            prev = placed[-1]
            prev_end = prev.start_s + duration(prev.utterance)
            if rng.random() < timing.overlap_prob:
                start = prev_end - min(rng.uniform(*timing.overlap_s), 0.5 * duration(prev.utterance))
            else:
                start = prev_end + rng.uniform(*timing.gap_s)
            start = max(start, own_end[k] + timing.gap_s[0])  # never over one's own last turn
        placed.append(Placed(k, start, text, u))
        own_end[k] = start + duration(u)

    backchannels = []
    for i, turn in enumerate(placed):
        length = duration(turn.utterance)
        if length < timing.backchannel_min_turn_s or rng.random() >= timing.backchannel_prob:
            continue
        text, u = backchannel(1 - turn.speaker)
        lo = turn.start_s + 1.0
        hi = turn.start_s + length - timing.backchannel_margin_s - duration(u)
        if i > 0:  # the listener spoke the turn before and speaks the one after
            lo = max(lo, placed[i - 1].start_s + duration(placed[i - 1].utterance) + timing.backchannel_margin_s)
        if i + 1 < len(placed):
            hi = min(hi, placed[i + 1].start_s - timing.backchannel_margin_s - duration(u))
        if hi > lo:
            backchannels.append(Placed(1 - turn.speaker, float(rng.uniform(lo, hi)), text, u, "backchannel"))
    return placed + backchannels


ROOM = RoomConfig(snr_db=(10.0, 30.0))


def in_room(d: Dialogue, rng: np.random.Generator) -> Dialogue:
    """The dialogue as one mono room mic hears it (data/room.record: reverberation, diffuse
    noise); `sources` and `masks` stay dry and exact, `audio` becomes the recording."""
    gap = rng.uniform(0.8, 1.8)  # two seated people, across a table or side by side
    mouths = np.array([[-gap / 2, rng.uniform(1.1, 1.3), 0.0], [gap / 2, rng.uniform(1.1, 1.3), 0.0]])
    rec = record(d.sources, mouths, rng, ROOM, array="mono")
    log.debug("room %s m, RT60 %.2f s, SNR %.1f dB", rec.room_size.round(2), rec.rt60_s, rec.snr_db)
    audio = rec.audio[0] * (PEAK / max(float(np.abs(rec.audio).max()), 1e-9))
    return dataclasses.replace(d, audio=audio.astype(np.float32))


# --- real-voice dialogues ---------------------------------------------------------------------------

def _turns(clips: Sequence[Utterance], n: int, rng: np.random.Generator) -> list[Utterance]:
    """n turn pieces; a reader with little speech (train-clean-100 has one clip each) is re-cut
    at other points and repeats in a long dialogue."""
    out: list[Utterance] = []
    while len(out) < n:
        more = [p for k in rng.permutation(len(clips)) for p in turn_pieces(clips[k], rng)]
        if not more:
            raise ValueError("no turn-sized speech in the reader's clips")
        out += more
    return out[:n]


def monologue(d: Dialogue, who: int) -> Dialogue:
    """Only person `who`'s speech of a dry dialogue, the other silenced: one person talking alone
    across the turns, with the same pauses. Put it `in_room` after."""
    keep = (np.arange(2) == who).astype(np.float32)
    return dataclasses.replace(d, sources=d.sources * keep[:, None], masks=d.masks * keep[None, :])


def real_dialogue(a: Reader, b: Reader, seed: int, turns: int = 8, room: bool = True, phones: bool = False) -> Dialogue:
    """A dialogue of two LibriSpeech readers: alternating turns cut from their clips (A first),
    gaps and overlaps, backchannels; each reader at a common level ±3 dB.

    With `room`, `audio` is the (n,) mono room recording (reverb, 10-30 dB SNR); `sources`
    stay dry and `masks` exact. With `phones`, the phonemes are pocketsphinx's (data/alignment.py),
    for the mouth's truth, instead of "speech" pieces. Deterministic for (a, b, seed).
    """
    rng = np.random.default_rng([seed, int(a.id), int(b.id)])
    clips = [[speech_utterance(read_audio_file(p).mean(axis=1), gain) for p in r.clips] for r, gain in zip((a, b), rng.uniform(-3, 3, 2))]
    pieces = [_turns(clips[k], (turns + 1 - k) // 2, rng) for k in range(2)]
    script = [("", pieces[i % 2][i // 2]) for i in range(turns)]
    placed = place(script, lambda k: ("", backchannel_piece(clips[k], rng)), rng)
    if phones:  # only the pieces that are used are recognised (about a third of their length in CPU)
        placed = [dataclasses.replace(p, utterance=with_phones(p.utterance, align(p.utterance.audio))) for p in placed]
    d = assemble(placed, (f"librispeech:{a.id}", f"librispeech:{b.id}"))
    log.info("real dialogue %s+%s seed %d: %.1f s, %d turns", a.id, b.id, seed, d.duration_s, len(d.turns))
    return in_room(d, rng) if room else d
