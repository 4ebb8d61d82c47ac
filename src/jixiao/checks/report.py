"""Printing findings (text, JSON) and the rule list (text, Markdown for docs/rules.md)."""

from __future__ import annotations

import json
import os
import unicodedata
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from itertools import groupby
from pathlib import Path

from jixiao.checks.base import FAMILIES, LEVEL_LABEL, RULES, Finding, Rule
from jixiao.model.tableref import TableRefs, number_runs


def shown_path(root: Path, path: str, base: Path | None = None) -> str:
    """A finding's file as the user should see it: relative to *base* (the cwd) when possible."""
    if path.startswith("jixiao:"):
        return path
    full = (root / path).resolve()
    if base is not None:
        relative = Path(os.path.relpath(full, base.resolve())).as_posix()
        if not relative.startswith(".."):
            return relative
    return full.as_posix()


def place(f: Finding, root: Path, base: Path | None = None) -> str:
    """Where *f* is, as the user should see it: ``file:line:col``, or its workbook cell ``Sheet!C7``."""
    return f.cell if f.cell is not None else f"{shown_path(root, f.path, base)}:{f.line}:{f.col}"


def table_numbers(numbers: Iterable[int], limit: int = 12) -> str:
    """``第 2、3、5～14、37 表``: runs of consecutive tables as ranges, at most *limit* items."""
    return f"第 {number_runs(numbers, limit)} 表"


def _note(places: int, tables: set[int], refs: TableRefs | None = None) -> str:
    """（涉及 18 张表：第 19～36 表）, with the number of places when it says more; tables as the reader
    numbers them when *refs* is given (第三部分第 1～8 表)."""
    if not tables:
        return f"（共 {places} 处）" if places > 1 else ""
    if len(tables) <= 1 and places <= 1:
        return ""
    where = f"共 {places} 处，" if places not in (1, len(tables)) else ""
    shown = refs.many(tables) if refs is not None else table_numbers(tables)
    return f"（{where}涉及 {len(tables)} 张表：{shown}）"


@dataclass
class Group:
    """The same finding in several places (or one place used by several tables), shown once."""

    findings: list[Finding] = field(default_factory=list)

    @property
    def first(self) -> Finding:
        return self.findings[0]

    def line(self, root: Path, base: Path | None, refs: TableRefs | None = None) -> str:
        """The group's first place, rule, level, message, hint and the tables it concerns."""
        f = self.first
        message, hint = f.message, f.hint
        if len(self.findings) > 1:
            if len({g.message for g in self.findings}) > 1:
                message = f.group or f.message
            hints = {g.hint for g in self.findings}
            hint = hints.pop() if len(hints) == 1 else f.group_hint
        tables = {n for g in self.findings for n in g.tables}
        tail = f" — {hint}" if hint else ""
        return (f"{place(f, root, base)}: {f.rule} {LEVEL_LABEL[f.level]} "
                f"{message}{tail}{_note(len(self.findings), tables, refs)}")


def group_findings(findings: list[Finding]) -> list[Group]:
    """Findings grouped by rule, level and message (without table names), in order of first place."""
    groups: dict[tuple[str, str, str], Group] = {}
    for f in sorted(findings, key=lambda f: (f.path, f.line, f.col, f.rule)):
        groups.setdefault(f.group_key, Group()).findings.append(f)
    return list(groups.values())


def format_text(findings: list[Finding], root: Path, base: Path | None = None, refs: TableRefs | None = None) -> str:
    """ruff-style lines by file, then a summary line; empty when there is nothing.

    The same finding in many tables is one line at its first place, with the
    other places listed below it, indented, one per line. *refs* names the tables as
    the document prints their numbers.
    """
    if not findings:
        return ""
    groups = group_findings(findings)
    out: list[str] = []
    for _, in_file in groupby(groups, key=lambda g: g.first.path):
        for g in in_file:
            out.append(g.line(root, base, refs))
            out += [f"    {place(f, root, base)}" for f in g.findings[1:]]
        out.append("")
    out.append(summary(findings, len(groups)))
    return "\n".join(out) + "\n"


def summary(findings: list[Finding], shown: int | None = None) -> str:
    """``共 12 条：错误 2 条，警告 9 条，提示 1 条。`` (and how many lines they took when grouped)."""
    levels = Counter(f.level for f in findings)
    parts = [f"{LEVEL_LABEL[lv]} {levels[lv]} 条" for lv in ("error", "warning", "info") if levels[lv]]
    merged = f"（相同的问题合并后 {shown} 项）" if shown is not None and shown != len(findings) else ""
    return f"共 {len(findings)} 条{merged}：{'，'.join(parts)}。"


_ORDER = {"error": 0, "warning": 1, "info": 2}


def _by_rule(findings: list[Finding]) -> list[tuple[str, str, int, int]]:
    """(rule, level, findings, tables) per rule and level: errors first, then by rule."""
    count: Counter[tuple[str, str]] = Counter()
    tables: dict[tuple[str, str], set[int]] = {}
    for f in findings:
        count[f.rule, f.level] += 1
        tables.setdefault((f.rule, f.level), set()).update(f.tables)
    keys = sorted(count, key=lambda k: (_ORDER[k[1]], k[0]))
    return [(rule, level, count[rule, level], len(tables[rule, level])) for rule, level in keys]


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))


def _title(rule: str, titles: dict[str, str] | None) -> str:
    return (titles or {}).get(rule) or (RULES[rule].title if rule in RULES else "")


