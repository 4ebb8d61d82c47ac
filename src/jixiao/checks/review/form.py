"""What the 审核表 says: one entry per project, its problems by category, its grade.

A finding counts for every project whose table it concerns (a preset line used by
ten projects is a problem of each). Findings that concern no table (第一部分, 部门.yaml)
are listed apart, under 「全文」. Problems are numbered per category: 「1. 意见。建议：…」.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from jixiao.checks.base import LEVEL_LABEL, Finding
from jixiao.checks.categories import CATEGORIES
from jixiao.checks.packs.build import Reminder
from jixiao.checks.packs.model import GradingSpec
from jixiao.checks.report import place
from jixiao.model.document import Document, ProjectTable


@dataclass
class Entry:
    """One project (or 全文) on the form."""

    code: str
    name: str
    unit: str
    budget: str
    findings: list[Finding] = field(default_factory=list)
    grade: str = ""
    #: The entry of findings that concern no project (部门.yaml, 第一部分).
    whole: bool = False

    def by_category(self) -> dict[str, list[Finding]]:
        out: dict[str, list[Finding]] = {c: [] for c in CATEGORIES}
        for f in self.findings:
            out.setdefault(f.category or "规范性", []).append(f)
        return out

    def counts(self) -> Counter[tuple[str, str]]:
        """(level, category) → findings; (level, "") → findings of the level."""
        c: Counter[tuple[str, str]] = Counter()
        for f in self.findings:
            c[f.level, f.category] += 1
            c[f.level, ""] += 1
        return c


@dataclass
class ReviewForm:
    """The whole form: the entries, every finding with its place, the reminders and the grading used."""

    title: str
    money_unit: str
    entries: list[Entry]
    places: list[tuple[Entry, Finding, str]]
    reminders: list[Reminder]
    grading: GradingSpec


def problem_text(f: Finding) -> str:
    """``意见（规则 级别）。建议：…``"""
    hint = f"建议：{f.hint}" if f.hint else ""
    head = f.message.rstrip("。")
    return f"{head}（{f.rule}，{LEVEL_LABEL[f.level]}）。{hint}"


def numbered(findings: list[Finding]) -> str:
    """The problems of one category, one per line, numbered 1. 2. …"""
    return "\n".join(f"{i}. {problem_text(f)}" for i, f in enumerate(findings, 1))


def grade(entry: Entry, grading: GradingSpec) -> str:
    """The first grade whose 任一 the entry meets; the last grade otherwise."""
    counts = entry.counts()
    for g in grading.grades[:-1]:
        for c in g.any_of:
            level = {"错误": "error", "警告": "warning", "提示": "info"}[c.level]
            if counts[level, c.category or ""] >= c.least:
                return g.name
    return grading.grades[-1].name


def _entry(t: ProjectTable) -> Entry:
    return Entry(t.code or "", t.name, t.unit_name, t.budget_text)


def review_form(doc: Document, findings: list[Finding], root: Path, base: Path | None,
                reminders: list[Reminder], grading: GradingSpec) -> ReviewForm:
    """The 审核表 of *doc*: every table in document order, then 全文 when a finding concerns no table."""
    entries = {t.number: _entry(t) for t in doc.tables()}
    whole = Entry("", "全文（部门.yaml、第一部分等）", "", "", whole=True)
    places: list[tuple[Entry, Finding, str]] = []
    for f in sorted(findings, key=lambda f: (f.path, f.line, f.col, f.rule)):
        where = place(f, root, base)
        mine = [entries[n] for n in f.tables if n in entries] or [whole]
        for e in mine:
            e.findings.append(f)
            places.append((e, f, where))
    out = list(entries.values()) + ([whole] if whole.findings else [])
    for e in out:
        e.grade = grade(e, grading)
    order = {id(e): i for i, e in enumerate(out)}
    places.sort(key=lambda p: (order[id(p[0])], list(CATEGORIES).index(p[1].category) if p[1].category in CATEGORIES else 99))
    return ReviewForm(f"{doc.year}年{doc.department}项目支出绩效目标审核表", doc.money_unit, out, places,
                      reminders, grading)


def grades_note(grading: GradingSpec) -> list[str]:
    """``优：没有错误和警告…`` for each grade."""
    return [f"{g.name}：{g.meaning}" for g in grading.grades]
