"""Who speaks, from one microphone: a neural VAD and online two-speaker clustering of voice embeddings.

Live and causal. The neural VAD says whether someone speaks. While they do, an embedding of the
current speech segment (its newest `window_s`) goes to the nearer of the two voices known so far:

- the first voice heard is A;
- about once a second of speech the history is split in two; when the halves are far enough
  apart and each holds enough speech, they are A (the half nearer the first voice) and B;
- inside a segment the other voice must be clearly nearer to take over, so a turn does not
  flip-flop; until a new segment has `min_speech_s` of speech it keeps the last decision;
- a voice unlike both (a TV, music) for `confirm` embeddings is nobody's: both stay listeners,
  and it never replaces A or B.

Once both voices are known, per-frame voice models learned from these decisions take over who
speaks in each frame (`frame_voices.py`); the embeddings still found and name the two voices.
Where a small trained counter hears two voices at once (`overlap.py`), both people speak, and
the frame trains neither voice model.
Enrolled voices (`calibrate enroll`) are A and B from the start: no split, nothing else differs.
A consumer with a lookahead re-reads its newest frames (`recent`): they take the latest decision,
so a turn change decided a few frames late is not late in its output. Decision 0007 has the figures.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass

import numpy as np

from talking_together.activity.base import Framer
from talking_together.activity.founding import FoundingConfig, FoundingTest
from talking_together.activity.frame_voices import FrameDecisions, FrameVoices, FrameVoicesConfig, mfcc
from talking_together.activity.overlap import DELAY, OverlapConfig, OverlapDetector
from talking_together.activity.vad import NeuralVad, NeuralVadConfig
from talking_together.activity.voices import EMBEDDING_DIM, EncoderMel, VoiceProfile
from talking_together.contract import FPS

NOBODY = -1  # the third-voice label


@dataclass(frozen=True)
class EmbeddingActivityConfig:
    window_s: float = 0.8  # the newest speech an embedding hears: short, so a turn change shows soon
    min_speech_s: float = 0.16  # speech in a segment before its first embedding
    every_frames: int = 4  # one embedding per 160 ms of speech
    pause_s: float = 0.2  # silence (after the VAD's hangover) that ends a segment
    # A room makes every voice alike (shared noise and reverberation), so no fixed similarity says
    # "a new voice". Instead the history is split in two now and then: two people when the halves
    # are far enough apart and each holds enough speech.
    split_similarity: float = 0.88  # the two halves' centres must be less alike than this (cosine)
    min_voice_embeddings: int = 8  # ~1.3 s of speech in the smaller half
    recluster_every: int = 6  # embeddings between splits (~1 s of speech)
    history: int = 750  # embeddings kept (~2 min of speech)
    third_voice_similarity: float = 0.55  # below this to both, the voice is nobody's
    confirm: int = 4  # embeddings in a row (0.64 s) before a third voice is believed
    switch_margin: float = 0.03  # inside a segment, the other voice must be this much nearer
    vad: NeuralVadConfig = NeuralVadConfig()
    frames: FrameVoicesConfig | None = FrameVoicesConfig()  # per-frame voice models once both voices are known; None: embeddings alone
    overlap: OverlapConfig | None = OverlapConfig()  # both speak where the voice counter hears two voices; None: one at a time
    founding: FoundingConfig | None = FoundingConfig()  # a split must also pass the founding test (founding.py); None: the split alone


def unit(x: np.ndarray) -> np.ndarray:
    return x / np.linalg.norm(x, axis=-1, keepdims=True)


def two_means(x: np.ndarray, centres: tuple[np.ndarray, np.ndarray], iters: int = 8) -> tuple[np.ndarray, np.ndarray, np.ndarray] | None:
    """Spherical 2-means of (n, D) unit vectors from two starting centres -> (centre 0, centre 1, labels)."""
    a, b = centres
    for _ in range(iters):
        labels = x @ b > x @ a
        if labels.all() or not labels.any():
            return None
        a, b = unit(x[~labels].mean(0)), unit(x[labels].mean(0))
    return a, b, labels


def split_history(x: np.ndarray, centres: tuple[np.ndarray, np.ndarray] | None = None) -> tuple[np.ndarray, np.ndarray, np.ndarray] | None:
    """(n, D) unit embeddings -> their 2-means split; with no centres yet, from the two ends of the main axis of variation."""
    if centres is None:
        centred = x - x.mean(0)
        axis = np.linalg.svd(centred, full_matrices=False)[2][0]
        side = centred @ axis > 0
        if side.all() or not side.any():
            return None
        centres = (unit(x[~side].mean(0)), unit(x[side].mean(0)))
    return two_means(x, centres)


class OnlineVoices:
    """The two voices of the room, found and refined online; `assign` labels one embedding."""

    def __init__(self, cfg: EmbeddingActivityConfig, enrolled: tuple[VoiceProfile, VoiceProfile] | None = None,
                 founding: FoundingTest | None = None) -> None:
        self.cfg = cfg
        self.enrolled = enrolled is not None
        self.founding = founding  # None: a far enough split founds B
        self.centres: list[np.ndarray] = [p.embedding.copy() for p in enrolled] if enrolled else []
        self._history: deque[np.ndarray] = deque(maxlen=cfg.history)
        self._frames: deque[list[int]] = deque(maxlen=cfg.history)  # the frames each history embedding heard
        self._sum = np.zeros(EMBEDDING_DIM)  # of the history: while only A is known, A is its mean
        self._first: list[np.ndarray] = []  # the first voice heard, which is A however the halves fall
        self._seen = 0
        self._strangers = 0  # consecutive embeddings unlike both voices

    def assign(self, e: np.ndarray, current: tuple[int, ...], new_segment: bool, keep: bool = True,
               frames: list[int] | None = None) -> tuple[int, ...]:
        """The speaker of embedding `e` (of `frames`): (0,), (1,) or (NOBODY,).

        Only kept embeddings (of a whole window of speech) shape the voices: a short one is noisy.
        """
        cfg = self.cfg
        if keep:
            self._remember(e, frames or [])
        if len(self.centres) < 2:
            if self._history:
                self.centres = [unit(self._sum)]
            return (0,)  # the first voice heard is A
        sims = np.array([float(e @ c) for c in self.centres])
        if sims.max() < cfg.third_voice_similarity:
            self._strangers += 1
            return (NOBODY,) if self._strangers >= cfg.confirm else current
        self._strangers = 0
        best = int(np.argmax(sims))
        held = current[0] if current[0] != NOBODY else None
        if not new_segment and held is not None and best != held and sims[best] - sims[held] < cfg.switch_margin:
            best = held  # inside a segment, hold the speaker unless the other is clearly nearer
        return (best,)

    def history(self) -> tuple[np.ndarray, list[list[int]]]:
        """(n, D) the kept embeddings, oldest first, and the frames each heard."""
        return np.array(self._history), list(self._frames)

    def _remember(self, e: np.ndarray, frames: list[int]) -> None:
        if len(self._history) == self._history.maxlen:
            self._sum -= self._history[0]
        self._history.append(e)
        self._frames.append(frames)
        self._sum += e
        if len(self._first) < self.cfg.min_voice_embeddings:
            self._first.append(e)
        self._seen += 1
        if not self.enrolled and self._seen % self.cfg.recluster_every == 0:
            self._recluster()

    def _recluster(self) -> None:
        """Split the history in two; A is the half nearer the first voice heard. B is founded only where the founding test agrees."""
        x = np.array(self._history)
        founded = len(self.centres) == 2
        if not founded and self.founding is not None:  # MFCCs of frames no kept embedding heard any more: never asked for
            self.founding.forget_before(self._frames[0][0] if self._frames[0] else 0)
        split = split_history(x, (self.centres[0], self.centres[1]) if founded else None)
        if split is None:
            return
        a, b, labels = split
        cosine = float(a @ b)
        if cosine >= self.cfg.split_similarity or min(labels.sum(), (~labels).sum()) < self.cfg.min_voice_embeddings:
            return
        if not founded and self.founding is not None and not self.founding.two_voices(cosine, labels, self._frames):
            return
        first = unit(np.mean(self._first, axis=0))
        self.centres = [a, b] if first @ a >= first @ b else [b, a]


class EmbeddingActivity:
    """pA, pB from a mono mic (multichannel audio is mixed down): neural VAD x online voice clustering."""

    def __init__(self, channels: int, enrolled: tuple[VoiceProfile, VoiceProfile] | None = None,
                 cfg: EmbeddingActivityConfig = EmbeddingActivityConfig()) -> None:
        self.channels, self.cfg = channels, cfg
        self.framer = Framer(channels)
        self.vad = NeuralVad(cfg.vad)
        self.founding = FoundingTest(cfg.founding) if cfg.founding is not None and enrolled is None else None
        self.voices = OnlineVoices(cfg, enrolled, self.founding)
        self._window = int(cfg.window_s * FPS)
        self._segment = EncoderMel(keep_frames=self._window)  # the current segment's newest speech, as the encoder hears it
        self._segment_ids: deque[int] = deque(maxlen=self._window)  # ... and their frame numbers
        self._segment_frames = 0  # speech frames in the current segment
        self._silence = 0  # frames since the last speech frame
        self._t = 0  # frames so far
        self.speakers: tuple[int, ...] = (0,)  # the embeddings' last decision; the first voice heard is A
        self._speech_p: deque[float] = deque([0.0] * 16, maxlen=16)  # the newest frames' VAD, for `recent`
        self.frame_voices = FrameVoices(cfg.frames) if cfg.frames is not None else None
        self._decisions = FrameDecisions(cfg.frames.smooth_frames if cfg.frames is not None else 1)
        self.overlap = OverlapDetector(cfg.overlap) if cfg.overlap is not None else None
        self._two_voices: deque[float] = deque([0.0] * 16, maxlen=16)  # the newest frames' p(two voices), latest reading

    def push(self, audio: np.ndarray) -> np.ndarray:
        """(n, C) float32 at 16 kHz -> (frames completed, 2) speaking probabilities."""
        frames = self.framer.push(audio)
        out = np.zeros((len(frames), 2), np.float32)
        for k, frame in enumerate(frames):
            p = self.vad.step(frame)
            mono = frame.mean(axis=1)
            self._count_voices(mono)
            evidence = 0.0
            if p >= 0.5:
                evidence = self._speech(mono)
            else:
                self._silence += 1
                if self._silence >= self.cfg.pause_s * FPS:
                    self._segment.clear()
                    self._segment_ids.clear()
                    self._segment_frames = 0
            self._t += 1
            self._decisions.add(evidence, p >= 0.5)
            self._speech_p.append(p)
            out[k] = self._attributed(p, self._who(), self._two_voices[-1])
        return out

    def _count_voices(self, mono: np.ndarray) -> None:
        """Every frame, speech or not (the counter's state runs on): p(two voices) now, and DELAY frames back."""
        if self.overlap is None:
            self._two_voices.append(0.0)
            return
        now, late = self.overlap.step(mono)
        self._two_voices[-DELAY] = late  # the delayed head has heard DELAY frames past that one
        self._two_voices.append(now)

    def _two_sound(self, two_voices: float) -> bool:
        """Whether a frame's p(two voices) says both people speak."""
        return self.overlap is not None and two_voices >= self.overlap.cfg.threshold

    def recent(self, n: int) -> np.ndarray:
        """The newest n frames re-decided with what came after them: the decisions are newer than they are."""
        if n > len(self._speech_p):
            raise ValueError(f"only the newest {len(self._speech_p)} frames are kept, asked for {n}")
        speech_p = list(self._speech_p)[len(self._speech_p) - n :]
        two = list(self._two_voices)[len(self._two_voices) - n :]
        return np.stack([self._attributed(p, self._who(back=n - 1 - j), two[j]) for j, p in enumerate(speech_p)])

    def _who(self, back: int = 0) -> tuple[int, ...]:
        """Who speaks in the frame `back` frames before the newest, reading every frame after it."""
        if self.frame_voices is None or not self.frame_voices.ready or self.speakers == (NOBODY,):
            return self.speakers  # the embeddings alone: their decision is the newest there is
        return (self._decisions.speaker(back, ahead=back),)

    def _attributed(self, speech_p: float, speakers: tuple[int, ...], two_voices: float) -> np.ndarray:
        """A frame's speech probability -> (2,), given to `speakers`, or to both where two voices sound."""
        out = np.zeros(2, np.float32)
        if speakers == (NOBODY,):
            return out  # a third voice: nobody's, however many voices it has
        if self._two_sound(two_voices):
            speakers = (0, 1)
        for who in speakers:
            out[who] = speech_p
        return out

    def _speech(self, mono: np.ndarray) -> float:
        """A speech frame -> its evidence for B over A from the frame models (0 until they exist)."""
        cfg = self.cfg
        self._silence = 0
        features = mfcc(self._segment.push(mono))  # (4, 19)
        self._segment_ids.append(self._t)
        self._segment_frames += 1
        if self.founding is not None:
            self.founding.add(self._t, features)
        evidence = self.frame_voices.add(self._t, features, learn=not self._two_sound(self._two_voices[-1])) if self.frame_voices is not None else 0.0
        first = self._segment_frames == int(cfg.min_speech_s * FPS)
        if self._segment_frames >= cfg.min_speech_s * FPS and (first or self._segment_frames % cfg.every_frames == 0):
            e = self._segment.embedding()
            whole = len(self._segment) == self._window
            heard = list(self._segment_ids)
            self.speakers = self.voices.assign(e, self.speakers, new_segment=first, keep=whole, frames=heard)
            if self.frame_voices is not None and whole and len(self.voices.centres) == 2 and self.speakers != (NOBODY,):
                self.frame_voices.vote(heard, self.speakers[0])
        return evidence
