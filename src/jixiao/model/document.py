"""The expanded document model: everything a renderer needs, nothing it must compute.

Produced by :func:`jixiao.expand.department.expand_department`; renderers and checks read
only this. Every table has every row with its printed text, the parsed value,
the vertical-merge spans of the 一级/二级 columns and where the row came from.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Literal

from pydantic import BaseModel, ConfigDict

from jixiao.model.page import PagePlan, plan_pages
from jixiao.model.workbook import WorkbookLayoutSpec


class DocModel(BaseModel):
    """Immutable model base."""

    model_config = ConfigDict(frozen=True)


class SourceRef(DocModel):
    """Where something was written: file, 1-based line and column."""

    path: str
    line: int
    col: int


class ParsedValue(DocModel):
    """The parsed form of an indicator value (see :mod:`jixiao.model.values`)."""

    kind: Literal["quantity", "date", "text", "empty"]
    op: str | None = None
    number: Decimal | None = None
    unit: str | None = None
    date: str | None = None
    date_style: str | None = None


class Layout(DocModel):
    """Resolved table layout (版式) of one table; the defaults are the 河北 layout."""

    unit_line: bool = True
    show_code: bool = True
    name_label: str = "项目名称"
    show_schedule: bool = True
    schedule_label: str = "资金支出计划（%）"
    schedule_percent: bool = True
    schedule_places: int | None = None
    show_basis: bool = True
    widths: list[float] | None = None
    #: Indicator columns after 一级/二级/三级指标 (None: 描述, 指标值 and, with ``show_basis``, 依据).
    columns: list[str] | None = None
    #: Header block rows by field or block name (None: the 河北 block, by ``show_code``/``show_schedule``).
    header: list[list[str]] | None = None


class Pages(DocModel):
    """Resolved page settings of the document (版式 of 部门.yaml); :attr:`Document.page_plan` is decided from them."""

    front: Literal["目录", "标题", "无"] = "目录"
    part_heading: Literal["单独成页", "表前"] = "单独成页"
    title_numbering: str = "1."
    numbering_scope: Literal["全文", "每部分"] = "全文"


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
    #: 指标解释 (指标值说明) as printed; the 描述 when the row writes none (and 描述 is this when
    #: only 指标解释 is written). ``derived`` says which of the two was copied.
    explanation: str = ""
    #: 权重 (分值), when written.
    weight: Decimal | None = None
    #: 计算符号 as the budget systems store it: ≥ ＞ ＝ ＜ ≤, or 定性 for a date or text ("" when empty).
    sign: str = ""
    #: 指标值 without sign and unit: the number (``95``), or the date or text of a 定性 value.
    figure: str = ""
    #: 计量单位 of a quantity (``%``, ``万元/月``); "" for 定性 values and bare numbers.
    measure_unit: str = ""
    #: A 「不适用」 row: a 二级 of the framework the project has no indicator for.
    not_applicable: bool = False
    #: Fields filled from another one rather than written: ``explanation`` (from 描述),
    #: ``description`` (from 指标解释), or every text of a generated 「不适用」 row (``row``).
    derived: tuple[str, ...] = ()

    def source_of(self, name: str) -> SourceRef:
        """Source of cell *name* (``"value"``, ``"level3"`` …), else of the row."""
        return self.field_sources.get(name.removesuffix("_text").removesuffix("_written"), self.source)

    @property
    def explanation_written(self) -> str:
        """指标解释 when the row writes it ("" when it is the 描述 copied)."""
        return "" if "explanation" in self.derived else self.explanation

    @property
    def weight_text(self) -> str:
        """权重 as printed ("" when not written)."""
        return "" if self.weight is None else format(self.weight.normalize(), "f")


class ScheduleCell(DocModel):
    """One 资金支出计划 cell (cumulative percentage; None is a blank cell)."""

    label: str
    percent: Decimal | None
    text: str


class ProjectForm(DocModel):
    """Header fields of the current project form (财预〔2021〕101号 and the budget systems).

    Texts are "" when not written; the money split is always complete:
    财政拨款 = 财政资金, 财政专户管理资金 + 单位资金 = 其他资金 (see README).
    """

    policy_basis: str = ""
    calc_basis: str = ""
    #: 实施期目标 (长期目标) of a multi-year project.
    period_goal: str = ""
    period: str = ""
    project_type: str = ""
    is_new: bool | None = None
    allocation: str = ""
    #: 项目总金额（中期规划）; 本年度项目金额 is the table's ``budget``.
    total_amount: Decimal | None = None
    total_amount_text: str = ""
    applicant: str = ""
    #: 一级预算单位 (主管部门): the department unless written.
    top_unit: str = ""
    executor: str = ""
    appropriation: Decimal = Decimal(0)
    special: Decimal = Decimal(0)
    own_funds: Decimal = Decimal(0)
    appropriation_text: str = ""
    special_text: str = ""
    own_funds_text: str = ""

    @property
    def is_new_text(self) -> str:
        """是 / 否, or "" when not written."""
        return "" if self.is_new is None else "是" if self.is_new else "否"


class ProjectTable(DocModel):
    """A complete 项目绩效目标表.

    ``number`` counts tables through the document (file names, ``--only``);
    ``label`` is the number printed in the title (``3.``, ``（三）``, restarting per
    part or not, as the layout says).
    """

    number: int
    label: str
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
    layout: Layout
    framework: str
    #: The framework's 一级 → 二级 lists (canonical order), as resolved for this table.
    framework_levels: dict[str, list[str]] = {}
    #: The current project form's header fields.
    form: ProjectForm = ProjectForm()
    #: Where header fields were written (项目名称, 资金用途, 绩效目标, 资金支出计划 …).
    field_sources: dict[str, SourceRef] = {}
    #: Check rules switched off for this project (``检查: {忽略: [...]}``).
    check_ignore: list[str] = []

    def source_of(self, name: str) -> SourceRef:
        """Source of header field *name*, else of the project file."""
        return self.field_sources.get(name, self.source)

    @property
    def indicators(self) -> list[IndicatorRow]:
        """The rows that are indicators: every row but the 「不适用」 ones."""
        return [r for r in self.rows if not r.not_applicable]


class Part(DocModel):
    """A part after 第一部分 (e.g. 第二部分 预算项目绩效目标) and its tables."""

    number: int
    numeral: str
    title: str
    tables: list[ProjectTable]
    #: The part's own table layout and framework (a table may differ in layout).
    layout: Layout
    framework: str


class Block(DocModel):
    """One printed paragraph of 第一部分: an item's heading line, or body text."""

    kind: Literal["heading", "paragraph"]
    text: str
    source: SourceRef
    #: A paragraph run on from several items (合为一段): where each item's text starts in ``text``
    #: and where it is written (the first span is ``source``).
    spans: list[tuple[int, SourceRef]] = []


