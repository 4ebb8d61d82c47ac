"""The PDF work of a render, as calls a worker process makes (:mod:`jixiao.render.pool`).

Arguments and results are plain, picklable data: HTML text, absolute paths,
dates, bytes. Errors are raised as exceptions (a
:class:`~jixiao.errors.RenderError` for a refused resource, a broken style
sheet …) and come back to the caller through the future.

This module imports WeasyPrint only when a call is made, so the main process
can refer to these functions without loading it.
"""

from __future__ import annotations

import datetime as dt
import gc
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from jixiao.render.layout.breaks import TableBreaks


@dataclass(frozen=True)
class Combined:
    """The combined PDF and what the rest of the render needs from its layout."""

    data: bytes
    #: Anchor id (``part-1``, ``table-3`` …) → page number (for the Word 目录).
    anchor_pages: dict[str, int]
    #: WeasyPrint's warnings (English) and jixiao's notes, each once.
    warnings: list[str] = field(default_factory=list)
    #: Table number → rows that begin a page (for the combined Word file's tables).
    breaks: dict[int, TableBreaks] = field(default_factory=dict)
    #: Project PDFs asked for, by table number, and where each breaks in its own file.
    tables: dict[int, bytes] = field(default_factory=dict)
    table_breaks: dict[int, TableBreaks] = field(default_factory=dict)


@dataclass(frozen=True)
class Tables:
    """Project PDFs, by table number (empty when only laid out), and where each breaks."""

    data: dict[int, bytes]
    warnings: list[str] = field(default_factory=list)
    breaks: dict[int, TableBreaks] = field(default_factory=dict)


#: Documents of this many pages or more get full garbage collections before and after their combined file is
#: written (its memory's peak: a document of 71 pages leaves some 10 MB in reference cycles). A full collection
#: costs time in proportion to everything the process holds, and a short document leaves little to collect.
COLLECT_FROM_PAGES = 20


def combined(html: str, template_dirs: Sequence[Path], issued: dt.date, title: str, write: bool = True,
             tables: Sequence[int] = ()) -> Combined:
    """Lay out and write the combined document, and the PDFs of the project *tables*.

    Without *write*, only lay it out (its data is empty). A table's own PDF
    is written from the same layout where the style sheet allows
    (:meth:`jixiao.render.pdf.layout.PdfLayout.write_table`): much cheaper
    than laying it out again. The tables' PDFs are written first, the
    combined file last: while this process writes it (its memory's peak),
    the workers laying out the other tables should be done.
    """
    from jixiao.render.pdf.layout import layout_pdf

    layout = layout_pdf(html, template_dirs, issued, title)
    own: dict[int, TableBreaks] = {}
    made = {number: layout.write_table(number, own) for number in tables}
    big = layout.page_count >= COLLECT_FROM_PAGES
    if big:
        gc.collect()  # what laying out and writing left in reference cycles: the combined file reuses its memory
    data = layout.write() if write else b""
    found = Combined(data, layout.anchor_pages(), list(layout.warnings), layout.breaks(), made, own)
    del layout
    if big:
        gc.collect()  # the layout's boxes hold reference cycles: free them now, not at some later collection
    return found


def tables(htmls: dict[int, str], titles: dict[int, str], template_dirs: Sequence[Path], issued: dt.date,
           write: bool = True) -> Tables:
    """Lay out and write each project table's own document (:func:`jixiao.render.pdf.sections.split`).

    Without *write*, only lay them out (their data is empty).
    """
    from jixiao.render.pdf.layout import Renderer, write_tables

    renderer = Renderer(template_dirs)
    breaks: dict[int, TableBreaks] = {}
    data = write_tables(renderer, htmls, titles, issued=issued, breaks=breaks, write=write)
    return Tables(data, list(renderer.warnings), breaks)
