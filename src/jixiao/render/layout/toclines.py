"""The lines of a 目录 entry, broken once for Word and the PDF alike.

A 目录 entry is its title, a dot leader and the page number at the right
margin. Left to the word processor, a long title breaks wherever a line is
full: inside a word (「…绩效目/标表」, a 文号 「津财社指/【2025】142号」),
and when its last line reaches the margin, the page number either runs into
the title (「…目标表28」) or stands alone on a line of dots. :func:`toc_lines`
breaks the title itself, between words only, so that every line fits with
room to spare and the last line leaves room for the leader and the number;
the Word 目录 and the HTML 目录 print these lines (line breaks inside the
entry), so both break at the same places.

Widths are estimated as the table text's (:func:`~jixiao.render.layout.textwidth.text_em`:
a CJK character 1 em, ASCII its widest free-font width), here at the 目录's
type size, 14 pt (四号).
"""

from __future__ import annotations

import re

from jixiao.model.page import OFFICIAL, TocEntry
from jixiao.render.layout.textwidth import text_em

#: Type size of the 目录 entries (四号), as the style sheet and the Word styles TOC1/TOC2 have it.
TOC_PT = 14.0
#: Left indent of a level-2 entry, in em.
LEVEL2_INDENT_EM = 2.0
#: Room kept free at the end of every line (the estimate may be a little short), in em.
SLACK_EM = 1.0
#: Room the last line keeps for the dot leader (at least two dots) and a page number of up to three digits.
NUMBER_ROOM_EM = 3.5

#: What is never broken: a 文号 (津财社指【2025】142号), a short aside in brackets (（第二批）), a run
#: of Latin letters, digits and their signs (2025年 keeps its 年, 142号 its 号), the closing 绩效目标表 / 绩效目标.
_WORD = re.compile(
    r"[\u4e00-\u9fff]{0,4}[【〔\[]\d{4}[】〕\]]\d+号"
    r"|[（(][^（）()]{1,8}[）)]"
    r"|[0-9A-Za-z][0-9A-Za-z.%‰+\-/]*(?:年度|年|号|月|日|万元|元|个|项|批)?"
    r"|绩效目标表|绩效目标"
    r"|\s+"
    r"|."
)
#: Characters that never start a line (closing punctuation) or never end one (opening punctuation).
_NO_START = set("，。、；：？！）】》」』〕’”…·%‰-")
_NO_END = set("（【《「『〔‘“")


def _tokens(text: str) -> list[str]:
    """*text* as unbreakable pieces: words, punctuation kept with its neighbour."""
    out: list[str] = []
    for piece in _WORD.findall(text):
        if out and (piece[0] in _NO_START or out[-1][-1] in _NO_END):
            out[-1] += piece
        else:
            out.append(piece)
    return out


def line_em(level: int) -> float:
    """Width of a 目录 line of *level* in em of the 目录's type size."""
    width_em = OFFICIAL.text_width_mm / (TOC_PT * 25.4 / 72)
    return width_em - (LEVEL2_INDENT_EM if level == 2 else 0.0)


def toc_lines(text: str, level: int) -> list[str]:
    """*text* (a 目录 entry of *level*) broken into lines (see the module docstring)."""
    width = line_em(level) - SLACK_EM
    lines: list[list[str]] = [[]]
    for token in _tokens(text):
        line = lines[-1]
        if line and text_em("".join(line) + token.rstrip()) > width:
            lines.append([])
            token = token.lstrip()
            if not token:
                continue
        lines[-1].append(token)
    last = lines[-1]
    if len(last) > 1 and text_em("".join(last).rstrip()) > line_em(level) - NUMBER_ROOM_EM:
        # The number would not fit after the last line: its last words (two characters at least)
        # go onto a line of their own, with the leader and the number.
        moved = [last.pop()]
        while len(last) > 1 and len("".join(moved).strip()) < 2:
            moved.insert(0, last.pop())
        lines.append(moved)
    return ["".join(line).strip() for line in lines if "".join(line).strip()]


def entry_lines(entry: TocEntry) -> list[str]:
    """The lines of *entry* (:func:`toc_lines`)."""
    return toc_lines(entry.text, entry.level)
