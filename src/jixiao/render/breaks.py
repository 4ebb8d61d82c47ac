"""Page breaks in a laid-out PDF: where each table is, and merged cells cut by a break.

WeasyPrint draws a ``rowspan`` cell that crosses a page break badly: the label
stays at the top of the first part, the cell's bottom edge is not drawn on the
first page and the second page shows an empty, unlabelled stretch. Word, the
other output, keeps rows whole (``cantSplit``) and so do we (``break-inside:
avoid`` on rows), which means a break always falls *between* two rows.

So after a layout, :func:`scan` finds for each table (``data-grid``) the first
body row of every page after its first one, and :func:`split_merged` cuts each
merged cell that spans such a row into two merged cells, one per page, the
second repeating the label (class ``jx-continued``). Every part of the merged
cell then is a real cell closed on its page, labelled and vertically centred.
The caller lays the document out again; as each project table starts on a new
page, the cut changes nothing outside its own table.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import lxml.html
from lxml import etree
from weasyprint.formatting_structure import boxes

#: Class of the second part of a merged cell cut at a page break.
CONTINUED_CLASS = "jx-continued"


@dataclass
class PageScan:
    """What :func:`scan` found in the pages of one layout."""

    #: Table number (``data-table`` of its section) → page indexes it appears on.
    sections: dict[int, list[int]] = field(default_factory=dict)
    #: Table number → its title (``data-title``).
    titles: dict[int, str] = field(default_factory=dict)
    #: Grid key (``data-grid``) → body row indexes (``data-row``) that begin a page
    #: other than the table's first one.
    page_starts: dict[str, set[int]] = field(default_factory=dict)
    #: Grid key → number of the table section it is in.
    grid_tables: dict[str, int] = field(default_factory=dict)


def scan(pages: Sequence[Any]) -> PageScan:
    """Walk the box tree of each WeasyPrint page (``Page._page_box``)."""
    found = PageScan()
    first_page: dict[str, int] = {}
    for index, page in enumerate(pages):
        rows: dict[str, list[int]] = {}
        section: int | None = None
        for box, grid, in_head in _walk(page._page_box, None, False):
            element = box.element
            table = _int(element.get("data-table")) if element is not None else None
            if table is not None and element.tag == "section":
                section = table
                pages_of = found.sections.setdefault(table, [])
                if not pages_of or pages_of[-1] != index:
                    pages_of.append(index)
                found.titles.setdefault(table, element.get("data-title") or "")
            if grid is not None and section is not None:
                found.grid_tables.setdefault(grid, section)
            if isinstance(box, boxes.TableRowBox) and grid is not None and not in_head:
                row = _int(element.get("data-row"))
                if row is not None:
                    rows.setdefault(grid, []).append(row)
        for grid, numbers in rows.items():
            if grid in first_page:
                found.page_starts.setdefault(grid, set()).add(min(numbers))
            else:
                first_page[grid] = index
    return found


def _walk(box: Any, grid: str | None, in_head: bool) -> Iterator[tuple[Any, str | None, bool]]:
    element = box.element
    if element is not None and isinstance(box, boxes.TableBox):
        grid = element.get("data-grid") or grid
    if isinstance(box, boxes.TableRowGroupBox):
        in_head = bool(box.is_header) or (element is not None and element.tag == "thead")
    yield box, grid, in_head
    for child in getattr(box, "children", ()):
        if isinstance(child, boxes.Box):
            yield from _walk(child, grid, in_head)


def _int(value: str | None) -> int | None:
    if value is None or not value.strip().isdigit():
        return None
    return int(value)


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


def only_sections(html: str, sides: Mapping[int, str]) -> str:
    """*html* with only the table sections in *sides*, each starting on a page of that side.

    *sides* maps a table number to ``"left"`` or ``"right"``: the side of the
    page the table starts on in the full layout, so that page-side rules of a
    style sheet apply alike. An empty first page stands in for the title page.
    """
    root = lxml.html.document_fromstring(html)
    body = root.find("body")
    if body is None:
        raise ValueError("no <body>")
    kept = [el for el in body if el.tag == "section" and _int(el.get("data-table")) in sides]
    for el in list(body):
        body.remove(el)
    body.text = None
    body.append(etree.Element("div", {"class": "jx-placeholder"}))
    for el in kept:
        side = sides[_int(el.get("data-table")) or 0]
        el.set("style", f"{el.get('style', '')}; break-before: {side}".lstrip("; "))
        el.tail = "\n"
        body.append(el)
    out: str = lxml.html.tostring(root, encoding="unicode", doctype="<!DOCTYPE html>")
    return out
