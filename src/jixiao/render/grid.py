"""The printed layout of one 项目绩效目标表, shared by the Word and the PDF renderer.

A :class:`TableGrid` is the table as cells on a column grid: which text goes in
which cell, how many grid columns it spans and whether it starts or continues a
vertical merge. Both renderers draw exactly this grid, so the Word file and the
PDF cannot disagree about content or structure; only drawing differs.

Two grids per project, as in the published documents: the header block
(单位, 项目编码/名称, 预算规模及资金用途, 资金支出计划, 绩效目标) and the indicator
table (一级/二级/三级指标 …) whose first row is repeated on every page. Column
widths are millimetres of the A4 portrait text width (210 − 28 − 26 = 156 mm).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from jixiao.chars import printable
from jixiao.docmodel import ProjectTable

#: Text width of A4 portrait with the official margins (left 28 mm, right 26 mm).
TEXT_WIDTH_MM = 156

Merge = Literal["restart", "continue"] | None
Role = Literal["caption", "label", "text", "head", "level", "number"]
Align = Literal["left", "center", "right"]


@dataclass(frozen=True)
class Cell:
    """One table cell: its text, grid columns spanned and vertical-merge role.

    A ``continue`` cell belongs to the merged cell above it and prints nothing;
    ``rows`` on a ``restart`` cell says how many rows the merged cell covers.
    """

    text: str
    span: int = 1
    merge: Merge = None
    rows: int = 1
    role: Role = "text"
    align: Align = "center"

    @property
    def lines(self) -> list[str]:
        """The cell's text as printed lines."""
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

    def check(self) -> None:
        """Assert every row covers exactly the grid (a renderer bug otherwise)."""
        for i, row in enumerate(self.rows):
            covered = sum(c.span for c in row.cells)
            if covered != len(self.widths_mm):
                raise AssertionError(f"{self.name} row {i}: covers {covered} of {len(self.widths_mm)} columns")


# Header block: one label column, then twelve 11 mm columns so that the three
# amount pairs (2 + 2 columns each) and the four schedule cells (3 each) line up.
_LABEL_MM = 24
_SUB = 12
_SUB_MM = (TEXT_WIDTH_MM - _LABEL_MM) / _SUB

LABEL_BUDGET = "预算规模及资金用途"
LABEL_FISCAL = "其中：财政资金"
LABEL_OTHER = "其他资金"
LABEL_TOTAL = "预算数"
LABEL_GOAL = "绩效目标"
LABEL_CODE = "项目编码"


def header_grid(t: ProjectTable) -> TableGrid:
    """The header block above the indicator table."""
    layout = t.layout
    rows: list[Row] = [
        Row(
            (
                Cell(t.unit_label if layout.unit_line else "", span=1 + 8, role="caption", align="left"),
                Cell(t.money_unit_label, span=4, role="caption", align="right"),
            ),
            kind="caption",
        )
    ]
    if layout.show_code:
        rows.append(
            Row(
                (
                    Cell(LABEL_CODE, role="label"),
                    Cell(t.code or "", span=5),
                    Cell(t.name_label, span=2, role="label"),
                    Cell(t.name, span=5),
                )
            )
        )
    else:
        rows.append(Row((Cell(t.name_label, role="label"), Cell(t.name, span=_SUB))))
    rows.append(
        Row(
            (
                Cell(LABEL_BUDGET, merge="restart", rows=2, role="label"),
                Cell(LABEL_TOTAL, span=2, role="label"),
                Cell(t.budget_text, span=2, role="number"),
                Cell(LABEL_FISCAL, span=2, role="label"),
                Cell(t.fiscal_text, span=2, role="number"),
                Cell(LABEL_OTHER, span=2, role="label"),
                Cell(t.other_text, span=2, role="number"),
            )
        )
    )
    rows.append(Row((Cell("", merge="continue", role="label"), Cell(t.use, span=_SUB, align="left"))))
    if layout.show_schedule and t.schedule is not None:
        rows.append(
            Row(
                (
                    Cell(layout.schedule_label, merge="restart", rows=2, role="label"),
                    *(Cell(c.label, span=3, role="label") for c in t.schedule),
                )
            )
        )
        rows.append(
            Row(
                (
                    Cell("", merge="continue", role="label"),
                    *(Cell(c.text, span=3, role="number") for c in t.schedule),
                )
            )
        )
    rows.append(Row((Cell(LABEL_GOAL, role="label"), Cell(t.goal, span=_SUB, align="left"))))
    grid = TableGrid((_LABEL_MM, *([_SUB_MM] * _SUB)), tuple(rows), name=f"{t.number} header")
    grid.check()
    return grid


#: Indicator column widths (mm) with and without the 指标值确定依据 column.
_WIDTHS_BASIS = (17.0, 24.0, 27.0, 40.0, 25.0, 23.0)
_WIDTHS_PLAIN = (18.0, 22.0, 36.0, 50.0, 30.0)


def indicator_grid(t: ProjectTable) -> TableGrid:
    """The indicator table; 一级/二级 cells merged down over their groups."""
    widths = _WIDTHS_BASIS if len(t.columns) == 6 else _WIDTHS_PLAIN
    rows: list[Row] = [Row(tuple(Cell(c, role="head") for c in t.columns), kind="head")]
    for r in t.rows:
        cells = [_merged(r.level1, r.level1_span), _merged(r.level2, r.level2_span)]
        cells += [
            Cell(r.level3, align="left"),
            Cell(r.description, align="left"),
            Cell(r.value),
        ]
        if len(t.columns) == 6:
            cells.append(Cell(r.basis or ""))
        rows.append(Row(tuple(cells)))
    grid = TableGrid(widths, tuple(rows), repeat_header=True, name=f"{t.number} indicators")
    grid.check()
    return grid


def _merged(text: str, span: int) -> Cell:
    if span == 0:
        return Cell("", merge="continue", role="level")
    if span == 1:
        return Cell(text, role="level")
    return Cell(text, merge="restart", rows=span, role="level")
