"""What ``jixiao render`` prints when it is done: the files written, where (no heavy imports).

Shared by a render (:func:`jixiao.render.progress.summary`) and by the answer to a render
with nothing changed (:mod:`jixiao.workflow.unchanged`), which must print the same.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

PROJECTS = "projects"


def summary_text(written: Sequence[Path], tables: int, removed: Sequence[Path], base: Path) -> str:
    """A few lines: the combined files, how many project files (of *tables* projects), removed files."""

    def shown(path: Path) -> str:
        try:
            return str(path.resolve().relative_to(base.resolve()))
        except ValueError:
            return str(path)

    combined = [p for p in written if p.parent.name != PROJECTS]
    project_files = [p for p in written if p.parent.name == PROJECTS]
    lines = [f"已生成 {shown(p)}" for p in combined]
    if project_files:
        kinds = "、".join(sorted({p.suffix.lstrip(".") for p in project_files}))
        folder = shown(project_files[0].parent)
        lines.append(f"已生成 {tables} 个项目的单表文件（{kinds}）于 {folder}/")
    if removed:
        names = "、".join(p.name for p in removed)
        lines.append(f"已删除已不存在的项目的旧文件 {len(removed)} 个：{names}")
    return "\n".join(lines)
