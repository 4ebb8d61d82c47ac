"""A rule pack's rules as :class:`~jixiao.checks.base.Rule` objects, checked before anything runs.

Every problem of a pack (a field that does not exist, a test that does not fit the
field, a regular expression RE2 refuses, an id used twice) is a positioned diagnostic;
one problem and the whole pack is refused, so nothing is checked with half a pack.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from decimal import Decimal, InvalidOperation
from pathlib import Path

from jixiao import limits
from jixiao.checks.base import CheckContext, Finding, Level, Rule
from jixiao.checks.packs import fields as fx
from jixiao.checks.packs import tests as tx
from jixiao.checks.packs.model import LEVELS, ConditionSpec, PackRuleSpec, RulePackSpec, TestSpec
from jixiao.checks.packs.pattern import Pattern, PatternError, compile_pattern
from jixiao.errors import Diagnostic, SpecError
from jixiao.model.document import IndicatorRow, ProjectTable, SourceRef
from jixiao.spec.yamlio import NodePath, Positions

_AMOUNT = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(亿元|万元|元)\s*$")
_FACTOR = {"元": Decimal(1), "万元": Decimal(10000), "亿元": Decimal(100000000)}
_PLACEHOLDER = re.compile(r"\{([^{}\s]{1,10})\}")
_FIELD_TESTS = ("须匹配", "不得匹配", "不得为空", "须为空", "最少字数", "最多字数", "不得重复", "数值", "金额合计")
_TABLE_TESTS = ("行数", "须有二级", "不适用行完整", "权重")


@dataclass(frozen=True)
class Reminder:
    """A rule marked for manual review (人工): listed in the report, never checked automatically."""

    id: str
    title: str
    category: str
    message: str
    hint: str | None
    pack: str
    path: Path
    line: int


@dataclass
class Clock:
    """The time all packs together may take on one spec (:data:`limits.MAX_PACK_SECONDS`)."""

    deadline: float = 0.0

    def start(self) -> None:
        self.deadline = time.monotonic() + limits.MAX_PACK_SECONDS

    def check(self, where: Diagnostic) -> None:
        if self.deadline and time.monotonic() > self.deadline:
            raise SpecError([where])


@dataclass
class Built:
    """What one pack gives: rules, reminders, and the problems that refuse it."""

    rules: list[Rule] = field(default_factory=list)
    reminders: list[Reminder] = field(default_factory=list)
    problems: list[Diagnostic] = field(default_factory=list)


def parse_amount(text: str) -> Decimal | None:
    """``500万元`` → 5000000 (元); None when *text* is not an amount with its unit."""
    m = _AMOUNT.match(text)
    if m is None:
        return None
    try:
        return Decimal(m.group(1)) * _FACTOR[m.group(2)]
    except InvalidOperation:
        return None


def fill(template: str, values: dict[str, str]) -> str:
    """*template* with ``{三级指标}``-style names replaced (unknown names kept as written)."""
    return _PLACEHOLDER.sub(lambda m: values.get(m.group(1), m.group(0)), template)


def _short(text: str, n: int = 40) -> str:
    text = " ".join(text.split())
    return text if len(text) <= n else text[:n] + "…"


class _Builder:
    def __init__(self, name: str, spec: RulePackSpec, pos: Positions, clock: Clock) -> None:
        self.name, self.spec, self.pos, self.clock = name, spec, pos, clock
        self.out = Built()

    def problem(self, node: NodePath, message: str, hint: str | None = None) -> None:
        self.out.problems.append(self.pos.diag(node, message, hint))

    def pattern(self, node: NodePath, text: str) -> Pattern | None:
        try:
            return compile_pattern(text)
        except PatternError as exc:
            self.problem(node, str(exc))
            return None

    def build(self) -> Built:
        for i, r in enumerate(self.spec.rules):
            node: NodePath = ("规则", i)
            if r.id.upper().startswith("JX"):
                self.problem((*node, "编号"), f"编号「{r.id}」以 JX 开头：JX 是 jixiao 自己的规则编号", "换一个前缀，如审核口径的编码")
                continue
            if r.manual:
                line, _ = self.pos.of(node)
                self.out.reminders.append(Reminder(r.id, r.title, r.category, r.message, r.hint, self.name,
                                                   self.pos.path, line))
                continue
            rule = self.rule(r, node)
            if rule is not None:
                self.out.rules.append(rule)
        return self.out

    def rule(self, r: PackRuleSpec, node: NodePath) -> Rule | None:
        assert r.target is not None and r.test is not None
        before = len(self.out.problems)
        scope = fx.scope_of(r.target)
        if scope is None:
            self.problem((*node, "对象"), f"没有「{r.target}」这一项", fx.known_fields())
            return None
        if (r.level1 or r.level2) and scope == "header":
            self.problem((*node, "二级" if r.level2 else "一级"), f"「{r.target}」是表头的项，不分一级、二级",
                         "删去 一级/二级，或把 对象 改为指标列（如 指标值）或 表")
        tests = self.tests(r.test, scope, r.target, r.level2, (*node, "检查"))
        when = self.condition(r.when, (*node, "条件"))
        if len(self.out.problems) > before or tests is None or when is None:
            return None
        line, col = self.pos.of(node)
        where = Diagnostic(self.pos.path, line, col,
                           f"规则包「{self.name}」运行超过 {limits.MAX_PACK_SECONDS} 秒，在规则 {r.id} 处停止，没有给出检查结果",
                           "多半是这条规则的正则表达式太复杂：请简化它，或用 --ignore 跳过这条规则")
        run = _Runner(r, scope, tests, when, self.clock, where)
        level: Level = LEVELS[r.level]  # type: ignore[assignment]
        rationale = r.message + (f"——{r.hint}" if r.hint else "")
        return Rule(r.id, level, f"规则包「{self.name}」", r.title, rationale, run, (), r.category, self.name,
                    covers=tuple(r.covers))

    def tests(self, t: TestSpec, scope: str, target: str, level2: list[str] | None, node: NodePath) -> tx.Tests | None:
        written = t.written()
        keys = [str(type(t).model_fields[k].alias) for k in written]
        wrong = [k for k in keys if (k in _TABLE_TESTS) != (scope == "table")]
        if wrong:
            for k in wrong:
                if scope == "table":
                    self.problem((*node, k), f"「{k}」检查一项文字，对象 却是 表", "把 对象 改为要检查的项，如 政策依据、指标值")
                else:
                    self.problem((*node, k), f"「{k}」检查整张表，对象 应写 表", f"把 对象 改为 表（现在是 {target}）")
            return None
        ft: list[tx.FieldTest] = []
        tt: list[tx.TableTest] = []
        if t.match is not None and (p := self.pattern((*node, "须匹配"), t.match)):
            ft.append(tx.matches(p))
        if t.no_match is not None and (p := self.pattern((*node, "不得匹配"), t.no_match)):
            ft.append(tx.not_matching(p))
        if t.not_empty:
            ft.append(tx.not_empty)
        if t.empty:
            ft.append(tx.empty)
        if t.min_chars is not None:
            ft.append(tx.min_chars(t.min_chars))
        if t.max_chars is not None:
            ft.append(tx.max_chars(t.max_chars))
        if t.not_repeating is not None:
            other = fx.scope_of(t.not_repeating)
            if other not in ("row", "header") or (other == "row" and scope != "row"):
                self.problem((*node, "不得重复"), f"不得重复 的「{t.not_repeating}」不是可比较的一项",
                             "写同一行的指标列（如 三级指标）或表头的项（如 项目名称）")
            else:
                ft.append(tx.not_repeating(t.not_repeating))
        if t.compare is not None:
            how, other_ = t.compare.pair()
            if isinstance(other_, str) and not fx.is_amount(other_):
                self.problem((*node, "数值", how), f"「{other_}」不是金额项", "写 预算数、财政资金、其他资金、项目总金额 等，或写一个数")
            else:
                ft.append(tx.compare(t.compare, target))
        if t.amounts is not None:
            if not fx.is_amount(t.amounts.equals):
                self.problem((*node, "金额合计", "等于"), f"「{t.amounts.equals}」不是金额项", "写 预算数 等金额项")
            else:
                ft.append(tx.amounts_add_up(t.amounts))
        if t.rows is not None:
            tt.append(tx.row_count(t.rows, level2))
        if t.level2_present is not None:
            tt.append(tx.level2_present(t.level2_present))
        if t.not_applicable:
            tt.append(tx.not_applicable_whole)
        if t.weights is not None:
            tt.append(tx.weights(t.weights))
        return tx.Tests(tuple(ft), tuple(tt))

    def condition(self, c: ConditionSpec | None, node: NodePath) -> _When | None:
        if c is None:
            return _When()
        ok = True
        bounds: list[Decimal | None] = []
        for key, text in (("预算数达", c.budget_from), ("预算数低于", c.budget_below)):
            value = parse_amount(text) if text is not None else None
            if text is not None and value is None:
                self.problem((*node, key), f"「{text}」不是带单位的金额", "写成 500万元 或 5000000元")
                ok = False
            bounds.append(value)
        for name in c.filled or []:
            if fx.scope_of(name) not in ("row", "header"):
                self.problem((*node, "已填"), f"没有「{name}」这一项", fx.known_fields())
                ok = False
        patterns: list[tuple[str, Pattern]] = []
        for name, text in (c.matching or {}).items():
            if fx.scope_of(name) != "header":
                self.problem((*node, "匹配", name), f"「{name}」不是表头的项", "匹配 只看表头的项，如 项目类型、项目名称")
                ok = False
            elif (p := self.pattern((*node, "匹配", name), text)) is not None:
                patterns.append((name, p))
            else:
                ok = False
        if not ok:
            return None
        return _When(bounds[0], bounds[1], tuple(c.frameworks or ()), tuple(c.filled or ()), tuple(patterns))


@dataclass(frozen=True)
class _When:
    budget_from: Decimal | None = None
    budget_below: Decimal | None = None
    frameworks: tuple[str, ...] = ()
    filled: tuple[str, ...] = ()
    matching: tuple[tuple[str, Pattern], ...] = ()

    def holds(self, t: ProjectTable) -> bool:
        budget = fx.amount_yuan(t, t.budget)
        if self.budget_from is not None and budget < self.budget_from:
            return False
        if self.budget_below is not None and budget >= self.budget_below:
            return False
        if self.frameworks and not any(t.framework.startswith(f) for f in self.frameworks):
            return False
        for name in self.filled:
            if fx.scope_of(name) == "row":
                if not any(fx.row_text(r, name).strip() for r in t.indicators):
                    return False
            elif not fx.header_text(t, name).strip():
                return False
        return all(p.search(fx.header_text(t, name)) for name, p in self.matching)


@dataclass(frozen=True)
class _Runner:
    """The function of a pack rule: its tests over the tables it applies to."""

    spec: PackRuleSpec
    scope: str
    tests: tx.Tests
    when: _When
    clock: Clock
    where: Diagnostic

    def __call__(self, ctx: CheckContext, rule: Rule) -> Iterator[Finding]:
        for table in ctx.doc.tables():
            self.clock.check(self.where)
            if self.when.holds(table):
                yield from self.table(table, rule)

    def _rows(self, t: ProjectTable) -> list[IndicatorRow]:
        s = self.spec
        return [r for r in t.indicators
                if (not s.level1 or r.level1 in s.level1) and (not s.level2 or r.level2 in s.level2)]

    def table(self, t: ProjectTable, rule: Rule) -> Iterator[Finding]:
        name = self.spec.target or ""
        if self.scope == "header":
            text = fx.header_text(t, name)
            detail = self.first_failure(t, None, text)
            if detail is not None:
                yield self.finding(rule, t, None, text, detail, fx.header_source(t, name))
        elif self.scope == "row":
            for r in self._rows(t):
                text = fx.row_text(r, name)
                detail = self.first_failure(t, r, text)
                if detail is not None:
                    yield self.finding(rule, t, r, text, detail, fx.row_source(r, name))
        else:
            rows = self._rows(t)
            for test in self.tests.table:
                for at, detail in test(t, rows):
                    source = fx.row_source(at, "二级指标") if at is not None else t.source
                    yield self.finding(rule, t, at, "", detail, source)

    def first_failure(self, t: ProjectTable, r: IndicatorRow | None, text: str) -> str | None:
        for test in self.tests.field:
            detail = test(t, r, text)
            if detail is not None:
                return detail
        return None

    def finding(self, rule: Rule, t: ProjectTable, r: IndicatorRow | None, text: str, detail: str,
                source: SourceRef) -> Finding:
        values = {"项目名称": t.name, "字段": self.spec.target or "", "内容": _short(text), "预算数": t.budget_text}
        if r is not None:
            values.update({"一级指标": r.level1, "二级指标": r.level2, "三级指标": r.level3, "指标值": r.value})
        message = fill(self.spec.message, values)
        if detail:
            message = f"{message}（{detail}）"
        hint = fill(self.spec.hint, values) if self.spec.hint else None
        group = _PLACEHOLDER.sub("…", self.spec.message)
        f = rule.at(source, message, hint, table=t, group=group, group_hint=hint)
        return replace(f, field=self.spec.target) if self.scope != "table" else f


def build_pack(name: str, spec: RulePackSpec, pos: Positions, clock: Clock) -> Built:
    """The rules and reminders of pack *name*, or its problems."""
    return _Builder(name, spec, pos, clock).build()

