"""The printed layout of one 项目绩效目标表, shared by the Word and the PDF renderer.

A :class:`TableGrid` is the table as cells on a column grid: which text goes in
which cell, how many grid columns it spans, whether it starts or continues a
vertical merge, and for labels the lines they are printed on. Both renderers
draw exactly this grid, so the Word file and the PDF cannot disagree about
content, structure or column widths; only drawing differs.

Two tables per project, as in the published documents: the header block
(单位, 项目编码/名称, 预算规模及资金用途, 资金支出计划, 绩效目标) and the indicator
table (一级/二级/三级指标 …) whose first row is repeated on every page. Widths are
millimetres of the A4 portrait text width (210 − 28 − 26 = 156 mm).

**One column grid for both tables.** Every vertical line of the header block
lies on a column boundary of the indicator table: the label column is the 一级
column; 项目编码 | 编码 | 项目名称 | 名称 and the four 资金支出计划 cells start and
end on indicator boundaries. The 预算数 row has six cells after its label where
the indicator table has only four or five columns; there the widest indicator
columns are split (one split with six columns, two with five), and the
indicator table's cells span both halves. So both tables have the same grid
columns: Word gets the same ``w:gridCol`` list twice, the HTML the same
``<col>`` widths, and the only line of the header block that is not an
indicator line is the split inside the 预算数 row.

**Column widths, per table and deterministic** (text 10.5 pt; a CJK character
counts 1 em = 3.70 mm, ASCII characters their Noto Serif CJK widths, digits
0.56 em; a cell needs its text plus 2.5 mm for padding, rules and slack):

1. Labels never break inside a word. A label breaks only at its word
   boundaries (after ``：``, before ``（``, and the built-in ones: 预算规模 |
   及资金用途, 指标值 | 确定依据, 绩效指标 | 描述; 一级/二级 names also before a
   final 指标 and before 满意度), and only where it does not fit on one line.
   A label with no boundary (``项目名称标签: 专项资金名称``) stays on one line.
   The grid gives such cells their printed lines (``Cell.printed``), and the
   PDF does not wrap them again.
2. Minimums: every column holds its title at its narrowest break. 一级, the
   label column, also holds every header label of that column at its
   narrowest break (资金支出计划（%） → 6 em) and the 一级 names on one line
   (满意度指标); 二级 holds the 二级 names on one line up to 5 em, longer ones
   at their word boundaries (服务对象 | 满意度指标). 指标值 holds its longest
   value on one line up to 6 em; 指标值确定依据 its longest text on one line up
   to 7 em (so a 文号 such as 某政办【2016】17号 takes at most two lines).
3. The rest of the 156 mm goes, a step at a time, to 三级, 描述, 依据 or 指标值:
   each step to the column where it saves the most printed lines per
   millimetre over the whole table (estimated; a row is as tall as its
   tallest cell, and the 项目编码 row counts with the code over 二级 + 三级);
   ties go to 描述, then 三级, 依据, 指标值. Width that saves no more lines
   goes to 三级 and 描述, 2 : 3. 一级 and 二级 get only their minimums.
4. When the columns the 预算数 row splits are too narrow for its cells
   (labels at their narrowest break, amounts on one line), their minimum is
   raised to that and step 3 runs again.
5. When the minimums add up to more than 156 mm, the content minimums
   (指标值, 依据, step 4) give way first, then all are scaled down.
6. ``版式: {列宽: [...]}`` (5 or 6 widths in mm, as many as the table has
   columns) replaces steps 2–5: the widths are used as written, the table as
   wide as their sum (centred); a sum over 156 mm is scaled down to 156 mm.
   A list of another length is ignored. Labels then break where their cells
   need it, at word boundaries while a word fits, anywhere when none does.

The header block's cells are then placed on these boundaries: the 预算数 row
splits the columns that keep every label and amount whole (ties: the widest
pieces, then the fewest lines); 编码 | 项目名称 | 名称 take the grouping that
prints the fewest lines (ties: the code on fewest lines, the widest 名称, the
narrowest label); the 资金支出计划 cells the most even grouping; 单位：万元 the
last columns that hold it.
"""

