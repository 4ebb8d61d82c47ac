"""PDF output on WeasyPrint's public API: the combined document in one layout, each table as a document of its own.

:func:`layout_pdf` lays the combined document out once (``HTML.render``).
The anchors of its pages (``Page.anchors``) give the page of every part and
table (for the Word 目录) and the rows on each page: merged cells that a page
break cuts through are cut in the HTML (:mod:`jixiao.render.pdf.breaks`) and
only the tables concerned are laid out again, each in a small document that
starts on a page of the same side and with the same page number
(:func:`jixiao.render.pdf.sections.relayout_html`); their pages take the
place of the old ones (``Document.copy`` with pages of several documents, as
WeasyPrint documents it). When that cannot be done exactly (a table sharing
its first page with its part's heading, a style sheet whose page margins
carry state from page to page, a different page count), the whole document
is laid out again with the cut.

A project's own PDF (:func:`table_pdf`) is that table's section laid out as a
document of its own (:func:`jixiao.render.pdf.sections.split`), cut the same
way: it starts on page 1 and its footers count from — 1 —, like the
project's Word file; its fonts hold only its own glyphs.

Output is deterministic: creation and modification dates come from *issued*,
the file identifier is a hash of the content, attachments are dated by the
spec, and nothing else varies.

Resources (style sheets, images, fonts, attachments named in a template) are
read only from the template folders and ``data:`` URLs, through
:class:`~jixiao.render.pdf.fetcher.TemplateFetcher`; a network address or any
other file stops the render with a :class:`~jixiao.errors.RenderError`, in
whichever phase WeasyPrint asks for it.
"""

from __future__ import annotations

import copy
import datetime as dt
import gc
import logging
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pydyf
import weasyprint

from jixiao.chars import NOT_PRINTABLE, printable, unjoined
from jixiao.model.page import table_anchor
from jixiao.render.pdf import fonts
from jixiao.render.pdf.breaks import PageScan, grid_table, scan, split_merged
from jixiao.render.pdf.fetcher import ResourceRefused, TemplateFetcher, refusals_stop
from jixiao.render.pdf.sections import (
    AttachmentLink,
    attachment_links,
    can_relayout,
    relayout_html,
    split,
)

__all__ = ["MAX_LAYOUTS", "PdfLayout", "Renderer", "ResourceRefused", "TemplateFetcher", "layout_pdf", "table_pdf"]

#: Layouts at most: the first, then re-layouts after cutting merged cells at page breaks.
MAX_LAYOUTS = 3

_WRITE_OPTIONS: dict[str, Any] = {"pdf_identifier": True, "uncompressed_pdf": False}


class _Collect(logging.Handler):
    """Keeps WeasyPrint's warnings and errors (bad CSS, missing glyphs …)."""

    def __init__(self, sink: list[str]) -> None:
        super().__init__(logging.WARNING)
        self.sink = sink

    def emit(self, record: logging.LogRecord) -> None:
        message = record.getMessage()
        if message not in self.sink:
            self.sink.append(message)


@contextmanager
def _quiet(sink: list[str]) -> Iterator[None]:
    """WeasyPrint's log messages into *sink*; Python's cycle collector paused meanwhile.

    Layout and drawing allocate millions of small objects but leave almost no
    cyclic garbage, so the collector's repeated scans of the growing box tree
    are pure cost: about a quarter of the layout time.
    """
    logger = logging.getLogger("weasyprint")
    handler = _Collect(sink)
    logger.addHandler(handler)
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        logger.removeHandler(handler)
        if enabled:
            gc.enable()


_FONTS: list[Any] = []


def _font_config(html: str) -> Any:
    """WeasyPrint's ``FontConfiguration``: one for the process (fonts loaded once), a fresh one for @font-face."""
    if "@font-face" in html.lower():  # fonts a template adds must not reach another document
        return weasyprint.text.fonts.FontConfiguration()
    if not _FONTS:
        _FONTS.append(weasyprint.text.fonts.FontConfiguration())
    return _FONTS[0]


