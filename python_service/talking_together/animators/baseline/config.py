"""Every tunable number of the rule-based baseline, in one place."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class MouthConfig:
    analysis_samples: int = 1024  # 64 ms window ending at the frame's last sample: loudness and spectrum
    open_range_db: float = 24.0  # jawOpen spans this range below the recent speech peak
    peak_decay_db_per_s: float = 4.0  # the speech peak follows a quieter talker down slowly
    max_jaw_open: float = 0.75
    attack_s: float = 0.03
    release_s: float = 0.08
    round_centroid_hz: float = 900.0  # below: rounded vowels (oo, oh)
    spread_centroid_hz: float = 2200.0  # above: spread vowels and fricatives (ee, s)
    sibilant_ratio: float = 0.35  # share of energy above 4 kHz that marks s/sh/f


@dataclass(frozen=True)
class BehaviourConfig:
    head_follow_gaze: float = 0.35  # share of the turn toward the partner done by the head
    neck_share: float = 0.4  # of the head orientation, the rest goes to the head joint
    emphasis_pitch_rad: float = 0.10  # speaker nod per unit of energy rise
    emphasis_smoothing_s: float = 0.15
    drift_amplitude_rad: tuple[float, float, float] = (0.05, 0.03, 0.02)  # yaw, pitch, roll
    drift_periods_s: tuple[float, float, float] = (7.0, 5.0, 9.0)
    nod_amplitude_rad: float = 0.12
    nod_duration_s: float = 0.6
    listener_nod_after_s: float = 1.5  # partner speech before a pause invites a nod
    aversion_silence_s: float = 0.5  # silence before an onset counts as a turn start
    aversion_duration_s: tuple[float, float] = (0.8, 1.5)
    aversion_angle_rad: tuple[float, float] = (0.20, 0.35)
    speaker_lean_m: float = 0.015  # toward the partner while speaking
    blinks_per_minute_listening: float = 15.0
    blinks_per_minute_speaking: float = 22.0
    blink_duration_s: float = 0.15
    brow_gain: float = 0.6
    smile_listening: float = 0.15


@dataclass(frozen=True)
class BaselineConfig:
    mouth: MouthConfig = field(default_factory=MouthConfig)
    behaviour: BehaviourConfig = field(default_factory=BehaviourConfig)
