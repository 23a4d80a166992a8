#!/usr/bin/env python3
"""Compile every assembly definition of the Unity package with Mono's mcs, as Unity would lay
them out, against a small reference surface of the APIs they use (this folder).

What it catches: our own mistakes. A misspelt or wrong-typed Unity, gRPC, Protobuf or
YetAnotherHttpHandler call, a missing `using`, code in a runtime assembly that calls UnityEditor,
and an asmdef that lacks a reference its code needs (each asmdef is its own assembly, built with
only the references it declares, so a missing one fails here as it would in Unity).

What it does not do: replace a build in a real Unity editor. The surface holds signatures written
from the public documentation and sources of those libraries, not the libraries; mcs is not
Unity's Roslyn compiler (it knows C# 7.2 at most and none of Unity's analyzers or IL post-
processing); nothing is linked, stripped, imported or run. A pass here says the C# is consistent
with the documented APIs, no more.

How Unity's rules are modelled, per asmdef (docs.unity3d.com/Manual/ScriptCompilationAssemblyDefinitionFiles.html):
- sources: the .cs files under the asmdef's folder, minus sub-folders with their own asmdef and
  folders Unity does not import (names starting with '.' or ending with '~');
- references: other asmdefs by name or "GUID:<meta guid>"; one that exists nowhere is an error
  here (Unity would drop it silently and fail later on the first type it needs), one excluded
  by its define constraints is dropped, as Unity drops it;
- precompiled DLLs: all auto-referenced ones unless overrideReferences, then precompiledReferences;
- noEngineReferences: no UnityEngine/UnityEditor; allowUnsafeCode: -unsafe;
- includePlatforms/excludePlatforms, defineConstraints ("A", "!A", "A || B") and versionDefines
  (Unity's version range syntax) decide whether it is compiled and with which #defines.

Two passes: "player" is an Android IL2CPP player build (Quest): Editor-only assemblies are left
out and nothing references UnityEditor, so editor calls in runtime code fail. "editor" compiles
every assembly for the Editor, with UNITY_EDITOR, UnityEditor referenced and UNITY_INCLUDE_TESTS.

    python3 "unity_package/Tools~/ReferenceSurface/compile_check.py" [--without NAME] [-v]

Needs Debian's mono-mcs (and libmono-system-net-http4.0-cil, libnunit-framework2.6.3-cil).
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
PACKAGE = HERE.parents[1]
MONO_LIB = Path("/usr/lib/mono/4.5")
# What .NET Standard 2.1 gives every Unity assembly, as far as Mono's 4.5 profile has it.
FRAMEWORK = ("System.dll", "System.Core.dll", "System.Net.Http.dll", "System.Numerics.dll", "System.Xml.dll")
LANG_VERSION = "7.2"  # the newest mcs knows; Unity 2021.3+ takes C# 9, so this is the stricter bound

UNITY_VERSIONS = [(y, m) for y in range(2017, 2021) for m in (1, 2, 3, 4)] + [
    (2020, 1), (2020, 2), (2020, 3), (2021, 1), (2021, 2), (2021, 3), (2022, 1), (2022, 2), (2022, 3)]
NET_DEFINES = ["NET_STANDARD", "NET_STANDARD_2_0", "NET_STANDARD_2_1", "NETSTANDARD", "NETSTANDARD2_1",
               "CSHARP_7_3_OR_NEWER", "UNITY_5_3_OR_NEWER", "UNITY_64"]
PASSES = {
    # platform: the asmdef platform name; defines: what Unity 2022.3 sets for that target
    "player": {"platform": "Android", "editor": False,
               "defines": ["UNITY_ANDROID", "UNITY_ANDROID_API", "ENABLE_IL2CPP", "UNITY_IL2CPP"]},
    "editor": {"platform": "Editor", "editor": True,
               "defines": ["UNITY_EDITOR", "UNITY_EDITOR_64", "UNITY_EDITOR_WIN", "UNITY_STANDALONE",
                           "UNITY_STANDALONE_WIN", "ENABLE_MONO", "UNITY_INCLUDE_TESTS"]},
}


class CheckError(Exception):
    """The package's layout cannot be compiled as Unity would (before any compiler runs)."""


