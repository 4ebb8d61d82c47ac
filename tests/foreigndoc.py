"""Small Word documents jixiao did not write, built with python-docx for the import tests.

The structure is not jixiao's: the title and the unit line are plain paragraphs
(the unit line with tabs), one six-column Word table per project holds the
header block and the indicator rows together, merged cells are written as
repeated text, and 资金支出计划 numbers have no % sign.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import docx

Row = tuple[str, str, str, str, str, str]  # 一级, 二级, 三级, 描述, 值, 依据


@dataclass
class Table:
    """One 项目绩效目标表 as the document prints it."""

    name: str
    budget: str
    use: str
    goal: str
    rows: list[Row]
    unit: str = "100001某市医疗保障局本级"
    code: str = ""
    schedule: tuple[str, str, str, str] = ("20", "50", "80", "100")


@dataclass
class Doc:
    """A department document: a title, optional 第一部分 paragraphs, the tables."""

    title: str
    tables: list[Table]
    part_one: list[str] = field(default_factory=list)


def _fill(table: object, cells: list[str]) -> None:
    row = table.add_row()  # type: ignore[attr-defined]
    for cell, text in zip(row.cells, cells, strict=True):
        cell.text = text


def write(doc: Doc, path: Path) -> Path:
    """Save *doc* as a .docx at *path*."""
    d = docx.Document()
    if doc.title:
        d.add_paragraph(doc.title)
    for text in doc.part_one:
        d.add_paragraph(text)
    if doc.part_one:
        d.add_paragraph("第二部分 预算项目绩效目标")
    for number, t in enumerate(doc.tables, 1):
        d.add_paragraph(f"{number}.{t.name}绩效目标表")
        d.add_paragraph(f"{t.unit}\t\t单位：万元")
        table = d.add_table(rows=0, cols=6)
        _fill(table, ["项目编码", t.code, "项目名称", t.name, t.name, t.name])
        _fill(table, ["预算规模及资金用途", "预算数", t.budget, "其中：财政资金", t.budget, "其他资金"])
        _fill(table, ["预算规模及资金用途", *[t.use] * 5])
        _fill(table, ["资金支出计划（%）", "3月底", "6月底", "10月底", "12月底", "12月底"])
        _fill(table, ["资金支出计划（%）", *t.schedule, t.schedule[-1]])
        _fill(table, ["绩效目标", *[t.goal] * 5])
        _fill(table, ["一级指标", "二级指标", "三级指标", "绩效指标描述", "指标值", "指标值确定依据"])
        for r in t.rows:
            _fill(table, list(r))
        d.add_paragraph("")
    d.save(str(path))
    return path


def office_rows(
    item: str, value: str = "≥90%", basis: str = "工作计划", budget: str = "5", deadline: str = "2025.12.31"
) -> list[Row]:
    """Six rows of a running-cost project, built around its 事项."""
    return [
        ("产出指标", "数量指标", f"{item}工作完成率", f"{item}工作实际完成量占计划的比例", "=100%", basis),
        ("产出指标", "质量指标", "验收合格率", f"验收合格的{item}工作占全部工作的比例", value, basis),
        ("产出指标", "时效指标", "完成时限", f"{item}工作完成时限", deadline, basis),
        ("产出指标", "成本指标", "项目总成本", f"{item}全年支出总额", f"≤{budget}万元", basis),
        ("效益指标", "社会效益指标", "工作正常开展率", f"{item}工作正常开展的比例", value, basis),
        ("满意度指标", "服务对象满意度指标", "服务对象满意度", "问卷调查中表示满意的比例", value, basis),
    ]


def from_seed(path: Path) -> Doc:
    """A published seed's text (tests/fixtures/seeds) as a Doc: its title, 第一部分 and tables."""
    from seedtext import dump_part_one, parse_dump

    text = path.read_text(encoding="utf-8")
    part_one = dump_part_one(text)
    if part_one[-2:] == ["第二部分", "预算项目绩效目标"]:
        part_one = part_one[:-2]  # write() puts its own part heading, on one line
    tables = []
    for t in parse_dump(text):
        rows = [(r[0], r[1], r[2], r[3], r[4], r[5] if len(r) > 5 else "") for r in t.filled_rows()]
        schedule = tuple(t.schedule) if t.schedule else ("", "", "", "100")
        tables.append(Table(t.name, t.amounts[0], t.use, t.goal, rows, unit=t.unit_label or "",
                            code=t.code or "", schedule=(schedule[0], schedule[1], schedule[2], schedule[3])))
    return Doc("", tables, part_one)
