"""Cell texts as preset texts: where a printed text follows the project, write the formula.

For one table, a cell's *candidates* are the texts that print it with that
table's names and amounts: the 事项 or 项目名称 replaced by ``{{ 事项 }}`` /
``{{ 项目名称 }}``; an amount that follows the budget by its formula
(``≤{{ 预算数 }}万元``, a monthly cost ``≤{{ 向上取整(预算数 / 12, 0.01) }}万元/月``,
``<{{ 预算数 * 10000 }}元``); the year's last day by ``{{ 完成时限 }}``; and the
text itself. Every formula is rendered with jixiao's own formula engine and
kept only if it prints the cell exactly.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from jixiao.errors import Problem
from jixiao.expand.indicators import render_field
from jixiao.model.money import MoneyUnit, quantum
from jixiao.model.values import DateStyle, format_date

DEADLINE = "{{ 完成时限 }}"
ITEM = "{{ 事项 }}"
NAME = "{{ 项目名称 }}"
_MONEY_NUMBER = re.compile(r"(?<![\d.])(\d+(?:\.\d+)?)(?=\s*(?:万元|万|元))")
_JINJA = re.compile(r"\{[{%#]")

#: Formulas of an amount, by the document's money unit; the first that prints the number wins.
MONEY_FORMULAS: dict[str, tuple[str, ...]] = {
    "万元": (
        "预算数", "预算数 * 10000", "向上取整(预算数 / 12, 0.01)", "向上取整(预算数 / 12, 0.05)",
        "向上取整(预算数 / 12, 0.1)", "向上取整(预算数 / 12, 1)", "向上取整(预算数 * 10000 / 12, 1)",
    ),
    "元": (
        "预算数", "预算数 / 10000", "向上取整(预算数 / 12, 1)", "向上取整(预算数 / 12, 10)",
        "向上取整(预算数 / 12, 100)", "向上取整(预算数 / 120000, 0.01)",
    ),
}


@dataclass(frozen=True)
class Facts:
    """What a table's formulas may refer to."""

    name: str
    budget: Decimal
    fiscal: Decimal
    other: Decimal
    year: int
    money_unit: MoneyUnit
    unit_name: str
    department: str

    def context(self, item: str, date_style: str | None) -> dict[str, Any]:
        """The formula names, as jixiao's expansion defines them."""
        return {
            "事项": item,
            "项目名称": self.name,
            "预算数": self.budget,
            "财政资金": self.fiscal,
            "其他资金": self.other,
            "年度": self.year,
            "完成时限": format_date(dt.date(self.year, 12, 31), "年月日" if date_style == "年月日" else "点分"),
            "金额单位": self.money_unit,
            "取整步长": quantum(self.money_unit),
            "单位名称": self.unit_name,
            "部门名称": self.department,
        }


def escape(text: str) -> str:
    """A literal text that contains ``{{`` or ``{%``, written so that it prints as it is."""
    return _JINJA.sub(lambda m: "{{ '" + m.group() + "' }}", text)


def date_style(text: str, year: int) -> str | None:
    """点分 or 年月日 if *text* is the year's last day in that style."""
    day = dt.date(year, 12, 31)
    styles: tuple[DateStyle, ...] = ("点分", "年月日")
    for style in styles:
        if text == format_date(day, style):
            return style
    return None


def _renders(template: str, facts: Facts, item: str, text: str) -> bool:
    try:
        return render_field(template, facts.context(item, None), "值") == text
    except Problem:
        return False


def money(text: str, facts: Facts) -> str | None:
    """*text* with its amount written as a formula of the budget, if one prints it exactly."""
    for m in _MONEY_NUMBER.finditer(text):
        for formula in MONEY_FORMULAS[facts.money_unit]:
            candidate = f"{escape(text[: m.start()])}{{{{ {formula} }}}}{escape(text[m.end() :])}"
            if _renders(candidate, facts, "", text):
                return candidate
    return None


def candidates(text: str, field: str, facts: Facts, item: str) -> list[str]:
    """Texts that print *text* in this table, formulas first, the literal text last."""
    out: list[str] = []
    if field == "value":
        if date_style(text, facts.year) is not None:
            out.append(DEADLINE)
        formula = money(text, facts)
        if formula is not None:
            out.append(formula)
    if item and len(item) >= 2 and item in text:
        out.append(escape(text).replace(escape(item), ITEM))
    if facts.name in text and facts.name != item and len(facts.name) >= 2:
        out.append(escape(text).replace(escape(facts.name), NAME))
    out.append(escape(text))
    return out
