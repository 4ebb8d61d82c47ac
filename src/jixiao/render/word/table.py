"""A :class:`~jixiao.render.layout.grid.TableGrid` as WordprocessingML (``<w:tbl>``).

Written as XML text directly: docxtpl's ``{% vm %}`` merges a whole loop, not
one 一级/二级 group, so the vertical merges (``w:vMerge`` restart/continue) are
set here cell by cell. Column widths go into both ``w:tblGrid`` (LibreOffice
reads these) and every ``w:tcW`` (Word reads these); the header block and the
indicator table of a project share one grid (see :mod:`jixiao.render.layout.grid`),
so their ``w:gridCol`` lists are identical and their column lines meet. The
column-title row is marked ``w:tblHeader`` so Word repeats it on each page,
and no row may split across pages (``w:cantSplit``). A label the grid broke
into lines is one paragraph with line breaks (``w:br``), like ``<br>`` in the
HTML; text written on several lines is one paragraph per line.
"""

from __future__ import annotations

from xml.sax.saxutils import escape

from markupsafe import Markup

from jixiao.chars import JOINER
from jixiao.model.document import ProjectTable
from jixiao.render.layout.cells import CELL_PADDING_MM
from jixiao.render.layout.grid import Cell, Row, TableGrid, header_grid, indicator_grid
from jixiao.render.layout.linebreak import cell_room_em, protect
from jixiao.render.word.page import TWIPS_PER_MM, twip


def table_markup(table: ProjectTable) -> Markup:
    """The header block and indicator table of *table* as Word XML."""
    return Markup(project_tables_xml(header_grid(table), indicator_grid(table)))

_BORDER = '<w:{side} w:val="single" w:sz="4" w:space="0" w:color="000000"/>'
_NO_BORDER = '<w:{side} w:val="nil"/>'
_SIDES = ("top", "left", "bottom", "right")

#: The cells' left and right margins (the page plan's cell padding, 57 twips).
_PADDING = twip(CELL_PADDING_MM)

#: Paragraph style of table text in the Word templates (表格文字).
TABLE_TEXT_STYLE = "JxTableText"
#: The tiny paragraph between two tables: without it Word and LibreOffice fuse them.
GAP = '<w:p><w:pPr><w:pStyle w:val="JxGap"/><w:spacing w:before="0" w:after="0" w:line="20" w:lineRule="exact"/><w:rPr><w:sz w:val="2"/><w:szCs w:val="2"/></w:rPr></w:pPr></w:p>'


def twips(widths_mm: tuple[float, ...]) -> list[int]:
    """Column widths in twips, rounded so that they add up to the rounded total."""
    total = round(sum(widths_mm) * TWIPS_PER_MM)
    out: list[int] = []
    acc = 0.0
    for w in widths_mm:
        acc += w * TWIPS_PER_MM
        out.append(round(acc) - sum(out))
    out[-1] += total - sum(out)
    return out


def table_xml(grid: TableGrid) -> str:
    """One ``<w:tbl>`` for *grid*."""
    cols = twips(grid.widths_mm)
    borders = "".join(_BORDER.format(side=s) for s in (*_SIDES, "insideH", "insideV"))
    parts = [
        "<w:tbl><w:tblPr>",
        f'<w:tblW w:w="{sum(cols)}" w:type="dxa"/><w:jc w:val="center"/>',
        f"<w:tblBorders>{borders}</w:tblBorders>",
        '<w:tblLayout w:type="fixed"/>',
        f'<w:tblCellMar><w:left w:w="{_PADDING}" w:type="dxa"/><w:right w:w="{_PADDING}" w:type="dxa"/></w:tblCellMar>',
        '<w:tblLook w:val="0000" w:firstRow="0" w:lastRow="0" w:firstColumn="0" w:lastColumn="0"'
        ' w:noHBand="0" w:noVBand="0"/>',
        "</w:tblPr><w:tblGrid>",
        *(f'<w:gridCol w:w="{c}"/>' for c in cols),
        "</w:tblGrid>",
    ]
    for row in grid.rows:
        parts.append(_row(row, cols))
    parts.append("</w:tbl>")
    return "".join(parts)


def _row(row: Row, cols: list[int]) -> str:
    trpr = "<w:cantSplit/>"
    if row.kind == "head":
        trpr += "<w:tblHeader/>"
    if row.kind != "caption":
        trpr += '<w:trHeight w:val="397"/>'
    out = [f"<w:tr><w:trPr>{trpr}</w:trPr>"]
    col = 0
    for cell in row.cells:
        width = sum(cols[col : col + cell.span])
        col += cell.span
        out.append(_cell(cell, width, caption=row.kind == "caption"))
    out.append("</w:tr>")
    return "".join(out)


def _cell(cell: Cell, width: int, *, caption: bool) -> str:
    tcpr = f'<w:tcW w:w="{width}" w:type="dxa"/>'
    if cell.span > 1:
        tcpr += f'<w:gridSpan w:val="{cell.span}"/>'
    if cell.merge == "restart":
        tcpr += '<w:vMerge w:val="restart"/>'
    elif cell.merge == "continue":
        tcpr += "<w:vMerge/>"
    if caption:
        # The unit line sits above the table's frame: only its bottom edge is drawn.
        tcpr += "<w:tcBorders>" + "".join(
            (_BORDER if s == "bottom" else _NO_BORDER).format(side=s) for s in _SIDES
        ) + "</w:tcBorders>"
    tcpr += '<w:vAlign w:val="center"/>'
    if cell.merge == "continue":
        paragraphs = _paragraph([""], cell, width)
    elif cell.printed is not None:
        paragraphs = _paragraph(cell.lines, cell, width)
    else:
        paragraphs = "".join(_paragraph([line], cell, width) for line in cell.lines)
    return f"<w:tc><w:tcPr>{tcpr}</w:tcPr>{paragraphs}</w:tc>"


_JC = {"left": "left", "center": "center", "right": "right"}


def _paragraph(lines: list[str], cell: Cell, width: int) -> str:
    """One paragraph holding *lines*, separated by line breaks, in a cell *width* twips wide."""
    ppr = f'<w:pPr><w:pStyle w:val="{TABLE_TEXT_STYLE}"/><w:jc w:val="{_JC[cell.align]}"/></w:pPr>'
    if not any(lines):
        return f"<w:p>{ppr}</w:p>"
    rpr = "<w:rPr><w:b/><w:bCs/></w:rPr>" if cell.role == "head" else ""
    room = cell_room_em(width / TWIPS_PER_MM)
    # Labels that fit need no joiners; a joiner ending a line (a break jixiao added) is kept.
    shown = lines if cell.keep else [protect(line, room) + JOINER * line.endswith(JOINER) for line in lines]
    runs = "<w:br/>".join(f'<w:t xml:space="preserve">{escape(line)}</w:t>' for line in shown)
    return f"<w:p>{ppr}<w:r>{rpr}{runs}</w:r></w:p>"


def project_tables_xml(header: TableGrid, indicators: TableGrid) -> str:
    """The header block and the indicator table, kept apart by a tiny paragraph.

    A tiny paragraph also follows the indicator table: a Word body must not end
    with a table, and the next heading should not touch it.
    """
    return table_xml(header) + GAP + table_xml(indicators) + GAP
