"""`talking-together export onnx --checkpoint CKPT --out DIR`."""

from __future__ import annotations

import argparse
import logging

log = logging.getLogger(__name__)


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    export = subparsers.add_parser("export", help="export the diffusion model for other runtimes",
                                   description="Export the diffusion model for other runtimes.")
    formats = export.add_subparsers(dest="format", metavar="FORMAT", required=True)
    onnx = formats.add_parser(
        "onnx", help="condition.onnx and denoiser.onnx, checked against torch",
        description="Write the step-free condition and one denoiser step as two ONNX graphs (dynamic rooms and "
        "frames axes), with the configs, normaliser and checkpoint SHA-256 in their metadata. The export is kept "
        "only if onnx.checker passes and the outputs match torch within --atol. `serve --backend onnx --onnx DIR` runs it.",
    )
    onnx.add_argument("--checkpoint", help="checkpoint to export (default: the packaged one)")
    onnx.add_argument("--out", required=True, metavar="DIR", help="folder for condition.onnx and denoiser.onnx")
    onnx.add_argument("--exporter", default="torchscript", choices=("torchscript", "dynamo"),
                      help="torch.onnx exporter (default: %(default)s, seconds; dynamo needs onnxscript and takes about a minute)")
    onnx.add_argument("--opset", type=int, default=18, help="ONNX opset (default: %(default)s)")
    onnx.add_argument("--atol", type=float, default=1e-4, help="largest accepted difference from torch, fp32 (default: %(default)s)")
    onnx.set_defaults(func=run_export_onnx)


def run_export_onnx(args: argparse.Namespace) -> int:
    """Every failure is one line and exit status 1."""
    from talking_together.export import ExportSettings, OnnxExportError, OnnxModelError, export_onnx
    from talking_together.model import DEFAULT_CHECKPOINT, CheckpointError

    settings = ExportSettings(exporter=args.exporter, opset=args.opset, atol=args.atol)
    try:
        result = export_onnx(args.checkpoint or DEFAULT_CHECKPOINT, args.out, settings)
    except (CheckpointError, OnnxExportError, OnnxModelError, OSError, ImportError) as exc:
        log.error("%s", " ".join(str(exc).split()))
        return 1
    for role, path in result.files.items():
        print(f"{role}: {path} ({path.stat().st_size / 1e6:.1f} MB)")
    print("parity with torch (max abs, fp32): " + ", ".join(f"{k} {v:.1e}" for k, v in result.parity.items()))
    print(f"checkpoint sha256 {result.checkpoint_sha256}")
    return 0
