"""Render a department: the combined document and one file pair per project.

Reads only the expanded :class:`~jixiao.model.document.Document`. Everything is
rendered in memory first and written at the end (:mod:`jixiao.render.outputs`),
where files that already hold the same bytes are left as they are.

The PDF files are laid out by worker processes (:mod:`jixiao.render.pdf.make`);
the Word files follow their layouts: the combined Word file's 目录 takes its
page numbers from the combined PDF's layout, and every Word table breaks
across pages where its PDF table does (:mod:`jixiao.render.layout.breaks`):
the combined file's where the combined PDF breaks, a project's own file's
where that project's own PDF breaks. A table that starts a page of the
combined document breaks there as in its own document (each starts on a new
page, and the style sheet has no page rules that differ from page to page:
:func:`jixiao.render.pdf.sections.alone_alike`), so then its own Word file
takes the combined layout's breaks, and a render of Word files alone lays out
only the combined document and the tables for which that does not hold,
without writing them. Every file is cached by what
it is made from (:mod:`jixiao.render.cache`), so a render with nothing changed
lays out nothing. The files are the same, byte for byte, in one process or
several, with or without the cache.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable, Sequence
from concurrent.futures import Executor, Future
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from markupsafe import Markup

from jixiao.errors import RenderError, UsageError
from jixiao.model.anchors import table_anchor
from jixiao.model.document import Document, ProjectTable
from jixiao.render import pool
from jixiao.render.cache import Cache, code_digest, digest
from jixiao.render.layout.breaks import TableBreaks
from jixiao.render.outputs import PROJECTS_DIR, OutputSet, combined_stem, number_width, table_stem
from jixiao.render.templates import html_dirs, one_sided
from jixiao.render.word.files import WordFiles, check_template
from jixiao.render.xlsx import department_workbook

if TYPE_CHECKING:
    from jixiao.render.pdf.make import PdfSet

#: Called as progress(stage, done, total) while rendering.
Progress = Callable[[str, int, int], None]


@dataclass(frozen=True)
class RenderOptions:
    """What to render and where."""

    out_dir: Path
    formats: frozenset[str] = frozenset({"docx", "pdf"})
    only: tuple[str, ...] = ()
    #: Whether the combined document is rendered too; by default only when ``only`` names no tables.
    combined: bool | None = None
    template: Path | None = None
    table_template: Path | None = None
    #: Reuse and keep results in the cache (:mod:`jixiao.render.cache`).
    cache: bool = True


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
    #: PDF files laid out by this render (the others came from the cache).
    pdf_laid_out: int = 0


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
    doc: Document,
    spec_root: Path,
    options: RenderOptions,
    progress: Progress | None = None,
    jobs: int | None = None,
) -> RenderReport:
    """Render *doc* into ``options.out_dir``; nothing is written if any step fails.

    The PDF files are laid out by *jobs* worker processes (default: one per
    core, :func:`jixiao.render.pool.jobs`; 1 lays them out in this process).
    """
    from jixiao.render.pdf.make import PdfRun

    report_progress = progress or (lambda stage, done, total: None)
    workers = pool.jobs() if jobs is None else jobs
    tables = select_tables(doc, options.only)
    combined = not options.only if options.combined is None else options.combined
    outputs = OutputSet(options.out_dir)
    stem = combined_stem(doc)
    width = number_width(doc)
    when = issued_at(doc)
    cache = Cache.open() if options.cache else None
    code = code_digest() if cache is not None else ""
    word = WordFiles(doc, spec_root, options.template, options.table_template, combined=combined, cache=cache,
                     code=code, when=when) if "docx" in options.formats else None
    pdf = "pdf" in options.formats
    # With workers, the Word templates are checked and the workbook made by one more worker process (it
    # ends once they are done), so that this process has not loaded docxtpl and openpyxl (about 10 MB)
    # while the PDF workers' memory peaks; it loads docxtpl afterwards, to make the Word files.
    makes_workbook = "xlsx" in options.formats and combined
    side = pool.executor(1, processes=True) if workers > 1 and (word is not None or (pdf and makes_workbook)) else None
    run: PdfRun | None = None
    pdfs = None
    try:
        checking = _check_templates(word, side)  # a broken Word template stops the render before anything slow
        workbook = _Workbook(doc, when, cache, code) if makes_workbook else None
        if workbook is not None and side is not None:
            workbook.start(side)
        # A render of Word files alone still lays the HTML out (for the tables' page breaks); when the HTML
        # template is broken, a broken Word template is told first, then the HTML template's problem.
        html, html_failure = (_document_html(doc, spec_root, cache, code)
                              if pdf or "html" in options.formats or word is not None else (None, None))
        for future in checking:
            pool.result(future)
        if html_failure is not None and (pdf or "html" in options.formats):
            raise html_failure
        if html is not None and "html" in options.formats and combined:
            outputs.add(f"{stem}.html", html.encode("utf-8"))
        alike = _alike(doc, html, tables) if combined else set()

        def start_pdf() -> PdfRun | None:
            if html is None or not (pdf or word is not None):
                return None
            report_progress("排版 PDF", 0, 1)
            numbers = [t.number for t in tables if pdf or t.number not in alike]
            return PdfRun(html, html_dirs(spec_root, doc.templates.get("html")), issued=when, title=doc.title,
                          numbers=numbers, combined=combined, cache=cache,
                          start=lambda n: pool.executor(n, processes=workers > 1), progress=report_progress,
                          workers=workers, write=pdf)

        # With workers, the PDF files are laid out while the workbook is made; in this process, after it.
        if workers > 1:
            run = start_pdf()
        if workbook is not None:
            outputs.add(f"{stem}.xlsx", workbook.result())
        if side is not None:
            pool.stop(side)
        if workers <= 1:
            run = start_pdf()
        pdfs = run.result() if run is not None else None
        if word is not None:
            _add_word_files(outputs, word, tables, pdfs, alike, stem if combined else None, width, report_progress)
        if html_failure is not None:
            raise html_failure
    finally:
        if run is not None:
            run.close()
        if side is not None:
            pool.stop(side)
    if pdfs is not None and pdf:
        report_progress("排版 PDF", 1, 1)
        if pdfs.combined is not None:
            outputs.add(f"{stem}.pdf", pdfs.combined)
        for t in tables:
            outputs.add(f"{PROJECTS_DIR}/{table_stem(t, width)}.pdf", pdfs.tables[t.number])

    done = outputs.write(
        prune=not options.only, on_wait=lambda: report_progress("等待另一个 jixiao render 写完", 0, 1)
    )
    if cache is not None:
        cache.trim()
    return RenderReport(
        written=done.written, removed=done.removed, tables=tables, combined=combined,
        pdf_warnings=pdfs.warnings if pdfs is not None else [],
        warnings=[w for w in (one_sided(doc),) if w is not None],
        pdf_laid_out=pdfs.laid_out if pdfs is not None else 0,
    )


def _check_templates(word: WordFiles | None, side: Executor | None) -> list[Future[None]]:
    """Check the Word templates: here, or (with a side worker) there, the futures to wait for."""
    if word is None:
        return []
    checking: list[Future[None]] = []
    for kind, path in word.template_paths().items():
        if side is None:
            word.check(kind)
        else:
            checking.append(side.submit(check_template, path, kind))
    return checking


def _document_html(doc: Document, spec_root: Path, cache: Cache | None, code: str) -> tuple[str | None, RenderError | None]:
    """The combined document's HTML, or the HTML template's problem (told after the Word templates' own)."""
    from jixiao.render.html.document import render_html
    from jixiao.render.layout.slack import forget

    try:
        return render_html(doc, html_dirs(spec_root, doc.templates.get("html")), _html_tables(doc, cache, code)), None
    except RenderError as exc:
        return None, exc
    finally:
        forget()


def _alike(doc: Document, html: str | None, tables: list[ProjectTable]) -> set[int]:
    """Tables whose own Word file takes the combined layout's breaks (see the module docstring)."""
    if html is None:
        return set()
    from jixiao.render.pdf.sections import alone_alike

    if not alone_alike(html):
        return set()
    return {t.number for t in tables if not doc.page_plan.section(table_anchor(t.number)).follows}


def _add_word_files(outputs: OutputSet, word: WordFiles, tables: list[ProjectTable], pdfs: PdfSet | None,
                    alike: set[int], stem: str | None, width: int, report_progress: Progress) -> None:
    """The projects' Word files and (with the combined document's *stem*) the combined one, each breaking its tables
    where its PDF does; *width*: digits of the projects' file numbers."""
    own = dict(pdfs.table_breaks) if pdfs is not None else {}
    if pdfs is not None and pdfs.combined_breaks is not None:
        own |= {n: pdfs.combined_breaks.get(n, TableBreaks()) for n in alike}
    for i, t in enumerate(tables, 1):
        outputs.add(f"{PROJECTS_DIR}/{table_stem(t, width)}.docx", word.table(t, own.get(t.number)))
        report_progress("Word 项目表", i, len(tables))
    if stem is not None:
        report_progress("Word 总文档", 0, 1)
        outputs.add(f"{stem}.docx", word.combined(pdfs.anchor_pages if pdfs is not None else None,
                                                  pdfs.combined_breaks if pdfs is not None else None))
        report_progress("Word 总文档", 1, 1)


class _Workbook:
    """The workbook of a render: from the cache when the document and the render code are unchanged, else made
    in this process or, after :meth:`start`, by a worker process."""

    def __init__(self, doc: Document, when: dt.datetime, cache: Cache | None, code: str) -> None:
        self._doc, self._when, self._cache = doc, when, cache
        self._key = digest(code, "xlsx", when.isoformat(), doc.model_dump_json()) if cache is not None else ""
        self._found = cache.get(self._key) if cache is not None else None
        self._future: Future[bytes] | None = None

    def start(self, executor: Executor) -> None:
        """Have it made by *executor* (unless the cache has it)."""
        if self._found is None:
            self._future = executor.submit(department_workbook, self._doc, self._when)

    def result(self) -> bytes:
        if self._found is not None:
            return self._found
        data = pool.result(self._future) if self._future is not None else department_workbook(self._doc, self._when)
        if self._cache is not None:
            self._cache.put(self._key, data)
        self._found = data
        return data


def _html_tables(doc: Document, cache: Cache | None, code: str) -> dict[int, Markup] | None:
    """The HTML of each table (the costly part of the document's HTML), from the cache where it holds it."""
    if cache is None:
        return None
    from jixiao.render.html.table import table_markup

    out: dict[int, Markup] = {}
    for table in doc.tables():
        key = digest(code, "html-table", table.model_dump_json())
        found = cache.get(key)
        try:
            out[table.number] = Markup(found.decode("utf-8")) if found is not None else Markup("")
        except UnicodeDecodeError:
            out[table.number] = Markup("")
        if not out[table.number]:
            out[table.number] = table_markup(table)
            cache.put(key, str(out[table.number]).encode("utf-8"))
    return out
