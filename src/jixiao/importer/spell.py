"""The shortest spelling of one table's indicator rows: a preset plus its changes, or the rows.

For a preset (and a 事项), the project is first expanded with the preset
alone; its rows are lined up with the printed rows (same 一级/二级 in order,
fewest changes); then each row that prints differently gets a 改写 entry
with the texts that differ, a preset row the table does not have is deleted
(``键: 删除``) and a printed row the preset does not have is added under
绩效指标 (with a ``位置`` where jixiao would not put it there by itself). The
result is expanded again and kept only if it prints every row exactly.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from jixiao.importer.found import FoundRow, FoundTable
from jixiao.importer.memory import expand, row_cells
from jixiao.importer.templating import DEADLINE, Facts, candidates, date_style, escape
from jixiao.spec.frameworks import level1_of
from jixiao.spec.presets import PresetLibrary

_TEXTS = (("level3", "三级", 2), ("description", "描述", 3), ("value", "值", 4))


@dataclass
class TableCtx:
    """One table and what its spelling needs: header entries, facts, layout, 依据 and date style."""

    table: FoundTable
    stem: str
    facts: Facts
    header: dict[str, Any]
    layout: dict[str, Any]
    basis: str | None
    date_style: str | None
    items: list[str]
    unit_code: str
    framework: str
    schedule: list[str | None] | None = None


@dataclass
class Spelling:
    """The row part of a project: 预设, 事项, 改写, 绩效指标; ``lines`` is what it costs to write."""

    preset: str | None
    item: str | None
    patch: dict[str, Any] = field(default_factory=dict)
    rows: list[Any] = field(default_factory=list)

    @property
    def lines(self) -> int:
        return (
            (1 if self.item else 0)
            + (len(self.patch) + 1 if self.patch else 0)
            + (len(self.rows) + 1 if self.rows else 0)
        )

    def data(self) -> dict[str, Any]:
        out: dict[str, Any] = {"预设": self.preset or "无"}
        if self.item:
            out["事项"] = self.item
        if self.patch:
            out["改写"] = self.patch
        if self.rows:
            out["绩效指标"] = self.rows
        return out


def probe_department(ctx: TableCtx, year: int, department: str) -> dict[str, Any]:
    """A department holding only this table's unit, layout and defaults (for trying spellings)."""
    defaults: dict[str, Any] = {"预设": "无", "日期格式": ctx.date_style or "点分"}
    defaults["指标值确定依据"] = ctx.basis or "工作计划"
    defaults["资金支出计划"] = ctx.schedule or ["25%", "50%", "75%", "100%"]
    return {
        "年度": year,
        "部门名称": department,
        "金额单位": ctx.facts.money_unit,
        "指标体系": ctx.framework,
        "版式": ctx.layout,
        "单位": [{"单位编码": ctx.unit_code, "单位名称": ctx.facts.unit_name}],
        "默认": defaults,
    }


def full_rows(ctx: TableCtx, *, literal: bool = False) -> Spelling:
    """Every row written out (no preset); with *literal*, no formulas either."""
    return Spelling(None, None, rows=[added_row(ctx, r, literal=literal) for r in ctx.table.rows])


def added_row(ctx: TableCtx, r: FoundRow, position: dict[str, str] | None = None, *, literal: bool = False) -> Any:
    """A printed row as an added row: the list form, or a mapping when 一级 or 位置 is needed."""
    value = escape(r.value) if literal else _value(ctx, r)
    basis = [r.basis] if r.basis is not None and r.basis != ctx.basis else []
    if level1_of(r.level2, ctx.framework) == r.level1 and position is None:
        return [r.level2, escape(r.level3), escape(r.description), value, *[escape(b) for b in basis]]
    row: dict[str, Any] = {}
    if level1_of(r.level2, ctx.framework) != r.level1:
        row["一级"] = r.level1
    row.update({"二级": r.level2, "三级": escape(r.level3), "描述": escape(r.description), "值": value})
    if basis:
        row["依据"] = escape(basis[0])
    if position is not None:
        row["位置"] = position
    return row


def _value(ctx: TableCtx, r: FoundRow) -> str:
    """A value as written in the spec: a budget or deadline formula when one prints it, else the text."""
    options = candidates(r.value, "value", ctx.facts, "")
    first = options[0]
    if first == DEADLINE and date_style(r.value, ctx.facts.year) != ctx.date_style:
        return options[1]
    return first


@dataclass
class Candidate:
    """A table spelt with a preset, not yet verified: *spelling* adds its rows where jixiao puts them,
    *pinned* (when rows are added) the same rows pinned next to a preset row."""

    spelling: Spelling
    pinned: list[Any]


