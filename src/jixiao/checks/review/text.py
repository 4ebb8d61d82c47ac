"""Findings by review category (``check --按 类别``), and the reminders of manual review, as text and JSON."""

from __future__ import annotations

import json
from pathlib import Path

from jixiao.checks.base import Finding
from jixiao.checks.categories import CATEGORIES
from jixiao.checks.packs.build import Reminder
from jixiao.checks.report import format_json, group_findings, place, summary


def reminders_text(reminders: list[Reminder]) -> list[str]:
    """The manual-review points, one per line, under a heading; nothing when there are none."""
    if not reminders:
        return []
    out = ["人工审核要点（规则包中标为「人工」的规则，不自动检查，请逐项核对）："]
    out += [f"  {m.id} {m.category} {m.title}：{m.message}" + (f" — {m.hint}" if m.hint else "") for m in reminders]
    return [*out, ""]


def by_category_text(findings: list[Finding], root: Path, base: Path | None, reminders: list[Reminder]) -> str:
    """Findings under a heading per category (in the 审核表's order), then the reminders and the summary."""
    out: list[str] = []
    for name, meaning in CATEGORIES.items():
        mine = [f for f in findings if (f.category or "规范性") == name]
        if not mine:
            continue
        groups = group_findings(mine)
        out.append(f"【{name}】{meaning}（{len(mine)} 条）")
        for g in groups:
            out.append(g.line(root, base))
            out += [f"    {place(f, root, base)}" for f in g.findings[1:]]
        out.append("")
    out += reminders_text(reminders)
    if findings:
        out.append(summary(findings))
    return "\n".join(out) + "\n" if out else ""


def with_reminders(text: str, reminders: list[Reminder]) -> str:
    """The usual report *text* with the reminders before its summary line."""
    extra = reminders_text(reminders)
    if not extra:
        return text
    if not text:
        return "\n".join(extra) + "\n"
    lines = text.rstrip("\n").split("\n")
    return "\n".join([*lines[:-1], *extra, lines[-1]]) + "\n"


def report_json(findings: list[Finding], root: Path, base: Path | None, reminders: list[Reminder], *,
                by_category: bool) -> str:
    """The JSON report with the reminders; with *by_category* the findings are listed per category."""
    data = json.loads(format_json(findings, root, base))
    data["reminders"] = [{"rule": m.id, "category": m.category, "title": m.title, "message": m.message,
                          "hint": m.hint, "pack": m.pack} for m in reminders]
    if by_category:
        every = data.pop("findings")
        data = {"categories": [{"category": name, "findings": [f for f in every if (f["category"] or "规范性") == name]}
                               for name in CATEGORIES], **data}
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"
