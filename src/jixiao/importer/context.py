"""Per-table facts: unit, amounts, header entries, layout, 依据, date style; and the document's framework.

Everything here is read off the printed table; nothing is chosen yet. The
header entries are the project keys that do not depend on presets or
defaults (项目名称, 标题, 单位, 项目编码, 预算数 …, 资金用途, 绩效目标).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from jixiao.importer import header as hd
from jixiao.importer import layout as lay
from jixiao.importer.found import FoundDoc, FoundTable, Note
from jixiao.importer.spell import TableCtx
from jixiao.importer.templating import Facts, date_style, escape
from jixiao.importer.units import split_unit
from jixiao.model.money import MoneyUnit
from jixiao.safenames import safe_name
from jixiao.spec.frameworks import level1_of


@dataclass
class UnitInfo:
    """A budget unit as the spec writes it; ``ref`` is what projects write as 单位."""

    code: str
    name: str
    tables: list[int] = field(default_factory=list)
    placeholder: bool = False

    @property
    def ref(self) -> str:
        return self.code or self.name


#: Frameworks a document may follow, the first winning a tie.
CANDIDATES = ("效益", "效果", "2021")


def framework_of(found: FoundDoc) -> str:
    """The indicator framework under which most rows' 一级 follows from their 二级."""
    rows = [(r.level1, r.level2) for t in found.tables for r in t.rows]
    return max(CANDIDATES, key=lambda fw: sum(level1_of(l2, fw) == l1 for l1, l2 in rows))


def money_unit_of(found: FoundDoc, notes: list[Note]) -> MoneyUnit:
    votes = Counter(t.money_unit for t in found.tables if t.money_unit)
    unit: MoneyUnit = "元" if votes and votes.most_common(1)[0][0] == "元" else "万元"
    if not votes:
        notes.append(Note("全文", "表格上方没有「单位：万元」或「单位：元」", "按万元读入；如不对，请改 部门.yaml 的 金额单位"))
    for t in found.tables:
        if t.money_unit and t.money_unit != unit:
            notes.append(Note(t.where, f"{t.label}的金额单位是{t.money_unit}，其他表是{unit}",
                              f"jixiao 全文只有一个金额单位：这张表的金额仍照原文的数字写入，会印作「单位：{unit}」"))
    return unit


def units_of(found: FoundDoc, department: str, notes: list[Note]) -> tuple[list[UnitInfo], dict[int, UnitInfo]]:
    """The units named by the unit lines, and the unit of each table."""
    units: dict[tuple[str, str], UnitInfo] = {}
    of: dict[int, UnitInfo] = {}
    for t in found.tables:
        if t.unit_label:
            code, name = split_unit(t.unit_label)
            unit = units.setdefault((code, name), UnitInfo(code, name))
            unit.tables.append(t.number)
            of[t.number] = unit
    if not units:
        unit = UnitInfo("000001", department, placeholder=True)
        units[("000001", department)] = unit
        notes.append(Note("全文", "表格上方没有单位行（单位编码+单位名称）",
                          f"写入一个单位「{department}」，单位编码 000001 是占位的（不印出），请改成实际编码"))
    first = next(iter(units.values()))
    for t in found.tables:
        if t.number not in of:
            of[t.number] = first
            first.tables.append(t.number)
    blank = [u for u in units.values() if not u.code]
    for k, u in enumerate(blank[1:], 2):
        u.code = f"{k:03d}"
        notes.append(Note("全文", f"单位行「{u.name}」没有单位编码", f"写入占位编码 {u.code}，会印在单位行中，请改成实际编码"))
    return list(units.values()), of


def table_basis(t: FoundTable, notes: list[Note]) -> str | None:
    """The 依据 most of the table's rows have (None without that column)."""
    if not t.show_basis:
        return None
    votes = Counter(r.basis for r in t.rows if r.basis)
    if not votes:
        return None
    basis = votes.most_common(1)[0][0]
    for r in t.rows:
        if r.basis == "":
            notes.append(Note(r.where, "指标值确定依据是空白", f"jixiao 不印空白的依据：按本表其他行的「{basis}」写入"))
            r.basis = basis
    return basis


def table_date_style(t: FoundTable, year: int) -> str | None:
    votes = Counter(s for r in t.rows if (s := date_style(r.value, year)) is not None)
    return votes.most_common(1)[0][0] if votes else None


def stems(found: FoundDoc, names: dict[int, str]) -> dict[int, str]:
    """File names of the projects: ``NN-名称`` (numbered in document order)."""
    width = max(2, len(str(len(found.tables))))
    return {
        t.number: f"{t.number:0{width}d}-{safe_name(names[t.number], fallback='项目', max_chars=60)}" for t in found.tables
    }


def contexts(
    found: FoundDoc, year: int, department: str, framework: str, unit: MoneyUnit, notes: list[Note]
) -> tuple[list[UnitInfo], list[TableCtx]]:
    """Every table's context (see :class:`TableCtx`) and the units."""
    units, unit_of = units_of(found, department, notes)
    names = {t.number: hd.project_name(t) for t in found.tables}
    files = stems(found, names)
    out: list[TableCtx] = []
    for t in found.tables:
        u = unit_of[t.number]
        amounts = hd.amounts(t, unit, notes)
        facts = Facts(names[t.number], amounts.budget, amounts.fiscal, amounts.other, year, unit, u.name, department)
        schedule = hd.schedule(t, notes)
        header: dict[str, Any] = {"项目名称": names[t.number]}
        title = hd.heading_name(t)
        if title is not None and title != names[t.number] and title:
            header["标题"] = title
        if t.heading is None:
            notes.append(Note(t.where, f"{t.label}没有表题", "生成时会印出「N.项目名称绩效目标表」"))
        if len(units) > 1:  # with one unit, every project is its (README: 单位 may be left out)
            header["单位"] = u.ref
        if t.has_code and t.code:
            header["项目编码"] = t.code
        header.update(amounts.entries)
        if t.use or not t.form:  # the 2021 form has no 资金用途 row unless its 表头 lists one
            header["资金用途"] = escape(t.use)
        if schedule is not None:
            header["资金支出计划"] = schedule
        header["绩效目标"] = escape(t.goal)
        if not t.name:
            notes.append(Note(t.where, f"{t.label}没有「项目名称」一栏", f"项目名称取自表题：{names[t.number]}"))
        out.append(
            TableCtx(
                table=t, stem=files[t.number], facts=facts, header=header,
                layout=lay.aliased({**lay.defaults(), **lay.table_settings(t)}),
                basis=table_basis(t, notes), date_style=table_date_style(t, year), items=[],
                unit_code=u.ref, framework=framework, schedule=schedule,
            )
        )
    return units, out
