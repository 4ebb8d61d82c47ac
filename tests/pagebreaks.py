"""Read back where a PDF's tables break: which table rows are on which page.

Used to compare jixiao's PDF with the PDF LibreOffice makes of jixiao's Word
file (how most readers meet the Word version). Each page becomes the list of
its ruled table rows, each row as its text with whitespace removed (cells
joined by ``|``; a cell covered by a merged cell above it adds nothing). Two
outputs break their tables alike when both give the same list of pages.

A row is found through pdfplumber's ruled-table detection (lines drawn by
both renderers), so the unit line above the frame is not a row.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

#: The first column title of the indicator table (its repeated head row starts with it).
HEAD = "一级指标"


@dataclass(frozen=True)
class PageRows:
    """The ruled table rows of one page, each a tuple of its cells' text (None: covered by a merged cell)."""

    rows: tuple[tuple[str | None, ...], ...]

    @property
    def keys(self) -> list[str]:
        """One text per row: its cells joined by ``|``, covered cells left out."""
        return ["|".join(c for c in row if c is not None) for row in self.rows]

    def continued_labels(self) -> tuple[str | None, str | None] | None:
        """The 一级 and 二级 cells of the first body row of a page that opens with the repeated head row.

        None when the page does not open with the indicator table's head row.
        """
        if len(self.rows) < 2 or not (self.rows[0][0] or "").startswith(HEAD):
            return None
        first = self.rows[1]
        return (first[0] if first else None, first[1] if len(first) > 1 else None)


def _norm(text: str | None) -> str | None:
    return None if text is None else re.sub(r"\s+", "", text)


def page_rows(page: Any) -> PageRows:
    """The ruled table rows of a pdfplumber *page*, top to bottom (tests/pdfreadback.py reads whole files)."""
    rows: list[tuple[str | None, ...]] = []
    for table in sorted(page.find_tables(), key=lambda t: t.bbox[1]):
        rows += [tuple(_norm(c) for c in row) for row in table.extract()]
    return PageRows(tuple(rows))


def empty_continued_labels(pages: list[PageRows]) -> list[int]:
    """Pages (from 1) whose first row below the repeated head row has an empty 一级 or 二级 cell."""
    bad = []
    for number, page in enumerate(pages, 1):
        labels = page.continued_labels()
        if labels is not None and not all(labels):
            bad.append(number)
    return bad


def differences(ours: list[PageRows], theirs: list[PageRows]) -> list[str]:
    """Where two PDFs put other rows on a page (or have other page counts), one line each."""
    out: list[str] = []
    if len(ours) != len(theirs):
        out.append(f"page count {len(ours)} ≠ {len(theirs)}")
    for number, (a, b) in enumerate(zip(ours, theirs, strict=False), 1):
        if a.keys != b.keys:
            first = next((i for i, (x, y) in enumerate(zip(a.keys, b.keys, strict=False)) if x != y),
                         min(len(a.keys), len(b.keys)))
            out.append(f"p{number}: {len(a.keys)} rows ≠ {len(b.keys)}; row {first + 1}: "
                       f"{(a.keys[first:first + 1] or ['—'])[0][:40]!r} ≠ {(b.keys[first:first + 1] or ['—'])[0][:40]!r}")
    return out
