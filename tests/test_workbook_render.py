"""jixiao render --format xlsx: the budget system's workbook, typed, styled, deterministic, read back by LibreOffice."""

from __future__ import annotations

import csv
import datetime as dt
import shutil
import subprocess
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from conftest import DEPARTMENT, PROJECT
from jixiao import expand_department, load_department
from jixiao.render.build import RenderOptions, render_department
from jixiao.render.xlsx import render_workbook
from jixiao.render.xlsx.package import sheet_names
from jixiao.spec.workbook import find_workbook_layout

ROOT = Path(__file__).resolve().parents[1]
WHEN = dt.datetime(2025, 1, 1)


def _workbook(spec: Path, layout: str | None = None) -> tuple[Any, bytes]:
    doc = expand_department(load_department(spec))
    chosen = find_workbook_layout(layout, spec).spec if layout is not None else None
    data = render_workbook(doc, doc.tables(), WHEN, chosen)
    return doc, data


def _open(data: bytes, tmp_path: Path, name: str = "x.xlsx") -> Any:
    path = tmp_path / name
    path.write_bytes(data)
    return openpyxl.load_workbook(path)


def test_two_renders_are_byte_identical_and_dated(tmp_path: Path) -> None:
    spec = ROOT / "specs" / "tangshan-2025"
    _, first = _workbook(spec)
    _, second = _workbook(spec)
    assert first == second
    wb = _open(first, tmp_path)
    assert wb.properties.created == WHEN and wb.properties.modified == WHEN
    assert len(wb.sheetnames) == 54 and all(len(n) <= 31 for n in wb.sheetnames)


def test_cells_have_real_types(tmp_path: Path) -> None:
    doc, data = _workbook(ROOT / "specs" / "tangshan-2025")
    ws = _open(data, tmp_path).worksheets[1]  # 2.法律顾问费
    cells = {c.value: c for row in ws.iter_rows() for c in row if c.value is not None}
    code = ws.cell(row=4, column=2)
    assert code.data_type == "s" and code.value == doc.tables()[1].code and code.number_format == "@"
    budget = ws.cell(row=8, column=2)
    assert budget.data_type == "n" and budget.number_format == "0.00" and float(budget.value) == float(doc.tables()[1].budget)
    assert "≤0.42万元/月" in cells or any(isinstance(v, str) and v.startswith("≤") for v in cells)
    assert int(ws.page_setup.paperSize) == 9 and ws.page_setup.orientation == "portrait"  # A4
    assert any(r.min_col == 2 and r.max_col > 2 for r in ws.merged_cells.ranges)
    assert ws.cell(row=16, column=1).font.name == "宋体"


def test_values_starting_with_equals_are_text_not_formulas(spec_dir: Any, tmp_path: Path) -> None:
    _, data = _workbook(spec_dir())  # 运转类: 工作完成率 =100%
    ws = _open(data, tmp_path).worksheets[0]
    exact = [c for row in ws.iter_rows() for c in row if isinstance(c.value, str) and c.value.startswith("=")]
    assert exact and all(c.data_type == "s" for c in exact)


def test_long_digit_codes_stay_text(spec_dir: Any, tmp_path: Path) -> None:
    project = PROJECT + '项目编码: "440000000000000000001"\n'
    spec = spec_dir({"01-法律顾问费": project}, DEPARTMENT + "工作簿: 清单\n")
    _, data = _workbook(spec)
    ws = _open(data, tmp_path)["项目"]
    assert ws["A2"].value == "440000000000000000001" and ws["A2"].data_type == "s"


def test_sheet_names_are_valid_and_unique() -> None:
    long = "某某市医疗保障局城乡居民基本医疗保险补助资金及大病保险补助资金"
    names = sheet_names(["1.a/b:c*d?[e]", long, long, "'x'", ""])
    assert names[0] == "1.a_b_c_d__e_"
    assert names[1] == long[:31] and names[2] == long[:28] + "(2)"
    assert names[3] == "x" and names[4] == "Sheet"
    assert all(len(n) <= 31 for n in names) and len({n.lower() for n in names}) == 5


