"""The checklist ``jixiao rollover`` prints and writes: what moved, and what a person must still update."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from jixiao.checks.years import KINDS, SpecYear
from jixiao.vcs.rollover.plan import Plan

CHECKLIST_NAME = "顺延清单-{year}.md"


def kinds_text(kind: str) -> str:
    """The checklist's word for a kind of year mention."""
    return KINDS.get(kind, kind)


def _where(path: str, line: int, col: int) -> str:
    return f"`{path}:{line}:{col}`"


def _table(result: Plan, path: str) -> str:
    found = result.tables.get(path)
    return f"第 {found[0]} 表 {found[1]}" if found else path


def _section(title: str, items: Iterable[str], *, done: bool = False) -> list[str]:
    mark = "- [x] " if done else "- [ ] "
    items = list(items)
    return ["", f"## {title}", "", *(mark + item for item in items)] if items else []


def _year_item(y: SpecYear) -> str:
    m = y.mention
    return f"{_where(y.path, y.line, y.col)} {y.field}：「{m.excerpt.strip()}」中的 {m.year}（{kinds_text(m.kind)}）"


def checklist_text(result: Plan, dest: Path) -> str:
    """The checklist as Markdown: done items ticked, the rest to do."""
    old, new = result.old_year, result.new_year
    out = [
        f"# 顺延清单：{result.source.name}（{old} 年度）→ {dest.name}（{new} 年度）",
        "",
        f"由 `jixiao rollover --年度 {new}` 生成。「已顺延」是 jixiao 改好的；其余每一项都要有人核对或更新，"
        "做完一项就把 [ ] 改成 [x]。文字一律没有改动。",
    ]
    moved = [f"{_where(e.path, e.line, e.col)} {e.what}：{e.old} → {e.new}" for e in result.moved]
    moved.append(
        f"由年度计算的都随之改变：省略时的完成时限（{new} 年 12 月 31 日）、编制日期（{new}-01-01）和文档标题"
        f"（「{new}年…部门绩效目标」），以及公式中的 {{{{ 年度 }}}}、{{{{ 完成时限 }}}}"
    )
    out += _section("已顺延", moved, done=True)
    if result.clear_budget:
        title = f"预算（{len(result.budgets)} 处金额已清空为 0，逐项填写 {new} 年度的预算）"
        budgets = [f"{_where(e.path, e.line, e.col)} {_table(result, e.path)}：{e.what} {e.old} → {e.new}"
                   for e in result.budgets]
    else:
        title = f"预算（保留了 {old} 年度的数额，逐项核对）"
        budgets = [f"{_where(e.path, e.line, e.col)} {_table(result, e.path)}：{e.what} {e.old}" for e in result.budgets]
    if budgets:
        budgets.append("预算数改了的项目，一并核对写成固定金额的成本指标（如「≤725万元」）和资金支出计划")
    out += _section(title, budgets)
    out += _section(
        f"项目编码（{old} 年度的编码，换成 {new} 年度预算系统中的编码）",
        [f"{_where(path, line, col)} {_table(result, path)}：{code}" for path, line, col, code in result.codes],
    )
    out += _section(
        f"文字中的年份和日期（共 {len(result.years)} 处，没有改动：改成 {new} 年，或确认保留）",
        [_year_item(y) for y in result.years],
    )
    out += _section(
        f"文件名中的 {old}（文件名决定表的顺序，diff 按文件名对应前后两年的表）",
        [f"`{name}`" for name in result.named],
    )
    out += _section("没有复制的文件（符号链接）", [f"`{name}`" for name in result.skipped])
    out += _section("其他", [
        f"第一部分（总体绩效目标、分项绩效目标、工作保障措施）按 {new} 年度的工作重点改写",
        f"逐个确认项目在 {new} 年度是否延续：不再延续的删去它的文件，新增的项目用 `jixiao new` 添加",
        f"运行 `jixiao check {dest}`，处理「错误」和「警告」（文字中留下的年份也会列出）",
    ])
    return "\n".join(out) + "\n"
