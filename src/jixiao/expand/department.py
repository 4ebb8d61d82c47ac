"""The *expand* stage: loaded spec → complete document model.

One pure function, :func:`expand_department`: presets, defaults and derived
values are applied here and nowhere else. It reads no files and writes none.
Every semantic problem (a unit or preset that does not exist, sums that do not
add up, a value that cannot be parsed …) is collected and raised together.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import fnmatch
from pathlib import Path

from jixiao.errors import Diagnostic, SpecError
from jixiao.expand.context import Ctx, PartInfo
from jixiao.expand.indicators import RowBuilder
from jixiao.expand.partone import expand_part_one
from jixiao.expand.project import (
    NO_PRESET,
    derive_item,
    expand_project,
    layout_settings,
    no_formulas,
)
from jixiao.expand.sizes import too_big, too_long
from jixiao.model import document as dm
from jixiao.model.numbering import StyleError, label
from jixiao.spec.frameworks import DEFAULT as DEFAULT_FRAMEWORK
from jixiao.spec.frameworks import Framework, FrameworkProblem, FrameworkSpec
from jixiao.spec.layout import LayoutSpec
from jixiao.spec.layouts import DEFAULT as DEFAULT_LAYOUT
from jixiao.spec.layouts import (
    page_layout,
    table_layout,
)
from jixiao.spec.load import LoadedSpec, ProjectSource
from jixiao.spec.model import Department
from jixiao.spec.yamlio import NodePath

NUMERALS = "一二三四五六七八九十"


def part_numeral(n: int) -> str:
    """第一部分, 第二部分 … (1-based)."""
    return f"第{NUMERALS[n - 1] if n <= 10 else n}部分"


def _parts(ctx: Ctx, first_part: int) -> list[PartInfo]:
    """The parts with their projects, layouts and frameworks.

    A project belongs to the part that lists it by file name, else to the part its
    own ``部分`` names (title or 编号 such as 第二部分), else to a part whose list
    has a matching pattern (``0*``, ``1[0-5]-*``), else to the one part without a
    ``项目`` list. Within a part: the listed order, then the others in file order.
    """
    pos = ctx.spec.pos
    by_stem = {src.stem: src for src in ctx.spec.projects}
    owner: dict[str, int] = {}
    entries: list[list[tuple[int, str, bool]]] = []
    catch_all = [i for i, part in enumerate(ctx.dept.parts) if part.projects is None]
    for i, part in enumerate(ctx.dept.parts):
        mine = [(j, e.removesuffix(".yaml"), any(ch in e for ch in "*?[")) for j, e in enumerate(part.projects or [])]
        entries.append(mine)
        unloaded = set(ctx.spec.unloaded)  # their own problems are the cause: not said again here
        for j, stem, pattern in mine:
            if pattern:
                if not any(fnmatch.fnmatchcase(s, stem) for s in [*by_stem, *unloaded]):
                    ctx.diags.append(pos.diag(("部分", i, "项目", j), f"没有文件名符合「{stem}」的项目", _LISTING_HINT))
            elif stem in unloaded:
                continue
            elif stem not in by_stem:
                ctx.diags.append(pos.diag(("部分", i, "项目", j), f"部分「{part.title}」列出的项目文件「projects/{stem}.yaml」不存在",
                                          "项目删去了就删去这一项（jixiao check --fix 会删去）；或是文件名写错了、文件被改了名"))
            elif stem in owner:
                ctx.diags.append(pos.diag(("部分", i, "项目", j), f"项目「{stem}」列了两次"))
            else:
                owner[stem] = i
    if len(catch_all) > 1:
        ctx.diags.append(pos.diag(("部分",), "只能有一个部分省略「项目」列表", "给其余部分写出 项目: [文件名, …]"))
    names = {part.title: i for i, part in enumerate(ctx.dept.parts)}
    names.update({part_numeral(first_part + i): i for i in range(len(ctx.dept.parts))})
    for src in ctx.spec.projects:
        if src.spec.part is None:
            continue
        index = names.get(src.spec.part.strip())
        if index is None:
            listed = "、".join(f"{part_numeral(first_part + i)}（{p.title}）" for i, p in enumerate(ctx.dept.parts))
            ctx.diags.append(src.pos.diag(("部分",), f"没有叫「{src.spec.part}」的部分", f"部门.yaml 中的部分：{listed}"))
        elif src.stem in owner and owner[src.stem] != index:
            ctx.diags.append(
                src.pos.diag(("部分",), f"这里写属于「{src.spec.part}」，但 部门.yaml 把它列在了"
                             f"「{ctx.dept.parts[owner[src.stem]].title}」中", "删去其中一处")
            )
        else:
            owner[src.stem] = index
    for i, mine in enumerate(entries):
        for _, stem, pattern in mine:
            if pattern:
                for s in by_stem:
                    if s not in owner and fnmatch.fnmatchcase(s, stem):
                        owner[s] = i
    if catch_all:
        for s in by_stem:
            owner.setdefault(s, catch_all[0])
    for src in ctx.spec.projects:
        if src.stem not in owner:
            ctx.diags.append(
                Diagnostic(src.path, 1, 1, "这个项目没有列入任何部分",
                           "在项目中写 部分: 部分标题，或在 部门.yaml 的 部分 中列出它，或让某个部分省略「项目」")
            )
    chosen: list[list[ProjectSource]] = []
    for i, mine in enumerate(entries):
        order: list[str] = []
        for _, stem, pattern in mine:
            matched = [s for s in by_stem if fnmatch.fnmatchcase(s, stem)] if pattern else [stem]
            order += [s for s in matched if owner.get(s) == i and s not in order]
        order += [s for s in by_stem if owner.get(s) == i and s not in order]
        chosen.append([by_stem[s] for s in order])
    out = []
    for i, (part, part_sources) in enumerate(zip(ctx.dept.parts, chosen, strict=True)):
        framework, source = _framework(ctx, part.framework, ("部分", i, "指标体系"))
        out.append(
            PartInfo(
                index=i,
                spec=part,
                sources=part_sources,
                layout=layout_settings(ctx, part.layout, ctx.spec.pos, ("部分", i, "版式"), tables_only=True),
                framework=framework,
                framework_source=source,
            )
        )
    return out


def _framework(ctx: Ctx, spec: FrameworkSpec | None, at: NodePath) -> tuple[Framework, dm.SourceRef | None]:
    """The framework *spec* (written at *at* in 部门.yaml) resolves to; the department's when None."""
    if spec is None and ctx.framework is not None:
        return ctx.framework, ctx.framework_source
    written = spec is not None
    spec = spec or FrameworkSpec.model_validate({"基于": DEFAULT_FRAMEWORK})
    try:
        framework = ctx.spec.frameworks.resolve(spec, ctx.spec.pos, at)
    except FrameworkProblem as exc:
        if exc.diagnostic not in ctx.diags:
            ctx.diags.append(exc.diagnostic)
        framework = ctx.spec.frameworks.by_name(DEFAULT_FRAMEWORK)
    return framework, ctx.ref(ctx.spec.pos, at) if written else None


