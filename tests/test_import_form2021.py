"""``jixiao import`` of Word tables in the 2021 project form (财预〔2021〕101号, 版式「2021」).

The header block (主管部门 | 实施单位, the 项目资金 block, 政策依据, 测算依据, 年度目标,
实施期目标 …), the 指标解释 column, a 权重 column, 计算符号/计量单位 columns and the
「不适用」 rows come back as the spec keys the workbook import writes, and the
spec prints the same Word tables again.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import docx

from docxtext import dump
from jixiao.expand.department import expand_department
from jixiao.importer import import_document
from jixiao.model.cells import header_cell, row_cell
from jixiao.model.document import Document, ProjectTable
from jixiao.render.build import RenderOptions, render_department
from jixiao.spec.load import load_department

ROOT = Path(__file__).resolve().parents[1]
FORM = ROOT / "tests" / "fixtures" / "gallery" / "2021项目表"
_MONEY = ("年度资金总额", "财政拨款", "财政专户管理资金", "单位资金")


def _render(spec: Path, out: Path) -> tuple[Document, Path]:
    doc = expand_department(load_department(spec))
    render_department(doc, spec, RenderOptions(out_dir=out, formats=frozenset({"docx"})))
    (combined,) = out.glob("*.docx")
    return doc, combined


def _printed(t: ProjectTable) -> tuple[object, ...]:
    """Every cell the 2021 table prints: header fields by the 表头's names, indicator cells by column."""
    header = [[header_cell(t, n) for n in (_MONEY if names == ["项目资金"] else names)] for names in t.layout.header or []]
    return t.name, t.code, header, t.columns, [[row_cell(r, c) for c in t.columns] for r in t.rows]


def _copy(tmp_path: Path, layout: str) -> Path:
    spec = tmp_path / "spec"
    shutil.copytree(FORM, spec)
    dept = spec / "部门.yaml"
    dept.write_text(dept.read_text(encoding="utf-8").replace('版式: "2021"', f"版式: {layout}"), encoding="utf-8")
    return spec


def test_the_2021_form_round_trips_through_word(tmp_path: Path) -> None:
    original, first = _render(FORM, tmp_path / "out")
    report = import_document(first, tmp_path / "imported")
    assert report.ok and report.differences == [], (report.problems, report.differences)
    assert not [n for n in report.notes if "无法识别" in n.what], report.notes
    spec = tmp_path / "imported"
    dept = (spec / "部门.yaml").read_text(encoding="utf-8")
    assert "版式: 2021\n" in dept
    assert "指标体系: 2021核心\n" in dept  # the 「不适用」 rows are the framework's, not written out
    law = next((spec / "projects").glob("01-*.yaml")).read_text(encoding="utf-8")
    assert "政策依据: 《某市医疗保障基金监督管理办法》（某医保〔2024〕3号）" in law
    assert "测算依据: 律师服务费" in law and "实施期限: 2025年1月-2025年12月" in law
    assert "不适用" not in law and "主管部门" not in law and "一级预算单位" not in law  # the department's name
    system = next((spec / "projects").glob("02-*.yaml")).read_text(encoding="utf-8")
    assert "实施期目标: 三年内建成" in system and "财政专户管理资金: 20.00" in system
    again, second = _render(spec, tmp_path / "again")
    assert [_printed(t) for t in again.tables()] == [_printed(t) for t in original.tables()]
    assert dump(second) == dump(first)


def test_weights_and_an_explanation_beside_the_description(tmp_path: Path) -> None:
    spec = _copy(tmp_path, "{基于: \"2021\", 指标表列: [绩效指标描述, 指标值, 指标解释, 权重]}")
    law = next((spec / "projects").glob("01-*.yaml"))
    text = law.read_text(encoding="utf-8").replace(
        "三级: 法律咨询次数, 指标解释:", "三级: 法律咨询次数, 描述: 律师提供法律咨询的次数, 指标解释:"
    )
    law.write_text(text, encoding="utf-8")
    original, path = _render(spec, tmp_path / "out")
    report = import_document(path, tmp_path / "imported")
    assert report.ok and report.differences == [], (report.problems, report.differences)
    again = expand_department(load_department(tmp_path / "imported"))
    assert [_printed(t) for t in again.tables()] == [_printed(t) for t in original.tables()]
    rows = again.tables()[0].rows
    assert [r.weight for r in rows if r.weight is not None] == [20, 20, 10, 10, 20, 10]
    asked = next(r for r in rows if r.level3 == "法律咨询次数")
    assert (asked.description, asked.explanation) == ("律师提供法律咨询的次数", "全年提供法律咨询的次数（次）")


_QUANTITY = re.compile(r"^([≥≤=＞＜])(\d+(?:\.\d+)?)(.*)$")


def test_sign_and_unit_columns_are_read_into_the_value(tmp_path: Path) -> None:
    """A table written by another tool: 计算符号 and 计量单位 in columns of their own, the figure alone."""
    original, path = _render(FORM, tmp_path / "out")
    d = docx.Document(str(path))
    for table in d.tables:
        if table.rows[0].cells[0].text != "一级指标":
            continue
        table.add_column(docx.shared.Mm(15))
        table.add_column(docx.shared.Mm(15))
        for k, row in enumerate(table.rows):
            cells = row.cells
            if k == 0:
                cells[-2].text, cells[-1].text = "计算符号", "计量单位"
                continue
            value = cells[3].text
            m = _QUANTITY.match(value)
            sign, figure, unit = (m.group(1), m.group(2), m.group(3)) if m else ("定性" if value != "不适用" else "", value, "")
            cells[3].text, cells[-2].text, cells[-1].text = figure, sign, unit
    foreign = tmp_path / "foreign.docx"
    d.save(str(foreign))
    report = import_document(foreign, tmp_path / "imported")
    assert report.ok and report.differences == [], (report.problems, report.differences)
    assert any("计算符号" in n.what for n in report.notes)
    again = expand_department(load_department(tmp_path / "imported"))
    assert [_printed(t) for t in again.tables()] == [_printed(t) for t in original.tables()]
