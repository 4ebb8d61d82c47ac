"""Render a department: the combined document and one file pair per project.

Reads only the expanded :class:`~jixiao.docmodel.Document`. Everything is
rendered in memory first and written at the end (:mod:`jixiao.render.outputs`).
Per-project PDFs are page ranges of the one combined PDF layout (each table
starts on a new page), so the set costs one layout, not 55. That layout comes
first: the combined Word file's 目录 takes its page numbers from it.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from markupsafe import Markup

from jixiao.docmodel import Document, ProjectTable
from jixiao.errors import UsageError
from jixiao.render.docx import (
    WordTemplate,
    base_context,
    document_context,
    table_context,
    table_markup,
)
from jixiao.render.outputs import PROJECTS_DIR, OutputSet, combined_stem, number_width, table_stem
from jixiao.render.templates import html_dirs, one_sided, word_template

#: Called as progress(stage, done, total) while rendering.
Progress = Callable[[str, int, int], None]


@dataclass(frozen=True)
class RenderOptions:
    """What to render and where."""

    out_dir: Path
    formats: frozenset[str] = frozenset({"docx", "pdf"})
    only: tuple[str, ...] = ()
    template: Path | None = None
    table_template: Path | None = None


@dataclass
class RenderReport:
    """What a render wrote and removed."""

    written: list[Path] = field(default_factory=list)
    removed: list[Path] = field(default_factory=list)
    tables: list[ProjectTable] = field(default_factory=list)
    combined: bool = True
    #: WeasyPrint's warnings while laying out and writing the PDF (English).
    pdf_warnings: list[str] = field(default_factory=list)
    #: jixiao's own warnings about the render (Chinese), e.g. only Word templates overridden.
    warnings: list[str] = field(default_factory=list)


def select_tables(doc: Document, only: Sequence[str]) -> list[ProjectTable]:
    """Tables named by ``--only`` (number in the document, or 项目名称), all when empty."""
    tables = doc.tables()
    if not only:
        return tables
    chosen: dict[int, ProjectTable] = {}
    for wanted in only:
        key = wanted.strip()
        hits = [t for t in tables if (key.isdigit() and t.number == int(key)) or t.name == key]
        if not hits:
            raise UsageError(
                f"--only {wanted}：没有这个序号或项目名称的项目（共 {len(tables)} 个项目，序号 1–{len(tables)}）。"
            )
        chosen.update((t.number, t) for t in hits)
    return [chosen[n] for n in sorted(chosen)]


def issued_at(doc: Document) -> dt.datetime:
    """Date stamped into file properties: ``SOURCE_DATE_EPOCH`` if set, else 编制日期."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch:
        try:
            return dt.datetime.fromtimestamp(int(epoch), tz=dt.UTC).replace(tzinfo=None)
        except (ValueError, OverflowError, OSError) as exc:
            raise UsageError(f"环境变量 SOURCE_DATE_EPOCH={epoch} 不是有效的时间戳（应为整数秒）。") from exc
    return dt.datetime(doc.issued.year, doc.issued.month, doc.issued.day)


def render_department(
    doc: Document, spec_root: Path, options: RenderOptions, progress: Progress | None = None
) -> RenderReport:
    """Render *doc* into ``options.out_dir``; nothing is written if any step fails."""
    report_progress: Progress = progress or (lambda stage, done, total: None)
    tables = select_tables(doc, options.only)
    combined = not options.only
    outputs = OutputSet(options.out_dir)
    stem = combined_stem(doc)
    width = number_width(doc)
    when = issued_at(doc)

    # Word templates are read first, so that a broken one stops before the slow PDF layout.
    word = "docx" in options.formats
    document_template = (
        WordTemplate(word_template("document", doc, spec_root, options.template)) if word and combined else None
    )
    table_template = WordTemplate(word_template("table", doc, spec_root, options.table_template)) if word else None

    # The PDF is laid out before the Word files: its pages give the Word 目录 its page numbers.
    layout = None
    if "pdf" in options.formats or "html" in options.formats:
        from jixiao.render import pdf  # WeasyPrint: slow to import, needs Pango

        dirs = html_dirs(spec_root, doc.templates.get("html"))
        report_progress("排版 PDF", 0, 1)
        html = pdf.render_html(doc, dirs)
        if "html" in options.formats and combined:
            outputs.add(f"{stem}.html", html.encode("utf-8"))
        if "pdf" in options.formats:
            layout = pdf.layout_pdf(html, dirs, issued=when, title=doc.title)
        report_progress("排版 PDF", 1, 1)

    if table_template is not None:
        marks = {t.number: table_markup(doc, t) for t in (doc.tables() if combined else tables)}
        if document_template is not None:
            report_progress("Word 总文档", 0, 1)
            pages = layout.anchor_pages() if layout is not None else None
            outputs.add(f"{stem}.docx", document_template.render(
                document_context(doc, marks, pages), title=doc.title, author=doc.department, when=when
            ))
            report_progress("Word 总文档", 1, 1)
        _word_tables(doc, tables, marks, outputs, width, when, table_template, report_progress)

    pdf_warnings: list[str] = []
    if layout is not None:
        whole, parts = layout.write_set(
            [t.number for t in tables],
            combined=combined,
            done=lambda n: report_progress("PDF 项目表", n, len(tables)),
        )
        if whole is not None:
            outputs.add(f"{stem}.pdf", whole)
        for t in tables:
            outputs.add(f"{PROJECTS_DIR}/{table_stem(t, width)}.pdf", parts[t.number])
        pdf_warnings = layout.warnings

    done = outputs.write(
        prune=combined, on_wait=lambda: report_progress("等待另一个 jixiao render 写完", 0, 1)
    )
    return RenderReport(
        written=done.written, removed=done.removed, tables=tables, combined=combined, pdf_warnings=pdf_warnings,
        warnings=[w for w in (one_sided(doc),) if w is not None],
    )


def _word_tables(
    doc: Document,
    tables: list[ProjectTable],
    marks: dict[int, Markup],
    outputs: OutputSet,
    width: int,
    when: dt.datetime,
    template: WordTemplate,
    progress: Progress,
) -> None:
    base = base_context(doc)
    for i, t in enumerate(tables, 1):
        data = template.render(
            {**base, "表": table_context(t, marks[t.number])}, title=t.heading, author=doc.department, when=when
        )
        outputs.add(f"{PROJECTS_DIR}/{table_stem(t, width)}.docx", data)
        progress("Word 项目表", i, len(tables))
