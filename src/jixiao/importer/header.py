"""The header block of a table as spec values: amounts, 资金支出计划, title, code.

Amounts are read as printed (``3.00``, ``92767000``; thousands separators and
a trailing 万元/元 are dropped with a note) and written so that jixiao prints
the same text: 预算数 alone when it is all 财政资金, 其他资金 when there is
some; when the three do not add up they are all written, and ``jixiao
validate`` points at the slip.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from jixiao.expand.budget import money_text
from jixiao.importer.found import FoundTable, Note
from jixiao.importer.labels import table_title
from jixiao.model.money import MoneyUnit, format_money

_BLANKS = ("", "-", "—", "－", "/", "／", "无", "0", "0.00")
_NUMBER = re.compile(r"^\d+(?:\.\d+)?$")


@dataclass(frozen=True)
class Amounts:
    """The three amounts as numbers (blank = 0) and the spec entries that print them."""

    budget: Decimal
    fiscal: Decimal
    other: Decimal
    entries: dict[str, str]


def _amount(text: str, label: str, where: str, notes: list[Note]) -> Decimal | None:
    flat = text.replace(",", "").replace("，", "").replace(" ", "").removesuffix("万元").removesuffix("元")
    if flat in _BLANKS:
        return None if flat == "" else Decimal(0) if flat.startswith("0") else None
    if not _NUMBER.match(flat):
        notes.append(Note(where, f"{label}「{text}」不是数字", "按 0 读入，请在规格中改正"))
        return None
    if flat != text:
        notes.append(Note(where, f"{label}写作「{text}」", f"按 {flat} 读入"))
    try:
        return Decimal(flat)
    except InvalidOperation:  # pragma: no cover - the pattern guarantees a number
        return None


def amounts(t: FoundTable, unit: MoneyUnit, notes: list[Note]) -> Amounts:
    """The table's amounts and the 预算数/财政资金/其他资金 entries of its spec."""
    where = t.where
    b_text, f_text, o_text = t.amounts
    budget = _amount(b_text, "预算数", where, notes)
    fiscal = _amount(f_text, "财政资金", where, notes)
    other = _amount(o_text, "其他资金", where, notes)
    split = _split(t, notes)
    if split is not None:  # the 2021 form prints 财政专户管理资金 and 单位资金, not their sum
        other = split[0] + split[1]
        o_text = money_text(other, unit)
    b = budget if budget is not None else (fiscal or Decimal(0)) + (other or Decimal(0))
    f = fiscal or Decimal(0)
    o = other or Decimal(0)
    entries: dict[str, str] = {}
    if f + o == b:
        entries["预算数"] = _spelling(b, unit)
        if o:
            entries["其他资金"] = _spelling(o, unit)
    else:
        notes.append(Note(where, f"{t.label}：预算数 {b_text or '（空）'} ≠ 财政资金 {f_text or '（空）'} + 其他资金 {o_text or '（空）'}",
                          "三项照原文写入规格；jixiao validate 会指出这处不符，请改正"))
        entries = {"预算数": _spelling(b, unit), "财政资金": _spelling(f, unit), "其他资金": _spelling(o, unit)}
    if split is not None and split[0]:  # without it, jixiao takes 其他资金 as all 单位资金
        entries["财政专户管理资金"] = _spelling(split[0], unit)
    for label, text, value in (("预算数", b_text, b), ("财政资金", f_text, f), ("其他资金", o_text, o)):
        printed = format_money(value, unit) if label == "预算数" else money_text(value, unit)
        if printed != text.strip() and (budget is not None or label != "预算数"):
            notes.append(Note(where, f"{t.label}：{label}印作「{text.strip() or '（空白）'}」",
                              f"jixiao 按金额单位印作「{printed or '（空白）'}」"))
    return Amounts(b, f, o, entries)


def _split(t: FoundTable, notes: list[Note]) -> tuple[Decimal, Decimal] | None:
    """财政专户管理资金 and 单位资金 of a table in the 2021 form (blank = 0); None when it prints neither."""
    if "财政专户管理资金" not in t.fields and "单位资金" not in t.fields:
        return None
    special = _amount(t.fields.get("财政专户管理资金", ""), "财政专户管理资金", t.where, notes)
    own = _amount(t.fields.get("单位资金", ""), "单位资金", t.where, notes)
    return special or Decimal(0), own or Decimal(0)


def _spelling(value: Decimal, unit: MoneyUnit) -> str:
    """An amount as written in the spec: as many decimals as printed (``3.00``), at least the unit's."""
    return format_money(value, unit) if value == value.quantize(Decimal(1) if unit == "元" else Decimal("0.01")) else str(value)


def schedule(t: FoundTable, notes: list[Note]) -> list[str | None] | None:
    """The 资金支出计划 entries as the spec writes them (None for a blank cell); None without one."""
    if t.schedule is None:
        return None
    out: list[str | None] = []
    for text in t.schedule:
        flat = text.replace(" ", "")
        if flat in ("", "-", "—", "－", "/", "／"):
            if flat:
                notes.append(Note(t.where, f"{t.label}：资金支出计划中的「{text}」", "按空白读入"))
            out.append(None)
        else:
            out.append(flat.replace("％", "%"))
    return out


def heading_name(t: FoundTable) -> str | None:
    """The name in the table's title (``3.法律顾问费绩效目标表`` → 法律顾问费), if it has one."""
    if t.heading is None:
        return None
    found = table_title(t.heading)
    return found[1] if found is not None else None


def project_name(t: FoundTable) -> str:
    """The 项目名称: the name cell, or the title's name when the table has no name cell."""
    return t.name or heading_name(t) or f"项目{t.number}"
