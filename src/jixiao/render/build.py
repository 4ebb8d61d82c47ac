"""Render a department: the combined document and one file pair per project.

Reads only the expanded :class:`~jixiao.model.document.Document`. Everything is
rendered in memory first and written at the end (:mod:`jixiao.render.outputs`),
where files that already hold the same bytes are left as they are.

The PDF comes first: the combined Word file's 目录 takes its page numbers from
it. It is laid out in parts over several processes and cached
(:mod:`jixiao.render.pdfset`); the Word XML of each table is cached too
(:mod:`jixiao.render.cache`), keyed by the table's expanded content. The
files are the same, byte for byte, in one process or several, with or
without the cache.
"""

from __future__ import annotations

import datetime as dt
import os
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from markupsafe import Markup

from jixiao.errors import UsageError
from jixiao.model.document import Document, ProjectTable
from jixiao.render.cache import Cache, code_digest, digest, files_digest, font_environment
from jixiao.render.outputs import PROJECTS_DIR, OutputSet, combined_stem, number_width, table_stem
from jixiao.render.templates import html_dirs, one_sided, word_template
from jixiao.render.workers import PDF_WARM_UP, Runner

if TYPE_CHECKING:
    from jixiao.render.docx import WordTemplate
    from jixiao.render.pdfset import Hooks, PdfSet

#: Called as progress(stage, done, total) while rendering.
Progress = Callable[[str, int, int], None]

#: What a worker does while it waits for its first part: import WeasyPrint, set up fonts.
WARM_UP = PDF_WARM_UP


@dataclass(frozen=True)
class RenderOptions:
    """What to render and where."""

    out_dir: Path
    formats: frozenset[str] = frozenset({"docx", "pdf"})
    only: tuple[str, ...] = ()
    template: Path | None = None
    table_template: Path | None = None
    #: Reuse and keep results in the cache (:mod:`jixiao.render.cache`).
    cache: bool = True
    #: The 工作簿布局 of the .xlsx (name or file; None: the one 部门.yaml names, else 分表).
    workbook: str | None = None


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
    #: Why the PDF was laid out as one document rather than in parts (None: in parts, or no PDF).
    pdf_whole: str | None = None
    #: Parts of the PDF laid out by this render (the others came from the cache).
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
    runner: Runner | None = None,
) -> RenderReport:
    """Render *doc* into ``options.out_dir``; nothing is written if any step fails.

    *runner* lays out the PDF: by default the workers of the enclosing
    :func:`jixiao.render.workers.started` block, else workers started for
    this render; either way they are ended once the PDF is laid out.
    """
    from jixiao.render import workers

    given = runner is not None
    runner = runner or workers.current()
    if runner is None and "pdf" in options.formats:
        runner = workers.start(warm=WARM_UP)
    try:
        return _render(doc, spec_root, options, progress or (lambda stage, done, total: None), runner,
                       release=not given)
    finally:
        if not given and runner is not None:
            runner.close()


def _render(doc: Document, spec_root: Path, options: RenderOptions, report_progress: Progress,
            runner: Runner | None, *, release: bool) -> RenderReport:
    tables = select_tables(doc, options.only)
    combined = not options.only
    outputs = OutputSet(options.out_dir)
    stem = combined_stem(doc)
    width = number_width(doc)
    when = issued_at(doc)
    cache = Cache.open() if options.cache else None
    code = code_digest() if cache is not None else ""
    parallel = runner is not None and runner.size > 1

    # Word templates are read before a PDF laid out here, so that a broken one stops before the slow
    # layout; with workers, while they lay it out.
    word = "docx" in options.formats
    templates = _word_templates(doc, spec_root, options, combined) if word and not parallel else None

    # The PDF comes before the combined Word file: its pages give the Word 目录 its page numbers.
    pdf: _PdfRun | None = None
    if "pdf" in options.formats or "html" in options.formats:
        from jixiao.render.html import render_html

        dirs = html_dirs(spec_root, doc.templates.get("html"))
        report_progress("排版 PDF", 0, 1)
        html = render_html(doc, dirs)
        if "html" in options.formats and combined:
            outputs.add(f"{stem}.html", html.encode("utf-8"))
        if "pdf" in options.formats:
            from jixiao.render.pdfset import Job, make_pdfs
            from jixiao.render.workers import Inline

            version = digest(code, font_environment(), files_digest(dirs)) if cache is not None else ""
            job = Job(html, tuple(dirs), when, doc.title, tuple(t.number for t in tables), combined, version)
            laying_out: Runner = runner if runner is not None and parallel else Inline()
            pdf = _PdfRun(lambda hooks: make_pdfs(job, laying_out, cache, report_progress, hooks), background=parallel)

    # The workbook while the workers lay out the PDF (this process would only wait for them).
    if "xlsx" in options.formats and combined:
        from jixiao.render.xlsx import render_workbook

        outputs.add(f"{stem}.xlsx", render_workbook(doc, spec_root, doc.tables(), when, options.workbook))

    if word and templates is None:
        templates = _word_templates(doc, spec_root, options, combined)
    marks: dict[int, Markup] = {}
    if templates is not None:
        from jixiao.render.docx import base_context, table_context

        _, table_template = templates
        if pdf is not None:
            pdf.parts_done.wait()  # while the workers lay out the parts, this process would only slow them
        words = _WordCache(cache, code)
        marks = {t.number: words.markup(doc, t) for t in (doc.tables() if combined else tables)}
        base = base_context(doc)
        for i, t in enumerate(tables, 1):
            data = table_template.render(
                {**base, "表": table_context(t, marks[t.number])}, title=t.heading, author=doc.department, when=when
            )
            outputs.add(f"{PROJECTS_DIR}/{table_stem(t, width)}.docx", data)
            report_progress("Word 项目表", i, len(tables))

    # The combined Word file as soon as the PDF's page numbers are known (with workers, while
    # they write the combined PDF); made again should the final numbers differ (they do not).
    combined_docx: tuple[dict[str, int] | None, bytes] | None = None
    if templates is not None and templates[0] is not None:
        pages = pdf.anchors() if pdf is not None else None
        combined_docx = (pages, _combined_docx(doc, templates[0], marks, pages, when, report_progress))
    pdfs = pdf.result() if pdf is not None else None
    if pdfs is not None:
        report_progress("排版 PDF", 1, 1)
    if release and runner is not None:
        # The workers are done: end them now, before the files are written under the folder lock
        # (a forked worker would hold on to any lock this process had open when it was forked).
        runner.close()
    if combined_docx is not None and templates is not None and templates[0] is not None:
        pages = pdfs.anchor_pages if pdfs is not None else None
        data = combined_docx[1]
        if pages != combined_docx[0]:
            data = _combined_docx(doc, templates[0], marks, pages, when, report_progress)
        outputs.add(f"{stem}.docx", data)

    if pdfs is not None:
        if pdfs.combined is not None:
            outputs.add(f"{stem}.pdf", pdfs.combined)
        for t in tables:
            outputs.add(f"{PROJECTS_DIR}/{table_stem(t, width)}.pdf", pdfs.tables[t.number])

    done = outputs.write(
        prune=combined, on_wait=lambda: report_progress("等待另一个 jixiao render 写完", 0, 1)
    )
    if cache is not None:
        cache.trim()
    return RenderReport(
        written=done.written, removed=done.removed, tables=tables, combined=combined,
        pdf_warnings=pdfs.warnings if pdfs is not None else [],
        warnings=[w for w in (one_sided(doc),) if w is not None],
        pdf_whole=pdfs.whole if pdfs is not None else None,
        pdf_laid_out=pdfs.laid_out if pdfs is not None else 0,
    )


