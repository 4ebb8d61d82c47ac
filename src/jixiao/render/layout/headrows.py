"""A header block laid out as the layout's ``表头`` lists it (the 2021 project form and others).

Each entry of ``表头`` is one row:

* one field — its label in the label column, its text over the rest
  (``[年度目标]``, ``[政策依据]``);
* two fields — label | text | label | text, placed on the indicator columns the
  way the 项目编码 | 项目名称 row is (``[主管部门, 实施单位]``);
* the block ``项目资金`` (the 2021 money block: 年度资金总额, 其中：财政拨款,
  财政专户管理资金, 单位资金 under one merged label).

A row of optional fields that are all empty (no 实施期目标 for a one-year
project) is left out; 项目名称 and the goals are always printed. Labels are the
names written in ``表头`` (主管部门 and 一级预算单位 print the same field).
"""

from __future__ import annotations

from jixiao.model.cells import header_cell
from jixiao.model.document import ProjectTable
from jixiao.render.layout.cells import LABEL_GOAL, Align, Cell, Role, Row, money_label
from jixiao.render.layout.colwidths import Plan
from jixiao.render.layout.placing import group, label_item, running_item, whole_item
from jixiao.render.layout.textwidth import label_cell, wrapped_lines

#: Rows always printed, even empty.
_ALWAYS = frozenset({"项目名称", "年度目标", "绩效目标"})
#: Fields printed centred (short); the others are running text, left-aligned.
_SHORT = frozenset({"项目名称", "项目编码", "主管部门", "一级预算单位", "申请单位", "实施单位", "实施期限", "项目类型",
                    "是否新增项目", "分配方式", "项目总金额"})
#: The 2021 money block: sub-label → header field.
MONEY_ROWS = (("年度资金总额", "年度资金总额"), ("其中：财政拨款", "财政拨款"),
              ("财政专户管理资金", "财政专户管理资金"), ("单位资金", "单位资金"))
_AMOUNTS = frozenset({"项目总金额"})


def _printed(t: ProjectTable, names: list[str]) -> bool:
    if names[0] == "项目资金":
        return True
    return any(n in _ALWAYS for n in names) or any(header_cell(t, n) for n in names)


def header_rows(t: ProjectTable, p: Plan) -> list[Row]:
    """The rows of the header block after the unit line."""
    out: list[Row] = []
    for names in t.layout.header or []:
        if not _printed(t, names):
            continue
        if names[0] == "项目资金":
            out += _money(t, p)
        elif len(names) == 1:
            out.append(_single(t, p, names[0]))
        else:
            out.append(_pair(t, p, names[0], names[1]))
    return out


def _single(t: ProjectTable, p: Plan, name: str) -> Row:
    n = len(p.indicators)
    text = header_cell(t, name)
    label = LABEL_GOAL if name == "绩效目标" else name
    align: Align = "center" if name in _SHORT else "left"
    role: Role = "number" if name in _AMOUNTS else "text"
    return Row((label_cell(label, p.indicators[0]), Cell(text, span=p.span(1, n - 1), align=align, role=role)))



def _pair(t: ProjectTable, p: Plan, a: str, b: str) -> Row:
    text_a, text_b = header_cell(t, a), header_cell(t, b)
    items = [running_item(text_a), label_item(b), running_item(text_b)]
    runs = group(items, p.indicators[1:], lambda w: (wrapped_lines(text_a, w[0]), -w[2], w[1]))
    spans, widths = p.placed(runs)
    return Row(
        (
            label_cell(a, p.indicators[0]),
            Cell(text_a, span=spans[0], role="number" if a in _AMOUNTS else "text"),
            label_cell(b, widths[1], span=spans[1]),
            Cell(text_b, span=spans[2], role="number" if b in _AMOUNTS else "text"),
        )
    )


def _money(t: ProjectTable, p: Plan) -> list[Row]:
    """项目资金（万元） over four rows: sub-label | amount."""
    texts = [header_cell(t, field) for _, field in MONEY_ROWS]
    longest = max((label for label, _ in MONEY_ROWS), key=len)
    runs = group([label_item(longest), whole_item(max(texts, key=len))], p.indicators[1:], lambda w: (-w[1],))
    spans, widths = p.placed(runs)
    rows = []
    for i, ((label, _), text) in enumerate(zip(MONEY_ROWS, texts, strict=True)):
        head = (
            label_cell(money_label(t), p.indicators[0], merge="restart", rows=len(MONEY_ROWS))
            if i == 0 else Cell("", merge="continue", role="label")
        )
        rows.append(Row((head, label_cell(label, widths[0], span=spans[0]), Cell(text, span=spans[1], role="number"))))
    return rows

