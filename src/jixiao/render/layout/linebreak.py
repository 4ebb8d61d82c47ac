"""Where printed text may break: never inside a 文号, a code or a number with its unit, never one character alone.

Both renderers leave line breaking to their clients (WeasyPrint for the PDF,
Word, WPS or LibreOffice for the docx), whose fonts and widths jixiao cannot
know exactly. So instead of breaking lines itself, jixiao marks where a line
must NOT break, with U+2060 WORD JOINER between two characters: the Unicode
line-breaking algorithm (UAX #14, rule LB11) forbids a break on either side of
it, Pango honours it, and it prints nothing (LibreOffice does not: the Word file
keeps fewer, :func:`office`). Joined are:

* a 文号 (津财社指【2025】142号, 定政办字[2016]13号, 冀财预〔2021〕101号);
* a code: a run of at least 6 letters and digits with at least 4 digits (项目编码);
* a number with its sign and unit (≤450万元, 95%, 12个月, 10000人次, 2025年);
* a short bracketed group (（第二批）);
* the last two characters of each paragraph (closing punctuation counted with
  the character before it), so that a last line never holds one character;
* for a title (:func:`balanced`), the second half of a title that needs two
  lines, so that it breaks into two lines of similar length.

Columns are made wide enough for the widest such run in them, with its brackets
(:func:`units`, :func:`.slack.unit_mm`). A run longer than the line is still broken
where it must be: a 文号 between its issuer and its 【年份】号 (the least harm: year
and number stay together), anything else where the style sheet lets cells break
when a word would overflow (``overflow-wrap``); Word and LibreOffice break an
over-long run by themselves.
"""

from __future__ import annotations

import re

from jixiao.chars import JOINER, unjoined
from jixiao.render.layout.cells import CELL_PADDING_MM, EM_MM
from jixiao.render.layout.textwidth import text_em

_CJK = r"\u3400-\u9fff"
#: A 文号: its issuer (2 to 4 characters, not starting with a word that introduces it: 依据, 按照 …),
#: the year in brackets and the number.
_WENHAO = rf"(?:(?![依根据按照对经见与和及为由在])[{_CJK}]){{2,4}}[〔【\[［(（]\d{{4}}[〕】\]］)）]\d+号"
_CODE = r"(?=(?:[A-Za-z]*\d){4})[0-9A-Za-z][0-9A-Za-z_\-.]{5,}"
_UNIT = (
    "万元|亿元|千元|元|万人次|人次|万人|人|个月|个|万户|户|家|项|件|份|册|套|台|辆|平方米|立方米|米|公里|千米|"
    "万吨|吨|张|本|场|期|批|所|间|篇|条|门|名|座|床|次|天|日|年|月|周|小时|分钟|岁|倍|页|%|％|‰|万|亿"
)
_DATE = r"\d{4}年\d{1,2}月(?:\d{1,2}日)?"
_NUMBER = (rf"[≤≥<>＜＞≦≧±＋+\-－约]?\d+(?:[.,，]\d+)*(?:{_UNIT})?"
           rf"(?:[/／](?:{_UNIT}|平方米|小时|人)(?:[.·・／/](?:{_UNIT}))?)?")  # 元/人.年, 元/人·次
_GROUP = r"[（(][^（）()\n]{1,6}[）)]"
_WENHAO_RE = re.compile(_WENHAO)
_NUMBER_RE = re.compile(_NUMBER)
_BRACKET = re.compile(r"[〔【\[［(（]")
PROTECTED = re.compile("|".join(f"(?:{p})" for p in (_WENHAO, _CODE, _GROUP, _DATE, _NUMBER)))

#: Punctuation that never starts a line: it stays with the character before it.
_CLOSING = set("，。、；：？！）》」』】〕］”’%％‰.,;:?!)]}…—")
#: Punctuation that never ends a line: it stays with the character after it.
_OPENS = set("（《【〔［「『“‘([{")


def joined(text: str) -> str:
    """*text* with a :data:`JOINER` between every two of its characters (it never breaks)."""
    return JOINER.join(text)


