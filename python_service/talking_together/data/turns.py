"""Conversational timing: when each turn starts, who interrupts, where the listener backchannels.

The numbers come from the conversation-analysis literature (see docs/data.md):
- Floor-transfer offsets (next turn's onset minus the previous turn's end) cluster just above
  zero: mode 0-200 ms and an English mean of about +236 ms across question-answer pairs
  (Stivers et al. 2009); gaps and overlaps are both common, with overlaps around 40% of
  speaker changes in the corpora of Heldner & Edlund (2010). A normal with mean 0.2 s and
  sd 0.45 s gives about one third overlaps, clipped to [-0.6, 1.5] s.
- Interruptions: the overlapped speaker yields within one or two syllables (Schegloff 2000),
  so the interrupted turn stops 0.15-0.5 s after the interrupter starts.
- Backchannels come at the speaker's pauses and phrase ends (Ward & Tsukahara 2000),
  no closer than about 2 s apart, and only in turns longer than about 2 s.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from talking_together.data.dialogue import Dialogue, Placed, assemble, segment
from talking_together.data.espeak import Utterance, Voice, synthesize
from talking_together.data.text import Line, backchannel


@dataclass
class TurnTakingConfig:
    fto_mean_s: float = 0.2  # floor-transfer offset, Stivers et al. 2009
    fto_sd_s: float = 0.45  # gives ~1/3 overlaps, Heldner & Edlund 2010
    fto_min_s: float = -0.6
    fto_max_s: float = 1.5
    interrupt_prob: float = 0.12  # of speaker changes after a turn longer than 2 s
    interrupt_yield_s: tuple[float, float] = (0.15, 0.5)  # Schegloff 2000
    backchannel_min_turn_s: float = 2.0
    backchannel_prob: float = 0.5  # per opportunity (a pause or phrase end)
    backchannel_spacing_s: float = 2.0
    backchannel_delay_s: tuple[float, float] = (0.0, 0.3)  # after the pause starts


def _pauses(u: Utterance, min_gap_s: float = 0.06) -> list[float]:
    """Times (s, utterance clock) where the speaker pauses between words: backchannel slots."""
    return [a_end for (_, a_end), (b_start, _) in zip(u.words, u.words[1:]) if b_start - a_end >= min_gap_s]


def _backchannels(
    speaker_turn: Placed, voice: Voice, cfg: TurnTakingConfig, rng: np.random.Generator
) -> list[Placed]:
    u, onset = speaker_turn.utterance, speaker_turn.utterance.phonemes[0][1]
    duration = u.phonemes[-1][2] - onset
    if duration < cfg.backchannel_min_turn_s:
        return []
    out, last = [], -np.inf
    for t in _pauses(u):
        if t - onset < 1.0 or duration - (t - onset) < 0.5 or t - last < cfg.backchannel_spacing_s:
            continue
        if rng.random() < cfg.backchannel_prob:
            text = backchannel(rng)
            start = speaker_turn.start_s + (t - onset) + rng.uniform(*cfg.backchannel_delay_s)
            out.append(Placed(1 - speaker_turn.speaker, start, text, synthesize(text, voice), "backchannel"))
            last = t
    return out


def place_turns(
    lines: Sequence[Line], voices: tuple[Voice, Voice], rng: np.random.Generator,
    cfg: TurnTakingConfig = TurnTakingConfig(),
) -> list[Placed]:
    """Synthesize a script and place it in time with gaps, overlaps, interruptions and
    backchannels. `voices[k]` may be varied per call by the caller; here they are fixed."""
    placed: list[Placed] = []
    for line in lines:
        u = synthesize(line.text, voices[line.speaker])
        if not placed:
            placed.append(Placed(line.speaker, 0.0, line.text, u))
            continue
        prev = placed[-1]
        prev_u = prev.utterance
        prev_dur = prev_u.phonemes[-1][2] - prev_u.phonemes[0][1]
        if line.speaker != prev.speaker and prev_dur > 2.0 and rng.random() < cfg.interrupt_prob:
            # the next speaker starts inside the previous turn, which yields shortly after
            start = prev.start_s + rng.uniform(0.5, 0.8) * prev_dur
            cut = start - prev.start_s + rng.uniform(*cfg.interrupt_yield_s) + prev_u.phonemes[0][1]
            try:
                prev.utterance = segment(prev_u, 0.0, cut)
                prev.kind = "interrupted"
            except ValueError:  # no whole phoneme before the cut: not an interruption after all
                start = prev.start_s + prev_dur
        else:
            fto = float(np.clip(rng.normal(cfg.fto_mean_s, cfg.fto_sd_s), cfg.fto_min_s, cfg.fto_max_s))
            start = prev.start_s + prev_dur + fto
            if line.speaker == prev.speaker:  # same speaker continues: a pause, never an overlap
                start = prev.start_s + prev_dur + abs(fto) + 0.2
            start = max(start, prev.start_s + 0.3)
        placed.append(Placed(line.speaker, start, line.text, u))
    backchannels = []
    for turn in placed:
        if turn.kind == "turn":
            backchannels += _backchannels(turn, voices[1 - turn.speaker], cfg, rng)
    return placed + backchannels


def conversation(
    lines: Sequence[Line], voices: tuple[Voice, Voice], rng: np.random.Generator,
    cfg: TurnTakingConfig = TurnTakingConfig(),
) -> Dialogue:
    return assemble(place_turns(lines, voices, rng, cfg), voices)
