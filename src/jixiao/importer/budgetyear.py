"""The budget year of a document whose title does not say it: the evidence weighed.

Each year written in the document is a vote of a weight that says how much it
tells about the budget year:

- a deadline in an indicator value (2025.12.31, 2025年12月31日): 3 — the year's targets end then;
- the text's own statement (「2025年，本部门…」「2025年度…」「全年」) in 第一部分, a 资金用途 or a
  绩效目标: 2;
- a 文号 of the latest year cited (「怀财字【2025】7号」): 1 each — budgets are issued in their year,
  older 文号 are laws and plans being cited;
- a year in a project name (「提前下达2024年…资金」「2024年中央财政…」): ½ — funds are named after the
  year they were granted, often the year before.

The year with the most weight wins when it has at least twice the weight of any other and is
backed by more than project names (names alone do, when they all name one year); otherwise
the document does not say, and the candidates are listed for the user to choose with ``--年度``.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from fractions import Fraction

from jixiao.checks.years import Mention, mentions
from jixiao.importer.found import FoundPartOne, FoundTable, short

_STATEMENT_FOLLOWS = ("，", ",", "、", "度", "全年", "本", "我", "部门", "单位", "工作", "预算", "计划", "目标", "将", "要", "是")
_FUND_WORDS = ("资金", "补助", "经费", "下达", "结转")


@dataclass
class YearGuess:
    """What the document says about its budget year."""

    weights: dict[int, Fraction] = field(default_factory=dict)
    #: For each year, a few places that mention it (for the message), with what kind of evidence.
    seen: dict[int, list[str]] = field(default_factory=dict)
    #: Years backed by more than project names.
    strong: set[int] = field(default_factory=set)

    def add(self, year: int, weight: Fraction, what: str, *, strong: bool = True) -> None:
        self.weights[year] = self.weights.get(year, Fraction(0)) + weight
        self.seen.setdefault(year, []).append(what)
        if strong:
            self.strong.add(year)

    @property
    def year(self) -> int | None:
        """The budget year, when the evidence is clear."""
        ranked = sorted(self.weights, key=lambda y: (-self.weights[y], -y))
        if not ranked or (ranked[0] not in self.strong and len(ranked) > 1):
            return None
        if len(ranked) > 1 and self.weights[ranked[0]] < 2 * self.weights[ranked[1]]:
            return None
        return ranked[0]

    def candidates(self) -> str:
        """「2025（文号「怀财字【2025】7号」等 3 处）、2024（…）」: what was seen, heaviest first."""
        ranked = sorted(self.weights, key=lambda y: (-self.weights[y], -y))
        parts = []
        for y in ranked[:4]:
            places = self.seen[y]
            more = f"等 {len(places)} 处" if len(places) > 1 else ""
            parts.append(f"{y}（{places[0]}{more}）")
        return "、".join(parts)

    def evidence(self, year: int) -> str:
        """A short account of what points at *year*."""
        places = self.seen.get(year, [])
        return f"{places[0]}等 {len(places)} 处" if len(places) > 1 else (places[0] if places else "")


def _is_statement(text: str, m: Mention) -> bool:
    after = text[m.start + 4:].lstrip()
    after = after[1:] if after.startswith("年") else after
    if any(word in after[:24].split("，")[0] for word in _FUND_WORDS):
        return False  # 「2024年中央财政…资金」 names a fund
    return after.startswith(_STATEMENT_FOLLOWS) or not after


def guess_year(tables: list[FoundTable], part_one: FoundPartOne | None) -> YearGuess:
    """Weigh every year the tables and 第一部分 write (see the module docstring)."""
    guess = YearGuess()
    docnos: dict[int, list[str]] = defaultdict(list)
    texts: list[tuple[str, str]] = [("第一部分", p) for p in (part_one.printed if part_one else [])]
    for t in tables:
        texts += [("资金用途", t.use), ("绩效目标", t.goal)]
        for r in t.rows:
            for m in mentions(r.value):
                if m.kind == "date":
                    guess.add(m.year, Fraction(3), f"指标值「{short(r.value, 14)}」")
            texts += [("指标", r.basis or ""), ("指标", r.description)]
        for m in mentions(t.name):
            if m.kind == "year":
                guess.add(m.year, Fraction(1, 2), f"项目名称「{short(t.name, 14)}」", strong=False)
        texts.append(("项目名称", t.name))
    for label, text in texts:
        for m in mentions(text):
            if m.kind == "docno":
                docnos[m.year].append(f"文号「{short(m.excerpt.strip(), 16)}」")
            elif m.kind == "year" and label not in ("指标", "项目名称") and _is_statement(text, m):
                guess.add(m.year, Fraction(2), f"{label}「{short(m.excerpt.strip(), 16)}」")
    if docnos:
        latest = max(docnos)
        for what in docnos[latest]:
            guess.add(latest, Fraction(1), what)
    return guess
