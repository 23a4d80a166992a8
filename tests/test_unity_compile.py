"""Compile check of the whole Unity package (Runtime, Editor, Tests, Samples) without Unity.

Every asmdef under unity_package/ (found by globbing, so a new folder is picked up) is built as
its own assembly with Mono's mcs, in dependency order, with only the references the asmdef
declares and the #defines its defineConstraints and versionDefines imply, against a reference
surface of the UnityEngine, UnityEditor, Google.Protobuf, Grpc.Core.Api, Grpc.Net.Client and
YetAnotherHttpHandler APIs the package uses (unity_package/Tools~/ReferenceSurface/, written from
those libraries' documentation and sources). Two passes: an Android IL2CPP player (no UnityEditor)
and the Editor.

It catches our mistakes: a misspelt or wrong-typed call, a missing `using`, an asmdef without a
reference its code needs, editor-only code in a runtime assembly, a define constraint that leaves
an assembly out, a script outside every asmdef, an asset without its .meta. It does NOT replace
building in a real Unity editor: the surface is signatures written by hand, not the real
assemblies; mcs is not Unity's compiler (C# 7.2 at most); nothing is imported, linked, stripped or
run. The negative tests below prove the check fails on a deliberately wrong call against each
surface assembly, so it cannot pass everything silently.

Needs Debian's mono-mcs, mono-runtime, libmono-system-net-http4.0-cil and
libnunit-framework2.6.3-cil (.ci/apt-packages.txt): skipped locally without them, failed in CI.
"""

from __future__ import annotations

import importlib.util
import json
import os
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from csharp import mono_build

SURFACE_DIR = mono_build.UNITY_PACKAGE / "Tools~" / "ReferenceSurface"
NET_HTTP = Path("/usr/lib/mono/4.5/System.Net.Http.dll")
YAHH = "Cysharp.Net.Http.YetAnotherHttpHandler"


