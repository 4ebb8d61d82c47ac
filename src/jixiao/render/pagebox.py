"""Helpers on WeasyPrint's laid-out pages shared by the whole-document and the chunked PDF.

Which pages each table covers (:func:`table_ranges`); a table's first page
without what its part heading put above it (:func:`table_alone`, for the
project's own file); another page's margin boxes (:func:`with_margins`);
WeasyPrint's log messages collected (:func:`collecting`) and Python's cycle
collector paused (:func:`gc_paused`) while WeasyPrint works.
"""

from __future__ import annotations

import gc
import itertools
import logging
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from weasyprint.document import Page
from weasyprint.formatting_structure import boxes
from weasyprint.formatting_structure.boxes import MarginBox

#: Layouts at most: the first, then re-layouts after cutting merged cells at page breaks.
MAX_LAYOUTS = 3


class _Collect(logging.Handler):
    """Keeps WeasyPrint's warnings and errors (bad CSS, missing glyphs …)."""

    def __init__(self, sink: list[str]) -> None:
        super().__init__(logging.WARNING)
        self.sink = sink

    def emit(self, record: logging.LogRecord) -> None:
        message = record.getMessage()
        if message not in self.sink:
            self.sink.append(message)


@contextmanager
def gc_paused() -> Iterator[None]:
    """Pause Python's cycle collector while WeasyPrint works.

    Layout and drawing allocate millions of small objects but leave almost no
    cyclic garbage, so the collector's repeated scans of the growing box tree
    are pure cost: about a quarter of the layout time, for under 2 % more peak
    memory (measured in ``benchmarks/render_bench.py``).
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


@contextmanager
def collecting(sink: list[str]) -> Iterator[None]:
    logger = logging.getLogger("weasyprint")
    handler = _Collect(sink)
    logger.addHandler(handler)
    try:
        yield
    finally:
        logger.removeHandler(handler)


def table_ranges(pages: Sequence[Any], sections: dict[int, list[int]]) -> dict[int, tuple[int, int]]:
    starts: dict[int, int] = {}
    for index, page in enumerate(pages):
        for anchor in page.anchors:
            number = _table_number(anchor)
            if number is not None:
                starts.setdefault(number, index)
    ordered = sorted(starts.values())
    out: dict[int, tuple[int, int]] = {}
    for number, start in sorted(starts.items()):
        section = sections.get(number)
        end = max(section) + 1 if section else next((s for s in ordered if s > start), len(pages))
        out[number] = (start, max(end, start + 1))
    return out


def _table_number(anchor: str) -> int | None:
    if anchor.startswith("table-") and anchor[6:].isdigit():
        return int(anchor[6:])
    return None


def with_margins(page: Any, donor: Any) -> Any:
    """*page* with the margin boxes (page number footer …) of *donor*."""
    if page is donor:
        return page
    box = page._page_box.copy()
    own = [child for child in box.children if not isinstance(child, MarginBox)]
    margins = [child for child in donor._page_box.children if isinstance(child, MarginBox)]
    box.children = tuple(own + margins)
    return Page(box)


def table_alone(page: Any, number: int) -> Any:
    """*page* without what is laid out above table *number*'s section, the section moved up in its place.

    The first table of a part whose heading stands above it (部分标题: 表前)
    shares its first page with that heading; the project's own PDF shows the
    table alone, at the top of the page like every other table. *page* itself
    when nothing is above the section (or the section is not on it).
    """
    path = _path_to_section(page._page_box, number)
    above = _above(path) if path is not None else []
    if path is None or not above:
        return page
    dy = min(b.position_y for b in above) - path[-1].position_y
    box = _moved(path[-1], dy)
    for parent, child in reversed(list(itertools.pairwise(path))):
        index = parent.children.index(child)
        before = [b for b in parent.children[:index] if isinstance(b, MarginBox)]
        after = [b if isinstance(b, MarginBox) else _moved(b, dy) for b in parent.children[index + 1:]]
        parent = parent.copy()  # not copy_with_children: that resets the original's decoration sides
        parent.children = (*before, box, *after)
        box = parent
    return Page(box)


def _path_to_section(box: Any, number: int) -> list[Any] | None:
    """Boxes from *box* down to the section of table *number* (``data-table``), or None."""
    element = box.element
    if element is not None and element.tag == "section" and element.get("data-table") == str(number):
        return [box]
    for child in getattr(box, "children", ()):
        if isinstance(child, boxes.Box):
            below = _path_to_section(child, number)
            if below is not None:
                return [box, *below]
    return None


def _above(path: Sequence[Any]) -> list[Any]:
    """The page's content boxes laid out before the last box of *path* (from the page box down)."""
    out: list[Any] = []
    for parent, child in itertools.pairwise(path):
        index = parent.children.index(child)
        out += [b for b in parent.children[:index] if not isinstance(b, MarginBox)]
    return out


def shares_first_page(page: Any, number: int) -> bool:
    """Whether something is laid out above table *number*'s section on *page* (its first page)."""
    path = _path_to_section(page._page_box, number)
    return path is not None and bool(_above(path))


def _moved(box: Any, dy: float) -> Any:
    """A copy of *box* and everything in it, *dy* lower on the page; the combined layout's boxes stay put."""
    if dy == 0:
        return box
    copied = box.deepcopy()
    for inner in copied.descendants():
        if isinstance(inner, boxes.TableBox):  # their column boxes are not children, but move with them
            inner.column_groups = tuple(group.deepcopy() for group in inner.column_groups)
    copied.translate(0, dy)
    return copied
