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
counts 1 em = 3.70 mm, ASCII characters their Noto Serif CJK or FandolFang widths, digits
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
   value on one line up to 7.5 em; 指标值确定依据 its longest text on one line up
   to 7 em. Every column after 二级 holds its widest unit on one line: a 文号
   with its brackets (「（冀政发【2016】20号）」), a number with its unit
   (「≤3290.48元/人.年」), a short bracketed group, up to 14 em
   (:func:`.slack.unit_mm`).
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
   (指标值, 依据, step 4) give way first, then the units', then all are scaled
   down.
6. ``版式: {列宽: [...]}`` (5 or 6 widths in mm, as many as the table has
   columns) replaces steps 2–5: the widths are used as written, the table as
   wide as their sum (centred); a sum over 156 mm is scaled down to 156 mm.
   A list of another length is ignored. Labels then break where their cells
   need it, at word boundaries while a word fits, anywhere when none does.

The header block's cells are then placed on these boundaries: the 预算数 row
splits the columns that keep every label and amount whole (ties: the widest
pieces, then the fewest lines); 编码 | 项目名称 | 名称 take the grouping that
prints the fewest lines, the code whole first (ties: the code on fewest lines, the
widest 名称, the narrowest label) — where 名称 would break a bracketed group or
leave a character alone, the column under it is raised as in step 4; the
资金支出计划 cells the most even grouping; 单位：万元 the last columns that hold it.
"""

from __future__ import annotations

from jixiao.model.cells import row_cell
from jixiao.model.document import ProjectTable
from jixiao.render.layout.cells import (
    LABEL_BUDGET,
    LABEL_CODE,
    LABEL_FISCAL,
    LABEL_GOAL,
    LABEL_OTHER,
    LABEL_TOTAL,
    TEXT_WIDTH_MM,
    Align,
    Cell,
    Merge,
    Row,
    TableGrid,
)
from jixiao.render.layout.colwidths import Plan, code_row, plan
from jixiao.render.layout.placing import group, running_item
from jixiao.render.layout.slack import printed
from jixiao.render.layout.textwidth import label_cell, need_mm

__all__ = ["TEXT_WIDTH_MM", "Cell", "Plan", "Row", "TableGrid", "header_grid", "indicator_grid", "plan"]


#: Indicator columns of running text (left-aligned).
_RUNNING = ("绩效指标描述", "指标解释", "指标值说明")


def header_grid(t: ProjectTable) -> TableGrid:
    """The header block above the indicator table (rows as the layout's 表头 lists, else the 河北 block)."""
    layout = t.layout
    p = plan(t)
    if layout.header is not None:
        from jixiao.render.layout.headrows import header_rows

        laid_out = TableGrid(p.grid, (_caption(t, p), *header_rows(t, p)), name=f"{t.number} header")
        laid_out.check()
        return laid_out
    cols = p.indicators
    n = len(cols)
    label_mm = cols[0]
    rows: list[Row] = [_caption(t, p)]
    if layout.show_code:
        code = t.code or ""
        items, tie = code_row(t)
        spans, widths = p.placed(group(items, cols[1:], tie))
        rows.append(
            Row(
                (
                    label_cell(LABEL_CODE, label_mm),
                    _text(code, widths[0], span=spans[0]),
                    label_cell(t.name_label, widths[1], span=spans[1]),
                    _text(t.name, widths[2], span=spans[2]),
                )
            )
        )
    else:
        rows.append(Row((label_cell(t.name_label, label_mm), _text(t.name, sum(cols[1:]), span=p.span(1, n - 1)))))
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
        Row((Cell("", merge="continue", role="label"), _text(t.use, sum(cols[1:]), span=p.span(1, n - 1), align="left")))
    )
    if layout.show_schedule and t.schedule is not None:
        schedule = t.schedule
        items = [running_item(f"{c.label}\n{c.text}") for c in schedule]
        spans, widths = p.placed(group(items, cols[1:], lambda w: (max(w) - min(w),)))  # most even
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
    rows.append(Row((label_cell(LABEL_GOAL, label_mm), _text(t.goal, sum(cols[1:]), span=p.span(1, n - 1), align="left"))))
    grid = TableGrid(p.grid, tuple(rows), name=f"{t.number} header")
    grid.check()
    return grid



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
            _text(r.level3, cols[2], span=spans[2], align="left"),
        ]
        for i, name in enumerate(t.columns[3:n], 3):
            cells.append(_text(row_cell(r, name), cols[i], span=spans[i], align="left" if name in _RUNNING else "center"))
        cells += [Cell("", span=s) for s in spans[n:]]
        rows.append(Row(tuple(cells)))
    grid = TableGrid(p.grid, tuple(rows), repeat_header=True, name=f"{t.number} indicators")
    grid.check()
    return grid


def _text(text: str, width_mm: float, *, span: int = 1, align: Align = "center") -> Cell:
    """A cell of running text; one that would end with a character alone breaks before its last two (:func:`.slack.printed`)."""
    return Cell(text, span=span, align=align, printed=printed(text, width_mm))


def _merged(text: str, span: int, width: float, cols: int) -> Cell:
    if span == 0:
        return Cell("", merge="continue", role="level", span=cols)
    merge: Merge = "restart" if span > 1 else None
    return label_cell(text, width, role="level", name=True, merge=merge, rows=max(span, 1), span=cols)
