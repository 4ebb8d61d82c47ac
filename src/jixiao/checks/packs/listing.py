"""Rule lists with the packs: ``check --list-rules`` and docs/rules.md (built-in packs included)."""

from __future__ import annotations

from pathlib import Path

from jixiao.checks import report
from jixiao.checks.base import Rule
from jixiao.checks.packs.build import Reminder
from jixiao.checks.packs.load import Choice, PackSet, load_packs
from jixiao.resources import builtin_templates

FORMATS = ("text", "json", "markdown")


def builtin_pack_names() -> list[str]:
    return sorted(p.stem for p in (builtin_templates() / "rules").glob("*.yaml"))


def _reminder_rows(reminders: list[Reminder]) -> list[str]:
    if not reminders:
        return []
    out = ["人工审核要点（不自动检查，列在报告和审核表中）：", "", "| 编号 | 类别 | 要点 | 意见 |", "|---|---|---|---|"]
    out += [f"| {m.id} | {m.category} | {m.title} | {m.message} |" for m in reminders]
    return [*out, ""]


def _sections(packs: PackSet, root: Path) -> list[tuple[str, str, list[Rule]]]:
    out = []
    for name in packs.names:
        rules = [r for r in packs.rules if r.pack == name]
        note = f"`--规则 {name}` 或 部门.yaml 中 `检查: {{规则: [{name}]}}`。"
        reminders = [m for m in packs.reminders if m.pack == name]
        extra = "\n".join(_reminder_rows(reminders)).rstrip()
        out.append((name, note + ("\n\n" + extra if extra else ""), rules))
    return out


def list_rules(fmt: str, root: Path, chosen: list[str]) -> str:
    """The rule list in *fmt*: jixiao's rules, the built-in packs and the *chosen* ones."""
    packs = load_packs([Choice(n) for n in [*builtin_pack_names(), *chosen]], root)
    if fmt == "markdown":
        return report.rules_markdown(_sections(packs, root))
    if fmt == "json":
        return report.rules_json(packs.rules)
    return report.rules_text(packs.rules)


def docs_markdown() -> str:
    """docs/rules.md as it should be."""
    return list_rules("markdown", builtin_templates(), [])
