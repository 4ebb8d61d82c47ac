"""「不适用」 rows: every 二级 of the framework is listed; one the project has no row for says 不适用.

Reviewers reject empty cells, so regional templates print each 二级 of their
framework and write 「不适用」 in 三级, 指标值, 指标解释 (and 描述, 依据) where a
project has no indicator. With ``不适用行: true`` in the 指标体系, expansion adds
these rows; each goes where its 二级 belongs in the framework's canonical order.
"""

from __future__ import annotations

from typing import Any

from jixiao.model import document as dm
from jixiao.model.framework import NOT_APPLICABLE, Levels, rank_in


def with_not_applicable(
    rows: list[dict[str, Any]], levels: Levels, source: dm.SourceRef, *, show_basis: bool
) -> list[dict[str, Any]]:
    """*rows* (rendered, before the merge spans) with a 「不适用」 row for each absent 二级."""
    out = list(rows)
    present = {r["level2"] for r in rows}
    for level1, children in levels.items():
        for level2 in children:
            if level2 in present:
                continue
            rank = rank_in(levels, level1, level2)
            after = [i for i, r in enumerate(out) if rank_in(levels, r["level1"], r["level2"]) <= rank]
            out.insert(after[-1] + 1 if after else 0, _row(level1, level2, source, show_basis))
    return out


def _row(level1: str, level2: str, source: dm.SourceRef, show_basis: bool) -> dict[str, Any]:
    return {
        "level1": level1,
        "level2": level2,
        "level3": NOT_APPLICABLE,
        "description": NOT_APPLICABLE,
        "value": NOT_APPLICABLE,
        "basis": NOT_APPLICABLE if show_basis else None,
        "explanation": NOT_APPLICABLE,
        "weight": None,
        "sign": "",
        "figure": NOT_APPLICABLE,
        "measure_unit": "",
        "not_applicable": True,
        "derived": ("row",),
        "parsed": dm.ParsedValue(kind="text"),
        "key": None,
        "origin": "不适用",
        "source": source,
        "field_sources": {},
    }
