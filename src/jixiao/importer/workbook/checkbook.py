"""``jixiao check 导出.xlsx``: check a budget system's workbook as it is, each finding at its cell.

The workbook is read and recognised as for import (:func:`read_projects`) and
spelt as a literal spec — every row as printed, 「不适用」 rows included, no
presets, no formulas — which :func:`~jixiao.workflow.open_spec` loads through
its loader hook and checks like any spec, with the same rules and packs. The
spec's source positions are then taken back to the cells they were read from
(``项目绩效目标表!F12``): by the expanded model's field sources (every written
cell has its own) and by the positions of each project file's keys; what no
cell holds (the year, the framework) is placed at the project's first cell, or
at the workbook itself.
"""

from __future__ import annotations

import copy
import dataclasses
import tempfile
from collections.abc import Iterable
from pathlib import Path

from jixiao.checks.base import Finding
from jixiao.errors import SpecError
from jixiao.expand.indicators import display_path
from jixiao.importer.found import ImportProblem
from jixiao.importer.workbook.extras import add_row_extras, book_framework
from jixiao.importer.workbook.pipeline import (
    given_layout,
    plan_book,
    read_projects,
    word_columns,
)
from jixiao.importer.workbook.recognise import Project
from jixiao.importer.workbook.sheets import Cell
from jixiao.importer.write import texts
from jixiao.model.document import Document, SourceRef
from jixiao.spec.load import LoadedSpec, load_department
from jixiao.workflow import Checks, OpenSpec, open_spec

#: Row attributes of the model → the workbook fields their cell may come from (the first present).
ROW_FIELDS: dict[str, tuple[str, ...]] = {
    "level1": ("一级指标",), "level2": ("二级指标",), "level3": ("三级指标",),
    "description": ("绩效指标描述", "指标解释"), "explanation": ("指标解释", "绩效指标描述"),
    "value": ("指标值", "计算符号", "计量单位"), "basis": ("指标值确定依据",),
}
#: Project header labels of the spec → the workbook fields they are read from.
HEADER_FIELDS: dict[str, tuple[str, ...]] = {"财政资金": ("财政资金", "财政拨款")}

_Key = tuple[str, int, int]


@dataclasses.dataclass
class _Book:
    """The workbook spelt as a spec: its files and, per project file stem, the project as read."""

    files: dict[str, str]
    projects: dict[str, Project]


def _spell(path: Path, layout: str | None, year: int | None) -> _Book:
    r = read_projects(path, given_layout(layout), year=year, action="检查")
    framework, _ = book_framework(copy.deepcopy(r.found), copy.deepcopy(r.extras))
    if isinstance(framework, dict):  # the 「不适用」 rows stay rows, each at its own cells
        framework = {k: v for k, v in framework.items() if k != "不适用行"}
        framework = framework if len(framework) > 1 else framework["基于"]
    columns = word_columns(r.found)
    work = plan_book(r.found, r.year, r.department, r.notes, framework, columns, r.extras, mining=False)
    assembly = work.assemble()
    assembly.department["指标体系"] = framework
    add_row_extras(assembly, r.extras)
    projects = {c.ctx.stem: r.seen.projects[c.ctx.table.number - 1] for c in work.choices}
    return _Book(texts(assembly, path.name), projects)


