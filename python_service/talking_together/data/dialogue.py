"""Two-voice dialogues from text: mixed audio, dry sources, exact speaker masks and timing.

A dialogue is a list of turns, each spoken by A (0) or B (1) and placed on one timeline.
Because every turn comes from espeak with exact phoneme timing, the masks are ground truth,
not the guess of a voice activity detector; that is what the tests and training rely on.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
import soundfile as sf

from talking_together.contract import FPS, NUM_PARTICIPANTS, SAMPLE_RATE, SAMPLES_PER_FRAME
from talking_together.data.espeak import Utterance, Voice, synthesize

log = logging.getLogger(__name__)

PEAK = 0.5  # mixed audio is scaled to this peak: headroom for room mixing and noise
LEAD_S = 0.3  # silence before the first turn
TAIL_S = 0.5  # silence after the last turn


FADE_S = 0.015  # fade applied where an utterance is cut, so that cuts do not click


@dataclass
class Placed:
    """One utterance placed on the dialogue timeline; `start_s` is its first phoneme's onset."""

    speaker: int
    start_s: float
    text: str
    utterance: Utterance
    kind: str = "turn"  # "turn" | "backchannel" | "interrupted" | "dub"


def segment(u: Utterance, start_s: float, end_s: float) -> Utterance:
    """The part of `u` whose phonemes lie inside [start_s, end_s], cut at phoneme boundaries,
    faded at the cuts and re-timed to start at 0. Used for interruptions and dubbing."""
    keep = [i for i, (_, a, b) in enumerate(u.phonemes) if a >= start_s - 1e-9 and b <= end_s + 1e-9]
    if not keep:
        raise ValueError(f"no phoneme inside [{start_s:.3f}, {end_s:.3f}] s")
    t0, t1 = u.phonemes[keep[0]][1], u.phonemes[keep[-1]][2]
    a, b = int(round(t0 * SAMPLE_RATE)), int(round(t1 * SAMPLE_RATE))
    audio = u.audio[a:b].copy()
    fade = np.linspace(0.0, 1.0, min(int(FADE_S * SAMPLE_RATE), len(audio) // 2), dtype=np.float32)
    if len(fade):
        audio[: len(fade)] *= fade
        audio[-len(fade):] *= fade[::-1]
    a_s = a / SAMPLE_RATE
    return Utterance(
        audio=audio,
        phonemes=[(sym, p0 - a_s, p1 - a_s) for sym, p0, p1 in (u.phonemes[i] for i in keep)],
        words=[(w0 - a_s, w1 - a_s) for w0, w1 in u.words if w0 >= t0 - 1e-9 and w1 <= t1 + 1e-9],
        stress=[u.stress[i] for i in keep],
    )


@dataclass
class Dialogue:
    """A two-person dialogue at 16 kHz with its ground truth at 25 fps."""

    audio: np.ndarray  # (n,) float32 mix, n a whole number of frames
    sources: np.ndarray  # (2, n) float32 dry tracks; audio == sources.sum(0) unless recorded in a room
    masks: np.ndarray  # (frames, 2) float32 in {0, 1}: speaker's phoneme sounds in that frame
    turns: list[tuple[int, float, float, str]]  # (speaker, start_s, end_s, text), by start
    turn_kinds: list[str]  # aligned with `turns`: see Placed.kind
    phonemes: tuple[list[tuple[str, float, float]], ...]  # per speaker, absolute seconds
    stress: tuple[list[int], ...]  # per speaker, aligned with `phonemes`
    voices: tuple[Voice | str, Voice | str]  # espeak voices, or names of others ("librispeech:103")

    @property
    def duration_s(self) -> float:
        return len(self.audio) / SAMPLE_RATE

    @property
    def num_frames(self) -> int:
        return len(self.masks)


def phoneme_masks(phonemes: Sequence[Sequence[tuple[str, float, float]]], num_frames: int) -> np.ndarray:
    """(frames, speakers) masks: 1 where a frame's centre falls inside one of the speaker's phonemes."""
    centres = (np.arange(num_frames) + 0.5) / FPS
    masks = np.zeros((num_frames, len(phonemes)), np.float32)
    for k, spans in enumerate(phonemes):
        for _, start, end in spans:
            masks[(centres >= start) & (centres < end), k] = 1.0
    return masks


def assemble(placed: Sequence[Placed], voices: tuple[Voice | str, Voice | str]) -> Dialogue:
    """Mix placed utterances (overlaps allowed) into a Dialogue with LEAD_S/TAIL_S of silence."""
    offset = LEAD_S - min(p.start_s for p in placed)
    starts = []  # sample index where each utterance's audio begins
    for p in placed:
        first = p.utterance.phonemes[0][1] if p.utterance.phonemes else 0.0
        starts.append(int(round((p.start_s + offset - first) * SAMPLE_RATE)))
    end = max(s + len(p.utterance.audio) for s, p in zip(starts, placed))
    n = -(-(end + int(TAIL_S * SAMPLE_RATE)) // SAMPLES_PER_FRAME) * SAMPLES_PER_FRAME

    sources = np.zeros((NUM_PARTICIPANTS, n), np.float32)
    phonemes: tuple[list, list] = ([], [])
    stress: tuple[list, list] = ([], [])
    turns = []  # (speaker, start, end, text, kind)
    for s, p in zip(starts, placed):
        u, t0 = p.utterance, s / SAMPLE_RATE
        sources[p.speaker, s:s + len(u.audio)] += u.audio
        phonemes[p.speaker].extend((sym, t0 + a, t0 + b) for sym, a, b in u.phonemes)
        stress[p.speaker].extend(u.stress)
        if u.phonemes:
            turns.append((p.speaker, t0 + u.phonemes[0][1], t0 + u.phonemes[-1][2], p.text, p.kind))
    for k in range(NUM_PARTICIPANTS):  # overlapping turns of one speaker must stay in time order
        order = sorted(range(len(phonemes[k])), key=lambda i: phonemes[k][i][1])
        phonemes[k][:] = [phonemes[k][i] for i in order]
        stress[k][:] = [stress[k][i] for i in order]

    peak = float(np.abs(sources.sum(0)).max())
    sources *= PEAK / peak if peak > 0 else 1.0
    turns.sort(key=lambda t: t[1])
    return Dialogue(
        audio=sources.sum(0),
        sources=sources,
        masks=phoneme_masks(phonemes, n // SAMPLES_PER_FRAME),
        turns=[t[:4] for t in turns],
        turn_kinds=[t[4] for t in turns],
        phonemes=phonemes,
        stress=stress,
        voices=voices,
    )


def make_dialogue(
    turns: Sequence[tuple[int, str]],
    voices: tuple[Voice, Voice],
    gap_s: float = 0.3,
    gap_jitter_s: float = 0.15,
    seed: int = 0,
) -> Dialogue:
    """Alternating turns: each starts `gap_s` (± uniform `gap_jitter_s`) after the last one ends.

    A negative gap overlaps the turns. The seed only moves gaps; synthesis is deterministic.
    """
    rng = np.random.default_rng(seed)
    placed, cursor = [], 0.0
    for speaker, text in turns:
        if speaker not in (0, 1):
            raise ValueError(f"speaker must be 0 (A) or 1 (B), got {speaker}")
        u = synthesize(text, voices[speaker])
        if not u.phonemes:
            raise ValueError(f"espeak produced no phonemes for {text!r}")
        start = cursor + (gap_s + rng.uniform(-gap_jitter_s, gap_jitter_s) if placed else 0.0)
        placed.append(Placed(speaker, start, text, u))
        cursor = start + u.phonemes[-1][2] - u.phonemes[0][1]
    return assemble(placed, voices)


def write_wav(dialogue: Dialogue, path: str | Path) -> Path:
    """Write the mix as 16-bit PCM and a JSON sidecar (same stem) with turns and voices."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    sf.write(path, dialogue.audio, SAMPLE_RATE, subtype="PCM_16")
    sidecar = {
        "sample_rate": SAMPLE_RATE,
        "fps": FPS,
        "duration_s": dialogue.duration_s,
        "num_frames": dialogue.num_frames,
        "voices": [asdict(v) if isinstance(v, Voice) else v for v in dialogue.voices],
        "turns": [
            {"speaker": s, "start_s": round(a, 4), "end_s": round(b, 4), "text": text, "kind": k}
            for (s, a, b, text), k in zip(dialogue.turns, dialogue.turn_kinds)
        ],
    }
    path.with_suffix(".json").write_text(json.dumps(sidecar, indent=2) + "\n")
    log.info("wrote %s (%.1f s, %d turns)", path, dialogue.duration_s, len(dialogue.turns))
    return path


DEMO_VOICES = (
    Voice(name="en-us", rate_wpm=165, pitch=35, pitch_range=50),  # A: lower, American male
    Voice(name="en", variant="f3", rate_wpm=180, pitch=70, pitch_range=70),  # B: British female
)
DEMO_TURNS: tuple[tuple[int, str], ...] = (
    (0, "Hey, did you manage to finish the report last night?"),
    (1, "Almost. I still need to check the numbers in the second table."),
    (0, "Do you want me to take a look at them this afternoon?"),
    (1, "Yes please, that would really help."),
    (0, "Great. Send it over, and I will read it after lunch."),
    (1, "Thanks, I owe you a coffee."),
)


def demo_dialogue() -> Dialogue:
    """The fixed two-voice, six-turn dialogue behind `make demo` and the end-to-end tests."""
    return make_dialogue(DEMO_TURNS, DEMO_VOICES, seed=0)
