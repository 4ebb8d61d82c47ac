"""Projects read from a workbook as the Word importer's tables, plus what only workbooks carry.

Texts are cleaned as the Word importer cleans cells (each line stripped of stray
spaces and tabs, line breaks kept). Values split into 计算符号 | 指标值 | 计量单位
are joined into one written value; a number cell keeps the decimals its number
format shows. Codes stored as numbers are read as text and reported. Amounts are
read in the workbook's money unit, which becomes the spec's. 「不适用」 rows are
kept as rows here (:func:`drop_not_applicable` decides whether the framework can
print them instead).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from jixiao.importer.found import FoundDoc, FoundRow, FoundTable, Note, clean
from jixiao.importer.workbook.labels import AMOUNTS
from jixiao.importer.workbook.recognise import Project
from jixiao.importer.workbook.sheets import Cell
from jixiao.model.framework import NOT_APPLICABLE, Levels
from jixiao.model.notapplicable import with_not_applicable
from jixiao.model.valueparts import compose_value, known_sign

_DECIMALS = re.compile(r"^0\.(0+)$")
#: Header fields that go into the project file as written (the amounts and goals are handled apart).
HEADER_KEYS = ("政策依据", "测算依据", "实施期限", "项目类型", "是否新增项目", "分配方式", "申请单位", "实施单位", "一级预算单位")


@dataclass
class Extras:
    """What a workbook carries beyond the Word tables: header fields, 权重 and 指标解释 per row."""

    header: dict[str, str] = field(default_factory=dict)
    rows: list[dict[str, str]] = field(default_factory=list)


def text_of(cell: Cell | None, notes: list[Note], *, code: bool = False) -> str:
    """The cell's text as the spec writes it."""
    if cell is None:
        return ""
    if code and cell.is_number:
        notes.append(Note(cell.where, f"编码 {cell.text} 在工作簿中存成了数字（之前的工具把它当成了数）",
                          "按文字读入；如果开头的 0 或末尾的位数丢了，请在规格中改正"))
    if cell.is_number:
        m = _DECIMALS.match(cell.number_format or "")
        if m and not code:
            try:
                return format(Decimal(cell.text).quantize(Decimal(1).scaleb(-len(m.group(1)))), "f")
            except InvalidOperation:
                return cell.text
    return clean(cell.text)


def amount_of(cell: Cell | None, name: str, notes: list[Note]) -> Decimal | None:
    if cell is None or not cell.text.strip():
        return None
    flat = cell.text.replace(",", "").replace("，", "").strip().removesuffix("万元").removesuffix("元")
    try:
        return Decimal(flat)
    except InvalidOperation:
        notes.append(Note(cell.where, f"{name}「{cell.text}」不是数字", "按 0 读入，请在规格中改正"))
        return None


def _value(row: dict[str, Cell], notes: list[Note]) -> str:
    figure = text_of(row.get("指标值"), notes)
    if "计算符号" not in row and "计量单位" not in row:
        return figure
    sign = text_of(row.get("计算符号"), notes)
    unit = text_of(row.get("计量单位"), notes)
    if not known_sign(sign):
        where = row["计算符号"].where
        notes.append(Note(where, f"计算符号「{sign}」不是 ≥ ＞ ＝ ＜ ≤ 或 定性", "当作文字，与指标值连在一起读入"))
        return f"{sign}{figure}{unit}"
    return compose_value(sign, figure, unit)


