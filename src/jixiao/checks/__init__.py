"""``jixiao check``: domain rules over the expanded document model.

:func:`run_checks` runs every selected rule, applies the department, project
and per-line (``# jixiao: ignore[JX104]``) switches, merges findings that point
at the same place (a preset line used by many tables), says once at a preset
what one row added there would fix in many tables (:mod:`jixiao.checks.causes`)
and sorts them.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import replace

from jixiao.checks import (  # noqa: F401 - importing registers the rules
    rules_copy,
    rules_cost,
    rules_punct,
    rules_structure,
    rules_values,
    rules_words,
)
from jixiao.checks.base import LEVEL_LABEL, RULES, CheckContext, Finding, Rule
from jixiao.checks.causes import by_cause
from jixiao.checks.located import locate
from jixiao.checks.packs.load import PackSet
from jixiao.checks.vocabulary import load_vocabulary
from jixiao.errors import Diagnostic, SpecError, UsageError
from jixiao.expand.indicators import display_path
from jixiao.model.document import Document
from jixiao.spec.load import LoadedSpec
from jixiao.spec.yamlio import Positions

__all__ = ["LEVEL_LABEL", "RULES", "Finding", "PackSet", "Rule", "run_checks", "selected_rules"]


def _matches(rule_id: str, patterns: Iterable[str]) -> bool:
    return any(p == "ALL" or rule_id.startswith(p) for p in patterns)


def _check_ids(patterns: Iterable[str], extra: Iterable[str] = ()) -> list[str]:
    known = [*RULES, *extra]
    return [p for p in patterns if p != "ALL" and not any(r.startswith(p) for r in known)]


def selected_rules(
    select: Iterable[str] | None = None, ignore: Iterable[str] = (), packs: PackSet | None = None
) -> list[Rule]:
    """Rules chosen by ``--select``/``--ignore`` (prefixes such as ``JX2`` allowed), the packs' included.

    Raises:
        UsageError: a pattern matches no rule.
    """
    chosen = list(select or ["ALL"])
    skipped = list(ignore)
    extra = packs.by_id if packs is not None else {}
    unknown = _check_ids([*chosen, *skipped], extra)
    if unknown:
        raise UsageError(f"没有这样的规则：{'、'.join(unknown)}；运行 jixiao check --list-rules 查看全部规则")
    every = [*(r for _, r in sorted(RULES.items())), *extra.values()]
    return [r for r in every if _matches(r.id, chosen) and not _matches(r.id, skipped)]


def _spec_switches(spec: LoadedSpec, doc: Document, extra: Iterable[str] = ()) -> dict[int, set[str]]:
    """Per-table ignored rules; unknown rule ids in the spec are reported as spec errors."""
    diags: list[Diagnostic] = []
    extra = list(extra)
    for i, rid in enumerate(doc.check_ignore):
        if _check_ids([rid], extra):
            diags.append(spec.pos.diag(("检查", "忽略", i), f"没有这样的规则「{rid}」", "规则编号见 docs/rules.md"))
    by_stem = {src.stem: src for src in spec.projects}
    tables: dict[int, set[str]] = {}
    for table in doc.tables():
        tables[table.number] = set(table.check_ignore)
        for i, rid in enumerate(table.check_ignore):
            if _check_ids([rid], extra):
                diags.append(by_stem[table.file_stem].pos.diag(("检查", "忽略", i), f"没有这样的规则「{rid}」",
                                                                "规则编号见 docs/rules.md"))
    if diags:
        raise SpecError(diags)
    return tables


def _line_ignores(spec: LoadedSpec) -> dict[str, Positions]:
    files = [spec.pos, *(src.pos for src in spec.projects)]
    files += [p.pos for p in spec.presets.presets.values()]
    return {display_path(spec.root, pos.path): pos for pos in files}


def _suppressed(f: Finding, files: dict[str, Positions]) -> bool:
    pos = files.get(f.path)
    if pos is None or f.line not in pos.ignores:
        return False
    ids = pos.ignores[f.line]
    return ids is None or _matches(f.rule, ids)


def run_checks(
    spec: LoadedSpec,
    doc: Document,
    *,
    select: Iterable[str] | None = None,
    ignore: Iterable[str] = (),
    packs: PackSet | None = None,
) -> list[Finding]:
    """Every finding of the selected rules (jixiao's and the *packs*'), merged and sorted by file, line and rule.

    Raises:
        UsageError: an unknown rule in *select*/*ignore*.
        SpecError: an unknown rule named in the spec, an invalid vocabulary file, or a pack that ran too long.
    """
    rules = [r for r in selected_rules(select, ignore, packs) if not _matches(r.id, doc.check_ignore)]
    per_table = _spec_switches(spec, doc, packs.by_id if packs is not None else ())
    if packs is not None:
        packs.clock.start()
    ctx = CheckContext(doc, load_vocabulary(spec))
    files = _line_ignores(spec)
    # One place, one finding: a preset line used by 40 tables is one thing to fix.
    found: dict[tuple[str, str, str, int, int], list[Finding]] = {}
    for r in rules:
        for f in r.fn(ctx, r):
            if f.tables and all(_matches(f.rule, per_table.get(n, ())) for n in f.tables):
                continue
            if _suppressed(f, files):
                continue
            found.setdefault((f.rule, f.level, f.path, f.line, f.col), []).append(f)
    merged = [_merge(group) for group in found.values()]
    # What one preset row would fix in many tables is said once, at that preset.
    merged = locate([f for f in by_cause(merged, spec, doc) if not _suppressed(f, files)], doc)
    merged = _without_covered(merged, {r.id: r.covers for r in rules if r.covers})
    return sorted(merged, key=lambda f: (f.path, f.line, f.col, f.rule))


def _without_covered(findings: list[Finding], covers: dict[str, tuple[str, ...]]) -> list[Finding]:
    """*findings* without those another rule at the same place covers (a pack's 涵盖), for the same tables or fewer.

    Covering goes on (XM07 covers XM08, which covers JX208: XM07 covers JX208). Of rules that cover each other,
    the one with the last id is told: at every place at least one finding stays.
    """
    if not covers:
        return findings
    reach = {rule: _covered_by(rule, covers) for rule in covers}
    at: dict[tuple[str, int, int], list[Finding]] = {}
    for f in findings:
        at.setdefault((str(f.path), f.line, f.col), []).append(f)

    def left_out(f: Finding) -> bool:
        return any(g is not f and f.rule in reach.get(g.rule, ()) and set(f.tables) <= set(g.tables)
                   and (g.rule not in reach.get(f.rule, ()) or g.rule > f.rule)
                   for g in at[(str(f.path), f.line, f.col)])

    return [f for f in findings if not left_out(f)]


def _covered_by(rule: str, covers: dict[str, tuple[str, ...]]) -> set[str]:
    """Every rule *rule* covers, directly or through the rules it covers."""
    seen: set[str] = set()
    todo = list(covers.get(rule, ()))
    while todo:
        other = todo.pop()
        if other not in seen:
            seen.add(other)
            todo += covers.get(other, ())
    return seen


def _merge(same_place: list[Finding]) -> Finding:
    """Findings of one rule at one place (a preset line, many tables) as one.

    The tables' messages differ where the line holds a formula or a 改写 renamed the
    indicator: then the rule's message without the tables' own parts (``group``)
    speaks for all, else the most common message (the first table's on a tie).
    """
    first = same_place[0]
    tables = tuple(sorted({n for f in same_place for n in f.tables}))
    messages = Counter(f.message for f in same_place)
    if len(messages) == 1:
        return replace(first, tables=tables)
    groups = {f.group for f in same_place}
    if len(groups) == 1 and first.group is not None:
        hints = {f.hint for f in same_place}
        fixes = {f.fix for f in same_place}
        return replace(first, message=first.group, hint=hints.pop() if len(hints) == 1 else first.group_hint,
                       fix=fixes.pop() if len(fixes) == 1 else None, tables=tables)
    message = messages.most_common(1)[0][0]
    return replace(next(f for f in same_place if f.message == message), tables=tables)
