"""Where a project table breaks across pages: the PDF layout finds it, the Word file repeats it.

The PDF is laid out by WeasyPrint; Word, WPS and LibreOffice each break the
Word file's tables on their own, with other fonts and row heights, and cannot
repeat the 一级/二级 labels of a merged cell cut by a break. So the Word file
takes its breaks from the PDF layout: each body row of a table carries an
anchor (:func:`row_id`), the page of each anchor tells which rows begin a
page (:func:`table_breaks`), and the Word table is cut before those rows
(:mod:`jixiao.render.word.table`), its merged cells cut and labelled on the
new page as the PDF does (:mod:`jixiao.render.pdf.breaks`).

Rows are grid rows (:class:`~jixiao.render.layout.grid.TableGrid`, head and
caption rows counted), so the HTML's ``data-row`` and the Word rows agree.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

#: The two grids of a project table, in the order they are printed.
GRIDS = ("header", "indicators")

_ROW = re.compile(r"^jx-row-(.+)-(\d+)$")


def row_id(grid: str, row: int) -> str:
    """The ``id`` of body row *row* of the table whose ``data-grid`` is *grid* (``3-indicators``)."""
    return f"jx-row-{grid}-{row}"


def parse_row_id(anchor: str) -> tuple[str, int] | None:
    """(grid key, row) of a :func:`row_id`, else None."""
    found = _ROW.match(anchor)
    return (found.group(1), int(found.group(2))) if found else None


@dataclass(frozen=True)
class TableBreaks:
    """The rows of one project table that begin a new page, per grid (``header``, ``indicators``).

    The first body row of the indicator table is among them when the page
    breaks between the header block and the indicator table.
    """

    header: tuple[int, ...] = ()
    indicators: tuple[int, ...] = ()

    def starts(self, grid: str) -> tuple[int, ...]:
        """The page-starting rows of *grid* (one of :data:`GRIDS`)."""
        return self.header if grid == "header" else self.indicators

    def as_json(self) -> dict[str, list[int]]:
        return {"header": list(self.header), "indicators": list(self.indicators)}

    @classmethod
    def from_json(cls, data: object) -> TableBreaks:
        """From :meth:`as_json` (ValueError when it is not that)."""
        if not isinstance(data, dict):
            raise ValueError("breaks")
        return cls(**{g: tuple(sorted(int(r) for r in data.get(g, ()))) for g in GRIDS})


def table_breaks(anchor_pages: Mapping[str, int]) -> dict[int, TableBreaks]:
    """Table number → its page-starting rows, from the page of every row anchor of a layout."""
    rows: dict[int, list[tuple[int, int, int]]] = {}  # number → (grid order, row, page)
    for anchor, page in anchor_pages.items():
        parsed = parse_row_id(anchor)
        if parsed is None:
            continue
        table, _, grid = parsed[0].partition("-")
        if table.isdigit() and grid in GRIDS:
            rows.setdefault(int(table), []).append((GRIDS.index(grid), parsed[1], page))
    out: dict[int, TableBreaks] = {}
    for number, found in rows.items():
        starts: dict[str, list[int]] = {g: [] for g in GRIDS}
        previous: int | None = None
        for order, row, page in sorted(found):
            if previous is not None and page > previous:
                starts[GRIDS[order]].append(row)
            previous = page
        out[number] = TableBreaks(header=tuple(starts["header"]), indicators=tuple(starts["indicators"]))
    return out
