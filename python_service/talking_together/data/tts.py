"""Dialogues in other TTS families (flite, festival), so that speaker activity is not tuned to espeak.

Neither gives timings we can trust as easily as espeak's events, so their truth comes from the
dry audio by the same rule as real speech (real_speech.speech_spans); turns, backchannels,
levels and the room are shared with the real-voice dialogues too. Texts come from data/text.py.
Both are Debian packages (.ci/apt-packages.txt): flite, festival, festvox-kallpc16k, festvox-us-slt-hts.
"""

from __future__ import annotations

import logging
import shutil
import subprocess
import tempfile
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from talking_together.audio.sources import read_audio_file
from talking_together.data.alignment import align, with_phones
from talking_together.data.dialogue import Dialogue, assemble
from talking_together.data.real_speech import in_room, place, speech_utterance
from talking_together.data.text import backchannel, script

log = logging.getLogger(__name__)

# family -> voice -> gender
VOICES: dict[str, dict[str, str]] = {
    "flite": {"kal": "M", "kal16": "M", "awb": "M", "rms": "M", "slt": "F"},
    "festival": {"kal": "M", "slt": "F"},
}
# festival voice -> (the Scheme function that selects it, its Debian package)
FESTIVAL_VOICES = {"kal": ("voice_kal_diphone", "festvox-kallpc16k"),
                   "slt": ("voice_cmu_us_slt_arctic_hts", "festvox-us-slt-hts")}


class TTSError(RuntimeError):
    """A synthesiser is missing or failed."""


def _binary(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise TTSError(f"`{name}` is not installed: install the Debian package {name} "
                       f"(apt-get install {name}; listed in .ci/apt-packages.txt)")
    return path


def _check(family: str, voice: str) -> None:
    if family not in VOICES:
        raise ValueError(f"unknown TTS family {family!r}; expected one of {tuple(VOICES)}")
    if voice not in VOICES[family]:
        raise ValueError(f"{family} has no voice {voice!r}; expected one of {tuple(VOICES[family])}")


def _flite(requests: Sequence[tuple[str, str]], paths: Sequence[Path]) -> None:
    flite = _binary("flite")
    for (voice, text), path in zip(requests, paths):
        run = subprocess.run([flite, "-voice", voice, "-t", text, "-o", str(path)], capture_output=True, text=True)
        if run.returncode != 0:
            raise TTSError(f"flite -voice {voice} failed on {text!r}: {run.stderr.strip()}")


def _festival(requests: Sequence[tuple[str, str]], paths: Sequence[Path], script_path: Path) -> None:
    """All requests in one festival process: it takes about half a second to start."""
    festival = _binary("festival")
    lines, current = [], None
    for (voice, text), path in zip(requests, paths):
        if voice != current:
            lines.append(f"({FESTIVAL_VOICES[voice][0]})")
            current = voice
        quoted = text.replace("\\", "\\\\").replace('"', '\\"')
        lines.append(f'(utt.save.wave (utt.synth (Utterance Text "{quoted}")) "{path}" \'riff)')
    script_path.write_text("\n".join(lines) + "\n")
    run = subprocess.run([festival, "--batch", str(script_path)], capture_output=True, text=True)
    if run.returncode != 0 or not all(p.exists() for p in paths):
        output = (run.stdout + run.stderr).strip()
        missing = [pkg for fn, pkg in FESTIVAL_VOICES.values() if f"unbound variable : {fn}" in output]
        hint = f"; install the Debian package {missing[0]}" if missing else ""
        raise TTSError(f"festival failed ({run.returncode}): {output[-500:]}{hint}")


def synthesize(family: str, requests: Sequence[tuple[str, str]]) -> list[np.ndarray]:
    """(n,) float32 16 kHz audio for each (voice, text) request."""
    for voice, _ in requests:
        _check(family, voice)
    with tempfile.TemporaryDirectory(prefix=f"tt-{family}-") as tmp:
        paths = [Path(tmp) / f"{i}.wav" for i in range(len(requests))]
        if family == "flite":
            _flite(requests, paths)
        else:
            _festival(requests, paths, Path(tmp) / "script.scm")
        return [read_audio_file(path).mean(axis=1) for path in paths]


def tts_dialogue(family: str, voices: tuple[str, str], seed: int, turns: int = 8, room: bool = True,
                 phones: bool = False) -> Dialogue:
    """A dialogue of two `family` voices (A first) on data/text.py's scripts, built like
    real_speech.real_dialogue: same timing, backchannels, level rule and room; deterministic.
    With `phones`, each line is force-aligned to its text (data/alignment.py) for the mouth's truth."""
    for voice in voices:
        _check(family, voice)
    rng = np.random.default_rng(seed)
    lines = [line.text for line in script(rng, turns, max_sentences=2)]  # speakers alternate from A
    per_listener = (turns + 1) // 2  # at most one in each of the other's turns
    backchannels = [[backchannel(rng) for _ in range(per_listener)] for _ in range(2)]
    gains = rng.uniform(-3, 3, 2)
    said = [(i % 2, text) for i, text in enumerate(lines)] + [(k, t) for k in range(2) for t in backchannels[k]]
    audio = synthesize(family, [(voices[k], text) for k, text in said])
    utterances = [speech_utterance(a, float(gains[k])) for a, (k, _) in zip(audio, said)]
    if phones:
        utterances = [with_phones(u, align(u.audio, text)) for u, (_, text) in zip(utterances, said)]
    for (k, text), u in zip(said, utterances):
        if not u.phonemes:
            raise TTSError(f"{family} {voices[k]} produced no speech for {text!r}")
    pools: tuple[list, list] = ([], [])  # each listener's backchannels
    for (k, text), u in zip(said[turns:], utterances[turns:]):
        pools[k].append((text, u))
    placed = place(list(zip(lines, utterances[:turns])), lambda k: pools[k].pop(), rng)
    d = assemble(placed, (f"{family}:{voices[0]}", f"{family}:{voices[1]}"))
    log.info("%s dialogue %s+%s seed %d: %.1f s, %d turns", family, *voices, seed, d.duration_s, len(d.turns))
    return in_room(d, rng) if room else d
