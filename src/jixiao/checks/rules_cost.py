"""JX3xx 成本与预算: cost indicators that are not money, not a ceiling, or off the budget."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

from jixiao.checks.base import CheckContext, Finding, Rule, rule
from jixiao.checks.text import is_money_unit
from jixiao.model.document import IndicatorRow, ProjectTable
from jixiao.model.money import ceil_to, format_money, quantum, to_yuan
from jixiao.model.values import plain_number, quantity_text

COST_LEVEL2 = ("成本指标", "经济成本指标")
#: Names of per-unit costs: their value is not comparable with the whole budget.
_PER_UNIT = ("单位", "人均", "单次", "平均", "月均", "日均", "每", "单价", "标准")


def _is_cost(row: IndicatorRow) -> bool:
    return row.level2 in COST_LEVEL2 or (row.level1 == "成本指标" and row.level2 not in ("社会成本指标", "生态环境成本指标"))


def _in_yuan(number: Decimal, unit: str) -> Decimal:
    """An amount in 元 from a value unit such as 万元, 万元/月, 元, 万."""
    return number * 10000 if unit.startswith("万") else number


def _budget_yuan(table: ProjectTable) -> Decimal:
    return to_yuan(table.budget, table.money_unit)


@rule("JX301", "error", "成本指标值不是金额",
      "成本指标反映资金成本，指标值应是以 元 或 万元 计的金额，不能是百分比、次数或文字。")
def cost_not_money(ctx: CheckContext, r: Rule) -> Iterator[Finding]:
    """A cost row whose value is not an amount of money."""
    for table, row in ctx.rows():
        if not _is_cost(row):
            continue
        v = row.parsed
        if v.kind != "quantity" or (v.unit is not None and not is_money_unit(v.unit)):
            yield r.at(row.source_of("value"), f"成本指标「{row.level3}」的指标值「{row.value}」不是金额",
                       f"写成 ≤金额，如 ≤{plain_number(table.budget)}{table.money_unit}", table=table)


@rule("JX302", "error", "成本指标不是上限",
      "成本是需要控制的支出，应写成上限（≤）；「≥500元/月」表示至少花这么多。补助标准类指标降为警告。",
      also=("warning",))
def cost_floor(ctx: CheckContext, r: Rule) -> Iterator[Finding]:
    """A cost written with ≥ or >."""
    for table, row in ctx.rows():
        v = row.parsed
        if _is_cost(row) and v.kind == "quantity" and v.op in ("≥", ">"):
            subsidy = "补助标准" in row.level3
            fixed = "≤" + row.value[1:]
            yield r.at(row.source_of("value"), f"成本指标「{row.level3}」写成了下限「{row.value}」",
                       "补助标准是否应写成「=」？" if subsidy else f"成本应写成上限，如「{fixed}」",
                       fix=None if subsidy else fixed, table=table, level="warning" if subsidy else None)


def _total_rows(table: ProjectTable) -> Iterator[IndicatorRow]:
    for row in table.indicators:
        v = row.parsed
        if (_is_cost(row) and v.kind == "quantity" and v.number is not None and v.unit in ("元", "万元", "万")
                and v.op in (None, "≤", "<", "=") and not any(w in row.level3 for w in _PER_UNIT)):
            yield row


@rule("JX303", "error", "总额成本与预算数不符",
      "总额型成本指标（项目总成本、经费控制数）应等于预算数；预算调整后常常忘了改它。"
      "超过预算数是错误；低于预算数给出警告（预算可能无法全部支出）。",
      also=("warning",))
def total_vs_budget(ctx: CheckContext, r: Rule) -> Iterator[Finding]:
    """A total-cost ceiling above the budget (error) or below it (warning)."""
    for table in ctx.doc.tables():
        budget = _budget_yuan(table)
        for row in _total_rows(table):
            v = row.parsed
            assert v.number is not None and v.unit is not None
            amount = _in_yuan(v.number, v.unit)
            if amount == budget:
                continue
            shown = f"{format_money(table.budget, table.money_unit)}{table.money_unit}"
            # The budget in the value's own unit, printed as a formula prints it (≤4000万元).
            fixed = quantity_text("≤", budget / 10000 if v.unit.startswith("万") else budget, v.unit)
            if amount > budget:
                yield r.at(row.source_of("value"), f"成本上限「{row.value}」超过了预算数 {shown}",
                           f"成本上限应等于预算数：「{fixed}」", fix=fixed, table=table)
            else:
                yield r.at(row.source_of("value"), f"成本上限「{row.value}」低于预算数 {shown}",
                           f"预算数可能无法全部支出：核对成本指标或预算数（等于预算数应为「{fixed}」）",
                           table=table, level="warning")


def _monthly_rows(table: ProjectTable) -> Iterator[tuple[IndicatorRow, Decimal]]:
    for row in table.indicators:
        v = row.parsed
        if (_is_cost(row) and v.kind == "quantity" and v.number is not None and v.unit
                and is_money_unit(v.unit) and v.unit.endswith("/月") and v.op in ("≤", "<", "=", None)
                and "人均" not in row.level3):
            yield row, _in_yuan(v.number, v.unit)


@rule("JX304", "error", "月均成本不足以覆盖预算",
      "月均上限 × 12 小于预算数，全年预算无法按计划支出；月均数应由 预算数 ÷ 12 向上取整得出。")
def monthly_too_low(ctx: CheckContext, r: Rule) -> Iterator[Finding]:
    """12 × the monthly cap is less than the budget."""
    for table in ctx.doc.tables():
        budget = _budget_yuan(table)
        for row, monthly in _monthly_rows(table):
            if monthly * 12 < budget:
                unit = row.parsed.unit or ""
                wan = unit.startswith("万")
                cap = ceil_to((budget / 10000 if wan else budget) / 12, "0.01" if wan else "1")
                shown = quantity_text(row.parsed.op, cap, unit)
                yield r.at(row.source_of("value"),
                           f"月均上限「{row.value}」× 12 小于预算数 {table.budget_text}{table.money_unit}",
                           f"预算数 ÷ 12 向上取整应为「{shown}」", fix=shown, table=table)


@rule("JX305", "warning", "月均成本明显高于预算",
      "月均上限 × 12 超过预算数的 1.25 倍，上限失去控制作用；公开文本中这个比例在 1.00～1.20 之间。")
def monthly_too_high(ctx: CheckContext, r: Rule) -> Iterator[Finding]:
    """12 × the monthly cap is over 1.25 × the budget (beyond what rounding explains)."""
    for table in ctx.doc.tables():
        budget = _budget_yuan(table)
        smallest = to_yuan(ceil_to(table.budget / 12, quantum(table.money_unit)), table.money_unit)
        for row, monthly in _monthly_rows(table):
            if monthly * 12 > budget * Decimal("1.25") and monthly > smallest:
                yield r.at(row.source_of("value"),
                           f"月均上限「{row.value}」× 12 明显高于预算数 {table.budget_text}{table.money_unit}",
                           "按 预算数 ÷ 12 向上取整重新计算", table=table)


@rule("JX306", "warning", "成本指标没有写 ≤",
      "成本指标是支出上限，应写成「≤金额」；只写一个金额（如「105元/人.年」）看不出是上限还是标准。")
def cost_without_operator(ctx: CheckContext, r: Rule) -> Iterator[Finding]:
    """A money cost value without any comparison operator."""
    for table, row in ctx.rows():
        v = row.parsed
        if _is_cost(row) and v.kind == "quantity" and v.op is None and is_money_unit(v.unit):
            yield r.at(row.source_of("value"), f"成本指标「{row.level3}」的指标值「{row.value}」没有写 ≤",
                       f"写成「≤{row.value}」", fix=f"≤{row.value}", table=table)


@rule("JX307", "error", "预算数为 0",
      "每个项目都有本年度的预算数；0 多半是新建项目（jixiao new）或 jixiao rollover --清空预算 之后还没有填写。"
      "生成文件前要填上（jixiao render --force 仍可生成）。")
def zero_budget(ctx: CheckContext, r: Rule) -> Iterator[Finding]:
    """A table whose 预算数 is 0."""
    for table in ctx.doc.tables():
        if table.budget == 0:
            yield r.at(table.source_of("预算数"), f"「{table.name}」的预算数是 {table.budget_text}",
                       f"填写本年度的预算数（以{table.money_unit}为单位）", table=table,
                       group="预算数是 0", group_hint="填写本年度的预算数")