def tail_start(line: str) -> int:
    """Where the last two characters of *line* begin, closing punctuation counted with the one before it."""
    i = len(line)
    for _ in range(2):
        i -= 1
        while i > 0 and line[i] in _CLOSING:
            i -= 1
    return max(i, 0)


def _latin(ch: str) -> bool:
    """Letters and digits: no client breaks between two of them unless it must (no joiner needed)."""
    return ch.isascii() and (ch.isalnum() or ch in ".,")


def _glue(line: str, spans: list[tuple[int, int]]) -> str:
    """*line* with joiners inside each of *spans* (start, end)."""
    if not spans:
        return line
    keep = [False] * len(line)  # keep[i]: no break between line[i-1] and line[i]
    for start, end in spans:
        for i in range(start + 1, end):
            keep[i] = True
    out = []
    for i, ch in enumerate(line):
        if keep[i] and not line[i - 1].isspace() and not ch.isspace() and not (_latin(line[i - 1]) and _latin(ch)):
            out.append(JOINER)
        out.append(ch)
    return "".join(out)


def _with_brackets(line: str, start: int, end: int) -> float:
    """Width of line[start:end] with the opening bracket before it and closing punctuation after it
    (they never stand alone at a line's end or start)."""
    while start and line[start - 1] in _OPENS:
        start -= 1
    while end < len(line) and line[end] in _CLOSING:
        end += 1
    return text_em(line[start:end])


def units(line: str) -> list[tuple[int, int]]:
    """The spans of *line* that no line break may cut: each protected run (:data:`PROTECTED`) with the
    opening bracket before it and the closing punctuation after it (they never stand alone at a
    line's end or start), overlapping ones merged; 「（冀政发【2016】20号）」 is one unit."""
    out: list[tuple[int, int]] = []
    for m in PROTECTED.finditer(line):
        start, end = m.span()
        while start and line[start - 1] in _OPENS:
            start -= 1
        while end < len(line) and line[end] in _CLOSING:
            end += 1
        if out and start <= out[-1][1]:
            out[-1] = (out[-1][0], max(end, out[-1][1]))
        else:
            out.append((start, end))
    return out


def _least_bad(run: str) -> int | None:
    """Where a run too wide for its line may break: a 文号 between its issuer and its 【年份】号 (the
    year and the number stay together), a number with a unit per unit before the 「/」
    (「≤3334元」 | 「/月」: the number keeps its unit); None: anywhere (a code)."""
    if _WENHAO_RE.fullmatch(run):
        bracket = _BRACKET.search(run)
        return bracket.start() if bracket else None
    return per_unit_cut(run)


def per_unit_cut(run: str) -> int | None:
    """Where the 「/」 of an amount per unit is (「≤3334元/月」: 6), or None. A client breaks after a
    「/」, not before it: the break before it is a forced one (:func:`.slack.printed`)."""
    slash = next((i for i, ch in enumerate(run) if ch in "/／"), None)
    return slash if slash and _NUMBER_RE.fullmatch(run) else None


def protected_spans(line: str, room_em: float | None = None) -> list[tuple[int, int]]:
    """The spans of *line* that must not break, the last two characters last (when it has more than
    two); with *room_em*, a run wider than a line keeps only what fits (a 文号 its 【年份】号 part)
    and a wider one is left to break."""
    spans = []
    for m in PROTECTED.finditer(line):
        start, end = m.span()
        parts = [(start, end)]
        if room_em is not None and _with_brackets(line, start, end) > room_em:
            # Too wide: it breaks where it least harms (:func:`_least_bad`), or anywhere.
            at = _least_bad(m.group())
            parts = [(start, start + at), (start + at, end)] if at else []
        spans += [(a, z) for a, z in parts if z - a > 1 and (room_em is None or _with_brackets(line, a, z) <= room_em)]
    if len(line.strip()) > 2:
        spans.append((tail_start(line), len(line)))
    return spans


