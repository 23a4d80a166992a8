"""Speaker activity from one mono room microphone: the old pitch clusterer against the new embedding estimator.

Table 1 (one mono mic, nobody enrolled). For each voice family (espeak, flite, festival, real
LibriSpeech readers) and gender pairing (FF, MM, FM), `--count` two-person dialogues of about
45 s (data.voice_dialogues.dialogue_set: reverberant room, 10-30 dB SNR, exact masks) are
streamed in 40 ms chunks of 640 samples, as the live service pushes them, through

- OLD: PitchActivity(1), the pitch clusterer that was the default before decision 0007;
- VOX: EmbeddingActivity with the per-frame voice models but neither the overlap detector nor the founding
  test: one person at a time, the default before decision 0015, read within the lookahead ("vox+la");
- OVL: + the overlap detector, without the founding test: the default before decision 0016 ("ovl+la");
- NEW: EmbeddingActivity(1) with nobody enrolled (neural VAD + GE2E embeddings clustered online, B
  founded only where the founding test says two people, activity/founding.py, + per-frame voice
  models learned from them, activity/frame_voices.py, + both people where the voice
  counter hears two voices, activity/overlap.py), scored twice from one
  pass: "new" as push returned each frame (what the baseline animator and a calibration check see), and "new+la" with its newest frames re-read within the diffusion
  engine's lookahead (StreamingConfig.lookahead_frames, 80 ms; activity.recent), as the engine's
  emitted masks are: that costs no latency, since the engine waits for the lookahead anyway.

Per row and estimator: frame F1 of A and of B with the labels as given (the first voice heard
must be A; evaluate.diarization.person_f1 on the row's frames pooled), DER and JER from
pyannote (DiarizationScore accumulated over the row's dialogues; labels mapped optimally,
overlap scored, no collar), and CPU cost in ms per second of audio (time.process_time around
the push loop only; torch runs on one thread). espeak and real dialogues use the held-out
voices by default (`--split test`: report only, never tune on them); `--split tune` measures the
LibriSpeech readers the settings were chosen on. flite has one female voice and
festival one female and one male, so their same-gender rows pair a voice with itself: they are
printed, marked "(same voice)", and left out of every summary.

Decision latency, per family: for each true speaker change (a solo turn starting after the
other person's solo turn, no overlap between them), the time from the new speaker's first
speech frame to the first frame where the estimator gives the new speaker p >= 0.5 and the old
one p < 0.5 (0 ms = decided on the onset frame itself); a change not decided before the new
turn ends is counted as missed. Medians are over the decided changes.

Table 2 (microphone arrays). Two espeak voices, and two held-out real readers (FF, MM, FM by
room), in three simulated rooms heard by a stereo pair and a 4-mic circle, with the seats
calibrated: frame F1 of the direction-of-arrival estimator toward the seats against the energy
VAD baseline, the calibration check's seat-direction error and the cost per second of audio.

Table 3 (one person alone). `--monologues` pairs of real readers per pairing; each reader of a pair
is heard alone for about 90 s (a real dialogue with the other person silenced, data.real_speech.monologue,
in a simulated room). Per output: the share of the reader's speech frames given to a second person
(p(B) >= 0.5), the worst monologue's share, and in how many a second person spoke for 1 s or more.
The issue's bar is no phantom second person.

    python bench/activity.py [--count 3] [--families espeak flite festival real] [--monologues 1]
"""

from __future__ import annotations

import argparse
import dataclasses
import logging
import sys
import time
from dataclasses import dataclass, field

import numpy as np
import torch
from rich.console import Console
from rich.table import Table
from tqdm import tqdm

from calibration import MicArray, Seat, facing_yaw_deg, new_calibration, place_preset
from calibration.room import check_seat_direction
from talking_together.activity import EmbeddingActivity, EmbeddingActivityConfig, EnergyActivity, PitchActivity, frame_f1, make_activity, stream_activity
from talking_together.activity.base import LIVE_CHUNK
from talking_together.activity import voices
from talking_together.activity.simulate import Room, simulate
from talking_together.animators.diffusion.config import StreamingConfig
from talking_together.contract import FPS, SAMPLE_RATE
from talking_together.data.dialogue import DEMO_TURNS, DEMO_VOICES, Dialogue, make_dialogue
from talking_together.data.espeak import synthesize
from talking_together.data.real_speech import PAIRINGS, in_room, monologue, pairs, real_dialogue
from talking_together.data.voice_dialogues import FAMILIES, dialogue_set
from talking_together.evaluate.diarization import DiarizationScore, person_f1

