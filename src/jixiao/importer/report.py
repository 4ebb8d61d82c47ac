"""What ``jixiao import`` did, in Chinese: read, found, proposed, and what it could not read as is."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from jixiao.importer.found import Note


@dataclass
class PresetInfo:
    """A proposed preset: its name, rows, and the tables that use it."""

    name: str
    rows: int
    tables: list[int]
    base: str | None = None


@dataclass
class ImportReport:
    """The result of an import, for the command line."""

    source: str
    target: Path
    word_tables: int
    paragraphs: int
    tables: int
    part_one: bool
    parts: list[str]
    layout: str
    units: list[tuple[str, str, int]]
    presets: list[PresetInfo]
    lines: dict[str, int]
    notes: list[Note] = field(default_factory=list)
    #: Problems ``jixiao validate`` reports for the written spec (slips that cannot be printed as published).
    problems: list[str] = field(default_factory=list)
    #: Tables (and 第一部分) that the spec prints differently from the document.
    differences: list[str] = field(default_factory=list)
    year_changed: tuple[int, int] | None = None
    #: Spec files (YAML) of an existing folder that jixiao did not write, left as they were (``--force``).
    kept: list[str] = field(default_factory=list)
    #: ``word`` (a Word document) or ``workbook`` (``word_tables`` then counts sheets).
    kind: str = "word"

    @property
    def ok(self) -> bool:
        return not self.problems


def number_ranges(numbers: list[int]) -> str:
    """第 1–3、5 张 style ranges."""
    out: list[str] = []
    start = prev = None
    for n in sorted(numbers):
        if prev is not None and n == prev + 1:
            prev = n
            continue
        if start is not None:
            out.append(f"{start}" if start == prev else f"{start}–{prev}")
        start = prev = n
    if start is not None:
        out.append(f"{start}" if start == prev else f"{start}–{prev}")
    return "、".join(out)


def format_report(r: ImportReport, *, base: Path | None = None) -> str:
    """The report as printed by ``jixiao import``."""
    target = r.target
    if base is not None and r.target.resolve().is_relative_to(base.resolve()):
        target = r.target.resolve().relative_to(base.resolve())
    out = [f"已导入 {r.source} → {target}/", ""]
    parts = "、".join(r.parts) if r.parts else "（没有部分标题）"
    if r.kind == "workbook":
        out.append(f"读取：{r.word_tables} 张工作表；{r.tables} 个项目")
    else:
        out.append(
            f"读取：{r.word_tables} 个 Word 表格、{r.paragraphs} 段文字；{r.tables} 张项目绩效目标表；"
            f"{'有' if r.part_one else '没有'}第一部分；部分：{parts}"
        )
    out.append(f"版式：{r.layout}")
    out.append(f"单位（{len(r.units)} 个）：" + "；".join(f"{code}{name}（{n} 张表）" for code, name, n in r.units))
    if r.presets:
        out.append(f"预设（{len(r.presets)} 个，presets/ 中）：")
        for p in r.presets:
            based = f"，基于「{p.base}」" if p.base else ""
            used = f"用于第 {number_ranges(p.tables)} 张表" if p.tables else "只作为其他预设的基础"
            out.append(f"  {p.name}：{p.rows} 行{based}，{used}")
    else:
        out.append("预设：没有三张以上的表共有的指标行，各项目逐行写出指标")
    if r.lines:
        counts = sorted(r.lines.values())
        average = sum(counts) / len(counts)
        longest = [(k.removeprefix("projects/").removesuffix(".yaml"), v)
                   for k, v in sorted(r.lines.items(), key=lambda kv: -kv[1])[:3]]
        out.append(
            f"项目文件：{len(counts)} 个，平均 {average:.1f} 行（最少 {counts[0]} 行，最多 {counts[-1]} 行；"
            f"最长：{'、'.join(f'{k}（{v} 行）' for k, v in longest)}）"
        )
    if r.year_changed:
        old, new = r.year_changed
        out.append(f"年度：原文为 {old} 年，规格写为 {new} 年：完成时限等公式按 {new} 年计算，照录的文字（含「{old}年」）未改动，请逐一核对。")
    out.append("")
    if r.notes:
        out.append(f"需要核对的地方（{len(r.notes)} 处）：")
        out += [f"  {n.where}：{n.what} → {n.did}" for n in r.notes]
    else:
        out.append("需要核对的地方：没有，全部内容都照原文读入。")
    if r.differences:
        out.append(f"生成的文档与原文不同的地方（{len(r.differences)} 处）：")
        out += [f"  {d}" for d in r.differences]
    if r.kept:
        out.append(
            f"保留了 {len(r.kept)} 个不是 jixiao import 写入（或写入后改动过）的规格文件，它们也是规格的一部分，"
            f"上面的核对不包括它们：{'、'.join(r.kept)}"
        )
    out.append("")
    if r.problems:
        out.append(f"规格已写出，但有 {len(r.problems)} 处原文本身的问题使它无法生成文档，请改正后再运行 jixiao validate：")
        out += [f"  {p}" for p in r.problems]
    else:
        same = ("，写回的工作簿与原文逐格一致" if r.kind == "workbook" else "，生成的文字与原文逐表、逐格一致") if not r.differences else ""
        out.append(f"✓ 规格有效{same}。下一步：jixiao check {target}（列出原文中的问题），jixiao render {target}")
    return "\n".join(out) + "\n"
