"""The committed Python wire code must be exactly what protos/ generates (`make proto`)."""

from __future__ import annotations

import filecmp
from pathlib import Path

from grpc_tools import protoc

ROOT = Path(__file__).resolve().parents[1]
PROTO = "talking_together/v1/talking_together.proto"
GENERATED = ("talking_together_pb2.py", "talking_together_pb2.pyi", "talking_together_pb2_grpc.py")


def test_generated_python_matches_proto(tmp_path: Path) -> None:
    rc = protoc.main(
        ["protoc", f"-I{ROOT / 'protos'}", f"--python_out={tmp_path}", f"--pyi_out={tmp_path}", f"--grpc_python_out={tmp_path}", str(ROOT / "protos" / PROTO)]
    )
    assert rc == 0
    for name in GENERATED:
        fresh = tmp_path / "talking_together" / "v1" / name
        committed = ROOT / "python_service" / "talking_together" / "v1" / name
        assert filecmp.cmp(fresh, committed, shallow=False), f"{committed} drifted from {PROTO}: run `make proto` and commit"
