"""Indicator frameworks: which 二级 belongs to which 一级.

* 效益 — the pre-2021 form used by most local documents (成本 under 产出);
* 效果 — the older form, 效果指标 instead of 效益指标;
* 2021 — 财预〔2021〕101号: 成本指标 is its own 一级 with 经济/社会/生态环境成本.
"""

from __future__ import annotations

_BENEFITS = ["经济效益指标", "社会效益指标", "生态效益指标", "可持续影响指标"]

FRAMEWORKS: dict[str, dict[str, list[str]]] = {
    "效益": {
        "产出指标": ["数量指标", "质量指标", "时效指标", "成本指标"],
        "效益指标": _BENEFITS,
        "满意度指标": ["服务对象满意度指标"],
    },
    "效果": {
        "产出指标": ["数量指标", "质量指标", "时效指标", "成本指标"],
        "效果指标": _BENEFITS,
        "满意度指标": ["服务对象满意度指标"],
    },
    "2021": {
        "成本指标": ["经济成本指标", "社会成本指标", "生态环境成本指标"],
        "产出指标": ["数量指标", "质量指标", "时效指标"],
        "效益指标": _BENEFITS,
        "满意度指标": ["服务对象满意度指标"],
    },
}


def level1_of(level2: str, framework: str) -> str | None:
    """The 一级 a 二级 belongs to in *framework*, or None if it is not part of it."""
    for level1, children in FRAMEWORKS[framework].items():
        if level2 in children:
            return level1
    return None


def all_level2(framework: str) -> list[str]:
    """Every 二级 name of *framework*, in canonical order."""
    return [c for children in FRAMEWORKS[framework].values() for c in children]
