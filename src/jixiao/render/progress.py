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
from jixiao.render.summary import summary_text


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
    return summary_text(report.written, len(report.tables), report.removed, base)
