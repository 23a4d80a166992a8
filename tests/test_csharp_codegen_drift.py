"""The C# wire code committed in unity_package/Runtime/Generated must be exactly what protos/
generates: messages from protoc's C# generator, the client stub from the package's own
protoc plugin (unity_package/Tools~; Debian ships no grpc_csharp_plugin). Regenerate with the
command in the failure message after changing the .proto."""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
PROTOS = REPO / "protos"
GENERATED = REPO / "unity_package" / "Runtime" / "Generated"
PLUGIN = REPO / "unity_package" / "Tools~" / "protoc_gen_grpc_csharp_client.py"
# The committed code comes from Debian bookworm's protoc; another protoc writes other code.
PROTOC_VERSION = "libprotoc 3.21.12"


def protoc() -> str:
    path = shutil.which("protoc")
    version = subprocess.run([path, "--version"], capture_output=True, text=True).stdout.strip() if path else ""
    if version == PROTOC_VERSION:
        return path
    message = (
        f"needs protoc '{PROTOC_VERSION}' (Debian package protobuf-compiler, in .ci/apt-packages.txt), "
        f"found {version or 'none'}"
    )
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


def generate(out: Path) -> None:
    wrapper = out / "protoc-gen-ttgrpc"
    wrapper.write_text(f'#!/bin/sh\nexec "{sys.executable}" "{PLUGIN}" "$@"\n')
    wrapper.chmod(wrapper.stat().st_mode | stat.S_IXUSR)
    protos = sorted(str(p.relative_to(PROTOS)) for p in PROTOS.rglob("*.proto"))
    subprocess.run(
        [protoc(), f"-I{PROTOS}", f"--csharp_out={out}", f"--plugin=protoc-gen-ttgrpc={wrapper}",
         f"--ttgrpc_out={out}", *protos],
        check=True, cwd=PROTOS, capture_output=True, text=True,
    )
    wrapper.unlink()


def test_generated_csharp_matches_protos(tmp_path):
    generate(tmp_path)
    fresh = {p.name: p.read_text() for p in tmp_path.glob("*.cs")}
    committed = {p.name: p.read_text() for p in GENERATED.glob("*.cs")}
    assert fresh, "protoc generated no C#"
    drifted = sorted(n for n in fresh.keys() | committed.keys() if fresh.get(n) != committed.get(n))
    assert not drifted, (
        f"unity_package/Runtime/Generated is stale for {drifted}; regenerate with\n"
        f"  protoc -Iprotos --csharp_out={GENERATED.relative_to(REPO)} "
        f"--plugin=protoc-gen-ttgrpc=WRAPPER --ttgrpc_out={GENERATED.relative_to(REPO)} "
        "protos/talking_together/v1/*.proto\n"
        f"where WRAPPER runs {PLUGIN.relative_to(REPO)} with a Python that has protobuf."
    )


def test_plugin_generates_every_rpc(tmp_path):
    generate(tmp_path)
    stub = (tmp_path / "TalkingTogetherGrpc.cs").read_text()
    for rpc, kind in (("Animate", "DuplexStreaming"), ("Subscribe", "ServerStreaming"), ("GetInfo", "Unary")):
        assert f'grpc::MethodType.{kind},\n        __ServiceName,\n        "{rpc}"' in stub
    assert "CallInvoker.AsyncServerStreamingCall(__Method_Subscribe, null, options, request)" in stub