SEED = 0
LOOKAHEAD = StreamingConfig().lookahead_frames
ESTIMATORS = {
    "old": lambda: PitchActivity(1),
    "vox": lambda: EmbeddingActivity(1, cfg=EmbeddingActivityConfig(overlap=None, founding=None)),
    "ovl": lambda: EmbeddingActivity(1, cfg=EmbeddingActivityConfig(founding=None)),
    "new": lambda: EmbeddingActivity(1),
}
# each estimator's scored outputs: name -> (estimator, re-read within the engine's lookahead?)
OUTPUTS = {"old": ("old", False), "vox+la": ("vox", True), "ovl+la": ("ovl", True), "new": ("new", False), "new+la": ("new", True)}
LEGEND = ("old = PitchActivity(1), the pitch clusterer; vox+la = voice embeddings + the per-frame voice models, one person at a "
          f"time (before decision 0015), read {LOOKAHEAD} frames later; ovl+la = + the overlap detector (before decision 0016); "
          "new = EmbeddingActivity(1), + the founding test, nobody enrolled; "
          f"new+la = the same pass, each frame re-read {LOOKAHEAD} frames later, as the diffusion engine reads it")


# --- table 1: mono mic, old vs new ----------------------------------------------------------------

def first_heard_is_a(d: Dialogue) -> tuple[Dialogue, bool]:
    """The dialogue with A = the first voice heard, as the estimators label them (-> relabelled?).

    Some espeak scripts open with speaker 1: their masks, turns and voices are swapped so that
    person F1 and the latencies score what the product promises, not the script's numbering."""
    speaking = np.flatnonzero(d.masks.max(axis=1) >= 0.5)
    if not len(speaking) or d.masks[speaking[0], 0] >= 0.5:
        return d, False
    return dataclasses.replace(
        d, sources=d.sources[::-1].copy(), masks=d.masks[:, ::-1].copy(), voices=d.voices[::-1],
        turns=[(1 - k, *rest) for k, *rest in d.turns],
        phonemes=d.phonemes[::-1], stress=d.stress[::-1]), True


def speaker_changes(d: Dialogue) -> list[tuple[int, int, int]]:
    """(new speaker, onset frame, end frame) of each solo turn that follows the other person's solo turn."""
    main = sorted((t for t, kind in zip(d.turns, d.turn_kinds) if kind != "backchannel"), key=lambda t: t[1])
    masks = d.masks >= 0.5
    changes = []
    for prev, (k, start, end, *_) in zip(main, main[1:]):
        if k == prev[0] or start < prev[2]:
            continue  # same person again, or an overlapping take-over: not a solo-after-solo change
        lo, hi = int(np.floor(start * FPS)), min(int(np.ceil(end * FPS)), len(masks))
        onset = lo + int(np.argmax(masks[lo:hi, k])) if hi > lo and masks[lo:hi, k].any() else None
        if onset is not None and not masks[onset, 1 - k]:
            changes.append((k, onset, hi))
    return changes


def decision_latencies(probs: np.ndarray, changes: list[tuple[int, int, int]]) -> list[float]:
    """ms from each change's onset to the first frame with p_new >= 0.5 and p_old < 0.5 (inf: never in the turn)."""
    out = []
    for k, onset, end in changes:
        ok = (probs[onset:end, k] >= 0.5) & (probs[onset:end, 1 - k] < 0.5)
        out.append(1000.0 * int(np.argmax(ok)) / FPS if ok.any() else float("inf"))
    return out


@dataclass
class Result:
    """One estimator on one row (or pooled over rows)."""

    der: DiarizationScore = field(default_factory=DiarizationScore)
    probs: list[np.ndarray] = field(default_factory=list)
    masks: list[np.ndarray] = field(default_factory=list)
    cpu_s: float = 0.0
    audio_s: float = 0.0
    latencies: list[float] = field(default_factory=list)

    def add(self, probs: np.ndarray, d: Dialogue, cpu_s: float) -> None:
        n = min(len(probs), len(d.masks))
        self.probs.append(probs[:n])
        self.masks.append(d.masks[:n])
        self.der.add(probs[:n], d.masks[:n])
        self.cpu_s += cpu_s
        self.audio_s += d.duration_s
        self.latencies += decision_latencies(probs, speaker_changes(d))

    def f1(self) -> tuple[float, float]:
        return person_f1(np.concatenate(self.probs), np.concatenate(self.masks))



def warm_up() -> None:
    """Load the encoder and compile librosa's kernels, then run both estimators once over noise, so no
    first-call cost (model loading, TorchScript profiling runs) lands in the timings."""
    voices.warm_up()
    noise = np.random.default_rng(0).normal(0, 0.05, 3 * SAMPLE_RATE).astype(np.float32)
    for make in ESTIMATORS.values():
        stream_activity(make(), noise)


