"""Derived header values: 预算数 = 财政资金 + 其他资金, and the 资金支出计划."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from jixiao.errors import Problem
from jixiao.model.money import MoneyUnit, fits_unit, format_money

SCHEDULE_LABELS = ("3月底", "6月底", "10月底", "12月底")


class DeriveError(Problem):
    """A derived value is inconsistent; ``field`` (and ``index``) name what to point at."""

    def __init__(self, field: str, message: str, hint: str | None = None, index: int | None = None):
        super().__init__(message, hint)
        self.field = field
        self.index = index


@dataclass(frozen=True)
class Amounts:
    """The three header amounts, in the document's money unit."""

    budget: Decimal
    fiscal: Decimal
    other: Decimal


def derive_amounts(
    budget: Decimal | None, fiscal: Decimal | None, other: Decimal | None, unit: MoneyUnit
) -> Amounts:
    """Fill in whichever of 预算数/财政资金/其他资金 is missing and check the sum.

    With only 预算数 given, it is all 财政资金. Amounts may not have more decimals
    than the unit prints (2 for 万元, none for 元).

    Raises:
        DeriveError: a sum that does not add up, a negative or over-precise amount,
            or nothing given at all.
    """
    for field, amount in (("预算数", budget), ("财政资金", fiscal), ("其他资金", other)):
        if amount is None:
            continue
        if amount < 0:
            raise DeriveError(field, f"{field}不能为负数（{amount}）")
        if not fits_unit(amount, unit):
            places = "两位小数" if unit == "万元" else "整数（不带小数）"
            raise DeriveError(
                field,
                f"{field}「{amount}」的精度超出金额单位：金额单位为{unit}时应为{places}",
                "按文档的金额单位书写；需要更细的金额时把 金额单位 改为 元",
            )
    if budget is None and fiscal is None and other is None:
        raise DeriveError("预算数", "缺少预算数", "写出 预算数，或 财政资金 与 其他资金")
    if budget is None:
        budget = (fiscal or Decimal(0)) + (other or Decimal(0))
        fiscal = fiscal or Decimal(0)
        other = other or Decimal(0)
    elif fiscal is None and other is None:
        fiscal, other = budget, Decimal(0)
    elif fiscal is None:
        assert other is not None
        fiscal = budget - other
    elif other is None:
        other = budget - fiscal
    if fiscal < 0 or other < 0 or fiscal + other != budget:
        raise DeriveError(
            "预算数",
            f"预算数 {format_money(budget, unit)} ≠ 财政资金 {format_money(fiscal, unit)}"
            f" + 其他资金 {format_money(other, unit)}",
            "改正其中一项，或只写其中两项让 jixiao 算出第三项",
        )
    return Amounts(budget, fiscal, other)


_PERCENT = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*[%％]?\s*$")


def parse_schedule(entries: list[str | None]) -> list[Decimal | None]:
    """Parse four cumulative percentages; blanks stay None.

    Raises:
        DeriveError: wrong count, not a percentage, over 100, decreasing, or not
            ending at 100.
    """
    if len(entries) != 4:
        raise DeriveError(
            "资金支出计划",
            f"资金支出计划应有 4 项（3月底、6月底、10月底、12月底），这里有 {len(entries)} 项",
            "写成 [20%, 50%, 80%, 100%]；没有数的月份写 ~ 或 \"\"",
        )
    out: list[Decimal | None] = []
    for i, entry in enumerate(entries):
        if entry is None or str(entry).strip() == "":
            out.append(None)
            continue
        m = _PERCENT.match(str(entry))
        if not m:
            raise DeriveError("资金支出计划", f"资金支出计划「{entry}」不是百分比", "写成 20% 或 20", i)
        try:
            value = Decimal(m.group(1))
        except InvalidOperation:  # pragma: no cover - regex guarantees a number
            raise DeriveError("资金支出计划", f"资金支出计划「{entry}」不是百分比", None, i) from None
        if value > 100:
            raise DeriveError(
                "资金支出计划", f"资金支出计划{SCHEDULE_LABELS[i]}为 {entry}，超过了 100%", "累计支出比例最多为 100%", i
            )
        out.append(value)
    last: Decimal | None = None
    for i, cell in enumerate(out):
        if cell is None:
            continue
        if last is not None and cell < last:
            raise DeriveError(
                "资金支出计划",
                f"资金支出计划是累计比例，{SCHEDULE_LABELS[i]}（{cell}%）小于之前的 {last}%",
                "每个月底的数应不小于前一个，例如 20%、50%、80%、100%",
                i,
            )
        last = cell
    if out[3] != 100:
        given = [v for v in out if v is not None]
        if given and all(v <= 1 for v in given):
            raise DeriveError(
                "资金支出计划",
                f"资金支出计划看起来写成了小数（{entries[3]} 会读作 {entries[3]}%）",
                "写成百分数，例如 [28%, 53%, 78%, 100%] 或 [28, 53, 78, 100]",
                3,
            )
        raise DeriveError(
            "资金支出计划", "资金支出计划 12月底 应为 100%", "全年预算到年底应全部支出：把最后一项写成 100%", 3
        )
    return out


def schedule_text(value: Decimal | None, *, percent: bool, places: int | None = None) -> str:
    """Cell text of one schedule entry: *places* decimals, or as written (``28.00`` stays ``28.00``)."""
    if value is None:
        return ""
    number = format(value if places is None else value.quantize(Decimal(1).scaleb(-places)), "f")
    return f"{number}%" if percent else number


def money_text(amount: Decimal, unit: MoneyUnit) -> str:
    """Header amount text; zero components print as a blank cell, as published."""
    return "" if amount == 0 else format_money(amount, unit)
