"""Column widths of a project's tables from their labels and content (rules in :mod:`jixiao.render.layout.grid`)."""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from jixiao.chars import printable
from jixiao.model.cells import row_cell
from jixiao.model.document import ProjectTable
from jixiao.render.layout.cells import (
    CELL_EXTRA_MM,
    EM_MM,
    LABEL_BUDGET,
    LABEL_CODE,
    LABEL_FISCAL,
    LABEL_GOAL,
    LABEL_OTHER,
    LABEL_TOTAL,
    TEXT_WIDTH_MM,
    label_column,
)
from jixiao.render.layout.placing import (
    Item,
    code_item,
    group,
    label_item,
    name_item,
    split,
    whole_item,
)
from jixiao.render.layout.slack import Text, settle, unit_mm
from jixiao.render.layout.textwidth import (
    longest_mm,
    min_label_mm,
    text_em,
    wrapped_lines,
)

_NAME_EM = 5.0  # 一级/二级 names on one line up to this width
_VALUE_EM = 7.5  # 指标值: longest value on one line, up to this (≤92767000元)
_BASIS_EM = 7.0  # 指标值确定依据 likewise
_LEVEL3_SHARE = 2 / 5  # of width that saves no line: 三级 : 描述 = 2 : 3
#: Columns that take the free width, in order of preference on a tie:
#: 描述 (or 指标解释), 三级, 依据, 指标值.
_FREE = ("绩效指标描述", "指标解释", "指标值说明", "三级指标", "指标值确定依据", "指标值")
#: Columns whose minimum holds their longest text on one line, up to this many em.
_CAPS = {"指标值": _VALUE_EM, "指标值确定依据": _BASIS_EM, "权重": 3.0}
_LOOKAHEAD = 8


def _em_mm(em: float) -> float:
    return em * EM_MM + CELL_EXTRA_MM


def _names_mm(names: Iterable[str]) -> float:
    """Width for 一级/二级 names: one line up to 5 em, longer ones at their word boundaries."""
    out = CELL_EXTRA_MM
    for n in names:
        one_line = longest_mm([n])
        out = max(out, min(one_line, max(_em_mm(_NAME_EM), min_label_mm(n, name=True))))
    return out


def header_labels(t: ProjectTable) -> list[str]:
    """The labels printed in the header block's label column."""
    if t.layout.header is not None:
        return label_column(t)
    labels = [LABEL_CODE if t.layout.show_code else t.name_label, LABEL_BUDGET]
    if t.layout.show_schedule and t.schedule is not None:
        labels.append(t.layout.schedule_label)
    return [*labels, LABEL_GOAL]


def _column_texts(t: ProjectTable) -> dict[int, list[str]]:
    """The running text of the columns after 二级 (三级, 描述, 指标值, 依据 …), row by row."""
    return {i: [row_cell(r, name) for r in t.rows] for i, name in enumerate(t.columns) if i >= 2}


def _free(t: ProjectTable) -> list[int]:
    """Indices of the columns that take the free width, in order of preference."""
    return [t.columns.index(name) for name in _FREE if name in t.columns]


def _floors(t: ProjectTable, raised: dict[int, float]) -> tuple[list[float], list[float], list[float]]:
    """(hard, whole, soft) minimum widths of the indicator columns (rule steps 2 and 4): titles,
    labels and names are hard; then each column holds its widest unbreakable unit (a 文号 with its
    brackets, a number with its unit) on one line; 指标值, 依据 and what the 预算数 row needs are soft."""
    n = len(t.columns)
    hard = [min_label_mm(c) for c in t.columns]
    hard[0] = max(hard[0], _names_mm(r.level1 for r in t.rows), *(min_label_mm(x) for x in header_labels(t)))
    if n > 1:
        hard[1] = max(hard[1], _names_mm(r.level2 for r in t.rows))
    whole = list(hard)
    soft = list(hard)
    caps = {i: _CAPS[name] for i, name in enumerate(t.columns) if name in _CAPS}
    for i, texts in _column_texts(t).items():
        if i < n:
            whole[i] = max([hard[i], *(unit_mm(x) for x in texts)])
            soft[i] = max(whole[i], min(longest_mm(texts), _em_mm(caps[i]))) if i in caps else whole[i]
    for i, w in raised.items():
        soft[i] = max(soft[i], w)
    return hard, whole, soft


