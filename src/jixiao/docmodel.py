"""The expanded document model: everything a renderer needs, nothing it must compute.

Produced by :func:`jixiao.expand.expand_department`; renderers and checks read
only this. Every table has every row with its printed text, the parsed value,
the vertical-merge spans of the 一级/二级 columns and where the row came from.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Literal

from pydantic import BaseModel, ConfigDict


class DocModel(BaseModel):
    """Immutable model base."""

    model_config = ConfigDict(frozen=True)


class SourceRef(DocModel):
    """Where something was written: file, 1-based line and column."""

    path: str
    line: int
    col: int


class ParsedValue(DocModel):
    """The parsed form of an indicator value (see :mod:`jixiao.values`)."""

    kind: Literal["quantity", "date", "text", "empty"]
    op: str | None = None
    number: Decimal | None = None
    unit: str | None = None
    date: str | None = None
    date_style: str | None = None


class IndicatorRow(DocModel):
    """One row of the indicator table.

    ``level1_span``/``level2_span`` are the number of rows the 一级/二级 cell covers
    when this row starts a merged group, and 0 on rows the group continues.
    """

    level1: str
    level2: str
    level3: str
    description: str
    value: str
    basis: str | None
    level1_span: int
    level2_span: int
    parsed: ParsedValue
    key: str | None
    origin: str
    source: SourceRef
    #: Where each written cell came from (二级, 三级, 描述, 值, 依据); unset ones use ``source``.
    field_sources: dict[str, SourceRef] = {}

    def source_of(self, name: str) -> SourceRef:
        """Source of cell *name* (``"value"``, ``"level3"`` …), else of the row."""
        return self.field_sources.get(name, self.source)


class ScheduleCell(DocModel):
    """One 资金支出计划 cell (cumulative percentage; None is a blank cell)."""

    label: str
    percent: Decimal | None
    text: str


class ProjectTable(DocModel):
    """A complete 项目绩效目标表."""

    number: int
    heading: str
    title: str
    source: SourceRef
    file_stem: str
    unit_code: str
    unit_name: str
    unit_label: str
    money_unit: Literal["元", "万元"]
    money_unit_label: str
    code: str | None
    name_label: str
    name: str
    budget: Decimal
    fiscal: Decimal
    other: Decimal
    budget_text: str
    fiscal_text: str
    other_text: str
    use: str
    schedule: list[ScheduleCell] | None
    goal: str
    preset: str | None
    item: str | None
    columns: list[str]
    rows: list[IndicatorRow]
    #: Where header fields were written (项目名称, 资金用途, 绩效目标, 资金支出计划 …).
    field_sources: dict[str, SourceRef] = {}
    #: Check rules switched off for this project (``检查: {忽略: [...]}``).
    check_ignore: list[str] = []

    def source_of(self, name: str) -> SourceRef:
        """Source of header field *name*, else of the project file."""
        return self.field_sources.get(name, self.source)


class Part(DocModel):
    """A part after 第一部分 (e.g. 第二部分 预算项目绩效目标) and its tables."""

    number: int
    numeral: str
    title: str
    tables: list[ProjectTable]


class SubGoal(DocModel):
    """An item of 二、分项绩效目标."""

    number: int
    title: str
    goal: str
    indicators: str
    source: SourceRef


class Measure(DocModel):
    """An item of 三、工作保障措施."""

    number: int
    text: str
    source: SourceRef


class PartOne(DocModel):
    """第一部分 部门整体绩效目标."""

    numeral: str
    title: str
    overall: str
    source: SourceRef
    sub_goals: list[SubGoal]
    measures: list[Measure]


class Layout(DocModel):
    """Resolved table layout."""

    show_code: bool
    show_schedule: bool
    show_basis: bool
    name_label: str
    schedule_percent: bool


class Document(DocModel):
    """The whole 部门绩效目标 document."""

    title: str
    year: int
    department: str
    money_unit: Literal["元", "万元"]
    framework: str
    layout: Layout
    part_one: PartOne | None
    parts: list[Part]
    #: Check rules switched off for the whole department.
    check_ignore: list[str] = []
    #: Date written into document properties (编制日期, default 1 January of 年度).
    issued: dt.date
    #: Word templates named in 部门.yaml (``document``/``table``), relative to the spec folder.
    templates: dict[str, str] = {}
    #: Where document-level texts were written (部门名称, 标题).
    field_sources: dict[str, SourceRef] = {}

    def tables(self) -> list[ProjectTable]:
        """Every project table in document order."""
        return [t for p in self.parts for t in p.tables]
