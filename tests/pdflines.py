"""Printed lines of a PDF read back with pdfplumber: per table cell, and outside tables.

Used to count lines that hold one character alone (an orphan) and to find
words broken across lines, in jixiao's PDF and in LibreOffice's PDF of the docx.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

#: Table cells are read where the rules are; text boxes found by their lines.
_SETTINGS = {"vertical_strategy": "lines", "horizontal_strategy": "lines"}


@dataclass(frozen=True)
class Block:
    """The printed lines of one table cell (``cell``) or of one paragraph outside tables."""

    page: int
    lines: tuple[str, ...]
    cell: bool

    @property
    def orphan(self) -> bool:
        """More than one line, and the last holds a single character."""
        return len(self.lines) > 1 and len(self.lines[-1]) == 1


def _inside(ch: dict[str, Any], box: tuple[float, float, float, float]) -> bool:
    x = (ch["x0"] + ch["x1"]) / 2
    y = (ch["top"] + ch["bottom"]) / 2
    return box[0] <= x <= box[2] and box[1] <= y <= box[3]


def _lines(chars: Iterable[dict[str, Any]]) -> list[tuple[float, float, str]]:
    """(top, size, text) of each printed line, top to bottom; spaces dropped."""
    out: list[tuple[float, float, list[dict[str, Any]]]] = []
    for ch in sorted(chars, key=lambda c: (round(c["top"], 1), c["x0"])):
        if not ch["text"].strip():
            continue
        if out and abs(ch["top"] - out[-1][0]) < 0.5 * ch["size"]:
            out[-1][2].append(ch)
        else:
            out.append((ch["top"], ch["size"], [ch]))
    return [(top, size, "".join(c["text"] for c in sorted(cs, key=lambda c: c["x0"]))) for top, size, cs in out]


#: A 目录 entry (dot leaders): entries are lines of their own, not a paragraph.
_LEADERS = re.compile(r"[.…·]{5,}")


def _paragraphs(lines: list[tuple[float, float, str]], page: int) -> Iterator[Block]:
    """Lines outside tables grouped into paragraphs: same type size, less than 2 lines apart
    (目录 entries left out: the 目录 is laid out by its own rules)."""
    group: list[tuple[float, float, str]] = []
    for line in lines:
        if _LEADERS.search(line[2]):
            if group:
                yield Block(page, tuple(t for _, _, t in group), cell=False)
            group = []
            continue
        if group and (abs(line[1] - group[-1][1]) > 0.1 or line[0] - group[-1][0] > 2.0 * line[1]):
            yield Block(page, tuple(t for _, _, t in group), cell=False)
            group = []
        group.append(line)
    if group:
        yield Block(page, tuple(t for _, _, t in group), cell=False)


def page_blocks(page: Any, number: int) -> list[Block]:
    """The blocks of a pdfplumber *page* numbered *number* (tests/pdfreadback.py reads whole files)."""
    out: list[Block] = []
    tables = page.find_tables(_SETTINGS)
    boxes = [t.bbox for t in tables]
    chars = page.chars
    for t in tables:
        for cell in t.cells:
            inside = [c for c in chars if _inside(c, cell)]
            if inside:
                out.append(Block(number, tuple(t for _, _, t in _lines(inside)), cell=True))
    rest = [c for c in chars if not any(_inside(c, b) for b in boxes)]
    out += _paragraphs(_lines(rest), number)
    return out


def orphans(found: Iterable[Block]) -> list[Block]:
    """Blocks whose last line holds one character alone (page numbers 「— 4 —」 are lines of their own)."""
    return [b for b in found if b.orphan]


#: What must never break across lines, written here independently of render/layout/linebreak.py:
#: 项目编码; 文号 with the last two characters of their issuer (「冀政发【2016】20号」); amounts with
#: their units (「≤3290.48元/人.年」); short bracketed groups (「（护）」, 「(%)」, 「（第二批）」).
UNBREAKABLE = {
    "code": re.compile(r"\d{8}[0-9A-Z]{8,}"),
    "文号": re.compile(r"[\u4e00-\u9fff]{2}[〔【\[]\d{4}[〕】\]]\d+号"),
    "amount": re.compile(r"[≤≥<>]?\d+(?:\.\d+)?(?:万元|元|%|人次|个月)(?:/[\u4e00-\u9fff](?:\.[\u4e00-\u9fff])?)?"),
    "group": re.compile(r"[（(][^（）()]{1,6}[）)]"),
}


def all_broken_runs(found: Iterable[Block], *, per_unit: bool = False) -> list[tuple[Block, str]]:
    """Every :data:`UNBREAKABLE` run that *found* prints across two lines; with *per_unit*, an amount
    per unit broken right before its 「/」 does not count (「≤3334元」 | 「/月」 in a column whose width
    the layout fixes narrower than the amount)."""
    blocks_ = list(found)
    return [hit for pattern in UNBREAKABLE.values() for hit in broken_runs(blocks_, pattern, per_unit=per_unit)]


def broken_runs(found: Iterable[Block], runs: re.Pattern[str], *, per_unit: bool = False) -> list[tuple[Block, str]]:
    """Matches of *runs* (文号, codes, numbers with units) that a block prints across two lines
    (with *per_unit*, not those broken only right before a 「/」)."""
    out = []
    for b in found:
        if len(b.lines) < 2:
            continue
        text = "".join(b.lines)
        ends, at = set(), 0
        for line in b.lines[:-1]:
            at += len(line)
            ends.add(at)
        for m in runs.finditer(text):
            cuts = [e for e in ends if m.start() < e < m.end()]
            if cuts and not (per_unit and all(text[e] == "/" for e in cuts)):
                out.append((b, m.group()))
    return out
