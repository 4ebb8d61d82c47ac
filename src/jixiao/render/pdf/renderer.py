"""Laying out and writing with WeasyPrint's public API: the :class:`Renderer` every PDF goes through.

:meth:`Renderer.lay_out` lays a document out (``HTML.render``) and cuts the
merged cells that a page break goes through (:mod:`jixiao.render.pdf.breaks`):
only the tables concerned are laid out again, each in a small document that
starts on a page of the same side and with the same page number
(:func:`jixiao.render.pdf.sections.relayout_html`); their pages take the
place of the old ones (``Document.copy`` with pages of several documents, as
WeasyPrint documents it). When that cannot be done exactly (a table sharing
its first page with its part's heading, a style sheet whose page margins
carry state from page to page, a different page count), the whole document
is laid out again with the cut.

Pages may be laid out *bare* (without margin boxes) and stamped with footer
pages when written (:mod:`jixiao.render.pdf.stamp`, :meth:`Renderer.footers`).

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
from jixiao.model.anchors import FRONT_APART_PAGE, table_anchor
from jixiao.render.pdf import fonts, stamp
from jixiao.render.pdf.breaks import PageScan, grid_table, scan, split_merged
from jixiao.render.pdf.fetcher import TemplateFetcher, refusals_stop
from jixiao.render.pdf.sections import AttachmentLink, can_relayout, relayout_html

__all__ = ["MAX_LAYOUTS", "Renderer"]

#: Layouts at most: the first, then re-layouts after cutting merged cells at page breaks.
MAX_LAYOUTS = 3

#: Tagged PDF (WeasyPrint's ``pdf_tags``: a structure tree, /MarkInfo, /Lang from ``<html lang>``),
#: which also asks viewers to show the document title (/ViewerPreferences /DisplayDocTitle).
_WRITE_OPTIONS: dict[str, Any] = {"pdf_identifier": True, "uncompressed_pdf": False, "pdf_tags": True}


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
#: User style sheets, parsed once per process: ``"bare"`` and ``"footers"`` (see :mod:`jixiao.render.pdf.stamp`).
_SHEETS: dict[str, Any] = {}
#: Footer documents laid out in this process, by the ``<head>`` they were made with (see :meth:`Renderer.footers`).
_FOOTERS: dict[tuple[str, str | None], Any] = {}
_FOOTERS_MAX = 8


def _font_config(html: str) -> Any:
    """WeasyPrint's ``FontConfiguration``: one for the process (fonts loaded once), a fresh one for @font-face."""
    if "@font-face" in html.lower():  # fonts a template adds must not reach another document
        return weasyprint.text.fonts.FontConfiguration()
    if not _FONTS:
        _FONTS.append(weasyprint.text.fonts.FontConfiguration())
    return _FONTS[0]


