"""Animators: the rule-based baseline and (later) the diffusion model's streaming engine."""

from talking_together.animators.base import Animator, FrameChunker

__all__ = ["Animator", "FrameChunker"]
