"""A rendered table as text lines, one per cell prefixed with its row: shared by the .docx and .pdf readers of textconv."""

from __future__ import annotations

import re

#: Row-label columns of an indicator table: the row is named by them.
KEY_COLUMNS = ("一级指标", "二级指标", "三级指标")
#: Labels inside a row of the header block: the cells after one belong to it (项目编码 1302… 项目名称 办公费).
HEADER_LABELS = frozenset({"项目编码", "项目名称", "专项资金名称", "预算数", "其中：财政资金", "财政资金", "其他资金"})
PAGE_NUMBER = re.compile(r"^[—–-]\s*\d+\s*[—–-]$")
_BREAK = re.compile(r"[ \t]*\n[ \t]*")
_ASCII_WORD = re.compile(r"[A-Za-z0-9]")


def one_line(text: str) -> str:
    """A cell's text on one line: line breaks joined (with a space between two Latin words)."""
    parts = _BREAK.split(text.strip())
    out = parts[0]
    for part in parts[1:]:
        joiner = " " if out and part and _ASCII_WORD.match(out[-1]) and _ASCII_WORD.match(part[0]) else ""
        out += joiner + part
    return out


def table_lines(rows: list[list[str | None]]) -> list[str]:
    """One line per cell, prefixed with its row; None is a merged cell (its text is above or to the left).

    A row is named by its first cell (merged cells take the text above); rows
    under a header row ``一级指标 二级指标 三级指标 …`` are named by those three
    columns and each cell is labelled with its column.
    """
    out: list[str] = []
    header: list[str | None] | None = None
    above: list[str] = []
    for raw in rows:
        cells = [one_line(c) if c is not None else None for c in raw]
        if cells and cells[0] == KEY_COLUMNS[0]:
            header = cells
            above = []
            out.append("｜".join(c for c in cells if c))
            continue
        keys = [i for i, h in enumerate(header or []) if h in KEY_COLUMNS] if header else [0]
        filled = list(above) + [""] * max(0, len(cells) - len(above))
        for i in keys:
            if i < len(cells) and cells[i] is not None:
                filled[i] = cells[i] or ""
                for j in keys:
                    if j > i:
                        filled[j] = ""  # a new 一级 starts its 二级 afresh
        above = filled
        name = "／".join(filled[i] for i in keys if i < len(filled) and filled[i])
        rest = [(i, c) for i, c in enumerate(cells) if c is not None and i not in keys and c]
        if not rest:
            out.append(name)
            continue
        for i, text in rest:
            if header is None and text in HEADER_LABELS:
                name = text
                continue
            label = header[i] if header and i < len(header) and header[i] else None
            out.append(f"{name} ｜ {label}：{text}" if label else f"{name} ｜ {text}")
    return out
