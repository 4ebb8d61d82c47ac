"""The *expand* stage: loaded spec → complete document model.

One pure function, :func:`expand_department`: presets, defaults and derived
values are applied here and nowhere else. It reads no files and writes none.
Every semantic problem (a unit or preset that does not exist, sums that do not
add up, a value that cannot be parsed …) is collected and raised together.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2

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
from jixiao.framework import FRAMEWORKS, all_level2, level1_of
from jixiao.money import format_money, quantum
from jixiao.presets import PresetRow, apply_patch, field_positions, merge_row
from jixiao.resources import builtin_templates
from jixiao.spec.load import LoadedSpec, ProjectSource
from jixiao.spec.model import Defaults, Department, RowSpec, Unit
from jixiao.textenv import render_text
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
    """Per-expansion state: the spec and the diagnostics collected so far."""

    spec: LoadedSpec
    diags: list[Diagnostic]

    @property
    def dept(self) -> Department:
        return self.spec.department


def _defaults_chain(dept: Department, unit: Unit | None) -> list[Defaults]:
    chain = [dept.defaults]
    if unit is not None and unit.defaults is not None:
        chain.insert(0, unit.defaults)
    return chain


def _first(*values: Any) -> Any:
    return next((v for v in values if v is not None), None)


def _find_unit(dept: Department, ref: str) -> Unit | None:
    return next((u for u in dept.units if ref in (u.code, u.name, f"{u.code}{u.name}")), None)


def _ref(root: Path, path: Path, line: int, col: int) -> dm.SourceRef:
    """A source reference that does not depend on where the spec is checked out."""
    return dm.SourceRef(path=display_path(root, path), line=line, col=col)


def display_path(root: Path, path: Path) -> str:
    """*path* relative to the spec folder, or ``jixiao:`` + its place in the built-in templates."""
    builtin = builtin_templates().resolve()
    resolved = path.resolve()
    if resolved.is_relative_to(builtin):
        return "jixiao:templates/" + resolved.relative_to(builtin).as_posix()
    return Path(os.path.relpath(resolved, root.resolve())).as_posix()


def _insert_by_group(rows: list[PresetRow], new: PresetRow, framework: dict[str, list[str]]) -> None:
    """Insert an added row after the last row of its 二级, else of its 一级 rank."""
    level2 = new.row.level2
    same = [i for i, r in enumerate(rows) if level2 and r.row.level2 == level2]
    if same:
        rows.insert(same[-1] + 1, new)
        return
    rank = _rank(new.row, framework)
    before = [i for i, r in enumerate(rows) if _rank(r.row, framework) <= rank]
    rows.insert(before[-1] + 1 if before else 0, new)


def _rank(row: RowSpec, framework: dict[str, list[str]]) -> int:
    """Position of the row's 一级 in the framework (unknown ones sort last)."""
    order = list(framework)
    level1 = row.level1
    if level1 is None and row.level2 is not None:
        level1 = next((l1 for l1, children in framework.items() if row.level2 in children), None)
    return order.index(level1) if level1 in order else len(order)


def _rows_for(ctx: _Ctx, src: ProjectSource, preset: str | None) -> list[PresetRow] | None:
    """Preset rows with the project's 改写 applied and its own rows added."""
    p = src.spec
    pos = src.pos
    rows: list[PresetRow] = []
    if preset is not None:
        try:
            rows = ctx.spec.presets.resolve(preset)
        except KeyError:
            names = "、".join(ctx.spec.presets.names()) or "（无）"
            where = ("预设",) if p.preset else ("单位",)
            ctx.diags.append(
                pos.diag(where, f"预设「{preset}」不存在", f"可用的预设：{names}；或写 预设: 无 不用预设")
            )
            return None
        keys = [r.row.key for r in rows]
        for key in p.patch:
            if key not in keys:
                ctx.diags.append(
                    pos.diag(
                        ("改写", key),
                        f"预设「{preset}」中没有键「{key}」",
                        f"可改写的键：{'、'.join(k for k in keys if k)}；新增的行写在 绩效指标 下",
                        key=True,
                    )
                )
        patch = {k: (v, ("改写", k)) for k, v in p.patch.items()}
        rows = apply_patch(rows, patch, src.path, pos)
    elif p.patch:
        ctx.diags.append(
            pos.diag(("改写",), "没有使用预设，「改写」无从改起", "写出 预设: 名称，或把这些行写在 绩效指标 下", key=True)
        )
    framework = FRAMEWORKS[ctx.dept.framework]
    for i, row in enumerate(p.rows):
        line, col = pos.of(("绩效指标", i))
        new = PresetRow(row, src.path, line, col, field_positions(pos, ("绩效指标", i)))
        if preset is None:
            rows.append(new)
        else:
            _insert_by_group(rows, new, framework)
    if not rows:
        ctx.diags.append(
            pos.diag((), "这个项目没有任何绩效指标", "写出 预设: 名称，或在 绩效指标 下列出各行")
        )
        return None
    return rows


