"""``jixiao diff``: what changed in the *expanded document* between two versions of a spec.

Both sides are loaded and expanded as usual and two :class:`~jixiao.model.document.Document`
objects are compared:

- tables are matched by project file name, then by 项目名称 (a renamed file);
- header fields are compared as printed (预算数, 资金用途, 资金支出计划 …);
- indicator rows are matched by 二级 + 三级, then by the preset key (a renamed 三级);
- 第一部分 paragraphs are aligned section by section.

A change whose cell comes from a preset line that itself changed is shown once,
under the preset, with the tables it affects; the same change inherited by
several tables (部门.yaml defaults, 年度) is shown once as well. Nothing here
prints: :mod:`jixiao.vcs.diff.text` formats the result; :mod:`jixiao.vcs.diff.compare` runs it.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from jixiao.expand.indicators import display_path
from jixiao.model.cells import header_cell
from jixiao.model.document import Document, IndicatorRow, Layout, PartOne, ProjectTable
from jixiao.spec.load import LoadedSpec


@dataclass(frozen=True)
class Change:
    """One field or cell: its label, and its text before and after (None: not there)."""

    what: str
    old: str | None
    new: str | None


@dataclass
class RowDiff:
    """An indicator row added, removed or changed (``row`` is ``二级 / 三级``)."""

    kind: str
    row: str
    changes: list[Change] = field(default_factory=list)


@dataclass
class TableDiff:
    """A project table added, removed or changed."""

    kind: str
    number: int | None
    old_number: int | None
    name: str
    file: str
    changes: list[Change] = field(default_factory=list)
    rows: list[RowDiff] = field(default_factory=list)


@dataclass
class SharedDiff:
    """One change met by several tables: a changed preset line, or an inherited setting."""

    kind: str  # "preset" or "inherited"
    source: str
    what: str
    old: str | None
    new: str | None
    tables: list[int] = field(default_factory=list)


@dataclass
class ParagraphDiff:
    """A paragraph of 第一部分 added, removed or changed."""

    section: str
    kind: str
    old: str | None
    new: str | None


@dataclass
class DocumentDiff:
    """Everything that differs between two expanded documents."""

    document: list[Change] = field(default_factory=list)
    parts: list[Change] = field(default_factory=list)
    part_one: list[ParagraphDiff] = field(default_factory=list)
    shared: list[SharedDiff] = field(default_factory=list)
    tables: list[TableDiff] = field(default_factory=list)
    #: (old number, new number) of tables renumbered and otherwise unchanged.
    renumbered: list[tuple[int, int]] = field(default_factory=list)

    @property
    def equal(self) -> bool:
        """No difference at all."""
        return not (self.document or self.parts or self.part_one or self.shared or self.tables or self.renumbered)


_LAYOUT = {
    "unit_line": "单位行", "show_code": "项目编码", "name_label": "项目名称标签", "show_schedule": "资金支出计划",
    "schedule_label": "支出计划标签", "schedule_percent": "支出计划百分号", "schedule_places": "支出计划小数位",
    "show_basis": "指标值确定依据", "widths": "列宽",
}
_PAGES = {"front": "首页", "part_heading": "部分标题", "title_numbering": "表题编号", "numbering_scope": "表题编号范围",
          "toc_pages": "目录页码", "page_numbers": "页码位置"}
ROW_FIELDS = (
    ("level1", "一级指标"), ("level2", "二级指标"), ("level3", "三级指标"),
    ("description", "绩效指标描述"), ("value", "指标值"), ("basis", "指标值确定依据"),
    ("explanation_written", "指标解释"), ("weight_text", "权重"),
)
#: Header fields of the current project form, compared as printed.
FORM_FIELDS = ("实施期目标", "政策依据", "测算依据", "实施期限", "项目类型", "是否新增项目", "分配方式", "项目总金额",
               "申请单位", "一级预算单位", "实施单位", "财政拨款", "财政专户管理资金", "单位资金")
#: Preset file keys of the row fields.
_PRESET_KEY = {"level1": "一级", "level2": "二级", "level3": "三级", "description": "描述", "value": "值", "basis": "依据"}


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, list):
        return "、".join(_text(v) for v in value)
    return str(value)


def _pairs(old: dict[str, Any], new: dict[str, Any], labels: dict[str, str], prefix: str = "") -> list[Change]:
    return [
        Change(prefix + label, _text(old.get(name)), _text(new.get(name)))
        for name, label in labels.items()
        if old.get(name) != new.get(name)
    ]


def _layout_changes(old: Layout, new: Layout) -> list[Change]:
    return _pairs(old.model_dump(), new.model_dump(), _LAYOUT, "版式·")


def document_changes(old: Document, new: Document) -> list[Change]:
    """Document-wide fields: 标题, 年度, 部门名称, 金额单位, 指标体系, 编制日期, 版式."""
    fields = {"title": "标题", "year": "年度", "department": "部门名称", "money_unit": "金额单位",
              "framework": "指标体系", "issued": "编制日期"}
    changes = _pairs({k: getattr(old, k) for k in fields}, {k: getattr(new, k) for k in fields}, fields)
    changes += _pairs(old.pages.model_dump(), new.pages.model_dump(), _PAGES, "版式·")
    return changes + _layout_changes(old.layout, new.layout)


def part_changes(old: Document, new: Document) -> list[Change]:
    """Parts after 第一部分, by their number: added, removed or renamed."""
    before = {p.numeral: p.title for p in old.parts}
    after = {p.numeral: p.title for p in new.parts}
    return [
        Change(numeral, before.get(numeral), after.get(numeral))
        for numeral in sorted(set(before) | set(after), key=lambda n: _part_order(old, new, n))
        if before.get(numeral) != after.get(numeral)
    ]


def _part_order(old: Document, new: Document, numeral: str) -> int:
    return next(p.number for p in (*new.parts, *old.parts) if p.numeral == numeral)


def part_one_changes(old: PartOne | None, new: PartOne | None) -> list[ParagraphDiff]:
    """Paragraph changes of 第一部分, aligned section by section."""
    out: list[ParagraphDiff] = []
    if (old.title if old else None) != (new.title if new else None):
        out.append(ParagraphDiff("第一部分", "changed", old.title if old else None, new.title if new else None))
    before = {s.key: s for s in old.sections} if old else {}
    after = {s.key: s for s in new.sections} if new else {}
    keys = [s.key for s in new.sections] if new else []
    keys += [k for k in before if k not in after]
    for key in keys:
        a, b = before.get(key), after.get(key)
        shown = b or a
        assert shown is not None
        texts_a = [a.heading, *(blk.text for blk in a.blocks)] if a else []
        texts_b = [b.heading, *(blk.text for blk in b.blocks)] if b else []
        out += _align(shown.heading, texts_a, texts_b)
    return out


def _align(section: str, old: list[str], new: list[str]) -> list[ParagraphDiff]:
    out: list[ParagraphDiff] = []
    matcher = difflib.SequenceMatcher(a=old, b=new, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            continue
        olds, news = old[i1:i2], new[j1:j2]
        for k in range(max(len(olds), len(news))):
            a = olds[k] if k < len(olds) else None
            b = news[k] if k < len(news) else None
            kind = "changed" if a is not None and b is not None else ("added" if a is None else "removed")
            out.append(ParagraphDiff(section, kind, a, b))
    return out


def match_tables(old: list[ProjectTable], new: list[ProjectTable]) -> list[tuple[ProjectTable | None, ProjectTable | None]]:
    """Pairs (old, new) by file name, then by 项目名称; unmatched ones paired with None."""
    by_stem = {t.file_stem: t for t in old}
    pairs: dict[int, ProjectTable] = {}
    used: set[int] = set()
    for t in new:
        match = by_stem.get(t.file_stem)
        if match is not None and id(match) not in used:
            pairs[id(t)] = match
            used.add(id(match))
    for t in new:
        if id(t) in pairs:
            continue
        match = next((o for o in old if id(o) not in used and o.name == t.name), None)
        if match is not None:
            pairs[id(t)] = match
            used.add(id(match))
    out: list[tuple[ProjectTable | None, ProjectTable | None]] = [(pairs.get(id(t)), t) for t in new]
    out += [(o, None) for o in old if id(o) not in used]
    return out


@dataclass(frozen=True)
class Cell:
    """A change with where its old and new text were written (to tell presets and defaults apart)."""

    change: Change
    old_source: str | None
    new_source: str | None
    row: str | None = None
    key: str | None = None
    field: str | None = None


def header_fields(t: ProjectTable, part: str, own_layout: bool) -> dict[str, tuple[str, str]]:
    """Printed header fields of *t*: label → (text, where written)."""
    values = {
        "表题": t.title, "项目名称": t.name, "单位": t.unit_label, "项目编码": t.code or "",
        "预算数": t.budget_text, "财政资金": t.fiscal_text, "其他资金": t.other_text, "资金用途": t.use,
        "资金支出计划": "、".join(c.text or "（空）" for c in t.schedule) if t.schedule is not None else "",
        "绩效目标": t.goal, "预设": t.preset or "无", "指标体系": t.framework, "部分": part,
        # Project-form fields where written (a derived one, such as 财政拨款 = 财政资金, changes with its source).
        **{label: header_cell(t, label) for label in FORM_FIELDS if label in t.field_sources},
    }
    own = display_source(t)
    out = {label: (text, t.source_of(label).path if label in t.field_sources else own) for label, text in values.items()}
    for name, label in _LAYOUT.items():
        out[f"版式·{label}"] = (_text(getattr(t.layout, name)), own if own_layout else "部门.yaml")
    return out


def display_source(t: ProjectTable) -> str:
    """The project file of *t*, as sources name it (``projects/01-办公费.yaml``)."""
    return t.source.path


def row_name(row: IndicatorRow) -> str:
    return f"{row.level2} / {row.level3}"


def match_rows(old: list[IndicatorRow], new: list[IndicatorRow]) -> list[tuple[IndicatorRow | None, IndicatorRow | None]]:
    """Pairs by 二级 + 三级 (in order among equals), then by preset key; others paired with None."""
    free = list(old)
    pairs: dict[int, IndicatorRow] = {}
    for r in new:
        match = next((o for o in free if (o.level2, o.level3) == (r.level2, r.level3)), None)
        if match is not None:
            pairs[id(r)] = match
            free.remove(match)
    for r in new:
        if id(r) in pairs or r.key is None:
            continue
        match = next((o for o in free if o.key == r.key), None)
        if match is not None:
            pairs[id(r)] = match
            free.remove(match)
    out: list[tuple[IndicatorRow | None, IndicatorRow | None]] = [(pairs.get(id(r)), r) for r in new]
    out += [(o, None) for o in free]
    return out


def row_cells(a: IndicatorRow | None, b: IndicatorRow | None) -> Iterator[Cell]:
    row = b or a
    assert row is not None
    name = row_name(row)
    for attr, label in ROW_FIELDS:
        x = getattr(a, attr) if a is not None else None
        y = getattr(b, attr) if b is not None else None
        if x == y:
            continue
        yield Cell(
            Change(label, x, y),
            a.source_of(attr).path if a is not None else None,
            b.source_of(attr).path if b is not None else None,
            name, row.key, attr,
        )


def preset_lines(loaded: LoadedSpec) -> dict[tuple[str, str], dict[str, str | None]]:
    """Raw fields of every preset line a spec can see, by (file as sources name it, 键)."""
    out: dict[tuple[str, str], dict[str, str | None]] = {}
    for preset in loaded.presets.presets.values():
        where = display_path(loaded.root, preset.path)
        for row in preset.spec.rows:
            if row.key:
                out[(where, row.key)] = {a: getattr(row, a) for a in _PRESET_KEY}
        for key, change in preset.spec.patch.items():
            out[(where, f"改写:{key}")] = {a: getattr(change, a) for a in _PRESET_KEY} | {"drop": str(change.drop)}
    return out


def _raw_row(fields: dict[str, str | None]) -> str:
    return "｜".join(v for a in ("level2", "level3", "description", "value", "basis") if (v := fields.get(a)))


@dataclass
class Sides:
    old: LoadedSpec
    new: LoadedSpec
    old_lines: dict[tuple[str, str], dict[str, str | None]]
    new_lines: dict[tuple[str, str], dict[str, str | None]]

    def preset_field(self, cell: Cell) -> tuple[str, str | None, str | None] | None:
        """(what, old raw, new raw) when *cell* comes from a preset line whose text changed."""
        if cell.key is None or cell.field is None or cell.old_source != cell.new_source or cell.new_source is None:
            return None
        path = cell.new_source
        found = [(k, self.old_lines.get((path, k), {}), self.new_lines.get((path, k), {}))
                 for k in (cell.key, f"改写:{cell.key}") if (path, k) in self.old_lines or (path, k) in self.new_lines]
        for _, before, after in found:
            if before.get(cell.field) != after.get(cell.field):
                return f"{cell.key} · {_PRESET_KEY[cell.field]}", before.get(cell.field), after.get(cell.field)
        return None

    def preset_row(self, row: IndicatorRow, *, added: bool) -> tuple[str, str, str | None, str | None] | None:
        """(file, what, old, new) when a row comes and goes with its preset line."""
        if row.key is None:
            return None
        path = row.source.path
        key = (path, row.key)
        if added and key in self.new_lines and key not in self.old_lines:
            return path, f"新增一行 {row.key}", None, _raw_row(self.new_lines[key])
        if not added and key in self.old_lines and key not in self.new_lines:
            return path, f"删去一行 {row.key}", _raw_row(self.old_lines[key]), None
        return None


def own_layouts(loaded: LoadedSpec) -> set[str]:
    """File names of the projects that write their own 版式."""
    return {src.stem for src in loaded.projects if src.spec.layout is not None}
