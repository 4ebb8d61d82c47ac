"""Every text of the document with where it was written, for the text-scanning rules."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from jixiao.model.document import Document, ProjectTable, SourceRef

ROW_FIELDS = (("level3", "三级指标"), ("description", "绩效指标描述"), ("value", "指标值"), ("basis", "指标值确定依据"))
HEADER_FIELDS = (("name", "项目名称"), ("title", "标题"), ("use", "资金用途"), ("goal", "绩效目标"))


@dataclass(frozen=True)
class Text:
    """A piece of text, its label in the document and its source."""

    label: str
    text: str
    source: SourceRef
    table: ProjectTable | None


def table_texts(table: ProjectTable) -> Iterator[Text]:
    """Header texts and every indicator cell of *table*."""
    for attr, label in HEADER_FIELDS:
        text = getattr(table, attr)
        if text and not (attr == "title" and text == table.name):
            yield Text(label, text, table.source_of(label), table)
    for row in table.indicators:
        for attr, label in ROW_FIELDS:
            text = getattr(row, attr)
            if text:
                yield Text(label, text, row.source_of(attr), table)


def document_texts(doc: Document) -> Iterator[Text]:
    """Every text of the document: 第一部分 and all tables."""
    one = doc.part_one
    if one is not None:
        for section in one.sections:
            for block in section.blocks:
                if not block.spans:
                    yield Text(section.title, block.text, block.source, None)
                    continue
                # A run-on paragraph: each item's part where that item is written.
                ends = [start for start, _ in block.spans[1:]] + [len(block.text)]
                for (start, source), end in zip(block.spans, ends, strict=True):
                    yield Text(section.title, block.text[start:end], source, None)
    for table in doc.tables():
        yield from table_texts(table)


def all_texts(doc: Document) -> Iterator[Text]:
    """:func:`document_texts` plus the department's own (部门名称, 标题, units, codes)."""
    for label, text in (("部门名称", doc.department), ("标题", doc.title)):
        source = doc.field_sources.get(label)
        if source is not None:
            yield Text(label, text, source, None)
    yield from document_texts(doc)
    for table in doc.tables():
        yield Text("单位", table.unit_label, table.source, table)
        if table.code:
            yield Text("项目编码", table.code, table.source_of("项目编码"), table)