def _fit(hard: list[float], whole: list[float], soft: list[float]) -> list[float]:
    """*soft* minimums within the text width: soft excess given back first, then the units',
    then all scaled."""
    if sum(soft) <= TEXT_WIDTH_MM:
        return soft
    for low, high in ((whole, soft), (hard, whole)):
        excess = sum(high) - sum(low)
        if sum(low) < TEXT_WIDTH_MM and excess > 0:
            keep = (TEXT_WIDTH_MM - sum(low)) / excess
            return [lo + (hi - lo) * keep for lo, hi in zip(low, high, strict=True)]
    return [h * TEXT_WIDTH_MM / sum(hard) for h in hard]


def _cell_lines(ems: Sequence[float], width: float) -> int:
    """Lines a cell of written lines *ems* (em widths) takes at *width*, estimated."""
    room = max((width - CELL_EXTRA_MM) / EM_MM, 0.5)
    return sum(max(1, math.ceil(e / room - 1e-9)) for e in ems)


def _next_drop(ems: Sequence[float], width: float) -> float | None:
    """The narrowest width above *width* at which the cell takes a line fewer."""
    room = max((width - CELL_EXTRA_MM) / EM_MM, 0.5)
    rooms = [e / (k - 1) for e in ems if (k := math.ceil(e / room - 1e-9)) > 1]
    if not rooms:
        return None
    return math.ceil((min(rooms) * EM_MM + CELL_EXTRA_MM) * 10 - 1e-6) / 10


#: A cell for :func:`_grow`: the em widths of its written lines, and the width
#: it has besides its column's (the code cell spans 二级 + 三级).
_Text = tuple[list[float], float]


def _grow(widths: list[float], cells: dict[int, list[_Text]], order: Sequence[int]) -> list[float]:
    """Hand the rest of the text width out where it saves the most printed lines (step 3).

    A table is as tall as the sum of its rows, a row as its tallest cell. First
    greedily, a step at a time to the best lines-saved-per-millimetre; then
    width moves from one column to another while that prints fewer lines (a
    greedy step cannot see that 6 mm more for 描述 saves three lines when 1 mm
    saves none).
    """
    free = [c for c in order if c in cells]
    if not free:
        return widths
    rows = range(len(cells[free[0]]))
    floors = list(widths)
    budget = TEXT_WIDTH_MM - sum(widths)

    def at(c: int, width: float) -> list[int]:
        return [_cell_lines(ems, width + beside) for ems, beside in cells[c]]

    def drops(c: int, width: float, limit: float) -> list[float]:
        """Widths above *width* (up to *limit*) at which a cell of column *c* takes a line fewer."""
        out = set()
        for ems, beside in cells[c]:
            d = _next_drop(ems, width + beside)
            while d is not None and d - beside <= limit + 1e-9:
                out.add(round(d - beside, 1))
                d = _next_drop(ems, d)
        return sorted(w for w in out if w > width)[:_LOOKAHEAD]

    lines = {c: at(c, widths[c]) for c in free}

    def height(changed: dict[int, list[int]]) -> int:
        return sum(max((changed.get(c) or lines[c])[r] for c in free) for r in rows)

    now = height({})
    while budget > 0.05:
        best: tuple[tuple[float, int], int, float, list[int], int] | None = None
        for priority, c in enumerate(free):
            for d in drops(c, widths[c], widths[c] + budget):
                new = at(c, d)
                h = height({c: new})
                if h < now:
                    key = ((now - h) / (d - widths[c]), -priority)
                    if best is None or key > best[0]:
                        best = (key, c, d, new, h)
        if best is None:
            break
        _, c, d, new, now = best
        budget -= d - widths[c]
        widths[c], lines[c] = d, new
    for _ in range(4 * len(free)):
        moved: tuple[tuple[int, float, int], int, float, list[int], int, float, list[int]] | None = None
        for priority, c in enumerate(free):
            for o in free:
                spare = widths[o] - floors[o]
                if o == c or spare <= 0.05:
                    continue
                for d in drops(c, widths[c], widths[c] + budget + spare):
                    give = max(0.0, d - widths[c] - budget)
                    new_c, new_o = at(c, d), at(o, widths[o] - give)
                    h = height({c: new_c, o: new_o})
                    if h < now:
                        rank = (now - h, -(d - widths[c]), -priority)
                        if moved is None or rank > moved[0]:
                            moved = (rank, c, d, new_c, o, widths[o] - give, new_o)
        if moved is None:
            break
        _, c, d, new_c, o, w_o, new_o = moved
        budget -= d - widths[c] - (widths[o] - w_o)
        widths[c], lines[c], widths[o], lines[o] = d, new_c, w_o, new_o
        now = height({})
    text = next((c for c in free if c != 2), None)
    if budget > 0 and text is not None:
        widths[2] += budget * _LEVEL3_SHARE
        widths[text] += budget * (1 - _LEVEL3_SHARE)
    elif budget > 0:
        widths[-1] += budget
    return widths


