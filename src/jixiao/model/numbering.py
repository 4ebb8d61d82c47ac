"""Numbering styles written as an example: ``1.`` ``1、`` ``（一）`` ``(一)、`` ``一、`` ``一是`` ``（1）``.

A style is the label of item one, as the author would type it. The ``1`` (or
``一``) in it is the counter, the rest is kept around every number: ``（一）``
numbers ``（一）（二）…（十一）``; ``1、`` numbers ``1、2、3、``. ``无`` (or an empty
style) prints no number. Chinese numerals follow the usual reading (十一,
二十, 二十一 …).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from jixiao.errors import Problem

NONE = "无"
_DIGITS = "零一二三四五六七八九"
_COUNTER = re.compile(r"1|一")
#: Styles the README shows; any text with one 1 or 一 works.
EXAMPLES = ("1.", "1、", "（一）", "(一)、", "一、", "一是", "（1）", NONE)


def chinese(n: int) -> str:
    """1 → 一, 10 → 十, 11 → 十一, 20 → 二十, 105 → 一百零五."""
    if n <= 0:
        return str(n)
    if n < 10:
        return _DIGITS[n]
    if n < 20:
        return "十" + (_DIGITS[n - 10] if n > 10 else "")
    if n < 100:
        tens, ones = divmod(n, 10)
        return _DIGITS[tens] + "十" + (_DIGITS[ones] if ones else "")
    hundreds, rest = divmod(n, 100)
    if rest == 0:
        tail = ""
    elif rest < 10:
        tail = "零" + _DIGITS[rest]
    elif rest < 20:
        tail = "一" + chinese(rest)
    else:
        tail = chinese(rest)
    return _DIGITS[hundreds] + "百" + tail if n < 1000 else str(n)


@dataclass(frozen=True)
class Style:
    """A parsed numbering style."""

    prefix: str
    counter: str  # "1", "一" or "" (no number)
    suffix: str

    def label(self, n: int) -> str:
        """The label of item *n* (1-based): ``（三）``, ``3.`` …; "" for no numbering."""
        if not self.counter:
            return ""
        number = str(n) if self.counter == "1" else chinese(n)
        return f"{self.prefix}{number}{self.suffix}"


class StyleError(Problem):
    """A numbering style without a counter."""


@lru_cache(maxsize=64)
def parse_style(text: str | None) -> Style:
    """Parse a style such as ``（一）``.

    Raises:
        StyleError: the text has no ``1`` or ``一`` to count with, or more than one.
    """
    if text is None or text.strip() in ("", NONE):
        return Style("", "", "")
    found = _COUNTER.findall(text)
    if len(found) != 1:
        raise StyleError(
            f"编号样式「{text}」中应有一个 1 或 一 表示序号",
            f"写成第一项的样子，例如 {'、'.join(EXAMPLES[:-1])}，或写 无 表示不编号",
        )
    m = _COUNTER.search(text)
    assert m is not None
    return Style(text[: m.start()], m.group(), text[m.end() :])


def label(style: str | None, n: int) -> str:
    """Label *n* in the numbering *style* (see :func:`parse_style`)."""
    return parse_style(style).label(n)
