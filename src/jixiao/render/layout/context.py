"""The variables of the Word and HTML templates, as the contract lists them (:mod:`.contract`).

Both renderers give their templates the same variables: the Word document
template and the HTML template those of :func:`document_context`, the
project-table Word template those of :func:`table_file_context`. The page
structure comes from the document's page plan (:mod:`jixiao.model.page`):
each section's ``版面`` flags, the anchors and ``目录项``, so a template
prints what the plan decided instead of deciding it again.

Every mapping is a :class:`Vars`, which knows its place in the contract: a
template that asks for a name it does not have is told which one, and what
it is called now (:mod:`.undefined`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from markupsafe import Markup

from jixiao.chars import JOINER, printable, unjoined
from jixiao.model.anchors import PART_ONE_ANCHOR, chapter_anchor, part_anchor, table_anchor
from jixiao.model.document import Document, ProjectTable
from jixiao.model.page import PageGeometry, PagePlan, SectionPlan, TocEntry
from jixiao.render.layout.contract import RENAMED
from jixiao.render.layout.linebreak import balanced, protect, title_lines
from jixiao.render.layout.toclines import entry_lines


class Vars(dict[str, Any]):
    """A mapping of template variables that knows its path in the contract (``部分``, ``表.版面`` …)."""

    __slots__ = ("where",)

    def __init__(self, where: str, values: Mapping[str, Any]) -> None:
        super().__init__(values)
        self.where = where
        for renamed in RENAMED:  # old names kept for a release
            parent, _, old = renamed.old.rpartition(".")
            new_parent, _, new = renamed.new.rpartition(".")
            if renamed.alias and parent == where == new_parent and new in self:
                self[old] = self[new]


def title_text(text: str, geometry: PageGeometry, size_pt: float, line_break: Markup | None = None) -> str:
    """A centred title of type *size_pt*: balanced lines, never broken inside a word (:func:`.linebreak.balanced`).

    With *line_break* (the Word renderer's, for clients that do not honour the joiner) a title
    that needs two lines gets that break where :func:`.linebreak.title_lines` puts it.
    """
    room = geometry.em_per_line(size_pt)
    if line_break is None:
        return balanced(printable(text), room)
    return line_break.join(protect(line) for line in title_lines(printable(text), room))


def _toc_text(entry: TocEntry, geometry: PageGeometry) -> str:
    """A 目录 entry's text with the joiners of the heading it points to (as the heading's variable has them)."""
    if entry.kind == "table":
        return title_text(entry.text, geometry, geometry.body_pt)
    if entry.kind == "part":
        numeral, _, title = entry.text.partition("\u3000")
        return f"{numeral}\u3000{title_text(title, geometry, geometry.title_pt)}"
    return protect(entry.text)


def _toc_lines(entry: TocEntry, geometry: PageGeometry) -> tuple[str, list[str]]:
    """A 目录 entry's text and its lines (:func:`.toclines.entry_lines`), both with the heading's joiners.

    So a template that prints the headings' variables in its 目录 prints the same text. A joiner
    where a line ends is dropped (the line breaks there anyway).
    """
    text = _toc_text(entry, geometry)
    lines, out, at = entry_lines(entry), [], 0
    for line in lines:
        start, seen = at, 0
        while at < len(text) and seen < len(line):
            seen += text[at] != JOINER
            at += 1
        out.append(text[start:at].strip(JOINER))
    if [unjoined(line) for line in out] != lines or text[at:].strip(JOINER):
        return text, lines  # not the same characters: the plain lines
    return text, out


def flags(section: SectionPlan) -> Vars:
    """A section's ``版面``: its page flags from the plan."""
    return Vars("版面", {
        "另起一页": section.new_page,
        "紧接上文": section.follows,
        "独占一页": section.alone,
        "下移": section.lowered,
    })


#: The 版面 of a part whose heading is not printed (部分标题: 无): no page flag.
_UNPRINTED_PART = SectionPlan(kind="part", anchor="", new_page=False, follows=False, alone=False)


