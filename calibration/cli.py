"""`talking-together calibrate ...`: build a room's calibration file one step at a time.

    calibrate new FILE --id ID              a valid starting file
    calibrate solve FILE --points PTS.json  room -> STAGE from point pairs (or --point, --openxr)
    calibrate seats FILE --a X,Y,Z ...      seat anchors, typed in or measured in STAGE
    calibrate mic FILE --preset NAME ...    the array geometry, and each seat's direction
    calibrate doa FILE --seat A --audio F   a person speaks: check their direction against the seat
    calibrate enroll FILE --seat A --audio F   a person speaks: their voice profile (mono rooms)
    calibrate latency FILE                  chirp loop through the sound card
    calibrate show FILE                     print and validate

Every step reads FILE, changes its part, validates and writes it back.
"""

from __future__ import annotations

import argparse
import json
import logging
from pathlib import Path

import numpy as np

from calibration.mics import PRESETS, place_preset
from calibration.openxr import OpenXRUnavailable, StageTracker
from calibration.rigid import rms_residual, solve_rigid_transform
from calibration.schema import (
    Calibration,
    CalibrationError,
    MicArray,
    facing_yaw_deg,
    load_calibration,
    new_calibration,
    save_calibration,
)

log = logging.getLogger(__name__)
SEAT_INDEX = {"A": 0, "B": 1}


def parse_vec(text: str, n: int = 3) -> np.ndarray:
    """'x,y,z' -> (n,) floats."""
    try:
        values = [float(v) for v in text.split(",")]
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected {n} comma-separated numbers, got {text!r}") from None
    if len(values) != n:
        raise argparse.ArgumentTypeError(f"expected {n} comma-separated numbers, got {text!r}")
    return np.array(values)


def parse_pair(text: str) -> tuple[np.ndarray, np.ndarray]:
    """'rx,ry,rz=sx,sy,sz' -> (room point, STAGE point)."""
    room, sep, stage = text.partition("=")
    if not sep:
        raise argparse.ArgumentTypeError(f"expected ROOM=STAGE, e.g. 0,0,0=0.1,0,-2, got {text!r}")
    return parse_vec(room), parse_vec(stage)


def read_points(path: Path) -> tuple[np.ndarray, np.ndarray]:
    """A points file: {"points": [{"room": [x, y, z], "stage": [x, y, z]}, ...]}."""
    data = json.loads(Path(path).read_text())
    try:
        pairs = [(np.array(p["room"], float), np.array(p["stage"], float)) for p in data["points"]]
    except (KeyError, TypeError, ValueError) as exc:
        raise ValueError(f"{path}: expected {{'points': [{{'room': [x,y,z], 'stage': [x,y,z]}}, ...]}} "
                         f"({exc})") from exc
    return np.stack([p[0] for p in pairs]), np.stack([p[1] for p in pairs])


def read_room_audio(args: argparse.Namespace, channels: int) -> np.ndarray:
    """(n, C) 16 kHz audio from --audio FILE, or --record SECONDS from the default input."""
    if args.audio:
        from talking_together.audio import read_audio_file

        return read_audio_file(args.audio)
    import sounddevice as sd

    from talking_together.contract import SAMPLE_RATE

    print(f"recording {args.record:.0f} s: seat {args.seat}, please speak now ...")
    return sd.rec(int(args.record * SAMPLE_RATE), SAMPLE_RATE, channels=channels, blocking=True)


def cmd_new(args: argparse.Namespace) -> int:
    if args.file.exists() and not args.force:
        print(f"{args.file} exists; pass --force to overwrite it")
        return 1
    save_calibration(new_calibration(args.id), args.file)
    print(f"wrote {args.file}")
    return 0


