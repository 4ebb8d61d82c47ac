"""JX2xx 指标值与计量单位: values whose form does not fit the indicator."""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Iterator
from typing import cast

from jixiao.checks.base import CheckContext, Finding, Rule, rule
from jixiao.checks.text import bare_name, is_rate_name
from jixiao.model.document import IndicatorRow
from jixiao.model.values import DateStyle, format_date

_TIME_WORDS = (("日均", ("/日", "/天")), ("月均", ("/月",)), ("单次", ("/次",)), ("每次", ("/次",)))
_OPERATOR = re.compile(r"[≥≤><＞＜=]")


@rule("JX201", "warning", "比率类指标的单位不是 %",
      "名称以「率」「比例」「满意度」结尾的指标，指标值应是百分比（如「≥95%」），不是天数或人数。")
def rate_unit(ctx: CheckContext, r: Rule) -> Iterator[Finding]:
    """A 率/比例/满意度 indicator with a unit other than %."""
    for table, row in ctx.rows():
        v = row.parsed
        if v.kind == "quantity" and v.unit and v.unit not in ("%", "％") and is_rate_name(row.level3):
            yield r.at(row.source_of("value"), f"「{row.level3}」是比率类指标，指标值却以「{v.unit}」为单位",
                       "改用百分比，或把指标名称改为与单位相符的说法", table=table)


@rule("JX202", "warning", "「≥100%」无法超额完成",
      "完成率、合格率最多为 100%，「≥100%」等于「=100%」，评价时容易引起歧义。", fixable=True)
def at_least_100(ctx: CheckContext, r: Rule) -> Iterator[Finding]:
    """A percentage written ≥100%."""
    for table, row in ctx.rows():
        v = row.parsed
        if v.kind == "quantity" and v.unit == "%" and v.op == "≥" and v.number == 100:
            yield r.at(row.source_of("value"), f"「{row.level3}」的指标值「{row.value}」无法超额完成",
                       "写成「=100%」", fix="=100%", table=table, group="指标值「≥100%」无法超额完成",
                       replaces=row.value)


@rule("JX203", "warning", "使用了严格不等号",
      "「>90%」表示恰好 90% 不算达标，与通常的考核口径不符；目标值一般用 ≥ 或 ≤。")
def strict_operator(ctx: CheckContext, r: Rule) -> Iterator[Finding]:
    """A quantity written with > or <."""
    for table, row in ctx.rows():
        v = row.parsed
        if v.kind == "quantity" and v.op in (">", "<"):
            fixed = row.value.replace(">", "≥").replace("＞", "≥").replace("<", "≤").replace("＜", "≤")
            wide = "≥" if v.op == ">" else "≤"
            yield r.at(row.source_of("value"), f"指标值「{row.value}」使用了严格不等号",
                       f"一般写成「{fixed}」", fix=fixed, table=table,
                       group=f"指标值使用了严格不等号「{v.op}」", group_hint=f"一般写成「{wide}」")


@rule("JX204", "warning", "名称中的计量口径与单位不符",
      "「日均」的值应以 /日 计，「月均」以 /月 计，「单次」以 /次 计（如「日均场地租赁成本 ≤2000元/次」自相矛盾）。")
def per_time_unit(ctx: CheckContext, r: Rule) -> Iterator[Finding]:
    """日均/月均/单次 names whose value is per another period."""
    for table, row in ctx.rows():
        v = row.parsed
        if v.kind != "quantity" or not v.unit or "/" not in v.unit:
            continue
        for word, endings in _TIME_WORDS:
            if word in row.level3 and not v.unit.endswith(endings):
                yield r.at(row.source_of("value"), f"「{row.level3}」按{word}计，指标值却是「{row.value}」",
                           f"单位应为 …{endings[0]}，或改正指标名称", table=table)
                break


@rule("JX205", "warning", "金额单位写成了「万」",
      "金额的计量单位是「万元」；「万/月」这样的写法在同一文档中与「万元/月」混用。", fixable=True)
def wan_without_yuan(ctx: CheckContext, r: Rule) -> Iterator[Finding]:
    """A money value in 万 or 万/… instead of 万元."""
    for table, row in ctx.rows():
        v = row.parsed
        if v.kind == "quantity" and v.unit and (v.unit == "万" or v.unit.startswith("万/")):
            fixed = row.value.replace(v.unit, "万元" + v.unit[1:], 1)
            yield r.at(row.source_of("value"), f"指标值「{row.value}」的金额单位写成了「万」",
                       f"写成「{fixed}」", fix=fixed, table=table, replaces=row.value,
                       group="指标值的金额单位写成了「万」", group_hint="写成「万元」")


@rule("JX206", "warning", "日期写法不统一",
      "同一文档中的完成时限应采用同一种写法（2025.12.31 或 2025年12月31日）。")
