"""One finding per cause: what a table lacks because its preset lacks it is said once, at the preset.

A rule such as 「缺少成本指标」 has no row to point at, so it points at each table's
项目名称. When those tables take their rows from a preset that has no such row
either, one row added to the preset fixes all of them: the findings become one,
at the preset (or at the preset it is based on, when that one lacks the row too),
naming how many tables the row fixes. A table that deleted the preset's row in
its own ``改写`` keeps its finding: the fix is there.

Findings that point at a preset line or a default are already one per place
(:func:`jixiao.checks.run_checks` merges them).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from jixiao.checks.base import Finding
from jixiao.expand.indicators import source_ref
from jixiao.model.document import Document, ProjectTable
from jixiao.model.framework import Levels as FrameworkLevels
from jixiao.model.framework import parent_in
from jixiao.spec.load import LoadedSpec
from jixiao.spec.model import RowSpec
from jixiao.spec.presets import BaseProblem, PresetLibrary

#: level1, level2 of a preset row (level1 derived when not written).
Levels = tuple[str | None, str | None]
Present = Callable[[list[Levels]], bool]

_COST = ("成本指标", "经济成本指标")


def _missing(f: Finding) -> Present | None:
    """What a preset must hold for *f*'s table not to be found lacking; None for other findings."""
    if f.rule == "JX407":
        return lambda rows: any(l2 in _COST or l1 == "成本指标" for l1, l2 in rows)
    if f.rule == "JX406":
        return lambda rows: any(l2 == "数量指标" for _, l2 in rows)
    if f.rule == "JX405" and f.group and f.group.startswith("缺少"):
        name = f.group.removeprefix("缺少")
        return lambda rows: any(l1 == name for l1, _ in rows)
    return None


def _levels(rows: list[RowSpec], framework: FrameworkLevels) -> list[Levels]:
    return [(r.level1 or (parent_in(framework, r.level2) if r.level2 else None), r.level2) for r in rows]


def _resolved(lib: PresetLibrary, name: str, framework: FrameworkLevels) -> list[Levels] | None:
    try:
        return _levels([r.row for r in lib.resolve(name)], framework)
    except (KeyError, BaseProblem):
        return None


def _cause(lib: PresetLibrary, table: ProjectTable, present: Present) -> str | None:
    """The preset where one added row clears the finding: the table's, or the furthest base lacking it too."""
    name = table.preset
    if name is None:
        return None
    rows = _resolved(lib, name, table.framework_levels)
    if rows is None or present(rows):
        return None  # the preset has it: this table's own 改写 removed it
    cause = name
    while (base := lib.presets[cause].spec.base) is not None and base in lib.presets:
        above = _resolved(lib, base, table.framework_levels)
        if above is None or present(above):
            break
        cause = base
    return cause


def by_cause(findings: list[Finding], spec: LoadedSpec, doc: Document) -> list[Finding]:
    """*findings* with those a preset row would clear merged into one finding at that preset."""
    tables = {t.number: t for t in doc.tables()}
    groups: dict[tuple[str, str, str, str], list[Finding]] = {}
    out: list[Finding] = []
    for f in findings:
        present = _missing(f)
        table = tables.get(f.tables[0]) if len(f.tables) == 1 else None
        cause = _cause(spec.presets, table, present) if present is not None and table is not None else None
        if cause is None:
            out.append(f)
            continue
        groups.setdefault((f.rule, f.level, f.group or f.message, cause), []).append(f)
    for (_, _, what, cause), same in groups.items():
        out.append(_at_preset(spec, cause, what, same))
    return out


def _at_preset(spec: LoadedSpec, name: str, what: str, same: list[Finding]) -> Finding:
    preset = spec.presets.presets[name]
    line, col = preset.pos.of(("绩效指标",), key=True) if ("绩效指标",) in preset.pos.keys else (1, 1)
    source = source_ref(spec.root, preset.path, line, col)
    tables = tuple(sorted({n for f in same for n in f.tables}))
    users = sorted({t for f in same for t in f.tables})
    first = same[0]
    builtin = source.path.startswith("jixiao:")
    where = "在 presets/ 中放一份同名的预设，加上这一行" if builtin else "在预设中加上这一行"
    hint = first.group_hint or first.hint
    return replace(
        first,
        path=source.path, line=source.line, col=source.col,
        message=f"预设「{name}」{what}：{where}，可改正用它的 {len(users)} 张表",
        hint=hint, fix=None, tables=tables, group=None, group_hint=None,
    )
