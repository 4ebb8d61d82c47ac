"""The 审核表 as a workbook: the form, every finding with its place, the reminders, the grading.

Codes are text cells (formatted ``@``), 预算数 a number in the document's money unit,
counts are numbers. The bytes are the same for the same findings
(:func:`jixiao.render.xlsx.package.deterministic`).
"""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from typing import Any

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from jixiao.checks.base import LEVEL_LABEL
from jixiao.checks.categories import CATEGORIES
from jixiao.checks.review.form import ReviewForm, grades_note, numbered, problem_text
from jixiao.render.xlsx.package import deterministic

_THIN = Side(style="thin")
_BOX = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_FONT = Font(name="宋体", size=10.5)
_BOLD = Font(name="宋体", size=10.5, bold=True)
_TITLE = Font(name="宋体", size=16, bold=True)
_WRAP = Alignment(vertical="top", wrap_text=True)
_CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)


def _clean(value: Any) -> Any:
    return ILLEGAL_CHARACTERS_RE.sub("", value) if isinstance(value, str) else value


def _row(ws: Worksheet, r: int, values: list[Any], *, bold: bool = False, text_cols: tuple[int, ...] = (),
         center: tuple[int, ...] = ()) -> None:
    for c, value in enumerate(values, 1):
        cell = ws.cell(row=r, column=c, value=_clean(value))
        cell.font = _BOLD if bold else _FONT
        cell.border = _BOX
        cell.alignment = _CENTER if bold or c in center else _WRAP
        if c in text_cols:
            cell.number_format = "@"


def _widths(ws: Worksheet, widths: list[float]) -> None:
    for i, w in enumerate(widths, 1):
        ws.column_dimensions[get_column_letter(i)].width = w


def _page(ws: Worksheet, header_row: int) -> None:
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = f"{header_row}:{header_row}"
    ws.freeze_panes = ws.cell(row=header_row + 1, column=1)


def _amount(text: str) -> Decimal | str:
    try:
        return Decimal(text) if text else ""
    except ArithmeticError:
        return text


def _form_sheet(ws: Worksheet, form: ReviewForm) -> None:
    cats = list(CATEGORIES)
    head = ["序号", "项目编码", "项目名称", "单位", f"预算数（{form.money_unit}）", *cats, "错误", "警告", "评级"]
    width = len(head)
    ws.cell(row=1, column=1, value=form.title).font = _TITLE
    ws.cell(row=1, column=1).alignment = _CENTER
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
    ws.row_dimensions[1].height = 30
    _row(ws, 2, head, bold=True)
    places = "0.00" if form.money_unit == "万元" else "0"
    for i, e in enumerate(form.entries, 1):
        r = i + 2
        by_cat = e.by_category()
        counts = e.counts()
        values: list[Any] = [i, e.code, e.name, e.unit, _amount(e.budget), *(numbered(by_cat[c]) for c in cats),
                             counts["error", ""], counts["warning", ""], e.grade]
        _row(ws, r, values, text_cols=(2,), center=(1, 5, width - 2, width - 1, width))
        ws.cell(row=r, column=5).number_format = places
    r = len(form.entries) + 4
    ws.cell(row=r, column=1, value="评级：" + "；".join(grades_note(form.grading))).font = _FONT
    ws.cell(row=r, column=1).alignment = _WRAP
    ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=width)
    ws.row_dimensions[r].height = 45
    ws.cell(row=r + 2, column=1, value="审核人：").font = _FONT
    ws.cell(row=r + 2, column=6, value="复核人：").font = _FONT
    ws.cell(row=r + 2, column=10, value="审核日期：    年  月  日").font = _FONT
    _widths(ws, [6, 24, 24, 18, 12, *([36] * len(cats)), 7, 7, 7])
    _page(ws, 2)


def _findings_sheet(ws: Worksheet, form: ReviewForm) -> None:
    _row(ws, 1, ["序号", "项目编码", "项目名称", "类别", "规则", "级别", "位置（文件:行:列）", "所在栏目", "审核意见", "修改建议"],
         bold=True)
    for i, (e, f, where) in enumerate(form.places, 1):
        _row(ws, i + 1, [i, e.code, e.name, f.category, f.rule, LEVEL_LABEL[f.level], where, f.field or "",
                         f.message, f.hint or ""], text_cols=(2, 7), center=(1, 4, 5, 6))
    _widths(ws, [6, 24, 22, 10, 8, 6, 40, 12, 50, 50])
    _page(ws, 1)


def _reminders_sheet(ws: Worksheet, form: ReviewForm) -> None:
    _row(ws, 1, ["编号", "类别", "审核要点", "审核意见表述", "修改建议", "规则包"], bold=True)
    for i, m in enumerate(form.reminders, 2):
        _row(ws, i, [m.id, m.category, m.title, m.message, m.hint or "", m.pack], text_cols=(1,), center=(2,))
    _widths(ws, [10, 10, 28, 50, 40, 16])
    _page(ws, 1)


def _grading_sheet(ws: Worksheet, form: ReviewForm) -> None:
    _row(ws, 1, ["评级", "含义", "条件（满足任一条）"], bold=True)
    for i, g in enumerate(form.grading.grades, 2):
        when = "；".join(f"{c.category + ' ' if c.category else ''}{c.level} ≥ {c.least} 条" for c in g.any_of) or "不满足以上各级的条件"
        _row(ws, i, [g.name, g.meaning, when], center=(1,))
    _widths(ws, [8, 60, 40])


def review_workbook(form: ReviewForm, *, when: dt.datetime, author: str) -> bytes:
    """The 审核表 workbook's bytes."""
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "审核表"
    _form_sheet(ws, form)
    _findings_sheet(wb.create_sheet("问题清单"), form)
    if form.reminders:
        _reminders_sheet(wb.create_sheet("人工审核要点"), form)
    _grading_sheet(wb.create_sheet("评级规则"), form)
    buf = io.BytesIO()
    wb.save(buf)
    return deterministic(buf.getvalue(), title=form.title, author=author, when=when)


__all__ = ["problem_text", "review_workbook"]
