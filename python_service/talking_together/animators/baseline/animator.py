"""The rule-based baseline: the floor the diffusion model must beat, and the service's fallback."""

from __future__ import annotations

import numpy as np

from talking_together.activity import EnergyVad, SpeakerActivity
from talking_together.animators.base import Animator, participant_state
from talking_together.animators.baseline.behaviour import Behaviour
from talking_together.animators.baseline.config import BaselineConfig
from talking_together.animators.baseline.mouth import Mouth, spectral_shape
from talking_together.audio.ring import RingBuffer
from talking_together.contract import NUM_PARTICIPANTS, AnimationFrame
from talking_together.geometry import DEFAULT_HEAD, HeadGeometry, compose_head_world, eye_midpoint_world, quat_conjugate, quat_rotate
from talking_together.layout import Layout


class BaselineAnimator(Animator):
    """Causal and cheap: every output is computed from this frame's audio, who speaks, and the layout."""

    name = "baseline"

    def __init__(
        self,
        layout: Layout,
        channels: int,
        activity: SpeakerActivity,
        seed: int = 0,
        config: BaselineConfig = BaselineConfig(),
        geometry: HeadGeometry = DEFAULT_HEAD,
    ) -> None:
        """`activity` (from `talking_together.activity.make_activity`) says who speaks."""
        super().__init__(channels)
        self.layout, self.config, self.geometry = layout, config, geometry
        self.activity = activity
        self.ring = RingBuffer(config.mouth.analysis_samples, channels)
        self.loudness = EnergyVad()  # its level above the noise floor opens the jaw
        rngs = [np.random.default_rng([seed, i]) for i in range(NUM_PARTICIPANTS)]
        self.mouths = [Mouth(config.mouth) for _ in range(NUM_PARTICIPANTS)]
        self.behaviours = [Behaviour(a, geometry, rng, config.behaviour) for a, rng in zip(layout.anchors, rngs)]
        # Each head's eyes as last seen: the partner's gaze target for the next frame.
        self.eye_midpoints = [
            eye_midpoint_world(*compose_head_world(a, np.zeros(3), np.array([0, 0, 0, 1.0]), np.array([0, 0, 0, 1.0]), geometry), geometry)
            for a in layout.anchors
        ]
        self._prev_level_db = 0.0

    def push_frame(self, samples: np.ndarray, capture_time_ns: int) -> list[AnimationFrame]:
        self.ring.push(samples)
        window = self.ring.latest(self.ring.capacity).mean(axis=1)  # (1024,) mono
        speaking = self.activity.push(samples)[-1]  # (2,)
        self.loudness.step(samples)
        level = self.loudness.level_db
        energy_rise = level - self._prev_level_db
        self._prev_level_db = level
        centroid, sibilance = spectral_shape(window)

        states = []
        for i in range(NUM_PARTICIPANTS):
            anchor, behaviour = self.layout.anchors[i], self.behaviours[i]
            target = self.eye_midpoints[1 - i]
            target_anchor = quat_rotate(quat_conjugate(anchor.rotation), target - anchor.position)
            pose = behaviour.head_pose(target_anchor, speaking[i], speaking[1 - i], energy_rise)
            head_pos, head_rot = compose_head_world(anchor, pose.translation, pose.neck, pose.head, self.geometry)
            left_eye, right_eye = behaviour.eye_rotations(target, head_pos, head_rot)
            expression = behaviour.face(speaking[i], energy_rise) + self.mouths[i].step(level, centroid, sibilance, speaking[i])
            joints = (pose.neck, pose.head, left_eye, right_eye)
            states.append(participant_state(anchor, pose.translation, joints, expression, speaking[i], self.geometry, (head_pos, head_rot)))
            self.eye_midpoints[i] = eye_midpoint_world(head_pos, head_rot, self.geometry)
        frame = AnimationFrame(self._sequence, capture_time_ns, (states[0], states[1]))
        self._sequence += 1
        return [frame]
