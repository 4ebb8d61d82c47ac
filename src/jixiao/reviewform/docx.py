"""The 审核表 as a Word document (A4 landscape): the form, then the findings with their places.

Built with python-docx (docxtpl's own library); zipped again with fixed times and the
spec's date (:func:`jixiao.render.word.package.write_package`), so the bytes repeat.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile

from docx import Document as new_document
from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

from jixiao.chars import NOT_PRINTABLE
from jixiao.checks.base import LEVEL_LABEL
from jixiao.checks.categories import CATEGORIES
from jixiao.checks.review.form import ReviewForm, grades_note, numbered
from jixiao.render.word.package import core_properties, write_package

_FONT = "宋体"


def _text(value: object) -> str:
    return NOT_PRINTABLE.sub("", str(value))


def _font(run: object, size: float, *, bold: bool = False) -> None:
    r = run
    r.font.size = Pt(size)  # type: ignore[attr-defined]
    r.font.bold = bold  # type: ignore[attr-defined]
    r.font.name = _FONT  # type: ignore[attr-defined]
    rpr = r._element.get_or_add_rPr()  # type: ignore[attr-defined]
    rpr.get_or_add_rFonts().set(qn("w:eastAsia"), _FONT)


def _cell(cell: object, text: str, *, bold: bool = False, center: bool = False, size: float = 9) -> None:
    paragraph = cell.paragraphs[0]  # type: ignore[attr-defined]
    for i, line in enumerate(_text(text).split("\n")):
        if i:
            paragraph = cell.add_paragraph()  # type: ignore[attr-defined]
        if center:
            paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        _font(paragraph.add_run(line), size, bold=bold)


def _table(doc: object, head: list[str], rows: list[list[str]], widths: list[float], center: set[int]) -> None:
    table = doc.add_table(rows=1, cols=len(head))  # type: ignore[attr-defined]
    table.style = "Table Grid"
    table.autofit = False
    for i, label in enumerate(head):
        _cell(table.rows[0].cells[i], label, bold=True, center=True)
    for values in rows:
        cells = table.add_row().cells
        for i, value in enumerate(values):
            _cell(cells[i], value, center=i in center)
    for i, w in enumerate(widths):
        table.columns[i].width = Cm(w)
    for row in table.rows:
        for i, w in enumerate(widths):
            row.cells[i].width = Cm(w)
    tr_pr = table.rows[0]._tr.get_or_add_trPr()
    header = tr_pr.makeelement(qn("w:tblHeader"), {})
    tr_pr.append(header)


def _paragraph(doc: object, text: str, size: float, *, bold: bool = False, center: bool = False) -> None:
    p = doc.add_paragraph()  # type: ignore[attr-defined]
    if center:
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _font(p.add_run(_text(text)), size, bold=bold)


def review_docx(form: ReviewForm, *, when: dt.datetime, author: str) -> bytes:
    """The 审核表 Word document's bytes."""
    doc = new_document()
    section = doc.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Cm(29.7), Cm(21.0)
    for side in ("left_margin", "right_margin"):
        setattr(section, side, Cm(1.8))
    section.top_margin = section.bottom_margin = Cm(2.0)
    _paragraph(doc, form.title, 16, bold=True, center=True)
    _paragraph(doc, f"金额单位：{form.money_unit}", 10)
    cats = list(CATEGORIES)
    rows = [[str(i), f"{e.name}\n{e.code}" if e.code else e.name, e.budget,
             *(numbered(e.by_category()[c]) for c in cats), e.grade]
            for i, e in enumerate(form.entries, 1)]
    _table(doc, ["序号", "项目名称及编码", "预算数", *cats, "评级"], rows,
           [1.0, 4.2, 1.7, *([2.9] * len(cats)), 1.0], {0, 2, len(cats) + 3})
    _paragraph(doc, "评级：" + "；".join(grades_note(form.grading)), 9)
    _paragraph(doc, "审核人：                    复核人：                    审核日期：    年  月  日", 10)
    doc.add_page_break()  # type: ignore[no-untyped-call]
    _paragraph(doc, "问题清单", 14, bold=True, center=True)
    places = [[str(i), e.name, f.category, f.rule, LEVEL_LABEL[f.level], where, f.message, f.hint or ""]
              for i, (e, f, where) in enumerate(form.places, 1)]
    _table(doc, ["序号", "项目名称", "类别", "规则", "级别", "位置（文件:行:列）", "审核意见", "修改建议"], places,
           [1.0, 3.0, 1.6, 1.3, 1.1, 5.0, 6.0, 6.0], {0, 2, 3, 4})
    if form.reminders:
        _paragraph(doc, "人工审核要点", 14, bold=True, center=True)
        _table(doc, ["编号", "类别", "审核要点", "审核意见表述", "修改建议"],
               [[m.id, m.category, m.title, m.message, m.hint or ""] for m in form.reminders],
               [1.6, 1.8, 5.0, 8.0, 8.0], {0, 1})
    buf = io.BytesIO()
    doc.save(buf)
    with zipfile.ZipFile(io.BytesIO(buf.getvalue())) as zf:
        parts = [(i.filename, zf.read(i)) for i in zf.infolist()]
    core = core_properties(form.title, author, when)
    return write_package([(name, core if name == "docProps/core.xml" else body) for name, body in parts])