# ------------------------------------------------------------------ the reference surface


@dataclass
class SurfaceAssembly:
    name: str
    kind: str  # engine | editor | precompiled | asmdef
    sources: list[Path]
    references: list[str]
    path: Path | None = None  # a real assembly (Debian), used instead of stubs
    package: str | None = None
    version: str | None = None
    guid: str | None = None
    auto_referenced: bool = True
    debian: str | None = None


def load_surface(directory: Path = HERE) -> tuple[str, list[SurfaceAssembly]]:
    spec = json.loads((directory / "surface.json").read_text())
    assemblies = [
        SurfaceAssembly(
            name=a["name"], kind=a["kind"], sources=[directory / s for s in a.get("sources", [])],
            references=a.get("references", []), path=Path(a["path"]) if "path" in a else None,
            package=a.get("package"), version=a.get("version"), guid=a.get("guid"),
            auto_referenced=a.get("autoReferenced", True), debian=a.get("debian"))
        for a in spec["assemblies"]
    ]
    return spec["unity"], assemblies


def mcs(out: Path, sources: list[Path], references: list[Path], defines: list[str] = (),
        unsafe: bool = False, timeout: int = 300) -> subprocess.CompletedProcess:
    """One assembly; returns the completed mcs process (the caller decides what failure means)."""
    cmd = ["mcs", "-noconfig", "-nologo", "-target:library", f"-langversion:{LANG_VERSION}",
           "-nowarn:1591,1691", f"-out:{out}"]
    if defines:
        cmd.append("-define:" + ";".join(defines))
    if unsafe:
        cmd.append("-unsafe")
    cmd += [f"-r:{MONO_LIB / f}" for f in FRAMEWORK]
    cmd += [f"-r:{r}" for r in references]
    cmd += [str(s) for s in sources]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)


def compile_errors(result: subprocess.CompletedProcess) -> list[str]:
    return [line for line in (result.stdout + result.stderr).splitlines() if ": error " in line or "error CS" in line]


def build_surface(out_dir: Path, assemblies: list[SurfaceAssembly], without: set[str] = frozenset()) -> dict[str, Path]:
    """Compile the stubs (or take the real assembly) into out_dir; name -> dll."""
    out_dir.mkdir(parents=True, exist_ok=True)
    built: dict[str, Path] = {}
    for a in assemblies:
        if a.name in without:
            continue
        if a.path is not None:
            if not a.path.exists():
                raise CheckError(f"{a.name}: {a.path} is missing (Debian package {a.debian})")
            built[a.name] = a.path
            continue
        refs = [built[r] for r in a.references if r in built]
        out = out_dir / f"{a.name}.dll"
        result = mcs(out, a.sources, refs)
        if result.returncode != 0:
            raise CheckError(f"reference surface {a.name} does not compile:\n{result.stdout}{result.stderr}")
        built[a.name] = out
    return built


# ------------------------------------------------------------------ the package's assemblies


@dataclass
class Asmdef:
    path: Path
    spec: dict
    guid: str | None
    sources: list[Path] = field(default_factory=list)

    @property
    def name(self) -> str:
        return self.spec["name"]

    @property
    def folder(self) -> Path:
        return self.path.parent


def _hidden(part: str) -> bool:
    return part.startswith(".") or part.endswith("~")


def _meta_guid(path: Path) -> str | None:
    meta = path.with_name(path.name + ".meta")
    if not meta.exists():
        return None
    match = re.search(r"^guid:\s*([0-9a-f]{32})", meta.read_text(), re.M)
    return match.group(1) if match else None


