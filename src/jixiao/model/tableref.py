"""Tables as the reader of the document names them.

A table's ``number`` counts through the document; its title prints that number, or —
with 表题编号范围: 每部分 — its place in its part (第三部分 1–8, not 11–18). Everything a
person reads (check, expand, the rollover checklist) and types (``--only``, ``--explain``)
uses the printed one: 「第 12 表」, or 「第三部分第 1 表」 when each part counts from 1.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from jixiao.errors import UsageError
from jixiao.model.document import Document, ProjectTable

_NUMERALS = "一二三四五六七八九十"
_PART_AND_INDEX = re.compile(r"^第?([一二三四五六七八九十]+|\d+)(?:部分)?\s*(?:第|[-.．、/])?\s*(\d+)\s*表?$")


def _part_number(text: str) -> int:
    if text.isdigit():
        return int(text)
    if text == "十":
        return 10
    return _NUMERALS.index(text) + 1 if len(text) == 1 else 10 + _NUMERALS.index(text[-1]) + 1


@dataclass(frozen=True)
class TableRefs:
    """How the document's tables are referred to."""

    per_part: bool
    #: Table number → (part numeral such as 第三部分, part number, place in the part from 1).
    places: dict[int, tuple[str, int, int]] = field(default_factory=dict)
    names: dict[int, str] = field(default_factory=dict)

    @classmethod
    def of(cls, doc: Document) -> TableRefs:
        places = {t.number: (part.numeral, part.number, i) for part in doc.parts for i, t in enumerate(part.tables, 1)}
        return cls(doc.pages.numbering_scope == "每部分", places, {t.number: t.name for t in doc.tables()})

    def one(self, number: int) -> str:
        """「第 12 表」, or 「第三部分第 1 表」."""
        if self.per_part and number in self.places:
            numeral, _, index = self.places[number]
            return f"{numeral}第 {index} 表"
        return f"第 {number} 表"

    def many(self, numbers: Iterable[int], limit: int = 12) -> str:
        """「第 2、3、5～14 表」, per part when each part counts from 1 (「第二部分第 1～3 表、第三部分第 2 表」)."""
        numbers = sorted(set(numbers))
        if not self.per_part:
            return f"第 {number_runs(numbers, limit)} 表"
        by_part: dict[str, list[int]] = {}
        for n in numbers:
            numeral, _, index = self.places.get(n, ("", 0, n))
            by_part.setdefault(numeral, []).append(index)
        return "、".join(f"{numeral}第 {number_runs(indexes, limit)} 表" for numeral, indexes in by_part.items())

    def find(self, wanted: str, tables: list[ProjectTable]) -> list[ProjectTable]:
        """Tables a person names: the printed number (「12」, or 「第三部分1」「三-1」 per part), 项目名称 or file name.

        Raises:
            UsageError: nothing is named so, or a bare number when each part counts from 1 and
                several parts have that table.
        """
        key = wanted.strip()
        hits = [t for t in tables if key in (t.name, t.file_stem)]
        if hits:
            return hits
        m = _PART_AND_INDEX.match(key)
        if self.per_part and m is not None and not key.isdigit():
            part, index = _part_number(m.group(1)), int(m.group(2))
            return [t for t in tables if self.places.get(t.number, ("", 0, 0))[1:] == (part, index)]
        if key.isdigit():
            if not self.per_part:
                return [t for t in tables if t.number == int(key)]
            same = [t for t in tables if self.places.get(t.number, ("", 0, 0))[2] == int(key)]
            if len(same) > 1:
                listed = "、".join(f"{self.one(t.number)}（{t.name}）" for t in same)
                first = self.places[same[0].number][0]
                raise UsageError(f"每个部分的表都从 1 编号，「{key}」有 {len(same)} 张：{listed}。"
                                 f"请写明部分，如「{first}{key}」")
            return same
        return []


def number_runs(numbers: Iterable[int], limit: int) -> str:
    """``2、3、5～14、37``: runs of consecutive numbers as ranges, at most *limit* items (then 「…」)."""
    runs: list[list[int]] = []
    for n in sorted(set(numbers)):
        if runs and n == runs[-1][-1] + 1:
            runs[-1].append(n)
        else:
            runs.append([n])
    items = [str(r[0]) if len(r) == 1 else f"{r[0]}、{r[1]}" if len(r) == 2 else f"{r[0]}～{r[-1]}" for r in runs]
    return "、".join(items[:limit]) + ("…" if len(items) > limit else "")