def open_workbook(
    path: Path, *, select: Iterable[str] | None = None, ignore: Iterable[str] = (), rules: Iterable[str] = (),
    layout: str | None = None, year: int | None = None,
) -> OpenSpec:
    """The workbook *path* checked like a spec (rule packs found next to it), every finding placed at its cell.

    Raises:
        ImportProblem: not a readable workbook, no indicator table, or the rows do not make a valid table
            (every problem, at its cell).
        UsageError: no year can be found; *select*/*ignore* name no rule; a pack does not exist.
        SpecError: a rule pack is wrong.
    """
    book = _spell(path, layout, year)
    root = path.parent
    loaded: list[LoadedSpec] = []

    def load(_: Path) -> LoadedSpec:
        with tempfile.TemporaryDirectory(prefix="jixiao-check-") as tmp:
            folder = Path(tmp)
            for rel, text in book.files.items():
                (folder / rel).parent.mkdir(parents=True, exist_ok=True)
                (folder / rel).write_text(text, encoding="utf-8")
            spec = dataclasses.replace(load_department(folder), root=root)
        loaded.append(spec)
        return spec

    try:
        opened = open_spec(path, checks=Checks.REPORT, select=select, ignore=ignore, rules=rules, loader=load)
    except SpecError as exc:
        if not loaded or any(_is_pack(d.path, loaded[0]) for d in exc.diagnostics):
            raise
        places = _Places(loaded[0], None, book, path)
        lines = [f"{places.where(display_path(root, d.path), d.line, d.col)}：{d.message}" for d in exc.diagnostics]
        raise ImportProblem(f"{path.name} 中的指标表不能作为绩效目标表读出：\n" + "\n".join(lines)) from None
    places = _Places(opened.loaded, opened.doc, book, path)
    return dataclasses.replace(opened, findings=[places.place(f) for f in opened.findings])


def _is_pack(path: Path, loaded: LoadedSpec) -> bool:
    """A diagnostic of a rule pack (not of the spelt spec's files)."""
    return not any(path == p.path for p in loaded.projects) and path != loaded.path


class _Places:
    """Source positions of the spelt spec → the cells they were read from."""

    def __init__(self, loaded: LoadedSpec, doc: Document | None, book: _Book, path: Path) -> None:
        self.root = loaded.root
        self.shown = path.name
        self.cells: dict[_Key, Cell] = {}
        self.files: dict[str, Cell] = {}
        for ps in loaded.projects:
            project = book.projects.get(ps.stem)
            if project is None:
                continue
            rel = display_path(self.root, ps.path)
            first = min(project.fields.values(), key=lambda c: (c.row, c.col), default=None)
            rows = [min(r.values(), key=lambda c: (c.row, c.col)) for r in project.rows if r]
            if first is not None or rows:
                self.files[rel] = first or rows[0]
            for node, (line, col) in [*ps.pos.keys.items(), *ps.pos.values.items()]:
                cell = _header_cell(project, str(node[0])) if len(node) == 1 else None
                if cell is not None:
                    self.cells[(rel, line, col)] = cell
        for table in doc.tables() if doc is not None else []:
            project = book.projects.get(table.file_stem or "")
            if project is None:
                continue
            for label, source in table.field_sources.items():
                self._add(source, _header_cell(project, label))
            printed = [r for r in table.rows if r.derived != ("row",)]
            for row, cells in zip(printed, project.rows, strict=False):
                for attr, names in ROW_FIELDS.items():
                    written = row.field_sources.get(attr)
                    cell = next((cells[n] for n in names if n in cells), None)
                    if written is not None:
                        self._add(written, cell)
                if cells:
                    self._add(row.source, min(cells.values(), key=lambda c: (c.row, c.col)))

    def _add(self, source: SourceRef, cell: Cell | None) -> None:
        if cell is not None:
            self.cells.setdefault((source.path, source.line, source.col), cell)

    def cell(self, path: str, line: int, col: int) -> Cell | None:
        return self.cells.get((path, line, col)) or self.files.get(path)

    def where(self, path: str, line: int, col: int) -> str:
        found = self.cell(path, line, col)
        return found.where if found is not None else self.shown

    def place(self, f: Finding) -> Finding:
        """*f* at its cell (``Sheet!C7``), else at the workbook (line 1, column 1)."""
        found = self.cell(f.path, f.line, f.col)
        if found is None:
            return dataclasses.replace(f, path=self.shown, line=1, col=1, cell=self.shown)
        return dataclasses.replace(f, path=self.shown, line=found.row, col=found.col, cell=found.where)


def _header_cell(project: Project, label: str) -> Cell | None:
    for name in HEADER_FIELDS.get(label, (label,)):
        if name in project.fields:
            return project.fields[name]
    return None


def is_workbook_file(path: Path) -> bool:
    """A file (not a spec folder) that is a workbook: ``check`` reads it as one."""
    from jixiao.importer.workbook.sheets import is_workbook

    return path.is_file() and is_workbook(path)


__all__ = ["is_workbook_file", "open_workbook"]

