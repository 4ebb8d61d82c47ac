"""Header fields of the current project form (政策依据, 测算依据, 实施期目标 …) for one table.

Part of the *expand* stage. A field is taken from the project, else from the
defaults it inherits (unit → part → department, see README), else derived:

* 申请单位 and 实施单位: the project's unit name;
* 一级预算单位 (主管部门): the department name;
* 年度目标 is 绩效目标, 长期目标 is 实施期目标, 主管部门 is 一级预算单位: one field
  each, written under either key (never both);
* 本年度项目金额 is 预算数 (not a field of its own).

Texts that may hold formulas (政策依据, 测算依据, 实施期目标) are computed like
资金用途; the others are printed as written.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from jixiao.errors import Diagnostic
from jixiao.expand.funding import Funding
from jixiao.model import document as dm
from jixiao.model.money import MoneyUnit, format_money
from jixiao.spec.load import ProjectSource
from jixiao.spec.yamlio import NodePath, Positions

#: (value, the file it is written in, where) of an inherited setting, by attribute name.
Inherit = Callable[[str], tuple[Any, Positions, NodePath]]
#: Computes the formulas of a text written at (positions, node) under a label.
Formula = Callable[[str, Positions, NodePath, str], str]
#: A location-independent source of a node.
Ref = Callable[[Positions, NodePath], dm.SourceRef]

#: Pairs of keys naming one field: (attribute, key) and (other attribute, other key).
ALTERNATIVES = (
    (("goal", "绩效目标"), ("annual_goal", "年度目标")),
    (("period_goal", "实施期目标"), ("long_goal", "长期目标")),
    (("top_unit", "一级预算单位"), ("supervisor", "主管部门")),
)
#: Inherited text fields: attribute → label (formulas allowed in the first two).
_INHERITED = (
    ("policy_basis", "政策依据"),
    ("period", "实施期限"),
    ("project_type", "项目类型"),
    ("allocation", "分配方式"),
    ("applicant", "申请单位"),
    ("executor", "实施单位"),
)
_FORMULAS = {"政策依据", "测算依据", "实施期目标"}


@dataclass
class FormInputs:
    """What the form needs besides the project: names, money unit and the stage's helpers."""

    department: str
    unit_name: str
    money_unit: MoneyUnit
    inherit: Inherit
    formula: Formula
    ref: Ref


def one_of(src: ProjectSource, first: tuple[str, str], second: tuple[str, str], diags: list[Diagnostic]) -> tuple[str | None, str | None]:
    """(value, key it is written under) of a field with two keys; both written is a problem."""
    a, b = getattr(src.spec, first[0]), getattr(src.spec, second[0])
    if a is not None and b is not None:
        diags.append(
            src.pos.diag((second[1],), f"「{first[1]}」和「{second[1]}」是同一项，只写其中一个", f"删去 {second[1]} 或 {first[1]}", key=True)
        )
    if a is not None:
        return a, first[1]
    if b is not None:
        return b, second[1]
    return None, None


def _level(src: ProjectSource, pos: Positions, node: NodePath) -> int:
    """How near a setting is to the project: 0 the project, 1 its unit, 2 its part, 3 the department."""
    if pos is src.pos:
        return 0
    return {"单位": 1, "部分": 2}.get(str(node[0]) if node else "", 3)


def _inherited_one_of(
    inputs: FormInputs, src: ProjectSource, attrs: tuple[str, str], diags: list[Diagnostic]
) -> tuple[Any, Positions | None, NodePath]:
    """An inherited field with two keys (一级预算单位 / 主管部门): the nearest level that writes either."""
    found = [inputs.inherit(a) for a in attrs]
    written = [(v, pos, node) for v, pos, node in found if v is not None]
    if not written:
        return None, None, ()
    if len(written) == 2 and _level(src, written[0][1], written[0][2]) == _level(src, written[1][1], written[1][2]):
        pos, node = written[1][1], written[1][2]
        diags.append(pos.diag(node, "「一级预算单位」和「主管部门」是同一项，只写其中一个", "删去其中一个", key=True))
    return min(written, key=lambda w: _level(src, w[1], w[2]))


def project_form(src: ProjectSource, inputs: FormInputs, funding: Funding | None, diags: list[Diagnostic]) -> tuple[dm.ProjectForm, dict[str, dm.SourceRef]]:
    """The table's :class:`~jixiao.model.document.ProjectForm` and where each field is written."""
    p = src.spec
    sources: dict[str, dm.SourceRef] = {}
    values: dict[str, Any] = {}
    for attr, label in _INHERITED:
        value, pos, node = inputs.inherit(attr)
        if value is None:
            continue
        sources[label] = inputs.ref(pos, node)
        values[attr] = inputs.formula(value, pos, node, label) if label in _FORMULAS else value
    top, top_pos, top_node = _inherited_one_of(inputs, src, ("top_unit", "supervisor"), diags)
    if top is not None and top_pos is not None:
        values["top_unit"] = top
        sources["一级预算单位"] = inputs.ref(top_pos, top_node)
    is_new, new_pos, new_node = inputs.inherit("is_new")
    if is_new is not None:
        values["is_new"] = is_new
        sources["是否新增项目"] = inputs.ref(new_pos, new_node)
    if p.calc_basis is not None:
        values["calc_basis"] = inputs.formula(p.calc_basis, src.pos, ("测算依据",), "测算依据")
        sources["测算依据"] = inputs.ref(src.pos, ("测算依据",))
    (_, period_key) = one_of(src, *ALTERNATIVES[1], diags)
    if period_key is not None:
        raw = p.period_goal if p.period_goal is not None else p.long_goal
        assert raw is not None
        values["period_goal"] = inputs.formula(raw, src.pos, (period_key,), period_key)
        sources["实施期目标"] = inputs.ref(src.pos, (period_key,))
    unit = inputs.money_unit
    if p.total_amount is not None:
        values["total_amount"] = p.total_amount
        values["total_amount_text"] = format_money(p.total_amount, unit)
        sources["项目总金额"] = inputs.ref(src.pos, ("项目总金额",))
    if funding is not None:
        values.update(
            appropriation=funding.appropriation, special=funding.special, own_funds=funding.own,
            appropriation_text=_blank_zero(funding.appropriation, unit),
            special_text=_blank_zero(funding.special, unit), own_funds_text=_blank_zero(funding.own, unit),
        )
    values.setdefault("applicant", inputs.unit_name)
    values.setdefault("executor", inputs.unit_name)
    values.setdefault("top_unit", inputs.department)
    return dm.ProjectForm(**values), sources


def _blank_zero(amount: Any, unit: MoneyUnit) -> str:
    return "" if amount == 0 else format_money(amount, unit)