class Renderer:
    """Lays out and writes HTML of the template folders *dirs*; collects WeasyPrint's warnings."""

    def __init__(self, template_dirs: Sequence[Path]) -> None:
        dirs = [Path(d) for d in template_dirs]
        self.fetcher = TemplateFetcher(dirs)
        self.base_url = dirs[0].absolute().as_uri() + "/" if dirs else None
        #: WeasyPrint's warnings (messages in English), e.g. a glyph missing from every font; and jixiao's notes.
        self.warnings: list[str] = []
        # Documents some pages were taken from: kept as long as this renderer, for their fonts
        # (a FontConfiguration of their own, with @font-face) must outlive those pages.
        self._kept: list[Any] = []

    def render(self, html: str) -> Any:
        """``HTML.render`` of *html* (a ``weasyprint.Document``)."""
        text = NOT_PRINTABLE.sub("", html)  # Pango cannot lay out lone surrogates; the others are not text
        with refusals_stop(self.fetcher), _quiet(self.warnings):
            return weasyprint.HTML(string=text, base_url=self.base_url, url_fetcher=self.fetcher).render(
                font_config=_font_config(text)
            )

    def lay_out(self, html: str) -> tuple[Any, PageScan]:
        """*html* laid out with merged cells cut at page breaks; the document and its scan."""
        document = self.render(html)
        found = _scan(document)
        for _ in range(MAX_LAYOUTS - 1):
            cut = split_merged(html, found.page_starts)
            if cut is None:
                break
            html = cut[0]
            pages = self._relayout_tables(html, cut[1], document, found)
            document = document.copy(pages) if pages is not None else self.render(html)
            found = _scan(document)
            if pages is not None:
                break
        return document, found

    def _relayout_tables(self, html: str, grids: set[str], document: Any, found: PageScan) -> list[Any] | None:
        """Pages of *document* with the tables of the cut *grids* laid out again, or None if not exact."""
        numbers = sorted({n for n in map(grid_table, grids) if n is not None})
        ranges = found.table_ranges(len(document.pages))
        if not numbers or any(n not in ranges for n in numbers) or not can_relayout(html):
            return None
        pages = list(document.pages)
        for number in numbers:
            start, end = ranges[number]
            if not _alone_on(document.pages[start], number):
                return None  # below its part's heading (部分标题: 表前): lay out everything again
            part_html, first = relayout_html(html, number, start=start)
            for _ in range(MAX_LAYOUTS - 1):
                part = self.render(part_html)
                again = _scan(part)
                recut = split_merged(part_html, again.page_starts)
                if recut is None:
                    break
                part_html = recut[0]
            else:
                return None
            span = again.table_ranges(len(part.pages)).get(number)
            if span is None or span != (first, first + end - start):
                return None
            self._kept.append(part)
            pages[start:end] = part.pages[span[0]:span[1]]
        return pages

    def write(self, document: Any, *, title: str, issued: dt.date, attachments: Sequence[AttachmentLink]) -> bytes:
        """*document* as a PDF file titled *title*, dated *issued*."""
        when = _as_datetime(issued)

        def fresh() -> Any:
            copied = document.copy()
            copied.metadata = copy.copy(copied.metadata)
            copied.metadata.title = unjoined(printable(title))
            for page in copied.pages:  # bookmarks are the headings' text: without the line-break joiners
                page.bookmarks = [(level, unjoined(label), *rest) for level, label, *rest in page.bookmarks]
            copied.metadata.created = copied.metadata.modified = _w3c_date(issued)
            # An attachment is read while writing, and only once: new ones for each file.
            copied.metadata.attachments = [
                weasyprint.Attachment(url=a.url, description=a.description, url_fetcher=self.fetcher,
                                      created=when, modified=when)
                for a in attachments
            ]
            return copied

        def finish(_document: Any, pdf: Any) -> None:
            _date_embedded_files(pdf, when)

        with refusals_stop(self.fetcher), _quiet(self.warnings):
            return fonts.write_pdf(fresh, finish, _WRITE_OPTIONS, self.warnings)


