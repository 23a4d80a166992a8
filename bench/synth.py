"""Synthetic corpus speed: hours of dialogue per wall-clock hour with 2 workers, and bytes per hour.

Other jobs often share this machine, so it also prints the load average and the CPU seconds
the generation used: dialogue per CPU second times the workers is what an idle machine gives.
"""

from __future__ import annotations

import os
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "python_service"))

from talking_together.data.corpus import CorpusConfig, generate  # noqa: E402

HOURS, WORKERS = 0.1, 2


def cpu_seconds() -> float:
    """CPU time of this process and of its finished children (the workers)."""
    return sum(r.ru_utime + r.ru_stime for r in (resource.getrusage(resource.RUSAGE_SELF),
                                                 resource.getrusage(resource.RUSAGE_CHILDREN)))


with tempfile.TemporaryDirectory() as tmp:
    load_before = os.getloadavg()[0]
    start, cpu_start = time.perf_counter(), cpu_seconds()
    manifest = generate(HOURS, Path(tmp), CorpusConfig(seed=0), workers=WORKERS)
    wall, cpu = time.perf_counter() - start, cpu_seconds() - cpu_start
    size = sum(s["bytes"] for s in manifest["shards"])
dialogue_s = manifest["hours"] * 3600
print(f"{manifest['hours']:.3f} h of dialogue in {wall:.1f} s with {WORKERS} workers: "
      f"{dialogue_s / wall:.1f}x real time (target >= 30x)")
print(f"load average {load_before:.1f} before, {os.getloadavg()[0]:.1f} after, on {os.cpu_count()} cores; "
      f"{cpu:.1f} CPU s: {dialogue_s / cpu:.1f}x real time per core, "
      f"{WORKERS * dialogue_s / cpu:.1f}x with {WORKERS} idle cores")
print(f"{size / manifest['hours'] / 1e9:.2f} GB per hour of dialogue")
