"""What recognition found in a Word document: the document as published, before any spec is written.

Texts are kept exactly as printed (each line stripped of surrounding spaces),
so that the spec written from them reproduces the document; every item
remembers where it was (``第 3 张表第 5 行``, ``第 12 段``) for the report.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from typing import Any

from jixiao.errors import JixiaoError


@dataclass(frozen=True)
class Note:
    """A place the importer could not read as it is, and what it did instead."""

    where: str
    what: str
    did: str


class ImportProblem(JixiaoError):
    """The document cannot be imported (no tables, a table without its columns …); exit code 1."""


@dataclass
class FoundRow:
    """One indicator row as printed; merged 一级/二级 cells already carried down."""

    level1: str
    level2: str
    level3: str
    description: str
    value: str
    basis: str | None
    where: str
    #: What the 2021 form adds: 指标解释 beside a 描述 column, 权重 (spec keys → printed text).
    more: dict[str, str] = field(default_factory=dict)

    def cells(self) -> tuple[str, ...]:
        """The printed cells in column order (依据 only when the table has that column)."""
        base = (self.level1, self.level2, self.level3, self.description, self.value)
        return base if self.basis is None else (*base, self.basis)


@dataclass
class FoundTable:
    """One 项目绩效目标表 as printed."""

    number: int
    where: str
    heading: str | None = None
    heading_where: str = ""
    unit_label: str | None = None
    money_unit: str | None = None
    code: str | None = None
    has_code: bool = False
    name_label: str = "项目名称"
    name: str = ""
    amounts: tuple[str, str, str] = ("", "", "")
    has_amounts: bool = False
    use: str = ""
    schedule_label: str | None = None
    schedule: list[str] | None = None
    goal: str = ""
    columns: list[str] = field(default_factory=list)
    rows: list[FoundRow] = field(default_factory=list)
    part: int = 0
    #: The header block's rows by the names a 版式's 表头 gives them (``[主管部门, 实施单位]``, ``[项目资金]``).
    header: list[list[str]] = field(default_factory=list)
    #: The 2021 form's header fields (spec keys → printed text): 政策依据, 实施期限, 财政专户管理资金 …
    fields: dict[str, str] = field(default_factory=dict)
    #: A header block in the 2021 form (项目资金 block, 主管部门, 政策依据 …): its 表头 is part of the 版式.
    form: bool = False

    @property
    def label(self) -> str:
        """How the project is named in the report: 第 N 张项目表（名称）."""
        return f"第 {self.number} 张项目表（{self.name or '未读出名称'}）"

    @property
    def show_basis(self) -> bool:
        return "指标值确定依据" in self.columns


@dataclass
class FoundItem:
    """An item of a 第一部分 section: a paragraph, or a heading with its body."""

    title: str | None = None
    text: str | None = None
    goal: str | None = None
    indicators: str | None = None


@dataclass
class FoundSection:
    """A section of 第一部分 (一、总体绩效目标 …)."""

    number: str
    title: str
    numbering: str
    items: list[FoundItem]
    inline: bool = False


@dataclass
class FoundPartOne:
    """第一部分: its title, the section numbering style and the sections."""

    title: str
    section_numbering: str
    sections: list[FoundSection]
    #: Every printed paragraph after 第一部分 (its title first), one line each.
    printed: list[str] = field(default_factory=list)


@dataclass
class FoundPart:
    """A part holding tables: its title as printed (None when the document has no part headings)."""

    title: str | None
    heading_where: str = ""
    own_page: bool = True


@dataclass
class FoundDoc:
    """The whole document as recognised."""

    title: str | None
    year: int | None
    department: str | None
    front: str
    part_one: FoundPartOne | None
    parts: list[FoundPart]
    tables: list[FoundTable]
    notes: list[Note] = field(default_factory=list)
    word_tables: int = 0
    paragraphs: int = 0
    #: Keys of 部门.yaml whose value was guessed (年度, 部门名称), with where it came from.
    guessed: dict[str, str] = field(default_factory=dict)
    #: The years the document writes, weighed (:mod:`jixiao.importer.budgetyear`); set by recognition.
    year_guess: Any = None


def norm(text: str) -> str:
    """A label for comparison: full-width forms folded (NFKC), every space removed."""
    return "".join(unicodedata.normalize("NFKC", text).split())


def clean(text: str) -> str:
    """Cell or paragraph text as printed: each line stripped, blank lines at either end dropped."""
    lines = [line.strip(" \t\u3000\xa0") for line in text.replace("\r", "\n").split("\n")]
    while lines and not lines[0]:
        lines.pop(0)
    while lines and not lines[-1]:
        lines.pop()
    return "\n".join(lines)


def one_line(text: str) -> str:
    """A label or 一级/二级 name printed on several lines (a narrow cell) as one line."""
    return "".join(line.strip(" \t\u3000\xa0") for line in text.split("\n"))


def short(text: str, n: int = 20) -> str:
    """The first *n* characters of *text* on one line, for messages."""
    flat = " ".join(text.split())
    return flat if len(flat) <= n else flat[:n] + "…"
