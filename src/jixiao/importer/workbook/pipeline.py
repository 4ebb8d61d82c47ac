"""The workbook import, step by step (see :mod:`jixiao.importer.workbook`)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections import Counter
from pathlib import Path
from typing import Any

from jixiao.errors import SpecError, UsageError
from jixiao.expand.department import expand_department
from jixiao.importer import context as cx
from jixiao.importer.assemble import Assembly
from jixiao.importer.found import FoundDoc, Note
from jixiao.importer.memory import preset_library
from jixiao.importer.pipeline import _inside, _preset_infos, _verified, _Work, plan_presets
from jixiao.importer.report import ImportReport
from jixiao.importer.workbook.extras import (
    add_row_extras,
    book_framework,
    form_header,
    named_framework,
)
from jixiao.importer.workbook.labels import extra_labels
from jixiao.importer.workbook.recognise import Seen, recognise
from jixiao.importer.workbook.sheets import Sheet, read_workbook, sheets_of
from jixiao.importer.workbook.tables import Extras, found_doc
from jixiao.importer.write import check_target, publish, staged, texts
from jixiao.model.document import Document
from jixiao.spec.load import load_department
from jixiao.spec.workbook import (
    WorkbookLayoutSpec,
    find_workbook_layout,
    load_workbook_layouts,
    workbook_dirs,
)

#: Name of the layout file written when the workbook follows no built-in layout.
IMPORTED = "导入"
_YEAR = re.compile(r"(20\d\d)\s*年")


def import_workbook(path: Path, target: Path, *, year: int | None = None, force: bool = False,
                    layout: str | None = None) -> ImportReport:
    """Import the workbook *path* as a spec folder *target*.

    Raises:
        UsageError: *target* exists (without *force*), no year can be found, the layout does not exist.
        ImportProblem: the file is not a readable workbook, or holds no indicator table.
        RenderError: the folder cannot be written.
    """
    check_target(target, force=force)
    shown, target = target, target.absolute()
    given = given_layout(layout)
    r = read_projects(path, given, year=year)
    sheets, notes, found, extras, unit = r.sheets, r.notes, r.found, r.extras, r.unit
    framework, all_level2 = book_framework(found, extras)
    shape = given.model_dump(by_alias=True, exclude_none=True) if given else {**r.seen.layout, "预印二级": all_level2}
    columns = word_columns(found)
    work = plan_book(found, r.year, r.department, notes, framework, columns, extras)
    notes[:] = [n for n in notes if not n.what.endswith("没有表题")]  # the workbook has sheets, not titles
    assembly = _verified(work)
    name, layout_file = _workbook_name(shape, unit, layout)
    dept = assembly.department
    dept["指标体系"] = named_framework(framework)
    dept["工作簿"] = name
    add_row_extras(assembly, extras)
    lib = preset_library(assembly.presets)
    files = texts(assembly, path.name)
    if layout_file is not None:
        files[f"workbooks/{IMPORTED}.yaml"] = layout_file
    with staged(target, files) as tmp:
        problems, doc = _problems(tmp)
        diffs = [] if doc is None else _round_trip(doc, tmp, sheets)
        publish(tmp, target)
    del lib
    return ImportReport(
        source=path.name, target=shown, word_tables=len(sheets), paragraphs=0, tables=len(found.tables),
        part_one=False, parts=[], layout=f"{{基于: \"2021\", 指标表列: [{', '.join(columns)}]}}；工作簿布局：{name}",
        units=[(u.code, u.name, len(u.tables)) for u in work.units], presets=_preset_infos(work, preset_library(assembly.presets)),
        lines={stem: sum(1 for line in text.splitlines() if line.strip()) for stem, text in files.items()
               if stem.startswith("projects/")},
        notes=notes, problems=problems, differences=diffs,
        year_changed=None, kind="workbook",
    )


@dataclasses.dataclass
class ReadBook:
    """A workbook read and recognised: its sheets, projects (with their cells) as found tables, and what was guessed."""

    sheets: list[Sheet]
    seen: Seen
    found: FoundDoc
    extras: dict[int, Extras]
    unit: str
    year: int
    department: str
    notes: list[Note]


def read_projects(path: Path, given: WorkbookLayoutSpec | None, *, year: int | None = None,
                  action: str = "导入") -> ReadBook:
    """Read *path* (for *action*: 导入 or 检查), recognise its projects (by *given*'s labels too) as found tables.

    Raises:
        UsageError: no year can be found.
        ImportProblem: not a readable workbook, or no indicator table.
    """
    book = read_workbook(path, action=action)
    with extra_labels(given):
        seen = recognise(book.sheets)
    notes = list(seen.notes)
    unit = _money_unit(seen.money_unit or (given.money_unit if given else None), seen.projects, notes)
    found, extras = found_doc(seen.projects, unit, notes)
    doc_year = year or _year(book.sheets, book.title)
    if doc_year is None:
        raise UsageError(f"无法从 {path.name} 中看出预算年度（没有「2025年」这样的年份）。请加 --年度 2025 指定。")
    department = _department(seen.projects, found, notes)
    return ReadBook(book.sheets, seen, found, extras, unit, doc_year, department, notes)


def given_layout(layout: str | None) -> WorkbookLayoutSpec | None:
    if layout is None:
        return None
    from jixiao.spec.workbook import WorkbookLayoutProblem

    try:
        return find_workbook_layout(layout, Path.cwd()).spec
    except WorkbookLayoutProblem as exc:
        raise SpecError(exc.diagnostics) from None


def _money_unit(seen: str | None, projects: list[Any], notes: list[Note]) -> str:
    if seen in ("元", "万元"):
        return seen
    amounts = [c for p in projects for n, c in p.fields.items() if n in ("预算数", "财政拨款", "财政资金") and c.text]
    integers = amounts and all(re.fullmatch(r"\d+", c.text.replace(",", "")) for c in amounts)
    unit = "元" if integers else "万元"
    notes.append(Note("全文", "工作簿中没有写金额单位（「单位：万元」或标签中的「（元）」）",
                      f"金额{'都是整数，' if integers else '有小数，'}按{unit}读入；如不对，请改 部门.yaml 的 金额单位"))
    return unit


def _year(sheets: list[Sheet], title: str = "") -> int | None:
    votes: Counter[int] = Counter()
    for m in _YEAR.finditer(title):
        votes[int(m.group(1))] += 5
    for sheet in sheets:
        for m in _YEAR.finditer(sheet.name):
            votes[int(m.group(1))] += 3
        for cell in sheet.cells.values():
            if isinstance(cell.value, str) and len(cell.value) < 200:
                for m in _YEAR.finditer(cell.value):
                    votes[int(m.group(1))] += 1
            elif isinstance(cell.value, dt.date):
                votes[cell.value.year] += 1
    return votes.most_common(1)[0][0] if votes else None


def _department(projects: list[Any], found: FoundDoc, notes: list[Note]) -> str:
    tops = Counter(p.text("一级预算单位").strip() for p in projects if p.text("一级预算单位").strip())
    if tops:
        return str(tops.most_common(1)[0][0])
    names = [t.unit_label for t in found.tables if t.unit_label]
    if names:
        name = re.sub(r"^\d+", "", names[0])
        notes.append(Note("全文", "工作簿中没有一级预算单位（主管部门）", f"部门名称取自第一个单位：{name}（推断，请核对 部门.yaml）"))
        return name
    notes.append(Note("全文", "没有读出部门名称", "部门名称写作「某部门」，请在 部门.yaml 中改正"))
    return "某部门"


def word_columns(found: FoundDoc) -> list[str]:
    """The 2021 版式's columns for what the workbook has (指标值确定依据 only when it has them).

    A table whose 依据 cells are all blank (its part prints no 依据) gets the columns without it.
    """
    has_basis = any(r.basis for t in found.tables for r in t.rows)
    columns = ["指标值", "指标解释", *(["指标值确定依据"] if has_basis else [])]
    for t in found.tables:
        mine = columns if has_basis and any(r.basis for r in t.rows) else ["指标值", "指标解释"]
        t.columns = ["一级指标", "二级指标", "三级指标", *mine]
        for r in t.rows:
            r.basis = (r.basis or "") if mine is columns and has_basis else None
    return columns


def plan_book(found: FoundDoc, year: int, department: str, notes: list[Note], framework: Any, columns: list[str],
          extras: dict[int, Extras], *, mining: bool = True) -> _Work:
    """As the Word import plans (:func:`jixiao.importer.pipeline.plan_presets`), with the workbook's header fields."""
    money_unit = (found.tables[0].money_unit if found.tables else None) or "万元"
    base = framework if isinstance(framework, str) else framework["基于"]
    units, ctxs = cx.contexts(found, year, department, base, money_unit, notes)  # type: ignore[arg-type]
    for t in found.tables:
        t.unit_label = None  # a workbook has no unit line to compare with what jixiao prints
    layout = {"基于": "2021", "指标表列": columns}
    for c in ctxs:
        c.layout = {**layout, "指标表列": c.table.columns[3:]}
        e = extras[c.table.number]
        c.header.update(form_header(e.header, department, c.facts.unit_name))
    choices, presets, tables = plan_presets(found, ctxs, year, department, base, "工作簿", mining=mining)
    return _WorkbookWork(found, year, department, base, money_unit, units, choices, presets, tables, notes, layout=layout)


@dataclasses.dataclass
class _WorkbookWork(_Work):
    """The Word import's work, assembled with the workbook's 版式 for every table."""

    layout: dict[str, Any] = dataclasses.field(default_factory=dict)

    def assemble(self) -> Assembly:
        a = super().assemble()
        a.department["版式"] = self.layout
        for p in a.projects:
            p.data.pop("版式", None)
            if p.choice.ctx.table.columns[3:] != self.layout["指标表列"]:
                p.data["版式"] = {"指标表列": p.choice.ctx.table.columns[3:]}
        for part in a.department.get("部分", []):
            part.pop("版式", None)
        return a


def _workbook_name(shape: dict[str, Any], unit: str, given: str | None) -> tuple[str, str | None]:
    """The 工作簿 entry of 部门.yaml and, when it is no built-in one, the layout file's text."""
    if given is not None and not given.endswith((".yaml", ".yml")):
        return given, None
    spec = WorkbookLayoutSpec.model_validate(shape)
    layouts, _ = load_workbook_layouts(workbook_dirs(None))
    for name, known in layouts.items():
        if _same(known.spec, spec, unit, ignore_all_level2=spec.all_level2):
            return name, None
    data = _plain(spec.model_dump(by_alias=True, exclude_defaults=True, exclude_none=True))
    data = {"说明": "由 jixiao import 从工作簿中读出的布局（推断，请核对）", **data, "形式": spec.shape}
    if spec.money_unit is None:
        data["金额单位"] = unit
    from jixiao.importer.yamltext import dump

    head = "# yaml-language-server: $schema=../schema/workbook.schema.json"
    return IMPORTED, "\n".join([head, *dump(data, _layout_flow)]) + "\n"


def _plain(data: Any) -> Any:
    """``{字段: X}`` without a label or width written as ``X``."""
    if isinstance(data, dict):
        if set(data) == {"字段"}:
            return data["字段"]
        return {k: _plain(v) for k, v in data.items()}
    if isinstance(data, list):
        return [_plain(v) for v in data]
    return data


def _layout_flow(path: tuple[str | int, ...], value: Any) -> bool:
    return not (path in (("表头",), ("工作表",), ("脚注",)) or (len(path) == 2 and path[0] == "工作表"))


def _same(a: WorkbookLayoutSpec, b: WorkbookLayoutSpec, unit: str, *, ignore_all_level2: bool) -> bool:
    """Do *a* and *b* write the same cells? (预印二级 makes no difference when the 指标体系 prints 「不适用」 rows.)"""
    skip = {"note", "schema_", "font", "font_size", "money_unit", "sheet_name", *(["all_level2"] if ignore_all_level2 else [])}
    if (a.money_unit or unit) != (b.money_unit or unit):
        return False
    da = a.model_dump(exclude=skip)
    db = b.model_dump(exclude=skip)
    if a.shape == "清单":
        return bool(da["sheets"] == db["sheets"] and da.get("all_level2") == db.get("all_level2"))
    return bool(da == db)


def _problems(folder: Path) -> tuple[list[str], Document | None]:
    """Problems ``jixiao validate`` reports for the written files, or the document they expand to."""
    try:
        return [], expand_department(load_department(folder))
    except SpecError as exc:
        root = folder.resolve()
        return [f"{_inside(d.path, root)}:{d.line}:{d.col}：{d.message}" for d in exc.diagnostics], None


def _round_trip(doc: Document, folder: Path, source: list[Sheet]) -> list[str]:
    """Cells the written spec's workbook holds differently from the imported one."""
    from jixiao.render.xlsx import workbook_in_memory

    try:
        book = workbook_in_memory(doc, doc.tables())
    except SpecError as exc:
        return [f"写回工作簿：{d.message}" for d in exc.diagnostics[:5]]
    made = sheets_of(book, folder / "（写回的工作簿）.xlsx")
    out: list[str] = []
    for a, b in zip(source, made, strict=False):
        for key in sorted(set(a.cells) | set(b.cells)):
            x, y = a.cells.get(key), b.cells.get(key)
            if _norm(x) != _norm(y):
                where = (x or y).where if (x or y) is not None else a.name  # type: ignore[union-attr]
                out.append(f"{where}：原文「{x.text if x else ''}」，写回「{y.text if y else ''}」")
    if len(source) != len(made):
        out.append(f"工作表：原文 {len(source)} 张，写回 {len(made)} 张")
    if len(out) > 20:
        out = [*out[:20], f"……共 {len(out)} 处"]
    return [f"工作簿 {d}" for d in out]


def _norm(cell: Any) -> str:
    if cell is None:
        return ""
    return "\n".join(line.strip(" \t\u3000\xa0") for line in cell.text.split("\n")).strip()


__all__ = ["import_workbook"]
