"""The amounts a 测算依据 lists, read the way a reviewer adds them up.

A 测算依据 is written item by item: ``律师服务费 5 万元/年 × 1 年 = 5 万元；印刷费 2 万元``.
Each item (split at ；;。 and line breaks, or at ``+`` between amounts) counts with
the amount after its last ``=`` or, without one, its last amount in 元/万元 that is
not a unit price (``/年``, ``/人``); an item that states the total (合计、共计、总计) is the
sum itself and is not added. Sums are exact decimals in 元.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

_ITEMS = re.compile(r"[；;。，\n]+")
_AMOUNT = re.compile(r"(\d+(?:\.\d+)?)\s*(亿元|万元|元)(?!\s*[/／每])")
_TOTAL = re.compile(r"^\s*(?:[（(]?\d+[)）.、]?\s*)?(合计|共计|总计|小计|总额|共)")
_FACTOR = {"元": Decimal(1), "万元": Decimal(10000), "亿元": Decimal(100000000)}


def listed_amounts(text: str) -> tuple[list[Decimal], Decimal | None]:
    """(each item's amount in 元, the stated total or None); ([], None) when it lists no amount."""
    items: list[Decimal] = []
    total: Decimal | None = None
    for chunk in _ITEMS.split(text.replace(",", "")):
        for part in _parts(chunk):
            value = _item_amount(part)
            if value is None:
                continue
            if _TOTAL.match(part):
                total = value
            else:
                items.append(value)
    return items, total


def _parts(chunk: str) -> list[str]:
    """An item, or its pieces when it is a sum ``a万元 + b万元 = c万元``."""
    head = chunk.split("=")[0].split("＝")[0]
    if "+" in head or "＋" in head:
        pieces = re.split(r"[+＋]", head)
        rest = chunk[len(head):]
        out = [p for p in pieces if _AMOUNT.search(p)]
        if len(out) == len(pieces) and len(out) > 1:
            return [*out, *(["合计" + rest] if rest else [])]
    return [chunk]


def _item_amount(item: str) -> Decimal | None:
    tail = re.split(r"[=＝]", item)[-1]
    found = _AMOUNT.findall(tail) or _AMOUNT.findall(item)
    if not found:
        return None
    number, unit = found[-1]
    try:
        return Decimal(number) * _FACTOR[unit]
    except InvalidOperation:
        return None