def indicator_widths(t: ProjectTable, raised: dict[int, float] | None = None) -> tuple[float, ...]:
    """Widths (mm) of the indicator columns of *t*, by the rule in the module docstring.

    *raised* gives columns a larger minimum (what the 预算数 row needs there).
    """
    n = len(t.columns)
    given = t.layout.widths
    if given is not None and len(given) == n and all(w > 0 for w in given):
        total = sum(given)
        scale = TEXT_WIDTH_MM / total if total > TEXT_WIDTH_MM else 1.0
        return _rounded([w * scale for w in given], min(total, TEXT_WIDTH_MM))
    widths = _fit(*_floors(t, raised or {}))
    cells: dict[int, list[_Text]] = {
        i: [([text_em(line) for line in printable(text).split("\n")], 0.0) for text in texts]
        for i, texts in _column_texts(t).items()
        if i < n
    }
    texts: dict[int, list[Text]] = {i: [(text, 0.0) for text in column] for i, column in _column_texts(t).items()}
    if t.layout.header is None and t.layout.show_code and t.code and 2 in cells:
        # The 项目编码 row: the code over 二级 + 三级, best on one line.
        for i, column in cells.items():
            column.append(([text_em(t.code)], widths[1]) if i == 2 else ([], 0.0))
        texts[2].append((t.code, widths[1]))
    floors = list(widths)
    free = [c for c in _free(t) if c in cells]
    grown = _grow(widths, cells, free)
    return _rounded(settle(grown, texts, free, floors, lambda ws: _height(ws, cells, free)), TEXT_WIDTH_MM)


def _height(widths: Sequence[float], cells: dict[int, list[_Text]], free: Sequence[int]) -> int:
    """Printed lines of the table at *widths* (rows as tall as their tallest cell), estimated."""
    if not free:
        return 0
    per_column = [[_cell_lines(ems, widths[c] + beside) for ems, beside in cells[c]] for c in free]
    return sum(max(lines) for lines in zip(*per_column, strict=True))


def _rounded(widths: Sequence[float], total: float) -> tuple[float, ...]:
    """*widths* to 0.1 mm, the widest taking the rounding so that they add up to *total*."""
    out = [round(w, 1) for w in widths]
    widest = max(range(len(out)), key=lambda i: (out[i], -i))
    out[widest] = round(out[widest] + round(total, 1) - sum(out), 1)
    return tuple(out)


# --- The 项目编码 row and the plan ---------------------------------------------------


def code_row(t: ProjectTable) -> tuple[list[Item], Callable[[list[float]], tuple[float, ...]]]:
    """The items of the 项目编码 | 编码 | 项目名称 | 名称 row after its label, and its tie-break:
    the code whole, then the widest name, then the narrowest label."""
    code = t.code or ""
    items = [code_item(code), label_item(t.name_label), name_item(t.name)]
    return items, lambda w: (wrapped_lines(code, w[0]), -w[2], w[1])


