"""``jixiao new``: one more project file, placed beside its unit's projects, that fits the spec it joins.

What the new file writes follows what the spec around it already does:

- the preset: ``--预设``, else the one the project would inherit (its unit's or the
  department's 默认), else the one most projects of its unit use, else the one most
  projects use, else the built-in 运转类 — so a project added to an imported spec gets
  rows built around its own 事项;
- 资金支出计划 and 指标值确定依据: written only when the layout prints them and nothing
  would be inherited (what most of the unit's projects have, else 20%/50%/80%/100% and 工作计划);
- 单位: left out when the department has one unit.

The file is named ``NN-名称.yaml`` after the unit's last project, so the table is
printed beside them (``05.1-名称.yaml`` sorts between ``05-…`` and ``06-…``); with
no project of the unit yet, after the last project. When 部门.yaml's 部分 lists that
project by file name, the new one is listed right after it (through ``jixiao fmt``'s
writer: comments stay), so it is printed in the same part.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

from jixiao.authoring.scaffold import (
    check_text,
    one_line,
    preset_example,
    render_scaffold,
    schema_ref,
    short_item,
)
from jixiao.errors import SpecError, UsageError
from jixiao.fileio import write_set
from jixiao.model.document import Document
from jixiao.safenames import inside, safe_name
from jixiao.spec.load import LoadedSpec, find_root, load_department, project_files
from jixiao.spec.model import Unit
from jixiao.spec.yamlscalar import Quoted, scalar

FALLBACK_PRESET = "运转类"
FALLBACK_SCHEDULE = ("20%", "50%", "80%", "100%")
FALLBACK_BASIS = "工作计划"
_NUMBER = re.compile(r"^(\d+(?:\.\d+)*)(?=-|$)")


def _unit(loaded: LoadedSpec, ref: str | None) -> Unit:
    units = loaded.department.units
    ref = ref if ref is not None else loaded.department.defaults.unit
    chosen = next((u for u in units if ref in (None, u.code, u.name, f"{u.code}{u.name}")), None)
    if chosen is None:
        codes = "、".join(f"{u.code}（{u.name}）" for u in units)
        raise UsageError(f"单位「{ref}」不存在；可用的单位：{codes}")
    return chosen


def _expanded(loaded: LoadedSpec) -> Document | None:
    """The spec as it expands now (None when it has problems: new still adds the file)."""
    from jixiao.expand.department import expand_department

    try:
        return expand_department(loaded)
    except SpecError:
        return None


def _inherited_preset(loaded: LoadedSpec, unit: Unit) -> str | None:
    for defaults in (unit.defaults, loaded.department.defaults):
        if defaults is not None and defaults.preset:
            return defaults.preset
    return None


def _usual(values: list[str]) -> str | None:
    return Counter(values).most_common(1)[0][0] if values else None


def choose_preset(loaded: LoadedSpec, doc: Document | None, unit: Unit, given: str | None) -> str | None:
    """The preset the new project writes (None: no preset, 预设: 无)."""
    preset = given or _inherited_preset(loaded, unit)
    if preset is None and doc is not None:
        tables = doc.tables()
        preset = _usual([t.preset for t in tables if t.unit_code == unit.code and t.preset]) or _usual(
            [t.preset for t in tables if t.preset]
        )
    if preset is None and FALLBACK_PRESET in loaded.presets.presets:
        preset = FALLBACK_PRESET
    if preset == "无":
        return None
    if preset is not None and preset not in loaded.presets.presets:
        raise UsageError(f"预设「{preset}」不存在；可用的预设：{'、'.join(loaded.presets.names())}")
    return preset


def schedule_to_write(loaded: LoadedSpec, doc: Document | None, unit: Unit) -> list[str] | None:
    """资金支出计划 for the new file when it would inherit none and the layout prints one."""
    dept = loaded.department
    if any(d is not None and d.schedule is not None for d in (unit.defaults, dept.defaults)):
        return None
    catch_all = [p for p in dept.parts if p.projects is None]
    if catch_all and catch_all[0].defaults is not None and catch_all[0].defaults.schedule is not None:
        return None
    if doc is not None and not doc.layout.show_schedule:
        return None
    written: list[tuple[str, ...]] = []
    if doc is not None:
        written = [
            tuple(f"{c.percent}%" for c in t.schedule)
            for t in doc.tables()
            if t.unit_code == unit.code and t.schedule and all(c.percent is not None for c in t.schedule)
        ]
    usual = Counter(written).most_common(1)
    return list(usual[0][0] if usual else FALLBACK_SCHEDULE)


def basis_to_write(loaded: LoadedSpec, doc: Document | None, unit: Unit) -> str | None:
    """指标值确定依据 for the new file when it would inherit none and the layout prints the column."""
    dept = loaded.department
    if any(d is not None and d.basis is not None for d in (unit.defaults, dept.defaults)):
        return None
    catch_all = [p for p in dept.parts if p.projects is None]
    if catch_all and catch_all[0].defaults is not None and catch_all[0].defaults.basis is not None:
        return None
    if doc is None:
        return FALLBACK_BASIS
    if not doc.layout.show_basis:
        return None
    mine = [r.basis for t in doc.tables() if t.unit_code == unit.code for r in t.rows if r.basis]
    return _usual(mine) or FALLBACK_BASIS


def _unit_of(loaded: LoadedSpec, ref: str | None) -> str | None:
    if ref is None:
        units = loaded.department.units
        default = loaded.department.defaults.unit
        ref = default if default is not None else (units[0].code if len(units) == 1 else None)
    return next((u.code for u in loaded.department.units if ref in (u.code, u.name, f"{u.code}{u.name}")), None)


def new_stem(loaded: LoadedSpec, unit: Unit, name: str) -> str:
    """``NN-名称`` sorting right after the unit's last project (or after the last project)."""
    stems = [p.stem for p in project_files(loaded.root)]
    title = safe_name(name, fallback="项目")
    mine = [src.stem for src in loaded.projects if _unit_of(loaded, src.spec.unit) == unit.code]
    if mine and mine[-1] in stems and mine[-1] != stems[-1]:
        after = mine[-1]
        following = stems[stems.index(after) + 1]
        m = _NUMBER.match(after)
        if m is not None:
            prefix = m.group(1)
            head, _, last = prefix.rpartition(".")
            options = [f"{head}.{int(last) + k}" for k in range(1, 10)] if head else []
            options += [f"{prefix}.{k}" for k in range(1, 100)]
            for option in options:
                stem = f"{option}-{title}"
                if after < stem < following and stem not in stems:
                    return stem
    numbers = [int(m.group(1).split(".")[0]) for s in stems if (m := _NUMBER.match(s))]
    return f"{max(numbers, default=0) + 1:02d}-{title}"


