"""Formats of ``jixiao diff``: text (coloured on a terminal), Markdown (a pull-request comment) and JSON."""

from __future__ import annotations

import dataclasses
import difflib
import json
import re
from dataclasses import dataclass
from typing import Any

from rich.text import Text

from jixiao.vcs.diff.changes import Change, DocumentDiff, RowDiff, SharedDiff, TableDiff

#: Texts longer than this are shown as a word diff rather than old → new.
WORD_DIFF_AT = 30
_TOKEN = re.compile(r"[A-Za-z]+|\d+(?:\.\d+)?|\s+|.", re.DOTALL)

Segment = tuple[str, str | None]
Line = list[Segment]


@dataclass(frozen=True)
class Labels:
    """How the two sides are named: ``HEAD~1``, ``工作区``; and the spec folder compared."""

    old: str
    new: str
    spec: str | None = None
    old_commit: str | None = None
    new_commit: str | None = None


def word_ops(old: str, new: str) -> list[tuple[str, str]]:
    """(op, text) with op ``=``, ``-`` or ``+``: a word-level diff (each Chinese character is a word).

    Changes separated by a single unchanged character are joined, so that
    「医疗保障」→「医保」 reads as one change rather than three.
    """
    a, b = _TOKEN.findall(old), _TOKEN.findall(new)
    ops = difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes()
    merged: list[list[Any]] = []
    for op, i1, i2, j1, j2 in ops:
        if merged and op == "equal" and i2 - i1 == 1 and merged[-1][0] != "equal" and (i2 < len(a) or j2 < len(b)):
            op = "replace"
        if merged and op != "equal" and merged[-1][0] != "equal":
            merged[-1][2], merged[-1][4] = i2, j2
            continue
        merged.append([op, i1, i2, j1, j2])
    out: list[tuple[str, str]] = []
    for op, i1, i2, j1, j2 in merged:
        if op == "equal":
            out.append(("=", "".join(a[i1:i2])))
            continue
        if i2 > i1:
            out.append(("-", "".join(a[i1:i2])))
        if j2 > j1:
            out.append(("+", "".join(b[j1:j2])))
    return out


def tables_text(numbers: list[int]) -> str:
    """「第 1～3、5、7～9 表」."""
    numbers = sorted(set(numbers))
    runs: list[list[int]] = []
    for n in numbers:
        if runs and n == runs[-1][-1] + 1:
            runs[-1].append(n)
        else:
            runs.append([n])
    return "第 " + "、".join(f"{r[0]}～{r[-1]}" if len(r) > 1 else str(r[0]) for r in runs) + " 表"


def renumbered_text(pairs: list[tuple[int, int]]) -> list[str]:
    """Runs of tables moved by the same offset: 「第 5～53 表 → 第 6～54 表」."""
    runs: list[list[tuple[int, int]]] = []
    for old, new in sorted(pairs, key=lambda p: p[1]):
        last = runs[-1][-1] if runs else None
        if last is not None and old == last[0] + 1 and new == last[1] + 1:
            runs[-1].append((old, new))
        else:
            runs.append([(old, new)])
    out = []
    for run in runs:
        (o1, n1), (o2, n2) = run[0], run[-1]
        out.append(f"第 {o1}～{o2} 表 → 第 {n1}～{n2} 表" if len(run) > 1 else f"第 {o1} 表 → 第 {n1} 表")
    return out


def _shown(text: str | None) -> str:
    return "（无）" if text is None else (text if text else "（空）")


def _value(change: Change | SharedDiff) -> Line:
    """old → new, or a word diff for long texts."""
    old, new = change.old, change.new
    if old and new and max(len(old), len(new)) > WORD_DIFF_AT:
        return [(text, {"=": None, "-": "wdel", "+": "wins"}[op]) for op, text in word_ops(old, new)]
    if old is None:
        return [(_shown(new), "new")]
    if new is None:
        return [(_shown(old), "old")]
    return [(_shown(old), "old"), (" → ", None), (_shown(new), "new")]


def _count(tables: list[int]) -> str:
    return f"（{len(tables)} 张表：{tables_text(tables)}）" if len(tables) > 1 else f"（{tables_text(tables)}）"


def _row_lines(row: RowDiff) -> list[Line]:
    if row.kind == "changed":
        return [[("  ", None), (f"{row.row} · {c.what}：", None), *_value(c)] for c in row.changes]
    sign, style, word = ("+ ", "new", "新增行") if row.kind == "added" else ("- ", "old", "删去行")
    cells = [c.new if row.kind == "added" else c.old for c in row.changes if c.what not in ("一级指标", "二级指标", "三级指标")]
    return [[("  ", None), (sign, style), (f"{word} {row.row}：", None), ("｜".join(x or "" for x in cells), style)]]


def _table_lines(t: TableDiff) -> list[Line]:
    if t.kind == "added":
        head: Line = [("+ ", "new"), (f"第 {t.number} 表 {t.name}（新增，{t.file}）", "head")]
    elif t.kind == "removed":
        head = [("- ", "old"), (f"原第 {t.old_number} 表 {t.name}（删去，{t.file}）", "head")]
    else:
        was = f"（原第 {t.old_number} 表）" if t.old_number is not None else ""
        head = [(f"第 {t.number} 表 {t.name}{was}", "head")]
    lines = [head]
    lines += [[("  ", None), (f"{c.what}：", None), *_value(c)] for c in t.changes]
    for row in t.rows:
        lines += _row_lines(row)
    return lines


