"""``jixiao check --fix`` and ``--diff``: write the safe fixes, or show them as a diff."""

from __future__ import annotations

import difflib
import os
import sys
from collections.abc import Iterable
from pathlib import Path

import typer

from jixiao.cli.app import err, out
from jixiao.workflow import Checks, open_spec

_AROUND = 8


def excerpt(old: str, new: str) -> tuple[str, str]:
    """The changed stretch of *old* and *new* with a few characters either side (… where cut)."""
    ops = [op for op in difflib.SequenceMatcher(None, old, new, autojunk=False).get_opcodes() if op[0] != "equal"]
    if not ops:
        return old, new
    i1, i2 = ops[0][1], ops[-1][2]
    j1, j2 = ops[0][3], ops[-1][4]
    a, b = max(0, i1 - _AROUND), min(len(old), i2 + _AROUND)
    c, d = max(0, j1 - _AROUND), min(len(new), j2 + _AROUND)

    def cut(text: str, start: int, stop: int) -> str:
        return ("…" if start else "") + text[start:stop].replace("\n", " ") + ("…" if stop < len(text) else "")

    return cut(old, a, b), cut(new, c, d)


def _shown(path: Path, base: Path) -> str:
    relative = Path(os.path.relpath(path.resolve(), base.resolve())).as_posix()
    return relative if not relative.startswith("..") else path.resolve().as_posix()


def run_fix(spec: Path, *, diff_only: bool, select: list[str] | None, ignore: Iterable[str]) -> None:
    """Apply (or with *diff_only*, show) the fixes, then report what is left."""
    from jixiao.authoring.fixes import fix_spec
    from jixiao.checks import report
    from jixiao.fileio import write_set

    base = Path.cwd()
    result = fix_spec(spec, select=select, ignore=ignore)
    refs = result.refs
    files = sorted(result.files.items())
    if diff_only:
        for path, (before, after) in files:
            name = _shown(path, base)
            sys.stdout.writelines(difflib.unified_diff(
                before.splitlines(keepends=True), after.splitlines(keepends=True), f"a/{name}", f"b/{name}"))
        what = f"--fix 会改正 {len(result.applied)} 处（{len(files)} 个文件）" if files else "没有可以自动改正的问题"
        err.print(f"{what}；没有写入任何文件。", highlight=False, markup=False)
        if files:
            raise typer.Exit(1)
        return
    write_set({path: after.encode("utf-8") for path, (_, after) in files})
    for a in result.applied:
        where = report.shown_path(result.root, a.path, base)
        if not a.rule:  # a project file 部门.yaml names that is gone
            out.print(f"已改正 {where}:{a.line}:{a.col}: 删去{a.old}：这个项目文件已不存在", highlight=False, markup=False)
            continue
        old, new = excerpt(a.old, a.new)
        tables = (refs.many(a.tables) if refs is not None else report.table_numbers(a.tables)) if len(a.tables) > 1 else ""
        out.print(f"已改正 {where}:{a.line}:{a.col}: {a.rule} 「{old}」→「{new}」{('（' + tables + '）') if tables else ''}",
                  highlight=False, markup=False)
    if files:
        out.print(f"共改正 {len(result.applied)} 处，{len(files)} 个文件。", highlight=False, markup=False)
    opened = open_spec(spec, checks=Checks.REPORT, select=select, ignore=ignore)
    from jixiao.model.tableref import TableRefs

    left = report.format_text(opened.findings, opened.root, base, TableRefs.of(opened.doc))
    if left:
        out.print("", highlight=False)
        sys.stdout.write(left)
    if any(f.level == "error" for f in opened.findings):
        raise typer.Exit(1)