def _scan(document: Any) -> PageScan:
    return scan([page.anchors for page in document.pages])


def _alone_on(page: Any, number: int) -> bool:
    """Is table *number* the only thing on *page* (no other anchor than its own: no part heading above)?"""
    own = (table_anchor(number), f"jx-row-{number}-")
    return all(anchor.startswith(own) for anchor in page.anchors)


def _date_embedded_files(pdf: Any, when: dt.datetime) -> None:
    """Embedded files (``<a rel="attachment">`` too) dated by the document, not by the clock."""
    stamp = pydyf.String(when.strftime("D:%Y%m%d%H%M%SZ"))
    for obj in pdf.objects:
        if isinstance(obj, pydyf.Stream) and obj.extra.get("Type") == "/EmbeddedFile":
            params = obj.extra.get("Params")
            if isinstance(params, dict):
                params["CreationDate"] = params["ModDate"] = stamp


class PdfLayout:
    """The combined document laid out once; writes it, or a table's own PDF."""

    def __init__(self, html: str, template_dirs: Sequence[Path], *, title: str, issued: dt.date) -> None:
        self._html = html
        self._renderer = Renderer(template_dirs)
        self._title = title
        self._issued = issued
        self._attachments = attachment_links(html, self._renderer.base_url)
        self._document, self._found = self._renderer.lay_out(html)
        self._tables: dict[int, Any] = {}

    @property
    def warnings(self) -> list[str]:
        """WeasyPrint's warnings (English) while laying out and writing, each once."""
        return self._renderer.warnings

    @property
    def page_count(self) -> int:
        return len(self._document.pages)

    def table_pages(self) -> dict[int, tuple[int, int]]:
        """Table number → (first page index, end index exclusive) in the combined layout."""
        return self._found.table_ranges(self.page_count)

    def anchor_pages(self) -> dict[str, int]:
        """Anchor id (``part-1``, ``table-3`` …) → number of the page it is on (the first page is 1).

        The page numbers the combined PDF prints (``counter(page)`` of the
        built-in style sheet) and its 目录 shows; the Word 目录 takes them over.
        """
        return {k: v for k, v in self._found.anchor_pages.items() if not k.startswith("jx-row-")}

    def write(self) -> bytes:
        """The combined PDF."""
        return self._renderer.write(self._document, title=self._title, issued=self._issued,
                                    attachments=self._attachments)

    def write_table(self, number: int) -> bytes:
        """Table *number* laid out as a document of its own (numbered from page 1), as a PDF."""
        (table,) = split(self._html, [number]).values()
        return write_tables(self._renderer, {number: table.html}, {number: table.title or self._title},
                            issued=self._issued)[number]


def write_tables(renderer: Renderer, htmls: dict[int, str], titles: dict[int, str], *, issued: dt.date) -> dict[int, bytes]:
    """Each table's own HTML (:func:`jixiao.render.pdf.sections.split`) laid out and written, titled *titles*."""
    out = {}
    for number, html in htmls.items():
        document, _ = renderer.lay_out(html)
        out[number] = renderer.write(document, title=titles[number], issued=issued,
                                     attachments=attachment_links(html, renderer.base_url))
        del document
        gc.collect(1)  # the layout's boxes hold reference cycles: free them before the next (young objects only: quick)
    return out


def layout_pdf(html: str, template_dirs: Sequence[Path], issued: dt.date, title: str) -> PdfLayout:
    """Lay out *html* (from :func:`jixiao.render.html.document.render_html`) for printing."""
    return PdfLayout(html, template_dirs, title=title, issued=issued)


def table_pdf(html: str, template_dirs: Sequence[Path], number: int, *, issued: dt.date, title: str) -> bytes:
    """The PDF of table *number* of the combined *html*, as ``jixiao render`` writes it into ``projects/``."""
    (table,) = split(html, [number]).values()
    return write_tables(Renderer(template_dirs), {number: table.html}, {number: table.title or title},
                        issued=issued)[number]


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
