"""Raw blocks → the document as published: title, year, department, 第一部分, parts and tables.

The document is cut at its part headings (「第二部分 预算项目绩效目标」, on one
line or two). What comes before the first one is the front matter (title, 目录);
a part without project tables is 第一部分 (部门整体绩效目标); the others hold
tables (:mod:`jixiao.importer.tables`). A document without part headings is
one part of tables. Paragraphs that fit nowhere are named in the report.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from jixiao.expand.department import part_numeral
from jixiao.importer import labels as lb
from jixiao.importer.budgetyear import guess_year
from jixiao.importer.found import FoundDoc, FoundPart, FoundTable, ImportProblem, Note, clean, short
from jixiao.importer.read import Block, Para, RawDoc, Table
from jixiao.importer.sections import parse_part_one
from jixiao.importer.tables import find_tables
from jixiao.importer.units import split_unit

_TITLE_SUFFIXES = (
    "部门整体绩效目标", "部门绩效目标", "部门预算绩效目标", "项目支出绩效目标表", "项目绩效目标表",
    "预算项目绩效目标", "绩效目标表", "绩效目标",
)
_YEAR = re.compile(r"((?:19|20)\d{2})\s*年")


@dataclass
class _Region:
    """A part of the document: its heading paragraph (None for the front), title and blocks."""

    heading: Para | None
    number: int
    title: str | None
    blocks: list[Block] = field(default_factory=list)


def recognise(raw: RawDoc, name: str) -> FoundDoc:
    """The document in *raw* as published.

    Raises:
        ImportProblem: no project table at all, or a table without its columns.
    """
    notes: list[Note] = []
    regions = _regions(raw.blocks)
    front = regions.pop(0)
    if not regions:
        start = next((i for i, b in enumerate(front.blocks) if _starts_tables(b)), len(front.blocks))
        regions = [_Region(None, 0, None, front.blocks[start:])]
        front = _Region(None, 0, None, front.blocks[:start])
    title, prose = _front(front, notes)
    first = regions[0]
    if first.heading is not None and first.number == 1 and not prose:
        # 第一部分 with the tables right after it (a document whose table part has no heading of its own).
        cut = next((i for i, b in enumerate(first.blocks) if _starts_tables(b)), None)
        before = [" ".join(clean(b.text).split()) for b in first.blocks[:cut or 0] if isinstance(b, Para)]
        if cut and ("整体" in (first.title or "") or any(_section_heading(t) for t in before)):
            regions[:1] = [_Region(first.heading, 1, first.title, first.blocks[:cut]), _Region(None, 0, None, first.blocks[cut:])]
    part_one = None
    if prose:
        notes.append(Note(f"第 {prose[0].index} 段", "第一部分没有「第一部分 部门整体绩效目标」标题",
                          "按第一部分读入（生成时会印出这个标题）"))
        part_one = parse_part_one("部门整体绩效目标", prose, notes)
    parts: list[FoundPart] = []
    tables: list[FoundTable] = []
    for region in regions:
        mine, loose = find_tables(region.blocks, len(parts), len(tables), notes)
        if not mine:
            if part_one is None and not parts and not tables and region.heading is not None:
                part_one = parse_part_one(region.title or "部门整体绩效目标", [b for b in region.blocks if isinstance(b, Para)], notes)
                continue
            where = f"第 {region.heading.index} 段" if region.heading is not None else "正文"
            notes.append(Note(where, f"「{short(region.title or '', 20)}」这一部分中没有项目绩效目标表", "这一部分已略去"))
            continue
        for para in loose:
            notes.append(Note(f"第 {para.index} 段", f"表格之外的文字「{short(clean(para.text), 24)}」", "已略去"))
        parts.append(FoundPart(region.title, f"第 {region.heading.index} 段" if region.heading else "", _own_page(region)))
        expected = len(parts) + (1 if part_one is not None else 0)
        if region.heading is not None and region.number != expected:
            notes.append(Note(f"第 {region.heading.index} 段", f"部分标题「{short(clean(region.heading.text), 20)}」的序号",
                              f"jixiao 按顺序编号，生成时印作「{part_numeral(expected)}」"))
        tables += mine
    if not tables:
        raise ImportProblem(
            f"{name} 中没有找到项目绩效目标表（带有「项目名称」「预算数」「绩效目标」和「一级指标」「二级指标」…"
            "各栏的表格）。请确认这是部门或项目绩效目标的 Word 文件。"
        )
    for t in tables:
        _check(t)
    year, department = _title_parts(title)
    if department is None:
        department = _department_from_units(tables)
        if department is not None:
            notes.append(Note("全文", "文档没有标题（「2025年某某局部门绩效目标」）",
                              f"部门名称取自第一个单位行：{department}（推断，请核对 部门.yaml）"))
    guess = guess_year(tables, part_one)
    if year is None:
        year = guess.year
        if year is not None:
            notes.append(Note("全文", "标题中没有年度",
                              f"年度取自文中：{year}（{guess.evidence(year)}；推断，请核对；或用 --年度 指定）"))
    front_kind = "目录" if raw.has_toc else "标题" if title else "无"
    word_tables = sum(1 for b in raw.blocks if isinstance(b, Table))
    paragraphs = sum(1 for b in raw.blocks if isinstance(b, Para))
    found = FoundDoc(title, year, department, front_kind, part_one, parts, tables, notes, word_tables, paragraphs)
    found.year_guess = guess
    if title is None and department is not None:
        found.guessed["部门名称"] = "推断：文档没有标题，取自第一个单位行"
    if year is not None and _title_parts(title)[0] is None:
        found.guessed["年度"] = f"推断：取自文中（{guess.evidence(year)}）"
    return found


def _regions(blocks: list[Block]) -> list[_Region]:
    """The front matter, then one region per part heading (a heading with nothing under it is dropped)."""
    regions = [_Region(None, 0, None)]
    pending_title: _Region | None = None
    for block in blocks:
        if isinstance(block, Para):
            text = clean(block.text)
            heading = lb.part_heading(text)
            if heading is not None:
                region = _Region(block, heading[0], heading[1] or None)
                if regions[-1].heading is not None and not _has_content(regions[-1]):
                    regions.pop()  # a line of a typed table of contents
                regions.append(region)
                pending_title = region if not heading[1] else None
                continue
            if pending_title is not None:
                pending_title = None
                if lb.table_title(text) is None and lb.caption(text) is None and len(text) <= 40:
                    regions[-1].title = " ".join(text.split())
                    continue
        else:
            pending_title = None
        regions[-1].blocks.append(block)
    if len(regions) > 1 and not _has_content(regions[-1]):
        regions.pop()
    return regions


def _starts_tables(block: Block) -> bool:
    if isinstance(block, Table):
        return True
    text = clean(block.text)
    return lb.table_title(text) is not None or lb.caption(text) is not None


def _has_content(region: _Region) -> bool:
    return any(isinstance(b, Table) or lb.table_title(clean(b.text)) is None for b in region.blocks)


def _front(front: _Region, notes: list[Note]) -> tuple[str | None, list[Para]]:
    """The document title among the front paragraphs, and 第一部分 prose found there without its
    heading (from a 「一、总体绩效目标」 line on); other paragraphs are named in the notes."""
    title = None
    paras = [b for b in front.blocks if isinstance(b, Para)]
    skipped: list[tuple[Para, str]] = []
    prose: list[Para] = []
    for i, block in enumerate(paras):
        text = " ".join(clean(block.text).split())
        if _section_heading(text):
            prose = paras[i:]
            break
        if text.replace(" ", "") in ("目录", "目次"):
            continue
        if title is None and lb.table_title(text) is None and (
            block.style == "title" or ("绩效目标" in text and len(text) <= 60)
        ):
            title = text
        else:
            skipped.append((block, text))
    if len(skipped) > 3:  # a typed table of contents: one note
        first, last = skipped[0][0].index, skipped[-1][0].index
        notes.append(Note(f"第 {first}–{last} 段", f"封面或目录中的 {len(skipped)} 段文字（「{short(skipped[0][1], 16)}」……）", "已略去"))
    else:
        notes += [Note(f"第 {b.index} 段", f"封面或目录中的文字「{short(t, 24)}」", "已略去") for b, t in skipped]
    return title, prose


def _section_heading(text: str) -> bool:
    """「一、总体绩效目标」: the first section of 第一部分."""
    found = lb.parse_label(text)
    rest = found[2] if found is not None and found[1] == 1 else text
    return rest.strip() in ("总体绩效目标", "部门总体绩效目标", "总体目标", "部门整体绩效目标")


def _own_page(region: _Region) -> bool:
    """Does the part's heading stand on a page of its own (its first table starts a new page)?"""
    for block in region.blocks:
        if isinstance(block, Para):
            return block.page_break
        return True
    return True