def cmd_solve(args: argparse.Namespace, cal: Calibration) -> int:
    if args.points:
        room, stage = read_points(args.points)
    elif args.point:
        room, stage = np.stack([p[0] for p in args.point]), np.stack([p[1] for p in args.point])
    else:  # --openxr ROOM_POINTS: touch each room point with the controller
        room = np.stack([np.array(p, float) for p in json.loads(args.openxr.read_text())["room"]])
        with StageTracker(args.device) as tracker:
            stage = []
            for i, p in enumerate(room):
                input(f"touch point {i + 1}/{len(room)} at room {p.tolist()} with the {args.device}, "
                      "then press Enter")
                stage.append(tracker.position())
            stage = np.stack(stage)
    transform = solve_rigid_transform(room, stage)
    rms = rms_residual(transform, room, stage)
    print(f"room -> STAGE from {len(room)} points: RMS residual {100 * rms:.2f} cm")
    if rms > args.max_rms:
        print(f"residual above {100 * args.max_rms:.1f} cm: check the points; the file is unchanged")
        return 1
    cal.room_to_stage = transform
    return 0


def cmd_seats(args: argparse.Namespace, cal: Calibration) -> int:
    positions = [np.array(v[:3]) for v in (args.a, args.b)]
    if args.stage:  # measured by the headset: bring them into R
        positions = [cal.room_to_stage.inverse().apply(p) for p in positions]
    yaws = [v[3] if len(v) == 4 else facing_yaw_deg(p, q)
            for v, p, q in ((args.a, positions[0], positions[1]), (args.b, positions[1], positions[0]))]
    for seat, p, yaw in zip(cal.seats, positions, yaws):
        seat.position, seat.yaw_deg = p, float(yaw)
    cal.update_seat_directions()
    return 0


def cmd_mic(args: argparse.Namespace, cal: Calibration) -> int:
    if args.positions:
        positions = np.array(json.loads(args.positions.read_text()), float).reshape(-1, 3)
        cal.mic_array = MicArray(positions, None)
    else:
        cal.mic_array = MicArray(place_preset(args.preset, args.center, args.yaw), args.preset)
    for seat in cal.seats:  # the array moved: directions measured against the old one are void
        seat.doa = None
    cal.update_seat_directions()
    return 0


def cmd_doa(args: argparse.Namespace, cal: Calibration) -> int:
    from calibration.room import accept_seat_direction, check_seat_direction  # scipy: load on use

    seat = SEAT_INDEX[args.seat]
    check = check_seat_direction(cal, seat, read_room_audio(args, len(cal.mic_array.positions)))
    ok = check.error_deg <= args.tolerance
    print(f"seat {args.seat}: expected azimuth {check.expected_deg:.1f} deg, heard {check.measured_deg:.1f} "
          f"deg, off by {check.error_deg:.1f} deg ({'ok' if ok else 'too far: check the seat and array'})")
    if args.accept:
        accept_seat_direction(cal, check)
    return 0 if ok else 1


def cmd_enroll(args: argparse.Namespace, cal: Calibration) -> int:
    from calibration.room import enroll_seat_voice

    enroll_seat_voice(cal, SEAT_INDEX[args.seat], read_room_audio(args, 1))
    return 0


def cmd_latency(args: argparse.Namespace, cal: Calibration) -> int:
    from calibration.latency import LatencySkipped, measure_latency

    try:
        result = measure_latency(input_device=args.input_device, output_device=args.output_device)
    except LatencySkipped as exc:
        print(f"latency skipped: {exc}")
        return 0
    print(f"loop {result['loop_ms']:.1f} ms, output {result['output_ms']:.1f} ms, "
          f"input {result['input_ms']:.1f} ms")
    cal.audio_latency_ms = round(result["input_ms"], 2)
    return 0


def cmd_show(args: argparse.Namespace, cal: Calibration) -> int:
    print(json.dumps(cal.to_dict(), indent=2))
    for role, seat in zip("AB", cal.seats):
        pos, yaw = seat.position, seat.yaw_deg
        doa = f"azimuth {seat.doa.azimuth_deg:.1f} ({seat.doa.source})" if seat.doa else "no direction"
        print(f"seat {role}: {pos.round(3).tolist()} m, yaw {yaw:.1f} deg, {doa}, "
              f"voice {'enrolled' if seat.voice_profile else 'not enrolled'}")
    return 0


