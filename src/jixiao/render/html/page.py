"""The style sheet's page block, generated from the page plan's geometry (:class:`~jixiao.model.page.PageGeometry`).

It comes first in ``样式表``, before the rules of ``style.css`` (after its
``@charset``, ``@import`` and ``@namespace`` rules, which CSS wants first):
the paper and margins
(``@page``), the body and table type sizes, the table width, the cell
padding and how far down a part heading alone on its page stands. These are
the numbers the column widths are computed with, so ``style.css`` does not
repeat them; a rule of ``style.css`` that sets one of them again wins (it
comes later) but does not reach the column widths.
"""

from __future__ import annotations

import re

import tinycss2

from jixiao.model.page import PageGeometry

#: At-rules CSS accepts only before every other rule.
_LEADING = frozenset({"charset", "import", "namespace"})
_NEWLINE = re.compile(r"\r\n|[\n\r\f]")


def _num(value: float) -> str:
    return f"{value:.3f}".rstrip("0").rstrip(".")


def _mm(value: float) -> str:
    return f"{_num(value)}mm"


def _pt(value: float) -> str:
    return f"{_num(value)}pt"


def page_css(g: PageGeometry) -> str:
    """The CSS of *g* (see the module docstring)."""
    pad = _mm(g.cell_padding_mm)
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
"""


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