def probe_preset(ctx: TableCtx, preset: str, item: str | None, lib: PresetLibrary, dept: dict[str, Any]) -> Candidate | None:
    """The spelling of this table with *preset* and *item* (patches and added rows), or None if the preset does not expand."""
    base = Spelling(preset, item)
    probe = expand(dept, [(ctx.stem, {**ctx.header, **base.data()})], lib)
    if probe.doc is None:
        return None
    (made,) = probe.doc.tables()
    keys = [r.key or "" for r in made.rows]
    cells = row_cells(made)
    found = ctx.table.rows
    pairs = _align(cells, [r.cells() for r in found])
    spelling = Spelling(preset, item)
    added: list[tuple[int, FoundRow]] = []
    for i, j in pairs:
        if j is None:
            assert i is not None
            spelling.patch[keys[i]] = "删除"
        elif i is None:
            added.append((j, found[j]))
        else:
            change = _change(ctx, cells[i], found[j])
            if change:
                spelling.patch[keys[i]] = change
    spelling.rows = [added_row(ctx, r) for _, r in added]
    # Added rows jixiao would put elsewhere can be pinned next to a preset row (as many lines).
    return Candidate(spelling, [added_row(ctx, r, _position(pairs, keys, j)) for j, r in added])


def verify(ctx: TableCtx, c: Candidate, lib: PresetLibrary, dept: dict[str, Any]) -> Spelling | None:
    """The candidate's spelling if it prints the table (with its added rows pinned if need be), else None."""
    if _prints(ctx, c.spelling, lib, dept):
        return c.spelling
    if not c.pinned:
        return None
    pinned = Spelling(c.spelling.preset, c.spelling.item, dict(c.spelling.patch), list(c.pinned))
    return pinned if _prints(ctx, pinned, lib, dept) else None


def _prints(ctx: TableCtx, spelling: Spelling, lib: PresetLibrary, dept: dict[str, Any]) -> bool:
    result = expand(dept, [(ctx.stem, {**ctx.header, **spelling.data()})], lib)
    if result.doc is None:
        return False
    (made,) = result.doc.tables()
    return row_cells(made) == [r.cells() for r in ctx.table.rows]


def _change(ctx: TableCtx, made: tuple[str, ...], r: FoundRow) -> dict[str, str]:
    change: dict[str, str] = {}
    for attr, label, k in _TEXTS:
        if made[k] != getattr(r, attr):
            change[label] = _value(ctx, r) if attr == "value" else escape(getattr(r, attr))
    if r.basis is not None and len(made) > 5 and made[5] != r.basis:
        change["依据"] = escape(r.basis)
    return change


def _position(pairs: list[tuple[int | None, int | None]], keys: list[str], j: int) -> dict[str, str] | None:
    """前: the next preset row after printed row *j*, else 后: the previous one."""
    at = next(k for k, (_, b) in enumerate(pairs) if b == j)
    following = next((keys[i] for i, b in pairs[at + 1 :] if i is not None and b is not None), None)
    if following is not None:
        return {"前": following}
    previous = next((keys[i] for i, b in reversed(pairs[:at]) if i is not None and b is not None), None)
    return {"后": previous} if previous is not None else None


def _align(made: list[tuple[str, ...]], found: list[tuple[str, ...]]) -> list[tuple[int | None, int | None]]:
    """Pairs (preset row, printed row) in order: matched rows share 一级 and 二级; cost = lines to write."""
    n, m = len(made), len(found)
    inf = 10**9
    cost = [[inf] * (m + 1) for _ in range(n + 1)]
    cost[n][m] = 0
    for i in range(n, -1, -1):
        for j in range(m, -1, -1):
            if i == n and j == m:
                continue
            best = inf
            if i < n:
                best = min(best, 1 + cost[i + 1][j])
            if j < m:
                best = min(best, 1 + cost[i][j + 1])
            if i < n and j < m and made[i][:2] == found[j][:2]:
                best = min(best, (0 if made[i] == found[j] else 1) + cost[i + 1][j + 1])
            cost[i][j] = best
    pairs: list[tuple[int | None, int | None]] = []
    i = j = 0
    while i < n or j < m:
        if i < n and j < m and made[i][:2] == found[j][:2] and cost[i][j] == (0 if made[i] == found[j] else 1) + cost[i + 1][j + 1]:
            pairs.append((i, j))
            i, j = i + 1, j + 1
        elif i < n and cost[i][j] == 1 + cost[i + 1][j]:
            pairs.append((i, None))
            i += 1
        else:
            pairs.append((None, j))
            j += 1
    return pairs