def format_summary(findings: list[Finding], titles: dict[str, str] | None = None) -> str:
    """``--summary``: how many findings each rule gave, errors first; empty when there is nothing.

    *titles* names the rules of rule packs.
    """
    if not findings:
        return ""
    rows = [("规则", "级别", "条数", "涉及表", "名称")]
    rows += [(rule, LEVEL_LABEL[level], str(n), str(t) if t else "—", _title(rule, titles))
             for rule, level, n, t in _by_rule(findings)]
    widths = [max(_width(r[i]) for r in rows) for i in range(4)]
    out = []
    for r in rows:
        cells = [_pad(r[0], widths[0]), _pad(r[1], widths[1])]
        cells += [" " * (widths[i] - _width(r[i])) + r[i] for i in (2, 3)]
        out.append("  ".join([*cells, r[4]]))
    return "\n".join([*out, "", summary(findings)]) + "\n"


def summary_json(findings: list[Finding], titles: dict[str, str] | None = None) -> str:
    """``--summary --format json``: the counts per rule and level."""
    levels = Counter(f.level for f in findings)
    data = {
        "rules": [{"rule": rule, "level": level, "title": _title(rule, titles), "count": n, "tables": t}
                  for rule, level, n, t in _by_rule(findings)],
        "summary": {"total": len(findings), **{lv: levels[lv] for lv in ("error", "warning", "info")}},
    }
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def format_json(findings: list[Finding], root: Path, base: Path | None = None) -> str:
    """Machine-readable findings for CI and editors."""
    levels = Counter(f.level for f in findings)
    data = {
        "findings": [
            {
                "rule": f.rule,
                "level": f.level,
                "file": shown_path(root, f.path, base),
                "line": f.line,
                "column": f.col,
                **({"cell": f.cell} if f.cell is not None else {}),
                "message": f.message,
                "hint": f.hint,
                "fix": f.fix,
                "tables": list(f.tables),
                "codes": list(f.codes),
                "field": f.field,
                "category": f.category,
            }
            for f in findings
        ],
        "summary": {"total": len(findings), **{lv: levels[lv] for lv in ("error", "warning", "info")}},
    }
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def level_text(r: Rule) -> str:
    """``错误``, or ``错误 / 警告`` for a rule that also gives another level (its rationale says when)."""
    return " / ".join(LEVEL_LABEL[lv] for lv in r.levels)


_FIXABLE = "（`jixiao check --fix` 自动改正）"


def rules_markdown(packs: Iterable[tuple[str, str, list[Rule]]] = ()) -> str:
    """docs/rules.md: every rule by family, with its level, category and rationale; then each pack's (title, note, rules)."""
    out = [
        "# jixiao check 规则",
        "",
        "本文件由 `jixiao check --list-rules --format markdown` 生成，请勿手工修改。",
        "",
        "关闭规则：命令行 `--ignore JX110`（或 `--select JX2` 只运行某一类）；部门.yaml 或项目文件中写",
        "`检查: {忽略: [JX110]}`；或在某一行末尾写注释 `# jixiao: ignore[JX110]`"
        "（不写编号则忽略该行的全部规则）。",
        "",
        "级别：**错误** 使 `jixiao check` 以退出码 1 结束；**警告**、**提示** 只列出。"
        "写着「错误 / 警告」的规则在说明所述的情形下给出警告。",
        "",
        "类别：审核表（`jixiao check --format xlsx`）按类别分列问题——完整性、相关性、可测性、可行性、资金匹配性，"
        "以及错别字、标点等的规范性。",
        "说明中写着「`jixiao check --fix` 自动改正」的规则，改法是机械的、不改变意思："
        "`jixiao check 规格 --fix` 把它们改进规格文件（保留注释和格式），`--diff` 只显示会怎样改。",
        "",
    ]
    for prefix, family in FAMILIES.items():
        rules = [r for rid, r in sorted(RULES.items()) if rid.startswith(prefix)]
        out += [f"## {prefix}xx {family}", "", *rules_table(rules)]
    for title, note, rules in packs:
        out += [f"## 规则包「{title}」", "", note, "", *rules_table(rules)]
    return "\n".join(out)


def _covers(rule: Rule) -> str:
    """``（涵盖 JX208、XM09）``: the rules a pack's rule covers (not listed again where it reports)."""
    return f"（涵盖 {'、'.join(rule.covers)}）" if rule.covers else ""


def rules_table(rules: Iterable[Rule]) -> list[str]:
    """A Markdown table of *rules*: id, level, category, title, rationale."""
    out = ["| 规则 | 级别 | 类别 | 名称 | 说明 |", "|---|---|---|---|---|"]
    out += [f"| {r.id} | {level_text(r)} | {r.category} | {r.title} | {r.rationale}{_covers(r)}{_FIXABLE if r.fixable else ''} |"
            for r in rules]
    return [*out, ""]


def rules_text(extra: Iterable[Rule] = ()) -> str:
    """The rule list for the terminal (jixiao's rules, then *extra* from rule packs)."""
    every = [*(r for _, r in sorted(RULES.items())), *extra]
    return "\n".join(f"{r.id}  {level_text(r)}  {r.category}  {r.title} — {r.rationale}{_covers(r)}" for r in every) + "\n"


def rules_json(extra: Iterable[Rule] = ()) -> str:
    """The rule list as JSON."""
    every = [*(r for _, r in sorted(RULES.items())), *extra]
    return json.dumps(
        [{"rule": r.id, "level": r.level, "also": list(r.also), "family": r.family, "title": r.title,
          "rationale": r.rationale, "category": r.category, "pack": r.pack, "fixable": r.fixable,
          "covers": list(r.covers)}
         for r in every],
        ensure_ascii=False,
        indent=2,
    ) + "\n"
