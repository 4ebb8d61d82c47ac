"""The budget system's workbook (.xlsx): one sheet per project, or flat sheets, as a 工作簿布局 says."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path

from jixiao.errors import Diagnostic, SpecError
from jixiao.model.document import Document, ProjectTable
from jixiao.spec.workbook import DEFAULT, WorkbookLayoutProblem, find_workbook_layout


def render_workbook(doc: Document, spec_root: Path, tables: Sequence[ProjectTable], when: dt.datetime,
                    layout: str | None = None) -> bytes:
    """The workbook of *tables* in *layout* (else the one 部门.yaml names, else 分表).

    A layout file path is relative to the spec folder.

    Raises:
        SpecError: the layout does not exist or does not load (where 部门.yaml names it, when it does).
    """
    from jixiao.render.xlsx.writer import workbook_bytes

    name = layout or doc.workbook or DEFAULT
    if layout is None and doc.workbook is not None and name.endswith((".yaml", ".yml")):
        name = str(spec_root / name)
    try:
        found = find_workbook_layout(name, spec_root)
    except WorkbookLayoutProblem as exc:
        diags = exc.diagnostics
        where = doc.field_sources.get("工作簿")
        if layout is None and where is not None and diags and diags[0].message.endswith("不存在"):
            diags = [Diagnostic(spec_root / where.path, where.line, where.col, diags[0].message, diags[0].hint)]
        raise SpecError(diags) from None
    return workbook_bytes(doc, found.spec, tables, when)


__all__ = ["render_workbook"]
