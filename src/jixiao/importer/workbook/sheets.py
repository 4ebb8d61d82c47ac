"""Open a workbook to import, safely, and read its sheets as text grids.

The workbook is untrusted: it is checked before openpyxl sees it — a regular
file of bounded size (:mod:`jixiao.docfile`), not an encrypted OLE container, not
an old .xls, a zip package whose every part inflates within the limits on parts,
sizes and ratio (:mod:`jixiao.zipread`, the reader the Word import uses) — and
read in openpyxl's read-only mode with bounded rows, columns and cells. A
formula or a hidden sheet with data is refused, naming the cell or sheet: jixiao
imports what the workbook shows, not what Excel would compute.
"""

from __future__ import annotations

import datetime as dt
import io
import operator
from dataclasses import dataclass, field
from decimal import Decimal
from functools import partial
from pathlib import Path
from typing import Any

from jixiao import limits
from jixiao.docfile import read_document
from jixiao.importer.found import ImportProblem
from jixiao.zipread import EXCEL, ZipLimits, ZipReader

_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ENCRYPTED = "EncryptedPackage".encode("utf-16-le")
_MB = 1024 * 1024


@dataclass(frozen=True)
class Cell:
    """A non-empty cell: where it is, its text (as the workbook shows it) and its typed value."""

    sheet: str
    row: int
    col: int
    text: str
    value: Any
    number_format: str = "General"

    @property
    def where(self) -> str:
        """``Sheet1!C7``."""
        from openpyxl.utils import get_column_letter

        return f"{self.sheet}!{get_column_letter(self.col)}{self.row}"

    @property
    def is_number(self) -> bool:
        return isinstance(self.value, int | float | Decimal) and not isinstance(self.value, bool)


@dataclass
class Sheet:
    """A visible sheet: its non-empty cells by (row, column)."""

    name: str
    cells: dict[tuple[int, int], Cell] = field(default_factory=dict)
    max_row: int = 0
    max_col: int = 0
    _rows: dict[int, list[Cell]] | None = field(default=None, repr=False, compare=False)
    _count: int = field(default=0, repr=False, compare=False)

    def at(self, row: int, col: int) -> Cell | None:
        return self.cells.get((row, col))

    def row(self, row: int) -> list[Cell]:
        """The non-empty cells of *row*, left to right."""
        return self._by_row().get(row, [])

    def rows(self) -> list[list[Cell]]:
        """Every row that has a non-empty cell, top to bottom."""
        return list(self._by_row().values())

    def _by_row(self) -> dict[int, list[Cell]]:
        if self._rows is None or self._count != len(self.cells):
            self._rows = {}
            for (r, _), c in sorted(self.cells.items()):
                self._rows.setdefault(r, []).append(c)
            self._count = len(self.cells)
        return self._rows


def _check_package(path: Path, data: bytes, action: str) -> str:
    """Refuse what is not an .xlsx, and inflate every part once under the limits (header sizes can lie).

    *action* is what the command does with the workbook (导入, 检查 …): the messages say to do it again.
    Returns the title property.
    """
    if data.startswith(_OLE):
        if _ENCRYPTED in data:
            raise ImportProblem(
                f"{path.name} 有密码保护（加密的工作簿），无法读取。请在 Excel 或 WPS 中打开，去掉密码（文件 → 信息 → "
                f"保护工作簿 → 用密码进行加密，清空密码）后另存为 .xlsx，再{action}。"
            )
        raise ImportProblem(f"{path.name} 是旧版 Excel 文件（.xls）。请在 Excel 或 WPS 中另存为 .xlsx 后再{action}。")
    if not data.startswith(b"PK"):
        raise ImportProblem(f"{path.name} 不是 Excel 工作簿（.xlsx）。请在 Excel 或 WPS 中另存为 .xlsx 后再{action}。")
    bounds = ZipLimits(members=limits.MAX_WORKBOOK_PARTS, total_bytes=limits.MAX_WORKBOOK_UNPACKED_BYTES)
    with ZipReader(data, path.name, bounds, kind=EXCEL) as package:
        if "xl/workbook.xml" not in package.names:
            word = "word/document.xml" in package.names
            raise ImportProblem(f"{path.name} 不是 Excel 工作簿（压缩包中没有 xl/workbook.xml）"
                                + ("；它是 Word 文件，请去掉 --布局 后导入" if word and action == "导入" else "") + "。")
        for name in sorted(package.names):
            package.read(name)
        return _title(package.read("docProps/core.xml")) if "docProps/core.xml" in package.names else ""


@dataclass(frozen=True)
class Workbook:
    """The visible sheets of a workbook, as text, and its title property ("" when none)."""

    sheets: list[Sheet]
    title: str


def is_workbook(path: Path) -> bool:
    """An .xlsx by name, or (another name) a zip package holding xl/workbook.xml, told by content."""
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        return True
    if path.suffix.lower() in (".docx", ".doc", ".wps", ".rtf", ".odt"):
        return False
    data = read_document(path)
    if not data.startswith(b"PK"):
        return False
    with ZipReader(data, path.name, kind=EXCEL) as package:
        return "xl/workbook.xml" in package.names


def read_workbook(path: Path, *, action: str = "导入") -> Workbook:
    """The workbook at *path*, read for *action* (导入, 检查, 使用: how messages say to try again).

    Raises:
        UsageError: *path* does not exist, is a folder, or is not a regular file.
        ImportProblem: not an .xlsx, encrypted, too big, damaged, a formula, a hidden sheet with data.
        ZipProblem: damaged, or a part over the limits (a zip bomb).
    """
    return workbook_from_bytes(read_document(path), path, action=action)


