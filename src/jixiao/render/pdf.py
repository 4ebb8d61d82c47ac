"""PDF output: one WeasyPrint layout of the combined document, cut into per-project files.

``jixiao render`` normally lays the document out in parts (:mod:`jixiao.render.pdfset`);
this whole-document layout is what it falls back to when a template or style
sheet needs it (see :func:`jixiao.render.chunks.unsupported`).

Every project table starts on a new page, so a project's PDF is a page range
of the combined layout (:meth:`PdfLayout.write_table`): 54 projects cost one
layout, not 55. Where a part's heading stands above its first table (部分标题:
表前), that page is copied without the heading and the table moved up. Each
written file is a fresh :class:`weasyprint.Document` copy, so its fonts are
subset to the glyphs of its own pages only, and its footers are those of the
combined pages 1, 2 … so that it is numbered from 1 like the per-project Word
file.

Output is deterministic: creation and modification dates come from *issued*,
the file identifier is a hash of the content, and nothing else varies.

Resources (style sheets, images, fonts, attachments named in a template) are
read only from the template folders and ``data:`` URLs, through
:class:`TemplateFetcher`; a network address or any other file stops the render
with a :class:`~jixiao.errors.RenderError`, in whichever phase WeasyPrint asks
for it: parsing the style sheets, laying out, or writing the PDF (attachments,
images inside SVG). WeasyPrint drops some failed resources with only a log
message; :func:`_refusals_stop` still turns any refusal into the error.
"""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pydyf
import weasyprint

from jixiao.chars import NOT_PRINTABLE, printable
from jixiao.errors import RenderError
from jixiao.render import pagebox
from jixiao.render.beside import run_beside
from jixiao.render.breaks import PageScan, only_sections, scan, split_merged
from jixiao.render.fetcher import (
    Embedded,
    ResourceRefused,
    TemplateFetcher,
    read_attachments,
    refusals_stop,
)
from jixiao.render.html import render_html
from jixiao.render.pagebox import (
    collecting,
    gc_paused,
    shares_first_page,
    table_alone,
    table_ranges,
    with_margins,
)
from jixiao.render.pdffonts import FontStore, compact_fonts, finisher

__all__ = ["PdfLayout", "ResourceRefused", "TemplateFetcher", "layout_pdf", "render_html"]

#: Layouts at most: the first, then re-layouts after cutting merged cells at page breaks.
MAX_LAYOUTS = pagebox.MAX_LAYOUTS

_WRITE_OPTIONS: dict[str, Any] = {"pdf_identifier": True, "uncompressed_pdf": False}


