"""Indicator values and money: parsing, printing back, Decimal arithmetic."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from jixiao.expand.budget import DeriveError, derive_amounts, parse_schedule, schedule_text
from jixiao.model.money import ceil_to, format_money
from jixiao.model.values import OPERATORS, ValueError_, format_date, parse_value, quantity_text

UNITS = ["%", "人", "人次", "次", "台", "条", "个月", "年", "天", "元", "万元", "元/月", "万元/月",
         "元/人·年", "元/平方米", "万/月", "元/人.年", "月", None]


@pytest.mark.parametrize(
    ("text", "kind", "op", "number", "unit"),
    [
        ("≥100%", "quantity", "≥", "100", "%"),
        ("≤0.15万元/月", "quantity", "≤", "0.15", "万元/月"),
        ("0人", "quantity", None, "0", "人"),
        (">90%", "quantity", ">", "90", "%"),
        ("＞90%", "quantity", ">", "90", "%"),
        ("<13400元", "quantity", "<", "13400", "元"),
        ("≥480万人", "quantity", "≥", "480", "万人"),
        ("105元/人.年", "quantity", None, "105", "元/人.年"),
        ("17910000元", "quantity", None, "17910000", "元"),
        ("有所提升", "text", None, None, None),
        ("动态类≥10条，问题建议类≥2条", "text", None, None, None),
        ("1002025年12月31日", "text", None, None, None),
        ("2025年12月前", "text", None, None, None),
    ],
)
def test_parse_examples(text: str, kind: str, op: str | None, number: str | None, unit: str | None) -> None:
    v = parse_value(text)
    assert (v.kind, v.op, v.unit) == (kind, op, unit)
    assert v.number == (Decimal(number) if number else None)
    assert v.text == text


def test_dates_keep_their_style_and_iso_follows_the_setting() -> None:
    assert parse_value("2025.12.31").date_style == "点分"
    assert parse_value("2025年12月31日").date == dt.date(2025, 12, 31)
    assert parse_value("2025-12-31", iso_style="年月日").text == "2025年12月31日"
    assert parse_value("2025-12-31", iso_style="点分").text == "2025.12.31"
    with pytest.raises(ValueError_):
        parse_value("2025.02.30")


def test_operator_without_number_is_an_error() -> None:
    for bad in ("≥很高", "≤", ">=约九成"):
        with pytest.raises(ValueError_):
            parse_value(bad)


numbers = st.decimals(min_value=0, max_value=10**9, places=2, allow_nan=False, allow_infinity=False)


@given(
    op=st.sampled_from([None, *OPERATORS]),
    number=numbers,
    unit=st.sampled_from(UNITS),
)
def test_quantity_round_trip(op: str | None, number: Decimal, unit: str | None) -> None:
    text = quantity_text(op, number, unit)
    v = parse_value(text)
    assert v.text == text, "printed back exactly as written"
    assert v.kind == "quantity"
    assert v.number == number
    assert v.op == (OPERATORS[op] if op else None)
    assert v.unit == unit


@given(day=st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2099, 12, 31)),
       style=st.sampled_from(["点分", "年月日"]))
def test_date_round_trip(day: dt.date, style: str) -> None:
    text = format_date(day, style)  # type: ignore[arg-type]
    v = parse_value(text)
    assert (v.kind, v.date, v.date_style, v.text) == ("date", day, style, text)


@given(st.text(alphabet="提高稳步有效落实保障工作正常开展，。、", min_size=1, max_size=30))
def test_qualitative_text_round_trip(text: str) -> None:
    v = parse_value(text)
    assert v.kind == "text" and v.text == text.strip()


# The monthly caps published in seed 001: budget (万元) → step the author rounded up at → cap.
SEED_MONTHLY = [
    ("50.00", "1", "5"), ("26.00", "0.1", "2.2"), ("1.70", "0.01", "0.15"), ("4.00", "0.05", "0.35"),
    ("2.00", "0.1", "0.2"), ("5.00", "0.01", "0.42"), ("13.00", "0.1", "1.1"), ("0.60", "0.01", "0.05"),
    ("4.38", "0.1", "0.4"), ("3.10", "0.01", "0.26"), ("1.00", "0.1", "0.1"), ("1.00", "0.01", "0.09"),
    ("5.50", "0.1", "0.5"), ("2.10", "0.01", "0.18"),
]


@pytest.mark.parametrize(("budget", "step", "cap"), SEED_MONTHLY)
def test_monthly_cap_is_budget_over_12_rounded_up(budget: str, step: str, cap: str) -> None:
    assert ceil_to(Decimal(budget) / 12, step) == Decimal(cap)


@given(budget=st.decimals(min_value=Decimal("0.01"), max_value=Decimal(10**6), places=2),
       step=st.sampled_from(["0.01", "0.05", "0.1", "1"]))
def test_monthly_cap_covers_the_budget(budget: Decimal, step: str) -> None:
    cap = ceil_to(budget / 12, step)
    assert cap * 12 >= budget
    assert cap - budget / 12 < Decimal(step)
    assert cap % Decimal(step) == 0


def test_amounts_are_derived_exactly() -> None:
    a = derive_amounts(Decimal("3.00"), None, None, "万元")
    assert (a.budget, a.fiscal, a.other) == (Decimal("3.00"), Decimal("3.00"), Decimal(0))
    a = derive_amounts(None, Decimal("0.10"), Decimal("0.20"), "万元")
    assert a.budget == Decimal("0.30")  # 0.1 + 0.2 is exactly 0.3 in Decimal
    a = derive_amounts(Decimal(100), None, Decimal(100), "元")
    assert (a.fiscal, a.other) == (Decimal(0), Decimal(100))
    with pytest.raises(DeriveError, match="≠"):
        derive_amounts(Decimal("5.00"), Decimal("3.00"), Decimal("1.00"), "万元")
    with pytest.raises(DeriveError, match="精度"):
        derive_amounts(Decimal("92767000.5"), None, None, "元")


@given(fiscal=numbers, other=numbers)
def test_budget_is_the_exact_sum(fiscal: Decimal, other: Decimal) -> None:
    a = derive_amounts(None, fiscal, other, "万元")
    assert a.budget == fiscal + other
    assert derive_amounts(a.budget, fiscal, None, "万元").other == other


def test_money_from_yaml_is_never_a_float(spec_dir: Any) -> None:
    """0.10 + 0.20 = 0.30 holds for the YAML numbers (as floats it is 0.30000000000000004)."""
    from conftest import PROJECT
    from jixiao import expand_department, load_department

    text = PROJECT.replace("预算数: 5.00", "预算数: 0.30\n财政资金: 0.10\n其他资金: 0.20")
    table = expand_department(load_department(spec_dir({"01-x": text}))).tables()[0]
    assert (table.budget, table.fiscal, table.other) == (Decimal("0.30"), Decimal("0.10"), Decimal("0.20"))
    assert isinstance(table.budget, Decimal)
    assert format_money(Decimal("20214"), "万元") == "20214.00"
    assert format_money(Decimal("92767000"), "元") == "92767000"


def test_schedule_allows_blanks_and_needs_100_at_the_end() -> None:
    assert parse_schedule([None, "", "100%", "100"]) == [None, None, Decimal(100), Decimal(100)]
    assert schedule_text(Decimal("28.00"), percent=True) == "28.00%"  # as written
    assert schedule_text(Decimal("28"), percent=False, places=2) == "28.00"
    assert schedule_text(Decimal("28.02"), percent=True, places=0) == "28%"
    assert schedule_text(Decimal(20), percent=False) == "20"
    for bad in (["20%", "50%", "40%", "100%"], ["20%", "50%", "80%", "90%"], ["20%", "50%", "101%", "100%"],
                ["20%", "50%", "100%"]):
        with pytest.raises(DeriveError):
            parse_schedule(bad)  # type: ignore[arg-type]