def discover(package: Path = PACKAGE) -> tuple[list[Asmdef], list[Path]]:
    """Every asmdef Unity would compile from the package once its samples are imported, with
    its sources; and the .cs files no asmdef covers (Unity will not compile those in a package).

    Imported: every folder not hidden from the importer, plus each sample folder under Samples~
    (the Package Manager copies it into Assets/ on import, where it is compiled)."""
    roots = [package] + sorted(p for p in (package / "Samples~").glob("*") if p.is_dir())

    def imported_files(root: Path, pattern: str) -> list[Path]:
        return sorted(p for p in root.rglob(pattern) if not any(_hidden(x) for x in p.relative_to(root).parts[:-1]))

    asmdefs: list[Asmdef] = []
    for root in roots:
        for p in imported_files(root, "*.asmdef"):
            asmdefs.append(Asmdef(p, json.loads(p.read_text()), _meta_guid(p)))
        refs = imported_files(root, "*.asmref")
        if refs:
            raise CheckError(f"assembly definition references are not modelled: {refs}")
    names = [a.name for a in asmdefs]
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        raise CheckError(f"two asmdefs share a name: {duplicates}")
    by_folder = {a.folder: a for a in asmdefs}
    orphans: list[Path] = []
    for root in roots:
        for cs in imported_files(root, "*.cs"):
            # the nearest asmdef at or above the file, without leaving this import root
            folders = [cs.parent, *(p for p in cs.parent.parents if p.is_relative_to(root))]
            owner = next((by_folder[d] for d in folders if d in by_folder), None)
            (owner.sources if owner else orphans).append(cs)
    return asmdefs, orphans


# ------------------------------------------------------------------ defines and constraints


def parse_version(text: str) -> tuple[int, ...]:
    """'2022.3.10f1' -> (2022, 3, 10); '1.11.5-preview.2' -> (1, 11, 5)."""
    parts = []
    for piece in text.strip().split("."):
        match = re.match(r"\d+", piece)
        if not match:
            break
        parts.append(int(match.group()))
        if match.end() != len(piece):
            break
    return tuple(parts) or (0,)


def _cmp(a: tuple[int, ...], b: tuple[int, ...]) -> int:
    n = max(len(a), len(b))
    a, b = a + (0,) * (n - len(a)), b + (0,) * (n - len(b))
    return (a > b) - (a < b)


def version_matches(version: str, expression: str) -> bool:
    """Unity's version define expressions: '' any; '1.2' means >= 1.2; '[1.2]' exactly;
    '[1.2,2.0)' / '(1.2,2.0]' / '(,2.0]' / '[1.2,)' ranges, brackets inclusive, parentheses not."""
    expression = expression.strip()
    v = parse_version(version)
    if not expression:
        return True
    if expression[0] not in "[(":
        return _cmp(v, parse_version(expression)) >= 0
    if expression[-1] not in "])" or len(expression) < 3:
        raise CheckError(f"bad version expression {expression!r}")
    inner = expression[1:-1]
    if "," not in inner:
        if expression[0] != "[" or expression[-1] != "]":
            raise CheckError(f"bad version expression {expression!r}")
        return _cmp(v, parse_version(inner)) == 0
    low, high = (s.strip() for s in inner.split(",", 1))
    if low:
        c = _cmp(v, parse_version(low))
        if c < 0 or (c == 0 and expression[0] == "("):
            return False
    if high:
        c = _cmp(v, parse_version(high))
        if c > 0 or (c == 0 and expression[-1] == ")"):
            return False
    return True


def constraint_holds(constraint: str, defines: set[str]) -> bool:
    """One defineConstraints entry: symbols, '!' negation and '||' alternatives."""
    def term(t: str) -> bool:
        t = t.strip()
        if t.startswith("!"):
            return t[1:].strip() not in defines
        return t in defines
    return any(term(t) for t in constraint.split("||"))


def unity_defines(unity: str) -> list[str]:
    """What Unity defines for its own version, e.g. UNITY_2022_3_OR_NEWER, UNITY_2022_3, UNITY_2022_3_0."""
    year, minor, patch = (parse_version(unity) + (0, 0, 0))[:3]
    out = [f"UNITY_{y}_{m}_OR_NEWER" for y, m in UNITY_VERSIONS if (y, m) <= (year, minor)]
    out += [f"UNITY_{year}", f"UNITY_{year}_{minor}", f"UNITY_{year}_{minor}_{patch}"]
    return out + NET_DEFINES


# ------------------------------------------------------------------ the check


@dataclass
class Result:
    pass_name: str
    assembly: str
    status: str  # compiled | skipped | failed
    detail: str = ""
    seconds: float = 0.0
    sources: int = 0
    defines: list[str] = field(default_factory=list)
    references: list[str] = field(default_factory=list)


