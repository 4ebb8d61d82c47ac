"""The checklist ``jixiao rollover`` prints and writes: what moved, and what a person must still update.

Only what needs a person is listed, grouped by project in the order of the tables, at most
three items each and what always needs a person first: the budget with its 资金支出计划, the
years and dates written in its texts (all in one item), its 项目编码. Years that stay as they
are — of 文号 and names in 《》 (citations keep their year), ranges, 「以来」, fund names
(「提前下达2024年…资金」) — are not listed. Texts of 部门.yaml and of presets come after the
projects, one item per file.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from jixiao.checks.years import KINDS, SpecYear
from jixiao.spec.load import DEPARTMENT_FILES, PROJECTS_DIR
from jixiao.vcs.rollover.plan import Edit, Plan

CHECKLIST_NAME = "顺延清单-{year}.md"


def kinds_text(kind: str) -> str:
    """The checklist's word for a kind of year mention."""
    return KINDS.get(kind, kind)


def _where(path: str, line: int, col: int) -> str:
    return f"`{path}:{line}:{col}`"


def _section(title: str, items: Iterable[str], *, done: bool = False) -> list[str]:
    mark = "- [x] " if done else "- [ ] "
    items = list(items)
    return ["", f"## {title}", "", *(mark + item for item in items)] if items else []


def _years_item(years: list[SpecYear], new: int) -> str:
    """One item for every year left in one file's texts."""
    places = "；".join(
        f"{_where(y.path, y.line, y.col)} {y.field}「{y.mention.excerpt.strip()}」中的 {y.mention.year}"
        f"（{kinds_text(y.mention.kind)}）"
        for y in years
    )
    return f"文字中的年份和日期（{len(years)} 处，没有改动：改成 {new} 年，或确认保留）：{places}"


def _budget_item(result: Plan, path: str, edits: list[Edit]) -> str:
    new = result.new_year
    main = next((e for e in edits if e.what == "预算数"), edits[0])
    if result.clear_budget:
        amounts = "、".join(f"{e.what} {e.old} → {e.new}" for e in edits)
        text = f"{_where(main.path, main.line, main.col)} {amounts}：填写 {new} 年度的预算"
    else:
        text = f"{_where(main.path, main.line, main.col)} 预算数 {main.old}：核对 {new} 年度的预算"
    schedule = result.schedules.get(path)
    if schedule is not None:
        shown, where = schedule
        inherited = "" if where == path else f"，写在 {where}"
        text += f"，以及资金支出计划 {shown}{inherited}"
    return text


def _project_section(result: Plan, path: str, budgets: list[Edit], years: list[SpecYear],
                     code: tuple[str, int, int, str] | None) -> list[str]:
    _, name = result.tables.get(path, (0, path))
    head = f"### {result.shown.get(path, '')} {name}（`{path}`）"
    if path in result.listed:
        line, col, part = result.listed[path]
        head += (f"\n\n部门.yaml 的部分「{part}」按文件名列出了这个项目（{_where('部门.yaml', line, col)}）："
                 "不再延续而删去文件时，也删去那一项（`jixiao check --fix` 会删去）。")
    items = []
    if budgets:
        items.append(_budget_item(result, path, budgets))
    if years:
        items.append(_years_item(years, result.new_year))
    if code is not None:
        _, line, col, value = code
        items.append(f"{_where(path, line, col)} 项目编码 {value}：换成 {result.new_year} 年度预算系统中的编码")
    return ["", head, "", *(f"- [ ] {item}" for item in items)]


def checklist_text(result: Plan, dest: Path) -> str:
    """The checklist as Markdown: done items ticked, the rest to do, by project."""
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
    projects = sorted((p for p in result.tables), key=lambda p: result.tables[p][0])
    by_path: dict[str, list[SpecYear]] = {}
    for y in result.years:
        by_path.setdefault(y.path, []).append(y)
    codes = {c[0]: c for c in result.codes}
    out += ["", f"## 各项目（{len(projects)} 个，按表的顺序；每个项目先核对预算，再看文字中的年份，最后是项目编码）"]
    for path in projects:
        budgets = [e for e in result.budgets if e.path == path]
        out += _project_section(result, path, budgets, by_path.pop(path, []), codes.get(path))
    shared = [p for p in by_path if p in DEPARTMENT_FILES or not p.startswith(PROJECTS_DIR + "/")]
    out += _section("部门.yaml 和预设中的文字（改一处，用到它的表都改）",
                    [f"`{p}` {_years_item(by_path[p], new)}" for p in sorted(shared, key=lambda p: (p not in DEPARTMENT_FILES, p))])
    out += _section("没有复制的文件（符号链接）", [f"`{name}`" for name in result.skipped])
    out += _section(
        "从仓库的 templates/ 复制来的文件（新规格在仓库之外，看不到那里的预设、版式和词表）",
        [f"`{rel}`：以后改仓库中的那一份，这一份不会跟着改" for rel in result.adopted],
    )
    kept = (f"文号、《》中的名称、起始年份和资金名称中的年份（{result.kept_years} 处）引用的是当时的文件和资金，没有列出；"
            if result.kept_years else "")
    out += _section("其他", [
        f"第一部分（总体绩效目标、分项绩效目标、工作保障措施）按 {new} 年度的工作重点改写",
        f"逐个确认项目在 {new} 年度是否延续：不再延续的删去它的文件，新增的项目用 `jixiao new` 添加（排在同一单位的项目之后）",
        "预算数改了的项目，一并核对写成固定金额的成本指标（如「≤725万元」）；写成公式的（月均成本、{{ 预算数 }}）随预算数改变",
        f"运行 `jixiao check {dest}`，处理「错误」和「警告」；{kept}`jixiao check --fix` 改正能自动改正的问题",
    ])
    return "\n".join(out) + "\n"
