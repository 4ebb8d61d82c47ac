"""Word's side of the page plan: millimetres as twips, and the page of the built-in templates.

``tools/make_docx_templates.py`` writes the built-in templates' section
properties (paper, margins, header and footer distances) and the tab stop
of the 目录 from the page plan's geometry through these functions; the
tables' cell margins use them too (:mod:`jixiao.render.word.table`).
"""

from __future__ import annotations

from jixiao.model.page import PageGeometry

#: Twips (twentieths of a point) per millimetre.
TWIPS_PER_MM = 1440 / 25.4


def twip(mm: float) -> int:
    """*mm* millimetres in twips, rounded."""
    return round(mm * TWIPS_PER_MM)


def half_points(pt: float) -> int:
    """A type size in Word's half points (``w:sz``)."""
    return round(pt * 2)


def section_properties(g: PageGeometry, *, footer: str, line_pitch: int) -> str:
    """A ``w:sectPr`` for *g*: A4 with the plan's margins, page numbers from 1, the footer *footer* (a relationship id).

    *line_pitch* is the document grid's line pitch in twips.
    """
    return (
        f'<w:sectPr><w:footerReference w:type="default" r:id="{footer}"/>'
        f'<w:pgSz w:w="{twip(g.paper_width_mm)}" w:h="{twip(g.paper_height_mm)}"/>'
        f'<w:pgMar w:top="{twip(g.margin_top_mm)}" w:right="{twip(g.margin_right_mm)}"'
        f' w:bottom="{twip(g.margin_bottom_mm)}" w:left="{twip(g.margin_left_mm)}"'
        f' w:header="{twip(g.header_mm)}" w:footer="{twip(g.footer_mm)}" w:gutter="0"/>'
        '<w:pgNumType w:fmt="decimal" w:start="1"/>'
        f'<w:docGrid w:type="lines" w:linePitch="{line_pitch}"/></w:sectPr>'
    )
