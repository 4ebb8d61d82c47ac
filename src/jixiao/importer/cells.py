"""Row-level readings shared by the table recogniser: repeated cells, month columns, amounts."""

from __future__ import annotations

from jixiao.importer.found import clean, norm
from jixiao.importer.labels import amount_label, is_schedule_label
from jixiao.importer.read import Cell


def distinct(row: list[Cell]) -> list[Cell]:
    """The row's cells with repeated neighbours (a merge written as repeated text) folded."""
    out: list[Cell] = []
    for cell in row:
        if out and cell.text.strip() and clean(cell.text) == clean(out[-1].text):
            continue
        out.append(cell)
    return out


def months(row: list[Cell]) -> list[tuple[str, int, int]]:
    """The month labels after the row's label cell, with the grid columns each covers (repeats folded)."""
    out: list[tuple[str, int, int]] = []
    for cell in row[1:]:
        label = norm(cell.text)
        if out and label == out[-1][0]:
            out[-1] = (label, out[-1][1], cell.col + cell.span)
        elif label:
            out.append((label, cell.col, cell.col + cell.span))
    return out


def month_values(spans: list[tuple[str, int, int]], row: list[Cell]) -> list[str]:
    """The values under the month labels (by grid column; by order when the grids do not match)."""
    cells = [c for c in row if not c.merged]
    if cells and (is_schedule_label(cells[0].text) or not clean(cells[0].text)) and len(cells) > 4:
        cells = cells[1:]
    by_column = [next((clean(c.text) for c in cells if start <= c.col < end), None) for _, start, end in spans]
    if len(spans) == 4 and all(v is not None for v in by_column):
        return [v or "" for v in by_column]
    return [clean(c.text) for c in cells]


def amounts(texts: list[str]) -> tuple[str, str, str]:
    """The amount after each label of the 预算数 row (blank when a label follows a label)."""
    found = {"budget": "", "fiscal": "", "other": ""}
    for j, text in enumerate(texts):
        key = amount_label(text)
        if key is None or j + 1 >= len(texts):
            continue
        value = texts[j + 1]
        found[key] = "" if amount_label(value) is not None else value
    return found["budget"], found["fiscal"], found["other"]
