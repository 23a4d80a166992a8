"""Room calibration: where the seats are, how the room maps to the headset, and what the mics hear.

Measured once per room with `talking-together calibrate ...`, written to one versioned
JSON file that the service and the Unity package both read.
"""

from calibration.mics import PRESETS, place_preset
from calibration.rigid import RigidTransform, rms_residual, rotation_angle_deg, solve_rigid_transform
from calibration.schema import (
    FORMAT,
    VERSION,
    Calibration,
    CalibrationError,
    MicArray,
    Seat,
    SeatDirection,
    calibration_from_dict,
    facing_yaw_deg,
    load_calibration,
    new_calibration,
    save_calibration,
)

__all__ = [
    "FORMAT",
    "PRESETS",
    "VERSION",
    "Calibration",
    "CalibrationError",
    "MicArray",
    "RigidTransform",
    "Seat",
    "SeatDirection",
    "calibration_from_dict",
    "facing_yaw_deg",
    "load_calibration",
    "new_calibration",
    "place_preset",
    "rms_residual",
    "rotation_angle_deg",
    "save_calibration",
    "solve_rigid_transform",
]
