"""Printed labels and numbers: table titles, part headings, numbering styles.

Numbering styles are written the way :mod:`jixiao.model.numbering` reads them (the
label of item one: ``1.`` ``1、`` ``（一）`` …), so a style found here can go
into the spec as it is.
"""

from __future__ import annotations

import re
from functools import lru_cache

from jixiao.importer.found import norm
from jixiao.model.numbering import chinese

_CN = "零一二三四五六七八九十百"
#: (pattern, style template with {n} for the counter's place); tried in order.
_STYLES: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"^(\d{1,3})([.．、])"), "1{0}"),
    (re.compile(r"^（(\d{1,3})）"), "（1）"),
    (re.compile(r"^\((\d{1,3})\)"), "(1)"),
    (re.compile(rf"^（([{_CN}]+)）(、?)"), "（一）{0}"),
    (re.compile(rf"^\(([{_CN}]+)\)(、?)"), "(一){0}"),
    (re.compile(rf"^([{_CN}]+)(、|是)"), "一{0}"),
]


@lru_cache(maxsize=1)
def _numerals() -> dict[str, int]:
    return {chinese(n): n for n in range(1, 200)}


def parse_label(text: str) -> tuple[str, int, str] | None:
    """``（三）基金监管`` → (``（一）``, 3, ``基金监管``); None if *text* does not start with a number."""
    for pattern, template in _STYLES:
        m = pattern.match(text)
        if not m:
            continue
        raw = m.group(1)
        if raw.isdigit():
            n = int(raw)
            if raw != str(n):
                continue
        else:
            found = _numerals().get(raw)
            if found is None:
                continue
            n = found
        tail = m.group(2) if m.lastindex and m.lastindex >= 2 else ""
        style = template.format(tail)
        return style, n, text[m.end() :]
    return None


TABLE_SUFFIX = "绩效目标表"
_PART = re.compile(r"^第([一二三四五六七八九十]+|\d{1,2})部分(.*)$", re.S)


#: A line break between two CJK characters (a title broken into balanced lines): no space there.
_CJK_BREAK = re.compile(r"(?<=[^\x00-\x7f])[ \t]*\n[ \t]*(?=[^\x00-\x7f])")


def table_title(text: str) -> tuple[str | None, str] | None:
    """``3.法律顾问费绩效目标表`` → (``1.``, ``法律顾问费``); None if *text* is not a table title."""
    flat = " ".join(_CJK_BREAK.sub("", text).split())
    if not flat.endswith(TABLE_SUFFIX) or len(flat) > 200:
        return None
    found = parse_label(flat)
    if found is None:
        return None, flat[: -len(TABLE_SUFFIX)].strip()
    style, _, rest = found
    return style, rest[: -len(TABLE_SUFFIX)].strip()


def part_heading(text: str) -> tuple[int, str] | None:
    """``第二部分\\n预算项目绩效目标`` → (2, ``预算项目绩效目标``); None if not a part heading."""
    flat = text.strip()
    m = _PART.match(flat.replace("\u3000", " "))
    if not m:
        return None
    raw = m.group(1)
    n = int(raw) if raw.isdigit() else _numerals().get(raw, 0)
    rest = " ".join(m.group(2).split()).lstrip("：:、.． ")
    if not n or len(rest) > 40:
        return None
    return n, rest


_MONEY = re.compile(r"^(.*?)单位[:：]\s*(万元|元)$", re.S)


def caption(text: str) -> tuple[str, str] | None:
    """``619001唐山市医疗保障局本级    单位：万元`` → (unit label, money unit); None if no 单位：."""
    flat = text.strip()
    m = _MONEY.match(flat)
    if not m:
        return None
    return " ".join(m.group(1).split()), m.group(2)


#: Canonical column titles of the indicator table and the titles read as them.
COLUMNS: dict[str, tuple[str, ...]] = {
    "一级指标": ("一级指标",),
    "二级指标": ("二级指标",),
    "三级指标": ("三级指标", "指标名称"),
    "绩效指标描述": ("绩效指标描述", "指标描述", "指标内容", "绩效指标内容"),
    "指标值": ("指标值", "目标值", "指标值(目标值)", "年度指标值"),
    "指标值确定依据": ("指标值确定依据", "确定依据", "指标值设定依据", "指标值依据"),
    # The 2021 project form's columns (计算符号 and 计量单位 are read into 指标值).
    "指标解释": ("指标解释",),
    "指标值说明": ("指标值说明",),
    "权重": ("权重", "分值", "权重分值", "权重(分值)"),
    "计算符号": ("计算符号", "运算符号"),
    "计量单位": ("计量单位", "度量单位"),
}
_COLUMN_OF = {norm(alias): name for name, aliases in COLUMNS.items() for alias in aliases}


def column_name(text: str) -> str | None:
    """The canonical column title *text* is read as, or None."""
    return _COLUMN_OF.get(norm(text))


BUDGET_BLOCK = frozenset(norm(x) for x in ("预算规模及资金用途", "预算规模和资金用途", "预算规模", "资金用途"))
BUDGET = frozenset(norm(x) for x in ("预算数", "预算金额", "资金总额", "年度资金总额", "预算总额"))
OTHER = frozenset(norm(x) for x in ("其他资金", "其它资金"))
GOAL = frozenset(norm(x) for x in ("绩效目标", "年度绩效目标", "项目绩效目标", "年度目标", "总体目标"))
MONTHS = ("3月底", "6月底", "10月底", "12月底")


def is_fiscal(label: str) -> bool:
    """``其中：财政资金`` and its variants."""
    n = _core(label)
    return "财政" in n and len(n) <= 10 and not any(ch.isdigit() for ch in n)


_UNIT_SUFFIX = re.compile(r"\((?:万元|元)\)$")


def _core(label: str) -> str:
    """A label without a trailing money unit: 预算数（万元） → 预算数."""
    return _UNIT_SUFFIX.sub("", norm(label))


def amount_label(label: str) -> str | None:
    """``budget``, ``fiscal`` or ``other`` for the labels of the 预算数 row, else None."""
    core = _core(label)
    if core in BUDGET:
        return "budget"
    if core in OTHER:
        return "other"
    return "fiscal" if is_fiscal(label) else None


#: Column titles that only decorate the indicator table (a 「绩效指标」 cell spanning the rows, a 序号).
DECORATION = frozenset(norm(x) for x in ("绩效指标", "年度绩效指标", "绩效指标体系", "序号", "年度绩效目标"))


def is_name_label(label: str) -> bool:
    """``项目名称``, ``专项资金名称`` …: a short label ending in 名称."""
    n = norm(label)
    return n.endswith("名称") and 2 < len(n) <= 10 and any(k in n for k in ("项目", "资金", "政策"))


def is_schedule_label(label: str) -> bool:
    n = norm(label)
    return n.startswith(("资金支出计划", "支出计划", "资金使用计划")) and len(n) <= 16


def is_code_label(label: str) -> bool:
    return norm(label) in ("项目编码", "项目代码", "项目编号")
