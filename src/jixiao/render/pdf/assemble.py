"""The combined document put together from each table's own layout, laid out once.

With footers stamped on (:mod:`jixiao.render.pdf.stamp`), a table that
starts a page and is followed by something that starts one too takes the
same pages in the combined document as in a document of its own, the
project's own file. So each such table (:func:`jixiao.render.pdf.sections.standalone`)
is laid out alone, bare (its merged cells cut at its own page breaks), and
the rest of the document — title, 目录, 第一部分, part headings, any table
that shares a page — is laid out with a stand-in for each of those tables:
its title, then as many empty pages as the table has
(:func:`jixiao.render.pdf.sections.stand_ins`). The stand-ins give the 目录
its page numbers (``target-counter``) and put everything after them on the
right page; the tables' own pages then take their place (``Document.copy``
with pages of several documents). Links from the 目录 find the tables'
anchors on those pages when the file is written.

The stand-ins also show whether a table does stand alone: its title must sit
where it sits at the top of its own first page (nothing above it on that
page), and what follows must begin right after its last page. If one does
not, :class:`~jixiao.render.pdf.stamp.NotStampable` is raised and the caller
lays the whole document out at once.

Laying tables out one at a time also keeps memory down: a layout leaves some
of the memory it used while working to the next one, and a table's is small.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from jixiao.model.anchors import table_anchor
from jixiao.render.pdf.breaks import PageScan, scan
from jixiao.render.pdf.renderer import Renderer
from jixiao.render.pdf.sections import split, stand_ins, standalone
from jixiao.render.pdf.stamp import NotStampable


@dataclass
class Assembled:
    """The bare pages of the combined document and the tables' own layouts they include."""

    #: The rest of the document (with stand-ins): its metadata is the combined document's.
    base: Any
    pages: list[Any]
    found: PageScan
    #: Table number → its own layout (bare), whose pages are also in :attr:`pages`.
    tables: dict[int, Any] = field(default_factory=dict)


def assemble(renderer: Renderer, html: str, laid: Callable[[int, Any], None] | None = None) -> Assembled:
    """Lay out the combined *html* bare, each standalone table once; *laid(number, document)* after each table.

    Raises:
        NotStampable: a table does not stand on pages of its own after all.
    """
    numbers = standalone(html)
    own = split(html, numbers)
    tables: dict[int, Any] = {}
    for number in numbers:
        document, _ = renderer.lay_out(own[number].html, bare=True)
        renderer.keep(document)
        tables[number] = document
        if laid is not None:
            laid(number, document)
    rest_html, after = stand_ins(html, {n: len(d.pages) for n, d in tables.items()})
    rest, found = renderer.lay_out(rest_html, bare=True)
    renderer.keep(rest)
    pages: list[Any] = []
    taken = 0
    for number in sorted(tables, key=lambda n: found.starts.get(n, -1)):
        start, count = found.starts.get(number, -1), len(tables[number].pages)
        _check(number, start, count, tables[number], rest, found, after[number])
        pages += rest.pages[taken:start]
        pages += tables[number].pages
        taken = start + count
    pages += rest.pages[taken:]
    return Assembled(rest, pages, scan([page.anchors for page in pages]), tables)


def _check(number: int, start: int, count: int, own: Any, rest: Any, found: PageScan, after: str | None) -> None:
    """Does the stand-in of table *number* start a page as the table does and end one?"""
    anchor = table_anchor(number)
    if start < 0 or rest.pages[start].anchors.get(anchor) != own.pages[0].anchors.get(anchor):
        raise NotStampable(f"table {number} does not start a page")
    following = found.anchor_pages.get(after) if after is not None else len(rest.pages) + 1
    if following != start + count + 1:
        raise NotStampable(f"table {number} does not end a page")
