"""Read the seed documents' text dumps (tests/fixtures/seeds) into tables.

The dumps are text exports of published Word files: a table cell is a line that
starts with a tab (continuation lines of a multi-line cell do not), rows are
separated by an empty line, and an empty tab line is a vertically merged cell.
Cell text is compared without surrounding whitespace: trailing spaces and tabs
inside Word cells are invisible in the document and carry no data.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

FIXTURES = Path(__file__).parent / "fixtures" / "seeds"
TANGSHAN = FIXTURES / "001_c5a160bc6509b21b.txt"
DONGLI = FIXTURES / "000_63fa031705d07c2a.txt"

_BOOKMARK = re.compile(r"\[bookmark: [^\]]*\]")
_TITLE = re.compile(r"^(\d+)\.(.*)绩效目标表$")


@dataclass
class SeedTable:
    """One 项目绩效目标表 as published."""

    title: str | None
    header: list[list[str]]
    columns: list[str] = field(default_factory=list)
    rows: list[list[str]] = field(default_factory=list)

    @property
    def unit_label(self) -> str | None:
        first = self.header[0]
        return first[0] if len(first) == 2 else None

    @property
    def money_unit_label(self) -> str:
        return self.header[0][-1]

    def _row(self, label: str) -> list[str] | None:
        return next((r for r in self.header if r and r[0] == label), None)

    @property
    def code(self) -> str | None:
        r = self.header[1]
        return r[1] if r[0] == "项目编码" else None

    @property
    def name_label(self) -> str:
        r = self.header[1]
        return r[2] if r[0] == "项目编码" else r[0]

    @property
    def name(self) -> str:
        r = self.header[1]
        return r[3] if r[0] == "项目编码" else r[1]

    @property
    def amounts(self) -> tuple[str, str, str]:
        r = self.header[2]
        return r[2], r[4], r[6]

    @property
    def use(self) -> str:
        return self.header[3][1]

    @property
    def schedule(self) -> list[str] | None:
        for i, r in enumerate(self.header):
            if r[0].startswith("资金支出计划"):
                return self.header[i + 1][1:5]
        return None

    @property
    def goal(self) -> str:
        return self.header[-1][1]

    def filled_rows(self) -> list[list[str]]:
        """Indicator rows with merged (blank) 一级/二级 cells carried down."""
        out: list[list[str]] = []
        last: list[str] = []
        for row in self.rows:
            full = list(row)
            for i in (0, 1):
                if not full[i] and last:
                    full[i] = last[i]
            out.append(full)
            last = full
        return out


def _cells(text: str) -> list[tuple[str, object]]:
    items: list[tuple[str, object]] = []
    cur: list[str] | None = None
    for raw in text.split("\n"):
        line = _BOOKMARK.sub("", raw)
        stripped = line.lstrip(" ")
        if stripped.startswith("\t"):
            cur = cur if cur is not None else []
            cur.append(stripped[1:])
        elif line == "":
            if cur is not None:
                items.append(("row", cur))
                cur = None
        elif cur is not None:
            cur[-1] += "\n" + line
        else:
            items.append(("para", line))
    if cur is not None:
        items.append(("row", cur))
    return items


def _clean(cell: str) -> str:
    return "\n".join(part.strip() for part in cell.strip().split("\n"))


def parse_seed(path: Path) -> list[SeedTable]:
    """Every project table of a seed dump, in document order."""
    return parse_dump(path.read_text(encoding="utf-8"))


def parse_dump(text: str) -> list[SeedTable]:
    """Every project table of a dump in the seed format (see module docstring)."""
    tables: list[SeedTable] = []
    title: str | None = None
    current: SeedTable | None = None
    for kind, value in _cells(text):
        if kind == "para":
            text = str(value).strip()
            if _TITLE.match(text):
                title = text
            continue
        cells = [_clean(c) for c in value]  # type: ignore[union-attr]
        starts_table = any(c.startswith("单位：") for c in cells) and len(cells) <= 2
        if current is None or (starts_table and current.rows):
            current = SeedTable(title=title, header=[])
            title = None
            tables.append(current)
        if not current.columns:
            if cells[0] == "一级指标":
                current.columns = cells
            else:
                current.header.append(cells)
        else:
            current.rows.append(cells)
    return tables


def part_one_text(path: Path) -> list[str]:
    """Non-empty paragraphs before the first table heading (第一部分 prose), stripped."""
    return dump_part_one(path.read_text(encoding="utf-8"))


def dump_part_one(text: str) -> list[str]:
    """Non-empty paragraphs of a dump before its first table heading, stripped."""
    out: list[str] = []
    for kind, value in _cells(text):
        text = str(value).strip()
        if kind == "row" or _TITLE.match(text):
            break
        if text:
            out.append(text)
    return out