from __future__ import annotations

import itertools
import math
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Literal

from jixiao.chars import printable
from jixiao.docmodel import ProjectTable

#: Text width of A4 portrait with the official margins (left 28 mm, right 26 mm).
TEXT_WIDTH_MM = 156.0
#: One em of the table text (五号, 10.5 pt) in millimetres.
EM_MM = 10.5 * 25.4 / 72
#: What a cell needs besides its text: 1 mm padding each side, the rules, slack.
CELL_EXTRA_MM = 2.5

Merge = Literal["restart", "continue"] | None
Role = Literal["caption", "label", "text", "head", "level", "number"]
Align = Literal["left", "center", "right"]


@dataclass(frozen=True)
class Cell:
    """One table cell: its text, grid columns spanned and vertical-merge role.

    A ``continue`` cell belongs to the merged cell above it and prints nothing;
    ``rows`` on a ``restart`` cell says how many rows the merged cell covers.
    ``printed`` holds the lines a label is printed on when the grid broke it
    (the text is unchanged); ``keep`` says each printed line fits its cell and
    must not be wrapped again.
    """

    text: str
    span: int = 1
    merge: Merge = None
    rows: int = 1
    role: Role = "text"
    align: Align = "center"
    printed: tuple[str, ...] | None = None
    keep: bool = False

    @property
    def lines(self) -> list[str]:
        """The cell's text as printed lines."""
        if self.printed is not None:
            return [printable(line) for line in self.printed]
        return printable(self.text).split("\n")


@dataclass(frozen=True)
class Row:
    """One table row. ``kind`` is ``caption`` for the borderless unit line,
    ``head`` for the repeated column-title row, else ``body``."""

    cells: tuple[Cell, ...]
    kind: Literal["caption", "head", "body"] = "body"


@dataclass(frozen=True)
class TableGrid:
    """A table: column widths in millimetres and its rows."""

    widths_mm: tuple[float, ...]
    rows: tuple[Row, ...]
    repeat_header: bool = False
    name: str = ""

    @property
    def width_mm(self) -> float:
        """Width of the whole table."""
        return sum(self.widths_mm)

    def check(self) -> None:
        """Assert every row covers exactly the grid (a renderer bug otherwise)."""
        for i, row in enumerate(self.rows):
            covered = sum(c.span for c in row.cells)
            if covered != len(self.widths_mm):
                raise AssertionError(f"{self.name} row {i}: covers {covered} of {len(self.widths_mm)} columns")


LABEL_BUDGET = "预算规模及资金用途"
LABEL_FISCAL = "其中：财政资金"
LABEL_OTHER = "其他资金"
LABEL_TOTAL = "预算数"
LABEL_GOAL = "绩效目标"
LABEL_CODE = "项目编码"

# --- Measuring text ---------------------------------------------------------

#: Advance widths (em) of the ASCII characters: those of Noto Serif CJK SC (the
#: PDF's font when 仿宋 is not installed), rounded up to 0.02 em, at least 0.5
#: em (仿宋's half width).
_ASCII_EM = {
    ch: em
    for em, chars in (
        (0.5, " !\"'()*,-./1:;?IJ[\\]`fijlrstz{|}"), (0.54, "c"), (0.56, "$02345678aevy"),
        (0.58, "#+9<=>S^_gx~"), (0.6, "o"), (0.62, "Zkq"), (0.64, "FLbdp"), (0.66, "EPTu"),
        (0.68, "Bhn"), (0.7, "CXY"), (0.72, "ARV"), (0.74, "K"), (0.76, "G"), (0.78, "&DOQ"),
        (0.8, "NU"), (0.84, "w"), (0.86, "H"), (0.92, "@"), (0.94, "%"), (0.98, "Mm"), (1.06, "W"),
    )
    for ch in chars
}