@dataclass
class Report:
    results: list[Result]
    orphans: list[Path]
    seconds: float

    @property
    def ok(self) -> bool:
        return not self.orphans and all(r.status != "failed" for r in self.results)

    def compiled(self, pass_name: str | None = None) -> list[str]:
        return [r.assembly for r in self.results if r.status == "compiled" and pass_name in (None, r.pass_name)]

    def failures(self) -> list[Result]:
        return [r for r in self.results if r.status == "failed"]

    def summary(self) -> str:
        lines = []
        for r in self.results:
            head = f"[{r.pass_name}] {r.assembly}: {r.status}"
            if r.status == "compiled":
                head += f" ({r.sources} files, {r.seconds:.1f} s; refs: {', '.join(r.references) or 'none'})"
            lines.append(head + (f"\n{r.detail}" if r.detail and r.status != "compiled" else ""))
        for o in self.orphans:
            lines.append(f"not in any asmdef (Unity compiles no such script in a package): {o}")
        lines.append(f"{'OK' if self.ok else 'FAILED'} in {self.seconds:.1f} s")
        return "\n".join(lines)


def _order(asmdefs: list[Asmdef], resolve) -> list[Asmdef]:
    """Dependency order of the package's asmdefs; a reference cycle is an error (as in Unity)."""
    done: list[Asmdef] = []
    state: dict[str, int] = {}

    def visit(a: Asmdef, trail: list[str]) -> None:
        if state.get(a.name) == 2:
            return
        if state.get(a.name) == 1:
            raise CheckError(f"asmdef reference cycle: {' -> '.join(trail + [a.name])}")
        state[a.name] = 1
        for ref in a.spec.get("references", []):
            target = resolve(ref)
            if isinstance(target, Asmdef):
                visit(target, trail + [a.name])
        state[a.name] = 2
        done.append(a)

    for a in asmdefs:
        visit(a, [])
    return done


