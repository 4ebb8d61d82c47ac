"""The 2021 project form's fields beyond the older table: header fields, 权重, 指标解释, 「不适用」 rows.

Shared by the workbook import and the Word import of a table in the 2021 版式.
The importer's stages spell the rows from 三级, 描述, 指标值 and 依据. A row may
also carry 权重 (and its own 指标解释): each such row is found in the expanded
project — a preset row gets them in its 改写 entry, a row of the project's own
绩效指标 is written as a mapping with them. Header fields (政策依据, 实施期目标 …)
are written after 绩效目标, where they differ from what jixiao fills in itself.
"""

from __future__ import annotations

from typing import Any

from jixiao.importer import context as cx
from jixiao.importer.assemble import Assembly
from jixiao.importer.found import FoundDoc
from jixiao.importer.memory import expand, preset_library
from jixiao.importer.workbook.tables import Extras, drop_not_applicable
from jixiao.model.framework import without_sustainable
from jixiao.spec.frameworks import builtin_frameworks

#: Header fields of the 2021 form, in the order a project file writes them (after 绩效目标).
EXTRA_ORDER = ("实施期目标", "政策依据", "测算依据", "实施期限", "项目类型", "是否新增项目", "分配方式", "项目总金额",
               "财政专户管理资金", "申请单位", "一级预算单位", "实施单位")


def book_framework(found: FoundDoc, extras: dict[int, Extras]) -> tuple[Any, bool]:
    """The spec's 指标体系, and whether the tables pre-print every 二级 (「不适用」 rows, then taken out)."""
    name = cx.framework_of(found)
    levels = builtin_frameworks()[name].levels
    if drop_not_applicable(found, extras, levels):
        return {"基于": name, "不适用行": True}, True
    if drop_not_applicable(found, extras, without_sustainable(levels)):
        return {"基于": name, "可持续影响": False, "不适用行": True}, True
    return name, False


def named_framework(setting: Any) -> Any:
    """A 指标体系 setting as the built-in framework that is the same (``2021核心``), if there is one."""
    if isinstance(setting, str):
        return setting
    base = builtin_frameworks()[setting["基于"]]
    levels = without_sustainable(base.levels) if setting.get("可持续影响") is False else base.levels
    not_applicable = setting.get("不适用行", base.not_applicable)
    same = [n for n, f in builtin_frameworks().items() if f.levels == levels and f.not_applicable == not_applicable]
    return same[0] if same else setting


def form_header(header: dict[str, str], department: str, unit_name: str) -> dict[str, str]:
    """*header* without the fields jixiao fills in the same: 一级预算单位 = 部门名称, 申请/实施单位 = the unit's name."""
    out = dict(header)
    if out.get("一级预算单位") == department:
        out.pop("一级预算单位")
    for key in ("申请单位", "实施单位"):
        if out.get(key) == unit_name:
            out.pop(key)
    return out


def place_form_fields(assembly: Assembly) -> None:
    """Write each project's form header fields (in its context's header) after its 绩效目标."""
    for p in assembly.projects:
        extra = {k: p.choice.ctx.header[k] for k in EXTRA_ORDER if k in p.choice.ctx.header}
        if extra:
            keys = list(p.data)
            at = keys.index("绩效目标") + 1 if "绩效目标" in keys else len(keys)
            p.data = {**{k: p.data[k] for k in keys[:at]}, **extra, **{k: p.data[k] for k in keys[at:]}}

_LIST_KEYS = ("二级", "三级", "描述", "值", "依据")


def add_row_extras(assembly: Assembly, extras: dict[int, Extras]) -> None:
    """Write each table's row extras into the presets (when all their tables agree) or its project data."""
    lib = preset_library(assembly.presets)
    from_presets: dict[tuple[str, str, str], list[tuple[Any, str | None]]] = {}
    own_rows: list[tuple[Any, Any, dict[str, Any]]] = []
    for project in assembly.projects:
        e = extras.get(project.choice.ctx.table.number)
        if e is None or not any(e.rows):
            continue
        made = expand(_alone(assembly.department), [(project.choice.ctx.stem, project.data)], lib)
        if made.doc is None:
            continue
        (table,) = made.doc.tables()
        rows = [r for r in table.rows if r.derived != ("row",)]
        for row, more in zip(rows, e.rows, strict=False):
            if row.origin.startswith("预设:") and row.key:
                for name in _FIELDS:
                    from_presets.setdefault((row.origin.removeprefix("预设:"), row.key, name), []).append(
                        (project, more.get(name)))
            elif more:
                own_rows.append((project, row, {k: _typed(k, v) for k, v in more.items()}))
    for (preset, key, name), seen in from_presets.items():
        values = {v for _, v in seen}
        if values == {None}:
            continue
        only = values.pop() if len(values) == 1 else None
        if only is not None and _set_in_preset(assembly.presets[preset], key, name, only):
            continue
        for project, value in seen:
            if value is not None:
                patch = project.data.setdefault("改写", {})
                entry = patch.get(key)
                patch[key] = {**(entry if isinstance(entry, dict) else {}), name: _typed(name, value)}
    taken: dict[int, set[int]] = {}
    for project, row, typed in own_rows:
        own = project.data.get("绩效指标", [])
        used = taken.setdefault(id(project), set())
        k = _find(own, row.level2, row.level3, used)
        if k is None:
            continue
        used.add(k)
        entry = own[k]
        if isinstance(entry, list):
            entry = dict(zip(_LIST_KEYS, entry, strict=False))
        own[k] = {**entry, **typed}


#: Row fields only workbooks carry.
_FIELDS = ("权重", "指标解释")


def _set_in_preset(preset: dict[str, Any], key: str, name: str, value: str) -> bool:
    """Write *name* into the preset's row *key* (its own row, or a 改写 of its base's)."""
    for row in preset.get("绩效指标", []):
        if isinstance(row, dict) and row.get("键") == key:
            row[name] = _typed(name, value)
            return True
    if "基于" in preset:
        patch = preset.setdefault("改写", {})
        entry = patch.get(key)
        if entry == "删除":
            return False
        patch[key] = {**(entry if isinstance(entry, dict) else {}), name: _typed(name, value)}
        return True
    return False


def _typed(key: str, value: str) -> Any:
    return value


def _find(rows: list[Any], level2: str, level3: str, used: set[int]) -> int | None:
    for k, entry in enumerate(rows):
        if k in used:
            continue
        l2, l3 = (entry[0], entry[1]) if isinstance(entry, list) else (entry.get("二级"), entry.get("三级"))
        if l2 == level2 and l3 == level3:
            return k
    return None


def _alone(department: dict[str, Any]) -> dict[str, Any]:
    parts = [{k: v for k, v in part.items() if k != "项目"} for part in department.get("部分", [])]
    return {**department, "部分": parts[:1]} if parts else department
