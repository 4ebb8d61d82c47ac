"""Small text helpers shared by the rules."""

from __future__ import annotations

import re

CJK = r"\u3400-\u9fff"
_PERCENT_SUFFIX = re.compile(r"[（(]\s*[%％]\s*[)）]$")
RATE_NAME = re.compile(r"(率|比例|满意度|知晓度)$")
MONEY_UNIT = re.compile(r"^(万元|元|万)(/|$)")


def bare_name(name: str) -> str:
    """Indicator name without a trailing unit note: 工作完成率(%) → 工作完成率."""
    return _PERCENT_SUFFIX.sub("", name.strip())


def is_rate_name(name: str) -> bool:
    """Names that are rates or degrees (率, 比例, 满意度) take % values."""
    return bool(RATE_NAME.search(bare_name(name)))


def is_money_unit(unit: str | None) -> bool:
    """元, 万元, 万 and per-something forms of them (元/月, 万元/人·年)."""
    return unit is not None and bool(MONEY_UNIT.match(unit))


def one_edit_apart(a: str, b: str) -> bool:
    """True if *a* and *b* differ by exactly one inserted or deleted character."""
    if abs(len(a) - len(b)) != 1:
        return False
    short, long_ = (a, b) if len(a) < len(b) else (b, a)
    i = 0
    while i < len(short) and short[i] == long_[i]:
        i += 1
    return short[i:] == long_[i + 1 :]


_REPEAT = re.compile(rf"([{CJK}]{{2,4}})\1")


def repeated_chunk(text: str) -> str | None:
    """A 2–4 character CJK chunk written twice in a row (信息信息), if any."""
    m = _REPEAT.search(text)
    return m.group(1) if m else None


def repeated_chunks(text: str) -> list[str]:
    """Every 2–4 character CJK chunk written twice in a row, in order, each once."""
    return list(dict.fromkeys(m.group(1) for m in _REPEAT.finditer(text)))