class PdfLayout:
    """The combined document laid out once; writes it whole or one table's pages."""

    def __init__(self, document: Any, found: PageScan, *, title: str, issued: dt.date, warnings: list[str],
                 fetcher: TemplateFetcher, attachments: Sequence[Embedded] = (), keep: Sequence[Any] = ()) -> None:
        self._document = document
        self._title = title
        self._created = _w3c_date(issued)
        self._when = _as_datetime(issued)
        self._fetcher = fetcher
        self._attachments = list(attachments)
        self._titles = found.titles
        self._ranges = table_ranges(document.pages, found.sections)
        self._fonts: dict[Any, Any] = {}  # see FontStore
        self._keep = list(keep)  # layouts some pages come from: their fonts must stay alive
        #: WeasyPrint's warnings (messages in English), e.g. a glyph missing from every font.
        self.warnings = warnings

    @property
    def page_count(self) -> int:
        return len(self._document.pages)

    def table_pages(self) -> dict[int, tuple[int, int]]:
        """Table number → (first page index, end index exclusive).

        The first page is the one holding the ``table-N`` anchor; the range runs
        to the last page of the table's section (``data-table``), or else to the
        next table's first page.
        """
        return dict(self._ranges)

    def anchor_pages(self) -> dict[str, int]:
        """Anchor id (``part-1``, ``table-3`` …) → number of the page it is on (the first page is 1).

        The page numbers the combined PDF prints (``counter(page)`` of the
        built-in style sheet) and its 目录 shows; the Word 目录 takes them over.
        """
        out: dict[str, int] = {}
        for index, page in enumerate(self._document.pages, 1):
            for anchor in page.anchors:
                out.setdefault(anchor, index)
        return out

    def write(self) -> bytes:
        """The combined PDF."""
        return self._write(self._document.copy(), self._title)

    def write_set(
        self, numbers: Sequence[int], *, combined: bool, done: Callable[[int], None] | None = None
    ) -> tuple[bytes | None, dict[int, bytes]]:
        """The combined PDF (if *combined*) and the PDF of each table in *numbers*.

        The combined file, and as many of the last tables as even out the work,
        are written in a second process while this one writes the other tables
        (:mod:`jixiao.render.beside`). *done* is called with the count of
        tables written so far. The bytes do not depend on who wrote what.
        """
        numbers = list(numbers)
        counted = 0

        def tables(chosen: Sequence[int], report: bool) -> dict[int, bytes]:
            nonlocal counted
            out: dict[int, bytes] = {}
            for number in chosen:
                out[number] = self.write_table(number)
                if report and done is not None:
                    counted += 1
                    done(counted)
            return out

        if not combined:
            return None, tables(numbers, True)
        mine, theirs = self._share(numbers)

        def beside() -> tuple[bytes, dict[int, bytes], list[str]]:
            return self.write(), tables(theirs, False), self.warnings

        (data, their_parts, seen), parts = run_beside(beside, lambda: tables(mine, True))
        self.warnings.extend(w for w in seen if w not in self.warnings)
        if done is not None and theirs:
            done(len(numbers))
        parts.update(their_parts)
        return data, {n: parts[n] for n in numbers}

    def _share(self, numbers: list[int]) -> tuple[list[int], list[int]]:
        """Tables for this process and for the one writing the combined file, by estimated cost.

        Measured on the Tangshan example: a page costs about 1.5 times as much
        in a project's own file (fonts subset per file) as in the combined one,
        plus about half a page's worth per file.
        """
        cost = {n: 1.5 * (self._ranges[n][1] - self._ranges[n][0]) + 0.5 for n in numbers if n in self._ranges}
        half = (self.page_count + sum(cost.values())) / 2
        theirs: list[int] = []
        load = float(self.page_count)
        for number in reversed(numbers):
            step = cost.get(number, 2.0)
            if load + step > half:
                break
            theirs.insert(0, number)
            load += step
        return [n for n in numbers if n not in theirs], theirs

    def write_table(self, number: int) -> bytes:
        """Only table *number*'s pages, as a standalone PDF numbered from page 1."""
        if number not in self._ranges:
            raise RenderError(f"PDF 排版中找不到第 {number} 个项目表（标记 table-{number}）。HTML 模板是否删去了表题的 id？")
        start, end = self._ranges[number]
        pages = self._document.pages
        first = table_alone(pages[start], number)
        renumbered = [with_margins(first if i == start else pages[i], pages[i - start]) for i in range(start, end)]
        return self._write(self._document.copy(renumbered), self._titles.get(number) or self._title)

    def _write(self, document: Any, title: str) -> bytes:
        document.fonts = FontStore(self._fonts)
        document.metadata = copy.copy(document.metadata)
        document.metadata.title = printable(title)
        document.metadata.created = document.metadata.modified = self._created
        document.metadata.attachments = [a.attachment(self._when) for a in self._attachments]
        with refusals_stop(self._fetcher), collecting(self.warnings), compact_fonts(), gc_paused():
            data: bytes = document.write_pdf(finisher=self._finish, **_WRITE_OPTIONS)
        return data

    def _finish(self, document: Any, pdf_file: Any) -> None:
        """Embedded files dated by the document, not by the clock (``<a rel="attachment">``); compact fonts."""
        stamp = pydyf.String(self._when.strftime("D:%Y%m%d%H%M%SZ"))
        for obj in pdf_file.objects:
            if isinstance(obj, pydyf.Stream) and obj.extra.get("Type") == "/EmbeddedFile":
                params = obj.extra.get("Params")
                if isinstance(params, dict):
                    params["CreationDate"] = params["ModDate"] = stamp
        finisher(document, pdf_file)


