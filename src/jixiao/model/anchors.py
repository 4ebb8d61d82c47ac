"""The ids of the headings: the HTML ids and the PDF's page anchors (part of the page plan, :mod:`jixiao.model.page`).

Apart from the page plan, so that the PDF workers, which need only these,
do not import pydantic (less memory in each of them).
"""

from __future__ import annotations

import re

PART_ONE_ANCHOR = "part-one"
#: Name of the CSS page of a 目录 numbered apart from the text (目录页码 单独 or 无): the PDF
#: layout finds it in the HTML and numbers the text's pages from 1 after the 目录.
FRONT_APART_PAGE = "jx-front-apart"
_TABLE_ANCHOR = re.compile(r"^table-(\d+)$")


def chapter_anchor(index: int) -> str:
    """Id of section *index* (from 1) of 第一部分 (一、总体绩效目标 …)."""
    return f"{PART_ONE_ANCHOR}-{index}"


def part_anchor(index: int) -> str:
    """Id of the heading of part *index* (from 1; 第一部分 not counted)."""
    return f"part-{index}"


def table_anchor(number: int) -> str:
    """Id of the title of project table *number*."""
    return f"table-{number}"


def anchor_table(anchor: str) -> int | None:
    """The table number of a :func:`table_anchor` id, else None."""
    found = _TABLE_ANCHOR.match(anchor)
    return int(found.group(1)) if found else None
