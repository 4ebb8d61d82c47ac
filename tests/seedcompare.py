"""Compare an expanded document with a seed dump, cell by cell."""

from __future__ import annotations

from jixiao.model.document import Document, ProjectTable
from seedtext import SeedTable


def _cmp(out: list[str], where: str, expected: str | None, actual: str | None) -> None:
    if expected != actual:
        out.append(f"{where}: 期望「{expected}」，实际「{actual}」")


def compare_table(t: ProjectTable, s: SeedTable) -> list[str]:
    """Every differing cell of one table, as readable lines."""
    out: list[str] = []
    w = f"表 {t.number}（{t.name}）"
    if s.title is not None:
        _cmp(out, f"{w} 表题", s.title, t.heading)
    if s.unit_label is not None:
        _cmp(out, f"{w} 单位", s.unit_label, t.unit_label)
    _cmp(out, f"{w} 金额单位", s.money_unit_label, t.money_unit_label)
    _cmp(out, f"{w} 项目编码", s.code, t.code)
    _cmp(out, f"{w} 名称标签", s.name_label, t.name_label)
    _cmp(out, f"{w} 项目名称", s.name, t.name)
    budget, fiscal, other = s.amounts
    _cmp(out, f"{w} 预算数", budget, t.budget_text)
    _cmp(out, f"{w} 财政资金", fiscal, t.fiscal_text)
    _cmp(out, f"{w} 其他资金", other, t.other_text)
    _cmp(out, f"{w} 资金用途", s.use, t.use)
    expected_schedule = s.schedule
    actual_schedule = [c.text for c in t.schedule] if t.schedule is not None else None
    _cmp(out, f"{w} 资金支出计划", str(expected_schedule), str(actual_schedule))
    _cmp(out, f"{w} 绩效目标", s.goal, t.goal)
    _cmp(out, f"{w} 表头", str(s.columns), str(t.columns))
    seed_rows = s.filled_rows()
    if len(seed_rows) != len(t.rows):
        out.append(f"{w}: 指标行数 期望 {len(seed_rows)}，实际 {len(t.rows)}")
    for i, (seed, row) in enumerate(zip(seed_rows, t.rows, strict=False), 1):
        cells = [row.level1, row.level2, row.level3, row.description, row.value]
        if row.basis is not None:
            cells.append(row.basis)
        for j, (e, a) in enumerate(zip(seed, cells, strict=False)):
            _cmp(out, f"{w} 第 {i} 行「{t.columns[j]}」", e, a)
        if len(seed) != len(cells):
            out.append(f"{w} 第 {i} 行: 列数 期望 {len(seed)}，实际 {len(cells)}")
    return out


def compare_document(doc: Document, seeds: list[SeedTable]) -> list[str]:
    """Every mismatch between the document's tables and the seed's, in order."""
    tables = doc.tables()
    out: list[str] = []
    if len(tables) != len(seeds):
        out.append(f"表的数量 期望 {len(seeds)}，实际 {len(tables)}")
    for t, s in zip(tables, seeds, strict=False):
        out += compare_table(t, s)
    return out
