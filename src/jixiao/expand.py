"""The *expand* stage: loaded spec → complete document model.

One pure function, :func:`expand_department`: presets, defaults and derived
values are applied here and nowhere else. It reads no files and writes none.
Every semantic problem (a unit or preset that does not exist, sums that do not
add up, a value that cannot be parsed …) is collected and raised together.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from jixiao import docmodel as dm
from jixiao.budget import (
    SCHEDULE_LABELS,
    DeriveError,
    derive_amounts,
    money_text,
    parse_schedule,
    schedule_text,
)
from jixiao.errors import Diagnostic, SpecError
from jixiao.indicators import RowBuilder, source_ref
from jixiao.money import format_money, quantum
from jixiao.sizes import too_big, too_long
from jixiao.spec.load import LoadedSpec, ProjectSource
from jixiao.spec.model import Defaults, Department, Unit
from jixiao.spec.yamlio import NodePath, Positions
from jixiao.values import DateStyle, ValueError_, format_date, parse_value

NUMERALS = "一二三四五六七八九十"
NO_PRESET = "无"
_ITEM_SUFFIXES = ("专项经费", "经费", "费用", "费")


def part_numeral(n: int) -> str:
    """第一部分, 第二部分 … (1-based)."""
    return f"第{NUMERALS[n - 1] if n <= 10 else n}部分"


def derive_item(name: str) -> str:
    """Default 事项 from a project name: 法律顾问费 → 法律顾问."""
    for suffix in _ITEM_SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix):
            return name[: -len(suffix)]
    return name


@dataclass
class _Ctx:
    """Per-expansion state: the spec, the row builder and the diagnostics so far."""

    spec: LoadedSpec
    diags: list[Diagnostic]
    rows: RowBuilder

    @property
    def dept(self) -> Department:
        return self.spec.department

    def ref(self, pos: Positions, node: NodePath, *, key: bool = False) -> dm.SourceRef:
        """Location-independent source of *node* in the file *pos* belongs to."""
        return source_ref(self.spec.root, pos.path, *pos.of(node, key=key))


def _inherit(ctx: _Ctx, src: ProjectSource, unit: Unit | None, attr: str) -> tuple[Any, Positions, NodePath]:
    """A project setting, else its unit's default, else the department's — with where it is written.

    *attr* names the same field on :class:`Project` and :class:`Defaults`.
    """
    key = _ALIASES[attr]
    value = getattr(src.spec, attr)
    if value is not None:
        return value, src.pos, (key,)
    if unit is not None and unit.defaults is not None and getattr(unit.defaults, attr) is not None:
        index = ctx.dept.units.index(unit)
        return getattr(unit.defaults, attr), ctx.spec.pos, ("单位", index, "默认", key)
    return getattr(ctx.dept.defaults, attr), ctx.spec.pos, ("默认", key)


_ALIASES = {name: f.alias or name for name, f in Defaults.model_fields.items()}


def _find_unit(dept: Department, ref: str) -> Unit | None:
    return next((u for u in dept.units if ref in (u.code, u.name, f"{u.code}{u.name}")), None)


def _expand_project(ctx: _Ctx, src: ProjectSource, number: int) -> dm.ProjectTable | None:
    p = src.spec
    pos = src.pos
    dept = ctx.dept
    unit = _find_unit(dept, p.unit)
    if unit is None:
        units = "、".join(f"{u.code}（{u.name}）" for u in dept.units)
        ctx.diags.append(pos.diag(("单位",), f"单位「{p.unit}」不存在", f"部门.yaml 中的单位：{units}"))
    before = len(ctx.diags)
    ctx.diags += too_long(
        pos, {"项目名称": p.name, "标题": p.title, "项目编码": p.code, "资金用途": p.use, "绩效目标": p.goal}
    )
    try:
        amounts = derive_amounts(p.budget, p.fiscal, p.other, dept.money_unit)
    except DeriveError as exc:
        where = (exc.field,) if exc.field in {"预算数", "财政资金", "其他资金"} & set(_given(p)) else ()
        ctx.diags.append(pos.diag(where, exc.message, exc.hint))
        amounts = None
    schedule: list[dm.ScheduleCell] | None = None
    entries, schedule_pos, schedule_node = _inherit(ctx, src, unit, "schedule")
    field_sources = {
        label: ctx.ref(pos, (label,), key=True)
        for label in ("项目名称", "标题", "项目编码", "预算数", "财政资金", "其他资金", "资金用途", "绩效目标")
        if (label,) in pos.keys
    }
    if dept.layout.show_schedule:
        if entries is None:
            ctx.diags.append(
                pos.diag((), "缺少资金支出计划", "在 部门.yaml 的 默认 中写 资金支出计划: [20%, 50%, 80%, 100%]，或在项目中写出")
            )
        else:
            field_sources["资金支出计划"] = ctx.ref(schedule_pos, schedule_node)
            try:
                values = parse_schedule(entries)
                schedule = [
                    dm.ScheduleCell(
                        label=label, percent=v, text=schedule_text(v, percent=dept.layout.schedule_percent)
                    )
                    for label, v in zip(SCHEDULE_LABELS, values, strict=True)
                ]
            except DeriveError as exc:
                idx = (exc.index,) if exc.index is not None else ()
                ctx.diags.append(schedule_pos.diag((*schedule_node, *idx), exc.message, exc.hint))
    style, style_pos, style_node = _inherit(ctx, src, unit, "date_style")
    date_style: DateStyle = style or "点分"
    if style is not None:
        field_sources["日期格式"] = ctx.ref(style_pos, style_node)
    deadline_raw, deadline_pos, deadline_node = _inherit(ctx, src, unit, "deadline")
    if deadline_raw is None:
        deadline = format_date(dt.date(dept.year, 12, 31), date_style)
    else:
        try:
            deadline = parse_value(str(deadline_raw), iso_style=date_style).text
        except ValueError_ as exc:
            ctx.diags.append(deadline_pos.diag(deadline_node, exc.message, exc.hint))
            deadline = str(deadline_raw)
    preset = _inherit(ctx, src, unit, "preset")[0]
    if preset == NO_PRESET:
        preset = None
    basis, basis_pos, basis_node = _inherit(ctx, src, unit, "basis")
    basis_source = ctx.ref(basis_pos, basis_node) if basis else None
    item = p.item or derive_item(p.name)
    rows = ctx.rows.collect(src, preset)
    if amounts is None or rows is None or unit is None or len(ctx.diags) > before:
        return None
    context: dict[str, Any] = {
        "事项": item,
        "项目名称": p.name,
        "预算数": amounts.budget,
        "财政资金": amounts.fiscal,
        "其他资金": amounts.other,
        "年度": dept.year,
        "完成时限": deadline,
        "金额单位": dept.money_unit,
        "取整步长": quantum(dept.money_unit),
        "单位名称": unit.name,
        "部门名称": dept.name,
    }
    indicator_rows = ctx.rows.render(
        rows, context, basis=basis, basis_source=basis_source, date_style=date_style,
        project=src.path, preset=preset,
    )
    if indicator_rows is None or len(ctx.diags) > before:
        return None
    columns = ["一级指标", "二级指标", "三级指标", "绩效指标描述", "指标值"]
    if dept.layout.show_basis:
        columns.append("指标值确定依据")
    title = p.title or p.name
    return dm.ProjectTable(
        number=number,
        heading=f"{number}.{title}绩效目标表",
        title=title,
        source=source_ref(ctx.spec.root, src.path, 1, 1),
        file_stem=src.stem,
        unit_code=unit.code,
        unit_name=unit.name,
        unit_label=f"{unit.code}{unit.name}",
        money_unit=dept.money_unit,
        money_unit_label=f"单位：{dept.money_unit}",
        code=p.code if dept.layout.show_code else None,
        name_label=dept.layout.name_label,
        name=p.name,
        budget=amounts.budget,
        fiscal=amounts.fiscal,
        other=amounts.other,
        budget_text=format_money(amounts.budget, dept.money_unit),
        fiscal_text=money_text(amounts.fiscal, dept.money_unit),
        other_text=money_text(amounts.other, dept.money_unit),
        use=p.use,
        schedule=schedule,
        goal=p.goal,
        preset=preset,
        item=item if preset else p.item,
        columns=columns,
        rows=indicator_rows,
        field_sources=field_sources,
        check_ignore=list(p.checks.ignore) if p.checks else [],
    )


def _given(p: Any) -> list[str]:
    return [k for k, v in (("预算数", p.budget), ("财政资金", p.fiscal), ("其他资金", p.other)) if v is not None]


def _part_projects(ctx: _Ctx) -> list[tuple[str, list[ProjectSource]]]:
    """Assign project files to parts (explicit lists, or all remaining)."""
    by_stem = {src.stem: src for src in ctx.spec.projects}
    listed: set[str] = set()
    out: list[tuple[str, list[ProjectSource] | None]] = []
    catch_all = 0
    for i, part in enumerate(ctx.dept.parts):
        if part.projects is None:
            catch_all += 1
            out.append((part.title, None))
            continue
        chosen: list[ProjectSource] = []
        for j, stem in enumerate(part.projects):
            stem = stem.removesuffix(".yaml")
            if stem not in by_stem:
                ctx.diags.append(
                    ctx.spec.pos.diag(
                        ("部分", i, "项目", j),
                        f"项目文件「projects/{stem}.yaml」不存在",
                        "写 projects 文件夹中的文件名（不含 .yaml）",
                    )
                )
            elif stem in listed:
                ctx.diags.append(ctx.spec.pos.diag(("部分", i, "项目", j), f"项目「{stem}」列了两次"))
            else:
                listed.add(stem)
                chosen.append(by_stem[stem])
        out.append((part.title, chosen))
    if catch_all > 1:
        ctx.diags.append(
            ctx.spec.pos.diag(("部分",), "只能有一个部分省略「项目」列表", "给其余部分写出 项目: [文件名, …]")
        )
    rest = [src for src in ctx.spec.projects if src.stem not in listed]
    if catch_all == 0 and rest:
        for src in rest:
            ctx.diags.append(
                Diagnostic(src.path, 1, 1, "这个项目没有列入任何部分", "在 部门.yaml 的 部分 中列出它，或让某个部分省略「项目」")
            )
    return [(title, chosen if chosen is not None else rest) for title, chosen in out]


def _part_one(ctx: _Ctx) -> dm.PartOne | None:
    one = ctx.dept.part_one
    if one is None:
        return None
    base: NodePath = ("第一部分",)
    pos = ctx.spec.pos
    ctx.diags += too_long(pos, {"标题": one.title, "总体绩效目标": one.overall}, base)
    for i, s in enumerate(one.sub_goals):
        texts: dict[str | int, str | None] = {"标题": s.title, "绩效目标": s.goal, "绩效指标": s.indicators}
        ctx.diags += too_long(pos, texts, (*base, "分项绩效目标", i))
    ctx.diags += too_long(pos, dict(enumerate(one.measures)), (*base, "工作保障措施"))

    def at(*node: str | int) -> dm.SourceRef:
        return ctx.ref(ctx.spec.pos, ("第一部分", *node))

    return dm.PartOne(
        numeral=part_numeral(1),
        title=one.title,
        overall=one.overall.strip(),
        source=at("总体绩效目标"),
        sub_goals=[
            dm.SubGoal(
                number=i,
                title=s.title,
                goal=s.goal.strip(),
                indicators=s.indicators.strip(),
                source=at("分项绩效目标", i - 1),
            )
            for i, s in enumerate(one.sub_goals, 1)
        ],
        measures=[
            dm.Measure(number=i, text=m.strip(), source=at("工作保障措施", i - 1))
            for i, m in enumerate(one.measures, 1)
        ],
    )


def _check_units(ctx: _Ctx) -> None:
    seen: dict[str, int] = {}
    for i, unit in enumerate(ctx.dept.units):
        if unit.code in seen:
            ctx.diags.append(
                ctx.spec.pos.diag(("单位", i, "单位编码"), f"单位编码「{unit.code}」重复（第 {seen[unit.code] + 1} 个单位已用）")
            )
        seen[unit.code] = i


def _check_default_presets(ctx: _Ctx) -> None:
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
    builder = RowBuilder(spec.root, dept.framework, dept.layout.show_basis, spec.presets, diags)
    ctx = _Ctx(spec, diags, builder)
    _check_units(ctx)
    _check_default_presets(ctx)
    ctx.diags += too_long(spec.pos, {"部门名称": dept.name, "标题": dept.title})
    part_one = _part_one(ctx)
    first_part = 2 if part_one is not None else 1
    parts: list[dm.Part] = []
    number = 0
    for offset, (title, sources) in enumerate(_part_projects(ctx)):
        tables: list[dm.ProjectTable] = []
        for src in sources:
            number += 1
            table = _expand_project(ctx, src, number)
            if table is not None:
                tables.append(table)
        n = first_part + offset
        parts.append(dm.Part(number=n, numeral=part_numeral(n), title=title, tables=tables))
    if not ctx.diags:
        ctx.diags += too_big(spec.pos, part_one, parts)
    if ctx.diags:
        raise SpecError(ctx.diags)
    layout = dept.layout
    return dm.Document(
        title=dept.title or f"{dept.year}年{dept.name}部门绩效目标",
        year=dept.year,
        department=dept.name,
        money_unit=dept.money_unit,
        framework=dept.framework,
        layout=dm.Layout(
            show_code=layout.show_code,
            show_schedule=layout.show_schedule,
            show_basis=layout.show_basis,
            name_label=layout.name_label,
            schedule_percent=layout.schedule_percent,
        ),
        part_one=part_one,
        parts=parts,
        check_ignore=list(dept.checks.ignore) if dept.checks else [],
        issued=dept.issued or dt.date(dept.year, 1, 1),
        templates=_templates(dept),
        field_sources={
            key: ctx.ref(spec.pos, (key,)) for key in ("部门名称", "标题") if (key,) in spec.pos.values
        },
    )


def _templates(dept: Department) -> dict[str, str]:
    t = dept.templates
    if t is None:
        return {}
    return {k: v for k, v in (("document", t.document), ("table", t.table)) if v}


__all__ = ["derive_item", "expand_department", "part_numeral"]