def new_project(spec: Path, name: str, preset: str | None, unit: str | None) -> Path:
    """Write ``projects/NN-名称.yaml`` for a new project; the path written.

    Raises:
        UsageError: unknown unit or preset, a name that cannot be printed, or the spec does not load.
    """
    check_text(name, "项目名称")
    root = find_root(spec)
    loaded = load_department(root)
    chosen = _unit(loaded, unit)
    doc = _expanded(loaded)
    preset = choose_preset(loaded, doc, chosen, preset)
    schedule = schedule_to_write(loaded, doc, chosen)
    basis = basis_to_write(loaded, doc, chosen)
    path = inside(root, "projects", f"{new_stem(loaded, chosen, name)}.yaml")
    example = preset_example(loaded.presets.resolve(preset)) if preset is not None else {}
    item = short_item(name)
    one_unit = len(loaded.department.units) == 1 or loaded.department.defaults.unit is not None
    text = render_scaffold(
        "项目.yaml",
        {
            "项目名称": scalar(name),
            "单位": "" if one_unit and unit is None else scalar(Quoted(chosen.code)),
            "预设": scalar(preset) if preset else "",
            "预设名": one_line(preset or ""),
            "事项": scalar(item) if item else "",
            "资金支出计划": "[" + ", ".join(schedule) + "]" if schedule else "",
            "指标值确定依据": scalar(basis) if basis else "",
            "模式": schema_ref(root / "projects"),
            **example,
        },
    )
    files = {path: text.encode("utf-8")}
    listing = _listing(loaded, chosen)
    if listing is not None:
        from jixiao.spec.fmt import canonical

        original = loaded.path.read_text(encoding="utf-8-sig")
        files[loaded.path] = canonical(original, insert_after={listing: path.stem}).encode("utf-8")
    write_set(files)
    return path


def _listing(loaded: LoadedSpec, unit: Unit) -> tuple[str | int, ...] | None:
    """Where 部门.yaml's 部分 lists the unit's last project by its file name (None: not listed so)."""
    mine = [src.stem for src in loaded.projects if _unit_of(loaded, src.spec.unit) == unit.code]
    if not mine:
        return None
    for i, part in enumerate(loaded.department.parts):
        entries = [e.removesuffix(".yaml") for e in part.projects or []]
        if mine[-1] in entries and ("部分", i, "项目", entries.index(mine[-1])) in loaded.pos.values:
            return ("部分", i, "项目", entries.index(mine[-1]))
    return None