_LISTING_HINT = "写 projects 文件夹中的文件名（不含 .yaml），可用 * ? 通配，如 \"0*\"；或在项目中写 部分: 部分标题"


def _part_one(ctx: Ctx) -> dm.PartOne | None:
    one = ctx.dept.part_one
    if one is None:
        return None
    ctx.diags += too_long(ctx.spec.pos, {"标题": one.title}, ("第一部分",))
    return expand_part_one(one, part_numeral(1), ctx.spec.pos, lambda node: ctx.ref(ctx.spec.pos, node), ctx.diags)


def _check_units(ctx: Ctx) -> None:
    seen: dict[str, int] = {}
    for i, unit in enumerate(ctx.dept.units):
        if unit.defaults is not None and unit.defaults.unit is not None:
            ctx.diags.append(ctx.spec.pos.diag(("单位", i, "默认", "单位"), "单位的 默认 中不能写「单位」",
                                               "删去这一项：项目属于哪个单位写在项目中，或写在部门、部分的 默认 中"))
        if unit.code in seen:
            ctx.diags.append(
                ctx.spec.pos.diag(("单位", i, "单位编码"), f"单位编码「{unit.code}」重复（第 {seen[unit.code] + 1} 个单位已用）")
            )
        seen[unit.code] = i


def _check_default_presets(ctx: Ctx) -> None:
    """Presets named in 部门.yaml's defaults must exist (reported once, there)."""
    named: list[tuple[tuple[str | int, ...], str]] = []
    if ctx.dept.defaults.preset:
        named.append((("默认", "预设"), ctx.dept.defaults.preset))
    for i, unit in enumerate(ctx.dept.units):
        if unit.defaults is not None and unit.defaults.preset:
            named.append((("单位", i, "默认", "预设"), unit.defaults.preset))
    names = "、".join(ctx.spec.presets.names()) or "（无）"
    for where, preset in named:
        if preset != NO_PRESET and preset not in ctx.spec.presets.presets:
            ctx.diags.append(
                ctx.spec.pos.diag(where, f"预设「{preset}」不存在", f"可用的预设：{names}；或写 预设: 无 不用预设")
            )


