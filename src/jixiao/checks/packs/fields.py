"""What a pack rule may read: header fields and indicator columns by their printed labels.

Names are those of the project form and the workbook layouts (:mod:`jixiao.model.cells`):
``政策依据``, ``年度目标`` (= 绩效目标), ``三级指标``, ``指标解释`` … and ``表`` for tests of the
whole table. A finding points where the field was written (the project file, or the
preset line a row came from).
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from jixiao.model.cells import HEADER_CELLS, ROW_CELLS, SAME_FIELD
from jixiao.model.document import IndicatorRow, ProjectTable, SourceRef
from jixiao.model.fields import FIELDS
from jixiao.model.money import to_yuan

TABLE = "表"
#: Indicator columns → the row attribute whose source a finding points at.
_ROW_SOURCE = {
    "一级指标": "level1", "二级指标": "level2", "三级指标": "level3", "绩效指标描述": "description",
    "指标值": "value", "指标解释": "explanation", "指标值说明": "explanation", "指标值确定依据": "basis",
    "权重": "weight", "计算符号": "value", "计量单位": "value", "指标方向性": "value",
}
_NUMBER = re.compile(r"\d+(?:\.\d+)?")


def scope_of(name: str) -> str | None:
    """``row``, ``header`` or ``table`` for a field name, None when it is no field."""
    if name == TABLE:
        return "table"
    if name in ROW_CELLS:
        return "row"
    if name in HEADER_CELLS:
        return "header"
    return None


def known_fields() -> str:
    """The names a rule may read, for messages."""
    return f"表头：{'、'.join(HEADER_CELLS)}；指标列：{'、'.join(ROW_CELLS)}；整张表：{TABLE}"


def row_text(row: IndicatorRow, name: str) -> str:
    return ROW_CELLS[name](row)


def header_text(table: ProjectTable, name: str) -> str:
    return HEADER_CELLS[name](table)


def row_source(row: IndicatorRow, name: str) -> SourceRef:
    return row.source_of(_ROW_SOURCE.get(name, "row"))


def header_source(table: ProjectTable, name: str) -> SourceRef:
    return table.source_of(SAME_FIELD.get(name, name))


def is_amount(name: str) -> bool:
    """An amount field (预算数, 财政资金 …), read as a number in the document's money unit."""
    return name in FIELDS and FIELDS[name].kind == "amount" and FIELDS[name].level == "project"


def amount(table: ProjectTable, name: str) -> Decimal | None:
    """Amount field *name* of *table* in 元 (None when not written)."""
    value = FIELDS[name].get(table, None)
    return None if value is None else to_yuan(Decimal(value), table.money_unit)


def first_number(text: str) -> Decimal | None:
    m = _NUMBER.search(text.replace(",", "").replace("，", ""))
    if m is None:
        return None
    try:
        return Decimal(m.group())
    except InvalidOperation:
        return None


def row_number(row: IndicatorRow) -> tuple[Decimal, str] | None:
    """(number, unit) of a quantity value; None for a date, text or empty value."""
    p = row.parsed
    if p.kind != "quantity" or p.number is None:
        return None
    return p.number, p.unit or ""


def money_in_yuan(number: Decimal, unit: str) -> Decimal | None:
    """*number* in 元 when *unit* is an amount of money (元, 万元, 亿元), else None."""
    factor = {"元": Decimal(1), "万元": Decimal(10000), "亿元": Decimal(100000000)}.get(unit.strip())
    return None if factor is None else number * factor


def amount_in(table: ProjectTable, yuan: Decimal) -> Decimal:
    """An amount in 元 in the table's money unit."""
    return yuan / 10000 if table.money_unit == "万元" else yuan


def amount_yuan(table: ProjectTable, amount_: Decimal) -> Decimal:
    """An amount in the table's money unit in 元."""
    return to_yuan(amount_, table.money_unit)