def mono_table(console: Console, families: list[str], count: int, split: str) -> None:
    rows = [(f, p) for f in families for p in PAIRINGS]
    results: dict[tuple[str, str], dict[str, Result]] = {}
    same_voice: set[tuple[str, str]] = set()
    skipped: dict[str, str] = {}
    relabelled = 0
    for family, pairing in tqdm(rows, desc="mono rows", file=sys.stderr, unit="row"):
        if family in skipped:
            continue
        try:
            dialogues = dialogue_set(family, pairing, split, count, SEED)
            dialogues, swapped = zip(*(first_heard_is_a(d) for d in dialogues))
            relabelled += sum(swapped)
        except Exception as e:  # a synthesiser or the real-speech data missing on this machine
            skipped[family] = f"{type(e).__name__}: {e}"
            continue
        if all(d.voices[0] == d.voices[1] for d in dialogues):
            same_voice.add((family, pairing))
        results[family, pairing] = {name: Result() for name in OUTPUTS}
        for d in dialogues:
            for name, make in ESTIMATORS.items():
                revised, cpu, pushed = stream_activity(make(), d.audio, revise_frames=LOOKAHEAD)
                for output, (estimator, reread) in OUTPUTS.items():
                    if estimator == name:
                        results[family, pairing][output].add(revised if reread else pushed, d, cpu)

    table = Table(title=f"Mono room mic, nobody enrolled: {count} dialogue(s) per row, split {split!r}, "
                        f"pushed in {LIVE_CHUNK}-sample chunks", title_justify="left")
    for col in ("family", "pair", "audio s"):
        table.add_column(col, justify="left" if col != "audio s" else "right")
    for name in OUTPUTS:  # JER and CPU per output are in the summary below: five outputs' worth of columns would not fit
        for col in ("F1 A", "F1 B", "DER"):
            table.add_column(f"{col}\n{name}", justify="right")
    for (family, pairing), by_name in results.items():
        cells = [family, pairing + (" (same)" if (family, pairing) in same_voice else ""),
                 f"{next(iter(by_name.values())).audio_s:.0f}"]
        for r in by_name.values():
            a, b = r.f1()
            s = r.der.result()
            cells += [f"{a:.3f}", f"{b:.3f}", f"{s['der']:.3f}"]
        table.add_row(*cells, end_section=pairing == PAIRINGS[-1])
    console.print(table)
    console.print(LEGEND)
    for family, why in skipped.items():
        console.print(f"[{family} skipped: {why}]")

    if relabelled:
        console.print(f"{relabelled} dialogue(s) open with the script's speaker 1: relabelled so that A is the "
                      "first voice heard.")
    valid = [key for key in results if key not in same_voice]
    if same_voice:
        console.print("(same) rows pair one voice with itself (the family has one voice of that gender): "
                      "printed, left out of the summary and the latencies.")

    latency = Table(title="Decision latency after a speaker change", title_justify="left",
                    caption="valid rows only; median ms over decided changes; missed: not decided within the new turn",
                    caption_justify="left")
    latency.add_column("family")
    latency.add_column("changes", justify="right")
    for name in OUTPUTS:
        latency.add_column(f"median ms\n{name}", justify="right")
        latency.add_column(f"missed\n{name}", justify="right")
    for family in families:
        keys = [key for key in valid if key[0] == family]
        if not keys:
            continue
        cells: list[str] = []
        for name in OUTPUTS:
            lat = np.array([x for key in keys for x in results[key][name].latencies])
            decided = lat[np.isfinite(lat)]
            cells += [f"{np.median(decided):.0f}" if len(decided) else "-", f"{len(lat) - len(decided)}"]
        latency.add_row(family, str(len(lat)), *cells)
    console.print(latency)

    if not valid:
        return
    console.print(f"Summary over {len(valid)} valid rows ({', '.join(f + ' ' + p for f, p in valid)}):")
    for name in OUTPUTS:
        pooled = DiarizationScore()
        for key in valid:
            r = results[key][name]
            for probs, masks in zip(r.probs, r.masks):
                pooled.add(probs, masks)
        f1 = np.mean([np.mean(results[key][name].f1()) for key in valid])
        s = pooled.result()
        cpu = sum(results[key][name].cpu_s for key in valid)
        audio = sum(results[key][name].audio_s for key in valid)
        lat = np.array([x for key in valid for x in results[key][name].latencies])
        decided = lat[np.isfinite(lat)]
        console.print(f"  {name}: mean F1 {f1:.3f} (A and B averaged per row, then over rows)   pooled DER {s['der']:.3f} "
                      f"(missed {s['missed']:.3f}, false alarm {s['false_alarm']:.3f}, confusion {s['confusion']:.3f})   "
                      f"pooled JER {s['jer']:.3f}")
        console.print(f"  {' ' * len(name)}  {1000 * cpu / audio:.1f} ms CPU per s of audio   median decision latency "
                      f"{np.median(decided) if len(decided) else float('nan'):.0f} ms "
                      f"({len(lat) - len(decided)} of {len(lat)} changes never decided)")


