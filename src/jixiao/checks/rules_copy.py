"""JX5xx 照抄与空泛: texts copied between projects, descriptions that define nothing."""

from __future__ import annotations

import re
from collections.abc import Iterator

from jixiao.checks.base import CheckContext, Finding, Rule, rule
from jixiao.checks.text import bare_name
from jixiao.docmodel import ProjectTable


def _norm(text: str) -> str:
    return "".join(text.split()).rstrip("。.")


@rule("JX501", "warning", "与其他项目的资金用途或绩效目标相同",
      "不同项目照抄同一段资金用途或绩效目标，说明目标没有针对本项目来写。")
def copied_text(ctx: CheckContext, r: Rule) -> Iterator[Finding]:
    """资金用途 or 绩效目标 identical to an earlier project's with a different name."""
    for label, attr in (("资金用途", "use"), ("绩效目标", "goal")):
        first: dict[str, ProjectTable] = {}
        for table in ctx.doc.tables():
            text = _norm(getattr(table, attr))
            if not text:
                continue
            earlier = first.setdefault(text, table)
            if earlier is not table and earlier.name != table.name:
                yield r.at(table.source_of(label),
                           f"{label}与第 {earlier.number} 表「{earlier.name}」完全相同",
                           f"按本项目的内容重写{label}", table=table)


@rule("JX502", "info", "描述只是重复指标名称",
      "绩效指标描述应说明指标的含义或计算方法（如「实际完成量 ÷ 计划量 × 100%」），而不是重复名称。")
def description_echo(ctx: CheckContext, r: Rule) -> Iterator[Finding]:
    """A 绩效指标描述 equal to the 三级指标."""
    for table, row in ctx.rows():
        if bare_name(row.description) == bare_name(row.level3):
            yield r.at(row.source_of("description"), f"「{row.level3}」的描述只是重复了指标名称",
                       "写出指标的定义或计算公式", table=table)


_REQUEST = re.compile(r"恳请|请求|申请|拟申请|望批准|贵局")


@rule("JX503", "warning", "指标值确定依据写成了申请",
      "指标值确定依据应说明标准来源（计划标准、行业标准、历史标准或文件），而不是向财政部门提出的申请。")
def basis_is_request(ctx: CheckContext, r: Rule) -> Iterator[Finding]:
    """A 依据 that reads like a request (恳请贵局安排 …), once per table."""
    for table in ctx.doc.tables():
        for row in table.rows:
            if row.basis and _REQUEST.search(row.basis):
                yield r.at(row.source_of("basis"), "指标值确定依据写成了申请或说明",
                           "写明依据的计划、标准或文件，如「2025年工作计划」", table=table)
                break
