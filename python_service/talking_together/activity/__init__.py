"""Online speaker activity, the paper's masks: pA and pB per 25 fps frame from the room audio.

A mic array finds who speaks by direction (GCC-PHAT toward the calibrated seats); a mono
mic by voice (enrolled MFCC profiles); without a calibration only an energy VAD remains.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from talking_together.activity.base import FrameStft, Framer, SpeakerActivity, StftConfig, frame_f1
from talking_together.activity.doa import DoaActivity, DoaActivityConfig, srp_phat_azimuth
from talking_together.activity.profiles import (
    ProfileActivity,
    ProfileActivityConfig,
    VoiceProfile,
    enroll_profile,
)
from talking_together.activity.vad import EnergyActivity, EnergyVad, EnergyVadConfig

if TYPE_CHECKING:
    from calibration import Calibration

log = logging.getLogger(__name__)


def make_activity(calibration: Calibration | None, channels: int) -> SpeakerActivity:
    """The best estimator this room supports for `channels`-channel audio.

    Multichannel audio needs the calibration's array (same channel count, same order);
    mono audio needs enrolled voice profiles. Anything less falls back to the energy VAD,
    which says that someone speaks but not who.
    """
    if calibration is None:
        log.warning("no calibration: speaker activity is the energy VAD for both people")
        return EnergyActivity(channels)
    if channels >= 2:
        mics = calibration.mic_array.positions
        if len(mics) != channels:
            raise ValueError(
                f"calibration {calibration.id!r} describes {len(mics)} microphones "
                f"(mic_array.positions) but the audio has {channels} channels"
            )
        log.info("speaker activity: direction of arrival, %d mics, calibration %s", channels,
                 calibration.id)
        return DoaActivity(mics, calibration.seat_directions())
    if calibration.voice_profiles is None:
        log.warning("mono audio and no voice profiles in calibration %r (run `calibrate enroll`): "
                    "speaker activity is the energy VAD for both people", calibration.id)
        return EnergyActivity(channels)
    log.info("speaker activity: voice profiles, calibration %s", calibration.id)
    return ProfileActivity(calibration.voice_profiles, channels)


__all__ = [
    "DoaActivity",
    "DoaActivityConfig",
    "EnergyActivity",
    "EnergyVad",
    "EnergyVadConfig",
    "FrameStft",
    "Framer",
    "ProfileActivity",
    "ProfileActivityConfig",
    "SpeakerActivity",
    "StftConfig",
    "VoiceProfile",
    "enroll_profile",
    "frame_f1",
    "make_activity",
    "srp_phat_azimuth",
]