# --- table 3: one person alone (no phantom second person) ---------------------------------------

MONOLOGUE_TURNS = 24  # about 90 s of one person's speech, with the pauses of a conversation


def monologue_table(console: Console, count: int, split: str) -> None:
    """Real readers alone in a room: the share of their speech each output gives to a second person."""
    jobs = [(pairing, a, b, SEED + 10 * k + j, who) for k, pairing in enumerate(PAIRINGS)
            for j, (a, b) in enumerate(pairs(split, pairing, count, SEED + k)) for who in (0, 1)]
    phantom: dict[str, list[float]] = {name: [] for name in OUTPUTS}
    founded: dict[str, int] = {name: 0 for name in OUTPUTS}
    seconds = 0.0
    for pairing, a, b, seed, who in tqdm(jobs, desc="monologues", file=sys.stderr, unit="monologue"):
        d = in_room(monologue(real_dialogue(a, b, seed, MONOLOGUE_TURNS, room=False), who), np.random.default_rng([seed, 1]))
        speech = d.masks[:, who] >= 0.5
        seconds += d.duration_s
        for name, make in ESTIMATORS.items():
            revised, _, pushed = stream_activity(make(), d.audio, revise_frames=LOOKAHEAD)
            for output, (estimator, reread) in OUTPUTS.items():
                if estimator == name:
                    probs = (revised if reread else pushed)[: len(speech)]
                    second = probs[speech[: len(probs)], 1] >= 0.5  # the lone speaker is the first voice heard: A
                    phantom[output].append(float(second.mean()))
                    founded[output] += int(second.sum() >= FPS)  # a second person for a second or more
    table = Table(title=f"One person alone in a room ({len(jobs)} real {split!r} readers, {seconds / len(jobs):.0f} s each, "
                        "nobody enrolled): their speech given to a second person", title_justify="left")
    for col in ("output", "mean share", "worst share", "with a second person"):
        table.add_column(col, justify="left" if col == "output" else "right")
    for name in OUTPUTS:
        table.add_row(name, f"{np.mean(phantom[name]):.3f}", f"{np.max(phantom[name]):.3f}", f"{founded[name]} of {len(jobs)}")
    console.print(table)


# --- table 2: calibrated mic arrays (direction of arrival) ----------------------------------------

ARRAYS = {"stereo": "stereo-0.2m", "4-mic": "circle4-0.05m"}
ENROL_TEXT = ("Hello, this is my voice for the calibration. I am sitting in my chair and "
              "reading this sentence aloud, slowly and clearly, so the room can learn it.")
# (room, table centre in R box coordinates, seat A, seat B) - none of these is used by the tests
ROOMS = [
    (Room((5.0, 2.7, 4.0), 0.3), (2.5, 0.76, -2.0), (1.8, -2.5), (3.2, -1.6)),
    (Room((6.0, 3.0, 5.0), 0.5), (3.0, 0.74, -2.5), (2.9, -1.6), (3.1, -3.4)),
    (Room((4.0, 2.5, 3.5), 0.2), (2.0, 0.75, -1.8), (1.3, -1.4), (2.6, -2.4)),
]


def calibration_for(preset: str, center, a_xz, b_xz):
    cal = new_calibration("bench")
    a, b = (np.array([x, 1.1, z]) for x, z in (a_xz, b_xz))
    cal.seats = (Seat(a, facing_yaw_deg(a, b)), Seat(b, facing_yaw_deg(b, a)))
    cal.mic_array = MicArray(place_preset(preset, center), preset)
    cal.update_seat_directions()
    return cal


