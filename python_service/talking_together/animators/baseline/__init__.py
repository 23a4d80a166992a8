"""The rule-based baseline animator."""

from talking_together.animators.baseline.animator import BaselineAnimator
from talking_together.animators.baseline.config import BaselineConfig

__all__ = ["BaselineAnimator", "BaselineConfig"]
