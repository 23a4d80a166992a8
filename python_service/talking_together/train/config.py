"""Training configuration: five dataclasses, one TOML file with a [section] for each."""

from __future__ import annotations

import tomllib
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any

from talking_together.model.checkpoint import read_checkpoint
from talking_together.model.config import ModelConfig
from talking_together.model.diffusion import DiffusionConfig
from talking_together.train.losses import LossWeights
from talking_together.train.mask_noise import MaskNoiseConfig


@dataclass
class TrainConfig:
    window: int = 128  # frames per training window (5.1 s; the paper uses 250)
    batch_size: int = 16
    steps: int = 2000
    lr: float = 5e-4
    weight_decay: float = 0.01
    warmup: int = 100  # linear warm-up steps, then cosine decay to lr / 10
    grad_clip: float = 1.0
    ema_decay: float = 0.995  # the saved model is the exponential moving average: smoother samples
    prefix_prob: float = 0.5  # share of windows that continue a given motion prefix (streaming)
    eval_every: int = 250
    eval_batches: int = 4
    checkpoint_every: int = 250
    log_every: int = 10
    seed: int = 0
    device: str = "auto"  # auto | cpu | cuda
    threads: int = 0  # torch CPU threads; 0 keeps torch's default
    max_minutes: float = 0.0  # stop (and save) after this much wall time; 0 = no limit
    init: str = ""  # start from this checkpoint's network, weights and normaliser (a second stage); "" = scratch


@dataclass
class Config:
    model: ModelConfig = field(default_factory=ModelConfig)
    diffusion: DiffusionConfig = field(default_factory=DiffusionConfig)
    loss: LossWeights = field(default_factory=LossWeights)
    train: TrainConfig = field(default_factory=TrainConfig)
    mask_noise: MaskNoiseConfig = field(default_factory=MaskNoiseConfig)

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> "Config":
        """Unknown sections or keys raise: a typo must not silently train the defaults."""
        kinds = {f.name: f.default_factory for f in fields(cls)}
        unknown = set(d) - kinds.keys()
        if unknown:
            raise ValueError(f"unknown config sections {sorted(unknown)}; known: {sorted(kinds)}")
        parts = {}
        for name, factory in kinds.items():
            kind = type(factory())
            section = d.get(name, {})
            bad = set(section) - {f.name for f in fields(kind)}
            if bad:
                raise ValueError(f"unknown keys {sorted(bad)} in [{name}]; known: {sorted(f.name for f in fields(kind))}")
            parts[name] = kind(**section)
        cfg = cls(**parts)
        if cfg.train.init:
            cfg._adopt_network(cfg.train.init, given=d.keys())
        return cfg

    def _adopt_network(self, checkpoint: str, given: Iterable[str]) -> None:
        """A second stage trains the checkpoint it starts from, so [model] and [diffusion] are that
        checkpoint's; a file may leave them out, and sections it gives must agree."""
        payload = read_checkpoint(checkpoint)
        theirs = {"model": ModelConfig.from_dict(payload["model_config"]),
                  "diffusion": DiffusionConfig(**payload["diffusion_config"])}
        for name, value in theirs.items():
            if name in given and getattr(self, name) != value:
                raise ValueError(f"[{name}] differs from the network in [train] init = {checkpoint!r}; "
                                 f"remove the [{name}] section to take the checkpoint's")
            setattr(self, name, value)

    @classmethod
    def load(cls, path: str | Path | None, init: str | None = None) -> "Config":
        """`init` overrides the file's [train] init: one continue-config serves any checkpoint."""
        d = {} if path is None else tomllib.loads(Path(path).read_text())
        if init:
            d.setdefault("train", {})["init"] = init
        return cls.from_dict(d)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def to_toml(self) -> str:
        """The resolved config, written beside the checkpoints so a run can be repeated exactly."""
        lines = []
        for section, values in self.to_dict().items():
            lines.append(f"[{section}]")
            for k, v in values.items():
                lines.append(f"{k} = {_toml_value(v)}")
            lines.append("")
        return "\n".join(lines)


def _toml_value(v: Any) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, str):
        return f'"{v}"'
    return repr(v)
