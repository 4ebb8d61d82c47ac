"""A PDF read back with pdfplumber once for both readers: the table rows of each page
(tests/pagebreaks.py) and the printed lines of each cell and paragraph (tests/pdflines.py).

Nearly all of pdfplumber's time goes into interpreting each page's drawing
instructions (some 5 s for the 71 pages of the Tangshan example); both readers
work on the same parsed pages, and what they make of a file is kept for the run
(tests/sharedmemo.py), so a file compared in several tests is parsed once.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pdfplumber

from pagebreaks import PageRows, page_rows
from pdflines import Block, page_blocks
from sharedmemo import shared


@dataclass(frozen=True)
class Readback:
    """What both readers make of one PDF."""

    rows: tuple[PageRows, ...]
    blocks: tuple[Block, ...]


def read_pages(pdf: Path) -> list[PageRows]:
    """Every page of *pdf* with its table rows, in reading order."""
    return list(_readback(pdf).rows)


def blocks(pdf: Path) -> list[Block]:
    """Every table cell's lines and every paragraph outside tables, page by page."""
    return list(_readback(pdf).blocks)


def _readback(pdf: Path) -> Readback:
    return shared("readback", pdf, _read)


def _read(pdf: Path) -> Readback:
    rows: list[PageRows] = []
    found: list[Block] = []
    with pdfplumber.open(pdf) as document:
        for number, page in enumerate(document.pages, 1):
            rows.append(page_rows(page))
            found += page_blocks(page, number)
    return Readback(tuple(rows), tuple(found))
