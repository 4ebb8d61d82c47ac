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
import itertools
import re
from collections.abc import Callable, Sequence

from jixiao.chars import JOINER, printable
from jixiao.render.layout.cells import CELL_PADDING_MM, EM_MM
from jixiao.render.layout.linebreak import per_unit_cut, protected_spans, tail_start, units
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
    """The runs of *paragraph* that break only where they must (:func:`.linebreak.units`, Latin
    words), other characters one by one, each with the width (em) of its CJK and its Latin characters."""
    out: list[str] = []
    at = 0
    for start, end in units(paragraph):
        out += _WORD.findall(paragraph[at:start])
        out.append(paragraph[start:end])
        at = end
    out += _WORD.findall(paragraph[at:])
    return tuple((word, *_split_em(word)) for word in out if word)


def code_mm(text: str) -> float:
    """Width of a cell that holds *text* (a code) on one line in every one of the :data:`CLIENTS`."""
    cjk, latin = _split_em(text)
    return max((cjk + latin * scale) * EM_MM + 2 * CELL_PADDING_MM + lost for lost, scale in CLIENTS) + 0.3


#: A unit wider than this (em) does not widen its column: it breaks where it least harms
#: (a 文号 between its issuer and its 【年份】号, :func:`.linebreak.protected_spans`).
WIDEST_UNIT_EM = 14.0


@functools.lru_cache(maxsize=4096)
def unit_mm(text: str) -> float:
    """Width of the narrowest cell that holds every unbreakable unit of *text* (a 文号 with its
    brackets, a number with its unit: :func:`.linebreak.units`) on one line in every one of the
    :data:`CLIENTS`; 0 when it has none (units wider than :data:`WIDEST_UNIT_EM` do not count)."""
    widest = 0.0
    for paragraph in _paragraphs(text):
        for start, end in units(paragraph):
            if end - start > 1 and text_em(paragraph[start:end]) <= WIDEST_UNIT_EM:
                widest = max(widest, code_mm(paragraph[start:end]))
    return widest


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


def neat_mm(text: str) -> float:
    """Width of the narrowest cell (in steps of half an em) that prints *text* (a name) with no unit
    broken and no line of one character in every one of the :data:`CLIENTS`; at most the width
    that holds its longest paragraph on one line."""
    whole = max(code_mm(p) for p in _paragraphs(text))
    width = min(max(unit_mm(text), code_mm("中")), whole)
    while width < whole and not _neat(text, width):
        width += EM_MM / 2
    return min(width, whole)


def _neat(text: str, width_mm: float) -> bool:
    for lost, latin in CLIENTS:
        room = _room(width_mm, lost)
        for paragraph in _paragraphs(text):
            lines = wrap(paragraph, room, latin)
            broken = any(c + a * latin > room for c, a in _measures(paragraph)[2])
            if len(lines) > 1 and (broken or min(len(line) for line in lines) < 2):
                return False
    return True


def forget() -> None:
    """Empty the memos of line estimates (some MB after a department's tables): a render that has made its
    HTML frees them for what follows (the workbook, the Word files) while the PDF workers run."""
    for memo in (_tokens, unit_mm, _plain_tokens, _orphans, _measures, _paragraphs):
        memo.cache_clear()


def printed(text: str, width_mm: float) -> tuple[str, ...] | None:
    """The printed lines of a running-text cell for clients that do not honour the joiner
    (LibreOffice): a line break before a protected run (a 文号, a number with its unit) that it
    would break, and before the last two characters when the last line would hold one alone.
    Only where both :data:`CLIENTS` agree on the lines before it; where they do not, every line
    ends with a line break, on lines both print (:func:`_safe_lines`). None when nothing changes.
    An amount per unit wider than the line breaks before its 「/」 in both (「≤3334元」 | 「/月」).
    """
    out: list[str] = []
    changed = False
    rooms = [(_room(width_mm, lost), latin) for lost, latin in CLIENTS]
    for paragraph in _paragraphs(text):
        pieces = [piece for chunk in _wide_cuts(paragraph, rooms) for piece in _before_runs(chunk, rooms)]
        last = pieces.pop()
        wrapped = [wrap(last, room, latin) for room, latin in rooms]
        lines = wrapped[0]
        cut = _tail_cut(last)
        if len(lines) > 1 and len(lines[-1]) == 1 and all(w == lines for w in wrapped) and cut:
            pieces += [last[:cut], last[cut:]]
        elif any(len(w) > 1 and len(w[-1]) == 1 for w in wrapped):
            pieces += _safe_lines(last, rooms)  # the clients disagree, and one leaves a character alone
        else:
            pieces.append(last)
        changed = changed or len(pieces) > 1
        # A joiner ends each piece but the last: the line break after it is jixiao's, not the text's.
        out += [piece + JOINER for piece in pieces[:-1]] + pieces[-1:]
    return tuple(out) if changed else None


def _wide_cuts(paragraph: str, rooms: list[tuple[float, float]]) -> list[str]:
    """*paragraph* cut before the 「/」 of each amount per unit wider than the line in every client
    (it must break: where it least harms; LibreOffice's width is an estimate on the wide side)."""
    cuts = [a + at for a, z in units(paragraph)
            if all(_width(paragraph[a:z], latin) > room + 1e-6 for room, latin in rooms)
            and (at := per_unit_cut(paragraph[a:z]))]
    return [paragraph[i:j] for i, j in itertools.pairwise([0, *cuts, len(paragraph)])]


def _tail_cut(paragraph: str) -> int:
    """Where the last two characters of *paragraph* begin, or the unit they end (a number with its
    unit, a bracketed group: never cut inside); 0 when that is its start."""
    cut = tail_start(paragraph)
    return next((a for a, z in units(paragraph) if a < cut < z), cut)


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
        if [b for b in plain if b < cut] != [b for b in kept if b < cut]:
            return [*pieces, *_safe_lines(rest, rooms)]  # the clients disagree before it
        if cut - max([0, *(b for b in plain if b < cut)]) < 2:
            break  # the cut would leave one character alone
        pieces.append(rest[:cut])
        rest = rest[cut:]
    return [*pieces, rest]


def _safe_lines(text: str, rooms: list[tuple[float, float]]) -> list[str]:
    """*text* on lines that every client prints as they are when each ends with a forced break: wrapped
    at the narrowest room with the widest digits; ``[text]`` when that breaks a unit or leaves a
    character alone on a line."""
    room, latin = min(r for r, _ in rooms), max(x for _, x in rooms)
    lines = wrap(text, room, latin)
    if len(lines) < 2 or min(len(line) for line in lines) < 2 or any(c + a * latin > room for c, a in _measures(text)[2]):
        return [text]
    return lines


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
