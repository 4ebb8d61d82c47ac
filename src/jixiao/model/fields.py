"""The fields a workbook layout (工作簿布局) may place, and the typed cell value of each.

A field is project-level (the same on every row of a project) or row-level (one
indicator row). Cell kinds: ``text`` (always a string cell, so that 4.4e+20 never
appears), ``code`` (text, formatted ``@``), ``amount`` (a number in the workbook's
money unit), ``number`` (权重, 序号), ``figure`` (the 指标值 when it is split: the number
of a quantity, the text of a 定性 value).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Literal

from jixiao.model.cells import HEADER_CELLS, ROW_CELLS

if TYPE_CHECKING:  # the document model holds a workbook layout, which names these fields
    from jixiao.model.document import IndicatorRow, ProjectTable

Kind = Literal["text", "code", "amount", "number", "figure"]
Level = Literal["project", "row"]


@dataclass(frozen=True)
class Field:
    """A placeable field: its level, its cell kind and how to read it."""

    level: Level
    kind: Kind
    get: Callable[[ProjectTable, IndicatorRow | None], Any]


def _project(kind: Kind, get: Callable[[ProjectTable], Any]) -> Field:
    return Field("project", kind, lambda t, r: get(t))


def _row(kind: Kind, get: Callable[[IndicatorRow], Any]) -> Field:
    def read(t: ProjectTable, r: IndicatorRow | None) -> Any:
        assert r is not None
        return get(r)

    return Field("row", kind, read)


_AMOUNTS: dict[str, Callable[[ProjectTable], Decimal | None]] = {
    "预算数": lambda t: t.budget,
    "本年度项目金额": lambda t: t.budget,
    "年度资金总额": lambda t: t.budget,
    "财政资金": lambda t: t.fiscal,
    "其他资金": lambda t: t.other,
    "财政拨款": lambda t: t.form.appropriation,
    "财政专户管理资金": lambda t: t.form.special,
    "单位资金": lambda t: t.form.own_funds,
    "项目总金额": lambda t: t.form.total_amount,
}
#: Amount fields printed blank when zero (the parts of 预算数, as in the published tables).
BLANK_ZERO = frozenset({"财政资金", "其他资金", "财政拨款", "财政专户管理资金", "单位资金"})
_CODES = frozenset({"项目编码", "单位编码"})
_SCHEDULE = ("3月底", "6月底", "10月底", "12月底")


def _schedule(i: int) -> Callable[[ProjectTable], str]:
    return lambda t: t.schedule[i].text if t.schedule is not None else ""


FIELDS: dict[str, Field] = {
    "序号": _project("number", lambda t: t.number),
    **{name: _project("code" if name in _CODES else "text", get) for name, get in HEADER_CELLS.items()},
    **{name: _project("amount", get) for name, get in _AMOUNTS.items()},
    **{name: _project("text", _schedule(i)) for i, name in enumerate(_SCHEDULE)},
    "标题": _project("text", lambda t: t.heading),
    **{name: _row("text", get) for name, get in ROW_CELLS.items()},
    "权重": _row("number", lambda r: r.weight),
    "指标值": _row("text", lambda r: r.value),
}
#: The 指标值 column when the layout has a 计算符号 or 计量单位 column: the number alone.
FIGURE = _row("figure", lambda r: r.figure)
PROJECT_FIELDS = frozenset(n for n, f in FIELDS.items() if f.level == "project")
ROW_FIELDS = frozenset(n for n, f in FIELDS.items() if f.level == "row")
