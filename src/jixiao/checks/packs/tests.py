"""The tests of a pack rule (``检查``), each a small function over one field or one table.

A field test gets the text of the field (and the table and row it belongs to) and
returns None when the text passes, else a detail for the message ("" when the
rule's 意见 says it all). A table test returns (row or None, detail) per problem.

Field tests: 须匹配 / 不得匹配 (a regular expression, run by RE2; an empty field is
left to 不得为空), 不得为空, 须为空, 最少字数 / 最多字数, 不得重复 (another field's text
and fewer than four characters more), 数值 (the number compared with an amount field
such as 预算数, or with a number; money is compared in 元), 金额合计 (the amounts the
text lists add up to an amount field). Table tests: 行数 (indicator rows, per 二级 when
the rule names 二级), 须有二级 (each 二级 written, as an indicator or a 「不适用」 row),
不适用行完整 (a row 「不适用」 in one of 三级/指标值/指标解释 is so in all three),
权重 (the 一级 weights of 财预〔2021〕101号, when the rows give 权重).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from jixiao.checks.packs import fields as fx
from jixiao.checks.packs.amounts import listed_amounts
from jixiao.checks.packs.model import CompareSpec, CountSpec, SumSpec, WeightSpec
from jixiao.checks.packs.pattern import Pattern
from jixiao.model.document import IndicatorRow, ProjectTable
from jixiao.model.framework import NOT_APPLICABLE
from jixiao.model.money import format_money
from jixiao.model.values import plain_number

FieldTest = Callable[[ProjectTable, IndicatorRow | None, str], str | None]
TableTest = Callable[[ProjectTable, list[IndicatorRow]], list[tuple[IndicatorRow | None, str]]]

_PUNCT = re.compile(r"[\s，。、；：:,.;（）()《》“”\"'·…-]+")
#: Characters a text must add to another field's to be more than a repetition of it.
MIN_OWN_CHARS = 4
COST_LEVEL2 = ("成本指标", "经济成本指标")


def matches(p: Pattern) -> FieldTest:
    return lambda t, r, text: None if not text.strip() or p.search(text) else ""


def not_matching(p: Pattern) -> FieldTest:
    return lambda t, r, text: "" if text.strip() and p.search(text) else None


def not_empty(t: ProjectTable, r: IndicatorRow | None, text: str) -> str | None:
    return "" if not text.strip() else None


def empty(t: ProjectTable, r: IndicatorRow | None, text: str) -> str | None:
    return "" if text.strip() else None


def min_chars(n: int) -> FieldTest:
    return lambda t, r, text: f"{len(text.strip())} 个字" if 0 < len(text.strip()) < n else None


def max_chars(n: int) -> FieldTest:
    return lambda t, r, text: f"{len(text.strip())} 个字" if len(text.strip()) > n else None


def _other_text(t: ProjectTable, r: IndicatorRow | None, name: str) -> str:
    if fx.scope_of(name) == "row":
        return fx.row_text(r, name) if r is not None else ""
    return fx.header_text(t, name)


def not_repeating(name: str) -> FieldTest:
    def test(t: ProjectTable, r: IndicatorRow | None, text: str) -> str | None:
        other = _PUNCT.sub("", _other_text(t, r, name))
        own = _PUNCT.sub("", text)
        if not own or not other or other not in own:
            return None
        return "" if len(own) - len(other) < MIN_OWN_CHARS else None

    return test


def _this_number(t: ProjectTable, r: IndicatorRow | None, name: str, text: str, *, money: bool) -> Decimal | None:
    """The field's number; in 元 when compared with money (None when it is no amount)."""
    if r is not None:
        got = fx.row_number(r)
        if got is None:
            return None
        number, unit = got
        return fx.money_in_yuan(number, unit) if money else number
    if fx.is_amount(name):
        value = fx.amount(t, name)
        if value is None:
            return None
        return value if money else fx.first_number(fx.header_text(t, name))
    return fx.first_number(text)


_OPS: dict[str, Callable[[Decimal, Decimal], bool]] = {
    "不大于": lambda a, b: a <= b, "小于": lambda a, b: a < b, "不小于": lambda a, b: a >= b,
    "大于": lambda a, b: a > b, "等于": lambda a, b: a == b,
}


def compare(spec: CompareSpec, name: str) -> FieldTest:
    how, other = spec.pair()
    op = _OPS[how]

    def test(t: ProjectTable, r: IndicatorRow | None, text: str) -> str | None:
        if isinstance(other, str):
            limit = fx.amount(t, other)
            number = _this_number(t, r, name, text, money=True)
            if limit is None or number is None:
                return None
            if op(number, limit):
                return None
            return f"{other} {format_money(fx.amount_in(t, limit), t.money_unit)}{t.money_unit}"
        number = _this_number(t, r, name, text, money=False)
        if number is None or op(number, other):
            return None
        return f"应{how} {plain_number(other)}"

    return test