def array_dialogues(r: int) -> dict[str, tuple[Dialogue, list[np.ndarray]]]:
    """Room r's dialogues by voices -> (dialogue, each person's calibration speech): the espeak demo
    voices, and held-out LibriSpeech test readers (pairing FF, MM, FM by room), whose dry sources
    are placed at the seats. A reader's calibration speech is the first 6 s of their own track."""
    espeak = make_dialogue(DEMO_TURNS, DEMO_VOICES, gap_s=0.1, gap_jitter_s=0.5, seed=10 + r)
    out = {"espeak": (espeak, [synthesize(ENROL_TEXT, v).audio for v in DEMO_VOICES])}
    try:
        real = dialogue_set("real", PAIRINGS[r % len(PAIRINGS)], "test", 1, SEED + r)[0]
    except Exception as e:  # the real-speech data missing on this machine
        logging.getLogger(__name__).warning("array rows without real voices: %s: %s", type(e).__name__, e)
        return out
    alone = [src[src != 0][: 6 * SAMPLE_RATE] for src in real.sources]
    out["real"] = (real, alone)
    return out


def array_table(console: Console) -> None:
    rows: dict[tuple[str, str], dict] = {}
    notes = []
    for r, (room, center, a_xz, b_xz) in enumerate(tqdm(ROOMS, desc="array rooms", file=sys.stderr, unit="room")):
        for voices_name, (d, enrol) in array_dialogues(r).items():
            for name, preset in ARRAYS.items():
                row = rows.setdefault((voices_name, name), {"f1": [], "base": [], "doa": [], "cpu": 0.0, "audio": 0.0})
                cal = calibration_for(preset, center, a_xz, b_xz)
                mics, mouths = cal.mic_array.positions, np.stack([s.mouth() for s in cal.seats])
                audio = simulate(d.sources, mouths, mics, room, snr_db=20.0, seed=r)
                for k in range(2):  # calibration check: each person speaks alone from their seat
                    alone = simulate(enrol[k][None], mouths[k][None], mics, room, snr_db=20.0, seed=50 + k)
                    row["doa"].append(check_seat_direction(cal, k, alone).error_deg)
                probs, cpu, _ = stream_activity(make_activity(cal, audio.shape[1]), audio)
                row["cpu"] += cpu
                row["audio"] += len(audio) / SAMPLE_RATE
                row["f1"].append(frame_f1(probs, d.masks))
                row["base"].append(frame_f1(EnergyActivity(audio.shape[1]).push(audio), d.masks))
            overlap = float(np.mean(d.masks.min(axis=1) > 0))
            notes.append(f"room {r}, {voices_name} ({', '.join(getattr(v, 'name', str(v)) for v in d.voices)}): {room.size} m, RT60 {room.rt60_s} s, "
                         f"{d.duration_s:.1f} s dialogue, {100 * overlap:.0f}% overlap frames")

    table = Table(title="Calibrated mic arrays, SNR 20 dB: direction of arrival toward the seats vs the energy VAD; "
                        "espeak demo voices and held-out real readers", title_justify="left")
    for col in ("voices", "array", "F1", "energy F1", "ratio", "DOA err deg", "ms/s"):
        table.add_column(col, justify="left" if col in ("voices", "array") else "right")
    for (voices_name, name), row in rows.items():
        f1, base = np.mean(row["f1"]), np.mean(row["base"])
        doa = f"{np.mean(row['doa']):.1f} (max {np.max(row['doa']):.1f})"
        table.add_row(voices_name, name, f"{f1:.3f}", f"{base:.3f}", f"{f1 / base:.2f}", doa,
                      f"{1000 * row['cpu'] / row['audio']:.1f}")
    console.print(table)
    for note in notes:
        console.print(note)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--count", type=int, default=3, help="dialogues per (family, pairing) row (default 3)")
    parser.add_argument("--families", nargs="+", choices=FAMILIES, default=list(FAMILIES),
                        help="voice families to measure (default: all four)")
    parser.add_argument("--split", choices=("test", "tune"), default="test",
                        help="test: held-out voices, to report (default); tune: the LibriSpeech readers settings "
                        "were chosen on (flite and festival have one cast and ignore it)")
    parser.add_argument("--monologues", type=int, default=1,
                        help="reader pairs per pairing whose readers are each heard alone for ~90 s (table 3; 0: skip)")
    args = parser.parse_args()

    torch.set_num_threads(1)  # the encoder's LSTM runs faster on one thread than on several here
    logging.getLogger("talking_together.data.voice_dialogues").setLevel(logging.ERROR)  # same-voice rows are marked
    console = Console(width=200)
    start = time.perf_counter()
    warm_up()
    console.print(f"torch threads: {torch.get_num_threads()} (set to 1: faster for the encoder's LSTM here); "
                  f"CPU cost is time.process_time of the push loop only, after a warm-up")
    mono_table(console, args.families, args.count, args.split)
    console.print()
    if args.monologues and "real" in args.families:
        monologue_table(console, args.monologues, args.split)
        console.print()
    array_table(console)
    console.print(f"\nwall time {time.perf_counter() - start:.0f} s")


if __name__ == "__main__":
    main()
