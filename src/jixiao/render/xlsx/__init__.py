"""The budget system's workbook (.xlsx): one sheet per project, or flat sheets, as a 工作簿布局 says."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from jixiao.errors import RenderError
from jixiao.model.document import Document, ProjectTable
from jixiao.model.workbook import WorkbookLayoutSpec


def render_workbook(doc: Document, tables: Sequence[ProjectTable], when: dt.datetime,
                    layout: WorkbookLayoutSpec | None = None) -> bytes:
    """The workbook of *tables* in *layout*, else in the layout 部门.yaml names (resolved when the spec was read)."""
    from jixiao.render.xlsx.writer import workbook_bytes

    chosen = layout or doc.workbook_layout
    if chosen is None:
        raise RenderError("没有工作簿布局：这份文档模型不是从规格读出的（jixiao 的缺陷，请报告）")
    return workbook_bytes(doc, chosen, tables, when)


def department_workbook(doc: Document, when: dt.datetime) -> bytes:
    """The workbook of every table of *doc* (:func:`render_workbook`; a call for a worker process too)."""
    return render_workbook(doc, doc.tables(), when)


def workbook_in_memory(doc: Document, tables: Sequence[ProjectTable]) -> Any:
    """The openpyxl workbook :func:`render_workbook` would save, in the layout 部门.yaml names (for comparing cells)."""
    from jixiao.render.xlsx.writer import workbook_object

    if doc.workbook_layout is None:
        raise RenderError("没有工作簿布局：这份文档模型不是从规格读出的（jixiao 的缺陷，请报告）")
    return workbook_object(doc, doc.workbook_layout, tables)


__all__ = ["department_workbook", "render_workbook", "workbook_in_memory"]
