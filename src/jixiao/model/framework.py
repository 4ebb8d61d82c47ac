"""Indicator frameworks (指标体系): which 二级 belongs to which 一级.

The frameworks themselves are data (``templates/frameworks/*.yaml``, see
:mod:`jixiao.spec.frameworks`); this module holds what every stage does with a
resolved one — its 一级 → 二级 lists in canonical order:

* 效益 — the pre-2021 form used by most local documents (成本 under 产出);
* 效果 — the older form, 效果指标 instead of 效益指标;
* 2021 — 财预〔2021〕101号: 成本指标 is its own 一级 with 经济/社会/生态环境成本;
* 2021核心 — 2021 without 可持续影响指标, every absent 二级 printed as 「不适用」.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

#: 一级 → its 二级, in canonical order.
Levels = Mapping[str, Sequence[str]]

#: The 二级 a framework may keep or drop (``可持续影响: false``).
SUSTAINABLE = "可持续影响指标"
#: What a 「不适用」 row prints in 三级, 指标值, 描述/指标解释 and 依据.
NOT_APPLICABLE = "不适用"


def parent_in(levels: Levels, level2: str) -> str | None:
    """The 一级 *level2* belongs to in *levels*, or None if it is not part of it."""
    for level1, children in levels.items():
        if level2 in children:
            return level1
    return None


def children_in(levels: Levels) -> list[str]:
    """Every 二级 name of *levels*, in canonical order."""
    return [c for children in levels.values() for c in children]


def without_sustainable(levels: Levels) -> dict[str, list[str]]:
    """*levels* with 可持续影响指标 dropped (the 2021 core framework)."""
    return {level1: [c for c in children if c != SUSTAINABLE] for level1, children in levels.items()}


def rank_in(levels: Levels, level1: str, level2: str) -> tuple[int, int]:
    """Canonical position of a (一级, 二级) pair; unknown names sort after the known ones."""
    order = list(levels)
    if level1 not in order:
        return (len(order), 0)
    children = list(levels[level1])
    return (order.index(level1), children.index(level2) if level2 in children else len(children))
