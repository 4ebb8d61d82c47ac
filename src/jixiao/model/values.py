"""Indicator values (指标值): parse what the author wrote, keep it for printing.

A value is one of

* a quantity — optional operator, a number and a unit: ``≥100%``, ``≤0.15万元/月``,
  ``0人``, ``>90%``;
* a date — ``2025.12.31``, ``2025年12月31日`` or ISO ``2025-12-31``;
* qualitative text — ``有所提升``, ``保障工作正常开展``.

The text is printed back exactly as written, so a published document can be
reproduced; the parsed fields are what checks and derived values reason about.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

from jixiao import limits
from jixiao.errors import Problem

Kind = Literal["quantity", "date", "text", "empty"]
DateStyle = Literal["点分", "年月日", "ISO"]

#: Written operator → canonical operator.
OPERATORS: dict[str, str] = {
    "≥": "≥",
    ">=": "≥",
    "≤": "≤",
    "<=": "≤",
    "=": "=",
    "＝": "=",
    ">": ">",
    "＞": ">",
    "<": "<",
    "＜": "<",
}

_OP = "|".join(re.escape(o) for o in sorted(OPERATORS, key=len, reverse=True))
_QUANTITY = re.compile(rf"^(?P<op>{_OP})?\s*(?P<num>\d+(?:\.\d+)?)\s*(?P<unit>[^\d<>=≥≤＞＜＝]*)$")
_DATES: list[tuple[DateStyle, re.Pattern[str]]] = [
    ("点分", re.compile(r"^(?P<y>\d{4})\.(?P<m>\d{1,2})\.(?P<d>\d{1,2})$")),
    ("年月日", re.compile(r"^(?P<y>\d{4})年(?P<m>\d{1,2})月(?P<d>\d{1,2})日$")),
    ("ISO", re.compile(r"^(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})$")),
]
_OP_ONLY = re.compile(rf"^(?:{_OP})")


class ValueError_(Problem):
    """The indicator value cannot be understood."""


@dataclass(frozen=True)
class Value:
    """A parsed indicator value; ``text`` is what gets printed."""

    text: str
    kind: Kind
    op: str | None = None
    number: Decimal | None = None
    unit: str | None = None
    date: dt.date | None = None
    date_style: DateStyle | None = None


def format_date(day: dt.date, style: DateStyle) -> str:
    """Print *day* in a document date style."""
    if style == "点分":
        return f"{day.year}.{day.month}.{day.day}"
    if style == "年月日":
        return f"{day.year}年{day.month}月{day.day}日"
    return day.isoformat()


def parse_value(text: str, *, iso_style: DateStyle = "点分") -> Value:
    """Parse a written value. ISO dates are re-printed in *iso_style*.

    Raises:
        ValueError_: an operator with no number after it, or an impossible date.
    """
    s = text.strip()
    if not s:
        return Value(text="", kind="empty")
    for style, pattern in _DATES:
        m = pattern.match(s)
        if m:
            try:
                day = dt.date(int(m["y"]), int(m["m"]), int(m["d"]))
            except ValueError:
                raise ValueError_(
                    f"日期「{s}」不存在", "检查月份和日期，例如 2025.12.31 或 2025年12月31日"
                ) from None
            if style == "ISO":
                return Value(format_date(day, iso_style), "date", date=day, date_style=iso_style)
            return Value(s, "date", date=day, date_style=style)
    m = _QUANTITY.match(s)
    if m:
        if _too_many_digits(m["num"]):
            raise ValueError_(
                f"指标值「{s}」中的数字位数过多",
                f"整数部分最多 {limits.MAX_VALUE_INT_DIGITS} 位、小数最多 {limits.MAX_VALUE_DECIMALS} 位；"
                "很大的金额请换成万元等单位",
            )
        op = m["op"]
        unit = m["unit"].strip()
        return Value(
            s,
            "quantity",
            op=OPERATORS[op] if op else None,
            number=Decimal(m["num"]),
            unit=unit or None,
        )
    if _OP_ONLY.match(s):
        raise ValueError_(
            f"指标值「{s}」以比较符号开头，但后面不是「数字+计量单位」",
            "写成 ≥90% 、≤0.5万元/月 这样的形式；定性指标不要以 ≥ ≤ > < = 开头",
        )
    return Value(s, "text")


def _too_many_digits(number: str) -> bool:
    whole, _, fraction = number.partition(".")
    return len(whole.lstrip("0")) > limits.MAX_VALUE_INT_DIGITS or len(fraction) > limits.MAX_VALUE_DECIMALS


def too_many_digits(text: str) -> bool:
    """Is *text* a quantity whose number has more digits than a value may have (see :func:`parse_value`)?"""
    m = _QUANTITY.match(text.strip())
    return m is not None and _too_many_digits(m["num"])


def quantity_text(op: str | None, number: Decimal, unit: str | None) -> str:
    """Compose a quantity's text from its parts (normalised number, no exponent)."""
    return f"{op or ''}{plain_number(number)}{unit or ''}"


def plain_number(number: Decimal) -> str:
    """``Decimal`` without trailing zeros or exponent: 412.70 → 412.7, 1E+1 → 10."""
    return format(number.normalize(), "f")