class Section(DocModel):
    """A section of 第一部分 (一、总体绩效目标 …) as printed paragraphs, numbers included."""

    key: str
    number: str
    title: str
    heading: str
    blocks: list[Block]
    source: SourceRef


class PartOne(DocModel):
    """第一部分 部门整体绩效目标."""

    numeral: str
    title: str
    source: SourceRef
    sections: list[Section]

    def printed(self) -> list[str]:
        """Every printed paragraph in order: 第一部分, its title, each section's heading and blocks."""
        out = [self.numeral, self.title]
        for section in self.sections:
            out.append(section.heading)
            out += [block.text for block in section.blocks]
        return out

    def section(self, key: str) -> Section | None:
        """The section written under *key* (总体绩效目标, 分项绩效目标, 工作保障措施), if any."""
        return next((s for s in self.sections if s.key == key), None)


class Document(DocModel):
    """The whole 部门绩效目标 document."""

    title: str
    year: int
    department: str
    money_unit: Literal["元", "万元"]
    framework: str
    #: The department's table layout (each table carries its own, see ProjectTable.layout).
    layout: Layout
    pages: Pages
    part_one: PartOne | None
    parts: list[Part]
    #: Check rules switched off for the whole department.
    check_ignore: list[str] = []
    #: Date written into document properties (编制日期, default 1 January of 年度).
    issued: dt.date
    #: Templates named in 部门.yaml (``document``/``table`` Word files, ``html`` folder), relative to the spec folder.
    templates: dict[str, str] = {}
    #: Where document-level texts were written (部门名称, 标题, 工作簿).
    field_sources: dict[str, SourceRef] = {}
    #: The 工作簿布局 named in 部门.yaml for ``render --format xlsx`` (None: the default).
    workbook: str | None = None
    #: That layout, resolved by the loader (None only for a model built without one).
    workbook_layout: WorkbookLayoutSpec | None = None

    def tables(self) -> list[ProjectTable]:
        """Every project table in document order."""
        return [t for p in self.parts for t in p.tables]

    @property
    def page_plan(self) -> PagePlan:
        """How the document falls onto pages (:mod:`jixiao.model.page`), from ``pages`` and the structure.

        Computed on each call (cheap), so a copy of the model with other parts never carries a stale plan.
        """
        return plan_pages(self)
