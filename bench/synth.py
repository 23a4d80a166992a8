"""Synthetic corpus speed: hours of dialogue per wall-clock hour with 2 workers, and bytes per hour."""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "python_service"))

from talking_together.data.corpus import CorpusConfig, generate  # noqa: E402

HOURS, WORKERS = 0.05, 2

with tempfile.TemporaryDirectory() as tmp:
    start = time.perf_counter()
    manifest = generate(HOURS, Path(tmp), CorpusConfig(seed=0), workers=WORKERS)
    wall = time.perf_counter() - start
    size = sum(s["bytes"] for s in manifest["shards"])
print(f"{manifest['hours']:.3f} h of dialogue in {wall:.1f} s with {WORKERS} workers: "
      f"{manifest['hours'] * 3600 / wall:.1f}x real time (target >= 30x)")
print(f"{size / manifest['hours'] / 1e9:.2f} GB per hour of dialogue")