def char_em(ch: str) -> float:
    """Width of *ch* in em: ASCII as :data:`_ASCII_EM`, everything else (CJK, full-width) 1 em."""
    return _ASCII_EM.get(ch, 1.0)


def text_em(text: str) -> float:
    """Width of one line of *text* in em."""
    return sum(char_em(ch) for ch in text)


def need_mm(line: str) -> float:
    """Width of a cell that holds *line* on one line."""
    return text_em(line) * EM_MM + CELL_EXTRA_MM


def _room_em(width_mm: float) -> float:
    # Widths are rounded to 0.1 mm: a cell rounded down still holds what it was made for.
    return (width_mm + 0.06 - CELL_EXTRA_MM) / EM_MM


def _longest_mm(texts: Iterable[str]) -> float:
    return max((need_mm(line) for t in texts for line in printable(t).split("\n")), default=CELL_EXTRA_MM)


def wrapped_lines(text: str, width_mm: float) -> int:
    """How many lines running *text* (CJK, breaking between characters) takes in a cell."""
    room = max(_room_em(width_mm), 1.0)
    total = 0
    for paragraph in printable(text).split("\n"):
        lines, used = 1, 0.0
        for ch in paragraph:
            w = char_em(ch)
            if used + w > room + 1e-6:
                lines, used = lines + 1, w
            else:
                used += w
        total += lines
    return total


# --- Breaking labels at word boundaries ---------------------------------------

_KNOWN = {
    LABEL_BUDGET: ("预算规模", "及资金用途"),
    "指标值确定依据": ("指标值", "确定依据"),
    "绩效指标描述": ("绩效指标", "描述"),
}
_LABEL_BREAK = re.compile(r"(?<=：)|(?=[（(])")
_NAME_BREAK = re.compile(r"(?<=：)|(?=[（(])|(?=满意度)|(?=指标$)")


def words(text: str, *, name: bool = False) -> list[list[str]]:
    """The unbreakable words of a label, per written line (a written line break is kept)."""
    out = []
    for line in printable(text).split("\n"):
        known = _KNOWN.get(line)
        parts = list(known) if known else (_NAME_BREAK if name else _LABEL_BREAK).split(line)
        out.append([p for p in parts if p] or [""])
    return out


def min_label_mm(text: str, *, name: bool = False) -> float:
    """The narrowest cell that holds *text* without breaking a word."""
    return max(need_mm(w) for line in words(text, name=name) for w in line)


def break_label(text: str, width_mm: float, *, name: bool = False) -> tuple[tuple[str, ...], bool]:
    """*text* broken into printed lines for a cell *width_mm* wide, at word boundaries only.

    Words are packed greedily; the flag says whether every line fits.
    """
    room = _room_em(width_mm)
    lines: list[str] = []
    for line_words in words(text, name=name):
        current = ""
        for w in line_words:
            if current and text_em(current + w) > room:
                lines.append(current)
                current = w
            else:
                current += w
        lines.append(current)
    return tuple(lines), all(text_em(line) <= room for line in lines)


def label_cell(
    text: str, width_mm: float, *, role: Role = "label", name: bool = False,
    span: int = 1, merge: Merge = None, rows: int = 1,
) -> Cell:
    """A label cell printed on word-boundary lines that fit *width_mm*."""
    printed, fits = break_label(text, width_mm, name=name)
    return Cell(text, span=span, merge=merge, rows=rows, role=role, printed=printed, keep=fits)


# --- Indicator column widths ----------------------------------------------------

_NAME_EM = 5.0  # 一级/二级 names on one line up to this width
_VALUE_EM = 6.0  # 指标值: longest value on one line, up to this
_BASIS_EM = 7.0  # 指标值确定依据 likewise
_LEVEL3_SHARE = 2 / 5  # of width that saves no line: 三级 : 描述 = 2 : 3
#: Columns that take the free width, in order of preference on a tie:
#: 描述, 三级, 依据, 指标值.
_FREE = (3, 2, 5, 4)
_LOOKAHEAD = 8


