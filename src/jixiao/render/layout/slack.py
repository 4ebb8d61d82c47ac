"""Column widths that leave no character alone on the last line of a cell (step 3b of :mod:`.grid`).

After the free width is handed out where it saves the most lines, a column
whose width makes cells end one character short (「正常开/展」, 「满意/度」)
gives or takes a little width from another free column, as long as the table
prints no more lines: the cells' last lines then hold two characters or more,
or none wrap at all. The lines are estimated as the clients print them
(:func:`wrap`): CJK characters break anywhere, a run of Latin letters and
digits only where it must, and closing punctuation never starts a line.
The renderers also join the last two characters of every cell
(:mod:`.linebreak`); the widths are what makes that hold in clients that do
not honour the joiner (LibreOffice).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Sequence

from jixiao.chars import JOINER, printable
from jixiao.render.layout.cells import CELL_PADDING_MM, EM_MM
from jixiao.render.layout.linebreak import PROTECTED, protected_spans, tail_start
from jixiao.render.layout.textwidth import char_em, text_em

#: A run that breaks only where it must: Latin letters, digits and what joins them.
_WORD = re.compile(r"[0-9A-Za-z][0-9A-Za-z.%\-_/]*|.", re.DOTALL)
#: Characters that never start a line (they stay with the character before them).
_CLOSING = frozenset("，。、；：？！）》」』】〕］”’%％‰.,;:?!)]}")

#: Characters that never end a line.
_OPENING = frozenset("（《【〔「『“‘([{")

#: How far (mm) width moves between two columns, in steps.
_STEPS = (*(round(0.25 * k, 2) for k in range(1, 17)), 5.0, 6.0, 7.0, 8.0)
_ROUNDS = 12


#: How the clients print a cell: (what the text loses besides the padding (mm), how much wider
#: Latin letters and digits are than jixiao measures them). WeasyPrint with the fonts jixiao
#: measures (rules and some slack), and LibreOffice with its own fallback (its digits are
#: about 15 % wider). A line that fits one and not the other may go either way.
CLIENTS = ((0.45, 1.0), (0.0, 1.15))


def _room(width_mm: float, lost_mm: float) -> float:
    return (width_mm - 2 * CELL_PADDING_MM - lost_mm) / EM_MM


@functools.lru_cache(maxsize=4096)
def _tokens(paragraph: str) -> tuple[tuple[str, float, float], ...]:
    """The runs of *paragraph* that break only where they must (:data:`.linebreak.PROTECTED`, Latin
    words), other characters one by one, each with the width (em) of its CJK and its Latin characters."""
    out: list[str] = []
    at = 0
    for m in PROTECTED.finditer(paragraph):
        out += _WORD.findall(paragraph[at : m.start()])
        out.append(m.group())
        at = m.end()
    out += _WORD.findall(paragraph[at:])
    return tuple((word, *_split_em(word)) for word in out if word)


def code_mm(text: str) -> float:
    """Width of a cell that holds *text* (a code) on one line in every one of the :data:`CLIENTS`."""
    cjk, latin = _split_em(text)
    return max((cjk + latin * scale) * EM_MM + 2 * CELL_PADDING_MM + lost for lost, scale in CLIENTS) + 0.3


@functools.lru_cache(maxsize=4096)
def _plain_tokens(paragraph: str) -> tuple[tuple[str, float, float], ...]:
    """The runs of *paragraph* as a client that ignores the joiners sees them (Latin words only)."""
    return tuple((word, *_split_em(word)) for word in _WORD.findall(paragraph))


def _split_em(text: str) -> tuple[float, float]:
    latin = sum(char_em(ch) for ch in text if ch.isascii())
    return text_em(text) - latin, latin


def wrap(paragraph: str, room_em: float, latin: float = 1.0, *, joined: bool = True) -> list[str]:
    """The printed lines of one paragraph on lines *room_em* wide (Latin characters *latin* times
    as wide as measured), estimated; *joined*: by a client that keeps protected runs whole."""
    room = max(room_em, 1.0) + 1e-6
    lines: list[str] = [""]
    used = 0.0
    for word, cjk, ascii_em in _tokens(paragraph) if joined else _plain_tokens(paragraph):
        w = cjk + ascii_em * latin
        if used + w <= room:
            lines[-1] += word
            used += w
        elif word in _CLOSING and len(lines[-1]) > 1:  # kinsoku: the character before comes along
            moved = lines[-1][-1] + word
            lines[-1] = lines[-1][:-1]
            lines.append(moved)
            used = _width(moved, latin)
        elif w <= room:
            lines.append(word)
            used = w
        else:  # a run longer than the line breaks between its characters (a defect: counted)
            for ch in word:
                if used + _width(ch, latin) > room and lines[-1]:
                    lines.append("")
                    used = 0.0
                lines[-1] += ch
                used += _width(ch, latin)
    return lines


def _width(text: str, latin: float) -> float:
    cjk, ascii_em = _split_em(text)
    return cjk + ascii_em * latin


def orphans(text: str, width_mm: float) -> int:
    """Paragraphs of *text* whose last printed line may hold one character alone, and its
    unbreakable runs (a 文号, a code, a number with its unit) that may not fit a line, in a
    cell *width_mm* wide (as any of the :data:`CLIENTS` prints it; a broken run counts twice)."""
    return _orphans(text, round(width_mm, 2))


@functools.lru_cache(maxsize=65536)
def _orphans(text: str, width_mm: float) -> int:
    count = 0
    for lost, latin in CLIENTS:
        room = _room(width_mm, lost) + 1e-6
        for paragraph in _paragraphs(text):
            cjk, ascii_em, runs = _measures(paragraph)
            if cjk + ascii_em * latin <= room:
                continue
            lines = wrap(paragraph, room, latin)
            count += len(lines) > 1 and len(lines[-1]) == 1
            count += 2 * sum(c + a * latin > room for c, a in runs)
    return count


@functools.lru_cache(maxsize=4096)
def _measures(paragraph: str) -> tuple[float, float, tuple[tuple[float, float], ...]]:
    """The CJK and Latin width (em) of *paragraph*, and those of its unbreakable runs."""
    tokens = _tokens(paragraph)
    runs = tuple((c, a) for word, c, a in tokens if len(word) > 1)
    return sum(c for _, c, _ in tokens), sum(a for _, _, a in tokens), runs


@functools.lru_cache(maxsize=4096)
def _paragraphs(text: str) -> tuple[str, ...]:
    return tuple(printable(text).split("\n"))


def forget() -> None:
    """Empty the memos of line estimates (some MB after a department's tables): a render that has made its
    HTML frees them for what follows (the workbook, the Word files) while the PDF workers run."""
    for memo in (_tokens, _plain_tokens, _orphans, _measures, _paragraphs):
        memo.cache_clear()


def printed(text: str, width_mm: float) -> tuple[str, ...] | None:
    """The printed lines of a running-text cell for clients that do not honour the joiner
    (LibreOffice): a line break before a protected run (a 文号, a number with its unit) that it
    would break, and before the last two characters when the last line would hold one alone.
    Only where both :data:`CLIENTS` agree on the lines before it; None when nothing changes.
    """
    out: list[str] = []
    changed = False
    rooms = [(_room(width_mm, lost), latin) for lost, latin in CLIENTS]
    for paragraph in _paragraphs(text):
        pieces = _before_runs(paragraph, rooms)
        last = pieces.pop()
        wrapped = [wrap(last, room, latin) for room, latin in rooms]
        lines = wrapped[0]
        if len(lines) > 1 and len(lines[-1]) == 1 and all(w == lines for w in wrapped):
            cut = tail_start(last)
            pieces += [last[:cut], last[cut:]]
        else:
            pieces.append(last)
        changed = changed or len(pieces) > 1
        # A joiner ends each piece but the last: the line break after it is jixiao's, not the text's.
        out += [piece + JOINER for piece in pieces[:-1]] + pieces[-1:]
    return tuple(out) if changed else None


def _boundaries(lines: list[str]) -> list[int]:
    out, at = [], 0
    for line in lines[:-1]:
        at += len(line)
        out.append(at)
    return out


def _cut_before(text: str, start: int, end: int, room: float, latin: float) -> int:
    """Where to break before the run *text[start:end]* so that its line holds it: an opening
    bracket before it comes along, closing punctuation after it stays; when that is too wide,
    before the 【年份】 of a 文号. 0 when nowhere."""
    while end < len(text) and text[end] in _CLOSING:
        end += 1
    bracket = next((i for i in range(start + 1, end) if text[i] in "〔【[［"), None)
    for cut in (start, bracket):
        if cut is None:
            continue
        while cut and text[cut - 1] in _OPENING:  # an opening bracket goes with what it opens
            cut -= 1
        if cut and _width(text[cut:end], latin) <= room:
            return cut
    return 0


def _before_runs(paragraph: str, rooms: list[tuple[float, float]]) -> list[str]:
    """*paragraph* cut before each protected run a client ignoring the joiners would break."""
    pieces: list[str] = []
    rest = paragraph
    for _ in range(50):
        (room, latin), (plain_room, plain_latin) = rooms[0], rooms[-1]
        plain = _boundaries(wrap(rest, plain_room, plain_latin, joined=False))
        # The runs the joiners keep whole in a line this wide (a 文号 perhaps only its 【年份】号 part).
        tail = (tail_start(rest), len(rest))
        spans = [(a, z) for a, z in protected_spans(rest, plain_room)
                 if (a, z) != tail and _width(rest[a:z], plain_latin) <= plain_room]
        found = next(((s, e) for b in plain for s, e in spans if s < b < e), None)
        if found is None:
            break
        cut = _cut_before(rest, *found, plain_room, plain_latin)
        if not cut:
            break
        kept = _boundaries(wrap(rest, room, latin))
        if [b for b in plain if b < cut] != [b for b in kept if b < cut] or cut - max([0, *(b for b in plain if b < cut)]) < 2:
            break  # the clients disagree before it, or the cut would leave one character alone
        pieces.append(rest[:cut])
        rest = rest[cut:]
    return [*pieces, rest]


#: A cell: its text and the width it has besides its column's (the code cell spans 二级 + 三级).
Text = tuple[str, float]


def settle(
    widths: list[float], texts: dict[int, list[Text]], free: Sequence[int], floors: Sequence[float],
    height: Callable[[list[float]], int],
) -> list[float]:
    """*widths* with width moved between *free* columns while that leaves fewer orphans and *height* does not grow."""
    cache: dict[tuple[int, float], int] = {}

    def column(c: int, width: float) -> int:
        key = (c, round(width, 3))
        if key not in cache:
            cache[key] = sum(orphans(text, width + beside) for text, beside in texts.get(c, []))
        return cache[key]

    now = (height(widths), sum(column(c, widths[c]) for c in free))
    if now[1] == 0:
        return widths
    for _ in range(_ROUNDS):
        best: tuple[tuple[int, int, float], list[float]] | None = None
        for c in free:
            for o in free:
                if o == c or column(c, widths[c]) + column(o, widths[o]) == 0:
                    continue  # moving width between them cannot help
                for step in _STEPS:
                    if widths[o] - step < floors[o] - 1e-9:
                        break
                    fewer = (now[1] - column(c, widths[c]) - column(o, widths[o])
                             + column(c, widths[c] + step) + column(o, widths[o] - step))
                    if fewer >= now[1] or (best is not None and (now[0], fewer, step) > best[0]):
                        continue
                    ws = list(widths)
                    ws[c] += step
                    ws[o] -= step
                    lines = height(ws)
                    key = (lines, fewer, step)
                    if lines <= now[0] and (best is None or key < best[0]):
                        best = (key, ws)
        if best is None:
            break
        widths = best[1]
        now = best[0][:2]
        if now[1] == 0:
            break
    return widths
