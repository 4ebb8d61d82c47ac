"""What a finding is about: the 项目编码 of its tables and the field (cell) it points at.

Rules locate findings by a source position; the position tells which cell it is,
since every written cell has its own (``IndicatorRow.field_sources``,
``ProjectTable.field_sources``). A rule may also name the field itself.
"""

from __future__ import annotations

from dataclasses import replace

from jixiao.checks.base import Finding
from jixiao.model.document import Document, ProjectTable

#: Row attributes and the labels findings name them by.
ROW_LABELS = (
    ("value", "指标值"), ("level3", "三级指标"), ("description", "绩效指标描述"), ("explanation", "指标解释"),
    ("basis", "指标值确定依据"), ("level2", "二级指标"), ("level1", "一级指标"),
)


def _field(f: Finding, table: ProjectTable) -> str | None:
    where = (f.path, f.line, f.col)
    for label, source in table.field_sources.items():
        if (source.path, source.line, source.col) == where:
            return label
    for row in table.rows:
        for attr, label in ROW_LABELS:
            cell = row.field_sources.get(attr)
            if cell is not None and (cell.path, cell.line, cell.col) == where:
                return label
        if (row.source.path, row.source.line, row.source.col) == where:
            return "指标行"
    return None


def locate(findings: list[Finding], doc: Document) -> list[Finding]:
    """*findings* with the 项目编码 of their tables and, where the position tells, the field."""
    tables = {t.number: t for t in doc.tables()}
    out = []
    for f in findings:
        mine = [tables[n] for n in f.tables if n in tables]
        codes = tuple(t.code for t in mine if t.code)
        field = f.field or next((x for t in mine[:1] if (x := _field(f, t)) is not None), None)
        out.append(replace(f, codes=codes, field=field))
    return out
