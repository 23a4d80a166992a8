"""The calibration check's direction search: pyroomacoustics' DOA algorithms on one person speaking alone.

`calibrate doa` hears one person speak alone from a seat and searches a ring of azimuths at the
seat's elevation (activity.doa.search_azimuth; calibration.room.check_seat_direction folds a
stereo pair's mirror image toward the seat). Here each pyroomacoustics.doa algorithm runs through
that same function, on the same snapshots (the louder half of 32 ms windows, 200-5000 Hz), for

- espeak: the demo voices reading bench/activity.py's enrolment text, and
- real: LibriSpeech readers of the "tune" split (women and men alternating), 8 s of one clip each,

each from both seats of bench/activity.py's three simulated rooms (pyroomacoustics shoeboxes,
RT60 0.2-0.5 s), heard by a stereo pair (0.2 m) and a 4-mic circle (5 cm radius), with white noise
at each SNR. Per algorithm and array: mean and max azimuth error in degrees against the seat's
direction from geometry, and CPU ms per call (time.process_time around search_azimuth only, the
STFT included). The baseline is SRP: SRP-PHAT, the hand-written search that decision 0010
replaced (its errors were the same to 0.1 degree).

    python bench/doa_search.py [--algorithms SRP MUSIC NormMUSIC TOPS] [--snr 10 20 30]
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import defaultdict

import numpy as np
from rich.console import Console
from rich.table import Table
from tqdm import tqdm

from activity import ARRAYS, ENROL_TEXT, ROOMS, calibration_for  # bench/activity.py's array set-up
from calibration.room import nearer_mirror
from talking_together.activity.doa import DOA_SEARCH, angle_diff_deg, search_azimuth
from talking_together.activity.simulate import simulate
from talking_together.audio.sources import read_audio_file
from talking_together.contract import SAMPLE_RATE
from talking_together.data import real_speech
from talking_together.data.dialogue import DEMO_VOICES
from talking_together.data.espeak import synthesize

BASELINE = "SRP"
REAL_S = 8.0


def real_voices(count: int) -> list[np.ndarray]:
    """`count` tune-split readers, women and men alternating: 8 s of each one's first clip, peak 0.5."""
    tune = real_speech.readers("tune")
    women, men = ([r for r in tune if r.gender == g] for g in "FM")
    out = []
    for reader in [r for pair in zip(women, men) for r in pair][:count]:
        audio = read_audio_file(reader.clips[0])[: int(REAL_S * SAMPLE_RATE), 0]
        out.append((0.5 * audio / np.abs(audio).max()).astype(np.float32))
    return out


def with_noise(clean: np.ndarray, source: np.ndarray, snr_db: float, seed: int) -> np.ndarray:
    """simulate()'s noise rule: white noise at `snr_db` below the reverberant speech's power."""
    power = np.mean(clean[np.abs(source) > 1e-4] ** 2)
    noise = np.random.default_rng(seed).standard_normal(clean.shape) * np.sqrt(power / 10 ** (snr_db / 10))
    return (clean + noise).astype(np.float32)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--algorithms", nargs="+", default=[BASELINE, "MUSIC", "NormMUSIC", "TOPS"],
                        help=f"pyroomacoustics.doa algorithms (default: SRP MUSIC NormMUSIC TOPS; {BASELINE} is the baseline)")
    parser.add_argument("--snr", nargs="+", type=float, default=[10.0, 20.0, 30.0], help="SNRs in dB (default 10 20 30)")
    args = parser.parse_args()
    algorithms = [BASELINE] + [a for a in args.algorithms if a != BASELINE]

    console = Console(width=160)
    start = time.perf_counter()
    voices = {"espeak": [synthesize(ENROL_TEXT, v).audio for v in DEMO_VOICES],
              "real": real_voices(2 * len(ROOMS))}
    errors: dict[tuple[str, str, str], list[float]] = defaultdict(list)  # (algorithm, array, family)
    cpu: dict[tuple[str, str], list[float]] = defaultdict(list)  # (algorithm, array)
    for r, (room, center, a_xz, b_xz) in enumerate(tqdm(ROOMS, desc="rooms", file=sys.stderr, unit="room")):
        for array, preset in ARRAYS.items():
            cal = calibration_for(preset, center, a_xz, b_xz)
            mics = cal.mic_array.positions
            for k, seat in enumerate(cal.seats):
                sources = {"espeak": voices["espeak"][k], "real": voices["real"][2 * r + k]}
                for family, source in sources.items():
                    clean = simulate(source[None], seat.mouth()[None], mics, room, snr_db=np.inf)
                    for snr in args.snr:
                        audio = with_noise(clean, source, snr, seed=50 + k + 7 * r)
                        for name in algorithms:
                            t = time.process_time()
                            measured, _ = search_azimuth(audio, mics, seat.doa.elevation_deg, algorithm=name)
                            cpu[name, array].append(1000 * (time.process_time() - t))
                            measured = nearer_mirror(measured, mics, seat.doa.azimuth_deg)
                            errors[name, array, family].append(angle_diff_deg(measured, seat.doa.azimuth_deg))

    cases = len(errors[BASELINE, next(iter(ARRAYS)), "espeak"])
    table = Table(title=f"Seat direction error, degrees: {cases} recordings per cell ({len(ROOMS)} rooms x 2 seats x "
                        f"SNR {', '.join(f'{s:.0f}' for s in args.snr)} dB)", title_justify="left",
                  caption=f"baseline {BASELINE} = SRP-PHAT (the search before decision 0010); "
                          f"search_azimuth's default: {DOA_SEARCH}", caption_justify="left")
    for col in ("algorithm", "array", "espeak mean", "espeak max", "real mean", "real max", "ms/call"):
        table.add_column(col, justify="left" if col in ("algorithm", "array") else "right")
    for name in algorithms:
        for array in ARRAYS:
            cells = [f"{f(errors[name, array, family]):.1f}" for family in voices for f in (np.mean, np.max)]
            table.add_row(name, array, *cells, f"{np.median(cpu[name, array]):.0f}", end_section=array == list(ARRAYS)[-1])
    console.print(table)
    console.print(f"wall time {time.perf_counter() - start:.0f} s")


if __name__ == "__main__":
    main()
