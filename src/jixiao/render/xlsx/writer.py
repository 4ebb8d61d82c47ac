"""Write the department's workbook in a 工作簿布局, from the document model only.

Cells carry real Excel types: every text (codes, long digit strings, ``=100%``)
is a string cell, amounts are numbers in the layout's money unit with the number
of decimals the unit prints, 权重 and split 指标值 figures are numbers. Sheets
get merged cells, wrapping, column widths, a font, A4 page setup and (flat
sheets) a repeated title row. The bytes are the same for the same document
(:mod:`jixiao.render.xlsx.package`).
"""

from __future__ import annotations

import datetime as dt
import io
import math
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Border, Font, NamedStyle, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.cell_range import CellRange
from openpyxl.worksheet.merge import MergedCellRange
from openpyxl.worksheet.worksheet import Worksheet

from jixiao.model.document import Document, IndicatorRow, ProjectTable
from jixiao.model.fields import BLANK_ZERO, FIELDS, FIGURE, Field
from jixiao.model.money import MoneyUnit
from jixiao.model.workbook import ColumnSpec, SheetSpec, WorkbookLayoutSpec
from jixiao.render.xlsx.package import deterministic, sheet_names
from jixiao.render.xlsx.rows import workbook_rows

_THIN = Side(style="thin")
_BOX = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
#: Default column widths (Excel character units) by field.
_WIDTHS = {
    "一级指标": 10, "二级指标": 14, "三级指标": 20, "绩效指标描述": 30, "指标解释": 34, "指标值说明": 34,
    "指标值": 14, "计算符号": 8, "计量单位": 9, "指标值确定依据": 16, "权重": 7, "指标方向性": 10,
    "项目编码": 24, "项目名称": 24, "单位名称": 20, "年度目标": 40, "绩效目标": 40, "政策依据": 36, "测算依据": 36,
    "实施期目标": 36, "长期目标": 36, "资金用途": 30, "序号": 6,
}
SPLIT_COLUMNS = frozenset({"计算符号", "计量单位"})