def _em_mm(em: float) -> float:
    return em * EM_MM + CELL_EXTRA_MM


def _names_mm(names: Iterable[str]) -> float:
    """Width for 一级/二级 names: one line up to 5 em, longer ones at their word boundaries."""
    out = CELL_EXTRA_MM
    for n in names:
        one_line = _longest_mm([n])
        out = max(out, min(one_line, max(_em_mm(_NAME_EM), min_label_mm(n, name=True))))
    return out


def header_labels(t: ProjectTable) -> list[str]:
    """The labels printed in the header block's label column."""
    labels = [LABEL_CODE if t.layout.show_code else t.name_label, LABEL_BUDGET]
    if t.layout.show_schedule and t.schedule is not None:
        labels.append(t.layout.schedule_label)
    return [*labels, LABEL_GOAL]


def _column_texts(t: ProjectTable) -> dict[int, list[str]]:
    """The running text of the 三级, 描述, 指标值 and 依据 columns, row by row."""
    out = {2: [r.level3 for r in t.rows], 3: [r.description for r in t.rows], 4: [r.value for r in t.rows]}
    if len(t.columns) >= 6:
        out[5] = [r.basis or "" for r in t.rows]
    return out


def _floors(t: ProjectTable, raised: dict[int, float]) -> tuple[list[float], list[float]]:
    """(hard, soft) minimum widths of the indicator columns (rule steps 2 and 4): titles, labels
    and names are hard; 指标值, 依据 and what the 预算数 row needs are soft."""
    n = len(t.columns)
    hard = [min_label_mm(c) for c in t.columns]
    hard[0] = max(hard[0], _names_mm(r.level1 for r in t.rows), *(min_label_mm(x) for x in header_labels(t)))
    if n > 1:
        hard[1] = max(hard[1], _names_mm(r.level2 for r in t.rows))
    soft = list(hard)
    caps = {4: _VALUE_EM, 5: _BASIS_EM}
    for i, texts in _column_texts(t).items():
        if i < n and i in caps:
            soft[i] = max(hard[i], min(_longest_mm(texts), _em_mm(caps[i])))
    for i, w in raised.items():
        soft[i] = max(soft[i], w)
    return hard, soft


def _fit(hard: list[float], soft: list[float]) -> list[float]:
    """*soft* minimums within the text width: soft excess given back first, then all scaled."""
    total = sum(soft)
    if total <= TEXT_WIDTH_MM:
        return soft
    excess = total - sum(hard)
    if sum(hard) < TEXT_WIDTH_MM and excess > 0:
        keep = (TEXT_WIDTH_MM - sum(hard)) / excess
        return [h + (s - h) * keep for h, s in zip(hard, soft, strict=True)]
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


def _grow(widths: list[float], cells: dict[int, list[_Text]]) -> list[float]:
    """Hand the rest of the text width out where it saves the most printed lines (step 3).

    A table is as tall as the sum of its rows, a row as its tallest cell. First
    greedily, a step at a time to the best lines-saved-per-millimetre; then
    width moves from one column to another while that prints fewer lines (a
    greedy step cannot see that 6 mm more for 描述 saves three lines when 1 mm
    saves none).
    """
    free = [c for c in _FREE if c in cells]
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
    if budget > 0 and len(widths) > 3:
        widths[2] += budget * _LEVEL3_SHARE
        widths[3] += budget * (1 - _LEVEL3_SHARE)
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
    hard, soft = _floors(t, raised or {})
    widths = _fit(hard, soft)
    cells: dict[int, list[_Text]] = {
        i: [([text_em(line) for line in printable(text).split("\n")], 0.0) for text in texts]
        for i, texts in _column_texts(t).items()
        if i < n
    }
    if t.layout.show_code and t.code and 2 in cells:
        # The 项目编码 row: the code over 二级 + 三级, best on one line.
        for i, column in cells.items():
            column.append(([text_em(t.code)], widths[1]) if i == 2 else ([], 0.0))
    return _rounded(_grow(widths, cells), TEXT_WIDTH_MM)


