"""Build and run the Unity package's engine-free C# (Runtime/Core) under Mono.

Shared by the pytest modules that exercise the C# side. Unity is not needed: Core has no
engine references, and Debian's Mono compiler and NUnit 2.6 console runner build and run it.
When they are missing, CI fails (so the C# tests can never be skipped silently there) and a
developer's run skips with the packages to install.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
UNITY_PACKAGE = REPO / "unity_package"
CORE_SOURCES = UNITY_PACKAGE / "Runtime" / "Core"
CORE_TESTS = UNITY_PACKAGE / "Tests" / "Core"

DEBIAN_PACKAGES = ("mono-mcs", "nunit-console", "libnunit-framework2.6.3-cil")
NUNIT_FRAMEWORK = Path("/usr/lib/cli/nunit.framework-2.6.3/nunit.framework.dll")
# Unity's oldest supported compiler level that Debian's mcs knows; Core must stay within it.
LANG_VERSION = "7.2"


def require(*tools: str, nunit: bool = False) -> None:
    """Fail under CI, skip elsewhere, when a Mono tool (or NUnit's framework) is missing."""
    missing = [t for t in tools if shutil.which(t) is None]
    if nunit and not NUNIT_FRAMEWORK.exists():
        missing.append(str(NUNIT_FRAMEWORK))
    if not missing:
        return
    message = (
        f"missing {', '.join(missing)}: install the Debian packages {' '.join(DEBIAN_PACKAGES)} "
        "(listed in .ci/apt-packages.txt)"
    )
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


def mcs(out: Path, sources: list[Path], references: list[Path] = (), target: str = "library") -> Path:
    """Compile C# with warnings as errors, so Core stays clean for Unity's stricter setups."""
    cmd = [
        "mcs", f"-langversion:{LANG_VERSION}", f"-target:{target}", "-warnaserror+",
        "-nologo", f"-out:{out}",
        *(f"-r:{r}" for r in references),
        *(str(s) for s in sources),
    ]
    result = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, f"mcs failed:\n{result.stdout}\n{result.stderr}"
    return out


def build_core(build_dir: Path) -> Path:
    """TalkingTogether.Bridge.Core.dll from Runtime/Core, as Unity's asmdef would build it."""
    require("mcs", "mono")
    return mcs(build_dir / "TalkingTogether.Bridge.Core.dll", sorted(CORE_SOURCES.glob("*.cs")))