def table_context(table: ProjectTable, markup: Markup, plan: PagePlan, line_break: Markup | None = None) -> Vars:
    """Template variables of one project table (``表``); *line_break* see :func:`title_text`."""
    anchor = table_anchor(table.number)
    return Vars("表", {
        "序号": table.number,
        "表题": title_text(table.heading, plan.geometry, plan.geometry.body_pt, line_break),
        "项目名称": printable(table.name),
        "单位": printable(table.unit_name),
        "表格": markup,
        "锚点": anchor,
        "版面": flags(plan.section(anchor)),
    })


def document_context(
    doc: Document, tables: Mapping[int, Markup], toc: Markup, line_break: Markup | None = None,
) -> dict[str, Any]:
    """Template variables of the combined document; *toc* is ``目录`` (the Word TOC field); *line_break*
    the renderer's forced line break for titles (:func:`title_text`)."""
    plan = doc.page_plan
    part_one: Vars | None = None
    if doc.part_one is not None:
        p = doc.part_one
        part_one = Vars("第一部分", {
            "编号": p.numeral,
            "标题": title_text(p.title, plan.geometry, plan.geometry.title_pt, line_break),
            "章节": [
                Vars("章", {
                    "编号": s.number,
                    "标题": printable(s.title),
                    "标题行": protect(printable(s.heading)),
                    "段落": [Vars("段", {"样式": _BLOCK_STYLE[b.kind], "文字": protect(printable(b.text))})
                           for b in s.blocks],
                    "锚点": chapter_anchor(i),
                })
                for i, s in enumerate(p.sections, 1)
            ],
            "锚点": PART_ONE_ANCHOR,
            "版面": flags(plan.section(PART_ONE_ANCHOR)),
        })
    return {
        **base_context(doc, line_break),
        "第一部分": part_one,
        "各部分": [
            Vars("部分", {
                "编号": part.numeral,
                "标题": title_text(part.title, plan.geometry, plan.geometry.title_pt, line_break),
                "表": [table_context(t, tables[t.number], plan, line_break) for t in part.tables],
                "锚点": part_anchor(i),
                "版面": flags(plan.find(part_anchor(i)) or _UNPRINTED_PART),
            })
            for i, part in enumerate(doc.parts, 1)
        ],
        "目录": toc,
        "目录项": [
            Vars("项", {"级别": e.level, "类别": _TOC_KIND[e.kind], "文字": text, "各行": lines, "锚点": e.anchor})
            for e in plan.toc
            for text, lines in [_toc_lines(e, plan.geometry)]
        ],
    }


def table_file_context(
    doc: Document, table: ProjectTable, markup: Markup, plan: PagePlan | None = None, line_break: Markup | None = None,
) -> dict[str, Any]:
    """Template variables of a project's own Word file: :func:`base_context` and ``表`` (*plan*: ``doc.page_plan``)."""
    return {**base_context(doc, line_break), "表": table_context(table, markup, plan or doc.page_plan, line_break)}


def base_context(doc: Document, line_break: Markup | None = None) -> dict[str, Any]:
    """Variables every template has: 标题, 年度, 部门, 金额单位, 版式 (首页, 部分标题)."""
    return {
        "标题": title_text(doc.title, doc.page_plan.geometry, doc.page_plan.geometry.title_pt, line_break),
        "年度": doc.year,
        "部门": printable(doc.department),
        "金额单位": doc.money_unit,
        "版式": Vars("版式", {"首页": doc.pages.front, "部分标题": doc.pages.part_heading,
                              "目录页码": doc.pages.toc_pages, "页码位置": doc.pages.page_numbers}),
    }


#: Block kind → the style name templates test for (小标题 = an item's numbered heading line).
_BLOCK_STYLE = {"heading": "小标题", "paragraph": "正文"}
_TOC_KIND = {"part": "部分", "section": "章节", "table": "表"}
