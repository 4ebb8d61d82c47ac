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
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from jixiao.errors import Diagnostic, Problem, SpecError
from jixiao.expand.budget import (
    SCHEDULE_LABELS,
    Amounts,
    DeriveError,
    money_text,
    parse_schedule,
    schedule_text,
)
from jixiao.expand.funding import AMOUNT_KEYS, Funding, derive_funding
from jixiao.expand.indicators import RowBuilder, render_field, source_ref
from jixiao.expand.partone import expand_part_one
from jixiao.expand.projectform import ALTERNATIVES, FormInputs, one_of, project_form
from jixiao.expand.sizes import too_big, too_long
from jixiao.model import document as dm
from jixiao.model.money import format_money, quantum
from jixiao.model.numbering import StyleError, label
from jixiao.model.values import DateStyle, ValueError_, format_date, parse_value
from jixiao.spec.frameworks import DEFAULT as DEFAULT_FRAMEWORK
from jixiao.spec.frameworks import Framework, FrameworkProblem, FrameworkSpec
from jixiao.spec.layout import LayoutSpec
from jixiao.spec.layouts import DEFAULT as DEFAULT_LAYOUT
from jixiao.spec.layouts import (
    LayoutProblem,
    page_layout,
    page_settings_misplaced,
    table_columns,
    table_layout,
)
from jixiao.spec.load import LoadedSpec, ProjectSource
from jixiao.spec.model import Defaults, Department, Part, Unit
from jixiao.spec.yamlio import NodePath, Positions
from jixiao.textenv import needs_render

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
    #: Layout settings written in 部门.yaml (with its 基于 chain).
    layout: dict[str, Any] = field(default_factory=dict)
    #: The department's framework, and where it is set (None: the default).
    framework: Framework | None = None
    framework_source: dm.SourceRef | None = None

    @property
    def dept(self) -> Department:
        return self.spec.department

    def ref(self, pos: Positions, node: NodePath, *, key: bool = False) -> dm.SourceRef:
        """Location-independent source of *node* in the file *pos* belongs to."""
        return source_ref(self.spec.root, pos.path, *pos.of(node, key=key))


@dataclass(frozen=True)
class _PartInfo:
    """One entry of 部分, resolved: its projects, layout settings and framework."""

    index: int
    spec: Part
    sources: list[ProjectSource]
    layout: dict[str, Any]
    framework: Framework
    framework_source: dm.SourceRef | None


def _inherit(
    ctx: _Ctx, src: ProjectSource, unit: Unit | None, part: _PartInfo, attr: str
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


def _unit_ref(ctx: _Ctx, src: ProjectSource, part: _PartInfo) -> tuple[str | None, Positions, NodePath]:
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


def _widths_source(ctx: _Ctx, own: dict[str, Any], part: _PartInfo, src: ProjectSource) -> dm.SourceRef | None:
    """Where the 列宽 a table uses is written: its own 版式, its part's, or the department's."""
    for settings, pos, base in ((own, src.pos, ("版式",)), (part.layout, ctx.spec.pos, ("部分", part.index, "版式")),
                                (ctx.layout, ctx.spec.pos, ("版式",))):
        if "widths" in settings:
            node = (*base, "列宽") if (*base, "列宽") in pos.values else base
            return ctx.ref(pos, node)
    return None


def _find_unit(dept: Department, ref: str) -> Unit | None:
    return next((u for u in dept.units if ref in (u.code, u.name, f"{u.code}{u.name}")), None)


def _layout_settings(
    ctx: _Ctx, spec: LayoutSpec | None, pos: Positions, at: NodePath, *, tables_only: bool
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


def _expand_project(
    ctx: _Ctx, src: ProjectSource, number: int, label: str, part: _PartInfo
) -> dm.ProjectTable | None:
    p = src.spec
    pos = src.pos
    dept = ctx.dept
    own = _layout_settings(ctx, p.layout, pos, ("版式",), tables_only=True)
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
    ctx.diags += _no_formulas(pos, {(key,): getattr(p, name) for key, name in zip(
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
    ctx: _Ctx, raw: str, context: dict[str, Any], pos: Positions, node: NodePath, label: str
) -> str:
    """*raw* with its formulas computed (a problem is reported where *raw* is written)."""
    try:
        return render_field(raw, context, label)
    except Problem as exc:
        ctx.diags.append(pos.diag(node, exc.message, exc.hint))  # repeats are merged at the end
        return raw


#: Texts that are printed as written: a {{ }} there would print literally, so it is refused.
_NO_FORMULA_PROJECT = ("项目名称", "标题", "事项", "项目编码", "单位")


def _no_formulas(pos: Positions, texts: dict[NodePath, str | None]) -> list[Diagnostic]:
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


def _parts(ctx: _Ctx, first_part: int) -> list[_PartInfo]:
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
            _PartInfo(
                index=i,
                spec=part,
                sources=part_sources,
                layout=_layout_settings(ctx, part.layout, ctx.spec.pos, ("部分", i, "版式"), tables_only=True),
                framework=framework,
                framework_source=source,
            )
        )
    return out


def _framework(ctx: _Ctx, spec: FrameworkSpec | None, at: NodePath) -> tuple[Framework, dm.SourceRef | None]:
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


def _part_one(ctx: _Ctx) -> dm.PartOne | None:
    one = ctx.dept.part_one
    if one is None:
        return None
    ctx.diags += too_long(ctx.spec.pos, {"标题": one.title}, ("第一部分",))
    return expand_part_one(one, part_numeral(1), ctx.spec.pos, lambda node: ctx.ref(ctx.spec.pos, node), ctx.diags)


def _check_units(ctx: _Ctx) -> None:
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
    builder = RowBuilder(spec.root, spec.presets, diags)
    ctx = _Ctx(spec, diags, builder)
    ctx.layout = _layout_settings(ctx, dept.layout or LayoutSpec.model_validate(DEFAULT_LAYOUT), spec.pos,
                                  ("版式",), tables_only=False)
    ctx.framework, ctx.framework_source = _framework(ctx, dept.framework, ("指标体系",))
    pages = page_layout(ctx.layout)
    _label(ctx, pages.title_numbering, 1)
    _check_units(ctx)
    _check_default_presets(ctx)
    ctx.diags += too_long(spec.pos, {"部门名称": dept.name, "标题": dept.title})
    ctx.diags += _no_formulas(
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
            table = _expand_project(ctx, src, number, label, info)
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


def _label(ctx: _Ctx, style: str, n: int) -> str:
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
