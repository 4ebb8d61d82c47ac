"""Cells, rows and tables on a column grid: what both renderers draw (see :mod:`jixiao.render.layout.grid`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from jixiao.chars import printable
from jixiao.model.document import ProjectTable
from jixiao.model.page import OFFICIAL

# The page plan's geometry (jixiao.model.page): every table is laid out on the official page.
#: Text width of A4 portrait with the official margins (left 28 mm, right 26 mm): 156 mm.
TEXT_WIDTH_MM = OFFICIAL.text_width_mm
#: One em of the table text (五号, 10.5 pt) in millimetres.
EM_MM = OFFICIAL.table_em_mm
#: Space between a cell's rules and its text, left and right.
CELL_PADDING_MM = OFFICIAL.cell_padding_mm
#: What a cell needs besides its text: the padding each side, the rules, slack (2.5 mm).
CELL_EXTRA_MM = OFFICIAL.cell_extra_mm

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


def money_label(t: ProjectTable) -> str:
    """Label of the 项目资金 block: 项目资金（万元）."""
    return f"项目资金（{t.money_unit}）"


def label_column(t: ProjectTable) -> list[str]:
    """The labels printed in the label column (their widths set its minimum)."""
    out: list[str] = []
    for row in t.layout.header or []:
        first = row[0]
        out.append(money_label(t) if first == "项目资金" else first)
    return out
