"""ONNX export of the network (condition and denoiser-step graphs) and the onnxruntime backend."""

from talking_together.export.metadata import FILES, FORMAT, ExportInfo, OnnxExportError, OnnxModelError, sha256_file
from talking_together.export.onnx_export import EXPORTERS, ExportResult, ExportSettings, cached_export, check_parity, export_onnx
from talking_together.export.runtime import OnnxDenoiser, select_providers

__all__ = [
    "EXPORTERS", "FILES", "FORMAT", "ExportInfo", "ExportResult", "ExportSettings", "OnnxDenoiser", "OnnxExportError",
    "OnnxModelError", "cached_export", "check_parity", "export_onnx", "select_providers", "sha256_file",
]
