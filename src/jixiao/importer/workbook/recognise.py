"""Recognise a workbook by its labels: one sheet per project, or flat sheets; and the layout it follows.

A sheet is an indicator table when one of its rows holds the labels 二级指标 and
三级指标 (with 一级指标 and the others around them). When that row also holds
project columns (项目编码, 项目名称, 单位名称 …) the sheet is flat — one row per
indicator, the project columns filled down where they are left blank; otherwise
the rows above it are the project's header block (``label | value`` cells) and the
sheet is one project. A sheet whose label row has project columns only is a flat
list of projects, joined to the indicator rows by 项目编码 (else 项目名称).

What was seen is also written down as a 工作簿布局 (:class:`WorkbookLayoutSpec`),
so that the same layout can be written again.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from jixiao.importer.found import ImportProblem, Note
from jixiao.importer.workbook.labels import ROW_FIELDS, field_of, fold
from jixiao.importer.workbook.sheets import Cell, Sheet
from jixiao.model.cells import SAME_FIELD
from jixiao.model.fields import FIELDS

_UNIT_LINE = re.compile(r"^单位[:：]\s*(万元|元)$")


@dataclass
class Project:
    """One project as read: its fields (text and the cell) and its indicator rows (field → cell)."""

    where: str
    sheet: str = ""
    fields: dict[str, Cell] = field(default_factory=dict)
    rows: list[dict[str, Cell]] = field(default_factory=list)

    def text(self, name: str) -> str:
        cell = self.fields.get(name)
        return cell.text if cell is not None else ""


@dataclass
class Seen:
    """What the workbook holds: projects, the layout as data, the money unit if printed, notes."""

    projects: list[Project]
    layout: dict[str, Any]
    money_unit: str | None
    notes: list[Note] = field(default_factory=list)


def _label_row(sheet: Sheet) -> tuple[int, dict[int, tuple[str, str]]] | None:
    """The row of the indicator table's labels: (row, column → (field, printed label))."""
    for cells in sheet.rows():
        mapped = {c.col: (name, c.text) for c in cells if (name := field_of(c.text)[0]) is not None}
        names = {n for n, _ in mapped.values()}
        if {"二级指标", "三级指标"} <= names or ({"项目名称", "预算数"} <= names and not names & ROW_FIELDS):
            return cells[0].row, mapped
    return None


def _column(name: str, label: str) -> Any:
    """A layout column for a field read under *label*: the label itself when it is a field of that name."""
    label = label.strip()
    flat = fold(label)
    if flat in FIELDS and SAME_FIELD.get(flat, flat) == name:
        return flat
    return name if flat == name or not label else {"字段": name, "标签": label}


def recognise(sheets: list[Sheet]) -> Seen:
    """The projects of the workbook and its layout.

    Raises:
        ImportProblem: no sheet holds an indicator table.
    """
    per_project: list[tuple[Sheet, int, dict[int, tuple[str, str]]]] = []
    flat: list[tuple[Sheet, int, dict[int, tuple[str, str]]]] = []
    notes: list[Note] = []
    for sheet in sheets:
        found = _label_row(sheet)
        if found is None:
            if sheet.cells:
                notes.append(Note(f"工作表「{sheet.name}」", "没有指标表或项目清单的表头（一级指标、二级指标、三级指标 …）", "已略去"))
            continue
        row, mapped = found
        names = {n for n, _ in mapped.values()}
        if names & {"项目编码", "项目名称", "单位名称"} or not names & ROW_FIELDS:
            flat.append((sheet, row, mapped))
        else:
            per_project.append((sheet, row, mapped))
    if per_project:
        return _per_project(per_project, notes)
    if flat:
        return _flat(flat, notes)
    raise ImportProblem("工作簿中没有找到绩效目标表：没有一张工作表有「二级指标」「三级指标」这样的表头。"
                        "如果是别的布局，请用 --布局 给出布局文件（见 README「与预算管理一体化系统交换数据」）。")


# --- one sheet per project ----------------------------------------------------------


