"""An indicator value as the budget systems store it: 计算符号 | 指标值 | 计量单位.

jixiao keeps one written value (``≥95%``) and parses it (:mod:`jixiao.model.values`);
the systems' flat forms split it into three cells. :func:`split_value` derives the
three from the parsed value; :func:`compose_value` writes them back as one value.

* a quantity: its operator as the systems print it (≥ ＞ ＝ ＜ ≤; a bare number is ＝),
  the number as written (``95``, ``0.50``) and its unit (``%``, ``万元/月``);
* a date or a text: 定性, and the whole text as the 指标值, no unit;
* an empty value: three empty cells; 「不适用」: no sign, 不适用, no unit.
"""

from __future__ import annotations

from decimal import Decimal

from jixiao.model.framework import NOT_APPLICABLE

#: The systems' 计算符号 set, in the order they list it.
SIGNS = ("≥", "＞", "＝", "＜", "≤", "定性")
QUALITATIVE = "定性"

#: jixiao's canonical operator → the systems' sign.
_SIGN_OF_OP = {"≥": "≥", "≤": "≤", "=": "＝", ">": "＞", "<": "＜"}
#: Any written sign (full or half width, ASCII pairs) → the operator jixiao writes in a value.
_OP_OF_SIGN = {
    "≥": "≥", ">=": "≥", "≧": "≥", "≤": "≤", "<=": "≤", "≦": "≤",
    "＝": "=", "=": "=", "＞": ">", ">": ">", "＜": "<", "<": "<",
}


def split_value(kind: str, op: str | None, number: Decimal | None, unit: str | None, text: str) -> tuple[str, str, str]:
    """(计算符号, 指标值, 计量单位) of a parsed value (*kind* as in :class:`jixiao.model.values.Value`)."""
    if kind == "empty":
        return "", "", ""
    if text.strip() == NOT_APPLICABLE:
        return "", text, ""
    if kind == "quantity" and number is not None:
        return _SIGN_OF_OP.get(op or "=", "＝"), format(number, "f"), unit or ""
    return QUALITATIVE, text, ""


def known_sign(sign: str) -> bool:
    """Is *sign* one of the systems' signs (either width, or 定性, or blank)?"""
    s = sign.strip()
    return s in _OP_OF_SIGN or s in ("", QUALITATIVE)


def compose_value(sign: str, figure: str, unit: str) -> str:
    """One written value from the three cells: ``≥`` ``95`` ``%`` → ``≥95%``; 定性 (or no sign) → the text.

    Raises:
        ValueError: *sign* is not a known 计算符号.
    """
    s, f, u = sign.strip(), figure.strip(), unit.strip()
    if s in ("", QUALITATIVE):
        return f + u if u and s == "" else f
    if s not in _OP_OF_SIGN:
        raise ValueError(sign)
    return f"{_OP_OF_SIGN[s]}{f}{u}"


def direction(sign: str) -> str:
    """指标方向性 of the Sichuan flat form: 正向指标 (≥ ＞), 反向指标 (≤ ＜), else ""."""
    if sign in ("≥", "＞"):
        return "正向指标"
    if sign in ("≤", "＜"):
        return "反向指标"
    return ""
