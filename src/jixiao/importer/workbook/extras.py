"""权重 and a 指标解释 that differs from the 描述: added to the spelled rows once the spelling is chosen.

The Word importer's stages spell the rows from 三级, 描述, 指标值 and 依据. A
workbook row may also carry 权重 (and its own 指标解释): each such row is found
in the expanded project — a preset row gets them in its 改写 entry, a row of
the project's own 绩效指标 is written as a mapping with them.
"""

from __future__ import annotations

from typing import Any

from jixiao.importer.assemble import Assembly
from jixiao.importer.memory import expand, preset_library
from jixiao.importer.workbook.tables import Extras

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
