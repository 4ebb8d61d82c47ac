"""Years written in texts: for ``jixiao rollover``'s checklist and a check rule on leftover years.

A *year mention* is a year written as one: 「2025年」, a date (2025.12.31,
2025-12-31, 2025年12月31日), a 文号 year (〔2025〕, 【2025】) or the start of a range
(2021—2025). A four-digit number that is none of these (≥2000人) is not a year.

:func:`spec_years` scans the YAML files of a spec folder (for the checklist: where
to edit); :func:`document_years` scans the printed texts of an expanded document
(for a check rule: which years are neither the document's year nor kept).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jixiao.model.document import Document, ProjectTable, SourceRef
from jixiao.spec.yamlio import Loaded, NodePath

_YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})(?!\d)")
_DATE_AFTER = re.compile(r"(?:[.\-/]\d{1,2}[.\-/]\d{1,2}(?!\d)|\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日)")
_DOC_NUMBER = re.compile(r"[〔【\[(（]$")
_DOC_NUMBER_END = re.compile(r"^[〕】\])）]")
_RANGE_AFTER = re.compile(r"^\s*年?\s*[—–\-～~至到]\s*(?:19|20)\d{2}")
#: Years that tell history or a version, not the budget year: 2018年以来, 2023年版, 2021年起.
_HISTORY_AFTER = re.compile(r"^\s*年?(?:以来|起|至今|开始|版)")
_BOOK = re.compile(r"《[^《》]*》")

#: Kinds of mention, as the checklist names them.
KINDS = {"date": "日期", "year": "年份", "docno": "文号", "range": "起始年份", "history": "年份（以来、版）", "book": "《》中的名称"}


@dataclass(frozen=True)
class Mention:
    """One year written in a text: the year, what kind of mention, and a short excerpt."""

    year: int
    kind: str
    start: int
    excerpt: str


def mentions(text: str) -> list[Mention]:
    """Every year mention in *text*, in order."""
    books = [(m.start(), m.end()) for m in _BOOK.finditer(text)]
    out: list[Mention] = []
    for m in _YEAR.finditer(text):
        before, after = text[: m.start()], text[m.end():]
        if _DATE_AFTER.match(after):
            kind = "date"
        elif _DOC_NUMBER.search(before) and _DOC_NUMBER_END.match(after):
            kind = "docno"
        elif _RANGE_AFTER.match(after):
            kind = "range"
        elif _HISTORY_AFTER.match(after):
            kind = "history"
        elif after.lstrip().startswith("年"):
            kind = "year"
        else:
            continue
        if any(a <= m.start() < b for a, b in books):
            kind = "book"
        excerpt = text[max(0, m.start() - 8): m.end() + 8].replace("\n", " ")
        out.append(Mention(int(m.group(1)), kind, m.start(), excerpt))
    return out


_FUND = re.compile(r"资金|补助|债券")
_GRANTED = re.compile(r"财政|下达|第[一二三四五六七八九十\d]+批|结转")
_CLAUSE_END = re.compile(r"[，。；：、,;:\n（）()]")


def names_fund(text: str, m: Mention) -> bool:
    """Is the year *m* part of a fund's name (「提前下达2024年医疗救助补助资金」「2024年中央财政…资金」)?

    Funds granted by a higher level are named after the year they were granted; the name stays
    when the year moves on. 「安排2025年市属离休干部专项资金」 is not such a name: it says which
    year's money this is.
    """
    clause = _CLAUSE_END.split(text[m.start + 4:], maxsplit=1)[0][:40]
    before = text[max(0, m.start - 6): m.start]
    return bool(_FUND.search(clause)) and bool(_GRANTED.search(before + clause))


def to_update(m: Mention, text: str) -> bool:
    """Should a person look at this year when the spec moves to a new year?

    Not: years of 文号 and of names in 《》 (citations stay as issued), the start of a range,
    「2018年以来」, and fund names (a fund keeps its name).
    """
    return m.kind in ("year", "date") and not names_fund(text, m)


@dataclass(frozen=True)
class SpecYear:
    """A year mention in a spec file: file (relative to the spec folder), line, column, field."""

    path: str
    line: int
    col: int
    field: str
    mention: Mention


#: Keys whose values are not texts a person writes about a year (codes, settings moved by rollover,
#: a preset's 说明, which is never printed).
SKIPPED_KEYS = frozenset({"年度", "项目编码", "单位编码", "$schema", "检查", "说明"})
_ROW_COLUMNS = ("二级", "三级", "描述", "值", "依据")


def field_name(path: NodePath) -> str:
    """What a node is, for a person: its key, or the column of a list-written indicator row."""
    keys = [p for p in path if isinstance(p, str)]
    if len(path) >= 3 and path[-3] == "绩效指标" and isinstance(path[-1], int) and path[-1] < len(_ROW_COLUMNS):
        return _ROW_COLUMNS[path[-1]]
    return keys[-1] if keys else "文字"


def spec_years(
    loaded: Loaded, rel: str, skip: set[NodePath] | frozenset[NodePath] = frozenset(), *, only_to_update: bool = False
) -> Iterator[SpecYear]:
    """Year mentions in the texts of one YAML file (but not at *skip*), located as precisely as the source allows.

    With *only_to_update*, only those a person must look at in a new year (:func:`to_update`).
    """
    for path, text in _strings(loaded.data, ()):
        if path in skip or any(k in SKIPPED_KEYS for k in path if isinstance(k, str)):
            continue
        found = [m for m in mentions(text) if not only_to_update or to_update(m, text)]
        if not found:
            continue
        line, col = loaded.pos.of(path)
        for m in found:
            yield SpecYear(rel, *_locate(loaded.lines, line, col, text, m), field_name(path), m)


def _strings(data: Any, path: NodePath) -> Iterator[tuple[NodePath, str]]:
    if isinstance(data, dict):
        for k, v in data.items():
            yield from _strings(v, (*path, k))
    elif isinstance(data, list):
        for i, v in enumerate(data):
            yield from _strings(v, (*path, i))
    elif isinstance(data, str):
        yield path, data


def _locate(lines: list[str], line: int, col: int, text: str, m: Mention) -> tuple[int, int]:
    """Line and column of mention *m* of *text*, whose node starts at (*line*, *col*)."""
    token = text[m.start: m.start + 4]
    skip = text[: m.start].count(token)  # earlier occurrences of the same year in this text
    for number in range(line, min(len(lines), line + 500) + 1):
        source = lines[number - 1]
        pos = source.find(token, col - 1 if number == line else 0)
        while pos >= 0:
            if skip == 0:
                return number, pos + 1
            skip -= 1
            pos = source.find(token, pos + 1)
    return line, col


@dataclass(frozen=True)
class DocumentYear:
    """A year mention in a printed text of the document, where that text is written."""

    label: str
    source: SourceRef
    table: ProjectTable | None
    mention: Mention
    #: The whole text the year is in.
    text: str = ""


def document_years(doc: Document) -> Iterator[DocumentYear]:
    """Year mentions in every printed text: 第一部分, and each table's header and rows."""
    from jixiao.checks.fields import document_texts  # the one walker over the document's texts

    for text in document_texts(doc):
        for m in mentions(text.text):
            yield DocumentYear(text.label, text.source, text.table, m, text.text)


def leftover_years(doc: Document, kept: frozenset[int] = frozenset()) -> list[DocumentYear]:
    """Years in printed texts that are neither the document's 年度 nor kept.

    Not counted (they are not the budget year, so they are kept by what they are):
    文号 years, names in 《》, the first year of a range, 「2018年以来」「2023年版」, fund names,
    the table's own 项目名称 and 标题 and years its 项目名称 carries (a carried-over fund).
    Dates in an indicator value are the date check's (日期不在本预算年度).
    """
    out = []
    for found in document_years(doc):
        m = found.mention
        if m.year == doc.year or m.year in kept or m.kind in ("docno", "book", "range", "history"):
            continue
        if names_fund(found.text, m):
            continue
        if found.table is not None and (
            found.label in ("项目名称", "标题") or str(m.year) in found.table.name
            or (found.label == "指标值" and m.kind == "date")
        ):
            continue
        out.append(found)
    return out


def relative(root: Path, path: Path) -> str:
    """*path* relative to the spec folder *root*, with forward slashes."""
    return path.relative_to(root).as_posix()
