"""The dataset card's numbers, measured on a generated corpus rather than read off the config.

`talking-together data stats DIR` prints them as the Markdown table in docs/data.md: the
turn-taking and blink figures are checked against the literature values the generator aims
at (docs/data.md, "Where the rules come from").
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from talking_together.contract import BLENDSHAPE_INDEX, FPS
from talking_together.data.corpus import SPLITS, identity_pool, load_shard
from talking_together.data.splits import REAL_TEST_SPLIT


@dataclass
class Tally:
    """Per-sample measurements pooled over the corpus."""

    turn_s: list[float]
    offsets_s: list[float]  # floor-transfer offsets at speaker changes; < 0 is an overlap
    backchannels: int = 0
    interruptions: int = 0
    speech_frames: int = 0
    overlap_frames: int = 0
    silence_frames: int = 0
    frames: int = 0
    blinks: tuple[int, int] = (0, 0)  # onsets while speaking, while listening
    person_frames: tuple[int, int] = (0, 0)  # person-frames speaking, listening
    at_partner: tuple[int, int] = (0, 0)  # person-frames looking at the partner: speaking, listening


BLINK_ONSET = 0.5  # eyeBlink weight crossing upward: one blink


def _add(t: Tally, sample: dict) -> None:
    meta, masks = sample["meta"], sample["masks"] > 0
    turns = [x for x in meta["turns"] if x["kind"] != "backchannel"]
    t.turn_s += [x["end_s"] - x["start_s"] for x in turns]
    t.offsets_s += [b["start_s"] - a["end_s"] for a, b in zip(turns, turns[1:]) if a["speaker"] != b["speaker"]]
    t.backchannels += sum(x["kind"] == "backchannel" for x in meta["turns"])
    t.interruptions += sum(x["kind"] == "interrupted" for x in meta["turns"])
    both, either = masks.all(1), masks.any(1)
    t.speech_frames += int(either.sum())
    t.overlap_frames += int(both.sum())
    t.silence_frames += int((~either).sum())
    t.frames += len(masks)
    blink = sample["expression"][:, :, BLENDSHAPE_INDEX["eyeBlinkLeft"]] > BLINK_ONSET
    onset = blink & ~np.vstack([blink[:1], blink[:-1]])
    looking = sample["gaze_at_partner"]
    t.blinks = (t.blinks[0] + int((onset & masks).sum()), t.blinks[1] + int((onset & ~masks).sum()))
    t.person_frames = (t.person_frames[0] + int(masks.sum()), t.person_frames[1] + int((~masks).sum()))
    t.at_partner = (t.at_partner[0] + int((looking & masks).sum()), t.at_partner[1] + int((looking & ~masks).sum()))


def corpus_stats(directory: str | Path) -> list[tuple[str, str]]:
    """(statistic, value) rows for the dataset card of the corpus in `directory`."""
    directory = Path(directory)
    manifest = json.loads((directory / "manifest.json").read_text())
    pool = {i.id: i for i in identity_pool()[0]}
    tally = Tally(turn_s=[], offsets_s=[])
    for shard in manifest["shards"]:
        for sample in load_shard(directory / shard["file"]).values():
            _add(tally, sample)

    samples = manifest["samples"]
    splits = [s for s in (*SPLITS, REAL_TEST_SPLIT) if any(x["split"] == s for x in samples)]
    hours = {s: sum(x["duration_s"] for x in samples if x["split"] == s) / 3600 for s in splits}
    ids = {s: {i for x in samples if x["split"] == s for i in x["identities"]} for s in splits}
    voices = {s: {pool[i].voice for i in ids[s] if i in pool} for s in splits}  # espeak's; others are named
    other = {s: {i for i in ids[s] if i not in pool} for s in splits}  # "librispeech:103", "flite:rms"
    family_hours = Counter()
    for x in samples:
        family_hours[x.get("family", "espeak")] += x["duration_s"] / 3600
    offsets, turn_s = np.array(tally.offsets_s), np.array(tally.turn_s)
    minutes = tally.frames / FPS / 60
    person_minutes = [f / FPS / 60 for f in tally.person_frames]
    total_bytes = sum(s["bytes"] for s in manifest["shards"])
    count = lambda c: ", ".join(f"{k} {v}" for k, v in sorted(c.items()))  # noqa: E731
    pct = lambda a, b: f"{100 * a / max(b, 1):.1f}%"  # noqa: E731
    return [
        ("hours of dialogue", f"{manifest['hours']:.3f} (seed {manifest['seed']})"),
        ("samples per split", ", ".join(f"{s} {sum(x['split'] == s for x in samples)}" for s in splits)),
        ("hours per split", ", ".join(f"{s} {hours[s]:.3f}" for s in splits)),
        ("hours per voice family", ", ".join(f"{k} {v:.3f}" for k, v in sorted(family_hours.items()))),
        ("sample length (s)", f"mean {np.mean([x['duration_s'] for x in samples]):.1f}, "
                              f"range {min(x['duration_s'] for x in samples):.1f}-{max(x['duration_s'] for x in samples):.1f}"),
        ("mode", count(Counter(x["mode"] for x in samples))),
        ("espeak identities (pool / used per split)", f"{len(pool)} / "
                                                       + ", ".join(f"{s} {len(ids[s]) - len(other[s])}" for s in splits)),
        ("espeak voices+variants (pool / used per split)", f"{len({i.voice for i in pool.values()})} / "
                                                            + ", ".join(f"{s} {len(voices[s])}" for s in splits)),
        ("real readers and TTS voices used per split", ", ".join(f"{s} {len(other[s])}" for s in splits)),
        ("held out: identities, whole voices", f"{len(manifest['held_out_identities'])}, {len(manifest['held_out_voices'])}"),
        ("turn length (s), backchannels excluded", f"median {np.median(turn_s):.2f}, mean {turn_s.mean():.2f}"),
        ("floor-transfer offset (s)", f"median {np.median(offsets):.2f}, mean {offsets.mean():.2f}, "
                                      f"sd {offsets.std():.2f}, n {len(offsets)}"),
        ("speaker changes that overlap", pct((offsets < 0).sum(), len(offsets))),
        ("interrupted turns", pct(tally.interruptions, len(turn_s))),
        ("backchannels per minute", f"{tally.backchannels / minutes:.1f}"),
        ("frames: one speaks / both / silence", " / ".join(
            pct(f, tally.frames) for f in (tally.speech_frames - tally.overlap_frames, tally.overlap_frames,
                                           tally.silence_frames))),
        ("blinks per minute: speaking / listening", f"{tally.blinks[0] / person_minutes[0]:.1f} / "
                                                    f"{tally.blinks[1] / person_minutes[1]:.1f}"),
        ("looking at the partner: speaking / listening", f"{pct(tally.at_partner[0], tally.person_frames[0])} / "
                                                         f"{pct(tally.at_partner[1], tally.person_frames[1])}"),
        ("layouts", f"{len({x['layout_prompt'] for x in samples})} distinct prompts over {len(samples)} samples"),
        ("mic arrays", count(Counter(x["mic_array"] for x in samples))),
        ("RT60 (s), SNR (dB)", f"{min(x['rt60_s'] for x in samples):.2f}-{max(x['rt60_s'] for x in samples):.2f}, "
                               f"{min(x['snr_db'] for x in samples):.0f}-{max(x['snr_db'] for x in samples):.0f}"),
        ("bytes per hour of dialogue", f"{total_bytes / manifest['hours'] / 1e9:.2f} GB (uncompressed npz)"),
    ]


def markdown(rows: list[tuple[str, str]]) -> str:
    return "\n".join(["| statistic | value |", "| --- | --- |"] + [f"| {k} | {v} |" for k, v in rows])
