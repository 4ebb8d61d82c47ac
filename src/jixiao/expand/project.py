"""One project of a department expanded: its table, with every setting inherited and every value derived.

:func:`expand_project` is called by :func:`jixiao.expand.department.expand_department` for each project
file; the settings a project does not write come from its unit, its part or the department's 默认
(:func:`_inherit`), each with the place it is written.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from jixiao.errors import Diagnostic, Problem
from jixiao.expand.budget import (
    SCHEDULE_LABELS,
    Amounts,
    DeriveError,
    money_text,
    parse_schedule,
    schedule_text,
)
from jixiao.expand.context import Ctx, PartInfo
from jixiao.expand.funding import AMOUNT_KEYS, Funding, derive_funding
from jixiao.expand.indicators import render_field, source_ref
from jixiao.expand.projectform import ALTERNATIVES, FormInputs, one_of, project_form
from jixiao.expand.sizes import too_long
from jixiao.model import document as dm
from jixiao.model.money import format_money, quantum
from jixiao.model.values import DateStyle, ValueError_, format_date, parse_value
from jixiao.spec.layout import LayoutSpec
from jixiao.spec.layouts import (
    LayoutProblem,
    page_settings_misplaced,
    table_columns,
    table_layout,
)
from jixiao.spec.load import ProjectSource
from jixiao.spec.model import Defaults, Department, Unit
from jixiao.spec.yamlio import NodePath, Positions
from jixiao.textenv import needs_render

NO_PRESET = "无"
_ITEM_SUFFIXES = ("专项经费", "经费", "费用", "费")



def derive_item(name: str) -> str:
    """Default 事项 from a project name: 法律顾问费 → 法律顾问."""
    for suffix in _ITEM_SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix):
            return name[: -len(suffix)]
    return name


def _inherit(
    ctx: Ctx, src: ProjectSource, unit: Unit | None, part: PartInfo, attr: str
) -> tuple[Any, Positions, NodePath]:
    """A setting from the project, else its unit's, its part's or the department's 默认 — with where it is written.

    *attr* names the same field on :class:`Project` and :class:`Defaults`.
    """
    key = _ALIASES[attr]
    value = getattr(src.spec, attr)
    if value is not None:
        return value, src.pos, (key,)
    if unit is not None and unit.defaults is not None and getattr(unit.defaults, attr) is not None:
        index = ctx.dept.units.index(unit)
        return getattr(unit.defaults, attr), ctx.spec.pos, ("单位", index, "默认", key)
    if part.spec.defaults is not None and getattr(part.spec.defaults, attr) is not None:
        return getattr(part.spec.defaults, attr), ctx.spec.pos, ("部分", part.index, "默认", key)
    return getattr(ctx.dept.defaults, attr), ctx.spec.pos, ("默认", key)


_ALIASES = {name: f.alias or name for name, f in Defaults.model_fields.items()}


def _unit_ref(ctx: Ctx, src: ProjectSource, part: PartInfo) -> tuple[str | None, Positions, NodePath]:
    """The unit a project names: its own 单位, else its part's or the department's 默认, else the only unit."""
    if src.spec.unit is not None:
        return src.spec.unit, src.pos, ("单位",)
    if part.spec.defaults is not None and part.spec.defaults.unit is not None:
        return part.spec.defaults.unit, ctx.spec.pos, ("部分", part.index, "默认", "单位")
    if ctx.dept.defaults.unit is not None:
        return ctx.dept.defaults.unit, ctx.spec.pos, ("默认", "单位")
    if len(ctx.dept.units) == 1:
        return ctx.dept.units[0].code, ctx.spec.pos, ("单位", 0)
    return None, src.pos, ()


def _widths_source(ctx: Ctx, own: dict[str, Any], part: PartInfo, src: ProjectSource) -> dm.SourceRef | None:
    """Where the 列宽 a table uses is written: its own 版式, its part's, or the department's."""
    for settings, pos, base in ((own, src.pos, ("版式",)), (part.layout, ctx.spec.pos, ("部分", part.index, "版式")),
                                (ctx.layout, ctx.spec.pos, ("版式",))):
        if "widths" in settings:
            node = (*base, "列宽") if (*base, "列宽") in pos.values else base
            return ctx.ref(pos, node)
    return None


def _find_unit(dept: Department, ref: str) -> Unit | None:
    return next((u for u in dept.units if ref in (u.code, u.name, f"{u.code}{u.name}")), None)


def layout_settings(
    ctx: Ctx, spec: LayoutSpec | None, pos: Positions, at: NodePath, *, tables_only: bool
) -> dict[str, Any]:
    """Settings a 版式 (and its 基于 chain) writes; problems are reported at *at*."""
    if spec is None:
        return {}
    try:
        settings: dict[str, Any] = ctx.spec.layouts.settings(spec, pos, at)
    except LayoutProblem as exc:
        if exc.diagnostic not in ctx.diags:
            ctx.diags.append(exc.diagnostic)
        return {}
    misplaced = page_settings_misplaced(settings) if tables_only else []
    if misplaced:
        ctx.diags.append(
            pos.diag(at, f"「{'、'.join(misplaced)}」是整个文档的设置，只能写在 部门.yaml 的 版式 中", "把它移到 部门.yaml")
        )
    return settings


def expand_project(
    ctx: Ctx, src: ProjectSource, number: int, label: str, part: PartInfo
) -> dm.ProjectTable | None:
    p = src.spec
    pos = src.pos
    dept = ctx.dept
    own = layout_settings(ctx, p.layout, pos, ("版式",), tables_only=True)
    layout = table_layout(ctx.layout, part.layout, own)
    widths_source = _widths_source(ctx, own, part, src)
    unit_ref, unit_pos, unit_node = _unit_ref(ctx, src, part)
    unit = _find_unit(dept, unit_ref) if unit_ref is not None else None
    units = "、".join(f"{u.code}（{u.name}）" for u in dept.units)
    if unit_ref is None:
        ctx.diags.append(pos.diag((), f"没有写项目属于哪个单位（部门有 {len(dept.units)} 个单位）",
                                  f"写 单位: 单位编码（{units}），或在 部门.yaml 的 默认 中写 单位"))
    elif unit is None:
        ctx.diags.append(unit_pos.diag(unit_node, f"单位「{unit_ref}」不存在", f"部门.yaml 中的单位：{units}"))
    before = len(ctx.diags)
    ctx.diags += no_formulas(pos, {(key,): getattr(p, name) for key, name in zip(
        _NO_FORMULA_PROJECT, ("name", "title", "item", "code", "unit"), strict=True)})
    if p.title is not None and not p.title.strip():
        ctx.diags.append(pos.diag(("标题",), "「标题」是空的", "删去这一行，表题就用项目名称；或写出表题中的名称"))
    # 资金用途 and 绩效目标 are measured once, as printed (after their formulas), by _formula.
    ctx.diags += too_long(pos, {"项目名称": p.name, "标题": p.title, "项目编码": p.code})
    try:
        funding: Funding | None = derive_funding(
            p.budget, p.fiscal, p.other, p.appropriation, p.special, p.own_funds, dept.money_unit
        )
    except DeriveError as exc:
        where = (exc.field,) if exc.field in set(_given(p)) else ()
        ctx.diags.append(pos.diag(where, exc.message, exc.hint))
        funding = None
    amounts = funding.amounts if funding is not None else None
    schedule: list[dm.ScheduleCell] | None = None
    entries, schedule_pos, schedule_node = _inherit(ctx, src, unit, part, "schedule")
    field_sources = {
        label: ctx.ref(pos, (label,), key=True)
        for label in ("项目名称", "标题", "项目编码", *AMOUNT_KEYS, "资金用途")
        if (label,) in pos.keys
    }
    goal_raw, goal_key = one_of(src, *ALTERNATIVES[0], ctx.diags)
    if goal_key is None:
        ctx.diags.append(pos.diag((), "缺少「绩效目标」", "写出 绩效目标（或 年度目标）"))
    else:
        field_sources["绩效目标"] = ctx.ref(pos, (goal_key,), key=True)
    if widths_source is not None:
        field_sources["列宽"] = widths_source
    if layout.show_schedule and layout.header is None:
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
                        label=month,
                        percent=v,
                        text=schedule_text(v, percent=layout.schedule_percent, places=layout.schedule_places),
                    )
                    for month, v in zip(SCHEDULE_LABELS, values, strict=True)
                ]
            except DeriveError as exc:
                idx = (exc.index,) if exc.index is not None else ()
                ctx.diags.append(schedule_pos.diag((*schedule_node, *idx), exc.message, exc.hint))
    style, style_pos, style_node = _inherit(ctx, src, unit, part, "date_style")
    date_style: DateStyle = style or "点分"
    if style is not None:
        field_sources["日期格式"] = ctx.ref(style_pos, style_node)
    deadline_raw, deadline_pos, deadline_node = _inherit(ctx, src, unit, part, "deadline")
    if deadline_raw is None:
        deadline = format_date(dt.date(dept.year, 12, 31), date_style)
    else:
        try:
            deadline = parse_value(str(deadline_raw), iso_style=date_style).text
        except ValueError_ as exc:
            ctx.diags.append(deadline_pos.diag(deadline_node, exc.message, exc.hint))
            deadline = str(deadline_raw)
    preset = _inherit(ctx, src, unit, part, "preset")[0]
    if preset == NO_PRESET:
        preset = None
    basis, basis_pos, basis_node = _inherit(ctx, src, unit, part, "basis")
    basis_source = ctx.ref(basis_pos, basis_node) if basis else None
    basis_own = basis_pos is pos
    item = p.item or derive_item(p.name)
    columns = table_columns(layout)
    rows = ctx.rows.collect(src, preset, part.framework)
    if rows is None:
        return None
    # Problems above (a bad amount, unit or inherited schedule) do not stop the rows from
    # being checked: their own problems are reported in the same run.
    known = amounts or Amounts(Decimal(0), Decimal(0), Decimal(0))
    context: dict[str, Any] = {
        "事项": item,
        "项目名称": p.name,
        "预算数": known.budget,
        "财政资金": known.fiscal,
        "其他资金": known.other,
        "年度": dept.year,
        "完成时限": deadline,
        "金额单位": dept.money_unit,
        "取整步长": quantum(dept.money_unit),
        "单位名称": unit.name if unit is not None else unit_ref or "",
        "部门名称": dept.name,
    }
    use = _formula(ctx, p.use, context, pos, ("资金用途",), "资金用途")
    goal = _formula(ctx, goal_raw or "", context, pos, (goal_key or "绩效目标",), goal_key or "绩效目标")
    inputs = FormInputs(
        department=dept.name, unit_name=context["单位名称"], money_unit=dept.money_unit,
        inherit=lambda attr: _inherit(ctx, src, unit, part, attr),
        formula=lambda raw, where, node, name: _formula(ctx, raw, context, where, node, name),
        ref=lambda where, node: ctx.ref(where, node),
    )
    form, form_sources = project_form(src, inputs, funding, ctx.diags)
    field_sources.update(form_sources)
    if basis:
        basis = _formula(ctx, basis, context, basis_pos, basis_node, "指标值确定依据")
    indicator_rows = ctx.rows.render(
        rows, context, basis=basis, basis_source=basis_source, date_style=date_style,
        project=src.path, preset=preset, framework=part.framework, show_basis="指标值确定依据" in columns,
        basis_own=basis_own, framework_source=part.framework_source,
    )
    if indicator_rows is None or amounts is None or unit is None or len(ctx.diags) > before:
        return None
    title = p.title or p.name
    return dm.ProjectTable(
        number=number,
        label=label,
        heading=f"{label}{title}绩效目标表",
        title=title,
        source=source_ref(ctx.spec.root, src.path, 1, 1),
        file_stem=src.stem,
        unit_code=unit.code,
        unit_name=unit.name,
        unit_label=f"{unit.code}{unit.name}",
        money_unit=dept.money_unit,
        money_unit_label=f"单位：{dept.money_unit}",
        code=p.code if layout.show_code else None,
        name_label=layout.name_label,
        name=p.name,
        budget=amounts.budget,
        fiscal=amounts.fiscal,
        other=amounts.other,
        budget_text=format_money(amounts.budget, dept.money_unit),
        fiscal_text=money_text(amounts.fiscal, dept.money_unit),
        other_text=money_text(amounts.other, dept.money_unit),
        use=use,
        schedule=schedule,
        goal=goal,
        preset=preset,
        item=item if preset else p.item,
        columns=columns,
        rows=indicator_rows,
        field_sources=field_sources,
        check_ignore=list(p.checks.ignore) if p.checks else [],
        layout=layout,
        framework=part.framework.name,
        framework_levels=part.framework.levels,
        form=form,
    )


def _formula(
    ctx: Ctx, raw: str, context: dict[str, Any], pos: Positions, node: NodePath, label: str
) -> str:
    """*raw* with its formulas computed (a problem is reported where *raw* is written)."""
    try:
        return render_field(raw, context, label)
    except Problem as exc:
        ctx.diags.append(pos.diag(node, exc.message, exc.hint))  # repeats are merged at the end
        return raw


#: Texts that are printed as written: a {{ }} there would print literally, so it is refused.
_NO_FORMULA_PROJECT = ("项目名称", "标题", "事项", "项目编码", "单位")


def no_formulas(pos: Positions, texts: dict[NodePath, str | None]) -> list[Diagnostic]:
    out = []
    for node, text in texts.items():
        if text is not None and needs_render(text):
            out.append(
                pos.diag(
                    node,
                    f"「{node[-1]}」中不能写公式 {{{{ }}}}：这里的文字照原样印出",
                    "公式只能写在指标行（三级、描述、值、依据）、资金用途、绩效目标和指标值确定依据中",
                )
            )
    return out


def _given(p: Any) -> list[str]:
    attrs = ("budget", "fiscal", "other", "appropriation", "special", "own_funds")
    return [k for k, a in zip(AMOUNT_KEYS, attrs, strict=True) if getattr(p, a) is not None]
