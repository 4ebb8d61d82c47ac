"""The limits of a spec (:mod:`jixiao.limits`), checked on the document before a spec is written.

``jixiao import`` writes a spec even when the document has slips the spec
cannot print (they are the author's to fix), but never one that goes over a
limit: ``jixiao validate`` would refuse it, and it would not be a spec anyone
can work with. So each limit is checked as early as the document allows —
the number of Word tables before they are read, the number of project tables,
rows per table, characters per printed text and in the whole document,
amounts and the digits of indicator values once they are recognised, and the
size of each YAML file before the folder is put in place — and stops the
import with a message saying which limit and what to do.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal, InvalidOperation
from pathlib import Path

from jixiao import limits
from jixiao.errors import Diagnostic
from jixiao.importer.found import FoundDoc, FoundTable, ImportProblem, short
from jixiao.model.values import too_many_digits
from jixiao.spec.yamlio import load_yaml

_NOT_WRITTEN = "没有写入任何文件。"
_SPLIT = "请把文档拆成几份（例如按单位或按部分）分别导入。"


def check_word_tables(count: int, name: str) -> None:
    """Refuse a document with far more Word tables than a spec can hold (before reading them)."""
    if count > limits.MAX_IMPORT_WORD_TABLES:
        raise ImportProblem(
            f"{name} 有 {count} 个 Word 表格，超过导入的上限 {limits.MAX_IMPORT_WORD_TABLES} 个"
            f"（一份规格最多 {limits.MAX_PROJECTS} 个项目）。{_SPLIT}{_NOT_WRITTEN}"
        )


def check_found(found: FoundDoc, name: str) -> None:
    """Refuse a recognised document that would make a spec over a limit."""
    if len(found.tables) > limits.MAX_PROJECTS:
        raise ImportProblem(
            f"{name} 有 {len(found.tables)} 张项目绩效目标表，超过一份规格 {limits.MAX_PROJECTS} 个项目的上限。"
            f"{_SPLIT}{_NOT_WRITTEN}"
        )
    total = 0
    for where, text in _texts(found):
        total += len(text)
        if len(text) > limits.MAX_CELL_CHARS:
            raise ImportProblem(
                f"{where}「{short(text)}」有 {len(text)} 个字，超过每格（每段）{limits.MAX_CELL_CHARS} 字的上限。"
                f"请在 Word 中精简或分段后再导入。{_NOT_WRITTEN}"
            )
    if total > limits.MAX_DOCUMENT_CHARS:
        raise ImportProblem(
            f"{name} 的文字有 {total} 个字，超过一份规格 {limits.MAX_DOCUMENT_CHARS} 字的上限。{_SPLIT}{_NOT_WRITTEN}"
        )
    for t in found.tables:
        _check_table(t)


def _check_table(t: FoundTable) -> None:
    if len(t.rows) > limits.MAX_ROWS:
        raise ImportProblem(
            f"{t.label}有 {len(t.rows)} 行指标，超过每张表 {limits.MAX_ROWS} 行的上限。"
            f"请在 Word 中精简或拆成几张表后再导入。{_NOT_WRITTEN}"
        )
    for label, text in zip(("预算数", "财政资金", "其他资金"), t.amounts, strict=True):
        amount = _amount(text)
        if amount is not None and amount > limits.MAX_AMOUNT:
            raise ImportProblem(
                f"{t.label}的{label}「{short(text, 30)}」超过金额的上限 {limits.MAX_AMOUNT}。"
                f"请检查是否多写了几位数，改正后再导入。{_NOT_WRITTEN}"
            )
    for row in t.rows:
        if too_many_digits(row.value):
            raise ImportProblem(
                f"{row.where}：指标值「{short(row.value)}」中的数字超过整数 {limits.MAX_VALUE_INT_DIGITS} 位、"
                f"小数 {limits.MAX_VALUE_DECIMALS} 位的上限。请改用万元等单位后再导入。{_NOT_WRITTEN}"
            )


def _amount(text: str) -> Decimal | None:
    flat = "".join(text.replace(",", "").replace("，", "").split()).removesuffix("万元").removesuffix("元")
    if not flat or not all(ch.isdigit() or ch == "." for ch in flat) or not flat[0].isdigit():
        return None
    try:
        return Decimal(flat)
    except InvalidOperation:
        return None


def _texts(found: FoundDoc) -> Iterator[tuple[str, str]]:
    """Every text the spec will print, with where it is in the document."""
    if found.title:
        yield "标题", found.title
    if found.part_one is not None:
        yield "第一部分", found.part_one.title
        for section in found.part_one.sections:
            yield f"第一部分「{short(section.title)}」", section.title
            for item in section.items:
                for text in (item.title, item.text, item.goal, item.indicators):
                    if text:
                        yield f"第一部分「{short(section.title)}」中", text
    for part in found.parts:
        if part.title:
            yield part.heading_where or "部分标题", part.title
    for t in found.tables:
        for text in (t.heading, t.unit_label, t.code, t.name, t.use, t.goal, *t.amounts, *(t.schedule or [])):
            if text:
                yield t.where, text
        for row in t.rows:
            for text in row.cells():
                yield row.where, text


def check_files(folder: Path, rels: list[str]) -> None:
    """Refuse written spec files over a YAML limit (size, items after aliases, nesting)."""
    for rel in rels:
        loaded = load_yaml(folder / rel)
        if isinstance(loaded, Diagnostic):
            raise ImportProblem(f"导入得到的 {rel} {loaded.message}。{_SPLIT}{_NOT_WRITTEN}")
