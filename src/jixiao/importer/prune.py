"""A lower bound on the lines a preset's spelling of a table costs, found without expanding it.

Trying a preset on a table (:func:`jixiao.importer.spell.probe_preset`) expands the project with the
preset alone, lines up the rows and counts the 改写 entries and added rows. Most tries lose to a
spelling already found; this bound lets :func:`jixiao.importer.plan.choose` skip the tries that
cannot win, with the same result.

Without expanding, the preset's rows are known up to their formulas: 一级/二级 are never formulas in
a bound (a preset with a formula there gets no bound), so the rows, the 「不适用」 rows the framework
adds and which printed rows each may pair with are exact; a cell without a formula prints as
written; a cell with formulas (``{{ 事项 }}工作完成率``) prints its literal parts in order, whatever
the formulas give. Pairing the rows as the real try does, with a pair costing a line only when a
cell surely differs, costs no more than the real pairing: the bound is never above the real count.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from jinja2 import TemplateSyntaxError

from jixiao.importer.found import FoundRow
from jixiao.model import document as dm
from jixiao.model.framework import parent_in
from jixiao.model.notapplicable import with_not_applicable
from jixiao.model.values import ValueError_, parse_value
from jixiao.spec.frameworks import builtin_frameworks
from jixiao.spec.presets import BaseProblem, PresetLibrary
from jixiao.textenv import needs_render, text_env

#: What a printed cell can be: exactly this text, any text this pattern matches, or anything (None).
Cell = str | re.Pattern[str] | None

_SOURCE = dm.SourceRef(path="", line=1, col=1)


@dataclass(frozen=True)
class RowShape:
    """A preset row as it will print: 一级, 二级 exactly; 三级, 描述, 值 as far as known; keyed once or not."""

    level1: str
    level2: str
    cells: tuple[Cell, Cell, Cell]
    own_key: bool


@lru_cache(maxsize=4096)
def _pattern(text: str) -> Cell:
    """What *text* can print: itself (no formula), its literal parts in order, or anything."""
    if not needs_render(text):
        return text
    if "\n" in text or "\r" in text or "{{-" in text or "-}}" in text or "{{+" in text or "+}}" in text:
        return None
    try:
        tokens = list(text_env().lex(text))
    except TemplateSyntaxError:
        return None
    parts: list[str] = []
    inside = False
    for _, kind, value in tokens:
        if kind == "variable_begin":
            inside = True
            parts.append("(?:.*)")
        elif kind == "variable_end":
            inside = False
        elif not inside:
            if kind != "data":
                return None  # a block, comment or raw section: no bound on what it prints
            parts.append(re.escape(value))
    return re.compile("".join(parts), re.DOTALL)


def _value(text: str) -> Cell:
    """What a 值 can print (an ISO date is re-printed in the table's date style: anything)."""
    if needs_render(text):
        return None
    try:
        value = parse_value(text)
    except ValueError_:
        return None
    return None if value.kind == "date" else value.text


def shapes(lib: PresetLibrary, preset: str, framework: str) -> list[RowShape] | None:
    """The rows *preset* prints in *framework* (a built-in one), or None when they are not known without expanding."""
    fw = builtin_frameworks().get(framework)
    if fw is None:
        return None
    try:
        rows = lib.resolve(preset)
    except (KeyError, BaseProblem):
        return None
    keys = Counter(pr.row.key for pr in rows)
    out: list[dict[str, Any]] = []
    for pr in rows:
        r = pr.row
        description = r.description if r.description is not None else r.explanation_text
        if r.level2 is None or r.level3 is None or description is None or r.value is None:
            return None
        if needs_render(r.level2) or (r.level1 is not None and needs_render(r.level1)):
            return None
        level1 = r.level1 or parent_in(fw.levels, r.level2)
        if level1 is None:
            return None
        cells = (_pattern(r.level3), _pattern(description), _value(r.value))
        out.append({"level1": level1, "level2": r.level2, "cells": cells,
                    "own_key": r.key is not None and keys[r.key] == 1})
    if fw.not_applicable:
        out = with_not_applicable(out, fw.levels, _SOURCE, show_basis=False)
    return [RowShape(r["level1"], r["level2"], r["cells"], r["own_key"]) if "cells" in r  # a 「不适用」 row has no key
            else RowShape(r["level1"], r["level2"], (r["level3"], r["description"], r["value"]), False) for r in out]


def _may_equal(cell: Cell, text: str) -> bool:
    if cell is None:
        return True
    if isinstance(cell, str):
        return cell == text
    return cell.fullmatch(text) is not None


def lower_bound(made: list[RowShape], found: list[FoundRow], item: str | None) -> int:
    """No spelling of *found* with these preset rows (and *item*) costs fewer lines (see :class:`~jixiao.importer.spell.Spelling`).

    Pairs as :func:`jixiao.importer.spell._align` does (same 一级 and 二级, in order); a preset row left
    out or changed costs a line when its key is its own (a 改写 entry), a printed row added costs one.
    """
    n, m = len(made), len(found)
    drop = [1 if s.own_key else 0 for s in made]
    cost = [[0] * (m + 1) for _ in range(n + 1)]
    for i in range(n - 1, -1, -1):
        cost[i][m] = drop[i] + cost[i + 1][m]
    for j in range(m - 1, -1, -1):
        cost[n][j] = 1 + cost[n][j + 1]
    for i in range(n - 1, -1, -1):
        s = made[i]
        for j in range(m - 1, -1, -1):
            best = min(drop[i] + cost[i + 1][j], 1 + cost[i][j + 1])
            f = found[j]
            if s.level1 == f.level1 and s.level2 == f.level2:
                same = all(_may_equal(c, t) for c, t in zip(s.cells, (f.level3, f.description, f.value), strict=True))
                best = min(best, (0 if same else drop[i]) + cost[i + 1][j + 1])
            cost[i][j] = best
    c = cost[0][0]
    return (1 if item else 0) + (c + 1 if c else 0)
