"""Expand a spec held in memory with jixiao's own expansion, and compare it with the document.

Every spelling the importer considers is checked this way: the spec data (the
dicts that will be written as YAML) is validated by the spec model and
expanded by :func:`jixiao.expand.department.expand_department`, exactly as ``jixiao
render`` would, without writing a file. A single project expands in well
under a millisecond, so each table can try every preset.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from jixiao.errors import SpecError
from jixiao.expand.department import expand_department
from jixiao.importer.found import FoundPartOne, FoundTable
from jixiao.model.cells import header_cell, row_cell
from jixiao.model.document import Document, PartOne, ProjectTable
from jixiao.resources import builtin_templates
from jixiao.spec.layouts import LayoutLibrary, load_layouts
from jixiao.spec.load import LoadedSpec, ProjectSource
from jixiao.spec.model import Department, Project
from jixiao.spec.presets import Preset, PresetLibrary, PresetSpec
from jixiao.spec.yamlio import Positions

ROOT = Path("/jixiao-import")


@lru_cache(maxsize=1)
def builtin_layouts() -> LayoutLibrary:
    """The built-in named layouts (河北, 天津 …)."""
    return load_layouts([builtin_templates() / "layouts"])


def positions(path: Path, data: Any) -> Positions:
    """Positions for data held in memory: every node is "written" (expansion asks where a row's 依据 is)."""
    pos = Positions(path)
    line = 0

    def walk(node: Any, at: tuple[str | int, ...]) -> None:
        nonlocal line
        line += 1
        pos.values[at] = pos.keys[at] = (line, 1)
        if isinstance(node, dict):
            for k, v in node.items():
                walk(v, (*at, k))
        elif isinstance(node, list):
            for i, v in enumerate(node):
                walk(v, (*at, i))

    walk(data, ())
    return pos


def preset_library(presets: dict[str, dict[str, Any]]) -> PresetLibrary:
    """Presets held in memory (by name) as a library, or raise ValueError if one is not valid."""
    lib = PresetLibrary()
    for name, data in presets.items():
        path = ROOT / "presets" / f"{name}.yaml"
        try:
            spec = PresetSpec.model_validate(data)
        except ValidationError as exc:
            raise ValueError(f"preset {name}: {exc}") from exc
        lib.presets[name] = Preset(name, path, spec, positions(path, data))
    return lib


@dataclass(frozen=True)
class Expanded:
    """The result of expanding in memory: the document, or the reason it failed."""

    doc: Document | None
    problems: list[str]


def expand(
    department: dict[str, Any], projects: list[tuple[str, dict[str, Any]]], presets: PresetLibrary
) -> Expanded:
    """Expand *department* with *projects* (file stem, data) and *presets*."""
    try:
        dept = Department.model_validate(department)
        sources = [
            ProjectSource(path, stem, positions(path, data), Project.model_validate(data))
            for stem, data in projects
            for path in [ROOT / "projects" / f"{stem}.yaml"]
        ]
    except ValidationError as exc:
        return Expanded(None, [str(exc)])
    spec = LoadedSpec(
        ROOT, ROOT / "部门.yaml", positions(ROOT / "部门.yaml", department), dept, sources, presets, builtin_layouts()
    )
    try:
        return Expanded(expand_department(spec), [])
    except SpecError as exc:
        return Expanded(None, [f"{d.path.name}: {d.message}" for d in exc.diagnostics])


def row_cells(t: ProjectTable) -> list[tuple[str, ...]]:
    """The printed indicator cells of an expanded table, in the order of :meth:`FoundRow.cells`."""
    out: list[tuple[str, ...]] = []
    for r in t.rows:
        base = (r.level1, r.level2, r.level3, r.description, r.value)
        out.append(base if r.basis is None else (*base, r.basis))
    return out


def differences(t: ProjectTable, f: FoundTable, *, with_heading: bool = True, with_more: bool = True) -> list[str]:
    """What an expanded table prints differently from the document (empty when equal).

    Without *with_more*, a row's 权重 and own 指标解释 are not compared (they are added after the spelling is chosen).
    """
    out: list[str] = []

    def cmp(label: str, found: str | None, made: str | None) -> None:
        if found is not None and found != made:
            out.append(f"{label}：原文「{found}」，生成「{made}」")

    if with_heading and f.heading is not None:
        cmp("表题", f.heading, t.heading)
    if f.unit_label is not None:
        cmp("单位行", f.unit_label, t.unit_label if t.layout.unit_line else None)
    if f.money_unit is not None:
        cmp("金额单位", f"单位：{f.money_unit}", t.money_unit_label)
    if f.has_code:
        cmp("项目编码", f.code or "", t.code or "")
    cmp("名称标签", f.name_label, t.name_label)
    if f.name:
        cmp("项目名称", f.name, t.name)
    b, fi, o = f.amounts
    cmp("预算数", b.strip(), t.budget_text)
    cmp("财政资金", fi.strip(), t.fiscal_text)
    if not f.form:  # the 2021 form prints 财政专户管理资金 and 单位资金 (in its fields) instead
        cmp("其他资金", o.strip(), t.other_text)
    for key, text in f.fields.items():
        cmp(key, text, header_cell(t, key))
    cmp("资金用途", f.use, t.use)
    made_schedule = [c.text for c in t.schedule] if t.schedule is not None else None
    if f.schedule is not None or made_schedule is not None:
        cmp("资金支出计划", "、".join(f.schedule or []) or "（无）", "、".join(made_schedule or []) or "（无）")
        if f.schedule_label is not None:
            cmp("资金支出计划标签", f.schedule_label, t.layout.schedule_label)
    cmp("绩效目标", f.goal, t.goal)
    cmp("指标表表头", "、".join(f.columns), "、".join(t.columns))
    out += row_differences(row_cells(t), [r.cells() for r in f.rows])
    for i, (made, found) in enumerate(zip(t.rows, f.rows, strict=False) if with_more else (), 1):
        for key, text in found.more.items():
            cmp(f"第 {i} 行「{key}」", text, row_cell(made, key))
    return out


def row_differences(made: list[tuple[str, ...]], found: list[tuple[str, ...]]) -> list[str]:
    """Differing indicator cells, named by row (1-based) and column."""
    names = ("一级指标", "二级指标", "三级指标", "绩效指标描述", "指标值", "指标值确定依据")
    out: list[str] = []
    if len(made) != len(found):
        out.append(f"指标行数：原文 {len(found)} 行，生成 {len(made)} 行")
    for i, (m, f) in enumerate(zip(made, found, strict=False), 1):
        for j, (a, b) in enumerate(zip(m, f, strict=False)):
            if a != b:
                out.append(f"第 {i} 行「{names[j]}」：原文「{b}」，生成「{a}」")
        if len(m) != len(f):
            out.append(f"第 {i} 行：原文 {len(f)} 栏，生成 {len(m)} 栏")
    return out


def part_one_differences(made: PartOne | None, found: FoundPartOne | None, printed: list[str]) -> list[str]:
    """Paragraphs of 第一部分 printed differently from the document (*printed*: as found)."""
    if found is None:
        return [] if made is None else ["原文没有第一部分"]
    if made is None:
        return ["生成的文档没有第一部分"]
    mine = made.printed()[1:]
    out = []
    for i, (a, b) in enumerate(zip(mine, printed, strict=False), 1):
        if a != b:
            out.append(f"第一部分第 {i} 段：原文「{b[:30]}」，生成「{a[:30]}」")
    if len(mine) != len(printed):
        out.append(f"第一部分：原文 {len(printed)} 段，生成 {len(mine)} 段")
    return out
