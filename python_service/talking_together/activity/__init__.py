"""Online speaker activity, the paper's masks: pA and pB per 25 fps frame from the room audio.

The one place that decides who speaks; every animator takes a `SpeakerActivity` from
`make_activity`. A calibrated mic array finds who speaks by direction (each STFT bin goes to the seat
whose phase it matches); otherwise the voice decides: a neural VAD, and GE2E speaker embeddings clustered
online into two people, seeded by enrolled voices when the calibration has them; once both voices are
known, per-room mixtures of them learned from the embeddings decide each 40 ms frame.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from talking_together.activity.base import FrameStft, Framer, SpeakerActivity, StftConfig, frame_f1, stream_activity
from talking_together.activity.doa import DoaActivity, DoaActivityConfig, search_azimuth
from talking_together.activity.embedding import EmbeddingActivity, EmbeddingActivityConfig
from talking_together.activity.pitch import PitchActivity, PitchActivityConfig
from talking_together.activity.vad import EnergyActivity, EnergyVad, EnergyVadConfig, NeuralVad, NeuralVadConfig
from talking_together.activity.voices import VoiceProfile, enroll_profile

if TYPE_CHECKING:
    from calibration import Calibration

log = logging.getLogger(__name__)


def make_activity(calibration: Calibration | None, channels: int) -> SpeakerActivity:
    """The best estimator this room supports for `channels`-channel audio.

    Multichannel audio with a calibration needs its array (same channel count, same order).
    Everything else is told apart by voice: enrolled voices seed the two people when the
    calibration has both, and without them the first voice heard is A.
    """
    if calibration is not None and channels >= 2:
        mics = calibration.mic_array.positions
        if len(mics) != channels:
            raise ValueError(
                f"calibration {calibration.id!r} describes {len(mics)} microphones "
                f"(mic_array.positions) but the audio has {channels} channels"
            )
        log.info("speaker activity: direction of arrival, %d mics, calibration %s", channels, calibration.id)
        return DoaActivity(mics, calibration.seat_directions())
    enrolled = calibration.voice_profiles if calibration is not None else None
    if enrolled is not None:
        log.info("speaker activity: voices enrolled in calibration %s", calibration.id)
    else:
        log.info("speaker activity: voice embeddings, nobody enrolled (the first voice heard is A)")
    return EmbeddingActivity(channels, enrolled)


__all__ = [
    "DoaActivity",
    "DoaActivityConfig",
    "EmbeddingActivity",
    "EmbeddingActivityConfig",
    "EnergyActivity",
    "EnergyVad",
    "EnergyVadConfig",
    "FrameStft",
    "Framer",
    "NeuralVad",
    "NeuralVadConfig",
    "PitchActivity",
    "PitchActivityConfig",
    "SpeakerActivity",
    "StftConfig",
    "VoiceProfile",
    "enroll_profile",
    "frame_f1",
    "stream_activity",
    "make_activity",
    "search_azimuth",
]