def _load_compile_check():
    spec = importlib.util.spec_from_file_location("compile_check", SURFACE_DIR / "compile_check.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses resolve their module by name
    spec.loader.exec_module(module)
    return module


cc = _load_compile_check()


@pytest.fixture(scope="module")
def tools():
    mono_build.require("mcs", "mono", nunit=True)
    if not NET_HTTP.exists():
        message = f"missing {NET_HTTP}: install the Debian package libmono-system-net-http4.0-cil (.ci/apt-packages.txt)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)


@pytest.fixture(scope="module")
def surface(tools, tmp_path_factory):
    """The reference surface, built once: name -> dll."""
    _, assemblies = cc.load_surface()
    return cc.build_surface(tmp_path_factory.mktemp("surface"), assemblies)


# ------------------------------------------------------------------ the package itself


def test_package_compiles_with_every_dependency(surface, tmp_path):
    report = cc.check(tmp_path, prebuilt=surface)
    print(report.summary())
    assert report.ok, report.summary()
    asmdefs, _ = cc.discover()
    # with everything installed, no assembly may be left out of both passes (a typo in a define
    # constraint or a versionDefine would leave it out in Unity too, silently)
    never = sorted({a.name for a in asmdefs} - set(report.compiled()))
    assert not never, f"never compiled: {never}\n{report.summary()}"
    player = set(report.compiled("player"))
    for a in asmdefs:
        editor_only = a.spec.get("includePlatforms") == ["Editor"]
        assert (a.name in player) != editor_only, f"{a.name}: player pass {'built' if editor_only else 'left out'} it"


@pytest.mark.parametrize("without", [
    pytest.param({YAHH}, id="without-yetanotherhttphandler"),
    pytest.param({YAHH, "Google.Protobuf", "Grpc.Core.Api", "Grpc.Net.Client"}, id="without-any-dependency"),
])
def test_package_compiles_without_its_dependencies(surface, tmp_path, without):
    """A project that lacks YetAnotherHttpHandler (and maybe gRPC and Protobuf too) still
    compiles: what needs them is left out by its define constraints, and what is left (Core, the
    avatar driver, the editor tools) does not reach for them, instead of every script in the
    project failing to compile."""
    report = cc.check(tmp_path, without=without, prebuilt=surface)
    print(report.summary())
    assert report.ok, report.summary()
    assert {"TalkingTogether.Bridge.Core", "TalkingTogether.Bridge.Unity", "TalkingTogether.Bridge.Editor"} <= set(report.compiled())


def test_every_imported_asset_has_its_meta():
    """Packages installed from git are read-only to Unity, which then cannot create .meta files
    and ignores the assets: every imported file and folder needs a committed one, and a .meta
    whose asset is gone makes Unity warn. Folders ending in '~' are not imported."""
    root = mono_build.UNITY_PACKAGE
    missing, stale = [], []
    for path in sorted(root.rglob("*")):
        rel = path.relative_to(root)
        if any(part.endswith("~") or part.startswith(".") for part in rel.parts):
            continue
        if path.suffix == ".meta":
            if not path.with_name(path.name[:-5]).exists():
                stale.append(str(rel))
        elif not path.with_name(path.name + ".meta").exists():
            missing.append(str(rel))
    assert not missing, f"no .meta (run python3 unity_package/Tools~/write_meta_files.py): {missing}"
    assert not stale, f".meta without its asset: {stale}"


# ------------------------------------------------------------------ the check fails when it should


WRONG_CALLS = {
    # surface assembly: (a correct line, the same line with one member misspelt)
    "UnityEngine": ("new UnityEngine.GameObject().transform.SetPositionAndRotation(UnityEngine.Vector3.zero, UnityEngine.Quaternion.identity);",
                    "new UnityEngine.GameObject().transform.SetPositionAndRotaton(UnityEngine.Vector3.zero, UnityEngine.Quaternion.identity);"),
    "UnityEditor": ("UnityEditor.EditorGUILayout.HelpBox(\"x\", UnityEditor.MessageType.Info);",
                    "UnityEditor.EditorGUILayout.HelpBx(\"x\", UnityEditor.MessageType.Info);"),
    "Google.Protobuf": ("Google.Protobuf.CodedOutputStream.ComputeStringSize(\"x\");",
                        "Google.Protobuf.CodedOutputStream.ComputeStringSise(\"x\");"),
    "Grpc.Core.Api": ("new Grpc.Core.Metadata().Add(\"authorization\", \"Bearer x\");",
                      "new Grpc.Core.Metadata().Append(\"authorization\", \"Bearer x\");"),
    "Grpc.Net.Client": ("new Grpc.Net.Client.GrpcChannelOptions().DisposeHttpClient = true;",
                        "new Grpc.Net.Client.GrpcChannelOptions().DisposeHttpHandler = true;"),
    YAHH: ("new Cysharp.Net.Http.YetAnotherHttpHandler().Http2Only = true;",
           "new Cysharp.Net.Http.YetAnotherHttpHandler().Http2Onlyy = true;"),
}


def _snippet(tmp_path: Path, body: str, name: str) -> Path:
    source = tmp_path / f"{name}.cs"
    source.write_text("public static class Snippet\n{\n    public static void Run()\n    {\n        " + body + "\n    }\n}\n")
    return source


@pytest.mark.parametrize("assembly", sorted(WRONG_CALLS))
def test_a_misspelt_member_does_not_compile(surface, tmp_path, assembly):
    """The stubs are real C# types: a member they do not declare is an error, as in Unity."""
    good, bad = WRONG_CALLS[assembly]
    refs = list(surface.values())
    ok = cc.mcs(tmp_path / "good.dll", [_snippet(tmp_path, good, "good")], refs)
    assert ok.returncode == 0, f"the control snippet should compile against {assembly}:\n{ok.stdout}{ok.stderr}"
    wrong = cc.mcs(tmp_path / "bad.dll", [_snippet(tmp_path, bad, "bad")], refs)
    assert wrong.returncode != 0, f"a misspelt {assembly} member compiled"
    assert "error CS1061" in wrong.stdout + wrong.stderr or "error CS0117" in wrong.stdout + wrong.stderr


def _fake_package(root: Path, asmdefs: dict[str, dict], sources: dict[str, str]) -> Path:
    """A minimal package: package.json, asmdefs at folder/<name>.asmdef, sources at their paths."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "package.json").write_text(json.dumps({"name": "com.example.fake", "version": "1.0.0"}))
    for folder, spec in asmdefs.items():
        (root / folder).mkdir(parents=True, exist_ok=True)
        (root / folder / f"{spec['name']}.asmdef").write_text(json.dumps(spec))
    for rel, text in sources.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text)
    return root


A_TYPE = "namespace Fake { public static class Maths { public static int Twice(int x) { return 2 * x; } } }\n"
B_USES_A = "namespace Fake { public static class User { public static int Four() { return Maths.Twice(2); } } }\n"


@pytest.mark.parametrize("declared", [True, False])
def test_a_missing_asmdef_reference_fails(surface, tmp_path, declared):
    package = _fake_package(tmp_path / "pkg", {
        "A": {"name": "Fake.A", "noEngineReferences": True},
        "B": {"name": "Fake.B", "references": ["Fake.A"] if declared else [], "noEngineReferences": True},
    }, {"A/Maths.cs": A_TYPE, "B/User.cs": B_USES_A})
    report = cc.check(tmp_path / "out", package, passes=("player",), prebuilt=surface)
    assert report.ok == declared, report.summary()
    if not declared:
        assert "CS0103" in report.failures()[0].detail or "CS0246" in report.failures()[0].detail


def test_a_reference_that_exists_nowhere_fails(surface, tmp_path):
    package = _fake_package(tmp_path / "pkg", {
        "A": {"name": "Fake.A", "references": ["Unity.Mathematics"], "noEngineReferences": True},
    }, {"A/Maths.cs": A_TYPE})
    report = cc.check(tmp_path / "out", package, passes=("player",), prebuilt=surface)
    assert not report.ok and "Unity.Mathematics" in report.failures()[0].detail


def test_editor_calls_in_a_runtime_assembly_fail_the_player_pass(surface, tmp_path):
    code = "public static class Saver { public static void Save(UnityEngine.Object o) { UnityEditor.EditorUtility.SetDirty(o); } }\n"
    guarded = "#if UNITY_EDITOR\n" + code + "#endif\n"
    package = _fake_package(tmp_path / "pkg", {"R": {"name": "Fake.Runtime"}}, {"R/Saver.cs": code})
    report = cc.check(tmp_path / "out", package, prebuilt=surface)
    assert [r.status for r in report.results] == ["failed", "compiled"], report.summary()
    (package / "R/Saver.cs").write_text(guarded)
    assert cc.check(tmp_path / "out2", package, prebuilt=surface).ok


def test_a_script_outside_every_asmdef_fails(surface, tmp_path):
    package = _fake_package(tmp_path / "pkg", {"A": {"name": "Fake.A", "noEngineReferences": True}},
                            {"A/Maths.cs": A_TYPE, "Loose/Stray.cs": B_USES_A, "Hidden~/Ignored.cs": "not C#"})
    report = cc.check(tmp_path / "out", package, passes=("player",), prebuilt=surface)
    assert [p.name for p in report.orphans] == ["Stray.cs"] and not report.ok


@pytest.mark.parametrize("expression, built", [("1.0.0", True), ("", True), ("[1.11.5]", True), ("[2.0,)", False), ("(,1.0)", False)])
def test_version_defines_gate_an_assembly(surface, tmp_path, expression, built):
    """An asmdef gated on YetAnotherHttpHandler's version, as Unity evaluates versionDefines."""
    gated = {"name": "Fake.Gated", "noEngineReferences": True, "references": [YAHH],
             "defineConstraints": ["FAKE_HAS_YAHH"],
             "versionDefines": [{"name": "com.cysharp.yetanotherhttphandler", "expression": expression, "define": "FAKE_HAS_YAHH"}]}
    uses = "public static class H { public static object Make() { return new Cysharp.Net.Http.YetAnotherHttpHandler(); } }\n"
    package = _fake_package(tmp_path / "pkg", {"G": gated}, {"G/H.cs": uses})
    with_yahh = cc.check(tmp_path / "out1", package, passes=("player",), prebuilt=surface)
    assert with_yahh.ok and (with_yahh.compiled() == ["Fake.Gated"]) == built, with_yahh.summary()
    without = cc.check(tmp_path / "out2", package, passes=("player",), without={YAHH}, prebuilt=surface)
    assert without.ok and without.compiled() == [], without.summary()


def test_version_and_constraint_rules():
    vm, holds = cc.version_matches, cc.constraint_holds
    assert vm("2022.3.10f1", "2021.3") and not vm("2021.2.0f1", "2021.3")
    assert vm("1.2.0", "[1.2]") and not vm("1.2.1", "[1.2]")
    assert vm("1.5", "(1.2,2.0)") and not vm("2.0", "(1.2,2.0)") and vm("2.0", "(1.2,2.0]")
    assert vm("0.1", "(,1.0]") and not vm("1.0.1", "(,1.0]") and vm("3", "[1.0,)")
    assert holds("A", {"A"}) and not holds("!A", {"A"}) and holds("A || B", {"B"}) and holds("!C", set())


# ------------------------------------------------------------------ link.xml from the Editor assembly


def test_linker_processor_writes_the_link_xml(surface, tmp_path):
    """The Editor assembly's IUnityLinkerProcessor writes a well-formed link.xml that preserves
    what reflection reaches: its LinkXml() is compiled against the UnityEditor surface and run
    under Mono."""
    processor = mono_build.UNITY_PACKAGE / "Editor" / "TalkingTogetherLinkXml.cs"
    program = tmp_path / "Print.cs"
    program.write_text("public static class P { public static void Main() { "
                       "System.Console.Write(TalkingTogether.Bridge.Editor.TalkingTogetherLinkXml.LinkXml()); } }\n")
    exe = tmp_path / "print.exe"
    refs = [surface["UnityEditor"], surface["UnityEngine"]]
    build = subprocess.run(["mcs", "-nologo", "-target:exe", f"-out:{exe}", "-define:UNITY_2022_3_OR_NEWER;UNITY_2022_1_OR_NEWER",
                            *(f"-r:{r}" for r in refs), str(processor), str(program)],
                           capture_output=True, text=True, timeout=120)
    assert build.returncode == 0, build.stdout + build.stderr
    for dll in refs:
        (tmp_path / dll.name).write_bytes(dll.read_bytes())
    run = subprocess.run(["mono", str(exe)], capture_output=True, text=True, timeout=60, cwd=tmp_path)
    assert run.returncode == 0, run.stdout + run.stderr
    linker = ET.fromstring(run.stdout)
    preserved = {a.get("fullname"): a.attrib for a in linker.iter("assembly")}
    for name in ["TalkingTogether.Bridge.Generated", "Google.Protobuf", "Grpc.Core.Api", "Grpc.Net.Client", YAHH]:
        assert preserved[name]["preserve"] == "all" and preserved[name]["ignoreIfMissing"] == "1", preserved
    # the generated file replaces the one users had to copy by hand
    docs = mono_build.UNITY_PACKAGE / "Documentation~"
    assert not (docs / "link.xml").exists()
    assert not re.search(r"copy[^.\n]*link\.xml", (docs / "index.md").read_text(), re.I)


# ------------------------------------------------------------------ the sample's recording


def test_the_sample_recording_replays():
    """Samples~/TwoPlaceholderHeads/conversation.mcap, what the sample's docs tell you to
    `talking-together replay`, still reads with this version's recording schema and holds a
    stream header, both participants' frames and a clean end."""
    from talking_together.replay.recording import read_recording

    recording = read_recording(mono_build.UNITY_PACKAGE / "Samples~" / "TwoPlaceholderHeads" / "conversation.mcap")
    assert recording.complete and recording.damage is None
    responses = recording.parsed_responses()
    kinds = [r.WhichOneof("payload") for r in responses]
    assert kinds[0] == "header" and kinds[-1] == "status" and responses[-1].status.code == 0
    frames = [r.frame for r in responses if r.WhichOneof("payload") == "frame"]
    assert len(frames) >= 400  # 18 s at 25 fps
    assert all(len(f.participants) == 2 for f in frames)
    assert len(responses[0].header.layout.anchors) == 2