def run(args: argparse.Namespace) -> int:
    """Load, apply one step, validate and save; bad input becomes a message, not a traceback."""
    try:
        if args.step == "new":
            return cmd_new(args)
        cal = load_calibration(args.file)
        code = args.step_func(args, cal)
        if code == 0 and args.step != "show":
            save_calibration(cal, args.file)
            print(f"updated {args.file}")
        return code
    except (CalibrationError, OpenXRUnavailable, ValueError, FileNotFoundError) as exc:
        print(f"calibrate {args.step}: {exc}")
        return 1


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("calibrate", help="measure the room: seats, headset, mic array, latency",
                                   description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    steps = parser.add_subparsers(dest="step", metavar="STEP", required=True)
    parser.set_defaults(func=run)

    def step(name: str, func, help_text: str) -> argparse.ArgumentParser:
        p = steps.add_parser(name, help=help_text, description=help_text)
        p.add_argument("file", type=Path, help="the calibration file (JSON)")
        p.set_defaults(step_func=func)
        return p

    p = step("new", cmd_new, "write a valid starting file")
    p.add_argument("--id", required=True, help="calibration id, sent in every stream header")
    p.add_argument("--force", action="store_true", help="overwrite an existing file")

    p = step("solve", cmd_solve, "solve room -> STAGE from 3+ points known in both frames")
    src = p.add_mutually_exclusive_group(required=True)
    src.add_argument("--points", type=Path, help='JSON {"points": [{"room": [..], "stage": [..]}, ...]}')
    src.add_argument("--point", type=parse_pair, action="append", metavar="ROOM=STAGE",
                     help="one pair typed in, e.g. 0,0,0=0.12,0,-1.9 (repeat 3+ times)")
    src.add_argument("--openxr", type=Path, metavar="ROOM_POINTS",
                     help='JSON {"room": [[x,y,z], ...]}: touch each with the headset or controller')
    p.add_argument("--device", choices=("controller", "headset"), default="controller")
    p.add_argument("--max-rms", type=float, default=0.03, help="largest accepted residual, m")

    p = step("seats", cmd_seats, "set the seat anchors (neck base, m) and yaws")
    p.add_argument("--a", type=lambda t: parse_vec(t, len(t.split(","))), required=True,
                   metavar="X,Y,Z[,YAW]", help="seat A; yaw in degrees, default: facing B")
    p.add_argument("--b", type=lambda t: parse_vec(t, len(t.split(","))), required=True,
                   metavar="X,Y,Z[,YAW]", help="seat B; yaw in degrees, default: facing A")
    p.add_argument("--stage", action="store_true", help="the positions are in STAGE space (headset)")

    p = step("mic", cmd_mic, "set the microphone array and recompute each seat's direction")
    geo = p.add_mutually_exclusive_group(required=True)
    geo.add_argument("--preset", choices=sorted(PRESETS))
    geo.add_argument("--positions", type=Path, help="JSON [[x,y,z], ...] per channel, room frame")
    p.add_argument("--center", type=parse_vec, default=np.array([0.0, 0.76, 0.0]), metavar="X,Y,Z")
    p.add_argument("--yaw", type=float, default=0.0, help="array yaw, degrees")

    for name, func, text in (("doa", cmd_doa, "a person speaks from a seat: check the direction heard"),
                             ("enroll", cmd_enroll, "a person speaks from a seat: store their voice")):
        p = step(name, func, text)
        p.add_argument("--seat", choices=("A", "B"), required=True)
        audio = p.add_mutually_exclusive_group(required=True)
        audio.add_argument("--audio", type=Path, help="a recording of that person alone")
        audio.add_argument("--record", type=float, metavar="SECONDS", help="record from the default input")
    p_doa = steps.choices["doa"]
    p_doa.add_argument("--tolerance", type=float, default=15.0, help="degrees")
    p_doa.add_argument("--accept", action="store_true", help="store the heard direction for the live estimator")

    p = step("latency", cmd_latency, "measure audio input latency with a chirp loop")
    p.add_argument("--input-device", default=None)
    p.add_argument("--output-device", default=None)

    step("show", cmd_show, "print and validate a calibration file")
