"""The PDF files of a document: the combined one and each project's own, on WeasyPrint's public API.

:class:`PdfLayout` lays out the combined document. Where the style sheet
allows (:func:`jixiao.render.pdf.stamp.stampable`, true of the built-in one),
pages are laid out *bare*, without their margin boxes, and footers are
stamped on when a file is written (:mod:`jixiao.render.pdf.stamp`): a table's
pages are then the same in the combined file and in the project's own file,
so each table is laid out once, as a document of its own, and the combined
document is put together around those pages (:mod:`jixiao.render.pdf.assemble`).
Otherwise the combined document is laid out whole (``HTML.render``) and each
project's own file separately, both with their margin boxes, as WeasyPrint
does by itself. Merged cells cut by a page break are cut and relabelled
either way (:class:`jixiao.render.pdf.renderer.Renderer`).

A project's own PDF (:meth:`PdfLayout.write_table`, :func:`write_tables`,
:func:`table_pdf`) starts on page 1 and its footers count from — 1 —, like
the project's Word file; its fonts hold only its own glyphs. It is the same,
byte for byte, whichever way it was made.
"""

from __future__ import annotations

import datetime as dt
import gc
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from jixiao.render.layout.breaks import TableBreaks, table_breaks
from jixiao.render.pdf import stamp
from jixiao.render.pdf.assemble import assemble
from jixiao.render.pdf.breaks import PageScan, scan
from jixiao.render.pdf.fetcher import ResourceRefused, TemplateFetcher
from jixiao.render.pdf.renderer import MAX_LAYOUTS, Renderer, uncounted
from jixiao.render.pdf.sections import TableHtml, attachment_links, split

__all__ = ["MAX_LAYOUTS", "PdfLayout", "Renderer", "ResourceRefused", "TemplateFetcher", "layout_pdf", "table_pdf",
           "write_tables"]


class PdfLayout:
    """The combined document laid out; writes it, or a table's own PDF."""

    def __init__(self, html: str, template_dirs: Sequence[Path], *, title: str, issued: dt.date) -> None:
        self._html = html
        self._renderer = Renderer(template_dirs)
        self._title = title
        self._issued = issued
        self._attachments = attachment_links(html, self._renderer.base_url)
        #: Tables laid out on their own (bare, when stamped), by number.
        self._tables: dict[int, Any] = {}
        self._split: dict[int, TableHtml] = {}
        self._stamped = stamp.stampable(html)
        self._base: Any  # the document whose metadata the combined file has
        self._pages: list[Any]
        self._found: PageScan
        self._footers: list[Any] | None = None
        if self._stamped:
            try:
                done = assemble(self._renderer, html)
                self._footers = self._renderer.footers(html, len(done.pages))
            except stamp.NotStampable:
                self._stamped = False
            else:
                self._base, self._pages, self._found, self._tables = done.base, done.pages, done.found, done.tables
        if not self._stamped:
            self._base, self._found = self._renderer.lay_out(html)
            self._pages = list(self._base.pages)
            self._tables = {}

    @property
    def warnings(self) -> list[str]:
        """WeasyPrint's warnings (English) while laying out and writing, each once."""
        return self._renderer.warnings

    @property
    def page_count(self) -> int:
        return len(self._pages)

    def table_pages(self) -> dict[int, tuple[int, int]]:
        """Table number → (first page index, end index exclusive) in the combined layout."""
        return self._found.table_ranges(self.page_count)

    def anchor_pages(self) -> dict[str, int]:
        """Anchor id (``part-1``, ``table-3`` …) → number of the page it is on (the first page is 1).

        The page numbers the combined PDF prints (``counter(page)`` of the
        built-in style sheet) and its 目录 shows; the Word 目录 takes them over.
        """
        skip = uncounted(self._html, self._found)
        return {k: v - skip for k, v in self._found.anchor_pages.items() if not k.startswith("jx-row-")}

    def breaks(self) -> dict[int, TableBreaks]:
        """Table number → the rows that begin a page (for the Word tables, :mod:`jixiao.render.layout.breaks`)."""
        return table_breaks(self._found.anchor_pages)

    def write(self) -> bytes:
        """The combined PDF."""
        try:
            return self._renderer.write(self._base, pages=self._pages, title=self._title, issued=self._issued,
                                        attachments=self._attachments, footers=self._footers)
        except stamp.NotStampable:
            if not self._stamped:
                raise
        self._stamped, self._footers, self._tables = False, None, {}  # lay out whole, as WeasyPrint does by itself
        self._base, self._found = self._renderer.lay_out(self._html)
        self._pages = list(self._base.pages)
        return self.write()

    def write_table(self, number: int, breaks: dict[int, TableBreaks] | None = None) -> bytes:
        """Table *number* as a document of its own (numbered from page 1), as a PDF.

        Where its own document breaks goes into *breaks* when given.
        """
        if number not in self._split:
            self._split.update(split(self._html, sorted({number, *self._found.starts})))
        table = self._split[number]
        title = table.title or self._title
        own = self._tables.get(number)
        if own is not None:
            try:
                data = _write(self._renderer, own, table.html, title, self._issued, stamped=True)
            except stamp.NotStampable:
                pass  # as write_tables does
            else:
                if breaks is not None:
                    found = scan([page.anchors for page in own.pages])
                    breaks[number] = table_breaks(found.anchor_pages).get(number, TableBreaks())
                return data
        return write_tables(self._renderer, {number: table.html}, {number: title}, issued=self._issued,
                            breaks=breaks)[number]


def _write(renderer: Renderer, document: Any, html: str, title: str, issued: dt.date, *, stamped: bool) -> bytes:
    """A table's own *document* (laid out from *html*) as its PDF; *stamped*: its pages are bare.

    Raises:
        NotStampable: the footer pages cannot be made (see :meth:`Renderer.footers`).
    """
    footers = renderer.footers(html, len(document.pages)) if stamped else None
    return renderer.write(document, title=title, issued=issued, attachments=attachment_links(html, renderer.base_url),
                          footers=footers)


def write_tables(renderer: Renderer, htmls: dict[int, str], titles: dict[int, str], *, issued: dt.date,
                 breaks: dict[int, TableBreaks] | None = None, write: bool = True) -> dict[int, bytes]:
    """Each table's own HTML (:func:`jixiao.render.pdf.sections.split`) laid out and written, titled *titles*.

    Bare and stamped with footers when the style sheet allows, as
    :class:`PdfLayout` lays the tables out: the same files either way. Each
    table's page breaks go into *breaks* when given; without *write* the
    tables are only laid out (their bytes are empty).
    """
    out = {}
    for number, html in htmls.items():
        if not write:
            document, found = renderer.lay_out(html)
            out[number] = b""
        else:
            stamped = stamp.stampable(html)
            if stamped:
                try:
                    document, found = renderer.lay_out(html, bare=True)
                    out[number] = _write(renderer, document, html, titles[number], issued, stamped=True)
                except stamp.NotStampable:
                    stamped = False
            if not stamped:
                document, found = renderer.lay_out(html)
                out[number] = _write(renderer, document, html, titles[number], issued, stamped=False)
        if breaks is not None:
            breaks[number] = table_breaks(found.anchor_pages).get(number, TableBreaks())
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
