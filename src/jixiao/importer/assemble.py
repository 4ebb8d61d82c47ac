"""The spec data: 部门.yaml (defaults set once where they hold), presets and projects.

A default — 指标值确定依据, 资金支出计划, 日期格式, 预设 — goes into 部门.yaml's
``默认`` only when most tables (more than half of those that have one) share
it, never because one table happens to come first; a unit whose tables mostly
share another value gets its own ``默认``; a project writes it only when it
differs from what it inherits. A project added later (``jixiao new``) inherits
only what most of the document has. Layouts likewise: the document's 版式, a part's, a table's, each
only where it differs.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from jixiao.importer import layout as lay
from jixiao.importer.context import UnitInfo
from jixiao.importer.found import FoundDoc, FoundPartOne, Note
from jixiao.importer.plan import Choice
from jixiao.importer.sections import STANDARD, key_index
from jixiao.importer.yamltext import Quoted

T = TypeVar("T", bound=Hashable)
_HEADER_ORDER = ("项目名称", "标题", "单位", "项目编码", "预算数", "财政资金", "其他资金", "资金用途", "资金支出计划", "绩效目标")


@dataclass
class Project:
    """One project file's data and the comments to write beside its keys."""

    choice: Choice
    data: dict[str, Any]
    comments: dict[str, str] = field(default_factory=dict)


@dataclass
class Assembly:
    """Everything to write."""

    department: dict[str, Any]
    presets: dict[str, dict[str, Any]]
    projects: list[Project]
    preset_comments: dict[str, list[str]] = field(default_factory=dict)
    comments: dict[tuple[str | int, ...], str] = field(default_factory=dict)


def _most(values: list[T]) -> T | None:
    """The value more than half of *values* share, or None."""
    if not values:
        return None
    value, count = Counter(values).most_common(1)[0]
    return value if count * 2 > len(values) else None


def _schedule_key(s: list[str | None] | None) -> tuple[str | None, ...] | None:
    return tuple(s) if s is not None else None


@dataclass
class _Level:
    """A default at department and unit level: value by unit ref, and the department's value."""

    department: Any
    units: dict[str, Any]

    def inherited(self, unit: str) -> Any:
        return self.units.get(unit, self.department)


def _level(choices: list[Choice], units: list[UnitInfo], get: Callable[[Choice], Any]) -> _Level:
    values = [v for c in choices if (v := get(c)) is not None]
    dept = _most(values)
    own: dict[str, Any] = {}
    for u in units:
        mine = [v for c in choices if c.ctx.unit_code == u.ref and (v := get(c)) is not None]
        best = _most(mine)
        if best is not None and best != dept and mine.count(best) >= 2:
            own[u.ref] = best
    return _Level(dept, own)


def assemble(
    found: FoundDoc,
    year: int,
    department: str,
    framework: str,
    money_unit: str,
    units: list[UnitInfo],
    choices: list[Choice],
    presets: dict[str, dict[str, Any]],
    notes: list[Note],
) -> Assembly:
    """Spec data for the document, with *choices* (one per table) and the named *presets*."""
    basis = _level(choices, units, lambda c: c.ctx.basis)
    schedule = _level(choices, units, lambda c: _schedule_key(c.ctx.schedule))
    dates = _level(choices, units, lambda c: c.ctx.date_style)
    preset = _level(choices, units, lambda c: c.spelling.preset or "无")
    page = lay.page_settings(found)
    table_settings = {c.ctx.table.number: lay.table_settings(c.ctx.table) for c in choices}
    dept_tables = lay.majority(list(table_settings.values()), lay.defaults())
    dept: dict[str, Any] = {"年度": year, "部门名称": department}
    if found.title and found.title != f"{year}年{department}部门绩效目标":
        dept["标题"] = found.title
    dept["金额单位"] = money_unit
    dept["版式"] = lay.document_layout(dept_tables, page)
    dept["指标体系"] = framework
    defaults: dict[str, Any] = {}
    if preset.department is not None:
        defaults["预设"] = preset.department
    if basis.department is not None:
        defaults["指标值确定依据"] = basis.department
    if schedule.department is not None:
        defaults["资金支出计划"] = list(schedule.department)
    if dates.department is not None:
        defaults["日期格式"] = dates.department
    dept["默认"] = defaults
    unit_data = []
    for u in units:
        entry: dict[str, Any] = {"单位编码": Quoted(u.code), "单位名称": u.name}
        own: dict[str, Any] = {}
        for key, level in (("预设", preset), ("指标值确定依据", basis), ("资金支出计划", schedule), ("日期格式", dates)):
            if u.ref in level.units:
                value = level.units[u.ref]
                own[key] = list(value) if isinstance(value, tuple) else value
        if own:
            entry["默认"] = own
        unit_data.append(entry)
    dept["单位"] = unit_data
    if found.part_one is not None:
        dept["第一部分"] = part_one_data(found.part_one)
    part_settings: list[lay.Settings] = []
    parts_data: list[dict[str, Any]] = []
    for i, part in enumerate(found.parts):
        mine = [table_settings[c.ctx.table.number] for c in choices if c.ctx.table.part == i]
        settings = lay.resolved(dept_tables, lay.override(lay.majority(mine, dept_tables), dept_tables))
        part_settings.append(settings)
        entry = {"标题": part.title or "预算项目绩效目标"}
        change = lay.override(settings, dept_tables)
        if change is not None:
            entry["版式"] = change
        if i < len(found.parts) - 1:
            entry["项目"] = [c.ctx.stem for c in choices if c.ctx.table.part == i]
        parts_data.append(entry)
    headed = any(p.title is not None for p in found.parts)  # without 部分, jixiao prints no part heading
    if parts_data and (headed or parts_data != [{"标题": "预算项目绩效目标"}]):
        dept["部分"] = parts_data
    if "部分" in dept and any(p.title is None for p in found.parts):  # without 部分 none is printed, as in the original
        notes.append(Note("全文", "原文没有「第二部分 预算项目绩效目标」这样的部分标题",
                          "生成时会印出部分标题「预算项目绩效目标」（可在 部门.yaml 的 部分 中改标题）"))
    projects = []
    for c in choices:
        unit = c.ctx.unit_code
        inherited = {
            "预设": preset.inherited(unit),
            "指标值确定依据": basis.inherited(unit),
            "资金支出计划": schedule.inherited(unit),
            "日期格式": dates.inherited(unit),
        }
        settings = part_settings[c.ctx.table.part] if part_settings else dept_tables
        projects.append(_project(c, inherited, lay.override(table_settings[c.ctx.table.number], settings)))
    comments: dict[tuple[str | int, ...], str] = {(k,): v for k, v in found.guessed.items()}
    for i, u in enumerate(units):
        if u.placeholder:
            comments[("单位", i)] = "推断：原文没有单位行，单位编码是占位的（不印出），请改成实际编码"
    return Assembly(dept, presets, projects, comments=comments)


