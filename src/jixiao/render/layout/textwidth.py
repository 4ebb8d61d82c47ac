"""Measuring table text at 10.5 pt, and breaking labels only between words (see :mod:`jixiao.render.layout.grid`)."""

from __future__ import annotations

import re
from collections.abc import Iterable

from jixiao.chars import printable
from jixiao.render.layout.cells import CELL_EXTRA_MM, EM_MM, LABEL_BUDGET, Cell, Merge, Role

# --- Measuring text ---------------------------------------------------------

#: Advance widths (em) of the ASCII characters: those of Noto Serif CJK SC (the
#: PDF's font when 仿宋 is not installed), rounded up to 0.02 em, at least 0.5
#: em (仿宋's half width).
_ASCII_EM = {
    ch: em
    for em, chars in (
        (0.5, " !\"'()*,-./1:;?IJ[\\]`fijlrstz{|}"), (0.54, "c"), (0.56, "$02345678aevy"),
        (0.58, "#+9<=>S^_gx~"), (0.6, "o"), (0.62, "Zkq"), (0.64, "FLbdp"), (0.66, "EPTu"),
        (0.68, "Bhn"), (0.7, "CXY"), (0.72, "ARV"), (0.74, "K"), (0.76, "G"), (0.78, "&DOQ"),
        (0.8, "NU"), (0.84, "w"), (0.86, "H"), (0.92, "@"), (0.94, "%"), (0.98, "Mm"), (1.06, "W"),
    )
    for ch in chars
}


def char_em(ch: str) -> float:
    """Width of *ch* in em: ASCII as :data:`_ASCII_EM`, everything else (CJK, full-width) 1 em."""
    return _ASCII_EM.get(ch, 1.0)


def text_em(text: str) -> float:
    """Width of one line of *text* in em."""
    return sum(char_em(ch) for ch in text)


def need_mm(line: str) -> float:
    """Width of a cell that holds *line* on one line."""
    return text_em(line) * EM_MM + CELL_EXTRA_MM


def _room_em(width_mm: float) -> float:
    # Widths are rounded to 0.1 mm: a cell rounded down still holds what it was made for.
    return (width_mm + 0.06 - CELL_EXTRA_MM) / EM_MM


def longest_mm(texts: Iterable[str]) -> float:
    return max((need_mm(line) for t in texts for line in printable(t).split("\n")), default=CELL_EXTRA_MM)


def wrapped_lines(text: str, width_mm: float) -> int:
    """How many lines running *text* (CJK, breaking between characters) takes in a cell."""
    room = max(_room_em(width_mm), 1.0)
    total = 0
    for paragraph in printable(text).split("\n"):
        lines, used = 1, 0.0
        for ch in paragraph:
            w = char_em(ch)
            if used + w > room + 1e-6:
                lines, used = lines + 1, w
            else:
                used += w
        total += lines
    return total


# --- Breaking labels at word boundaries ---------------------------------------

_KNOWN = {
    LABEL_BUDGET: ("预算规模", "及资金用途"),
    "指标值确定依据": ("指标值", "确定依据"),
    "绩效指标描述": ("绩效指标", "描述"),
}
_LABEL_BREAK = re.compile(r"(?<=：)|(?=[（(])")
_NAME_BREAK = re.compile(r"(?<=：)|(?=[（(])|(?=满意度)|(?=指标$)")


def words(text: str, *, name: bool = False) -> list[list[str]]:
    """The unbreakable words of a label, per written line (a written line break is kept)."""
    out = []
    for line in printable(text).split("\n"):
        known = _KNOWN.get(line)
        parts = list(known) if known else (_NAME_BREAK if name else _LABEL_BREAK).split(line)
        out.append([p for p in parts if p] or [""])
    return out


def min_label_mm(text: str, *, name: bool = False) -> float:
    """The narrowest cell that holds *text* without breaking a word."""
    return max(need_mm(w) for line in words(text, name=name) for w in line)


def break_label(text: str, width_mm: float, *, name: bool = False) -> tuple[tuple[str, ...], bool]:
    """*text* broken into printed lines for a cell *width_mm* wide, at word boundaries only.

    Words are packed greedily; the flag says whether every line fits.
    """
    room = _room_em(width_mm)
    lines: list[str] = []
    for line_words in words(text, name=name):
        current = ""
        for w in line_words:
            if current and text_em(current + w) > room:
                lines.append(current)
                current = w
            else:
                current += w
        lines.append(current)
    return tuple(lines), all(text_em(line) <= room for line in lines)


def label_cell(
    text: str, width_mm: float, *, role: Role = "label", name: bool = False,
    span: int = 1, merge: Merge = None, rows: int = 1,
) -> Cell:
    """A label cell printed on word-boundary lines that fit *width_mm*."""
    printed, fits = break_label(text, width_mm, name=name)
    return Cell(text, span=span, merge=merge, rows=rows, role=role, printed=printed, keep=fits)


# --- Indicator column widths ----------------------------------------------------