def _name_short(t: ProjectTable, widths: Sequence[float]) -> dict[int, float]:
    """The last column under the 项目名称 cell of the 项目编码 row, raised to what the name needs."""
    if t.layout.header is not None or not t.layout.show_code or len(widths) < 4:
        return {}
    items, tie = code_row(t)
    runs = group(items, widths[1:], tie)
    last = sum(runs)
    missing = items[2].need - sum(widths[last - runs[2] + 1 : last + 1])
    return {last: widths[last] + missing} if missing >= 0.05 else {}


@dataclass(frozen=True)
class Plan:
    """The shared column grid of one project's two tables.

    ``indicators`` are the indicator column widths, ``pieces`` the grid column
    widths each is cut into (one piece unless the 预算数 row splits it).
    """

    indicators: tuple[float, ...]
    pieces: tuple[tuple[float, ...], ...]

    @property
    def grid(self) -> tuple[float, ...]:
        """Widths of all grid columns."""
        return tuple(w for p in self.pieces for w in p)

    def span(self, first: int, count: int = 1) -> int:
        """Grid columns covered by indicator columns ``first … first+count-1``."""
        return sum(len(p) for p in self.pieces[first : first + count])

    def placed(self, runs: Sequence[int]) -> tuple[list[int], list[float]]:
        """Grid spans and widths of cells on *runs* of indicator columns after the label column."""
        spans, widths, first = [], [], 1
        for r in runs:
            spans.append(self.span(first, r))
            widths.append(sum(self.indicators[first : first + r]))
            first += r
        return spans, widths


def budget_items(t: ProjectTable) -> list[Item]:
    """The six cells after the label of the 预算数 row."""
    return [
        label_item(LABEL_TOTAL), whole_item(t.budget_text),
        label_item(LABEL_FISCAL), whole_item(t.fiscal_text),
        label_item(LABEL_OTHER), whole_item(t.other_text),
    ]


#: Plans by table content: the HTML and the Word file of a render, and the header block and
#: indicator table of each, all need the same plan (it costs about 1 ms a table).
_PLANS: dict[str, Plan] = {}
_MAX_PLANS = 1024


def plan(t: ProjectTable) -> Plan:
    """The column grid of table *t* (see :func:`compute_plan`), computed once per content."""
    key = t.model_dump_json()
    found = _PLANS.get(key)
    if found is None:
        if len(_PLANS) >= _MAX_PLANS:
            _PLANS.clear()
        found = _PLANS[key] = compute_plan(t)
    return found


def compute_plan(t: ProjectTable) -> Plan:
    """The column grid of *t*: indicator widths, with the 预算数 row's splits.

    When the split columns are too narrow for the 预算数 row's cells, their
    minimum is raised and the widths are worked out again.
    """
    items = budget_items(t)
    raised: dict[int, float] = {}
    if t.layout.header is not None:
        widths = indicator_widths(t)
        return Plan(widths, tuple((w,) for w in widths))
    for _ in range(3):
        widths = indicator_widths(t, raised)
        rest = widths[1:]
        name = {} if t.layout.widths is not None else _name_short(t, widths)
        pieces, short = split(items, rest) if len(rest) < len(items) else ([[w] for w in rest], [0.0] * len(rest))
        if t.layout.widths is not None or (max(short) < 0.05 and not name):
            break
        for j, missing in enumerate(short):
            if missing >= 0.05:
                raised[j + 1] = max(raised.get(j + 1, 0.0), rest[j] + missing)
        for j, w in name.items():
            raised[j] = max(raised.get(j, 0.0), w)
    if len(widths) - 1 >= len(items):
        return Plan(widths, tuple((w,) for w in widths))
    out: list[tuple[float, ...]] = [(widths[0],)]
    for piece, width in zip(pieces, rest, strict=True):
        head = [round(w, 1) for w in piece[:-1]]
        out.append((*head, round(width - sum(head), 1)))  # pieces add up to their column exactly
    return Plan(widths, tuple(out))


# --- The two tables -----------------------------------------------------------------
