"""Money as ``Decimal`` in the document's unit (元 or 万元), and budget formulas."""

from __future__ import annotations

from decimal import ROUND_CEILING, ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Literal

from jixiao.limits import MAX_VALUE_INT_DIGITS

MoneyUnit = Literal["元", "万元"]

#: Decimal places printed for each unit: 万元 with 2 decimals, 元 as integers.
PLACES: dict[str, int] = {"万元": 2, "元": 0}


def quantum(unit: MoneyUnit) -> Decimal:
    """Smallest printable step of *unit*: 0.01 for 万元, 1 for 元."""
    return Decimal(1).scaleb(-PLACES[unit])


def fits_unit(amount: Decimal, unit: MoneyUnit) -> bool:
    """True if *amount* has no more decimals than *unit* prints."""
    return amount == amount.quantize(quantum(unit))


def format_money(amount: Decimal, unit: MoneyUnit) -> str:
    """Header-cell text: ``3.00`` in 万元, ``92767000`` in 元."""
    return f"{amount.quantize(quantum(unit), rounding=ROUND_HALF_UP):f}"


def in_range(amount: Decimal, largest: Decimal) -> bool:
    """Is *amount* finite and within ±*largest*? Never raises, whatever the exponent (``1e999999999``)."""
    if not amount.is_finite():
        return False
    # adjusted() needs no arithmetic: abs() of a huge exponent would raise decimal.Overflow.
    return amount.is_zero() or (amount.adjusted() <= largest.adjusted() and abs(amount) <= largest)


def to_number(value: object, what: str) -> Decimal:
    """*value* (a number, or a number's text) as a Decimal of at most 15 digits before the point.

    Raises:
        ValueError: in Chinese, naming *what*, for text that is not a number or a number out of range.
    """
    if isinstance(value, bool) or not isinstance(value, Decimal | int | float | str):
        raise ValueError(f"{what}应当是数字，这里是「{value}」")
    try:
        number = value if isinstance(value, Decimal) else Decimal(str(value).strip())
    except InvalidOperation:
        raise ValueError(f"{what}应当是数字，这里是「{str(value)[:40]}」") from None
    if not in_range(number, Decimal(10) ** MAX_VALUE_INT_DIGITS):
        raise ValueError(f"{what}「{str(value)[:40]}」超出了可计算的范围（整数部分最多 {MAX_VALUE_INT_DIGITS} 位）")
    return number


def ceil_to(amount: Decimal, step: Decimal | str | int = "0.01") -> Decimal:
    """Round *amount* up to a multiple of *step* (monthly caps are always rounded up).

    ``ceil_to(Decimal(26) / 12, "0.1") == Decimal("2.2")``.
    """
    s = Decimal(str(step))
    if s <= 0:
        raise ValueError("step must be positive")
    return (amount / s).to_integral_value(rounding=ROUND_CEILING) * s


def to_yuan(amount: Decimal, unit: MoneyUnit) -> Decimal:
    """Convert an amount in *unit* to 元 (1万元 = 10000元)."""
    return amount * 10000 if unit == "万元" else amount
