#!/usr/bin/env python3
"""Write a Unity .meta file for every package file and folder that lacks one.

Packages installed from git are read-only to Unity, which then cannot create .meta files and
ignores the assets; so they are committed. GUIDs derive from the package name and path, so
running this again never changes an existing asset's GUID. Folders ending in '~' are not
imported and get none.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = "com.talkingtogether.bridge"
IMPORTERS = {
    ".cs": "MonoImporter:\n  externalObjects: {}\n  serializedVersion: 2\n  defaultReferences: []\n"
           "  executionOrder: 0\n  icon: {instanceID: 0}\n",
    ".asmdef": "AssemblyDefinitionImporter:\n  externalObjects: {}\n",
    ".json": "PackageManifestImporter:\n  externalObjects: {}\n",
    ".md": "TextScriptImporter:\n  externalObjects: {}\n",
}
DEFAULT = "DefaultImporter:\n  externalObjects: {}\n"
TAIL = "  userData: \n  assetBundleName: \n  assetBundleVariant: \n"


def meta(path: Path) -> str:
    rel = path.relative_to(ROOT).as_posix()
    guid = hashlib.md5(f"{PACKAGE}/{rel}".encode()).hexdigest()
    head = f"fileFormatVersion: 2\nguid: {guid}\n"
    if path.is_dir():
        return head + "folderAsset: yes\n" + DEFAULT + TAIL
    return head + IMPORTERS.get(path.suffix, DEFAULT) + TAIL


def imported(path: Path) -> bool:
    rel = path.relative_to(ROOT)
    return not any(part.endswith("~") or part.startswith(".") for part in rel.parts) and path.suffix != ".meta"


def main() -> None:
    for path in sorted(ROOT.rglob("*")):
        target = path.with_name(path.name + ".meta")
        if imported(path) and not target.exists():
            target.write_text(meta(path))
            print(target.relative_to(ROOT))


if __name__ == "__main__":
    main()
