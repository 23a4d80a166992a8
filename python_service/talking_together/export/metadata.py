"""What an exported .onnx file says about itself, and the one-line errors for files that do not fit.

Every file carries, as ONNX metadata_props (string key -> string value), the model, diffusion and
streaming configs, the normaliser and the SHA-256 of the checkpoint it came from. A runtime (this
package, or any other ONNX consumer) needs no torch checkpoint to know what the graph expects, and
the live engine refuses a file exported from a different checkpoint instead of animating with it.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from talking_together.animators.diffusion.config import StreamingConfig
from talking_together.model.features import Normalizer

FORMAT = "talking_together.onnx.v1"
PREFIX = "talking_together."
ROLES = ("condition", "denoiser")  # the two graphs: the step-free condition, one denoiser step
FILES = {"condition": "condition.onnx", "denoiser": "denoiser.onnx"}
# The graphs' inputs and outputs, by role: a runtime checks them before the first window.
INPUTS = {"condition": ("audio", "masks", "layout", "drop_audio", "drop_layout"),
          "denoiser": ("x_t", "steps", "static", "prefix", "prefix_mask")}
OUTPUTS = {"condition": ("static",), "denoiser": ("x0",)}


class OnnxModelError(RuntimeError):
    """An .onnx file that cannot be used: one line naming the file, what is wrong and the fix."""


class OnnxExportError(RuntimeError):
    """An export that failed its own checks (onnx.checker, parity with torch)."""


def reexport_hint(checkpoint: str | Path | None = None) -> str:
    ckpt = str(checkpoint) if checkpoint else "CKPT"
    return f"re-export it with `talking-together export onnx --checkpoint {ckpt} --out DIR`"


def sha256_file(path: str | Path, chunk: int = 1 << 20) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        while block := f.read(chunk):
            digest.update(block)
    return digest.hexdigest()


@dataclass(frozen=True)
class ExportInfo:
    """The self-description written into (and read back from) every exported file."""

    role: str  # "condition" or "denoiser"
    checkpoint_sha256: str
    checkpoint_name: str
    model_config: dict[str, Any]
    diffusion_config: dict[str, Any]
    streaming_config: dict[str, Any]
    normalizer: dict[str, list[float]]  # motion_mean, motion_std (79), audio_mean, audio_std (160)
    frame_multiple: int  # frames (axis T) must be a multiple of this: 2**levels; the runtime pads
    opset: int
    exporter: str  # "torchscript" or "dynamo"
    torch_version: str

    def to_props(self) -> dict[str, str]:
        """-> metadata_props: plain strings, JSON for the structured values."""
        props = {"format": FORMAT}
        for key, value in asdict(self).items():
            props[key] = value if isinstance(value, str) else json.dumps(value, sort_keys=True)
        return {PREFIX + k: v for k, v in props.items()}

    @classmethod
    def from_props(cls, props: dict[str, str], path: str | Path) -> "ExportInfo":
        """OnnxModelError unless `props` are a complete talking_together export of this format."""
        got = props.get(PREFIX + "format")
        if got != FORMAT:
            what = "no talking_together metadata" if got is None else f"format {got!r}, this code reads {FORMAT!r}"
            raise OnnxModelError(f"{path} is not a {FORMAT} export ({what}): {reexport_hint()}")
        values: dict[str, Any] = {}
        for name, field in cls.__dataclass_fields__.items():
            raw = props.get(PREFIX + name)
            if raw is None:
                raise OnnxModelError(f"{path} lacks the metadata key {PREFIX + name}: {reexport_hint()}")
            try:
                values[name] = raw if field.type == "str" else json.loads(raw)
            except json.JSONDecodeError as e:
                raise OnnxModelError(f"{path} has unreadable metadata {PREFIX + name} ({e.msg}): {reexport_hint()}") from None
        return cls(**values)

    def streaming(self) -> StreamingConfig:
        return StreamingConfig(**self.streaming_config)

    def normalizer_obj(self) -> Normalizer:
        return Normalizer.from_state_dict(self.normalizer)


def normalizer_lists(normalizer: Normalizer) -> dict[str, list[float]]:
    """float32 -> Python float is exact, and JSON round-trips a double: the normaliser survives bit for bit."""
    return {k: [float(x) for x in v.flatten().tolist()] for k, v in normalizer.state_dict().items()}