def mixed_dates(ctx: CheckContext, r: Rule) -> Iterator[Finding]:
    """Dates in the minority style of the document."""
    styles = Counter(row.parsed.date_style for _, row in ctx.rows() if row.parsed.kind == "date")
    if len(styles) < 2:
        return
    main = max(styles, key=lambda s: (styles[s], s == "点分"))
    example = dt.date(ctx.doc.year, 12, 31)
    counts = "，".join(f"{format_date(example, cast(DateStyle, s))} 式 {n} 处" for s, n in styles.items() if s)
    for table, row in ctx.rows():
        v = row.parsed
        if v.kind == "date" and v.date and v.date_style != main:
            fixed = format_date(dt.date.fromisoformat(v.date), cast(DateStyle, main))
            # A derived 完成时限 takes its style from a 日期格式 setting: point there.
            source = row.source_of("value")
            if "value" not in row.field_sources or not source.path.startswith("projects/"):
                source = table.field_sources.get("日期格式", source)
            yield r.at(source, f"日期「{row.value}」与文档中多数日期的写法不同（{counts}）",
                       f"统一写成「{fixed}」（可在 部门.yaml 的 默认 中设 日期格式）", fix=fixed, table=table)


@rule("JX207", "warning", "日期不在本预算年度",
      "项目绩效目标是年度目标，完成时限应在预算年度之内；跨年的多年度目标不应填作年度目标。")
def date_outside_year(ctx: CheckContext, r: Rule) -> Iterator[Finding]:
    """A date value whose year is not the document's 年度."""
    for table, row in ctx.rows():
        v = row.parsed
        if v.kind == "date" and v.date and not v.date.startswith(str(ctx.doc.year)):
            yield r.at(row.source_of("value"), f"「{row.level3}」的日期「{row.value}」不在 {ctx.doc.year} 年度内",
                       f"改为 {ctx.doc.year} 年内的日期", table=table)


@rule("JX208", "warning", "时效指标不明确",
      "时效指标应写具体的完成日期（2025.12.31）或及时率（≥95%），不宜写「2026年」「在规定时限内…」「12月前」。")
def vague_deadline(ctx: CheckContext, r: Rule) -> Iterator[Finding]:
    """A 时效指标 whose value is neither a date nor a percentage."""
    for table, row in ctx.rows():
        if row.level2 != "时效指标":
            continue
        v = row.parsed
        if v.kind == "date" or (v.kind == "quantity" and v.unit == "%"):
            continue
        if _is_malformed(row):
            continue  # reported by JX209
        yield r.at(row.source_of("value"), f"时效指标「{row.level3}」的指标值「{row.value}」不明确",
                   f"写具体的完成日期，如 {ctx.doc.year}.12.31，或及时率，如 ≥95%", table=table)


def _is_malformed(row: IndicatorRow) -> bool:
    """Text starting with a digit that is not a quantity, a date, or a bare year/month."""
    text = row.value
    if row.parsed.kind != "text" or not text[:1].isdigit():
        return False
    return not re.fullmatch(r"\d{4}年(\d{1,2}月)?(前|底|内|以前)?", text)


@rule("JX209", "error", "指标值格式异常",
      "以数字开头却既不是「数值+单位」也不是日期的指标值，多半是粘贴时残留了别的内容（如「1002025年12月31日」）。")
def malformed(ctx: CheckContext, r: Rule) -> Iterator[Finding]:
    """Text that starts with a digit but parses as neither a quantity nor a date."""
    for table, row in ctx.rows():
        if _is_malformed(row):
            yield r.at(row.source_of("value"), f"指标值「{row.value}」格式异常",
                       "检查是否粘贴了多余的字符", table=table)


@rule("JX210", "warning", "一格中写了多个指标值",
      "一个指标只能有一个目标值；「动态类≥10条，问题建议类≥2条」应拆成两个指标。")
def compound(ctx: CheckContext, r: Rule) -> Iterator[Finding]:
    """A text value holding two or more comparisons."""
    for table, row in ctx.rows():
        if row.parsed.kind == "text" and len(_OPERATOR.findall(row.value)) >= 2:
            yield r.at(row.source_of("value"), f"「{row.level3}」的指标值「{row.value}」包含多个目标",
                       "拆成多个三级指标，每个指标一个值", table=table)


@rule("JX211", "warning", "指标值只是重复指标名称",
      "指标值与指标名称相同（如「保障工作正常开展」→「保障工作正常开展」），无法判断是否达成。")
def echo_value(ctx: CheckContext, r: Rule) -> Iterator[Finding]:
    """A value that repeats the 三级指标."""
    for table, row in ctx.rows():
        if row.parsed.kind == "text" and row.value == bare_name(row.level3):
            yield r.at(row.source_of("value"), f"「{row.level3}」的指标值只是重复了指标名称",
                       "写可考核的值，如次数、比率，或分级的定性描述", table=table)


@rule("JX212", "warning", "定性指标值含糊",
      "「稳步提高」「普遍知晓」之类的说法无法评价；定性指标应分级（明显提升/有所提升/无变化）或改为定量。")
def vague_value(ctx: CheckContext, r: Rule) -> Iterator[Finding]:
    """Text values listed as vague in the vocabulary."""
    for table, row in ctx.rows():
        if row.parsed.kind == "text" and row.value in ctx.vocab.vague:
            yield r.at(row.source_of("value"), f"「{row.level3}」的指标值「{row.value}」含糊，难以考核",
                       "改为定量值，或写明分级标准", table=table)