def workbook_from_bytes(data: bytes, path: Path, *, action: str = "导入") -> Workbook:
    """The workbook *data* read from *path* (named in messages); see :func:`read_workbook`."""
    if len(data) > limits.MAX_WORKBOOK_BYTES:
        raise ImportProblem(f"{path.name} 有 {len(data) // _MB} MB，超过 {limits.MAX_WORKBOOK_BYTES // _MB} MB 的上限，不像是一份绩效目标工作簿。")
    title = _check_package(path, data, action)
    import openpyxl

    try:
        wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except Exception as exc:  # noqa: BLE001 - openpyxl raises many kinds on a damaged package
        raise ImportProblem(f"{path.name} 已损坏，无法作为 .xlsx 读取（{type(exc).__name__}）。请在 Excel 中打开并另存为 .xlsx 后重试。") from exc
    try:
        return Workbook(_sheets(path, wb, action=action), title)
    finally:
        wb.close()


def sheets_of(wb: Any, path: Path) -> list[Sheet]:
    """The visible sheets of an openpyxl workbook already in memory (one jixiao wrote), *path* named in messages.

    Cells hold what reading the saved file would give: a number is stored as ``%.16g`` of it, which openpyxl
    reads back as a float (with a point or an exponent) or an int.
    """
    out = _sheets(path, wb, in_memory=True)
    for sheet in out:
        for key, c in sheet.cells.items():
            if c.is_number:
                digits = format(float(c.value), ".16g")  # openpyxl writes "%.16g" % value
                value: Any = float(digits) if "." in digits or "e" in digits.lower() else int(digits)
                sheet.cells[key] = Cell(c.sheet, c.row, c.col, _text(value), value, c.number_format)
    return out


def _sheets(path: Path, wb: Any, *, in_memory: bool = False, action: str = "导入") -> list[Sheet]:
    """The visible sheets; *in_memory*: a workbook being written, whose rows end where its cells end."""
    if len(wb.worksheets) > limits.MAX_WORKBOOK_SHEETS:
        raise ImportProblem(f"{path.name} 有 {len(wb.worksheets)} 张工作表，超过 {limits.MAX_WORKBOOK_SHEETS} 张的上限。")
    from openpyxl.cell.read_only import EMPTY_CELL

    written = partial(operator.is_not, EMPTY_CELL)  # read-only rows are padded to the column bound with this
    out: list[Sheet] = []
    total = 0
    for ws in wb.worksheets:
        sheet = Sheet(ws.title)
        try:
            # A workbook being written creates every cell it is asked for: only its own extent is read.
            rows = ws.iter_rows() if in_memory else ws.iter_rows(max_row=limits.MAX_SHEET_ROWS, max_col=limits.MAX_SHEET_COLUMNS)
            for row in rows:
                for cell in filter(written, row):
                    value = getattr(cell, "value", None)
                    if value is None or (isinstance(value, str) and not value.strip()):
                        continue
                    total += 1
                    if total > limits.MAX_WORKBOOK_CELLS:
                        raise ImportProblem(
                            f"{path.name} 的非空单元格超过 {limits.MAX_WORKBOOK_CELLS} 个的上限，不像是一份绩效目标工作簿。"
                        )
                    c = Cell(ws.title, cell.row, cell.column, _text(value), value, getattr(cell, "number_format", "General"))
                    if getattr(cell, "data_type", None) == "f" or (isinstance(value, str) and value.startswith("=") and _formula(cell)):
                        raise ImportProblem(
                            f"{c.where} 是公式（{_short(str(value))}）：jixiao 只读取单元格中的数值和文字，不计算公式。"
                            f"请在 Excel 中选中这些单元格，复制后「选择性粘贴 → 数值」，保存后再{action}。"
                        )
                    sheet.cells[(c.row, c.col)] = c
                    sheet.max_row = max(sheet.max_row, c.row)
                    sheet.max_col = max(sheet.max_col, c.col)
        except ImportProblem:
            raise
        except Exception as exc:  # noqa: BLE001 - a damaged sheet part
            raise ImportProblem(f"{path.name} 的工作表「{ws.title}」已损坏，无法读取（{type(exc).__name__}）。") from exc
        if getattr(ws, "sheet_state", "visible") != "visible":
            if sheet.cells:
                first = min(sheet.cells.values(), key=lambda c: (c.row, c.col))
                raise ImportProblem(
                    f"工作表「{ws.title}」是隐藏的，其中有内容（{first.where}）：jixiao 不读取看不见的内容。"
                    f"请在 Excel 中取消隐藏（右键工作表标签 → 取消隐藏）确认后保留，或删除这张工作表，再{action}。"
                )
            continue
        out.append(sheet)
    return out


def _formula(cell: Any) -> bool:
    return getattr(cell, "data_type", None) == "f"


def _short(text: str) -> str:
    return text if len(text) <= 30 else text[:30] + "…"


def _text(value: Any) -> str:
    """A cell's value as text: strings as written (line breaks kept), numbers without float noise."""
    if isinstance(value, str):
        return value.replace("\r\n", "\n").replace("\r", "\n")
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return format(Decimal(repr(value)), "f")
    if isinstance(value, dt.datetime):
        return f"{value.year}年{value.month}月{value.day}日"
    if isinstance(value, dt.date):
        return f"{value.year}年{value.month}月{value.day}日"
    return str(value)


def _title(core: bytes) -> str:
    """The title in docProps/core.xml (jixiao writes the document title there)."""
    xml = core.decode("utf-8", "replace")
    start, end = xml.find("<dc:title>"), xml.find("</dc:title>")
    return xml[start + len("<dc:title>") : end] if 0 <= start < end else ""