def amounts_add_up(spec: SumSpec) -> FieldTest:
    def test(t: ProjectTable, r: IndicatorRow | None, text: str) -> str | None:
        items, total = listed_amounts(text)
        if not items and total is None:
            return None
        target = fx.amount(t, spec.equals)
        if target is None:
            return None
        tolerance = fx.amount_yuan(t, spec.tolerance)
        unit = t.money_unit
        shown = fx.amount_in(t, sum(items, Decimal(0)) if items else (total or Decimal(0)))
        if items and total is not None and sum(items, Decimal(0)) != total:
            return f"各项合计 {plain_number(fx.amount_in(t, sum(items, Decimal(0))))}{unit}，写的合计是 " \
                   f"{plain_number(fx.amount_in(t, total))}{unit}"
        got = sum(items, Decimal(0)) if items else total or Decimal(0)
        if abs(got - target) > tolerance:
            return f"列出的金额合计 {plain_number(shown)}{unit}，{spec.equals} {format_money(fx.amount_in(t, target), unit)}{unit}"
        return None

    return test


def row_count(spec: CountSpec, level2: list[str] | None) -> TableTest:
    def check(n: int, what: str) -> str | None:
        if spec.least is not None and n < spec.least:
            return f"{what}{n} 行，至少应有 {spec.least} 行"
        if spec.most is not None and n > spec.most:
            return f"{what}{n} 行，最多 {spec.most} 行"
        return None

    def test(t: ProjectTable, rows: list[IndicatorRow]) -> list[tuple[IndicatorRow | None, str]]:
        if not level2:
            detail = check(len(rows), "指标共 ")
            return [] if detail is None else [(rows[0] if rows else None, detail)]
        out: list[tuple[IndicatorRow | None, str]] = []
        for name in level2:
            mine = [r for r in rows if r.level2 == name]
            detail = check(len(mine), f"{name} ")
            if detail is not None:
                out.append((mine[0] if mine else None, detail))
        return out

    return test


def level2_present(names: list[str] | str) -> TableTest:
    def test(t: ProjectTable, rows: list[IndicatorRow]) -> list[tuple[IndicatorRow | None, str]]:
        wanted = [n for kids in t.framework_levels.values() for n in kids] if names == "指标体系" else list(names)
        present = {r.level2 for r in t.rows}
        return [(None, f"没有「{n}」（没有指标时写一行「不适用」）") for n in wanted if n not in present]

    return test


def _na(text: str) -> bool:
    return text.strip() == NOT_APPLICABLE


def not_applicable_whole(t: ProjectTable, rows: list[IndicatorRow]) -> list[tuple[IndicatorRow | None, str]]:
    out: list[tuple[IndicatorRow | None, str]] = []
    for r in t.rows:
        cells = {"三级指标": r.level3, "指标值": r.value, "指标解释": r.explanation}
        marked = [k for k, v in cells.items() if _na(v)]
        if marked and len(marked) < len(cells):
            rest = [k for k in cells if k not in marked]
            out.append((r, f"「{r.level2}」这一行的{'、'.join(marked)}写了「不适用」，{'、'.join(rest)}却没有"))
    return out


def _is_cost(r: IndicatorRow) -> bool:
    return r.level2 in COST_LEVEL2 or r.level1 == "成本指标"


def weights(spec: WeightSpec) -> TableTest:
    def test(t: ProjectTable, rows: list[IndicatorRow]) -> list[tuple[IndicatorRow | None, str]]:
        given = [r for r in rows if r.weight is not None]
        if not given:
            return []
        missing = [r for r in rows if r.weight is None]
        if missing:
            return [(r, f"「{r.level3}」没有写权重") for r in missing]
        expected = dict(spec.with_cost if any(_is_cost(r) for r in rows) else spec.without_cost)
        if spec.no_satisfaction_to and "满意度指标" in expected and not any(r.level1 == "满意度指标" for r in rows):
            expected[spec.no_satisfaction_to] = expected.get(spec.no_satisfaction_to, Decimal(0)) + expected.pop("满意度指标")
        sums: dict[str, Decimal] = {}
        for r in rows:
            sums[r.level1] = sums.get(r.level1, Decimal(0)) + (r.weight or Decimal(0))
        out: list[tuple[IndicatorRow | None, str]] = []
        for level1 in dict.fromkeys([*expected, *sums]):
            got, want = sums.get(level1, Decimal(0)), expected.get(level1, Decimal(0))
            if got != want:
                first = next((r for r in rows if r.level1 == level1), None)
                out.append((first, f"{level1}权重合计 {plain_number(got)}，应为 {plain_number(want)}"))
        return out

    return test


@dataclass(frozen=True)
class Tests:
    """A rule's compiled tests."""

    field: tuple[FieldTest, ...] = ()
    table: tuple[TableTest, ...] = ()