def found_doc(projects: list[Project], money_unit: str, notes: list[Note]) -> tuple[FoundDoc, dict[int, Extras]]:
    """The projects as found tables (numbered from 1) and each table's extras."""
    tables: list[FoundTable] = []
    extras: dict[int, Extras] = {}
    for n, p in enumerate(projects, 1):
        f = p.fields
        code = text_of(f.get("单位编码"), notes, code=True)
        unit_name = text_of(f.get("单位名称"), notes) or text_of(f.get("申请单位"), notes) or text_of(f.get("实施单位"), notes)
        amounts = {name: amount_of(f.get(name), name, notes) for name in AMOUNTS}
        budget = amounts["预算数"]
        fiscal = amounts["财政资金"] if amounts["财政资金"] is not None else amounts["财政拨款"]
        special, own = amounts["财政专户管理资金"], amounts["单位资金"]
        other = amounts["其他资金"]
        if other is None and (special is not None or own is not None):
            other = (special or Decimal(0)) + (own or Decimal(0))
        if budget is not None and fiscal is None:
            fiscal = budget - (other or Decimal(0))  # no 财政资金 column: the rest of 预算数
        t = FoundTable(
            number=n, where=p.where, unit_label=f"{code}{unit_name}" if code or unit_name else None,
            money_unit=money_unit, code=text_of(f.get("项目编码"), notes, code=True) or None,
            has_code="项目编码" in f, name=text_of(f.get("项目名称"), notes),
            amounts=tuple(_money(x, money_unit) for x in (budget, fiscal, other)),  # type: ignore[arg-type]
            has_amounts=True, use=text_of(f.get("资金用途"), notes), goal=text_of(f.get("绩效目标"), notes),
        )
        e = Extras()
        for key in HEADER_KEYS:
            if key in f and text_of(f[key], notes):
                e.header[key] = text_of(f[key], notes, code=False)
        if f.get("实施期目标") is not None and text_of(f["实施期目标"], notes):
            e.header["实施期目标"] = text_of(f["实施期目标"], notes)
        if amounts["项目总金额"] is not None:
            e.header["项目总金额"] = _money(amounts["项目总金额"], money_unit)
        if special:
            e.header["财政专户管理资金"] = _money(special, money_unit)
        for row in p.rows:
            explanation = text_of(row.get("指标解释"), notes)
            described = "绩效指标描述" in row
            description = text_of(row.get("绩效指标描述"), notes) if described else explanation
            t.rows.append(FoundRow(
                level1=text_of(row.get("一级指标"), notes), level2=text_of(row.get("二级指标"), notes),
                level3=text_of(row.get("三级指标"), notes), description=description, value=_value(row, notes),
                basis=text_of(row.get("指标值确定依据"), notes) if "指标值确定依据" in row else None,
                where=next(iter(row.values())).where if row else p.where,
            ))
            more: dict[str, str] = {}
            if described and "指标解释" in row and explanation != description:
                more["指标解释"] = explanation
            if row.get("权重") is not None and text_of(row["权重"], notes):
                more["权重"] = text_of(row["权重"], notes)
            e.rows.append(more)
        tables.append(t)
        extras[n] = e
    doc = FoundDoc(title=None, year=None, department=None, front="无", part_one=None, parts=[], tables=tables)
    return doc, extras


def _money(value: Decimal | None, unit: str) -> str:
    """An amount as the spec writes it: with the unit's decimals (3 → 3.00 in 万元) unless it has more."""
    if value is None:
        return ""
    places = Decimal("0.01") if unit == "万元" else Decimal(1)
    return format(value.quantize(places), "f") if value == value.quantize(places) else format(value, "f")


def drop_not_applicable(doc: FoundDoc, extras: dict[int, Extras], levels: Levels) -> bool:
    """Take the 「不适用」 rows out when the framework prints exactly them, in the same places.

    True when every table's 「不适用」 rows are one per absent 二级 of *levels*, where
    :func:`with_not_applicable` puts it (the spec then says ``不适用行: true``).
    """
    plans: list[tuple[FoundTable, list[int]]] = []
    for t in doc.tables:
        keep = [i for i, r in enumerate(t.rows) if r.level3 != NOT_APPLICABLE]
        real = [{"level1": t.rows[i].level1, "level2": t.rows[i].level2, "i": i} for i in keep]
        filled = with_not_applicable(real, levels, None, show_basis=False)  # type: ignore[arg-type]
        rebuilt = [(r["level1"], r["level2"], r.get("i")) for r in filled]
        printed = [(r.level1, r.level2, i if r.level3 != NOT_APPLICABLE else None) for i, r in enumerate(t.rows)]
        if rebuilt != printed:
            return False
        if any(t.rows[i].value != NOT_APPLICABLE for i, r in enumerate(t.rows) if r.level3 == NOT_APPLICABLE):
            return False
        plans.append((t, keep))
    if not any(len(keep) < len(t.rows) for t, keep in plans):
        return False
    for t, keep in plans:
        t.rows = [t.rows[i] for i in keep]
        extras[t.number].rows = [extras[t.number].rows[i] for i in keep]
    return True
