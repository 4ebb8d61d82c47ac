"""Page breaks in a laid-out PDF: where each table is, and merged cells cut by a break.

WeasyPrint draws a ``rowspan`` cell that crosses a page break badly: the label
stays at the top of the first part, the cell's bottom edge is not drawn on the
first page and the second page shows an empty, unlabelled stretch. Word, the
other output, keeps rows whole (``cantSplit``) and so do we (``break-inside:
avoid`` on rows), which means a break always falls *between* two rows.

Each body row of a table carries an ``id`` (:func:`row_id`, written by
:mod:`jixiao.render.html.document`), so the anchors of each laid-out page (WeasyPrint's
public ``Page.anchors``) tell which rows it holds. :func:`scan` finds for each
table (``data-grid``) the first body row of every page after its first one,
and :func:`split_merged` cuts each merged cell that spans such a row into two
merged cells, one per page, the second repeating the label (class
``jx-continued``). Every part of the merged cell then is a real cell closed on
its page, labelled and vertically centred. The caller lays the table out
again; as each project table starts on a new page, the cut changes nothing
outside its own table.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import lxml.html
from lxml import etree

from jixiao.model.anchors import anchor_table
from jixiao.render.layout.breaks import parse_row_id, row_id

__all__ = ["CONTINUED_CLASS", "PageScan", "grid_table", "row_id", "scan", "split_merged"]

#: Class of the second part of a merged cell cut at a page break.
CONTINUED_CLASS = "jx-continued"


@dataclass
class PageScan:
    """What :func:`scan` found in the anchors of the pages of one layout."""

    #: Table number → index of the page holding its ``table-N`` anchor (its title).
    starts: dict[int, int] = field(default_factory=dict)
    #: Grid key (``data-grid``) → indexes of the pages holding its body rows.
    grid_pages: dict[str, list[int]] = field(default_factory=dict)
    #: Grid key → body row indexes (``data-row``) that begin a page other than the table's first one.
    page_starts: dict[str, set[int]] = field(default_factory=dict)
    #: Anchor → number of the first page it is on (the first page is 1).
    anchor_pages: dict[str, int] = field(default_factory=dict)

    def table_ranges(self, page_count: int) -> dict[int, tuple[int, int]]:
        """Table number → (first page index, end index exclusive).

        A table runs from the page of its title to the last page holding one of
        its rows (grid keys start with the table number, see :func:`grid_table`);
        without rows, to the next table's title.
        """
        ordered = sorted(self.starts.values())
        last: dict[int, int] = {}
        for grid, pages in self.grid_pages.items():
            number = grid_table(grid)
            if number is not None and pages:
                last[number] = max(last.get(number, 0), pages[-1])
        out: dict[int, tuple[int, int]] = {}
        for number, start in sorted(self.starts.items()):
            following = next((s for s in ordered if s > start), page_count)
            end = last[number] + 1 if number in last else following
            out[number] = (start, max(end, start + 1))
        return out


def grid_table(grid: str) -> int | None:
    """The table number of a grid key (``3-header``, ``3-indicators``)."""
    head = grid.split("-", 1)[0]
    return int(head) if head.isdigit() else None


def scan(pages: Sequence[Iterable[str]]) -> PageScan:
    """Find tables and page-starting rows from the anchor names of each page, in order."""
    found = PageScan()
    for index, anchors in enumerate(pages):
        rows: dict[str, list[int]] = {}
        for anchor in anchors:
            found.anchor_pages.setdefault(anchor, index + 1)
            row = parse_row_id(anchor)
            if row is not None:
                rows.setdefault(row[0], []).append(row[1])
                continue
            table = anchor_table(anchor)
            if table is not None:
                found.starts.setdefault(table, index)
        for grid, numbers in rows.items():
            seen = found.grid_pages.setdefault(grid, [])
            if seen:
                found.page_starts.setdefault(grid, set()).add(min(numbers))
            seen.append(index)
    return found


def split_merged(html: str, page_starts: Mapping[str, set[int]]) -> tuple[str, set[str]] | None:
    """*html* with merged cells cut at the given page-starting rows, and the grids cut.

    None if no merged cell spans any of those rows.
    """
    if not any(page_starts.values()):
        return None
    root = lxml.html.document_fromstring(html)
    changed: set[str] = set()
    for table in root.iter("table"):
        key = table.get("data-grid") or ""
        for start in sorted(page_starts.get(key, ())):
            if _cut(table, start):
                changed.add(key)
    if not changed:
        return None
    out: str = lxml.html.tostring(root, encoding="unicode", doctype="<!DOCTYPE html>")
    return out, changed


def _int(value: str | None) -> int | None:
    if value is None or not value.strip().isdigit():
        return None
    return int(value)


def _cut(table: etree._Element, start: int) -> bool:
    """Cut every merged cell of *table* that spans row *start* (not starting there)."""
    rows = {_int(tr.get("data-row")): tr for tr in table.iter("tr")}
    target = rows.get(start)
    if target is None:
        return False
    changed = False
    for index, tr in rows.items():
        if index is None or index >= start:
            continue
        for cell in tr:
            span = _int(cell.get("rowspan")) or 1
            if index + span <= start:
                continue
            above, below = start - index, index + span - start
            _set_span(cell, above)
            clone = copy.deepcopy(cell)
            _set_span(clone, below)
            clone.set("class", f"{clone.get('class', '')} {CONTINUED_CLASS}".strip())
            _insert_at_column(target, clone)
            changed = True
    return changed


def _set_span(cell: etree._Element, rows: int) -> None:
    if rows > 1:
        cell.set("rowspan", str(rows))
    elif "rowspan" in cell.attrib:
        del cell.attrib["rowspan"]


def _insert_at_column(tr: etree._Element, cell: etree._Element) -> None:
    col = _int(cell.get("data-col")) or 0
    for position, other in enumerate(tr):
        if (_int(other.get("data-col")) or 0) > col:
            tr.insert(position, cell)
            return
    tr.append(cell)
