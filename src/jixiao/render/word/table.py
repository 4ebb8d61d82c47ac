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

Rows are as tall as the PDF's: the page plan's cell padding on all four sides,
its table line height as exact line spacing, its least row height.

**Page breaks are the PDF's** (:mod:`jixiao.render.layout.breaks`): Word,
WPS and LibreOffice each break a table on their own, with other fonts, and
leave a merged cell cut by a break unlabelled on the new page. So where the
PDF layout began a page, the table ends and a new one starts on the next page
(a tiny paragraph with ``w:pageBreakBefore``, which all three honour): it
repeats the column-title row and the 一级/二级 labels of the groups that
continue, as the PDF does. Without a break plan the tables are whole.

The indicator table continues the header block: when both are on one page,
the indicator table draws no top rule (the header block's bottom rule is the
one line between them, as in the PDF).
"""

from __future__ import annotations

from xml.sax.saxutils import escape

from markupsafe import Markup

from jixiao.chars import JOINER
from jixiao.model.document import ProjectTable
from jixiao.model.page import OFFICIAL
from jixiao.render.layout.breaks import TableBreaks
from jixiao.render.layout.grid import Cell, Row, TableGrid, header_grid, indicator_grid
from jixiao.render.layout.linebreak import cell_room_em, office, protect
from jixiao.render.word.page import TWIPS_PER_MM, twip


def table_markup(table: ProjectTable, breaks: TableBreaks | None = None) -> Markup:
    """The header block and indicator table of *table* as Word XML, cut where *breaks* says."""
    return Markup(project_tables_xml(header_grid(table), indicator_grid(table), breaks or TableBreaks()))

_BORDER = '<w:{side} w:val="single" w:sz="4" w:space="0" w:color="000000"/>'
_NO_BORDER = '<w:{side} w:val="nil"/>'
_SIDES = ("top", "left", "bottom", "right")

#: The cells' margins on all four sides (the page plan's cell padding, 57 twips).
_PADDING = twip(OFFICIAL.cell_padding_mm)
#: A row's least height (the page plan's, padding included).
_ROW_HEIGHT = twip(OFFICIAL.table_row_mm)
#: Exact line spacing of table text in twentieths of a point (the PDF's line height: 273).
_LINE = round(OFFICIAL.table_line_pt * 20)

#: Paragraph style of table text in the Word templates (表格文字).
TABLE_TEXT_STYLE = "JxTableText"
#: No extra space between Chinese and Latin letters or digits (on by default in Word, WPS and LibreOffice;
#: the PDF adds none, and a cell sized for 「2025年12月31日」 would wrap).
NO_AUTOSPACE = '<w:autoSpaceDE w:val="0"/><w:autoSpaceDN w:val="0"/>'
_GAP_PPR = ('<w:pStyle w:val="JxGap"/>{extra}<w:spacing w:before="0" w:after="0" w:line="20" w:lineRule="exact"/>'
            '<w:rPr><w:sz w:val="2"/><w:szCs w:val="2"/></w:rPr>')
#: The tiny paragraph between two tables: without it Word and LibreOffice fuse them.
GAP = f"<w:p><w:pPr>{_GAP_PPR.format(extra='')}</w:pPr></w:p>"
#: The same, starting a new page: what the PDF put on the next page follows it.
PAGE_GAP = f"<w:p><w:pPr>{_GAP_PPR.format(extra='<w:pageBreakBefore/>')}</w:pPr></w:p>"


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


def table_xml(grid: TableGrid, rows: tuple[Row, ...] | None = None, *, top_rule: bool = True) -> str:
    """One ``<w:tbl>`` for *grid* (or *rows* on its columns); without *top_rule* its top edge is not drawn."""
    cols = twips(grid.widths_mm)
    borders = "".join((_BORDER if top_rule or s != "top" else _NO_BORDER).format(side=s)
                      for s in (*_SIDES, "insideH", "insideV"))
    margins = "".join(f'<w:{side} w:w="{_PADDING}" w:type="dxa"/>' for side in _SIDES)
    parts = [
        "<w:tbl><w:tblPr>",
        f'<w:tblW w:w="{sum(cols)}" w:type="dxa"/><w:jc w:val="center"/>',
        f"<w:tblBorders>{borders}</w:tblBorders>",
        '<w:tblLayout w:type="fixed"/>',
        f"<w:tblCellMar>{margins}</w:tblCellMar>",
        '<w:tblLook w:val="0000" w:firstRow="0" w:lastRow="0" w:firstColumn="0" w:lastColumn="0"'
        ' w:noHBand="0" w:noVBand="0"/>',
        "</w:tblPr><w:tblGrid>",
        *(f'<w:gridCol w:w="{c}"/>' for c in cols),
        "</w:tblGrid>",
    ]
    for row in grid.rows if rows is None else rows:
        parts.append(_row(row, cols))
    parts.append("</w:tbl>")
    return "".join(parts)


def _row(row: Row, cols: list[int]) -> str:
    trpr = "<w:cantSplit/>"
    if row.kind == "head":
        trpr += "<w:tblHeader/>"
    if row.kind != "caption":
        trpr += f'<w:trHeight w:val="{_ROW_HEIGHT}"/>'
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
        # The unit line sits above the table's frame: only its bottom edge is drawn, close to its text.
        tcpr += "<w:tcBorders>" + "".join(
            (_BORDER if s == "bottom" else _NO_BORDER).format(side=s) for s in _SIDES
        ) + "</w:tcBorders>"
        tcpr += ('<w:tcMar><w:top w:w="0" w:type="dxa"/><w:left w:w="0" w:type="dxa"/>'
                 f'<w:bottom w:w="{_PADDING}" w:type="dxa"/><w:right w:w="0" w:type="dxa"/></w:tcMar>')
    tcpr += '<w:vAlign w:val="bottom"/>' if caption else '<w:vAlign w:val="center"/>'
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
    ppr = (f'<w:pPr><w:pStyle w:val="{TABLE_TEXT_STYLE}"/>{NO_AUTOSPACE}'
           f'<w:spacing w:before="0" w:after="0" w:line="{_LINE}" w:lineRule="exact"/>'
           f'<w:jc w:val="{_JC[cell.align]}"/></w:pPr>')
    if not any(lines):
        return f"<w:p>{ppr}</w:p>"
    rpr = "<w:rPr><w:b/><w:bCs/></w:rPr>" if cell.role == "head" else ""
    room = cell_room_em(width / TWIPS_PER_MM)
    # Labels that fit need no joiners; a joiner ending a line (a break jixiao added) is kept.
    shown = lines if cell.keep else [office(protect(line, room)) + JOINER * line.endswith(JOINER) for line in lines]
    runs = "<w:br/>".join(f'<w:t xml:space="preserve">{escape(line)}</w:t>' for line in shown)
    return f"<w:p>{ppr}<w:r>{rpr}{runs}</w:r></w:p>"


def pages(grid: TableGrid, starts: tuple[int, ...]) -> list[tuple[Row, ...]]:
    """The rows of *grid* on each page when rows *starts* begin a page (one list: no break).

    A page after the first repeats the head rows, and a merged cell that the
    break cuts starts again on the new page with its label (the PDF's cut,
    :mod:`jixiao.render.pdf.breaks`).
    """
    head = tuple(r for r in grid.rows if r.kind == "head")
    cuts = sorted(s for s in set(starts) if first_body(grid) < s < len(grid.rows))
    out: list[tuple[Row, ...]] = []
    bounds = [0, *cuts, len(grid.rows)]
    for first, end in zip(bounds, bounds[1:], strict=False):
        rows = list(grid.rows[first:end])
        if first > 0:
            rows[0] = _relabelled(grid.rows, first)
            rows = [*head, *rows] if rows[0].kind != "head" else rows
        out.append(tuple(rows))
    return [rows for rows in out if rows]


def first_body(grid: TableGrid) -> int:
    """Index of the first body row of *grid* (a break before it is a break before the table)."""
    return next((i for i, r in enumerate(grid.rows) if r.kind == "body"), len(grid.rows))


def _relabelled(rows: tuple[Row, ...], index: int) -> Row:
    """Row *index* with each merged cell that continues into it from above starting again, labelled."""
    open_cells: dict[int, Cell] = {}
    for row in rows[:index]:
        col = 0
        for cell in row.cells:
            if cell.merge == "restart":
                open_cells[col] = cell
            elif cell.merge is None:
                open_cells.pop(col, None)
            col += cell.span
    following = rows[index + 1] if index + 1 < len(rows) else None
    cells: list[Cell] = []
    col = 0
    for cell in rows[index].cells:
        label = open_cells.get(col)
        if cell.merge == "continue" and label is not None:
            goes_on = following is not None and _merge_at(following, col) == "continue"
            cell = Cell(label.text, span=cell.span, merge="restart" if goes_on else None,
                        rows=label.rows, role=label.role, align=label.align, printed=label.printed, keep=label.keep)
        cells.append(cell)
        col += cell.span
    return Row(tuple(cells), kind=rows[index].kind)


def _merge_at(row: Row, col: int) -> str | None:
    at = 0
    for cell in row.cells:
        if at == col:
            return cell.merge
        at += cell.span
    return None


def project_tables_xml(header: TableGrid, indicators: TableGrid, breaks: TableBreaks | None = None) -> str:
    """The header block and the indicator table, each cut into one table per page where *breaks* says.

    Tables on one page are kept apart by a tiny paragraph; a table that starts
    a page follows a tiny paragraph that starts it. A tiny paragraph also
    follows the indicator table: a Word body must not end with a table, and
    the next heading should not touch it.
    """
    plan = breaks or TableBreaks()
    out: list[str] = []
    for grid, starts in ((header, plan.header), (indicators, plan.indicators)):
        for i, rows in enumerate(pages(grid, starts)):
            new_page = i > 0 or (grid is indicators and first_body(grid) in starts)
            if out:
                out.append(PAGE_GAP if new_page else GAP)
            out.append(table_xml(grid, rows, top_rule=new_page or grid is header))
    out.append(GAP)
    return "".join(out)