def _row_error(
    ctx: _Ctx, pr: PresetRow, message: str, hint: str | None = None, field: str | None = None
) -> None:
    line, col = pr.where(field)
    ctx.diags.append(Diagnostic(pr.path, line, col, message, hint))


def _render_row(
    ctx: _Ctx,
    pr: PresetRow,
    context: dict[str, Any],
    basis: str | None,
    date_style: DateStyle,
) -> dict[str, Any] | None:
    row = pr.row
    texts: dict[str, str] = {}
    for field, label in (
        ("level1", "一级"),
        ("level2", "二级"),
        ("level3", "三级"),
        ("description", "描述"),
        ("value", "值"),
        ("basis", "依据"),
    ):
        raw = getattr(row, field)
        if raw is None:
            continue
        try:
            texts[field] = render_text(raw, context)
        except jinja2.UndefinedError as exc:
            names = "、".join(k for k in sorted(context) if not k.startswith("_"))
            _row_error(ctx, pr, f"「{label}」中的模板用了未定义的名字（{exc.message}）",
                       f"可用的名字：{names}", field)
            return None
        except (jinja2.TemplateError, ArithmeticError, TypeError, ValueError) as exc:
            _row_error(ctx, pr, f"「{label}」中的模板无法计算：{exc}",
                       "检查 {{ }} 中的写法，如 {{ 向上取整(预算数 / 12, 0.01) }}", field)
            return None
    framework = ctx.dept.framework
    if "level2" not in texts:
        _row_error(ctx, pr, "指标行缺少「二级」", f"可用的二级指标：{'、'.join(all_level2(framework))}")
        return None
    level1 = texts.get("level1") or level1_of(texts["level2"], framework)
    if level1 is None:
        _row_error(
            ctx,
            pr,
            f"二级指标「{texts['level2']}」不属于指标体系「{framework}」，无法推断一级指标",
            f"写出 一级，或改用：{'、'.join(all_level2(framework))}",
            "level2",
        )
        return None
    for field, label in (("level3", "三级"), ("description", "描述"), ("value", "值")):
        if field not in texts:
            _row_error(ctx, pr, f"指标行「{texts.get('level3', texts['level2'])}」缺少「{label}」")
            return None
    try:
        value = parse_value(texts["value"], iso_style=date_style)
    except ValueError_ as exc:
        _row_error(ctx, pr, exc.message, exc.hint, "value")
        return None
    row_basis = None
    if ctx.dept.layout.show_basis:
        row_basis = texts.get("basis") or basis
        if row_basis is None:
            _row_error(ctx, pr, "缺少指标值确定依据", "在 默认 中写 指标值确定依据: 工作计划，或在这一行写 依据")
            return None
    return {
        "level1": level1,
        "level2": texts["level2"],
        "level3": texts["level3"],
        "description": texts["description"],
        "value": value.text,
        "basis": row_basis,
        "parsed": dm.ParsedValue(
            kind=value.kind,
            op=value.op,
            number=value.number,
            unit=value.unit,
            date=value.date.isoformat() if value.date else None,
            date_style=value.date_style,
        ),
        "key": row.key,
        "origin": "项目" if pr.path == context["_project_path"] else f"预设:{context['_preset']}",
        "source": _ref(ctx.spec.root, pr.path, pr.line, pr.col),
    }


def _spans(rows: list[dict[str, Any]]) -> list[dm.IndicatorRow]:
    """Vertical-merge spans: consecutive equal 一级, and equal 二级 inside them."""
    n = len(rows)
    l1 = [0] * n
    l2 = [0] * n
    i = 0
    while i < n:
        j = i
        while j + 1 < n and rows[j + 1]["level1"] == rows[i]["level1"]:
            j += 1
        l1[i] = j - i + 1
        k = i
        while k <= j:
            m = k
            while m + 1 <= j and rows[m + 1]["level2"] == rows[k]["level2"]:
                m += 1
            l2[k] = m - k + 1
            k = m + 1
        i = j + 1
    return [dm.IndicatorRow(**r, level1_span=a, level2_span=b) for r, a, b in zip(rows, l1, l2, strict=True)]


