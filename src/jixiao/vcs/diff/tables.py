"""The project-table half of a diff (:mod:`jixiao.vcs.diff.changes` has the rest): tables, header fields, rows, and shared changes."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from jixiao.model.document import Document, IndicatorRow, ProjectTable
from jixiao.vcs.diff.changes import (
    ROW_FIELDS,
    Cell,
    Change,
    DocumentDiff,
    RowDiff,
    SharedDiff,
    Sides,
    TableDiff,
    display_source,
    header_fields,
    match_rows,
    match_tables,
    own_layouts,
    row_cells,
    row_name,
)


@dataclass
class _Pending:
    """A matched pair of tables and its changes not yet shown under a preset or a shared setting."""

    old: ProjectTable
    new: ProjectTable
    cells: list[Cell]
    rows: list[RowDiff]


def _parts(doc: Document) -> dict[int, str]:
    return {id(t): f"{p.numeral} {p.title}" for p in doc.parts for t in p.tables}


def _row_summary(kind: str, row: IndicatorRow) -> RowDiff:
    changes = [
        Change(label, None, text) if kind == "added" else Change(label, text, None)
        for attr, label in ROW_FIELDS
        if (text := getattr(row, attr))
    ]
    return RowDiff(kind, row_name(row), changes)


def _table_summary(kind: str, t: ProjectTable) -> TableDiff:
    facts = [("预算数", t.budget_text), ("指标行", str(len(t.rows)))]
    changes = [Change(what, None, text) if kind == "added" else Change(what, text, None) for what, text in facts]
    number = t.number if kind == "added" else None
    old_number = t.number if kind == "removed" else None
    return TableDiff(kind, number, old_number, t.name, display_source(t), changes)


class _Shared:
    """Changes shown once for many tables, in the order first met."""

    def __init__(self) -> None:
        self.groups: dict[tuple[str, str, str, str | None, str | None], SharedDiff] = {}

    def add(self, kind: str, source: str, what: str, old: str | None, new: str | None, table: int) -> None:
        # An inherited change (年度 → every 完成时限) is one change wherever the text is written.
        key = (kind, source if kind == "preset" else "", what, old, new)
        group = self.groups.setdefault(key, SharedDiff(kind, source, what, old, new))
        if source and source not in group.source.split("、"):
            group.source += f"、{source}"
        if table not in group.tables:
            group.tables.append(table)


def compare_tables(old_doc: Document, new_doc: Document, sides: Sides, result: DocumentDiff) -> None:
    """Fill *result* with the table changes, renumberings and shared changes."""
    old_parts, new_parts = _parts(old_doc), _parts(new_doc)
    old_own, new_own = own_layouts(sides.old), own_layouts(sides.new)
    shared = _Shared()
    document_wide = set(result.document)  # a change of the department's 版式 is not repeated per table
    pending: list[_Pending] = []
    diffs: list[TableDiff] = []
    for a, b in match_tables(old_doc.tables(), new_doc.tables()):
        if a is None or b is None:
            diffs.append(_table_summary("added", b) if b is not None else _table_summary("removed", a))  # type: ignore[arg-type]
            continue
        before = header_fields(a, old_parts[id(a)], a.file_stem in old_own)
        after = header_fields(b, new_parts[id(b)], b.file_stem in new_own)
        cells = [
            Cell(Change(label, before[label][0], after[label][0]), before[label][1], after[label][1])
            for label in after
            if before[label][0] != after[label][0]
            and Change(label, before[label][0], after[label][0]) not in document_wide
        ]
        if a.source.path != b.source.path:
            cells.insert(0, Cell(Change("文件", a.source.path, b.source.path), None, None))
        rows: list[RowDiff] = []
        for x, y in match_rows(a.rows, b.rows):
            if x is None or y is None:
                row = y if y is not None else x
                assert row is not None
                found = sides.preset_row(row, added=y is not None)
                if found is not None:
                    shared.add("preset", *found, table=b.number)
                else:
                    rows.append(_row_summary("added" if y is not None else "removed", row))
                continue
            cells += _preset_cells(list(row_cells(x, y)), sides, shared, b.number)
        pending.append(_Pending(a, b, cells, rows))
    _inherited(pending, shared)
    for p in pending:
        diff = _table_diff(p)
        if diff.changes or diff.rows:
            diffs.append(diff)
        elif p.old.number != p.new.number:
            result.renumbered.append((p.old.number, p.new.number))
    result.shared = sorted(
        shared.groups.values(), key=lambda g: (g.kind != "preset", g.source if g.kind == "preset" else "", g.tables[0])
    )
    result.tables = sorted(diffs, key=lambda d: (d.number is None, d.number or d.old_number or 0))


def _preset_cells(cells: list[Cell], sides: Sides, shared: _Shared, table: int) -> list[Cell]:
    """Cells of one row whose change is a changed preset line go to *shared*; the rest are returned."""
    rest: list[Cell] = []
    level2_from_preset = False
    for cell in cells:
        found = sides.preset_field(cell)
        if found is None:
            rest.append(cell)
            continue
        assert cell.new_source is not None
        shared.add("preset", cell.new_source, *found, table=table)
        level2_from_preset |= cell.field == "level2"
    if level2_from_preset:
        # The 一级 follows the 二级 the preset changed: shown with it.
        for cell in [c for c in rest if c.field == "level1"]:
            rest.remove(cell)
            assert cell.new_source is not None
            shared.add("preset", cell.new_source, f"{cell.key} · 一级（由二级推断）", cell.change.old, cell.change.new, table)
    return rest


def _inherited(pending: list[_Pending], shared: _Shared) -> None:
    """The same change, written outside the project files, met by two tables or more: shown once."""
    tables: dict[tuple[str | None, str, str | None, str | None], set[int]] = defaultdict(set)
    for p in pending:
        own = display_source(p.new)
        for cell in p.cells:
            if _inherited_cell(cell, own, display_source(p.old)):
                tables[_key(cell)].add(p.new.number)
    for p in pending:
        own = display_source(p.new)
        keep = []
        for cell in p.cells:
            if _inherited_cell(cell, own, display_source(p.old)) and len(tables[_key(cell)]) > 1:
                what = f"{cell.row} · {cell.change.what}" if cell.row else cell.change.what
                shared.add("inherited", cell.new_source or "", what, cell.change.old, cell.change.new, p.new.number)
            else:
                keep.append(cell)
        p.cells = keep


def _key(cell: Cell) -> tuple[str | None, str, str | None, str | None]:
    return cell.row, cell.change.what, cell.change.old, cell.change.new


def _inherited_cell(cell: Cell, own: str, old_own: str) -> bool:
    return cell.new_source not in (None, own) and cell.old_source not in (None, old_own)


def _table_diff(p: _Pending) -> TableDiff:
    a, b = p.old, p.new
    header = [c.change for c in p.cells if c.row is None]
    rows: dict[str, RowDiff] = {}
    for c in p.cells:
        if c.row is not None:
            rows.setdefault(c.row, RowDiff("changed", c.row)).changes.append(c.change)
    order = {row_name(r): i for i, r in enumerate(b.rows)}
    changed = sorted(rows.values(), key=lambda r: order.get(r.row, len(order)))
    return TableDiff(
        "changed", b.number, a.number if a.number != b.number else None, b.name, display_source(b),
        header, changed + p.rows,
    )
