"""The Unity package's Core C# tests (unity_package/Tests/Core), built with mcs and run with
NUnit's console runner under Mono: the engine-free part of the Unity side is tested in
`make test` like the Python side, and CI fails rather than skip when Mono is missing."""

from __future__ import annotations

import subprocess
import xml.etree.ElementTree as ET

from csharp import mono_build


def test_core_nunit_suite_passes(tmp_path):
    mono_build.require("mcs", "mono", "nunit-console", nunit=True)
    core = mono_build.build_core(tmp_path)
    tests = mono_build.mcs(
        tmp_path / "TalkingTogether.Bridge.Core.Tests.dll",
        sorted(mono_build.CORE_TESTS.glob("*.cs")),
        references=[core, mono_build.NUNIT_FRAMEWORK],
    )
    report = tmp_path / "nunit.xml"
    run = subprocess.run(
        ["nunit-console", "-nologo", "-noshadow", f"-xml={report}", str(tests)],
        capture_output=True, text=True, timeout=120, cwd=tmp_path,
    )
    summary = ET.parse(report).getroot().attrib
    total = int(summary["total"])
    failed = int(summary["failures"]) + int(summary["errors"])
    not_run = int(summary["not-run"]) + int(summary.get("invalid", 0))
    assert run.returncode == 0 and failed == 0, f"{failed} NUnit test(s) failed:\n{run.stdout}"
    assert total > 0, "the NUnit run found no tests"
    assert not_run == 0, f"{not_run} NUnit test(s) did not run:\n{run.stdout}"