def _per_project(found: list[tuple[Sheet, int, dict[int, tuple[str, str]]]], notes: list[Note]) -> Seen:
    projects: list[Project] = []
    layout: dict[str, Any] = {"形式": "分表", "标题": None, "单位行": False, "表头": [], "指标表列": [], "脚注": []}
    unit: str | None = None
    repeated: set[str] = set()  # 一级/二级 printed again on the next row of the group: not merged
    for i, (sheet, label_row, mapped) in enumerate(found):
        p = Project(where=f"工作表「{sheet.name}」", sheet=sheet.name)
        header: list[list[Any]] = []
        title: str | None = None
        for cells in sheet.rows():
            if cells[0].row >= label_row:
                break
            labels = [(c, field_of(c.text)) for c in cells]
            if not any(f for _, (f, _) in labels):
                text = " ".join(c.text for c in cells).strip()
                m = _UNIT_LINE.match(fold(text).replace(":", "："))
                if m:
                    unit = m.group(1)
                    layout["单位行"] = True
                elif title is None and len(cells) == 1:
                    title = text
                continue
            row_fields: list[Any] = []
            k = 0
            while k < len(labels):
                cell, (name, money) = labels[k]
                if name is None:
                    k += 1
                    continue
                unit = unit or money
                value = labels[k + 1][0] if k + 1 < len(labels) and labels[k + 1][1][0] is None else None
                if name in p.fields:
                    name = "实施期目标" if name == "绩效目标" else name
                p.fields[name] = value if value is not None else Cell(sheet.name, cell.row, cell.col + 1, "", None)
                column = _column(name, cell.text)
                if row_fields and cell.col != max(2, (len(mapped) + 1) // 2) + 1:
                    column = {**(column if isinstance(column, dict) else {"字段": column}), "位置": cell.col}
                row_fields.append(column)
                k += 2 if value is not None else 1
            if row_fields:
                header.append(row_fields[:2])
        columns = [_column(n, label) for _, (n, label) in sorted(mapped.items())]
        last: dict[str, Cell] = {}
        after = False
        footnotes: list[str] = []
        for r in range(label_row + 1, sheet.max_row + 1):
            cells = sheet.row(r)
            if not cells:
                continue
            row = {mapped[c.col][0]: c for c in cells if c.col in mapped}
            if after or (len(cells) == 1 and not row.get("三级指标") and fold(cells[0].text).startswith(("注", "说明", "备注"))):
                after = True
                footnotes.append(" ".join(c.text for c in cells))
                continue
            if not row.get("三级指标") and not row.get("指标值"):
                continue
            for name in ("一级指标", "二级指标"):
                if name not in row and name in last:
                    row[name] = last[name]
                elif name in row and name in last and row[name] is not last[name] and _same_group(row, last, name):
                    repeated.add(name)
            last = {k: v for k, v in row.items() if k in ("一级指标", "二级指标")}
            p.rows.append(row)
        projects.append(p)
        if i == 0:
            layout["表头"], layout["指标表列"], layout["脚注"] = header, columns, footnotes
            name = p.text("项目名称")
            if title:
                layout["标题"] = title.replace(name, "{项目名称}") if name and name in title else title
            layout["工作表名"] = _sheet_pattern(sheet.name, p, 1)
    layout["合并单元格"] = [n for n in ("一级指标", "二级指标") if n not in repeated]
    return Seen(projects, layout, unit, notes)


def _same_group(row: dict[str, Cell], last: dict[str, Cell], name: str) -> bool:
    """Is *name* printed again with the same text (and, for 二级, under the same 一级)?"""
    if row[name].text != last[name].text:
        return False
    if name == "一级指标":
        return True
    a, b = row.get("一级指标"), last.get("一级指标")
    return a is b or (a is not None and b is not None and a.text == b.text)


def _sheet_pattern(name: str, p: Project, number: int) -> str:
    """The sheet naming pattern the first sheet's name follows ({序号}, {项目名称}, {项目编码})."""
    title, code = p.text("项目名称"), p.text("项目编码")
    if title and name == f"{number}.{title}"[:31]:
        return "{序号}.{项目名称}"
    pattern = name
    for value, key in ((title, "{项目名称}"), (code, "{项目编码}")):
        if value and value[:31] in pattern:
            pattern = pattern.replace(value[:31], key, 1)
    if str(number) in pattern:
        pattern = pattern.replace(str(number), "{序号}", 1)
    return pattern if "{" in pattern else "{序号}.{项目名称}"


# --- flat sheets --------------------------------------------------------------------


def _flat(found: list[tuple[Sheet, int, dict[int, tuple[str, str]]]], notes: list[Note]) -> Seen:
    sheets: list[dict[str, Any]] = []
    listed: list[Project] = []
    groups: list[Project] = []
    unit: str | None = None
    for sheet, label_row, mapped in found:
        for _, label in mapped.values():
            unit = unit or field_of(label)[1]
        names = [n for _, (n, _) in sorted(mapped.items())]
        per_row = "指标" if set(names) & ROW_FIELDS else "项目"
        spec: dict[str, Any] = {"名称": sheet.name, "每行": per_row, "列": [_column(n, lbl) for _, (n, lbl) in sorted(mapped.items())]}
        lines = [{mapped[c.col][0]: c for c in sheet.row(r) if c.col in mapped} for r in range(label_row + 1, sheet.max_row + 1)]
        lines = [cells for cells in lines if cells]
        if per_row == "项目":
            listed += [Project(where=next(iter(cells.values())).where, sheet=sheet.name, fields=cells) for cells in lines]
            sheets.append(spec)
            continue
        project_names = set(names) - ROW_FIELDS
        fill_down = any(not (set(cells) & project_names) for cells in lines)
        current: Project | None = None
        for cells in lines:
            mine = {k: v for k, v in cells.items() if k not in ROW_FIELDS}
            starts = current is None or (mine and (fill_down or _key(mine) != _key(current.fields)))
            if starts:
                current = Project(where=next(iter(cells.values())).where, sheet=sheet.name, fields=dict(mine))
                groups.append(current)
            assert current is not None
            row = {k: v for k, v in cells.items() if k in ROW_FIELDS}
            for name in ("一级指标", "二级指标"):
                if name not in row and current.rows and name in current.rows[-1]:
                    row[name] = current.rows[-1][name]
            current.rows.append(row)
        if fill_down:
            spec["项目列只写首行"] = True
        sheets.append(spec)
    projects = groups
    if listed:
        pending = list(groups)
        projects = []
        for p in listed:
            match = next((g for g in pending if _key(g.fields) == _key(p.fields)), None)
            if match is not None:
                pending.remove(match)
                p.fields = {**match.fields, **p.fields}
                p.rows = match.rows
            projects.append(p)
        for g in pending:
            notes.append(Note(g.where, f"指标行的项目「{_key(g.fields)}」不在项目清单中", "按一个单独的项目读入"))
            projects.append(g)
    return Seen(projects, {"形式": "清单", "工作表": sheets}, unit, notes)


def _key(cells: dict[str, Cell]) -> str:
    for name in ("项目编码", "项目名称"):
        if name in cells and cells[name].text.strip():
            return cells[name].text.strip()
    return "（未写项目）"
