"""What ``jixiao render`` shows while it works and when it is done.

On a terminal a rich progress bar per stage goes to stderr; otherwise nothing
but errors reaches stderr. The summary (what was written where) goes to stdout.
"""

from __future__ import annotations

from pathlib import Path

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)

from jixiao.model.document import Document
from jixiao.render.build import RenderOptions, RenderReport, render_department


def render_with_progress(
    doc: Document,
    spec_root: Path,
    *,
    out_dir: Path,
    formats: frozenset[str],
    only: tuple[str, ...],
    template: Path | None,
    table_template: Path | None,
    console: Console,
) -> RenderReport:
    """:func:`render_department` with a progress bar when *console* is a terminal."""
    options = RenderOptions(
        out_dir=out_dir, formats=formats, only=only, template=template, table_template=table_template
    )
    if not console.is_terminal:
        return render_department(doc, spec_root, options)
    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=console, transient=True) as bar:
        tasks: dict[str, TaskID] = {}

        def update(stage: str, done: int, total: int) -> None:
            if stage not in tasks:
                tasks[stage] = bar.add_task(stage, total=total)
            bar.update(tasks[stage], completed=done, total=total)

        return render_department(doc, spec_root, options, update)


def summary(report: RenderReport, base: Path) -> str:
    """A few lines: the combined files, how many project files, removed files."""

    def shown(path: Path) -> str:
        try:
            return str(path.resolve().relative_to(base.resolve()))
        except ValueError:
            return str(path)

    combined = [p for p in report.written if p.parent.name != "projects"]
    project_files = [p for p in report.written if p.parent.name == "projects"]
    lines = [f"已生成 {shown(p)}" for p in combined]
    if project_files:
        kinds = "、".join(sorted({p.suffix.lstrip(".") for p in project_files}))
        folder = shown(project_files[0].parent)
        lines.append(f"已生成 {len(report.tables)} 个项目的单表文件（{kinds}）于 {folder}/")
    if report.removed:
        names = "、".join(p.name for p in report.removed)
        lines.append(f"已删除已不存在的项目的旧文件 {len(report.removed)} 个：{names}")
    return "\n".join(lines)