def _rounded(widths: Sequence[float], total: float) -> tuple[float, ...]:
    """*widths* to 0.1 mm, the widest taking the rounding so that they add up to *total*."""
    out = [round(w, 1) for w in widths]
    widest = max(range(len(out)), key=lambda i: (out[i], -i))
    out[widest] = round(out[widest] + round(total, 1) - sum(out), 1)
    return tuple(out)


# --- Placing the header block on the indicator columns ----------------------------


@dataclass(frozen=True)
class _Item:
    """A header cell to place: the width it needs and the lines it takes at a width.

    A ``firm`` need is met first when a column is too narrow for all its cells.
    """

    need: float
    lines: Callable[[float], int]
    firm: bool = False


def _label_item(text: str) -> _Item:
    return _Item(min_label_mm(text), lambda w: len(break_label(text, w)[0]), firm=True)


def _whole_item(text: str) -> _Item:
    """Amounts: never broken (1 mm to spare for wider digits); a blank one as wide as a short amount."""
    return _Item(max(_longest_mm([text]) + 1.0, _em_mm(3)), lambda w: 1)


def _running_item(text: str) -> _Item:
    """Codes, names, schedule cells: broken between characters as needed."""
    return _Item(CELL_EXTRA_MM + EM_MM, lambda w: wrapped_lines(text, w))


def _score(items: Sequence[_Item], widths: Sequence[float]) -> tuple[float, int, int]:
    """(how far cells fall short of what they need, most lines, all lines)."""
    short = sum(max(0.0, it.need - w) for it, w in zip(items, widths, strict=True))
    lines = [it.lines(w) for it, w in zip(items, widths, strict=True)]
    return round(short, 3), max(lines), sum(lines)


def _groupings(m: int, k: int) -> Iterator[tuple[int, ...]]:
    """Every way to cut *m* columns into *k* non-empty runs, as run lengths."""
    for cuts in itertools.combinations(range(1, m), k - 1):
        bounds = (0, *cuts, m)
        yield tuple(b - a for a, b in itertools.pairwise(bounds))


def _group(
    items: Sequence[_Item], cols: Sequence[float], tie: Callable[[list[float]], tuple[float, ...]]
) -> tuple[int, ...]:
    """Run lengths putting *items* on consecutive runs of *cols*: the best score, then *tie*."""
    best: tuple[tuple[float, ...], tuple[int, ...]] | None = None
    for runs in _groupings(len(cols), len(items)):
        widths = _run_widths(cols, runs)
        key = (*_score(items, widths), *(round(x, 3) for x in tie(widths)))
        if best is None or key < best[0]:
            best = (key, runs)
    assert best is not None
    return best[1]


def _run_widths(cols: Sequence[float], runs: Sequence[int]) -> list[float]:
    out, i = [], 0
    for r in runs:
        out.append(sum(cols[i : i + r]))
        i += r
    return out


def _share(width: float, items: Sequence[_Item]) -> list[float]:
    """Cut a column of *width* into pieces for *items*: evenly when all fit, else by need.

    When even the needs do not fit, firm needs (labels) are met first.
    """
    k = len(items)
    needs = [it.need for it in items]
    if all(n <= width / k for n in needs):
        return [width / k] * k
    extra = width - sum(needs)
    if extra >= 0:
        return [n + extra / k for n in needs]
    firm = sum(it.need for it in items if it.firm)
    soft = sum(it.need for it in items if not it.firm)
    if firm < width and soft > 0:
        return [it.need if it.firm else (width - firm) * it.need / soft for it in items]
    return [width * n / sum(needs) for n in needs]


