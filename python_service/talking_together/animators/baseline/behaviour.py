"""Non-verbal behaviour of one participant: head motion, gaze with aversion, blinks, brows.

Head and eyes are driven toward the partner's eyes from the layout; the speaker's head follows
prosody (energy rises nod it), the listener nods at the partner's pauses. Everything is causal.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from talking_together.animators.baseline.config import BehaviourConfig
from talking_together.contract import BLENDSHAPE_INDEX, FPS
from talking_together.geometry import (
    Anchor,
    HeadGeometry,
    eye_rotation_towards,
    quat_conjugate,
    quat_from_yaw_pitch_roll,
    quat_rotate,
)

FRAME_S = 1.0 / FPS


@dataclass
class HeadPose:
    translation: np.ndarray  # (3,) anchor frame
    neck: np.ndarray  # (4,)
    head: np.ndarray  # (4,)


def yaw_pitch_towards(direction: np.ndarray) -> tuple[float, float]:
    """Yaw (about +Y) and pitch (about +X) that turn -Z toward `direction`."""
    x, y, z = direction
    return math.atan2(-x, -z), math.atan2(y, math.hypot(x, z))


class Behaviour:
    def __init__(self, anchor: Anchor, geometry: HeadGeometry, rng: np.random.Generator, cfg: BehaviourConfig) -> None:
        self.anchor, self.geometry, self.rng, self.cfg = anchor, geometry, rng, cfg
        self.time_s = 0.0
        self.drift_phase = rng.uniform(0, 2 * math.pi, size=3)
        self.emphasis = 0.0
        self.nod_start_s = -math.inf
        self.partner_speech_s = 0.0
        self.own_silence_s = math.inf
        self.aversion_until_s = -math.inf
        self.aversion_offset = np.zeros(2)  # yaw, pitch
        self.blink_start_s = -math.inf
        self.was_speaking = False

    # ------------------------------------------------------------------ head

    def head_pose(self, partner_eyes_anchor: np.ndarray, speaking: float, partner_speaking: float, energy_rise_db: float) -> HeadPose:
        """Head chain for this frame; `partner_eyes_anchor` is the target in the anchor frame."""
        cfg = self.cfg
        self.time_s += FRAME_S
        self._update_turn_state(speaking, partner_speaking)

        pivot = np.array([0.0, self.geometry.neck_length, 0.0])
        yaw, pitch = yaw_pitch_towards(partner_eyes_anchor - pivot)
        yaw, pitch = cfg.head_follow_gaze * yaw, cfg.head_follow_gaze * pitch
        if self.time_s < self.aversion_until_s:
            yaw += cfg.head_follow_gaze * self.aversion_offset[0]
            pitch += cfg.head_follow_gaze * self.aversion_offset[1]

        t = self.time_s
        drift = [a * math.sin(2 * math.pi * t / p + ph) for a, p, ph in zip(cfg.drift_amplitude_rad, cfg.drift_periods_s, self.drift_phase)]
        alpha = 1.0 - math.exp(-FRAME_S / cfg.emphasis_smoothing_s)
        self.emphasis += alpha * (speaking * max(0.0, energy_rise_db) / 6.0 - self.emphasis)
        nod_phase = (t - self.nod_start_s) / cfg.nod_duration_s
        nod = cfg.nod_amplitude_rad * math.sin(math.pi * nod_phase) if 0 <= nod_phase <= 1 else 0.0

        yaw += drift[0]
        pitch += drift[1] - cfg.emphasis_pitch_rad * min(self.emphasis, 1.0) - nod
        roll = drift[2]
        share = cfg.neck_share
        toward = partner_eyes_anchor / (np.linalg.norm(partner_eyes_anchor) + 1e-9)
        lean = cfg.speaker_lean_m * speaking * np.array([toward[0], 0.0, toward[2]])
        return HeadPose(
            translation=lean,
            neck=quat_from_yaw_pitch_roll(share * yaw, share * pitch, share * roll),
            head=quat_from_yaw_pitch_roll((1 - share) * yaw, (1 - share) * pitch, (1 - share) * roll),
        )

    def _update_turn_state(self, speaking: float, partner_speaking: float) -> None:
        cfg = self.cfg
        is_speaking = speaking > 0.5
        if is_speaking and not self.was_speaking and self.own_silence_s >= cfg.aversion_silence_s:
            # Turn start: look away, as speakers do while planning (Kendon 1967).
            self.aversion_until_s = self.time_s + self.rng.uniform(*cfg.aversion_duration_s)
            side = self.rng.choice([-1.0, 1.0])
            angle = self.rng.uniform(*cfg.aversion_angle_rad)
            self.aversion_offset = np.array([side * angle, -0.5 * angle])
        self.own_silence_s = 0.0 if is_speaking else self.own_silence_s + FRAME_S
        self.was_speaking = is_speaking

        if partner_speaking > 0.5:
            self.partner_speech_s += FRAME_S
        else:
            if self.partner_speech_s >= cfg.listener_nod_after_s and not is_speaking:
                self.nod_start_s = self.time_s  # backchannel nod at the partner's pause
            self.partner_speech_s = 0.0

    # ------------------------------------------------------------------ eyes and face

    def eye_rotations(self, target_world: np.ndarray, head_position: np.ndarray, head_rotation: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Both eyes' rotations relative to the head, looking at the target (or averted)."""
        target_head = quat_rotate(quat_conjugate(head_rotation), target_world - head_position)
        if self.time_s < self.aversion_until_s:
            yaw, pitch = self.aversion_offset
            target_head = quat_rotate(quat_from_yaw_pitch_roll(yaw, pitch, 0.0), target_head)
        g = self.geometry
        half = np.array([g.interocular / 2, 0.0, 0.0])
        left = eye_rotation_towards(target_head, np.asarray(g.eye_center_offset) - half)
        right = eye_rotation_towards(target_head, np.asarray(g.eye_center_offset) + half)
        return left, right

    def face(self, speaking: float, emphasis_db: float) -> np.ndarray:
        """(52,) blink, brow and smile weights (the mouth is added by `Mouth`)."""
        cfg = self.cfg
        w = np.zeros(len(BLENDSHAPE_INDEX))
        rate = cfg.blinks_per_minute_speaking if speaking > 0.5 else cfg.blinks_per_minute_listening
        if self.time_s - self.blink_start_s > cfg.blink_duration_s and self.rng.random() < rate / 60.0 * FRAME_S:
            self.blink_start_s = self.time_s
        phase = (self.time_s - self.blink_start_s) / cfg.blink_duration_s
        blink = math.sin(math.pi * phase) if 0 <= phase <= 1 else 0.0
        w[BLENDSHAPE_INDEX["eyeBlinkLeft"]] = w[BLENDSHAPE_INDEX["eyeBlinkRight"]] = blink
        brow = float(np.clip(cfg.brow_gain * speaking * max(0.0, emphasis_db) / 10.0, 0, 1))
        w[BLENDSHAPE_INDEX["browInnerUp"]] = brow
        w[BLENDSHAPE_INDEX["browOuterUpLeft"]] = w[BLENDSHAPE_INDEX["browOuterUpRight"]] = 0.7 * brow
        smile = cfg.smile_listening * (1.0 - speaking)
        w[BLENDSHAPE_INDEX["mouthSmileLeft"]] = w[BLENDSHAPE_INDEX["mouthSmileRight"]] = smile
        return w
