"""What ``jixiao import`` wrote into a spec folder, so that ``--force`` replaces only that.

``.jixiao-manifest.json`` in the spec folder lists every file the import wrote
with its SHA-256. ``import --force`` into an existing folder then:

* writes its files over files of that list that still hold what jixiao wrote
  (and over files that already hold exactly the new bytes);
* removes files of that list it no longer writes, if they are unchanged;
* leaves everything else alone — ``.git``, notes, files the user added or
  changed — and refuses, before writing anything, when one of its files would
  replace such a file.

The manifest may come from someone else: only entries naming a file import
could have written (``部门.yaml``, ``projects/NAME.yaml`` …) are used, and a
file counts as jixiao's only while its content matches.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from jixiao import manifest as shared
from jixiao.errors import UsageError
from jixiao.manifest import MANIFEST
from jixiao.safenames import inside

_NOTE = (
    "jixiao import 写入这个规格文件夹的文件及其 SHA-256。jixiao import --force 只替换这里列出、"
    "内容未被改动的文件，其他文件（如 .git、自己加的文件、改动过的文件）从不改动。请勿手动修改。"
)
_TOP = frozenset({"部门.yaml", ".gitattributes", ".gitignore"})
_FOLDERS = {"projects": ".yaml", "presets": ".yaml", "schema": ".json"}
_SHOWN = 10


@dataclass
class Replacement:
    """Files to write and remove in an existing folder, and the spec files left as they were."""

    write: dict[Path, bytes] = field(default_factory=dict)
    remove: list[Path] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)


def manifest_bytes(files: Mapping[str, bytes]) -> bytes:
    """The manifest of *files* (relative path → content): deterministic."""
    return shared.manifest_bytes({rel: shared.digest(data) for rel, data in files.items()}, _NOTE)


def read_entries(folder: Path) -> dict[str, str]:
    """The manifest's entries (relative path → SHA-256) naming files import could have written."""
    return shared.read_manifest(folder, _valid)


def _valid(rel: object) -> bool:
    """Could import have written *rel*?"""
    if not isinstance(rel, str) or "\\" in rel or "\x00" in rel:
        return False
    parts = PurePosixPath(rel).parts
    if len(parts) == 1:
        return rel in _TOP
    return (
        len(parts) == 2 and parts[0] in _FOLDERS and parts[1] not in ("", ".", "..")
        and parts[1].endswith(_FOLDERS[parts[0]])
    )


def plan(target: Path, files: Mapping[str, bytes]) -> Replacement:
    """How to put *files* (relative path → content, the manifest included) into the existing folder *target*.

    Raises:
        UsageError: a file to write would replace a file jixiao did not write, or one changed since.
        UnsafePath: a path would leave *target* (a linked ``projects/`` …).
    """
    entries = read_entries(target)
    out = Replacement()
    conflicts: list[str] = []
    for rel, data in files.items():
        path = inside(target, *rel.split("/"))
        if rel != MANIFEST and os.path.lexists(path):
            digest = shared.file_digest(path)
            if digest != shared.digest(data) and (digest is None or entries.get(rel) != digest):
                conflicts.append(rel)
        out.write[path] = data
    if conflicts:
        shown = "、".join(conflicts[:_SHOWN]) + (f" 等 {len(conflicts)} 个" if len(conflicts) > _SHOWN else "")
        raise UsageError(
            f"{target} 中的这些文件不是 jixiao import 写入的，或写入后被改动过，--force 不会覆盖它们：{shown}。"
            "没有改动任何文件。请先移走它们（要保留的改动可以先提交到 git），或用 -o 导入到新的文件夹。"
        )
    for rel, digest in sorted(entries.items()):
        if rel in files:
            continue
        path = inside(target, *rel.split("/"))
        if shared.file_digest(path) == digest:
            out.remove.append(path)
    out.kept = _spec_files(target, set(files), {p.relative_to(target).as_posix() for p in out.remove})
    return out


def _spec_files(target: Path, written: set[str], removed: set[str]) -> list[str]:
    """YAML files of the spec in *target* that stay as they were (they are part of the spec)."""
    found: list[str] = []
    for folder in ("", "projects", "presets", "layouts"):
        try:
            names = sorted(os.listdir(target / folder)) if folder else sorted(os.listdir(target))
        except OSError:
            continue
        for name in names:
            rel = f"{folder}/{name}" if folder else name
            if name.endswith(".yaml") and rel not in written and rel not in removed:
                found.append(rel)
    return found
