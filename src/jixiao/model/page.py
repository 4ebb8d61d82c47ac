"""The page plan: how the document falls onto pages, decided once.

:func:`plan_pages` turns the resolved 版式 page settings (:class:`~jixiao.model.document.Pages`:
首页, 部分标题, 目录页码, 页码位置) and the document's structure into a :class:`PagePlan`:

* the page geometry (:class:`PageGeometry`: paper, margins, text width, type
  sizes, cell padding) — the one place these numbers are written;
* a :class:`SectionPlan` per section in document order (the front page, 第一部分,
  each part heading, each project table) saying whether it starts a new page,
  continues the page of what precedes it, or stands alone on its page;
* the 目录 entries (:class:`TocEntry`) with the anchors of their headings (the ids are
  made in :mod:`jixiao.model.anchors`).

Everything that lays out pages reads it: the Word template generator
(``tools/make_docx_templates.py``) the geometry, the Word and HTML templates
the section flags and the 目录 (through the template variables of
:mod:`jixiao.render.layout.context`), the style sheet's ``@page`` block is
generated from the geometry (:mod:`jixiao.render.html.page`), the column
widths use its text width, type size and cell padding
(:mod:`jixiao.render.layout.cells`), and the PDF layout reports the page of
each anchor. Nothing re-derives these from a style sheet or a template.

Lengths are millimetres, type sizes points; nothing here knows Word or PDF units.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

from pydantic import BaseModel, ConfigDict

from jixiao.chars import printable
from jixiao.model.anchors import PART_ONE_ANCHOR, chapter_anchor, part_anchor, table_anchor

if TYPE_CHECKING:
    from jixiao.model.document import Document

#: Points per millimetre is 72 / 25.4.
MM_PER_PT = 25.4 / 72


class _Plan(BaseModel):
    model_config = ConfigDict(frozen=True)


class PageGeometry(_Plan):
    """The printed page: A4 portrait with the official margins (GB/T 9704 as practised).

    ``版式`` cannot change it yet; the column-width code reads
    :data:`OFFICIAL` (when a setting changes it, pass the plan's geometry there).
    """

    paper_width_mm: float = 210.0
    paper_height_mm: float = 297.0
    margin_top_mm: float = 37.0
    margin_bottom_mm: float = 35.0
    margin_left_mm: float = 28.0
    margin_right_mm: float = 26.0
    #: Word: the header's distance from the top edge, the footer's (the page number) from the bottom edge.
    header_mm: float = 15.0
    footer_mm: float = 23.0
    #: Body text: 仿宋 3号 on a fixed line.
    body_pt: float = 16.0
    body_line_pt: float = 28.0
    #: The document title and part headings: 2号; table titles and headings: 3号 (``body_pt``).
    title_pt: float = 22.0
    #: Table text: 五号, on lines of this many times its size (the PDF's line-height, Word's exact line spacing).
    table_pt: float = 10.5
    table_line: float = 1.3
    #: The least height of a table row between its rules, the cell padding included.
    table_row_mm: float = 9.0
    #: Space between a table cell's rules and its text, on all four sides (Word's cell margins, the PDF's padding).
    cell_padding_mm: float = 1.0
    #: What a cell needs besides its text and padding: the rules and some slack.
    cell_slack_mm: float = 0.5
    #: A part heading alone on its page stands this far below the top margin (a third of the way down).
    alone_drop_mm: float = 60.0

    @property
    def text_width_mm(self) -> float:
        """Width of the text between the margins (156 mm)."""
        return self.paper_width_mm - self.margin_left_mm - self.margin_right_mm

    @property
    def table_em_mm(self) -> float:
        """One em of the table text in millimetres."""
        return self.table_pt * 25.4 / 72

    def em_per_line(self, size_pt: float, indent_em: float = 0.0) -> float:
        """How many em of type *size_pt* a line of the text width holds (less *indent_em*)."""
        return self.text_width_mm / (size_pt * MM_PER_PT) - indent_em

    @property
    def table_line_pt(self) -> float:
        """Height of one line of table text in points (13.65 pt)."""
        return self.table_pt * self.table_line

    @property
    def cell_extra_mm(self) -> float:
        """What a table cell needs besides its text: padding on both sides, the rules, slack."""
        return 2 * self.cell_padding_mm + self.cell_slack_mm


#: The official page every document is printed on.
OFFICIAL = PageGeometry()

SectionKind = Literal["front", "part_one", "part", "table"]


class SectionPlan(_Plan):
    """Where one section of the document goes on the pages.

    ``new_page``: it starts on a new page (a page break before it); ``follows``:
    it continues the page of what precedes it; the first section of the
    document is neither. ``alone``: nothing follows it on its page (a part
    heading with 部分标题: 单独成页, the title and 目录 page).
    """

    kind: SectionKind
    #: Id of its heading (``part-one``, ``part-2``, ``table-3``); "" for the front page.
    anchor: str
    new_page: bool
    follows: bool
    alone: bool

    @property
    def lowered(self) -> bool:
        """A part heading alone on a page of its own, printed :attr:`PageGeometry.alone_drop_mm` down."""
        return self.kind == "part" and self.alone and not self.follows


class TocEntry(_Plan):
    """One line of the 目录: level 1 a part, level 2 a section of 第一部分 or a table.

    ``anchor`` is the id of the heading it points to; the page the PDF layout
    puts that heading on is the entry's page number.
    """

    level: Literal[1, 2]
    kind: Literal["part", "section", "table"]
    text: str
    anchor: str


class PagePlan(_Plan):
    """How the document falls onto pages (see the module docstring)."""

    geometry: PageGeometry = OFFICIAL
    #: 首页: 目录 (title and 目录 alone on page 1), 标题 (the text follows the title), 无.
    front: Literal["目录", "标题", "无"] = "目录"
    #: 目录页码: the 目录 pages numbered with the text (连续), on their own (单独, roman), or not at all (无).
    toc_pages: Literal["连续", "单独", "无"] = "连续"
    #: 页码位置: page numbers centred, or on the outer edge (odd pages right, even pages left).
    page_numbers: Literal["居中", "外侧"] = "居中"
    sections: list[SectionPlan]
    #: The 目录 (also when the front page prints none: Word's TOC field lists the same headings).
    toc: list[TocEntry]

    @property
    def has_toc(self) -> bool:
        """Does the document print its 目录?"""
        return self.front == "目录"

    @property
    def front_apart(self) -> bool:
        """Are the 目录 pages outside the text's page numbering (目录页码 单独 or 无): the text starts at 1?"""
        return self.has_toc and self.toc_pages != "连续"

    @property
    def text_on_odd_page(self) -> bool:
        """Must the text start on an odd page after a 目录 numbered apart (page numbers on the outer edge)?"""
        return self.front_apart and self.page_numbers == "外侧"

    def find(self, anchor: str) -> SectionPlan | None:
        """The section whose heading has id *anchor*, if the plan has it (a part heading not printed has none)."""
        return next((s for s in self.sections if s.anchor == anchor), None)

    def section(self, anchor: str) -> SectionPlan:
        """The section whose heading has id *anchor*."""
        for section in self.sections:
            if section.anchor == anchor:
                return section
        raise KeyError(anchor)


# --- The plan -----------------------------------------------------------------------------------

#: What a section may continue the page of (when that is not alone on its page):
#: 第一部分 the title; a part heading the title only; a table its part's heading (部分标题: 表前).
_MAY_FOLLOW: dict[SectionKind, frozenset[SectionKind]] = {
    "front": frozenset(),
    "part_one": frozenset({"front"}),
    "part": frozenset({"front"}),
    "table": frozenset({"part"}),
}


def plan_pages(doc: Document) -> PagePlan:
    """The page plan of *doc*, from its 版式 page settings (``doc.pages``) and its structure."""
    alone_parts = doc.pages.part_heading == "单独成页"
    part_headings = doc.pages.part_heading != "无"
    sections: list[SectionPlan] = []

    def add(kind: SectionKind, anchor: str, *, alone: bool = False) -> None:
        before = sections[-1] if sections else None
        follows = before is not None and not before.alone and before.kind in _MAY_FOLLOW[kind]
        sections.append(SectionPlan(kind=kind, anchor=anchor, new_page=before is not None and not follows,
                                    follows=follows, alone=alone))

    toc: list[TocEntry] = []
    if doc.pages.front != "无":
        add("front", "", alone=doc.pages.front == "目录")
    if doc.part_one is not None:
        p = doc.part_one
        add("part_one", PART_ONE_ANCHOR)
        toc.append(TocEntry(level=1, kind="part", text=printable(f"{p.numeral}\u3000{p.title}"), anchor=PART_ONE_ANCHOR))
        toc += [
            TocEntry(level=2, kind="section", text=printable(s.heading), anchor=chapter_anchor(i))
            for i, s in enumerate(p.sections, 1)
        ]
    for i, part in enumerate(doc.parts, 1):
        if part_headings:
            add("part", part_anchor(i), alone=alone_parts)
            toc.append(TocEntry(level=1, kind="part", text=printable(f"{part.numeral}\u3000{part.title}"),
                                anchor=part_anchor(i)))
        for table in part.tables:
            add("table", table_anchor(table.number))
            toc.append(TocEntry(level=2, kind="table", text=printable(table.heading),
                                anchor=table_anchor(table.number)))
    return PagePlan(front=doc.pages.front, toc_pages=doc.pages.toc_pages, page_numbers=doc.pages.page_numbers,
                    sections=sections, toc=toc)
