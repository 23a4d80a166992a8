"""The calibration file: a versioned JSON document, parsed into dataclasses and checked field by field.

The service and the Unity package both read it, so a bad file must fail loudly and say
which field is wrong, rather than put an avatar in the wrong chair.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from calibration.mics import PRESETS
from calibration.rigid import RigidTransform, is_rigid, yaw_matrix
from talking_together.activity.doa import azimuth_elevation, unit_vector
from talking_together.activity.voices import EMBEDDING_DIM, ENCODER_NAME, VoiceProfile

FORMAT = "talking_together.calibration"
VERSION = 1
ROLES = ("A", "B")
# the mouth relative to the seat anchor (neck base), in the anchor frame: up and forward
MOUTH_OFFSET = np.array([0.0, 0.1, -0.08])


class CalibrationError(ValueError):
    """A calibration file is malformed; `field` is the dotted path of the offending field."""

    def __init__(self, field_path: str, message: str) -> None:
        super().__init__(f"calibration field {field_path!r}: {message}")
        self.field = field_path


@dataclass
class SeatDirection:
    """Where a seat's mouth is, seen from the mic array centre."""

    azimuth_deg: float
    elevation_deg: float
    source: str = "geometry"  # "geometry" (computed from the seat) or "measured" (the seat check)


@dataclass
class Seat:
    """One participant's anchor in room frame R: neck base position and body yaw."""

    position: np.ndarray  # (3,) m
    yaw_deg: float
    doa: SeatDirection | None = None  # None until a mic array is known
    voice_profile: VoiceProfile | None = None  # None until the person is enrolled

    def mouth(self) -> np.ndarray:
        return self.position + yaw_matrix(math.radians(self.yaw_deg)) @ MOUTH_OFFSET


@dataclass
class MicArray:
    """Microphone positions in R, in channel order; `preset` names the geometry they came from."""

    positions: np.ndarray  # (M, 3) m
    preset: str | None = None

    @property
    def center(self) -> np.ndarray:
        return self.positions.mean(axis=0)


@dataclass
class Calibration:
    id: str
    room_to_stage: RigidTransform
    seats: tuple[Seat, Seat]
    mic_array: MicArray
    audio_latency_ms: float | None = None
    version: int = VERSION

    @property
    def voice_profiles(self) -> tuple[VoiceProfile, VoiceProfile] | None:
        """Both seats' profiles, or None until both people are enrolled."""
        a, b = (s.voice_profile for s in self.seats)
        return None if a is None or b is None else (a, b)

    def layout_anchors(self) -> tuple[tuple[np.ndarray, float], tuple[np.ndarray, float]]:
        """The two seats as (position (3,) in R, yaw in radians): the Layout's t(0)."""
        a, b = ((s.position.copy(), math.radians(s.yaw_deg)) for s in self.seats)
        return a, b

    def seat_directions(self) -> np.ndarray:
        """(2, 3) unit vectors from the array centre toward each seat, for the DOA estimator."""
        return np.stack([unit_vector(s.doa.azimuth_deg, s.doa.elevation_deg) if s.doa
                         else expected_direction(s, self.mic_array) for s in self.seats])

    def update_seat_directions(self) -> None:
        """Recompute every direction that came from geometry (after the seats or the array moved)."""
        for seat in self.seats:
            if seat.doa is None or seat.doa.source == "geometry":
                az, el = azimuth_elevation(expected_direction(seat, self.mic_array))
                seat.doa = SeatDirection(az, el, "geometry")

    def to_dict(self) -> dict[str, Any]:
        return {
            "format": FORMAT,
            "version": self.version,
            "id": self.id,
            "room_to_stage": {
                "rotation": self.room_to_stage.rotation.tolist(),
                "translation": self.room_to_stage.translation.tolist(),
            },
            "seats": [
                {
                    "role": role,
                    "position": s.position.tolist(),
                    "yaw_deg": s.yaw_deg,
                    "doa": None if s.doa is None else {
                        "azimuth_deg": s.doa.azimuth_deg,
                        "elevation_deg": s.doa.elevation_deg,
                        "source": s.doa.source,
                    },
                    "voice_profile": None if s.voice_profile is None else {
                        "encoder": s.voice_profile.encoder,
                        "embedding": s.voice_profile.embedding.tolist(),
                        "seconds": s.voice_profile.seconds,
                    },
                }
                for role, s in zip(ROLES, self.seats)
            ],
            "mic_array": {"preset": self.mic_array.preset,
                          "positions": self.mic_array.positions.tolist()},
            "audio_latency_ms": self.audio_latency_ms,
        }