def layout_pdf(html: str, template_dirs: Sequence[Path], issued: dt.date, title: str) -> PdfLayout:
    """Lay out *html* (from :func:`render_html`) for printing.

    Merged cells that a page break cuts through are split at the break
    (:mod:`jixiao.render.breaks`); only the tables concerned are laid out
    again, and their new pages replace the old ones when they take as many
    pages (each table starts on a new page, so nothing else moves). Otherwise
    the whole document is laid out again.
    """
    dirs = [Path(d) for d in template_dirs]
    fetcher = TemplateFetcher(dirs)
    base_url = dirs[0].absolute().as_uri() + "/" if dirs else None
    warnings: list[str] = []
    html = NOT_PRINTABLE.sub("", html)  # Pango cannot lay out lone surrogates; the others are not text

    def render(text: str) -> Any:
        return weasyprint.HTML(string=text, base_url=base_url, url_fetcher=fetcher).render()

    keep: list[Any] = []
    with refusals_stop(fetcher), collecting(warnings), gc_paused():
        document = render(html)
        found = scan(document.pages)
        cut = split_merged(html, found.page_starts)
        if cut is not None:
            pages = _relayout_tables(render, cut, document, found, keep)
            if pages is not None:
                document = document.copy(pages)
            else:
                for _ in range(MAX_LAYOUTS - 1):
                    html = cut[0]
                    document = render(html)
                    found = scan(document.pages)
                    cut = split_merged(html, found.page_starts)
                    if cut is None:
                        break
        attachments = read_attachments(document, warnings)
    return PdfLayout(document, found, title=title, issued=issued, warnings=warnings, fetcher=fetcher,
                     attachments=attachments, keep=keep)


def _relayout_tables(
    render: Any, cut: tuple[str, set[str]], document: Any, found: PageScan, keep: list[Any]
) -> list[Any] | None:
    """Pages of *document* with the cut tables laid out again, or None if their page count changed."""
    html, grids = cut
    if any(g not in found.grid_tables for g in grids):
        return None
    numbers = sorted({found.grid_tables[g] for g in grids})
    if any(n not in found.sections for n in numbers):
        return None
    # A table below its part's heading (部分标题: 表前) would lose the heading and
    # start higher when laid out alone: lay out the whole document again instead.
    if any(shares_first_page(document.pages[found.sections[n][0]], n) for n in numbers):
        return None
    # Each table starts on a page of the side (left/right) it starts on in the full layout.
    sides = {n: "right" if found.sections[n][0] % 2 == 0 else "left" for n in numbers}
    html = only_sections(html, sides)
    for _ in range(MAX_LAYOUTS - 1):
        part = render(html)
        keep.append(part)  # its fonts must outlive the pages taken from it
        again = scan(part.pages)
        recut = split_merged(html, again.page_starts)
        if recut is None:
            break
        html = recut[0]
    else:
        return None
    pages = list(document.pages)
    for number in numbers:
        old, new = found.sections[number], again.sections.get(number, [])
        if len(old) != len(new) or old != list(range(old[0], old[0] + len(old))):
            return None
        for i, j in zip(old, new, strict=True):
            pages[i] = with_margins(part.pages[j], document.pages[i])
    return pages


def _as_datetime(when: dt.date) -> dt.datetime:
    """*when* as a naive UTC date and time (midnight for a date)."""
    if isinstance(when, dt.datetime):
        return when.astimezone(dt.UTC).replace(tzinfo=None) if when.tzinfo is not None else when
    return dt.datetime(when.year, when.month, when.day)


def _w3c_date(when: dt.date) -> str:
    if isinstance(when, dt.datetime):
        if when.tzinfo is not None:
            when = when.astimezone(dt.UTC).replace(tzinfo=None)
        return when.strftime("%Y-%m-%dT%H:%M:%SZ")
    return when.isoformat()