def _sheet(name: str) -> Any:
    if name not in _SHEETS:
        _SHEETS[name] = weasyprint.CSS(string={"bare": stamp.BARE_CSS, "footers": stamp.FOOTERS_CSS}[name])
    return _SHEETS[name]


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

    def render(self, html: str, *, bare: bool = False, sheet: str | None = None) -> Any:
        """``HTML.render`` of *html* (a ``weasyprint.Document``); *bare*: without margin boxes."""
        text = NOT_PRINTABLE.sub("", html)  # Pango cannot lay out lone surrogates; the others are not text
        sheets = [_sheet(name) for name in ("bare" if bare else None, sheet) if name]
        with refusals_stop(self.fetcher), _quiet(self.warnings):
            return weasyprint.HTML(string=text, base_url=self.base_url, url_fetcher=self.fetcher).render(
                font_config=_font_config(text), stylesheets=sheets
            )

    def lay_out(self, html: str, *, bare: bool = False) -> tuple[Any, PageScan]:
        """*html* laid out with merged cells cut at page breaks; the document and its scan."""
        document = self.render(html, bare=bare)
        found = _scan(document)
        for _ in range(MAX_LAYOUTS - 1):
            cut = split_merged(html, found.page_starts)
            if cut is None:
                break
            html = cut[0]
            pages = self._relayout_tables(html, cut[1], document, found, bare)
            document = document.copy(pages) if pages is not None else self.render(html, bare=bare)
            found = _scan(document)
            if pages is not None:
                break
        return document, found

    def _relayout_tables(self, html: str, grids: set[str], document: Any, found: PageScan,
                         bare: bool) -> list[Any] | None:
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
            part_html, first = relayout_html(html, number, start=start, shown=start - uncounted(html, found))
            for _ in range(MAX_LAYOUTS - 1):
                part = self.render(part_html, bare=bare)
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
            self.keep(part)
            pages[start:end] = part.pages[span[0]:span[1]]
        return pages

    def keep(self, document: Any) -> None:
        """Keep *document* alive as long as this renderer (its pages are written with others)."""
        self._kept.append(document)

    def footers(self, html: str, count: int) -> list[Any]:
        """The footer pages 1 to *count* for pages of *html* (:func:`jixiao.render.pdf.stamp.footer_html`).

        Laid out once per process for each ``<head>``, with some pages to spare.

        Raises:
            NotStampable: the footer document does not come out one page per block.
        """
        key = (stamp.footer_html(html, 0), self.base_url)
        document = _FOOTERS.get(key)
        if document is None or len(document.pages) < count:
            pages = max(count, 8, 2 * len(document.pages) if document is not None else 0)
            document = self.render(stamp.footer_html(html, pages), sheet="footers")
            if len(document.pages) != pages:
                raise stamp.NotStampable(f"{len(document.pages)} footer pages instead of {pages}")
            if len(_FOOTERS) >= _FOOTERS_MAX:
                _FOOTERS.clear()
            _FOOTERS[key] = document
        return list(document.pages[:count])

    def write(self, document: Any, *, title: str, issued: dt.date, attachments: Sequence[AttachmentLink],
              pages: Sequence[Any] | None = None, footers: Sequence[Any] | None = None) -> bytes:
        """*document* as a PDF file titled *title*, dated *issued*.

        *pages*: these pages (of any documents kept alive) instead of the
        document's, which gives the file its metadata; *footers*: the pages
        are bare, stamped with these.

        Raises:
            NotStampable: the written pages cannot be stamped (a PDF writer that builds its page tree otherwise).
        """
        when = _as_datetime(issued)
        pages = list(document.pages if pages is None else pages)
        if footers is not None:
            pages = stamp.interleave(pages, footers)

        def fresh() -> Any:
            copied = document.copy(pages)
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
            if footers is not None:
                stamp.stamp(pdf)
            _date_embedded_files(pdf, when)
            # Viewers show the title, not the file name (set by pdf_tags too; said here for any version).
            pdf.catalog["ViewerPreferences"] = pydyf.Dictionary({"DisplayDocTitle": "true"})

        with refusals_stop(self.fetcher), _quiet(self.warnings):
            return fonts.write_pdf(fresh, finish, _WRITE_OPTIONS, self.warnings, passes=(stamp.NotStampable,))


def _scan(document: Any) -> PageScan:
    return scan([page.anchors for page in document.pages])


def uncounted(html: str, found: PageScan) -> int:
    """Pages before the text that its page numbers do not count (a 目录 numbered apart, 目录页码 单独 or 无)."""
    if FRONT_APART_PAGE not in html or not found.anchor_pages:
        return 0
    return min(found.anchor_pages.values()) - 1  # the 目录 holds no anchor; the text's first page shows 1


def _alone_on(page: Any, number: int) -> bool:
    """Is table *number* the only thing on *page* (no other anchor than its own: no part heading above)?"""
    own = (table_anchor(number), f"jx-row-{number}-")
    return all(anchor.startswith(own) for anchor in page.anchors)


def _date_embedded_files(pdf: Any, when: dt.datetime) -> None:
    """Embedded files (``<a rel="attachment">`` too) dated by the document, not by the clock."""
    stamp_date = pydyf.String(when.strftime("D:%Y%m%d%H%M%SZ"))
    for obj in pdf.objects:
        if isinstance(obj, pydyf.Stream) and obj.extra.get("Type") == "/EmbeddedFile":
            params = obj.extra.get("Params")
            if isinstance(params, dict):
                params["CreationDate"] = params["ModDate"] = stamp_date


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