def _split(items: Sequence[_Item], cols: Sequence[float]) -> tuple[list[list[float]], list[float]]:
    """More *items* than *cols*: each column holds one or more items in order (its pieces).

    Chooses the columns to split so that every item gets what it needs, then
    the widest pieces, then the fewest lines. Returns the pieces of each
    column and by how much each column is too narrow for its items.
    """
    extra = len(items) - len(cols)
    best: tuple[tuple[float, float, int, int], list[list[float]], list[float]] | None = None
    for chosen in itertools.combinations_with_replacement(range(len(cols)), extra):
        counts = [1 + chosen.count(j) for j in range(len(cols))]
        pieces, widths, short, i = [], [], [], 0
        for j, c in enumerate(counts):
            part = _share(cols[j], items[i : i + c])
            pieces.append(part)
            widths += part
            short.append(max(0.0, sum(it.need for it in items[i : i + c]) - cols[j]))
            i += c
        narrowest = min(cols[j] / c for j, c in enumerate(counts) if c > 1)
        total_short, most, lines = _score(items, widths)
        key = (total_short, -round(narrowest, 3), most, lines)
        if best is None or key < best[0]:
            best = (key, pieces, short)
    assert best is not None
    return best[1], best[2]


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


def budget_items(t: ProjectTable) -> list[_Item]:
    """The six cells after the label of the 预算数 row."""
    return [
        _label_item(LABEL_TOTAL), _whole_item(t.budget_text),
        _label_item(LABEL_FISCAL), _whole_item(t.fiscal_text),
        _label_item(LABEL_OTHER), _whole_item(t.other_text),
    ]


def plan(t: ProjectTable) -> Plan:
    """The column grid of *t*: indicator widths, with the 预算数 row's splits.

    When the split columns are too narrow for the 预算数 row's cells, their
    minimum is raised and the widths are worked out again.
    """
    items = budget_items(t)
    raised: dict[int, float] = {}
    for _ in range(3):
        widths = indicator_widths(t, raised)
        rest = widths[1:]
        if len(rest) >= len(items):
            return Plan(widths, tuple((w,) for w in widths))
        pieces, short = _split(items, rest)
        if t.layout.widths is not None or max(short) < 0.05:
            break
        for j, missing in enumerate(short):
            if missing >= 0.05:
                raised[j + 1] = rest[j] + missing
    out: list[tuple[float, ...]] = [(widths[0],)]
    for piece, width in zip(pieces, rest, strict=True):
        head = [round(w, 1) for w in piece[:-1]]
        out.append((*head, round(width - sum(head), 1)))  # pieces add up to their column exactly
    return Plan(widths, tuple(out))


# --- The two tables -----------------------------------------------------------------


