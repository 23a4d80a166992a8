"""Speaker activity on held-out simulated rooms: frame F1 per array type against the energy VAD.

Two espeak voices hold a dialogue (some turns overlap) in shoebox rooms with different sizes,
reverberation and seats; each array type hears it at SNR 20 dB. Prints frame F1 for mono
(voice profiles), stereo and 4-mic (GCC-PHAT toward the seats), the energy baseline, the
seat-direction error of the calibration check, and compute time per second of audio.
"""

from __future__ import annotations

import time

import numpy as np

from calibration import MicArray, Seat, facing_yaw_deg, new_calibration, place_preset
from calibration.room import check_seat_direction, enroll_seat_voice
from talking_together.activity import EnergyActivity, frame_f1, make_activity
from talking_together.activity.simulate import Room, simulate
from talking_together.contract import SAMPLE_RATE
from talking_together.data.dialogue import DEMO_TURNS, DEMO_VOICES, make_dialogue
from talking_together.data.espeak import synthesize

ARRAYS = {"mono": "mono", "stereo": "stereo-0.2m", "4-mic": "circle4-0.05m"}
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


def main() -> None:
    enrol = [synthesize(ENROL_TEXT, v).audio for v in DEMO_VOICES]
    rows = {name: {"f1": [], "base": [], "doa": [], "ms": []} for name in ARRAYS}
    for r, (room, center, a_xz, b_xz) in enumerate(ROOMS):
        d = make_dialogue(DEMO_TURNS, DEMO_VOICES, gap_s=0.1, gap_jitter_s=0.5, seed=10 + r)
        for name, preset in ARRAYS.items():
            cal = calibration_for(preset, center, a_xz, b_xz)
            mics, mouths = cal.mic_array.positions, np.stack([s.mouth() for s in cal.seats])
            audio = simulate(d.sources, mouths, mics, room, snr_db=20.0, seed=r)
            for k in range(2):  # calibration: each person speaks alone from their seat
                alone = simulate(enrol[k][None], mouths[k][None], mics, room, snr_db=20.0, seed=50 + k)
                if name == "mono":
                    enroll_seat_voice(cal, k, alone)
                else:
                    rows[name]["doa"].append(check_seat_direction(cal, k, alone).error_deg)
            activity = make_activity(cal, audio.shape[1])
            start = time.perf_counter()
            probs = np.concatenate([activity.push(audio[i : i + 480]) for i in range(0, len(audio), 480)])
            rows[name]["ms"].append(1000 * (time.perf_counter() - start) / (len(audio) / SAMPLE_RATE))
            rows[name]["f1"].append(frame_f1(probs, d.masks))
            rows[name]["base"].append(frame_f1(EnergyActivity(audio.shape[1]).push(audio), d.masks))
        overlap = float(np.mean(d.masks.min(axis=1) > 0))
        print(f"room {r}: {room.size} m, RT60 {room.rt60_s} s, {d.duration_s:.1f} s dialogue, "
              f"{100 * overlap:.0f}% overlap frames")
    print(f"\n{'array':8s} {'F1':>6s} {'energy F1':>10s} {'ratio':>6s} {'DOA err deg':>12s} "
          f"{'ms per s audio':>15s}")
    for name, row in rows.items():
        f1, base = np.mean(row["f1"]), np.mean(row["base"])
        doa = f"{np.mean(row['doa']):.1f} (max {np.max(row['doa']):.1f})" if row["doa"] else "-"
        print(f"{name:8s} {f1:6.3f} {base:10.3f} {f1 / base:6.2f} {doa:>12s} {np.mean(row['ms']):15.1f}")


if __name__ == "__main__":
    main()
