"""Phone timing for speech without synthesiser events: real voices, flite and festival.

espeak reports its phonemes; other voices do not, and the mouth's truth (data/visemes.py) needs
them. pocketsphinx's wheel ships an English acoustic model, a language model and CMUdict, so:
- with the text known (TTS), the text is force-aligned to the audio;
- without it (LibriSpeech here ships no transcripts), pocketsphinx first recognises the words,
  then aligns its own hypothesis. A misrecognised word still aligns to similar sounds, which is
  what a viseme needs; `tests/test_alignment.py` measures it against espeak's exact timing.
The phones are then fitted to the clip's speech spans (real_speech.speech_spans), so the speaker
masks stay the energy rule's and only the mouth shapes come from the aligner.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Sequence

import numpy as np

from talking_together.contract import SAMPLE_RATE
from talking_together.data.espeak import Utterance

log = logging.getLogger(__name__)

FRAME_S = 0.01  # pocketsphinx's frame
NEUTRAL, NEUTRAL_S = "ə", 0.1  # what a speech span the aligner found no phone in is cut into
# CMUdict's ARPAbet (pocketsphinx's phone set) as the IPA symbols data/visemes.py reads
ARPABET_IPA = {
    "AA": "ɑ", "AE": "æ", "AH": "ʌ", "AO": "ɔ", "AW": "aʊ", "AY": "aɪ", "B": "b", "CH": "tʃ", "D": "d",
    "DH": "ð", "EH": "ɛ", "ER": "ɝ", "EY": "eɪ", "F": "f", "G": "ɡ", "HH": "h", "IH": "ɪ", "IY": "i",
    "JH": "dʒ", "K": "k", "L": "l", "M": "m", "N": "n", "NG": "ŋ", "OW": "oʊ", "OY": "ɔɪ", "P": "p",
    "R": "ɹ", "S": "s", "SH": "ʃ", "T": "t", "TH": "θ", "UH": "ʊ", "UW": "u", "V": "v", "W": "w",
    "Y": "j", "Z": "z", "ZH": "ʒ",
}


class AlignmentError(RuntimeError):
    """pocketsphinx is missing or could not align a clip."""


# A narrower search than pocketsphinx's default: 2.6x faster on LibriSpeech clips (0.33 s of CPU
# per second), with nearly the same words; a wrong word still aligns to similar phones.
_FAST_SEARCH = {"fwdflat": False, "bestpath": False, "beam": 1e-40, "wbeam": 1e-30, "pbeam": 1e-40, "maxhmmpf": 10000}


@functools.lru_cache(maxsize=2)
def _decoder(role: str):  # "recognise" | "align"; one each per process: loading takes about a second
    try:
        from pocketsphinx import Decoder
    except ImportError as exc:
        raise AlignmentError(f"pocketsphinx is not installed ({exc}); `make install` installs it") from exc
    return Decoder(loglevel="FATAL", **(_FAST_SEARCH if role == "recognise" else {}))


def _decode(d, pcm: bytes) -> None:
    d.start_utt()
    d.process_raw(pcm, full_utt=True)
    d.end_utt()


def _recognise(pcm: bytes) -> str:
    recogniser = _decoder("recognise")
    _decode(recogniser, pcm)
    hyp = recogniser.hyp()
    return hyp.hypstr if hyp is not None else ""


def _force_align(pcm: bytes, text: str) -> list[tuple[str, float, float]]:
    d = _decoder("align")
    tokens = (w.strip(".,;:!?\"'") for w in text.lower().replace("-", " ").split())
    words = " ".join(w for w in tokens if w and d.lookup_word(w))  # words outside CMUdict cannot align
    if not words:
        return []
    try:
        d.set_align_text(words)
        _decode(d, pcm)  # words
        d.set_alignment()
        _decode(d, pcm)  # their phones
        alignment = d.get_alignment()
    except RuntimeError as exc:  # the search lost the text's path (about 1 in 6 TTS sentences)
        log.debug("no alignment of %d words to %.1f s: %s", len(words.split()), len(pcm) / 2 / SAMPLE_RATE, exc)
        return []
    return [(ARPABET_IPA[p.name], p.start * FRAME_S, (p.start + p.duration) * FRAME_S)
            for w in alignment for p in w if p.name in ARPABET_IPA]


def align(audio: np.ndarray, text: str | None = None) -> list[tuple[str, float, float]]:
    """(IPA phone, start_s, end_s) of a 16 kHz mono clip, silences dropped; [] when nothing aligns.

    The text, when given, is aligned first; without it, or when it does not align, the words are
    recognised and the hypothesis aligned (about 0.4 s of CPU per second of audio)."""
    pcm = (np.clip(np.asarray(audio, np.float64), -1, 1) * 32767).astype(np.int16).tobytes()
    phones = _force_align(pcm, text) if text else []
    return phones or _force_align(pcm, _recognise(pcm))


def fit_to_spans(phones: Sequence[tuple[str, float, float]], spans: Sequence[tuple[float, float]]
                 ) -> list[tuple[str, float, float]]:
    """Phones that tile each speech span exactly: clipped to it, gaps given to the phone before
    (the first phone also takes the span's start); a span with no phone becomes neutral vowels of
    about NEUTRAL_S each, so that it can still be cut inside."""
    out: list[tuple[str, float, float]] = []
    for a, b in spans:
        inside = [(s, max(p0, a), min(p1, b)) for s, p0, p1 in phones if min(p1, b) - max(p0, a) > 1e-6]
        if not inside:
            edges = np.linspace(a, b, max(1, round((b - a) / NEUTRAL_S)) + 1)
            out += [(NEUTRAL, float(p0), float(p1)) for p0, p1 in zip(edges, edges[1:])]
            continue
        for i, (s, p0, _) in enumerate(inside):
            end = inside[i + 1][1] if i + 1 < len(inside) else b
            out.append((s, a if i == 0 else p0, end))
    return out


def with_phones(u: Utterance, phones: Sequence[tuple[str, float, float]]) -> Utterance:
    """`u` (a speech_utterance or a piece of one: "speech" pieces tiling its speech) with `phones`
    (align(u.audio)) tiling the same speech instead; the masks, which the pieces made, are unchanged."""
    spans: list[tuple[float, float]] = []
    for _, a, b in u.phonemes:  # the pieces, merged where they touch
        if spans and a - spans[-1][1] < 1e-6:
            spans[-1] = (spans[-1][0], b)
        else:
            spans.append((a, b))
    fitted = fit_to_spans(phones, spans)
    return Utterance(audio=u.audio, phonemes=fitted, words=list(u.words), stress=[0] * len(fitted))