def header_grid(t: ProjectTable) -> TableGrid:
    """The header block above the indicator table."""
    layout = t.layout
    p = plan(t)
    cols = p.indicators
    n = len(cols)
    label_mm = cols[0]
    rows: list[Row] = [_caption(t, p)]
    if layout.show_code:
        code = t.code or ""
        items = [_running_item(code), _label_item(t.name_label), _running_item(t.name)]
        # Ties: the code whole, then the widest name, then the narrowest label.
        spans, widths = _placed(p, _group(items, cols[1:], lambda w: (wrapped_lines(code, w[0]), -w[2], w[1])))
        rows.append(
            Row(
                (
                    label_cell(LABEL_CODE, label_mm),
                    Cell(code, span=spans[0]),
                    label_cell(t.name_label, widths[1], span=spans[1]),
                    Cell(t.name, span=spans[2]),
                )
            )
        )
    else:
        rows.append(Row((label_cell(t.name_label, label_mm), Cell(t.name, span=p.span(1, n - 1)))))
    budget = [w for piece in p.pieces[1:] for w in piece]
    if len(budget) > 6:  # more columns than cells (not a layout jixiao makes): widen the last
        budget = [*budget[:5], sum(budget[5:])]
    last = len(p.grid) - 1 - 5  # grid columns of the last cell
    rows.append(
        Row(
            (
                label_cell(LABEL_BUDGET, label_mm, merge="restart", rows=2),
                label_cell(LABEL_TOTAL, budget[0]),
                Cell(t.budget_text, role="number"),
                label_cell(LABEL_FISCAL, budget[2]),
                Cell(t.fiscal_text, role="number"),
                label_cell(LABEL_OTHER, budget[4]),
                Cell(t.other_text, span=last, role="number"),
            )
        )
    )
    rows.append(
        Row((Cell("", merge="continue", role="label"), Cell(t.use, span=p.span(1, n - 1), align="left")))
    )
    if layout.show_schedule and t.schedule is not None:
        schedule = t.schedule
        items = [_running_item(f"{c.label}\n{c.text}") for c in schedule]
        spans, widths = _placed(p, _group(items, cols[1:], lambda w: (max(w) - min(w),)))  # most even
        rows.append(
            Row(
                (
                    label_cell(layout.schedule_label, label_mm, merge="restart", rows=2),
                    *(label_cell(c.label, w, span=s) for c, s, w in zip(schedule, spans, widths, strict=True)),
                )
            )
        )
        rows.append(
            Row(
                (
                    Cell("", merge="continue", role="label"),
                    *(Cell(c.text, span=s, role="number") for c, s in zip(schedule, spans, strict=True)),
                )
            )
        )
    rows.append(Row((label_cell(LABEL_GOAL, label_mm), Cell(t.goal, span=p.span(1, n - 1), align="left"))))
    grid = TableGrid(p.grid, tuple(rows), name=f"{t.number} header")
    grid.check()
    return grid


def _placed(p: Plan, runs: Sequence[int]) -> tuple[list[int], list[float]]:
    """Grid spans and widths of cells on runs of indicator columns after the label column."""
    spans, widths, first = [], [], 1
    for r in runs:
        spans.append(p.span(first, r))
        widths.append(sum(p.indicators[first : first + r]))
        first += r
    return spans, widths


def _caption(t: ProjectTable, p: Plan) -> Row:
    """The unit line: 单位编码+名称 on the left, 单位：万元 over the last indicator columns."""
    cols = p.indicators
    need = need_mm(t.money_unit_label)
    count, width = 0, 0.0
    while width < need and count < len(cols) - 1:
        count += 1
        width += cols[-count]
    right = p.span(len(cols) - count, count)
    unit = t.unit_label if t.layout.unit_line else ""
    return Row(
        (
            Cell(unit, span=len(p.grid) - right, role="caption", align="left"),
            Cell(t.money_unit_label, span=right, role="caption", align="right"),
        ),
        kind="caption",
    )


def indicator_grid(t: ProjectTable) -> TableGrid:
    """The indicator table; 一级/二级 cells merged down over their groups."""
    p = plan(t)
    cols = p.indicators
    n = len(cols)
    spans = [len(piece) for piece in p.pieces]
    rows: list[Row] = [
        Row(tuple(label_cell(c, cols[i], role="head", span=spans[i]) for i, c in enumerate(t.columns)), kind="head")
    ]
    for r in t.rows:
        cells = [
            _merged(r.level1, r.level1_span, cols[0], spans[0]),
            _merged(r.level2, r.level2_span, cols[1], spans[1]),
            Cell(r.level3, span=spans[2], align="left"),
            Cell(r.description, span=spans[3], align="left"),
            Cell(r.value, span=spans[4]),
        ]
        if n >= 6:
            cells.append(Cell(r.basis or "", span=spans[5]))
        cells += [Cell("", span=s) for s in spans[6:]]
        rows.append(Row(tuple(cells)))
    grid = TableGrid(p.grid, tuple(rows), repeat_header=True, name=f"{t.number} indicators")
    grid.check()
    return grid


def _merged(text: str, span: int, width: float, cols: int) -> Cell:
    if span == 0:
        return Cell("", merge="continue", role="level", span=cols)
    merge: Merge = "restart" if span > 1 else None
    return label_cell(text, width, role="level", name=True, merge=merge, rows=max(span, 1), span=cols)
