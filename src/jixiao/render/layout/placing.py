"""Placing the header block's cells on the indicator columns (the rules at the end of :mod:`.grid`'s docstring).

A cell to place is an :class:`Item`: the width it needs and the lines it takes
at a width. :func:`group` puts cells on consecutive runs of columns, :func:`split`
cuts columns into pieces when there are more cells than columns (the 预算数 row).
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

from jixiao.render.layout.cells import CELL_EXTRA_MM, EM_MM
from jixiao.render.layout.slack import code_mm, neat_mm
from jixiao.render.layout.textwidth import break_label, longest_mm, min_label_mm, wrapped_lines


@dataclass(frozen=True)
class Item:
    """A header cell to place: the width it needs and the lines it takes at a width.

    A ``firm`` need is met first when a column is too narrow for all its cells; a ``first``
    one (the 项目编码) before any other when cells are placed on columns.
    """

    need: float
    lines: Callable[[float], int]
    firm: bool = False
    first: bool = False


def label_item(text: str) -> Item:
    return Item(min_label_mm(text), lambda w: len(break_label(text, w)[0]), firm=True)


def whole_item(text: str) -> Item:
    """Amounts: never broken (1 mm to spare for wider digits); a blank one as wide as a short amount."""
    return Item(max(longest_mm([text]) + 1.0, 3 * EM_MM + CELL_EXTRA_MM), lambda w: 1)


def code_item(text: str) -> Item:
    """The 项目编码: on one line where the columns allow, with room for clients whose digits are wider
    (:data:`.slack.CLIENTS`); broken between characters only where they do not."""
    return Item(code_mm(text), lambda w: wrapped_lines(text, w), first=True)


def name_item(text: str) -> Item:
    """The 项目名称 beside the 项目编码: no unit broken and no line of one character where the columns allow."""
    return Item(neat_mm(text), lambda w: wrapped_lines(text, w))


def running_item(text: str) -> Item:
    """Codes, names, schedule cells: broken between characters as needed."""
    return Item(CELL_EXTRA_MM + EM_MM, lambda w: wrapped_lines(text, w))


def _score(items: Sequence[Item], widths: Sequence[float]) -> tuple[float, float, int, int]:
    """(how far ``first`` cells fall short of what they need, how far the others do, most lines, all lines)."""
    short = [max(0.0, it.need - w) for it, w in zip(items, widths, strict=True)]
    lines = [it.lines(w) for it, w in zip(items, widths, strict=True)]
    first = sum(x for it, x in zip(items, short, strict=True) if it.first)
    return round(first, 3), round(sum(short) - first, 3), max(lines), sum(lines)


def _groupings(m: int, k: int) -> Iterator[tuple[int, ...]]:
    """Every way to cut *m* columns into *k* non-empty runs, as run lengths."""
    for cuts in itertools.combinations(range(1, m), k - 1):
        bounds = (0, *cuts, m)
        yield tuple(b - a for a, b in itertools.pairwise(bounds))


def group(
    items: Sequence[Item], cols: Sequence[float], tie: Callable[[list[float]], tuple[float, ...]]
) -> tuple[int, ...]:
    """Run lengths putting *items* on consecutive runs of *cols*: the best score, then *tie*."""
    best: tuple[tuple[float, ...], tuple[int, ...]] | None = None
    for runs in _groupings(len(cols), len(items)):
        widths = _run_widths(cols, runs)
        key = (*_score(items, widths), *(round(x, 3) for x in tie(widths)))
        if best is None or key < best[0]:
            best = (key, runs)
    assert best is not None
    return best[1]


def _run_widths(cols: Sequence[float], runs: Sequence[int]) -> list[float]:
    out, i = [], 0
    for r in runs:
        out.append(sum(cols[i : i + r]))
        i += r
    return out


def _share(width: float, items: Sequence[Item]) -> list[float]:
    """Cut a column of *width* into pieces for *items*: evenly when all fit, else by need.

    When even the needs do not fit, firm needs (labels) are met first.
    """
    k = len(items)
    needs = [it.need for it in items]
    if all(n <= width / k for n in needs):
        return [width / k] * k
    extra = width - sum(needs)
    if extra >= 0:
        return [n + extra / k for n in needs]
    firm = sum(it.need for it in items if it.firm)
    soft = sum(it.need for it in items if not it.firm)
    if firm < width and soft > 0:
        return [it.need if it.firm else (width - firm) * it.need / soft for it in items]
    return [width * n / sum(needs) for n in needs]


def split(items: Sequence[Item], cols: Sequence[float]) -> tuple[list[list[float]], list[float]]:
    """More *items* than *cols*: each column holds one or more items in order (its pieces).

    Chooses the columns to split so that every item gets what it needs, then
    the widest pieces, then the fewest lines. Returns the pieces of each
    column and by how much each column is too narrow for its items.
    """
    extra = len(items) - len(cols)
    best: tuple[tuple[float, float, int, int], list[list[float]], list[float]] | None = None
    for chosen in itertools.combinations_with_replacement(range(len(cols)), extra):
        counts = [1 + chosen.count(j) for j in range(len(cols))]
        pieces, widths, short, i = [], [], [], 0
        for j, c in enumerate(counts):
            part = _share(cols[j], items[i : i + c])
            pieces.append(part)
            widths += part
            short.append(max(0.0, sum(it.need for it in items[i : i + c]) - cols[j]))
            i += c
        narrowest = min(cols[j] / c for j, c in enumerate(counts) if c > 1)
        first, rest, most, lines = _score(items, widths)
        key = (first + rest, -round(narrowest, 3), most, lines)
        if best is None or key < best[0]:
            best = (key, pieces, short)
    assert best is not None
    return best[1], best[2]