def _title_parts(title: str | None) -> tuple[int | None, str | None]:
    """``2025年唐山市医疗保障局部门绩效目标`` → (2025, 唐山市医疗保障局); the year may stand anywhere."""
    if not title:
        return None, None
    flat = title.replace(" ", "")
    m = re.search(r"((?:19|20)\d{2})年度?", flat)
    year = int(m.group(1)) if m else None
    rest = flat[: m.start()] + flat[m.end() :] if m else flat
    for suffix in _TITLE_SUFFIXES:
        if rest.endswith(suffix) and len(rest) > len(suffix):
            return year, rest[: -len(suffix)]
    return year, None


def _department_from_units(tables: list[FoundTable]) -> str | None:
    """The department named by the unit lines: the first unit, without 本级."""
    for t in tables:
        if t.unit_label:
            _, unit = split_unit(t.unit_label)
            return unit.removesuffix("本级") or unit
    return None


def _check(t: FoundTable) -> None:
    """A table must have what jixiao prints: a name, the amounts, the indicator columns."""
    missing = []
    if not t.name and not t.heading:
        missing.append("项目名称")
    if not t.has_amounts:
        missing.append("预算数")
    if not t.columns:
        missing.append("指标表的表头（一级指标、二级指标、三级指标…）")
    if missing:
        raise ImportProblem(
            f"{t.where}：{t.label}缺少「{'」「'.join(missing)}」，无法导入。"
            "项目绩效目标表应有 项目名称、预算规模及资金用途（预算数）、绩效目标 和指标表；请在 Word 中补上后重试。"
        )
    if not t.rows:
        raise ImportProblem(f"{t.where}：{t.label}的指标表没有任何指标行，无法导入。")
