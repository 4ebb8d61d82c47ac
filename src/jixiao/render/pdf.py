"""PDF output: one WeasyPrint layout of the combined document, cut into per-project files.

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
import gc
import itertools
import logging
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pydyf
import weasyprint
from weasyprint.document import Page
from weasyprint.formatting_structure import boxes
from weasyprint.formatting_structure.boxes import MarginBox

from jixiao.chars import NOT_PRINTABLE, printable
from jixiao.errors import RenderError
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
from jixiao.render.pdffonts import FontStore, compact_fonts, finisher

__all__ = ["PdfLayout", "ResourceRefused", "TemplateFetcher", "layout_pdf", "render_html"]

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
def _gc_paused() -> Iterator[None]:
    """Pause Python's cycle collector while WeasyPrint works.

    Layout and drawing allocate millions of small objects but leave almost no
    cyclic garbage, so the collector's repeated scans of the growing box tree
    are pure cost: about a quarter of the layout time, for under 2 % more peak
    memory (measured in ``benchmarks/render_bench.py``).
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


@contextmanager
def _collecting(sink: list[str]) -> Iterator[None]:
    logger = logging.getLogger("weasyprint")
    handler = _Collect(sink)
    logger.addHandler(handler)
    try:
        yield
    finally:
        logger.removeHandler(handler)


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
        self._ranges = _table_ranges(document.pages, found.sections)
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
        first = _table_alone(pages[start], number)
        renumbered = [_with_margins(first if i == start else pages[i], pages[i - start]) for i in range(start, end)]
        return self._write(self._document.copy(renumbered), self._titles.get(number) or self._title)

    def _write(self, document: Any, title: str) -> bytes:
        document.fonts = FontStore(self._fonts)
        document.metadata = copy.copy(document.metadata)
        document.metadata.title = printable(title)
        document.metadata.created = document.metadata.modified = self._created
        document.metadata.attachments = [a.attachment(self._when) for a in self._attachments]
        with refusals_stop(self._fetcher), _collecting(self.warnings), compact_fonts(), _gc_paused():
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


def _table_ranges(pages: Sequence[Any], sections: dict[int, list[int]]) -> dict[int, tuple[int, int]]:
    starts: dict[int, int] = {}
    for index, page in enumerate(pages):
        for anchor in page.anchors:
            number = _table_number(anchor)
            if number is not None:
                starts.setdefault(number, index)
    ordered = sorted(starts.values())
    out: dict[int, tuple[int, int]] = {}
    for number, start in sorted(starts.items()):
        section = sections.get(number)
        end = max(section) + 1 if section else next((s for s in ordered if s > start), len(pages))
        out[number] = (start, max(end, start + 1))
    return out


def _table_number(anchor: str) -> int | None:
    if anchor.startswith("table-") and anchor[6:].isdigit():
        return int(anchor[6:])
    return None


def _with_margins(page: Any, donor: Any) -> Any:
    """*page* with the margin boxes (page number footer …) of *donor*."""
    if page is donor:
        return page
    box = page._page_box.copy()
    own = [child for child in box.children if not isinstance(child, MarginBox)]
    margins = [child for child in donor._page_box.children if isinstance(child, MarginBox)]
    box.children = tuple(own + margins)
    return Page(box)


def _table_alone(page: Any, number: int) -> Any:
    """*page* without what is laid out above table *number*'s section, the section moved up in its place.

    The first table of a part whose heading stands above it (部分标题: 表前)
    shares its first page with that heading; the project's own PDF shows the
    table alone, at the top of the page like every other table. *page* itself
    when nothing is above the section (or the section is not on it).
    """
    path = _path_to_section(page._page_box, number)
    above = _above(path) if path is not None else []
    if path is None or not above:
        return page
    dy = min(b.position_y for b in above) - path[-1].position_y
    box = _moved(path[-1], dy)
    for parent, child in reversed(list(itertools.pairwise(path))):
        index = parent.children.index(child)
        before = [b for b in parent.children[:index] if isinstance(b, MarginBox)]
        after = [b if isinstance(b, MarginBox) else _moved(b, dy) for b in parent.children[index + 1:]]
        parent = parent.copy()  # not copy_with_children: that resets the original's decoration sides
        parent.children = (*before, box, *after)
        box = parent
    return Page(box)


def _path_to_section(box: Any, number: int) -> list[Any] | None:
    """Boxes from *box* down to the section of table *number* (``data-table``), or None."""
    element = box.element
    if element is not None and element.tag == "section" and element.get("data-table") == str(number):
        return [box]
    for child in getattr(box, "children", ()):
        if isinstance(child, boxes.Box):
            below = _path_to_section(child, number)
            if below is not None:
                return [box, *below]
    return None


def _above(path: Sequence[Any]) -> list[Any]:
    """The page's content boxes laid out before the last box of *path* (from the page box down)."""
    out: list[Any] = []
    for parent, child in itertools.pairwise(path):
        index = parent.children.index(child)
        out += [b for b in parent.children[:index] if not isinstance(b, MarginBox)]
    return out


def _shares_first_page(page: Any, number: int) -> bool:
    """Whether something is laid out above table *number*'s section on *page* (its first page)."""
    path = _path_to_section(page._page_box, number)
    return path is not None and bool(_above(path))


def _moved(box: Any, dy: float) -> Any:
    """A copy of *box* and everything in it, *dy* lower on the page; the combined layout's boxes stay put."""
    if dy == 0:
        return box
    copied = box.deepcopy()
    for inner in copied.descendants():
        if isinstance(inner, boxes.TableBox):  # their column boxes are not children, but move with them
            inner.column_groups = tuple(group.deepcopy() for group in inner.column_groups)
    copied.translate(0, dy)
    return copied


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
    with refusals_stop(fetcher), _collecting(warnings), _gc_paused():
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
    if any(_shares_first_page(document.pages[found.sections[n][0]], n) for n in numbers):
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
            pages[i] = _with_margins(part.pages[j], document.pages[i])
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