def protect(text: str, room_em: float | None = None) -> str:
    """*text* with joiners where it must not break (see the module docstring), paragraph by paragraph;
    *room_em*: the width of its lines, when known (a cell's: :func:`cell_room_em`)."""
    return "\n".join(_glue(line, protected_spans(line, room_em)) for line in unjoined(text).split("\n"))


def _ideograph(ch: str) -> bool:
    return not ch.isascii() and ch.isalnum()


def office(text: str) -> str:
    """*text* from :func:`protect` for the Word file: only the joiners between two CJK characters kept.

    LibreOffice breaks Chinese text anywhere but before closing and after opening punctuation,
    and it takes a joiner for a character like any other: it ignores the joiners between two CJK
    characters, and a line may end at a joiner next to a digit or a bracket, where without it the
    line could not break (「合格率（/%）」, 「20/元」). Word honours the joiners; both honour their
    punctuation rules (kinsoku) and jixiao's forced line breaks (:func:`.slack.printed`), which
    keep numbers with their units and 文号 whole in both.
    """
    out = []
    for i, ch in enumerate(text):
        if ch == JOINER and not (0 < i < len(text) - 1 and _ideograph(text[i - 1]) and _ideograph(text[i + 1])):
            continue
        out.append(ch)
    return "".join(out)


def cell_room_em(width_mm: float) -> float:
    """The width (em) of the text of a table cell *width_mm* wide, with a little to spare."""
    return (width_mm - 2 * CELL_PADDING_MM - 0.45) / EM_MM


#: Where a title breaks well, best first: after punctuation and conjunctions (or before an opening
#: bracket), then after a year or a place (2025年 | 天津市 | 东丽区); anywhere else only when neither
#: gives two lines within :data:`_UNEVEN` of each other.
_BOUNDARIES = (set("、，：；-－—与和及）】〕"), set("年的市区县省"))
_OPENING = set("（【〔")
_UNEVEN = 0.35


def _boundary_rank(line: str, i: int) -> int:
    """0: a strong word boundary before line[i], 1: a weak one, 2: none."""
    if line[i - 1] in _BOUNDARIES[0] or line[i] in _OPENING:
        return 0
    return 1 if line[i - 1] in _BOUNDARIES[1] else 2


def _balance_point(line: str, spans: list[tuple[int, int]], room_em: float) -> int | None:
    """Where a title line that needs two lines should break to make them about equally long."""
    total = text_em(line)
    if total <= room_em or total > 2 * room_em:
        return None
    ems = [0.0]
    for ch in line:
        ems.append(ems[-1] + text_em(ch))
    inside = {i for s, e in spans for i in range(s + 1, e)}
    best: dict[int, tuple[float, int]] = {}
    for i in range(1, len(line)):
        head, tail = ems[i], total - ems[i]
        if i in inside or head > room_em * 0.97 or tail > room_em * 0.97:
            continue
        rank, uneven = _boundary_rank(line, i), abs(head - tail)
        for r in range(rank, 3):  # a strong boundary is also a weak one, and a place
            if r not in best or uneven < best[r][0]:
                best[r] = (uneven, i)
    for rank in range(3):
        if rank in best and (rank == 2 or best[rank][0] <= _UNEVEN * total):
            return best[rank][1]
    return None


def balanced(text: str, room_em: float) -> str:
    """A title: :func:`protect`, and a title that needs two lines of *room_em* broken into two of similar length.

    The break is not forced: the second line's characters are joined, so the
    client can only break before it (or not at all, if its line is wider
    than jixiao measured).
    """
    out = []
    for line in unjoined(text).split("\n"):
        spans = protected_spans(line)
        point = _balance_point(line, spans, room_em)
        if point is not None:
            spans.append((point, len(line)))
        out.append(_glue(line, spans))
    return "\n".join(out)


def title_lines(text: str, room_em: float) -> list[str]:
    """The lines of a title as :func:`balanced` would have them break (written line breaks kept)."""
    out = []
    for line in unjoined(text).split("\n"):
        point = _balance_point(line, protected_spans(line), room_em)
        out += [line] if point is None else [line[:point], line[point:]]
    return out
