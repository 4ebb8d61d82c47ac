"""The money split of the current project form, on top of 预算数 = 财政资金 + 其他资金.

* 财政拨款 (政府预算资金) is 财政资金: write either; both written must agree.
* 其他资金 = 财政专户管理资金 + 单位资金: with one of the two written the other is
  derived; with neither, 财政专户管理资金 is 0 and 单位资金 is all of 其他资金.
* 预算数 = 财政资金 + 其他资金 as always (:func:`jixiao.expand.budget.derive_amounts`).

Every amount is a ``Decimal`` in the document's money unit.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from jixiao.expand.budget import Amounts, DeriveError, derive_amounts
from jixiao.model.money import MoneyUnit, fits_unit, format_money

#: Spec keys of the amounts, as DeriveError.field names them.
AMOUNT_KEYS = ("预算数", "财政资金", "其他资金", "财政拨款", "财政专户管理资金", "单位资金")


@dataclass(frozen=True)
class Funding:
    """预算数 and its parts: the older form's two and the current form's three."""

    amounts: Amounts
    appropriation: Decimal
    special: Decimal
    own: Decimal


def derive_funding(
    budget: Decimal | None,
    fiscal: Decimal | None,
    other: Decimal | None,
    appropriation: Decimal | None,
    special: Decimal | None,
    own: Decimal | None,
    unit: MoneyUnit,
) -> Funding:
    """Fill in what is not written and check that the parts add up.

    Raises:
        DeriveError: a negative or over-precise amount, parts that do not add up,
            财政拨款 ≠ 财政资金, or nothing given at all.
    """
    for field, amount in (("财政拨款", appropriation), ("财政专户管理资金", special), ("单位资金", own)):
        if amount is not None and amount < 0:
            raise DeriveError(field, f"{field}不能为负数（{amount}）")
        if amount is not None and not fits_unit(amount, unit):
            places = "两位小数" if unit == "万元" else "整数（不带小数）"
            raise DeriveError(field, f"{field}「{amount}」的精度超出金额单位：金额单位为{unit}时应为{places}")
    if fiscal is not None and appropriation is not None and fiscal != appropriation:
        raise DeriveError(
            "财政拨款",
            f"财政拨款 {format_money(appropriation, unit)} ≠ 财政资金 {format_money(fiscal, unit)}",
            "财政拨款就是财政资金：只写其中一个",
        )
    fiscal = fiscal if fiscal is not None else appropriation
    if other is None and budget is None and (special is not None or own is not None):
        other = (special or Decimal(0)) + (own or Decimal(0))
    amounts = derive_amounts(budget, fiscal, other, unit)
    if special is None and own is None:
        special, own = Decimal(0), amounts.other
    elif special is None:
        assert own is not None
        special = amounts.other - own
    elif own is None:
        own = amounts.other - special
    if special < 0 or own < 0 or special + own != amounts.other:
        raise DeriveError(
            "其他资金",
            f"其他资金 {format_money(amounts.other, unit)} ≠ 财政专户管理资金 {format_money(special, unit)}"
            f" + 单位资金 {format_money(own, unit)}",
            "改正其中一项，或只写其中一项让 jixiao 算出另一项",
        )
    return Funding(amounts, amounts.fiscal, special, own)