def _expand_project(ctx: _Ctx, src: ProjectSource, number: int) -> dm.ProjectTable | None:
    p = src.spec
    pos = src.pos
    dept = ctx.dept
    unit = _find_unit(dept, p.unit)
    if unit is None:
        units = "、".join(f"{u.code}（{u.name}）" for u in dept.units)
        ctx.diags.append(pos.diag(("单位",), f"单位「{p.unit}」不存在", f"部门.yaml 中的单位：{units}"))
    chain = _defaults_chain(dept, unit)
    before = len(ctx.diags)
    try:
        amounts = derive_amounts(p.budget, p.fiscal, p.other, dept.money_unit)
    except DeriveError as exc:
        where = (exc.field,) if exc.field in {"预算数", "财政资金", "其他资金"} & set(_given(p)) else ()
        ctx.diags.append(pos.diag(where, exc.message, exc.hint))
        amounts = None
    schedule: list[dm.ScheduleCell] | None = None
    if dept.layout.show_schedule:
        entries = _first(p.schedule, *(d.schedule for d in chain))
        if entries is None:
            ctx.diags.append(
                pos.diag((), "缺少资金支出计划", "在 部门.yaml 的 默认 中写 资金支出计划: [20%, 50%, 80%, 100%]，或在项目中写出")
            )
        else:
            where_list: tuple[str | int, ...] = ("资金支出计划",) if p.schedule is not None else ()
            try:
                values = parse_schedule(entries)
                schedule = [
                    dm.ScheduleCell(
                        label=label, percent=v, text=schedule_text(v, percent=dept.layout.schedule_percent)
                    )
                    for label, v in zip(SCHEDULE_LABELS, values, strict=True)
                ]
            except DeriveError as exc:
                idx = (exc.index,) if exc.index is not None and where_list else ()
                ctx.diags.append(pos.diag((*where_list, *idx), exc.message, exc.hint))
    date_style: DateStyle = _first(p.date_style, *(d.date_style for d in chain)) or "点分"
    deadline_raw = _first(p.deadline, *(d.deadline for d in chain))
    if deadline_raw is None:
        deadline = format_date(dt.date(dept.year, 12, 31), date_style)
    else:
        try:
            deadline = parse_value(str(deadline_raw), iso_style=date_style).text
        except ValueError_ as exc:
            ctx.diags.append(pos.diag(("完成时限",), exc.message, exc.hint))
            deadline = str(deadline_raw)
    preset = _first(p.preset, *(d.preset for d in chain))
    if preset == NO_PRESET:
        preset = None
    basis = _first(p.basis, *(d.basis for d in chain))
    item = p.item or derive_item(p.name)
    rows = _rows_for(ctx, src, preset)
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
        "_project_path": src.path,
        "_preset": preset,
    }
    rendered = [_render_row(ctx, pr, context, basis, date_style) for pr in rows]
    if any(r is None for r in rendered) or len(ctx.diags) > before:
        return None
    columns = ["一级指标", "二级指标", "三级指标", "绩效指标描述", "指标值"]
    if dept.layout.show_basis:
        columns.append("指标值确定依据")
    title = p.title or p.name
    return dm.ProjectTable(
        number=number,
        heading=f"{number}.{title}绩效目标表",
        title=title,
        source=_ref(ctx.spec.root, src.path, 1, 1),
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
        rows=_spans([r for r in rendered if r is not None]),
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
    return dm.PartOne(
        numeral=part_numeral(1),
        title=one.title,
        overall=one.overall.strip(),
        sub_goals=[
            dm.SubGoal(number=i, title=s.title, goal=s.goal.strip(), indicators=s.indicators.strip())
            for i, s in enumerate(one.sub_goals, 1)
        ],
        measures=[dm.Measure(number=i, text=m.strip()) for i, m in enumerate(one.measures, 1)],
    )


def _check_units(ctx: _Ctx) -> None:
    seen: dict[str, int] = {}
    for i, unit in enumerate(ctx.dept.units):
        if unit.code in seen:
            ctx.diags.append(
                ctx.spec.pos.diag(("单位", i, "单位编码"), f"单位编码「{unit.code}」重复（第 {seen[unit.code] + 1} 个单位已用）")
            )
        seen[unit.code] = i


def expand_department(spec: LoadedSpec) -> dm.Document:
    """Expand a loaded spec into the complete document model.

    Raises:
        SpecError: every semantic problem found, with file, line and column.
    """
    ctx = _Ctx(spec, list(spec.problems))
    dept = spec.department
    _check_units(ctx)
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
    )


__all__ = ["derive_item", "expand_department", "merge_row", "part_numeral"]