class _Writer:
    """Per-workbook state: the layout, money units and the cell styles."""

    def __init__(self, doc: Document, layout: WorkbookLayoutSpec, wb: Workbook) -> None:
        self.doc = doc
        self.layout = layout
        self.unit: MoneyUnit = layout.money_unit or doc.money_unit
        self.font = Font(name=layout.font, size=layout.font_size)
        self.bold = Font(name=layout.font, size=layout.font_size, bold=True)
        # Named styles: one style record each, set on a cell by name (setting fonts, borders and
        # alignments cell by cell makes openpyxl compare style objects hundreds of thousands of times).
        for name, font, align in (("jx-center", self.font, "center"), ("jx-left", self.font, "left"),
                                  ("jx-label", self.bold, "center")):
            wb.add_named_style(NamedStyle(name=name, font=font, border=_BOX,
                                          alignment=Alignment(horizontal=align, vertical="center", wrap_text=True)))

    # --- values -------------------------------------------------------------------------

    def amount(self, value: Decimal | None) -> Decimal | None:
        """*value* (in the document's unit) in the workbook's unit."""
        if value is None:
            return None
        if self.doc.money_unit == self.unit:
            return value
        return value * 10000 if self.unit == "元" else value / 10000

    def put(self, ws: Worksheet, row: int, col: int, name: str, field: Field, t: ProjectTable,
            r: IndicatorRow | None, *, bold: bool = False, align: str = "center") -> None:
        """Write field *name* of *t* (and row *r*) into a cell, typed and styled."""
        value = field.get(t, r)
        cell = ws.cell(row=row, column=col)
        self.style(cell, bold=bold, align=align)  # first: a named style resets the number format
        if field.kind == "amount":
            amount = self.amount(value)
            if amount is None or (amount == 0 and name in BLANK_ZERO):
                cell.value = None
            else:
                cell.value = amount
                cell.number_format = _decimals_format(amount, 2 if self.unit == "万元" else 0)
        elif field.kind == "number":
            cell.value = value
        elif field.kind == "figure" and r is not None and r.sign in ("≥", "＞", "＝", "＜", "≤"):
            number = Decimal(r.figure)
            cell.value = number
            cell.number_format = _decimals_format(number, 0)
        else:
            self.text(cell, "" if value is None else str(value))
            if field.kind == "code":
                cell.number_format = "@"

    def text(self, cell: Any, text: str) -> None:
        """A string cell (never a formula, never a number)."""
        cell.value = ILLEGAL_CHARACTERS_RE.sub("", text) if text else None
        if text:
            cell.data_type = "s"

    def style(self, cell: Any, *, bold: bool = False, align: str = "center") -> None:
        cell.style = "jx-label" if bold else "jx-left" if align == "left" else "jx-center"

    def label(self, ws: Worksheet, row: int, col: int, text: str) -> None:
        cell = ws.cell(row=row, column=col)
        self.text(cell, text)
        self.style(cell, bold=True)

    def box(self, ws: Worksheet, row: int, first: int, last: int, bottom: int | None = None) -> None:
        """Borders on every cell of a range about to be merged, then merge it."""
        bottom = bottom or row
        for rr in range(row, bottom + 1):
            for cc in range(first, last + 1):
                if (rr, cc) != (row, first):
                    ws.cell(row=rr, column=cc).style = "jx-center"
        if last > first or bottom > row:
            _merge(ws, start_row=row, start_column=first, end_row=bottom, end_column=last)

    def field(self, column: ColumnSpec, split: bool) -> Field:
        if column.field == "指标值" and split:
            return FIGURE
        return FIELDS[column.field]

    # --- 分表 -------------------------------------------------------------------------

    def project_sheet(self, ws: Worksheet, t: ProjectTable) -> None:
        lay = self.layout
        n = len(lay.columns)
        split = any(c.field in SPLIT_COLUMNS for c in lay.columns)
        row = 1
        if lay.title:
            cell = ws.cell(row=row, column=1)
            self.text(cell, _fill(lay.title, t))
            cell.font = Font(name=lay.font, size=lay.font_size + 4, bold=True)
            cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
            _merge(ws, start_row=row, start_column=1, end_row=row, end_column=n)
            row += 1
        if lay.unit_line:
            cell = ws.cell(row=row, column=1)
            self.text(cell, f"单位：{self.unit}")
            cell.font = self.font
            cell.alignment = Alignment(horizontal="right", vertical="center")
            _merge(ws, start_row=row, start_column=1, end_row=row, end_column=n)
            row += 1
        for pair in lay.header:
            if len(pair) == 1:
                self.label(ws, row, 1, pair[0].title)
                self.put(ws, row, 2, pair[0].field, FIELDS[pair[0].field], t, None, align="left")
                self.box(ws, row, 2, n)
            else:
                h = pair[1].position - 1 if pair[1].position else max(2, (n + 1) // 2)
                self.label(ws, row, 1, pair[0].title)
                self.put(ws, row, 2, pair[0].field, FIELDS[pair[0].field], t, None)
                self.box(ws, row, 2, h)
                self.label(ws, row, h + 1, pair[1].title)
                self.put(ws, row, h + 2, pair[1].field, FIELDS[pair[1].field], t, None)
                self.box(ws, row, h + 2, n)
            row += 1
        for c, column in enumerate(lay.columns, 1):
            self.label(ws, row, c, column.title)
        row += 1
        first = row
        rows = workbook_rows(t, all_level2=lay.all_level2)
        for r in rows:
            for c, column in enumerate(lay.columns, 1):
                align = "left" if column.field in ("绩效指标描述", "指标解释", "指标值说明", "三级指标") else "center"
                self.put(ws, row, c, column.field, self.field(column, split), t, r, align=align)
            row += 1
        self.merge_runs(ws, first, rows, lay.columns, lay.merged)
        for note in lay.footnotes:
            cell = ws.cell(row=row, column=1)
            self.text(cell, _fill(note, t))
            cell.font = self.font
            cell.alignment = Alignment(horizontal="left", vertical="center", wrap_text=True)
            _merge(ws, start_row=row, start_column=1, end_row=row, end_column=n)
            row += 1
        self.widths(ws, lay.columns)
        labels = [c.title for pair in lay.header for c in pair]
        if labels:  # the label column holds the header labels on at most two lines
            need = min(18.0, max(len(x) for x in labels) + 1.0)
            first = ws.column_dimensions["A"]
            first.width = max(first.width or 0, need)
        self.heights(ws)
        self.page(ws, landscape=False)

    def merge_runs(self, ws: Worksheet, first: int, rows: Sequence[IndicatorRow], columns: Sequence[ColumnSpec],
                   merged: Sequence[str]) -> None:
        """Merge equal consecutive cells of the *merged* columns (二级 only within one 一级)."""
        for c, column in enumerate(columns, 1):
            if column.field not in merged:
                continue
            keys = [_merge_key(r, column.field) for r in rows]
            start = 0
            for i in range(1, len(rows) + 1):
                if i == len(rows) or keys[i] != keys[start]:
                    if i - 1 > start:
                        _merge(ws, start_row=first + start, start_column=c, end_row=first + i - 1, end_column=c)
                    start = i

    # --- 清单 -------------------------------------------------------------------------

    def flat_sheet(self, ws: Worksheet, sheet: SheetSpec, tables: Iterable[ProjectTable]) -> None:
        split = any(c.field in SPLIT_COLUMNS for c in sheet.columns)
        for c, column in enumerate(sheet.columns, 1):
            self.label(ws, 1, c, column.title)
        row = 2
        for t in tables:
            items: list[IndicatorRow | None] = (
                [None] if sheet.per_row == "项目" else list(workbook_rows(t, all_level2=self.layout.all_level2))
            )
            for k, r in enumerate(items):
                for c, column in enumerate(sheet.columns, 1):
                    field = self.field(column, split)
                    if field.level == "project" and sheet.first_row_only and k > 0:
                        self.style(ws.cell(row=row, column=c))
                        continue
                    align = "left" if column.field in _WIDE else "center"
                    self.put(ws, row, c, column.field, field, t, r, align=align)
                row += 1
        ws.freeze_panes = "A2"
        ws.print_title_rows = "1:1"
        self.widths(ws, sheet.columns)
        self.heights(ws)
        self.page(ws, landscape=True)

    def widths(self, ws: Worksheet, columns: Sequence[ColumnSpec]) -> None:
        for c, column in enumerate(columns, 1):
            ws.column_dimensions[get_column_letter(c)].width = column.width or _WIDTHS.get(column.field, 12)

    def heights(self, ws: Worksheet) -> None:
        """Row heights for the wrapped texts (Excel and LibreOffice keep a stored height as it is)."""
        spans: dict[tuple[int, int], tuple[int, int]] = {}
        for merged in ws.merged_cells.ranges:
            spans[(merged.min_row, merged.min_col)] = (merged.max_col, merged.max_row - merged.min_row + 1)
        widths = {c: ws.column_dimensions[get_column_letter(c)].width or 12 for c in range(1, ws.max_column + 1)}
        lines: dict[int, float] = {}
        for row in ws.iter_rows():
            for cell in row:
                if cell.value is None or not isinstance(cell.value, str):
                    continue
                last, tall = spans.get((cell.row, cell.column), (cell.column, 1))
                width = sum(widths.get(c, 12) for c in range(cell.column, last + 1))
                need = sum(_text_lines(line, width) for line in cell.value.split("\n"))
                lines[cell.row] = max(lines.get(cell.row, 1), need / tall)
        line = self.layout.font_size * 1.45
        for r, n in lines.items():
            if n > 1:
                ws.row_dimensions[r].height = round(n * line + 4, 1)

    def page(self, ws: Worksheet, *, landscape: bool) -> None:
        ws.page_setup.paperSize = ws.PAPERSIZE_A4
        ws.page_setup.orientation = "landscape" if landscape else "portrait"
        ws.page_setup.fitToWidth = 1
        ws.page_setup.fitToHeight = 0
        ws.sheet_properties.pageSetUpPr.fitToPage = True
        ws.print_options.horizontalCentered = True


_WIDE = frozenset({"绩效指标描述", "指标解释", "指标值说明", "三级指标", "年度目标", "绩效目标", "政策依据", "测算依据",
                   "实施期目标", "长期目标", "资金用途", "项目名称"})


def _merge(ws: Worksheet, *, start_row: int, start_column: int, end_row: int, end_column: int) -> None:
    """Merge a range whose cells are already styled (``Worksheet.merge_cells`` would restyle its edges,
    which costs more than writing the whole sheet)."""
    bounds = CellRange(min_col=start_column, min_row=start_row, max_col=end_column, max_row=end_row)
    ws.merged_cells.add(MergedCellRange(ws, bounds.coord))
    for r in range(start_row, end_row + 1):  # a merged cell shows only its first cell's value
        for c in range(start_column, end_column + 1):
            if (r, c) != (start_row, start_column):
                ws.cell(row=r, column=c).value = None


def _text_lines(text: str, width: float) -> int:
    """Lines *text* takes in a cell *width* characters wide (a CJK character is two)."""
    units = sum(2.0 if ord(ch) > 0x2E7F else 1.1 for ch in text)
    room = max(width - 1.5, 2.0)
    return max(1, math.ceil(units / room))


def _merge_key(r: IndicatorRow, name: str) -> tuple[str, ...]:
    """Cells merge while this is equal: 一级; 二级 within its 一级; another column within its 二级."""
    if name == "一级指标":
        return (r.level1,)
    if name == "二级指标":
        return (r.level1, r.level2)
    return (r.level1, r.level2, str(FIELDS[name].get(None, r)))  # type: ignore[arg-type]


def _decimals_format(number: Decimal, at_least: int) -> str:
    exponent = number.as_tuple().exponent
    places = max(at_least, -exponent if isinstance(exponent, int) and exponent < 0 else 0)
    return "0" if places == 0 else "0." + "0" * places


def _fill(pattern: str, t: ProjectTable) -> str:
    """A title or sheet-name pattern with {序号} {项目名称} {项目编码} {单位名称} filled in."""
    values = {"序号": str(t.number), "项目名称": t.name, "项目编码": t.code or "", "单位名称": t.unit_name}
    out = pattern
    for key, value in values.items():
        out = out.replace("{" + key + "}", value)
    return out


def workbook_bytes(doc: Document, layout: WorkbookLayoutSpec, tables: Sequence[ProjectTable], when: dt.datetime) -> bytes:
    """The workbook of *tables* in *layout*, as deterministic .xlsx bytes."""
    wb = workbook_object(doc, layout, tables)
    buf = io.BytesIO()
    wb.save(buf)
    return deterministic(buf.getvalue(), title=doc.title, author=doc.department, when=when)


def workbook_object(doc: Document, layout: WorkbookLayoutSpec, tables: Sequence[ProjectTable]) -> Workbook:
    """The workbook of *tables* in *layout*, in memory (what :func:`workbook_bytes` saves)."""
    wb = Workbook()
    writer = _Writer(doc, layout, wb)
    wb.remove(wb.active)
    if layout.shape == "分表":
        names = sheet_names([_fill(layout.sheet_name, t) for t in tables])
        for t, name in zip(tables, names, strict=True):
            writer.project_sheet(wb.create_sheet(name), t)
    else:
        for sheet, name in zip(layout.sheets, sheet_names([s.name for s in layout.sheets]), strict=True):
            writer.flat_sheet(wb.create_sheet(name), sheet, tables)
    if not wb.sheetnames:
        wb.create_sheet("Sheet1")
    return wb
