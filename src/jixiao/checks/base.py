"""The rule machinery: a rule is a documented function that yields findings.

Each rule lives in one of the ``rules_*.py`` modules and registers itself with
:func:`rule`. A rule reads only the expanded document model (and the
vocabulary); it never touches YAML. Positions come from the model's sources.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Literal

from jixiao.checks.categories import BUILTIN as BUILTIN_CATEGORIES
from jixiao.model.document import Document, IndicatorRow, ProjectTable, SourceRef

Level = Literal["error", "warning", "info"]
LEVEL_LABEL: dict[str, str] = {"error": "错误", "warning": "警告", "info": "提示"}


@dataclass(frozen=True)
class Finding:
    """One problem found by a rule, at one place."""

    rule: str
    level: Level
    path: str
    line: int
    col: int
    message: str
    hint: str | None = None
    fix: str | None = None
    tables: tuple[int, ...] = ()
    #: The message without what is particular to one table (「X」没有成本指标 → 没有成本指标):
    #: findings of one rule with the same ``group`` are shown once, with the list of places.
    group: str | None = None
    #: The hint shown with ``group`` when the tables' own hints differ.
    group_hint: str | None = None
    #: 项目编码 of the tables concerned (filled in by :func:`jixiao.checks.located.locate`).
    codes: tuple[str, ...] = ()
    #: The field (cell) the finding is about, by its printed label: 指标值, 三级指标, 资金用途 …
    field: str | None = None
    #: The review category (审核类别: 完整性, 相关性 …, see :mod:`jixiao.checks.categories`).
    category: str = ""
    #: The printed text ``fix`` replaces (given by the rules ``--fix`` applies).
    replaces: str | None = None
    #: The workbook cell (``项目绩效目标表!F12``) when a workbook was checked as it is
    #: (``path`` is then the workbook, ``line``/``col`` the cell's row and column).
    cell: str | None = None

    @property
    def group_key(self) -> tuple[str, str, str]:
        """Findings with equal keys are the same problem (in different places)."""
        return (self.rule, self.level, self.group or self.message)


@dataclass(frozen=True)
class Vocabulary:
    """Known indicator texts, typo pairs and vague values (templates/checks/词表.yaml)."""

    terms: frozenset[str]
    typos: tuple[tuple[str, str, str | None], ...]
    vague: frozenset[str]
    #: (wrong, right): homophones that pinyin input puts in place of a domain term.
    homophones: tuple[tuple[str, str], ...] = ()
    #: Right words in which a wrong homophone does not count (律师).
    homophone_exceptions: tuple[str, ...] = ()
    #: Spellings of one term; the first is the one to keep.
    variants: tuple[tuple[str, ...], ...] = ()


@dataclass
class CheckContext:
    """What every rule may read."""

    doc: Document
    vocab: Vocabulary

    def rows(self) -> Iterator[tuple[ProjectTable, IndicatorRow]]:
        """Every indicator row with its table."""
        for table in self.doc.tables():
            for row in table.indicators:
                yield table, row


RuleFn = Callable[[CheckContext, "Rule"], Iterator[Finding]]


@dataclass(frozen=True)
class Rule:
    """A documented check."""

    id: str
    level: Level
    family: str
    title: str
    rationale: str
    fn: RuleFn = field(compare=False)
    #: Other levels the rule may give, each explained in ``rationale`` (JX302: 补助标准 → 警告).
    also: tuple[Level, ...] = ()
    #: The review category (审核类别).
    category: str = ""
    #: The rule pack the rule comes from (None: jixiao's own).
    pack: str | None = None
    #: Its ``fix`` is safe and mechanical: ``jixiao check --fix`` writes it into the spec.
    fixable: bool = False
    #: Rules that say the same thing (a pack's 涵盖): where this one reports, they are not listed too.
    covers: tuple[str, ...] = ()

    @property
    def levels(self) -> tuple[Level, ...]:
        """Every level this rule may give: its own first."""
        return (self.level, *self.also)

    def at(
        self,
        source: SourceRef,
        message: str,
        hint: str | None = None,
        *,
        fix: str | None = None,
        table: ProjectTable | None = None,
        level: Level | None = None,
        group: str | None = None,
        group_hint: str | None = None,
        replaces: str | None = None,
    ) -> Finding:
        """A finding of this rule at *source*.

        *group* is *message* without the table's own name or numbers, for showing
        the same finding of many tables once (and *group_hint* its hint). *replaces*
        is the whole printed text that *fix* is the corrected form of.
        """
        return Finding(
            rule=self.id,
            level=level or self.level,
            path=source.path,
            line=source.line,
            col=source.col,
            message=message,
            hint=hint,
            fix=fix,
            tables=(table.number,) if table is not None else (),
            group=group,
            group_hint=group_hint,
            category=self.category,
            replaces=replaces,
        )


RULES: dict[str, Rule] = {}

FAMILIES = {
    "JX1": "错别字与用词",
    "JX2": "指标值与计量单位",
    "JX3": "成本与预算",
    "JX4": "表格结构与指标体系",
    "JX5": "照抄与空泛",
    "JX6": "文号与标点",
}


def rule(
    rule_id: str, level: Level, title: str, rationale: str, *, also: tuple[Level, ...] = (), fixable: bool = False
) -> Callable[[RuleFn], Rule]:
    """Register the decorated function as rule *rule_id*.

    The function is called as ``fn(ctx, rule)`` and makes findings with ``rule.at(…)``.
    A rule that gives another level in some cases lists it in *also* and says when
    in *rationale* (a test holds every finding to its rule's documented levels).
    A rule is *fixable* when every ``fix`` it gives is the text the cell should print
    and changing it cannot change what the text means (``jixiao check --fix``).
    """

    def register(fn: RuleFn) -> Rule:
        family = FAMILIES[rule_id[:3]]
        r = Rule(rule_id, level, family, title, rationale, fn, also, category=BUILTIN_CATEGORIES[rule_id], fixable=fixable)
        if rule_id in RULES:
            raise ValueError(f"duplicate rule id {rule_id}")
        RULES[rule_id] = r
        return r

    return register

