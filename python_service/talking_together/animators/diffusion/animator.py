"""The diffusion model as a causal Animator with a short lookahead.

Every `hop` frames it samples a window [prefix | hop | lookahead]: the prefix is motion it has
already emitted (so the new frames continue it without a seam), the lookahead is audio that
has arrived beyond the hop. Only the hop's frames are emitted. Speaker activity feeds the role
embeddings; the layout gives t(0).
"""

from __future__ import annotations

from collections import deque

import numpy as np
import torch

from talking_together.activity import SpeakerActivity
from talking_together.animators.base import Animator, participant_state
from talking_together.animators.diffusion.batcher import Window, WindowBatcher
from talking_together.animators.diffusion.config import StreamingConfig
from talking_together.audio.ring import RingBuffer
from talking_together.contract import NUM_EXPRESSIONS, NUM_PARTICIPANTS, SAMPLES_PER_FRAME, AnimationFrame
from talking_together.layout import Layout
from talking_together.model import audio_features, layout_features, pack_motion, unpack_motion

# Both people at rest (neutral face, identity joints, no offset): the prefix before any output.
REST_MOTION = np.tile(pack_motion(np.zeros(NUM_EXPRESSIONS), np.tile([0.0, 0.0, 0.0, 1.0], (4, 1)), np.zeros(3)), (2, 1))  # (2, 79)


class DiffusionAnimator(Animator):
    name = "diffusion"

    def __init__(
        self,
        layout: Layout,
        channels: int,
        batcher: WindowBatcher,
        activity: SpeakerActivity,
        config: StreamingConfig = StreamingConfig(),
    ) -> None:
        """`activity` (from `talking_together.activity.make_activity`) gives the role masks."""
        super().__init__(channels)
        self.layout, self.batcher, self.config = layout, batcher, config
        t = config.window_frames
        self.audio = RingBuffer(t * SAMPLES_PER_FRAME, channels)
        self.activity = activity
        self.masks: deque[np.ndarray] = deque([np.zeros(2)] * t, maxlen=t)  # per frame (2,)
        self.emitted: deque[np.ndarray] = deque([REST_MOTION] * config.prefix_frames, maxlen=max(1, config.prefix_frames))
        self.captures: deque[int] = deque()  # capture times of frames not yet emitted
        self.lookahead_guess: list[np.ndarray] = []  # the last run's (2, 79) motion for frames after its hop
        anchors = np.array([[*a.position, a.yaw_rad] for a in layout.anchors])  # (2, 4)
        self.layout_feats = torch.from_numpy(layout_features(anchors))  # (2, 6)

    def push_frame(self, samples: np.ndarray, capture_time_ns: int) -> list[AnimationFrame]:
        """Take one 40 ms frame of audio; emit a hop of frames when its lookahead is complete."""
        self.audio.push(samples)
        self.activity.push(samples)
        # The hop's newest frame is `lookahead` frames old when emitted: its mask may take a
        # decision made since, at no cost in latency (activity.recent).
        self.masks.append(np.zeros(2))
        revised = self.activity.recent(self.config.lookahead_frames + 1)
        for i, row in enumerate(revised, start=len(self.masks) - len(revised)):
            self.masks[i] = row
        self.captures.append(capture_time_ns)
        if len(self.captures) < self.config.hop_frames + self.config.lookahead_frames:
            return []
        return self._run_hop(self.config.hop_frames)

    def flush(self) -> list[AnimationFrame]:
        """At the end of the audio, pad with silence so every frame that had audio is emitted."""
        cfg, frames = self.config, []
        silence = np.zeros((SAMPLES_PER_FRAME, self.channels), dtype=np.float32)
        real = len(self.captures)
        while real > 0:
            while len(self.captures) < cfg.hop_frames + cfg.lookahead_frames:
                self.audio.push(silence)
                self.masks.append(np.zeros(2))
                self.captures.append(-1)  # padding: never emitted
            count = min(cfg.hop_frames, real)
            frames += self._run_hop(count)
            real -= count
        self.captures.clear()
        return frames

    def _run_hop(self, count: int) -> list[AnimationFrame]:
        cfg = self.config
        wav = torch.from_numpy(self.audio.latest(self.audio.capacity).T.copy())  # (C, T*640)
        window = Window(
            audio=audio_features(wav)[0],  # (4T, 160)
            masks=torch.from_numpy(np.stack(self.masks, axis=1).astype(np.float32)),  # (2, T)
            layout=self.layout_feats,
            prefix=torch.from_numpy(np.stack(self.emitted, axis=1)[:, -cfg.prefix_frames :].astype(np.float32)),  # (2, P, 79)
        )
        motion = self.batcher.sample(window).numpy()  # (2, T, 79)
        hop_start = cfg.prefix_frames
        # The last run already predicted these frames as its lookahead, from less audio: fade from
        # that prediction into this one, so the hop boundary carries no jump.
        overlap = min(len(self.lookahead_guess), count)
        if overlap:
            fade = (np.arange(1, overlap + 1) / (overlap + 1))[None, :, None]  # (1, overlap, 1)
            guess = np.stack(self.lookahead_guess[:overlap], axis=1)  # (2, overlap, 79)
            motion[:, hop_start : hop_start + overlap] = fade * motion[:, hop_start : hop_start + overlap] + (1 - fade) * guess
        self.lookahead_guess = list(motion[:, hop_start + count : hop_start + count + cfg.lookahead_frames].transpose(1, 0, 2))
        masks = np.stack(self.masks)  # (T, 2)
        hop = motion[:, hop_start : hop_start + count]  # (2, count, 79)
        parts = unpack_motion(hop)  # one conversion for the whole hop
        frames = []
        for j in range(count):
            states = tuple(
                participant_state(
                    self.layout.anchors[i],
                    parts["translation"][i, j],
                    tuple(parts["rotations"][i, j]),
                    parts["expression"][i, j],
                    masks[hop_start + j, i],
                )
                for i in range(NUM_PARTICIPANTS)
            )
            self.emitted.append(hop[:, j])
            frames.append(AnimationFrame(self._sequence, self.captures.popleft(), states))
            self._sequence += 1
        return frames