def _project(c: Choice, inherited: dict[str, Any], layout: Any) -> Project:
    ctx = c.ctx
    data: dict[str, Any] = {k: ctx.header[k] for k in _HEADER_ORDER if k in ctx.header}
    if ctx.schedule is not None and _schedule_key(ctx.schedule) == inherited["资金支出计划"]:
        data.pop("资金支出计划", None)
    if ctx.date_style is not None and ctx.date_style != inherited["日期格式"]:
        data["日期格式"] = ctx.date_style
    if ctx.basis is not None and ctx.basis != inherited["指标值确定依据"]:
        data["指标值确定依据"] = ctx.basis
    if layout is not None:
        data["版式"] = layout
    spelled = c.spelling.data()
    if spelled["预设"] == (inherited["预设"] or "无"):
        del spelled["预设"]
    data.update(spelled)
    comments = {}
    if "事项" in data:
        comments["事项"] = "由表中文字推断：预设文字中的「事项」"
    return Project(c, data, comments)


_DEFAULT_NUMBERING = {"总体绩效目标": "无", "分项绩效目标": "1.", "工作保障措施": "1."}


def part_one_data(one: FoundPartOne) -> dict[str, Any]:
    """第一部分 as spec data: sections by their standard key where the order allows it."""
    data: dict[str, Any] = {}
    if one.title != "部门整体绩效目标":
        data["标题"] = one.title
    if one.section_numbering != "一、":
        data["章节编号"] = one.section_numbering
    pointer = 0
    others: list[dict[str, Any]] = []
    for k, section in enumerate(one.sections):
        index = key_index(section.title, k) if pointer < 3 else None
        if index is not None and index < pointer:
            index = pointer if pointer < 3 else None
        if index is None:
            others.append(_section(section, None, "无"))
            continue
        if others:  # a standard section after another one cannot be printed in this order
            index = None
            others.append(_section(section, None, "无"))
            continue
        pointer = index + 1
        key = STANDARD[index]
        data[key] = _section(section, key, _DEFAULT_NUMBERING[key])
    if others:
        data["其他章节"] = others
    return data


def _section(section: Any, key: str | None, default: str) -> Any:
    items: list[Any] = []
    for item in section.items:
        fields = {k: v for k, v in (("标题", item.title), ("内容", item.text), ("绩效目标", item.goal),
                                      ("绩效指标", item.indicators)) if v is not None}
        items.append(fields["内容"] if list(fields) == ["内容"] else fields)
    title_changed = key is None or section.title != key
    if not title_changed and section.numbering == default:
        if default == "无" and len(items) == 1 and isinstance(items[0], str):
            return items[0]
        if default != "无":
            return items
    out: dict[str, Any] = {}
    if title_changed:
        out["标题"] = section.title
    if section.numbering != default:
        out["编号"] = section.numbering
    out["内容"] = items
    return out
