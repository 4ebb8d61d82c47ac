"""Spec data → the files of a spec folder, written all at once.

The folder is written next to the target under a temporary name and renamed
into place only when every file is there (and the caller has checked it).
Into an existing spec folder (only with ``--force``, and only if it is a spec
folder or empty) only the files jixiao wrote there are replaced
(:mod:`jixiao.importer.manifest`): ``.git`` and the user's own files are never
touched. Any failure removes the temporary folder: no half-written spec.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from jixiao.authoring.scaffold import GITATTRIBUTES, GITIGNORE
from jixiao.errors import RenderError, UsageError
from jixiao.fileio import os_error_cause, write_set
from jixiao.importer.assemble import Assembly
from jixiao.importer.manifest import manifest_bytes, plan
from jixiao.importer.yamltext import Path_, dump
from jixiao.manifest import MANIFEST
from jixiao.safenames import inside
from jixiao.spec.load import DEPARTMENT_FILES
from jixiao.spec.schema import write_schemas

_SCHEMA = "# yaml-language-server: $schema={}"


def check_target(target: Path, *, force: bool) -> None:
    """Refuse a target that exists (without *force*), is a file, or is a folder that is not a spec.

    Raises:
        UsageError: with what to do instead.
    """
    if os.path.islink(target) and not target.exists():
        raise UsageError(f"{target} 是一个指向不存在位置的符号链接；没有改动它。请用 -o 指定要新建的规格文件夹。")
    if target.exists() and not target.is_dir():
        raise UsageError(f"{target} 是一个已有的文件，不是文件夹；没有改动它。请用 -o 指定要新建的规格文件夹。")
    if not target.is_dir() or not any(target.iterdir()):
        return
    if not force:
        raise UsageError(f"规格文件夹 {target} 已存在，没有改动它。要用导入的结果替换它，加 --force；或用 -o 指定新的文件夹。")
    if not any((target / name).is_file() for name in DEPARTMENT_FILES):
        raise UsageError(
            f"{target} 不是规格文件夹（其中没有 部门.yaml），即使加了 --force 也不会写入。请用 -o 指定新的文件夹。"
        )


def _department_flow(path: Path_, value: Any) -> bool:
    if path[:1] == ("第一部分",):
        return False
    return not (path in (("默认",), ("单位",), ("部分",)) or (len(path) == 2 and path[0] == "部分"))


def _project_flow(path: Path_, value: Any) -> bool:
    return path not in (("改写",), ("绩效指标",))


def _preset_flow(path: Path_, value: Any) -> bool:
    if path in (("改写",), ("绩效指标",)):
        return False
    return not (len(path) == 2 and path[0] == "绩效指标")


def texts(assembly: Assembly, source: str) -> dict[str, str]:
    """Every spec file's text, by path relative to the spec folder."""
    out: dict[str, str] = {}
    head = [
        _SCHEMA.format("schema/department.schema.json"),
        f"# 由 jixiao import 从「{source}」导入：照录原文（含原文的错漏，jixiao check 会指出）。",
        "# 标有「推断」的地方是 jixiao 的推断，请核对；之后按普通规格维护。",
    ]
    out["部门.yaml"] = "\n".join([*head, *dump(assembly.department, _department_flow, assembly.comments)]) + "\n"
    for name, data in assembly.presets.items():
        lines = [_SCHEMA.format("../schema/preset.schema.json")]
        lines += [f"# {line}" for line in assembly.preset_comments.get(name, [])]
        out[f"presets/{name}.yaml"] = "\n".join([*lines, *dump(data, _preset_flow)]) + "\n"
    for project in assembly.projects:
        comments: dict[Path_, str] = {(k,): v for k, v in project.comments.items()}
        lines = [_SCHEMA.format("../schema/project.schema.json")]
        lines += dump(project.data, _project_flow, comments)
        out[f"projects/{project.choice.ctx.stem}.yaml"] = "\n".join(lines) + "\n"
    out[".gitattributes"] = GITATTRIBUTES
    out[".gitignore"] = GITIGNORE
    return out


@contextlib.contextmanager
def staged(target: Path, files: dict[str, str]) -> Iterator[Path]:
    """A temporary folder next to *target* holding *files* and schema/; removed unless published."""
    parent = target.parent
    try:
        parent.mkdir(parents=True, exist_ok=True)
        tmp = parent / f".{target.name}.jx-{secrets.token_hex(4)}.tmp"
        tmp.mkdir()
    except OSError as exc:
        raise RenderError(f"无法在 {parent} 中新建规格文件夹：{os_error_cause(exc)}。请换一个有写权限的位置（-o）。") from exc
    try:
        for rel, text in files.items():
            path = inside(tmp, *rel.split("/"))
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
        write_schemas(tmp / "schema")
        yield tmp
    except OSError as exc:
        raise RenderError(f"无法写入 {target}：{os_error_cause(exc)}。没有留下任何文件。") from exc
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)


def publish(tmp: Path, target: Path) -> list[str]:
    """Put the staged folder in place with its manifest; the spec files of an existing *target* left alone.

    A new *target* is the staged folder renamed. Into an existing folder only
    files jixiao wrote are replaced or removed (:func:`manifest.plan`), as one
    all-or-nothing step (:func:`jixiao.fileio.write_set`).

    Raises:
        UsageError: a file to write would replace one jixiao did not write (nothing is changed).
        RenderError: the files cannot be written (nothing is changed).
    """
    files = _read_tree(tmp)
    files[MANIFEST] = manifest_bytes(files)
    if not os.path.lexists(target):
        try:
            (tmp / MANIFEST).write_bytes(files[MANIFEST])
            os.rename(tmp, target)
        except OSError as exc:
            raise RenderError(f"无法写入 {target}：{os_error_cause(exc)}。没有留下任何文件。") from exc
        return []
    replacement = plan(target, files)
    write_set(replacement.write, remove=replacement.remove)
    return replacement.kept


def _read_tree(folder: Path) -> dict[str, bytes]:
    """Every file under *folder*, by relative POSIX path."""
    return {
        path.relative_to(folder).as_posix(): path.read_bytes() for path in sorted(folder.rglob("*")) if path.is_file()
    }
