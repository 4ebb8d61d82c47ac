"""The printed text of a named cell: what a layout or a workbook layout may place.

Indicator columns and header fields are named by the labels people see
(``指标解释``, ``主管部门`` …); several names may print the same field
(年度目标 = 绩效目标, 主管部门 = 一级预算单位, 指标值说明 = 指标解释). Renderers
(Word, PDF, workbook) look cells up here, so a name means the same everywhere.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from jixiao.model.valueparts import direction
from jixiao.model.values import plain_number

if TYPE_CHECKING:  # the document model holds a workbook layout, which names these fields
    from jixiao.model.document import IndicatorRow, ProjectTable

#: Indicator columns a layout may list, and the text of each.
ROW_CELLS: dict[str, Callable[[IndicatorRow], str]] = {
    "一级指标": lambda r: r.level1,
    "二级指标": lambda r: r.level2,
    "三级指标": lambda r: r.level3,
    "绩效指标描述": lambda r: r.description,
    "指标值": lambda r: r.value,
    "指标解释": lambda r: r.explanation,
    "指标值说明": lambda r: r.explanation,
    "指标值确定依据": lambda r: r.basis or "",
    "权重": lambda r: plain_number(r.weight) if r.weight is not None else "",
    "计算符号": lambda r: r.sign,
    "计量单位": lambda r: r.measure_unit,
    "指标方向性": lambda r: direction(r.sign),
}

#: Header fields a layout may place, and the text of each (amounts as printed).
HEADER_CELLS: dict[str, Callable[[ProjectTable], str]] = {
    "项目名称": lambda t: t.name,
    "项目编码": lambda t: t.code or "",
    "单位编码": lambda t: t.unit_code,
    "单位名称": lambda t: t.unit_name,
    "部门名称": lambda t: t.form.top_unit,
    "主管部门": lambda t: t.form.top_unit,
    "一级预算单位": lambda t: t.form.top_unit,
    "申请单位": lambda t: t.form.applicant,
    "实施单位": lambda t: t.form.executor,
    "实施期限": lambda t: t.form.period,
    "项目类型": lambda t: t.form.project_type,
    "是否新增项目": lambda t: t.form.is_new_text,
    "分配方式": lambda t: t.form.allocation,
    "项目总金额": lambda t: t.form.total_amount_text,
    "本年度项目金额": lambda t: t.budget_text,
    "预算数": lambda t: t.budget_text,
    "年度资金总额": lambda t: t.budget_text,
    "财政资金": lambda t: t.fiscal_text,
    "其他资金": lambda t: t.other_text,
    "财政拨款": lambda t: t.form.appropriation_text,
    "财政专户管理资金": lambda t: t.form.special_text,
    "单位资金": lambda t: t.form.own_funds_text,
    "资金用途": lambda t: t.use,
    "政策依据": lambda t: t.form.policy_basis,
    "测算依据": lambda t: t.form.calc_basis,
    "绩效目标": lambda t: t.goal,
    "年度目标": lambda t: t.goal,
    "实施期目标": lambda t: t.form.period_goal,
    "长期目标": lambda t: t.form.period_goal,
}

#: Names printing one field: each alternative → the name the spec model uses for it.
SAME_FIELD = {"年度目标": "绩效目标", "主管部门": "一级预算单位", "长期目标": "实施期目标", "指标值说明": "指标解释",
              "年度资金总额": "预算数", "本年度项目金额": "预算数", "部门名称": "一级预算单位"}


def row_cell(row: IndicatorRow, name: str) -> str:
    """Text of indicator column *name* in *row*."""
    return ROW_CELLS[name](row)


def header_cell(table: ProjectTable, name: str) -> str:
    """Text of header field *name* of *table*."""
    return HEADER_CELLS[name](table)
