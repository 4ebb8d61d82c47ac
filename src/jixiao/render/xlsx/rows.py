"""The indicator rows a workbook prints: the table's, with 「不适用」 rows when the layout pre-prints every 二级."""

from __future__ import annotations

from jixiao.model.document import IndicatorRow, ProjectTable
from jixiao.model.notapplicable import with_not_applicable


def workbook_rows(t: ProjectTable, *, all_level2: bool) -> list[IndicatorRow]:
    """*t*'s rows; with *all_level2*, a 「不适用」 row for each 二级 of its framework it has none of."""
    if not all_level2 or not t.framework_levels:
        return list(t.rows)
    show_basis = "指标值确定依据" in t.columns
    dumped = [r.model_dump() for r in t.rows]
    filled = with_not_applicable(dumped, t.framework_levels, t.source, show_basis=show_basis)
    return [IndicatorRow.model_validate({**r, "level1_span": r.get("level1_span", 1), "level2_span": r.get("level2_span", 1)})
            for r in filled]
