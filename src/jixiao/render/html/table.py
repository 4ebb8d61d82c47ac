"""A project's tables as HTML, drawn from the shared grid (:mod:`jixiao.render.layout.grid`).

Table markup carries what the PDF layout needs to repair vertically merged
cells at page breaks (see :mod:`jixiao.render.pdf.breaks`): ``data-grid`` on
each table, ``data-row`` (the grid row index) on each row, an ``id`` on each
body row (its page is then one of WeasyPrint's page anchors) and ``data-col``
(the first grid column) on each cell. A label whose printed lines each fit their
cell has class ``jx-keep`` (the style sheet does not wrap it again). A row
followed by more rows of its 二级 group has class ``jx-with-next``: the style
sheet keeps a group on one page where it fits.
"""

from __future__ import annotations

from markupsafe import Markup, escape

from jixiao.chars import JOINER
from jixiao.model.document import ProjectTable
from jixiao.render.layout.grid import (
    TEXT_WIDTH_MM,
    Cell,
    Row,
    TableGrid,
    header_grid,
    indicator_grid,
)
from jixiao.render.layout.linebreak import cell_room_em, protect
from jixiao.render.pdf.breaks import row_id


def table_markup(table: ProjectTable) -> Markup:
    """The header block and the indicator table of *table* as HTML."""
    header = grid_html(header_grid(table), key=f"{table.number}-header", kind="header")
    indicators = grid_html(indicator_grid(table), key=f"{table.number}-indicators", kind="indicators")
    return Markup(header + "\n" + indicators)


def grid_html(grid: TableGrid, *, key: str, kind: str) -> str:
    """One ``<table>`` for *grid*: column widths in mm, merged cells as ``rowspan``.

    Head rows go into ``<thead>`` (repeated on every page), the others into one
    ``<tbody>``.
    """
    width = grid.width_mm
    style = "" if abs(width - TEXT_WIDTH_MM) < 0.01 else f' style="width: {width:.3f}mm"'
    out = [f'<table class="jx-grid jx-{kind}" data-grid="{escape(key)}"{style}>', "<colgroup>"]
    out += [f'<col style="width: {w:.3f}mm">' for w in grid.widths_mm]
    out.append("</colgroup>")
    head = [(i, r) for i, r in enumerate(grid.rows) if r.kind == "head"]
    body = [(i, r) for i, r in enumerate(grid.rows) if r.kind != "head"]
    if head:
        out += ["<thead>", *(_row(i, r, grid.widths_mm) for i, r in head), "</thead>"]
    out += ["<tbody>", *(_row(i, r, grid.widths_mm, row_id(key, i), with_next=_group_goes_on(grid, i))
                         for i, r in body),
            "</tbody>", "</table>"]
    return "\n".join(out)


def _group_goes_on(grid: TableGrid, index: int) -> bool:
    """Does the row after *index* continue the innermost merged label (二级) of row *index*'s group?"""
    if index + 1 >= len(grid.rows):
        return False
    levels = [c for c in grid.rows[index + 1].cells if c.role == "level"]
    return bool(levels) and levels[-1].merge == "continue"


def _row(index: int, row: Row, widths: tuple[float, ...], anchor: str | None = None, *,
         with_next: bool = False) -> str:
    cells = []
    col = 0
    for cell in row.cells:
        if cell.merge != "continue":  # covered by the rowspan of the cell above
            cells.append(_cell(cell, col, sum(widths[col : col + cell.span]), head=row.kind == "head"))
        col += cell.span
    ident = f' id="{escape(anchor)}"' if anchor is not None else ""
    kind = f"jx-{row.kind} jx-with-next" if with_next else f"jx-{row.kind}"
    return f'<tr{ident} class="{kind}" data-row="{index}">{"".join(cells)}</tr>'


def _cell(cell: Cell, col: int, width_mm: float, *, head: bool) -> str:
    tag = "th" if head else "td"
    keep = " jx-keep" if cell.keep else ""
    attrs = f' data-col="{col}" class="jx-{cell.role} jx-{cell.align}{keep}"'
    if cell.span > 1:
        attrs += f' colspan="{cell.span}"'
    if cell.merge == "restart" and cell.rows > 1:
        attrs += f' rowspan="{cell.rows}"'
    # Lines that fit (labels) print as they are; running text gets its joiners.
    room = cell_room_em(width_mm)
    text = Markup("<br>").join(
        escape(line if cell.keep else protect(line, room) + JOINER * line.endswith(JOINER)) for line in cell.lines)
    return f"<{tag}{attrs}>{text}</{tag}>"
