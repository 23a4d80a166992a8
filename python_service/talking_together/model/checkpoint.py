"""Checkpoint files: weights, configs, normaliser and provenance in one torch file, checked on load.

Loading never runs code from the file: torch's weights-only unpickler accepts tensors and plain
data (dicts, lists, numbers, strings) and refuses every other global, so a checkpoint from
someone else is data, not a program. Everything `save_checkpoint` writes is of those kinds.
"""

from __future__ import annotations

import pickle
import re
from dataclasses import asdict
from pathlib import Path
from typing import Any

import torch

from talking_together.model.config import ModelConfig
from talking_together.model.diffusion import DiffusionConfig
from talking_together.model.features import Normalizer
from talking_together.model.generator import MotionGenerator

FORMAT = "talking_together.motion.v1"
DEFAULT_CHECKPOINT = Path(__file__).parent / "checkpoints" / "default.pt"


class CheckpointError(RuntimeError):
    """A checkpoint that cannot be used, with what is wrong and where."""


def save_checkpoint(path: str | Path, gen: MotionGenerator, extra: dict[str, Any] | None = None) -> None:
    """`extra` carries training state (optimiser, step) or provenance (config, step)."""
    state = gen.net.state_dict()
    payload = {"format": FORMAT, "model_config": gen.model_cfg.to_dict(), "diffusion_config": asdict(gen.diffusion_cfg),
               "normalizer": gen.normalizer.state_dict(), "state_dict": state, **(extra or {})}
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(path.suffix + ".tmp")
    torch.save(payload, tmp)
    tmp.replace(path)  # never leave a half-written checkpoint behind


def read_checkpoint(path: str | Path) -> dict[str, Any]:
    """The raw payload, or a CheckpointError that says why not."""
    path = Path(path)
    if not path.is_file():
        raise CheckpointError(f"no checkpoint at {path}")
    try:
        payload = torch.load(path, map_location="cpu", weights_only=True)
    except Exception as e:  # torch raises many types for a truncated or foreign file
        if isinstance(e, pickle.UnpicklingError) and (refused := _refused_global(e)):  # outside the allow-list
            raise CheckpointError(
                f"{path} holds Python objects beyond tensors and plain data ({refused}); it was refused unread, "
                "because loading it could run its code: re-save it with talking_together.model.save_checkpoint"
            ) from e
        reason = "corrupt or not a torch file" if isinstance(e, pickle.UnpicklingError) else f"{type(e).__name__}: {_one_line(str(e))}"
        raise CheckpointError(f"{path} is not a readable torch checkpoint ({reason})") from e
    if not isinstance(payload, dict) or payload.get("format") != FORMAT:
        got = payload.get("format") if isinstance(payload, dict) else type(payload).__name__
        raise CheckpointError(f"{path} is not a {FORMAT} checkpoint (format: {got!r})")
    missing = {"model_config", "diffusion_config", "normalizer", "state_dict"} - payload.keys()
    if missing:
        raise CheckpointError(f"{path} lacks {sorted(missing)}")
    return payload


def _one_line(text: str, limit: int = 300) -> str:
    """Torch's messages span lines; an error here is one line (a log record, a CLI failure)."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit] + "..."


def _refused_global(error: pickle.UnpicklingError) -> str | None:
    """The global the weights-only unpickler refused ('GLOBAL posix.system'), without torch's advice to
    load the file unsafely; None when it refused something else (a corrupt byte stream)."""
    match = re.search(r"unsupported GLOBAL (\S+)|Unsupported global: GLOBAL (\S+)", str(error))
    return f"GLOBAL {match.group(1) or match.group(2)}" if match else None


def load_generator(path: str | Path = DEFAULT_CHECKPOINT, device: str | torch.device = "cpu") -> MotionGenerator:
    """A ready MotionGenerator (eval mode) from a checkpoint file."""
    payload = read_checkpoint(path)
    try:
        gen = MotionGenerator(ModelConfig.from_dict(payload["model_config"]),
                              DiffusionConfig(**payload["diffusion_config"]),
                              Normalizer.from_state_dict(payload["normalizer"]))
        gen.net.load_state_dict(payload["state_dict"])
    except (TypeError, ValueError, RuntimeError) as e:
        raise CheckpointError(f"{path} does not match this code's model: {e}") from e
    return gen.to(device).eval()
