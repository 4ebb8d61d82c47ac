"""The style sheet's page block, generated from the page plan's geometry (:class:`~jixiao.model.page.PageGeometry`).

It comes first in ``样式表``, before the rules of ``style.css`` (after its
``@charset``, ``@import`` and ``@namespace`` rules, which CSS wants first):
the paper and margins
(``@page``), the body and table type sizes, the table width, the cell
padding and how far down a part heading alone on its page stands. These are
the numbers the column widths are computed with, so ``style.css`` does not
repeat them; a rule of ``style.css`` that sets one of them again wins (it
comes later) but does not reach the column widths. Then the page numbers
(页码位置 外侧: ``:right``/``:left`` pages) and the 目录's own numbering
(目录页码): ``style.css`` prints the number centred on every page.
"""

from __future__ import annotations

import re

import tinycss2

from jixiao.model.anchors import FRONT_APART_PAGE
from jixiao.model.page import PageGeometry, PagePlan

#: At-rules CSS accepts only before every other rule.
_LEADING = frozenset({"charset", "import", "namespace"})
_NEWLINE = re.compile(r"\r\n|[\n\r\f]")


def _num(value: float) -> str:
    return f"{value:.3f}".rstrip("0").rstrip(".")


def _mm(value: float) -> str:
    return f"{_num(value)}mm"


def _pt(value: float) -> str:
    return f"{_num(value)}pt"


#: The page number's type (宋体 4号, GB/T 9704) and place below the text, as style.css has it centred.
_NUMBER_BOX = (
    'font-family: "宋体", "SimSun", "Songti SC", "Noto Serif CJK SC", serif; font-size: 14pt;'
    " vertical-align: top; padding-top: 7mm;"
)
_NUMBER = '"— " counter(page) " —"'
_ROMAN = '"— " counter(jx-front, upper-roman) " —"'


def _numbers(page: str, content: str, outer: bool) -> str:
    """Rules printing *content* as the page number of the pages *page* (a page selector, "" for all)."""
    if not outer:
        return f"@page {page} {{ @bottom-center {{ content: {content}; }} }}\n"
    # GB/T 9704: odd (right) pages at the right, even (left) pages at the left, one character in.
    return (
        f"@page {page}:right {{ @bottom-center {{ content: none; }} @bottom-left {{ content: none; }}"
        f" @bottom-right {{ content: {content}; {_NUMBER_BOX} padding-right: 14pt; }} }}\n"
        f"@page {page}:left {{ @bottom-center {{ content: none; }} @bottom-right {{ content: none; }}"
        f" @bottom-left {{ content: {content}; {_NUMBER_BOX} padding-left: 14pt; }} }}\n"
    )


def numbering_css(plan: PagePlan) -> str:
    """The page numbers' place (页码位置) and the 目录's own numbering (目录页码) of *plan*, as CSS."""
    outer = plan.page_numbers == "外侧"
    css = _numbers("", _NUMBER, outer) if outer else ""
    if plan.front_apart:
        # The 目录 pages do not count (page 0 each); 单独: their own counter, in roman numerals.
        front = f"@page {FRONT_APART_PAGE}"
        css += f".jx-front {{ page: {FRONT_APART_PAGE}; }}\n"
        css += f"{front} {{ counter-increment: page 0 jx-front 1; }}\n"
        css += _numbers(FRONT_APART_PAGE, _ROMAN if plan.toc_pages == "单独" else "none", outer)
        if not outer:
            css += f"{front} {{ @bottom-left {{ content: none; }} @bottom-right {{ content: none; }} }}\n"
    if plan.text_on_odd_page:
        # The text starts on a right-hand page; a blank page left after the 目录 is neither numbered nor counted
        # (the built-in style sheet leaves no other blank page; a table laid out again alone counts them).
        css += ".jx-front + * { break-before: right; }\n"
        css += ("@page :blank { counter-increment: page 0; @bottom-center { content: none; }"
                " @bottom-left { content: none; } @bottom-right { content: none; } }\n")
    return css


def page_css(g: PageGeometry, plan: PagePlan | None = None) -> str:
    """The CSS of *g* and, with *plan*, of its page numbering (see the module docstring)."""
    pad = _mm(g.cell_padding_mm)
    numbering = numbering_css(plan) if plan is not None else ""
    return f"""/* jixiao: from the page plan (版面) */
@page {{
  size: {_mm(g.paper_width_mm)} {_mm(g.paper_height_mm)};
  margin: {_mm(g.margin_top_mm)} {_mm(g.margin_right_mm)} {_mm(g.margin_bottom_mm)} {_mm(g.margin_left_mm)};
}}

html {{
  font-size: {_pt(g.body_pt)};
  line-height: {_pt(g.body_line_pt)};
}}

table.jx-grid {{
  width: {_mm(g.text_width_mm)};
  font-size: {_pt(g.table_pt)};
  line-height: {_num(g.table_line)};
}}

table.jx-grid td,
table.jx-grid th {{
  padding: {pad} {pad};
  height: {_mm(g.table_row_mm - 2 * g.cell_padding_mm)};
}}

.jx-part-alone h1 {{
  margin-top: {_mm(g.alone_drop_mm)};
}}
{numbering}"""


def with_page_block(block: str, css: str) -> str:
    """*css* with *block* before its first rule (after the leading ``@charset``/``@import``/``@namespace``)."""
    for rule in tinycss2.parse_stylesheet(css, skip_comments=True, skip_whitespace=True):
        if rule.type == "at-rule" and rule.lower_at_keyword in _LEADING:
            continue
        at = 0
        for _ in range(rule.source_line - 1):  # lines as CSS counts them
            found = _NEWLINE.search(css, at)
            at = found.end() if found else len(css)
        at += rule.source_column - 1
        return f"{css[:at]}{block}\n{css[at:]}"
    return f"{css}\n{block}"