def check(out_dir: Path, package: Path = PACKAGE, passes: tuple[str, ...] = ("player", "editor"),
          without: set[str] = frozenset(), surface_dir: Path = HERE,
          prebuilt: dict[str, Path] | None = None) -> Report:
    """Build the surface (or take `prebuilt`, from build_surface), then every asmdef in
    dependency order, once per pass. `without` leaves surface assemblies out of the project."""
    start = time.monotonic()
    if shutil.which("mcs") is None:
        raise CheckError("mcs is missing: install Debian's mono-mcs")
    unity, surface = load_surface(surface_dir)
    unknown = set(without) - {a.name for a in surface}
    if unknown:
        raise CheckError(f"--without names no surface assembly: {sorted(unknown)}")
    if prebuilt is None:
        built = build_surface(out_dir / "surface", surface, set(without))
    else:
        built = {k: v for k, v in prebuilt.items() if k not in without}
    present = [a for a in surface if a.name in built]
    asmdefs, orphans = discover(package)

    package_json = json.loads((package / "package.json").read_text())
    versions = {"Unity": unity, package_json["name"]: package_json["version"]}
    versions.update({a.package: a.version for a in present if a.package})
    by_name = {a.name: a for a in asmdefs}
    by_guid = {a.guid: a for a in asmdefs if a.guid}
    surface_by_name = {a.name: a for a in surface}
    surface_by_guid = {a.guid: a for a in surface if a.guid}

    def resolve(ref: str):
        if ref.startswith("GUID:"):
            guid = ref[5:].lower()
            return by_guid.get(guid) or surface_by_guid.get(guid)
        return by_name.get(ref) or surface_by_name.get(ref)

    order = _order(asmdefs, resolve)
    results: list[Result] = []
    for pass_name in passes:
        cfg = PASSES[pass_name]
        base = set(unity_defines(unity)) | set(cfg["defines"])
        pass_dir = out_dir / pass_name
        pass_dir.mkdir(parents=True, exist_ok=True)
        outputs: dict[str, Path] = {}
        failed: set[str] = set()
        for a in order:
            spec = a.spec
            include, exclude = spec.get("includePlatforms", []), spec.get("excludePlatforms", [])
            if (include and cfg["platform"] not in include) or (not include and cfg["platform"] in exclude):
                results.append(Result(pass_name, a.name, "skipped", f"not built for {cfg['platform']}"))
                continue
            defines = set(base)
            for vd in spec.get("versionDefines", []):
                have = versions.get(vd["name"])
                if have is not None and version_matches(have, vd.get("expression", "")):
                    defines.add(vd["define"])
            unmet = [c for c in spec.get("defineConstraints", []) if not constraint_holds(c, defines)]
            if unmet:
                results.append(Result(pass_name, a.name, "skipped", f"define constraints not met: {unmet}"))
                continue
            if not a.sources:
                results.append(Result(pass_name, a.name, "skipped", "no sources"))
                continue

            refs: list[Path] = []
            ref_names: list[str] = []
            problems: list[str] = []
            for ref in spec.get("references", []):
                target = resolve(ref)
                if target is None:
                    problems.append(f"reference {ref!r} is neither an asmdef of the package nor in the reference surface")
                elif isinstance(target, Asmdef):
                    if target.name in failed:
                        problems.append(f"not compiled: it references {target.name}, which failed")
                    elif target.name in outputs:
                        refs.append(outputs[target.name])
                        ref_names.append(target.name)
                    # else: excluded on this platform or by its constraints; Unity drops the reference
                elif target.kind == "asmdef":
                    if target.name in built:
                        refs.append(built[target.name])
                        ref_names.append(target.name)
                    # else: not installed in this scenario; Unity drops the reference
                else:
                    problems.append(f"reference {ref!r} names a {target.kind} assembly, which asmdefs do not list")
            if spec.get("overrideReferences"):
                for dll in spec.get("precompiledReferences", []):
                    target = surface_by_name.get(dll[:-4] if dll.endswith(".dll") else dll)
                    if target is None or target.kind != "precompiled":
                        problems.append(f"precompiled reference {dll!r} is not in the reference surface")
                    elif target.name in built:
                        refs.append(built[target.name])
                        ref_names.append(target.name)
            else:
                for s in present:
                    if s.kind == "precompiled" and s.auto_referenced:
                        refs.append(built[s.name])
                        ref_names.append(s.name)
            if not spec.get("noEngineReferences"):
                refs.append(built["UnityEngine"])
                ref_names.append("UnityEngine")
                if cfg["editor"]:
                    refs.append(built["UnityEditor"])
                    ref_names.append("UnityEditor")
            if problems:
                failed.add(a.name)
                results.append(Result(pass_name, a.name, "failed", "\n".join(problems)))
                continue

            t0 = time.monotonic()
            out = pass_dir / f"{a.name}.dll"
            run = mcs(out, a.sources, refs, sorted(defines), unsafe=bool(spec.get("allowUnsafeCode")))
            seconds = time.monotonic() - t0
            rel = [str(s.relative_to(package)) for s in a.sources]
            if run.returncode != 0:
                failed.add(a.name)
                detail = "\n".join(compile_errors(run)) or (run.stdout + run.stderr)
                results.append(Result(pass_name, a.name, "failed", detail, seconds, len(rel), sorted(defines), ref_names))
                continue
            outputs[a.name] = out
            results.append(Result(pass_name, a.name, "compiled", "", seconds, len(rel), sorted(defines), ref_names))
    return Report(results, orphans, time.monotonic() - start)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--without", action="append", default=[],
                        help="leave a surface assembly out of the simulated project (repeatable), "
                             "e.g. Cysharp.Net.Http.YetAnotherHttpHandler")
    parser.add_argument("--pass", dest="passes", action="append", choices=sorted(PASSES),
                        help="only this pass (repeatable; default: player and editor)")
    parser.add_argument("--package", type=Path, default=PACKAGE, help="the package root (default: this package)")
    parser.add_argument("--out", type=Path, help="keep the built assemblies here (default: a temporary folder)")
    args = parser.parse_args(argv)
    passes = tuple(args.passes or ("player", "editor"))
    try:
        if args.out:
            report = check(args.out, args.package, passes, set(args.without))
        else:
            with tempfile.TemporaryDirectory() as tmp:
                report = check(Path(tmp), args.package, passes, set(args.without))
    except CheckError as e:
        print(f"compile check: {e}", file=sys.stderr)
        return 2
    print(report.summary())
    return 0 if report.ok else 1


if __name__ == "__main__":
    sys.exit(main())
