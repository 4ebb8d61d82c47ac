"""Printing findings (text, JSON) and the rule list (text, Markdown for docs/rules.md)."""

from __future__ import annotations

import json
import os
from collections import Counter
from itertools import groupby
from pathlib import Path

from jixiao.checks.base import FAMILIES, LEVEL_LABEL, RULES, Finding


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


def _tables_note(f: Finding) -> str:
    if len(f.tables) <= 1:
        return ""
    numbers = "、".join(str(n) for n in f.tables[:6]) + ("…" if len(f.tables) > 6 else "")
    return f"（涉及 {len(f.tables)} 张表：第 {numbers} 表）"


def format_text(findings: list[Finding], root: Path, base: Path | None = None) -> str:
    """ruff-style lines grouped by file, then a summary line; empty when there is nothing."""
    if not findings:
        return ""
    out: list[str] = []
    for _, group in groupby(findings, key=lambda f: f.path):
        for f in group:
            hint = f" — {f.hint}" if f.hint else ""
            out.append(
                f"{shown_path(root, f.path, base)}:{f.line}:{f.col}: {f.rule} {LEVEL_LABEL[f.level]} "
                f"{f.message}{hint}{_tables_note(f)}"
            )
        out.append("")
    out.append(summary(findings))
    return "\n".join(out) + "\n"


def summary(findings: list[Finding]) -> str:
    """``共 12 条：错误 2 条，警告 9 条，提示 1 条。``"""
    levels = Counter(f.level for f in findings)
    parts = [f"{LEVEL_LABEL[lv]} {levels[lv]} 条" for lv in ("error", "warning", "info") if levels[lv]]
    return f"共 {len(findings)} 条：{'，'.join(parts)}。"


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
                "message": f.message,
                "hint": f.hint,
                "fix": f.fix,
                "tables": list(f.tables),
            }
            for f in findings
        ],
        "summary": {"total": len(findings), **{lv: levels[lv] for lv in ("error", "warning", "info")}},
    }
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def rules_markdown() -> str:
    """docs/rules.md: every rule by family, with its level and rationale."""
    out = [
        "# jixiao check 规则",
        "",
        "本文件由 `jixiao check --list-rules --format markdown` 生成，请勿手工修改。",
        "",
        "关闭规则：命令行 `--ignore JX110`（或 `--select JX2` 只运行某一类）；部门.yaml 或项目文件中写",
        "`检查: {忽略: [JX110]}`；或在某一行末尾写注释 `# jixiao: ignore[JX110]`"
        "（不写编号则忽略该行的全部规则）。",
        "",
        "级别：**错误** 使 `jixiao check` 以退出码 1 结束；**警告**、**提示** 只列出。",
        "",
    ]
    for prefix, family in FAMILIES.items():
        rules = [r for rid, r in sorted(RULES.items()) if rid.startswith(prefix)]
        out += [f"## {prefix}xx {family}", "", "| 规则 | 级别 | 名称 | 说明 |", "|---|---|---|---|"]
        out += [f"| {r.id} | {LEVEL_LABEL[r.level]} | {r.title} | {r.rationale} |" for r in rules]
        out.append("")
    return "\n".join(out)


def rules_text() -> str:
    """The rule list for the terminal."""
    return "\n".join(f"{r.id}  {LEVEL_LABEL[r.level]}  {r.title} — {r.rationale}" for _, r in sorted(RULES.items())) + "\n"


def rules_json() -> str:
    """The rule list as JSON."""
    return json.dumps(
        [{"rule": r.id, "level": r.level, "family": r.family, "title": r.title, "rationale": r.rationale}
         for _, r in sorted(RULES.items())],
        ensure_ascii=False,
        indent=2,
    ) + "\n"
