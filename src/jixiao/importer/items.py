"""The 事项 of each table: the word its indicator texts are built around.

Preset texts say 「{{ 事项 }}工作完成率」; to write them, each table's 事项
must be found. Candidates are jixiao's default (项目名称 without 费/经费,
:func:`jixiao.expand.department.derive_item`), the short form :func:`jixiao.authoring.scaffold.short_item`,
and the words that differ between tables in the same kind of row: where
「法律顾问工作完成率」 and 「基金监管工作完成率」 share 「工作完成率」, the
rest is a candidate. Each table takes the candidate that makes the most of
its texts equal to other tables' texts; on a tie, the default (which the spec
need not write).

A 事项 is a name, never a parameter: a difference that holds a number or an
operator (「≥90」 between 「≥90%」 and 「≥95%」) is not a candidate. Rows that differ
only in a number keep the preset's number and write theirs in the project's 改写.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict

from jixiao.authoring.scaffold import short_item
from jixiao.expand.project import derive_item
from jixiao.importer.found import FoundTable
from jixiao.importer.templating import ITEM, escape

_FIELDS = ("level3", "description", "value")
Slot = tuple[str, int, str]
#: What a name does not hold: digits, comparison operators, percent signs, decimal points.
_NOT_A_NAME = re.compile(r"[0-9０-９≥≤<>=＜＞%％.．+\-−~～]")
_HAN = re.compile(r"[\u4e00-\u9fff]")


def is_name(text: str) -> bool:
    """Can *text* be a 事项: words (at least one Chinese character), no number or operator?"""
    return bool(_HAN.search(text)) and not _NOT_A_NAME.search(text)


def slots(t: FoundTable) -> dict[Slot, str]:
    """The table's texts by (二级, occurrence of that 二级, field)."""
    seen: Counter[str] = Counter()
    out: dict[Slot, str] = {}
    for row in t.rows:
        k = seen[row.level2]
        seen[row.level2] += 1
        for f in _FIELDS:
            out[(row.level2, k, f)] = getattr(row, f)
    return out


def _affix(a: str, b: str) -> tuple[str, str, str] | None:
    """The parts of *a* and *b* between their common beginning and end, if those share enough."""
    p = 0
    while p < min(len(a), len(b)) and a[p] == b[p]:
        p += 1
    s = 0
    while s < min(len(a), len(b)) - p and a[-1 - s] == b[-1 - s]:
        s += 1
    mid_a, mid_b = a[p : len(a) - s], b[p : len(b) - s]
    if p + s < 2 or not mid_a or not mid_b or len(mid_a) > 20 or len(mid_b) > 20:
        return None
    return a[:p], mid_a, mid_b


def choose_items(tables: list[FoundTable], names: dict[int, str]) -> dict[int, list[str]]:
    """Candidate 事项 of every table (by table number), best first; *names* are the 项目名称.

    The list holds the best-scoring candidate, jixiao's default and the runner-up.
    """
    by_slot: dict[Slot, dict[str, set[int]]] = defaultdict(lambda: defaultdict(set))
    texts = {t.number: slots(t) for t in tables}
    for number, mine in texts.items():
        for slot, text in mine.items():
            by_slot[slot][text].add(number)
    found: dict[int, Counter[str]] = defaultdict(Counter)
    for slot_texts in by_slot.values():
        distinct = [x for x in slot_texts if x]
        if len(distinct) > 200:
            continue
        for i, a in enumerate(distinct):
            for b in distinct[i + 1 :]:
                pair = _affix(a, b)
                if pair is None:
                    continue
                prefix, mid_a, mid_b = pair
                for mids, mid in ((slot_texts[a], mid_a), (slot_texts[b], mid_b)):
                    if not is_name(mid):
                        continue
                    for number in mids:
                        found[number][mid] += 1
                        if prefix and is_name(prefix + mid):  # the shared beginning may belong to the 事项
                            found[number][prefix + mid] += 1
    popular: dict[Slot, Counter[str]] = defaultdict(Counter)
    options: dict[int, list[str]] = {}
    for t in tables:
        name = names[t.number]
        opts = [derive_item(name)]
        short = short_item(name)
        opts += [x for x in (short, name) if x and x not in opts]
        opts += [x for x, _ in found[t.number].most_common(6) if x not in opts]
        options[t.number] = opts
        for slot, text in texts[t.number].items():
            for template in {_template(text, x) for x in opts}:
                popular[slot][template] += 1
    out: dict[int, list[str]] = {}
    for t in tables:
        scored: list[tuple[int, int, str]] = []
        for rank, x in enumerate(options[t.number]):
            gains: dict[tuple[str, int], int] = defaultdict(int)
            for slot, text in texts[t.number].items():
                template = _template(text, x)
                if ITEM in template:
                    # What the 事项 adds: texts equal in other tables only through it.
                    gain = popular[slot][template] - popular[slot][escape(text)]
                    row = (slot[0], slot[1])
                    gains[row] = max(gains[row], gain)
            explained = [g for g in gains.values() if g > 0]
            scored.append((sum(explained) if len(explained) >= 2 else 0, -rank, x))
        scored.sort(reverse=True)
        default = options[t.number][0]
        ranked = [scored[0][2]] + [default] + [x for score, _, x in scored[1:2] if score > 0]
        out[t.number] = list(dict.fromkeys(ranked))
    return out


def _template(text: str, item: str) -> str:
    if len(item) >= 2 and item in text:
        return escape(text).replace(escape(item), ITEM)
    return escape(text)