def expected_direction(seat: Seat, mics: MicArray) -> np.ndarray:
    """(3,) unit vector from the array centre to the seat's mouth."""
    d = seat.mouth() - mics.center
    return d / np.linalg.norm(d)


# --- parsing: each helper names the field it checks -------------------------------------


def _require(obj: dict, key: str, path: str) -> Any:
    if not isinstance(obj, dict):
        raise CalibrationError(path or "<root>", f"expected an object, got {type(obj).__name__}")
    if key not in obj:
        raise CalibrationError(f"{path}.{key}".lstrip("."), "missing field")
    return obj[key]


def _number(value: Any, path: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise CalibrationError(path, f"expected a finite number, got {value!r}")
    return float(value)


def _array(value: Any, shape: tuple[int | None, ...], path: str) -> np.ndarray:
    """A nested list of numbers with the given shape (None: any length >= 1)."""
    def check(v: Any, dims: tuple[int | None, ...], p: str) -> list:
        if not dims:
            return _number(v, p)
        if not isinstance(v, list) or (dims[0] is not None and len(v) != dims[0]) or not v:
            want = f"a list of {dims[0]}" if dims[0] is not None else "a non-empty list"
            raise CalibrationError(p, f"expected {want}, got {v!r}")
        return [check(x, dims[1:], f"{p}[{i}]") for i, x in enumerate(v)]
    return np.array(check(value, shape, path), float)


def _rigid(value: Any, path: str) -> RigidTransform:
    rotation = _array(_require(value, "rotation", path), (3, 3), f"{path}.rotation")
    translation = _array(_require(value, "translation", path), (3,), f"{path}.translation")
    problem = is_rigid(rotation)
    if problem:
        raise CalibrationError(f"{path}.rotation", problem)
    return RigidTransform(rotation, translation)


def _seat(value: Any, index: int, path: str) -> Seat:
    role = _require(value, "role", path)
    if role != ROLES[index]:
        raise CalibrationError(f"{path}.role", f"expected {ROLES[index]!r} at index {index}, got {role!r}")
    doa = _require(value, "doa", path)
    if doa is not None:
        source = _require(doa, "source", f"{path}.doa")
        if source not in ("geometry", "measured"):
            raise CalibrationError(f"{path}.doa.source", f"expected 'geometry' or 'measured', got {source!r}")
        doa = SeatDirection(_number(_require(doa, "azimuth_deg", f"{path}.doa"), f"{path}.doa.azimuth_deg"),
                            _number(_require(doa, "elevation_deg", f"{path}.doa"),
                                    f"{path}.doa.elevation_deg"), source)
    return Seat(
        position=_array(_require(value, "position", path), (3,), f"{path}.position"),
        yaw_deg=_number(_require(value, "yaw_deg", path), f"{path}.yaw_deg"),
        doa=doa,
        voice_profile=_profile(_require(value, "voice_profile", path), f"{path}.voice_profile"),
    )


def _mic_array(value: Any, path: str) -> MicArray:
    preset = _require(value, "preset", path)
    if preset is not None and preset not in PRESETS:
        raise CalibrationError(f"{path}.preset", f"unknown preset {preset!r}; known: {sorted(PRESETS)}")
    positions = _array(_require(value, "positions", path), (None, 3), f"{path}.positions")
    if preset is not None and len(positions) != len(PRESETS[preset]):
        raise CalibrationError(f"{path}.positions", f"preset {preset!r} has {len(PRESETS[preset])} "
                               f"microphones, the file lists {len(positions)}")
    return MicArray(positions, preset)


def _profile(value: Any, path: str) -> VoiceProfile | None:
    if value is None:
        return None
    if isinstance(value, dict) and "mean" in value:
        raise CalibrationError(path, "an MFCC profile from an older build: enrol the voice again "
                                     "(`talking-together calibrate enroll`)")
    encoder = _require(value, "encoder", path)
    if encoder != ENCODER_NAME:
        raise CalibrationError(f"{path}.encoder", f"expected {ENCODER_NAME!r}, got {encoder!r}: enrol the voice again")
    embedding = _array(_require(value, "embedding", path), (EMBEDDING_DIM,), f"{path}.embedding")
    norm = float(np.linalg.norm(embedding))
    if not 0.99 < norm < 1.01:
        raise CalibrationError(f"{path}.embedding", f"must be a unit vector, its norm is {norm:.3f}")
    return VoiceProfile(embedding, _number(_require(value, "seconds", path), f"{path}.seconds"), encoder)


def calibration_from_dict(data: Any) -> Calibration:
    """Parse and validate; raises CalibrationError naming the first bad field."""
    fmt = _require(data, "format", "")
    if fmt != FORMAT:
        raise CalibrationError("format", f"expected {FORMAT!r}, got {fmt!r}")
    version = _require(data, "version", "")
    if isinstance(version, bool) or not isinstance(version, int) or version != VERSION:
        raise CalibrationError("version", f"this build reads version {VERSION}, the file has {version!r}")
    cal_id = _require(data, "id", "")
    if not isinstance(cal_id, str) or not cal_id.strip():
        raise CalibrationError("id", f"expected a non-empty string, got {cal_id!r}")
    seats = _require(data, "seats", "")
    if not isinstance(seats, list) or len(seats) != 2:
        raise CalibrationError("seats", f"expected a list of 2 seats (A, B), got {seats!r}")
    latency = _require(data, "audio_latency_ms", "")
    if latency is not None and _number(latency, "audio_latency_ms") < 0:
        raise CalibrationError("audio_latency_ms", f"must be >= 0, got {latency}")
    parsed_seats = (_seat(seats[0], 0, "seats[0]"), _seat(seats[1], 1, "seats[1]"))
    return Calibration(
        id=cal_id,
        room_to_stage=_rigid(_require(data, "room_to_stage", ""), "room_to_stage"),
        seats=parsed_seats,
        mic_array=_mic_array(_require(data, "mic_array", ""), "mic_array"),
        audio_latency_ms=None if latency is None else float(latency),
        version=version,
    )


def load_calibration(path: str | Path) -> Calibration:
    """Read and validate a calibration file."""
    path = Path(path)
    try:
        data = json.loads(path.read_text())
    except json.JSONDecodeError as exc:
        raise CalibrationError("<file>", f"{path} is not valid JSON: {exc}") from exc
    return calibration_from_dict(data)


def save_calibration(calibration: Calibration, path: str | Path) -> Path:
    """Validate by round-trip, then write indented JSON."""
    data = calibration.to_dict()
    calibration_from_dict(json.loads(json.dumps(data)))
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=2) + "\n")
    return path


def facing_yaw_deg(position: np.ndarray, toward: np.ndarray) -> float:
    """The yaw (degrees) at `position` that faces `toward`, in the horizontal plane."""
    d = np.asarray(toward, float) - np.asarray(position, float)
    return float(np.degrees(math.atan2(-d[0], -d[2])))


def new_calibration(cal_id: str) -> Calibration:
    """A valid starting file: identity room->STAGE, two seats facing across a table, a mono mic.

    R's origin is on the floor under the table centre; the seats are 1.2 m apart along X.
    """
    a, b = np.array([-0.6, 1.1, 0.0]), np.array([0.6, 1.1, 0.0])
    cal = Calibration(
        id=cal_id,
        room_to_stage=RigidTransform(),
        seats=(Seat(a, facing_yaw_deg(a, b)), Seat(b, facing_yaw_deg(b, a))),
        mic_array=MicArray(np.array([[0.0, 0.76, 0.0]]), "mono"),
    )
    cal.update_seat_directions()
    return cal
