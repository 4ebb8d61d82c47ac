"""The variables of the Word and HTML templates (see README「Word 模板」).

Both renderers give their templates the same variables: the Word document
template and the HTML template those of :func:`document_context`, the
project-table Word template those of :func:`base_context` plus ``表``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from markupsafe import Markup

from jixiao.chars import printable
from jixiao.model.document import Document, ProjectTable


def table_context(table: ProjectTable, markup: Markup) -> dict[str, Any]:
    """Template variables of one project table (``表``)."""
    return {
        "序号": table.number,
        "表题": printable(table.heading),
        "项目名称": printable(table.name),
        "单位": printable(table.unit_name),
        "表格": markup,
    }


def document_context(doc: Document, tables: Mapping[int, Markup], toc: Markup) -> dict[str, Any]:
    """Template variables of the combined document; *toc* is ``目录`` (the Word TOC field)."""
    part_one: dict[str, Any] | None = None
    if doc.part_one is not None:
        p = doc.part_one
        part_one = {
            "编号": p.numeral,
            "标题": printable(p.title),
            "章节": [
                {
                    "编号": s.number,
                    "标题": printable(s.title),
                    "标题行": printable(s.heading),
                    "段落": [{"样式": _BLOCK_STYLE[b.kind], "文字": printable(b.text)} for b in s.blocks],
                }
                for s in p.sections
            ],
        }
    return {
        **base_context(doc),
        "第一部分": part_one,
        "各部分": [
            {
                "编号": part.numeral,
                "标题": printable(part.title),
                "表": [table_context(t, tables[t.number]) for t in part.tables],
            }
            for part in doc.parts
        ],
        "目录": toc,
    }


def base_context(doc: Document) -> dict[str, Any]:
    """Variables every template has: 标题, 年度, 部门, 金额单位, 版式 (首页, 部分标题)."""
    return {
        "标题": printable(doc.title),
        "年度": doc.year,
        "部门": printable(doc.department),
        "金额单位": doc.money_unit,
        "版式": {"首页": doc.pages.front, "部分标题": doc.pages.part_heading},
    }


@dataclass(frozen=True)
class TocEntry:
    """One line of the 目录: its level (1 = a part, 2 = a section or a table), text and anchor.

    *anchor* is the id of the heading in the HTML document (``part-one``,
    ``part-one-N``, ``part-N``, ``table-N``): the page the PDF layout puts it
    on is the entry's page number.
    """

    level: int
    text: str
    anchor: str


def toc_entries(doc: Document) -> list[TocEntry]:
    """The 目录 in document order: what Word's ``TOC \\o "1-2"`` lists (heading levels 1 and 2)."""
    out: list[TocEntry] = []
    if doc.part_one is not None:
        p = doc.part_one
        out.append(TocEntry(1, printable(f"{p.numeral}\u3000{p.title}"), "part-one"))
        out += [TocEntry(2, printable(s.heading), f"part-one-{i}") for i, s in enumerate(p.sections, 1)]
    for i, part in enumerate(doc.parts, 1):
        out.append(TocEntry(1, printable(f"{part.numeral}\u3000{part.title}"), f"part-{i}"))
        out += [TocEntry(2, printable(t.heading), f"table-{t.number}") for t in part.tables]
    return out


#: Block kind → the style name templates test for (小标题 = an item's numbered heading line).
_BLOCK_STYLE = {"heading": "小标题", "paragraph": "正文"}