def lines(diff: DocumentDiff, labels: Labels) -> list[Line]:
    """The text report as lines of styled segments."""
    where = f"（{labels.spec}）" if labels.spec else ""
    out: list[Line] = [[(f"jixiao diff：{labels.old} → {labels.new}{where}", "head")]]
    if diff.equal:
        return [*out, [("两个版本展开后的文档相同。", None)]]
    blocks: list[list[Line]] = []
    if diff.document:
        blocks.append([[("文档", "head")], *[[("  ", None), (f"{c.what}：", None), *_value(c)] for c in diff.document]])
    if diff.parts:
        blocks.append([[("部分", "head")], *[[("  ", None), (f"{c.what}：", None), *_value(c)] for c in diff.parts]])
    if diff.part_one:
        block: list[Line] = [[("第一部分", "head")]]
        for p in diff.part_one:
            sign = {"added": [("+ ", "new")], "removed": [("- ", "old")]}.get(p.kind, [])
            block.append([("  ", None), *sign, (f"〔{p.section}〕", None), *_value(Change("", p.old, p.new))])
        blocks.append(block)
    for source in dict.fromkeys(g.source for g in diff.shared if g.kind == "preset"):
        groups = [g for g in diff.shared if g.kind == "preset" and g.source == source]
        blocks.append([[(f"预设 {source}", "head")], *[_shared_line(g) for g in groups]])
    inherited = [g for g in diff.shared if g.kind == "inherited"]
    if inherited:
        blocks.append([[("多张表相同的改动", "head")], *[_shared_line(g) for g in inherited]])
    if diff.renumbered:
        moved: list[Line] = [[("  ", None), (text, None)] for text in renumbered_text(diff.renumbered)]
        blocks.append([[("重新编号", "head")], *moved])
    blocks += [_table_lines(t) for t in diff.tables]
    for block in blocks:
        out += [[], *block]
    n = count(diff)
    out += [[], [(f"共 {n} 处不同。", None)]]
    return out


def _shared_line(g: SharedDiff) -> Line:
    return [("  ", None), (f"{g.what}：", None), *_value(g), (_count(g.tables), "note")]


def count(diff: DocumentDiff) -> int:
    """Number of changes listed (a shared change counts once)."""
    rows = sum(len(r.changes) if r.kind == "changed" else 1 for t in diff.tables for r in t.rows)
    tables = sum(len(t.changes) if t.kind == "changed" else 1 for t in diff.tables)
    return (len(diff.document) + len(diff.parts) + len(diff.part_one) + len(diff.shared)
            + len(renumbered_text(diff.renumbered)) + rows + tables)


_PLAIN = {"wdel": ("[-", "-]"), "wins": ("{+", "+}")}
_STYLES = {"wdel": "red strike", "wins": "green", "old": "red", "new": "green", "head": "bold", "note": "dim"}


def plain(diff: DocumentDiff, labels: Labels) -> str:
    """The text report without colours; word changes marked [-删去-]{+新增+} as in ``git diff --word-diff``."""
    return "".join(
        "".join(f"{_PLAIN[s][0]}{t}{_PLAIN[s][1]}" if s in _PLAIN else t for t, s in line) + "\n"
        for line in lines(diff, labels)
    )


def coloured(diff: DocumentDiff, labels: Labels) -> Text:
    """The text report for a terminal."""
    out = Text()
    for line in lines(diff, labels):
        for text, style in line:
            out.append(text, style=_STYLES.get(style or "", ""))
        out.append("\n")
    return out


_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>~#|])")


def _md(text: str) -> str:
    return _MD_SPECIAL.sub(r"\\\1", text)


def markdown(diff: DocumentDiff, labels: Labels) -> str:
    """The report as Markdown, for a pull-request comment."""
    out: list[str] = []
    for line in lines(diff, labels):
        if not line:
            continue
        if any(style == "head" for _, style in line):
            head = _md("".join(t for t, style in line if style == "head"))
            out += ["", f"**{head}**", ""] if out else [f"### {head}", ""]
            continue
        text = "".join(_md_segment(t, s) for t, s in line).strip()
        if line[0][0] == "  " or line[0][1] in ("new", "old"):
            out.append(f"- {text.removeprefix('+ ').removeprefix('- ')}")
        else:
            out += ["", text]
    text = "\n".join(out).strip()
    return re.sub(r"\n{3,}", "\n\n", text) + "\n"


def _md_segment(text: str, style: str | None) -> str:
    if style == "head":
        return f"**{_md(text)}**"
    if style == "wdel":
        return f"~~{_md(text)}~~"
    if style == "wins":
        return f"**{_md(text)}**"
    return _md(text)


def to_json(diff: DocumentDiff, labels: Labels) -> str:
    """The comparison as JSON (``equal``, both sides, and every change)."""
    data = {
        "equal": diff.equal,
        "old": {"label": labels.old, "commit": labels.old_commit},
        "new": {"label": labels.new, "commit": labels.new_commit},
        "spec": labels.spec,
        "changes": count(diff),
        **dataclasses.asdict(diff),
    }
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"
