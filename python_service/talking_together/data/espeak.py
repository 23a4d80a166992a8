"""espeak-ng through ctypes, from the `espeakng-loader` wheel (no system install).

We want espeak for one reason: its phoneme events carry exact sample positions, so every
synthetic utterance comes with exact phoneme and word timing, the ground truth that the
masks and visemes are built on. espeak keeps global state, so one lock serialises all use
within a process; worker processes each load their own copy.

espeak makes synthesis random in two ways, and both are pinned so that one call is a pure
function of (text, voice), independent of the process and of earlier calls:
- its own noise generator (breath, flutter) is seeded from the clock at initialisation, so
  each process spoke differently; `espeak_ng_SetRandSeed` fixes it before every call. Its
  voicing noise also calls libc's rand(), whose state lives outside the library, so each
  call reseeds that with srand() too;
- its synthesiser carries state from one call to the next (with the seeds pinned, the same
  call on a library kept loaded still came out different after other calls), so each call
  loads a fresh copy of the library and unloads it afterwards (under a millisecond).
"""

from __future__ import annotations

import _ctypes
import ctypes
import logging
import threading
from dataclasses import dataclass

import numpy as np
import soxr

from talking_together.contract import SAMPLE_RATE

log = logging.getLogger(__name__)

# espeak_ng/speak_lib.h
_AUDIO_OUTPUT_SYNCHRONOUS = 2
_INITIALIZE_PHONEME_EVENTS = 0x0001
_INITIALIZE_PHONEME_IPA = 0x0002
_INITIALIZE_DONT_EXIT = 0x8000
_CHARS_UTF8 = 1
_ENDPAUSE = 0x1000
_POS_CHARACTER = 1
_EVENT_LIST_TERMINATED = 0
_EVENT_WORD = 1
_EVENT_END = 5
_EVENT_MSG_TERMINATED = 6
_EVENT_PHONEME = 7
_PARAM_RATE, _PARAM_VOLUME, _PARAM_PITCH, _PARAM_RANGE = 1, 2, 3, 4
_EE_OK = 0
_RAND_SEED = 1  # espeak's and libc's noise seed before each synthesis

PAUSE_SYMBOLS = frozenset({"_", ""})  # espeak's pause "phoneme"; no mouth shape
STRESS_MARKS = {"ˈ": 2, "ˌ": 1}  # IPA primary / secondary stress, prefixed to a vowel's name
VOICE_ALIASES = {"en-gb": "en"}  # espeak names British English plain "en"


class _EventId(ctypes.Union):
    _fields_ = [("number", ctypes.c_int), ("name", ctypes.c_char_p), ("string", ctypes.c_char * 8)]


class _Event(ctypes.Structure):
    _fields_ = [
        ("type", ctypes.c_int),
        ("unique_identifier", ctypes.c_uint),
        ("text_position", ctypes.c_int),
        ("length", ctypes.c_int),
        ("audio_position", ctypes.c_int),  # ms
        ("sample", ctypes.c_int),  # samples since the start of the message
        ("user_data", ctypes.c_void_p),
        ("id", _EventId),
    ]


_SynthCallback = ctypes.CFUNCTYPE(
    ctypes.c_int, ctypes.POINTER(ctypes.c_short), ctypes.c_int, ctypes.POINTER(_Event)
)


class EspeakError(RuntimeError):
    """espeak-ng could not be loaded or refused a request."""


@dataclass
class Voice:
    """A speaker identity: espeak voice + variant, and prosody settings (espeak's units)."""

    name: str = "en-us"
    rate_wpm: int = 170  # words per minute, 80..450
    pitch: int = 50  # 0..100, base pitch
    pitch_range: int = 50  # 0..100, intonation range
    volume: int = 100  # 0..200
    variant: str = ""  # e.g. "f3", "m2", "klatt"; empty for the voice's default

    @property
    def espeak_name(self) -> str:
        name = VOICE_ALIASES.get(self.name, self.name)
        return f"{name}+{self.variant}" if self.variant else name


@dataclass
class Utterance:
    """One synthesised utterance at 16 kHz with its exact timing."""

    audio: np.ndarray  # (n,) float32 in [-1, 1], 16 kHz
    phonemes: list[tuple[str, float, float]]  # (IPA symbol, start_s, end_s), pauses dropped
    words: list[tuple[float, float]]  # (start_s, end_s)
    stress: list[int]  # per phoneme: 0 none, 1 secondary, 2 primary (emphasis cues)

    @property
    def duration_s(self) -> float:
        return len(self.audio) / SAMPLE_RATE


_LIBC = ctypes.CDLL(None)  # the process's C library, whose rand() espeak's noise uses