def expand_department(spec: LoadedSpec) -> dm.Document:
    """Expand a loaded spec into the complete document model.

    Raises:
        SpecError: every semantic problem found, with file, line and column.
    """
    diags = list(spec.problems)
    dept = spec.department
    builder = RowBuilder(spec.root, spec.presets, diags)
    ctx = Ctx(spec, diags, builder)
    ctx.layout = layout_settings(ctx, dept.layout or LayoutSpec.model_validate(DEFAULT_LAYOUT), spec.pos,
                                  ("版式",), tables_only=False)
    ctx.framework, ctx.framework_source = _framework(ctx, dept.framework, ("指标体系",))
    pages = page_layout(ctx.layout)
    if "parts" not in dept.model_fields_set:  # no 部分 written: one part, its heading not printed
        pages = pages.model_copy(update={"part_heading": "无"})
    _label(ctx, pages.title_numbering, 1)
    _check_units(ctx)
    _check_default_presets(ctx)
    ctx.diags += too_long(spec.pos, {"部门名称": dept.name, "标题": dept.title})
    ctx.diags += no_formulas(
        spec.pos,
        {
            ("部门名称",): dept.name,
            ("标题",): dept.title,
            **{("单位", i, "单位名称"): u.name for i, u in enumerate(dept.units)},
            **{("单位", i, "单位编码"): u.code for i, u in enumerate(dept.units)},
            **{("部分", i, "标题"): part.title for i, part in enumerate(dept.parts)},
        },
    )
    if dept.title is not None and not dept.title.strip():
        ctx.diags.append(spec.pos.diag(("标题",), "「标题」是空的", "删去这一行，文档标题就是「{年度}年{部门名称}部门绩效目标」"))
    part_one = _part_one(ctx)
    first_part = 2 if part_one is not None else 1
    parts: list[dm.Part] = []
    number = 0
    for offset, info in enumerate(_parts(ctx, first_part)):
        tables: list[dm.ProjectTable] = []
        for i, src in enumerate(info.sources, 1):
            number += 1
            label = _label(ctx, pages.title_numbering, i if pages.numbering_scope == "每部分" else number)
            table = expand_project(ctx, src, number, label, info)
            if table is not None:
                tables.append(table)
        n = first_part + offset
        parts.append(
            dm.Part(
                number=n, numeral=part_numeral(n), title=info.spec.title, tables=tables,
                layout=table_layout(ctx.layout, info.layout), framework=info.framework.name,
            )
        )
    if not ctx.diags:
        ctx.diags += too_big(spec.pos, part_one, parts)
    if ctx.diags:
        raise SpecError(merge_repeats(ctx.diags, project_paths={src.path for src in spec.projects}))
    return dm.Document(
        title=dept.title or f"{dept.year}年{dept.name}部门绩效目标",
        year=dept.year,
        department=dept.name,
        money_unit=dept.money_unit,
        framework=ctx.framework.name,
        layout=table_layout(ctx.layout),
        pages=pages,
        part_one=part_one,
        parts=parts,
        check_ignore=list(dept.checks.ignore) if dept.checks else [],
        issued=dept.issued or dt.date(dept.year, 1, 1),
        templates=_templates(dept),
        field_sources={
            key: ctx.ref(spec.pos, (key,)) for key in ("部门名称", "标题", "工作簿") if (key,) in spec.pos.values
        },
        workbook=dept.workbook,
        workbook_layout=spec.workbook,
    )


def merge_repeats(diags: list[Diagnostic], project_paths: set[Path]) -> list[Diagnostic]:
    """One message per cause: a problem in an inherited setting, met by every table that
    inherits it, is reported once where it is written, with the number of tables affected."""
    counts: dict[Diagnostic, int] = {}
    for d in diags:
        counts[d] = counts.get(d, 0) + 1
    out = []
    for d, n in counts.items():
        if n > 1:
            what = "出现 {n} 次" if d.path in project_paths else "涉及 {n} 张表"
            d = dataclasses.replace(d, message=f"{d.message}（{what.format(n=n)}）")
        out.append(d)
    return out


def _label(ctx: Ctx, style: str, n: int) -> str:
    """Table-title label *n*; a bad 表题编号 style is reported once."""
    try:
        return label(style, n)
    except StyleError as exc:
        node = ("版式", "表题编号") if ("版式", "表题编号") in ctx.spec.pos.values else ("版式",)
        diag = ctx.spec.pos.diag(node, exc.message, exc.hint)
        if diag not in ctx.diags:
            ctx.diags.append(diag)
        return ""


def _templates(dept: Department) -> dict[str, str]:
    t = dept.templates
    if t is None:
        return {}
    return {k: v for k, v in (("document", t.document), ("table", t.table), ("html", t.html)) if v}


__all__ = ["derive_item", "expand_department", "part_numeral"]