def _combined_docx(doc: Document, template: WordTemplate, marks: dict[int, Markup], pages: dict[str, int] | None,
                   when: dt.datetime, report_progress: Progress) -> bytes:
    from jixiao.render.docx import document_context

    report_progress("Word 总文档", 0, 1)
    data = template.render(document_context(doc, marks, pages), title=doc.title, author=doc.department, when=when)
    report_progress("Word 总文档", 1, 1)
    return data


def _word_templates(doc: Document, spec_root: Path, options: RenderOptions,
                    combined: bool) -> tuple[WordTemplate | None, WordTemplate]:
    """The combined document's Word template (None with ``--only``) and the project tables' one."""
    from jixiao.render.docx import WordTemplate

    document = WordTemplate(word_template("document", doc, spec_root, options.template)) if combined else None
    return document, WordTemplate(word_template("table", doc, spec_root, options.table_template))


class _PdfRun:
    """The PDF files of a render: made here, or (with workers) in a thread that mostly waits for them.

    :attr:`parts_done` is set once every part is laid out: what is left (the
    skeleton, the project files, the combined file) keeps fewer workers busy,
    and this process can make the Word files meanwhile without slowing them
    down. :meth:`anchors` gives the combined PDF's anchor pages as soon as
    they are known.
    """

    def __init__(self, call: Callable[[Hooks], PdfSet], *, background: bool) -> None:
        from jixiao.render.pdfset import Hooks

        self.parts_done = threading.Event()
        self._anchors_known = threading.Event()
        self._anchors: dict[str, int] | None = None
        self._value: PdfSet | None = None
        self._error: BaseException | None = None
        hooks = Hooks(parts_done=self.parts_done.set, anchors=self._set_anchors)
        self._thread: threading.Thread | None = None
        if background:
            self._thread = threading.Thread(target=self._run, args=(call, hooks), daemon=True, name="jixiao-pdf")
            self._thread.start()
        else:
            self._run(call, hooks)

    def _set_anchors(self, pages: dict[str, int]) -> None:
        self._anchors = pages
        self._anchors_known.set()

    def _run(self, call: Callable[[Hooks], PdfSet], hooks: Hooks) -> None:
        try:
            self._value = call(hooks)
        except BaseException as exc:  # noqa: BLE001 - raised again in result()
            self._error = exc
        finally:
            self.parts_done.set()
            self._anchors_known.set()

    def anchors(self) -> dict[str, int] | None:
        """The anchor pages, once known (None without the combined PDF, or when the PDF failed)."""
        self._anchors_known.wait()
        if self._anchors is None and self._value is not None:
            return self._value.anchor_pages
        return self._anchors

    def result(self) -> PdfSet:
        if self._thread is not None:
            self._thread.join()
        if self._error is not None:
            raise self._error
        assert self._value is not None
        return self._value


class _WordCache:
    """Each table's Word XML, from the cache when the table has not changed.

    (The Word files themselves are made again each time: a few milliseconds
    each, and unchanged ones are not rewritten.)
    """

    def __init__(self, cache: Cache | None, code: str) -> None:
        self._cache = cache
        self._version = digest(code, "word") if cache is not None else ""

    def markup(self, doc: Document, table: ProjectTable) -> Markup:
        from jixiao.render.docx import table_markup

        if self._cache is None:
            return table_markup(doc, table)
        key = digest(self._version, "word-xml", table.model_dump_json())
        found = self._cache.get(key)
        if found is not None:
            try:
                return Markup(found.decode("utf-8"))
            except UnicodeDecodeError:
                pass
        markup = table_markup(doc, table)
        self._cache.put(key, str(markup).encode("utf-8"))
        return markup
