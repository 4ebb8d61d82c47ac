"""JX4xx 表格结构与指标体系: grouping, framework membership, required indicators."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

from jixiao.checks.base import CheckContext, Finding, Rule, rule
from jixiao.checks.text import bare_name
from jixiao.model.document import IndicatorRow, ProjectTable
from jixiao.model.framework import parent_in
from jixiao.model.page import OFFICIAL
from jixiao.model.values import plain_number

_OUTPUT_ORDER = ("数量指标", "质量指标", "时效指标")


@rule("JX401", "warning", "同一表中三级指标重复",
      "同一张表里两个指标同名（如数量、质量下都写「工作完成率」），其中一个多半是复制后忘了改。")
def duplicate_indicator(ctx: CheckContext, r: Rule) -> Iterator[Finding]:
    """The same 三级指标 twice in one table (reported at the second)."""
    for table in ctx.doc.tables():
        seen: dict[str, int] = {}
        for i, row in enumerate(table.indicators, 1):
            name = bare_name(row.level3)
            if name in seen:
                yield r.at(row.source_of("level3"), f"三级指标「{row.level3}」在本表第 {seen[name]} 行已出现",
                           "改正为本行应有的指标", table=table)
            else:
                seen[name] = i


def _first_split(values: list[str]) -> int | None:
    """Index of the first value that reappears after a different one (a split group)."""
    for k in range(1, len(values)):
        if values[k] != values[k - 1] and values[k] in values[:k]:
            return k
    return None


@rule("JX402", "warning", "指标分组或顺序不当",
      "同一一级或二级指标的行应连在一起；产出指标按 数量→质量→时效 排列（成本指标可在前或在后）。")
def out_of_order(ctx: CheckContext, r: Rule) -> Iterator[Finding]:
    """Split 一级/二级 groups, or 数量/质量/时效 out of order (one finding per table)."""
    for table in ctx.doc.tables():
        problem = _order_problem(table)
        if problem:
            index, message = problem
            yield r.at(table.rows[index].source_of("level2"), message,
                       "调整行的顺序，使同类指标相邻并按 数量→质量→时效 排列", table=table)


def _order_problem(table: ProjectTable) -> tuple[int, str] | None:
    level1 = [row.level1 for row in table.rows]
    k = _first_split(level1)
    if k is not None:
        return k, f"一级指标「{level1[k]}」的行没有排在一起"
    for name in dict.fromkeys(level1):
        index = [k for k, row in enumerate(table.rows) if row.level1 == name]
        level2 = [table.rows[k].level2 for k in index]
        j = _first_split(level2)
        if j is not None:
            return index[j], f"二级指标「{level2[j]}」的行没有排在一起"
        ranked = [(k, _OUTPUT_ORDER.index(v)) for k, v in zip(index, level2, strict=True) if v in _OUTPUT_ORDER]
        for (_, a), (k, b) in zip(ranked, ranked[1:], strict=False):
            if b < a:
                return k, f"「{table.rows[k].level2}」排在了「{_OUTPUT_ORDER[a]}」之后"
    return None


@rule("JX403", "warning", "二级指标不属于所在的一级指标",
      "按部门选用的指标体系，二级指标有固定的归属（如 服务对象满意度指标 属于 满意度指标）。")
def wrong_parent(ctx: CheckContext, r: Rule) -> Iterator[Finding]:
    """An explicit 一级 that is not the framework's parent of the row's 二级."""
    for table, row in ctx.rows():
        parent = parent_in(table.framework_levels, row.level2)
        if parent is not None and parent != row.level1:
            yield r.at(row.source_of("level2"), f"二级指标「{row.level2}」应属于「{parent}」，这里写在「{row.level1}」下",
                       f"把一级指标改为「{parent}」", table=table)


_MISFILED: tuple[tuple[re.Pattern[str], Callable[[IndicatorRow], bool], str], ...] = (
    (re.compile(r"满意(度|率)$"), lambda row: row.level1 != "满意度指标", "满意度类指标应归入 满意度指标"),
    (re.compile(r"知晓(率|度)$"), lambda row: row.level1 == "满意度指标", "知晓率反映政策效果，应归入 效益指标"),
    (re.compile(r"(完成率|执行率|覆盖率)$"), lambda row: row.level2 == "时效指标", "完成率类指标应归入 数量指标 或 质量指标"),
)


@rule("JX404", "warning", "指标归类不当",
      "常见的错位：满意度写在效益下、知晓率写在满意度下、完成率写在时效下（质量、效益、满意度相互混淆）。")
def misfiled(ctx: CheckContext, r: Rule) -> Iterator[Finding]:
    """An indicator whose name says it belongs to another category."""
    for table, row in ctx.rows():
        name = bare_name(row.level3)
        for pattern, wrong, advice in _MISFILED:
            if pattern.search(name) and wrong(row):
                yield r.at(row.source_of("level3"), f"「{row.level3}」归在了「{row.level1}/{row.level2}」下",
                           advice, table=table)
                break


_TIMELY = re.compile(r"及时(率|性)$")


@rule("JX411", "warning", "及时率归在了质量指标下",
      "及时率、及时性反映完成得是否及时，属于时效指标；写在质量指标下，时效与质量就混在了一起。")
def timely_as_quality(ctx: CheckContext, r: Rule) -> Iterator[Finding]:
    """A 及时率/及时性 indicator filed under 质量指标."""
    for table, row in ctx.rows():
        if row.level2 == "质量指标" and _TIMELY.search(bare_name(row.level3)):
            yield r.at(row.source_of("level2"), f"「{row.level3}」归在了质量指标下",
                       "及时率反映时效，应归入 时效指标", fix="时效指标", table=table)


@rule("JX405", "error", "缺少必要的一级指标",
      "项目绩效目标应同时有产出和效益（效果）指标；满意度指标几乎每张表都有，缺少满意度指标时给出警告。",
      also=("warning",))
def missing_level1(ctx: CheckContext, r: Rule) -> Iterator[Finding]:
    """A table without one of the framework's 一级 (成本 is JX407's business)."""
    for table in ctx.doc.tables():
        present = {row.level1 for row in table.indicators}
        for name in table.framework_levels:
            if name == "成本指标" or name in present:
                continue
            satisfaction = name == "满意度指标"
            yield r.at(table.source_of("项目名称"), f"「{table.name}」缺少{name}",
                       "加上至少一个三级指标", table=table, level="warning" if satisfaction else None,
                       group=f"缺少{name}")


@rule("JX406", "warning", "产出指标中没有数量指标",
      "产出指标至少应有一个数量指标，反映做了多少事。")
def no_quantity(ctx: CheckContext, r: Rule) -> Iterator[Finding]:
    """A table whose 产出 rows have no 数量指标."""
    for table in ctx.doc.tables():
        if any(row.level1 == "产出指标" for row in table.indicators) and not any(
            row.level2 == "数量指标" for row in table.indicators
        ):
            yield r.at(table.source_of("项目名称"), f"「{table.name}」的产出指标中没有数量指标",
                       "加上一个数量指标", table=table, group="产出指标中没有数量指标")


@rule("JX407", "error", "缺少成本指标",
      "财预〔2021〕101号要求绩效目标体现成本控制；2021 年前的体系中成本指标在产出指标下。")
def no_cost(ctx: CheckContext, r: Rule) -> Iterator[Finding]:
    """A table without any cost indicator (成本指标 二级, or 一级 in the 2021 framework)."""
    for table in ctx.doc.tables():
        if not any(row.level2 in ("成本指标", "经济成本指标") or row.level1 == "成本指标" for row in table.indicators):
            yield r.at(table.source_of("项目名称"), f"「{table.name}」没有成本指标",
                       f"加上成本指标，如 项目总成本 ≤{plain_number(table.budget)}{table.money_unit}", table=table,
                       group="没有成本指标", group_hint="加上成本指标，如 项目总成本 ≤预算数")


@rule("JX408", "error", "资金支出计划有空白",
      "资金支出计划是 3、6、10、12 月底的累计支出比例，每格都应填写（尚未支出写 0%）。")
def schedule_blank(ctx: CheckContext, r: Rule) -> Iterator[Finding]:
    """Blank cells in 资金支出计划."""
    for table in ctx.doc.tables():
        if table.schedule is None:
            continue
        blank = [c.label for c in table.schedule if c.percent is None]
        if blank:
            yield r.at(table.source_of("资金支出计划"), f"资金支出计划的 {'、'.join(blank)} 是空白",
                       "填写累计支出比例；尚未支出的月份写 0%", table=table)


@rule("JX410", "warning", "资金支出计划的比例精确得反常",
      "资金支出计划是计划比例，通常是整数（28% 或 28.00）；其余各格都是整数而某一格是 28.02，多半是录入时的笔误。")
def schedule_odd_precision(ctx: CheckContext, r: Rule) -> Iterator[Finding]:
    """One schedule cell with a fraction among whole-number siblings (28.02 among 53.00, 78.00)."""
    for table in ctx.doc.tables():
        cells = [(c, c.percent) for c in table.schedule or [] if c.percent is not None]
        odd = [(c, p) for c, p in cells if p != p.to_integral_value()]
        if len(cells) >= 3 and len(odd) == 1:
            cell, percent = odd[0]
            whole = percent.to_integral_value().quantize(percent)
            shown = f"{whole}%" if cell.text.endswith("%") else f"{whole}"
            yield r.at(table.source_of("资金支出计划"),
                       f"资金支出计划 {cell.label} 为「{cell.text}」，其余各格都是整数",
                       f"是否应为「{shown}」？", table=table)


@rule("JX412", "warning", "资金支出计划像是写成了小数",
      "资金支出计划是百分比：0.28 会读作 0.28%，而不是 28%。小于 1 的比例（0 除外）多半是把 28% 写成了 0.28。")
def schedule_fraction(ctx: CheckContext, r: Rule) -> Iterator[Finding]:
    """A schedule cell between 0 and 1 (exclusive): 0.28 written for 28%."""
    for table in ctx.doc.tables():
        small = [(c, c.percent) for c in table.schedule or [] if c.percent is not None and 0 < c.percent < 1]
        if small:
            cells = "、".join(f"{c.label}「{c.text}」" for c, _ in small)
            yield r.at(table.source_of("资金支出计划"), f"资金支出计划 {cells} 小于 1%",
                       f"是否应为 {small[0][1] * 100:g}%？百分比请写成 28% 或 28", table=table)


@rule("JX409", "error", "表题与项目名称不一致",
      "表题「N.项目名称绩效目标表」中的名称应与表内「项目名称」一栏完全相同。")
def title_differs(ctx: CheckContext, r: Rule) -> Iterator[Finding]:
    """A table whose 标题 is set and differs from its 项目名称."""
    for table in ctx.doc.tables():
        if table.title != table.name:
            yield r.at(table.source_of("标题"), f"表题中的名称「{table.title}」与项目名称「{table.name}」不一致",
                       "删去 标题，或把两处改成一致", table=table, group="表题中的名称与项目名称不一致")


@rule("JX413", "warning", "项目编码是空的",
      "版式印出项目编码一行时，写成空的编码（jixiao new 写的 项目编码: \"\"）使这一行不印出；"
      "填写预算系统中的项目编码，或删去这一行（有意不印编码的版式写 项目编码: false）。")
def empty_code(ctx: CheckContext, r: Rule) -> Iterator[Finding]:
    """A table whose layout prints 项目编码 and whose 项目编码 is written empty."""
    for table in ctx.doc.tables():
        if table.layout.show_code and table.code is not None and not table.code.strip():
            yield r.at(table.source_of("项目编码"), f"「{table.name}」的项目编码是空的，表中不印这一行",
                       "填写预算系统中的项目编码", table=table, group="项目编码是空的，表中不印这一行")


@rule("JX414", "warning", "列宽没有照写的采用",
      f"版式中的 列宽 合计超过版心宽度 {OFFICIAL.text_width_mm:g} 毫米时，生成时按比例缩小；个数与表的列数不符时（有 指标值确定依据 "
      "一列时是 6 列，没有时 5 列）不采用，按内容自动计算。两种情形印出来的都不是写的宽度。")
def widths_not_used(ctx: CheckContext, r: Rule) -> Iterator[Finding]:
    """A 列宽 that the renderers scale down or ignore."""
    for table in ctx.doc.tables():
        widths = table.layout.widths
        if widths is None:
            continue
        source = table.field_sources.get("列宽", table.source)
        total = sum(widths)
        if len(widths) != len(table.columns):
            yield r.at(source, f"列宽写了 {len(widths)} 个数，这张表有 {len(table.columns)} 列：没有采用，按内容自动计算",
                       f"写 {len(table.columns)} 个数：{'、'.join(table.columns)}", table=table,
                       group=f"列宽写了 {len(widths)} 个数，与表的列数不符：没有采用，按内容自动计算")
        elif total > OFFICIAL.text_width_mm:
            scaled = "、".join(f"{w * OFFICIAL.text_width_mm / total:.1f}" for w in widths)
            yield r.at(source, f"列宽合计 {total:g} 毫米，超过版心宽度 {OFFICIAL.text_width_mm:g} 毫米：生成时按比例缩小为 {scaled}",
                       f"把各列改窄，合计不超过 {OFFICIAL.text_width_mm:g} 毫米", table=table)