class _Engine:
    """The process-wide espeak instance, loaded fresh for each synthesis."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.lib: ctypes.CDLL | None = None
        self.rate = 0
        self._chunks: list[bytes] = []
        self._events: list[tuple[int, int, str]] = []  # (type, sample, name)
        self._callback = _SynthCallback(self._on_synth)  # kept alive as long as the engine

    def _load(self) -> None:
        try:
            import espeakng_loader

            lib_path, data_path = espeakng_loader.get_library_path(), espeakng_loader.get_data_path()
            lib = ctypes.CDLL(lib_path)
        except (ImportError, OSError, RuntimeError) as exc:
            raise EspeakError(
                f"cannot load espeak-ng from the espeakng-loader wheel ({exc}); "
                "install it with `pip install espeakng-loader`"
            ) from exc
        lib.espeak_Initialize.restype = ctypes.c_int
        lib.espeak_Initialize.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_char_p, ctypes.c_int]
        lib.espeak_SetSynthCallback.argtypes = [_SynthCallback]
        lib.espeak_SetVoiceByName.argtypes = [ctypes.c_char_p]
        lib.espeak_SetParameter.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_int]
        lib.espeak_ng_SetRandSeed.argtypes = [ctypes.c_long]
        lib.espeak_Synth.argtypes = [
            ctypes.c_void_p, ctypes.c_size_t, ctypes.c_uint, ctypes.c_int, ctypes.c_uint,
            ctypes.c_uint, ctypes.POINTER(ctypes.c_uint), ctypes.c_void_p,
        ]
        options = _INITIALIZE_PHONEME_EVENTS | _INITIALIZE_PHONEME_IPA | _INITIALIZE_DONT_EXIT
        rate = lib.espeak_Initialize(_AUDIO_OUTPUT_SYNCHRONOUS, 0, data_path.encode(), options)
        if rate <= 0:
            raise EspeakError(f"espeak_Initialize failed ({rate}) with data at {data_path}")
        lib.espeak_SetSynthCallback(self._callback)
        self.lib, self.rate = lib, rate

    def _unload(self) -> None:
        """Terminate and dlclose, so that the next load starts from clean static state."""
        lib, self.lib = self.lib, None
        lib.espeak_Terminate()
        _ctypes.dlclose(lib._handle)

    def _on_synth(self, wav, num_samples, events) -> int:
        if num_samples > 0:
            self._chunks.append(ctypes.string_at(wav, 2 * num_samples))  # int16 samples
        i = 0
        while events[i].type != _EVENT_LIST_TERMINATED:
            ev = events[i]
            if ev.type == _EVENT_PHONEME:
                self._events.append((ev.type, ev.sample, ev.id.string.decode("utf-8", "replace")))
            elif ev.type in (_EVENT_WORD, _EVENT_END, _EVENT_MSG_TERMINATED):
                self._events.append((ev.type, ev.sample, ""))
            i += 1
        return 0

    def synthesize(self, text: str, voice: Voice) -> tuple[np.ndarray, list[tuple[int, int, str]]]:
        """Raw espeak output: int16 audio at `self.rate` and its events, in order."""
        with self.lock:
            self._load()
            try:
                self.lib.espeak_ng_SetRandSeed(_RAND_SEED)
                _LIBC.srand(_RAND_SEED)
                return self._synthesize(text, voice)
            finally:
                self._unload()

    def _synthesize(self, text: str, voice: Voice) -> tuple[np.ndarray, list[tuple[int, int, str]]]:
        lib = self.lib
        if lib.espeak_SetVoiceByName(voice.espeak_name.encode()) != _EE_OK:
            raise EspeakError(f"espeak has no voice {voice.espeak_name!r}")
        for param, value in (
            (_PARAM_RATE, voice.rate_wpm), (_PARAM_PITCH, voice.pitch),
            (_PARAM_RANGE, voice.pitch_range), (_PARAM_VOLUME, voice.volume),
        ):
            lib.espeak_SetParameter(param, int(value), 0)
        self._chunks, self._events = [], []
        data = text.encode("utf-8") + b"\0"
        err = lib.espeak_Synth(data, len(data), 0, _POS_CHARACTER, 0, _CHARS_UTF8, None, None)
        if err != _EE_OK:
            raise EspeakError(f"espeak_Synth failed ({err}) on {text!r}")
        lib.espeak_Synchronize()
        chunks, events = self._chunks, self._events
        self._chunks, self._events = [], []
        audio = np.frombuffer(b"".join(chunks), np.int16)
        return audio, events


_ENGINE = _Engine()


def synthesize(text: str, voice: Voice = Voice()) -> Utterance:
    """Speak `text` with `voice`; return 16 kHz audio with exact phoneme and word timing."""
    raw, events = _ENGINE.synthesize(text, voice)
    src_rate = _ENGINE.rate
    audio = soxr.resample(raw.astype(np.float32) / 32768.0, src_rate, SAMPLE_RATE, quality="HQ")
    audio = np.clip(audio, -1.0, 1.0).astype(np.float32)
    duration = len(audio) / SAMPLE_RATE

    # A phoneme lasts until the next phoneme, word or end event; pauses only mark ends.
    boundaries = [(t, min(s / src_rate, duration), name) for t, s, name in events]
    phonemes: list[tuple[str, float, float]] = []
    stress: list[int] = []
    word_starts: list[int] = []  # index into `phonemes` of each word's first phoneme
    for k, (etype, start, name) in enumerate(boundaries):
        if etype == _EVENT_WORD:
            word_starts.append(len(phonemes))
        if etype != _EVENT_PHONEME or name in PAUSE_SYMBOLS:
            continue
        end = next((s for t, s, _ in boundaries[k + 1:] if t in (_EVENT_PHONEME, _EVENT_END,
                                                                 _EVENT_MSG_TERMINATED)), duration)
        if end > start:
            level = max((STRESS_MARKS.get(c, 0) for c in name), default=0)
            phonemes.append(("".join(c for c in name if c not in STRESS_MARKS), start, end))
            stress.append(level)
    words = [
        (phonemes[a][1], phonemes[b - 1][2])
        for a, b in zip(word_starts, word_starts[1:] + [len(phonemes)])
        if b > a
    ]
    return Utterance(audio=audio, phonemes=phonemes, words=words, stress=stress)