def test_flat_layouts(spec_dir: Any, tmp_path: Path) -> None:
    spec = ROOT / "specs" / "dongli-2025"
    doc, data = _workbook(spec, "清单")
    wb = _open(data, tmp_path)
    assert wb.sheetnames == ["项目", "指标"]
    projects, rows = wb["项目"], wb["指标"]
    assert projects.max_row == 1 + len(doc.tables())
    assert [c.value for c in rows[1]][:8] == ["项目编码", "项目名称", "一级指标", "二级指标", "三级指标", "计算符号", "指标值", "计量单位"]
    first = doc.tables()[0].rows[0]
    assert (rows["F2"].value, rows["H2"].value) == (first.sign, first.measure_unit or None)
    assert rows.freeze_panes == "A2" and rows.print_title_rows == "$1:$1" and rows.page_setup.orientation == "landscape"
    doc, data = _workbook(spec, "合并清单")
    ws = _open(data, tmp_path, "y.xlsx")["项目绩效目标"]
    assert [c.value for c in ws[1]][7:10] == ["指标性质", "指标值", "度量单位"]
    first_rows = len(doc.tables()[0].rows)
    assert ws["B2"].value == doc.tables()[0].name and ws["B3"].value is None  # fill-down layout
    assert ws.cell(row=2 + first_rows, column=2).value == doc.tables()[1].name
    assert ws["C2"].number_format == "0" and ws["C2"].value == doc.tables()[0].budget  # 元


def test_render_all_writes_the_workbook(spec_dir: Any, tmp_path: Path) -> None:
    spec = spec_dir()
    doc = expand_department(load_department(spec))
    out = tmp_path / "out"
    report = render_department(doc, spec, RenderOptions(out_dir=out, formats=frozenset({"xlsx"})))
    assert [p.name for p in report.written] == ["测试局部门绩效目标.xlsx"]


def test_unknown_layout_is_reported_where_it_is_named(spec_dir: Any) -> None:
    from jixiao.errors import SpecError

    spec = spec_dir(department=DEPARTMENT + "工作簿: 没有这个\n")
    with pytest.raises(SpecError) as info:
        expand_department(load_department(spec))  # validate already says so, before any render
    (d,) = info.value.diagnostics
    assert d.path.name == "部门.yaml" and d.line == 10 and "工作簿布局「没有这个」不存在" in d.message


def soffice_csv(xlsx: Path, out: Path) -> dict[str, list[list[str]]]:
    """Every sheet of *xlsx* as LibreOffice Calc exports it to CSV (one file per sheet)."""
    if shutil.which("soffice") is None:
        pytest.skip("LibreOffice is not installed")
    out.mkdir(parents=True, exist_ok=True)
    profile = (out / "profile").as_uri()
    subprocess.run(
        ["soffice", f"-env:UserInstallation={profile}", "--headless", "--convert-to",
         "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1", "--outdir", str(out), str(xlsx)],
        check=True, capture_output=True, timeout=180,
    )
    sheets: dict[str, list[list[str]]] = {}
    for path in sorted(out.glob(f"{xlsx.stem}-*.csv")):
        with path.open(encoding="utf-8", newline="") as f:
            sheets[path.stem.removeprefix(f"{xlsx.stem}-")] = list(csv.reader(f))
    return sheets


def test_libreoffice_reads_the_workbook(tmp_path: Path) -> None:
    doc, data = _workbook(ROOT / "specs" / "dongli-2025")
    path = tmp_path / "dongli.xlsx"
    path.write_bytes(data)
    sheets = soffice_csv(path, tmp_path / "csv")
    assert len(sheets) == len(doc.tables())
    first = next(iter(sheets.values()))
    flat = [cell for row in first for cell in row]
    t = doc.tables()[0]
    assert t.name in flat and t.budget_text in flat  # 元: integers
    assert [r.level3 for r in t.rows][0] in flat and t.rows[0].value in flat
