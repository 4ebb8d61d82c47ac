"""jixiao check 导出.xlsx: a system workbook checked as it is, every finding at its Sheet!Cell."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import openpyxl
from typer.testing import CliRunner

from custombook import custom_workbook
from jixiao.cli import app

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures" / "workbooks"
runner = CliRunner()


def _json(*args: str) -> tuple[dict, int]:  # type: ignore[type-arg]
    result = runner.invoke(app, ["check", *args, "--format", "json"])
    return json.loads(result.stdout), result.exit_code


def _cell_text(book: Path, cell: str) -> str:
    sheet, coordinate = cell.rsplit("!", 1)
    value = openpyxl.load_workbook(book)[sheet][coordinate].value
    return "" if value is None else str(value)


def test_findings_name_the_cell_that_holds_what_they_are_about(tmp_path: Path) -> None:
    book = shutil.copy(FIXTURES / "系统20项目.xlsx", tmp_path / "导出.xlsx")
    data, code = _json(str(book), "--规则", "2021项目表")
    assert code == 1  # JX303: a cost cap above the budget is an error
    findings = data["findings"]
    assert findings and all(f["cell"] and f["file"].endswith("导出.xlsx") for f in findings)
    by_rule = {f["rule"]: f for f in findings}
    cost = by_rule["JX303"]
    assert cost["field"] == "指标值"
    printed = _cell_text(book, cost["cell"])
    assert printed and printed in cost["message"]  # 「≤13万元」 is that cell's value (with its unit)
    sheet, coordinate = cost["cell"].split("!")
    assert (cost["line"], cost["column"]) == (openpyxl.utils.cell.coordinate_to_tuple(coordinate))
    policy = by_rule["XM11"]
    assert _cell_text(book, policy["cell"]) == "根据工作需要"
    assert "根据工作需要" in policy["message"]
    long_name = by_rule["XM06"]
    assert _cell_text(book, long_name["cell"]) in long_name["message"] or len(_cell_text(book, long_name["cell"])) >= 15


def test_text_report_shows_cells_not_files(tmp_path: Path) -> None:
    book = shutil.copy(FIXTURES / "系统20项目.xlsx", tmp_path / "导出.xlsx")
    result = runner.invoke(app, ["check", str(book)])
    assert result.exit_code == 1
    lines = [line for line in result.stdout.splitlines() if "JX303" in line]
    assert lines and lines[0].startswith("1.农技培训经费!D16: JX303 错误 成本上限「≤13万元」")
    assert ".yaml" not in result.stdout and "jixiao-check-" not in result.stdout


def test_same_rules_as_the_imported_spec(tmp_path: Path) -> None:
    """Checking the workbook finds what checking its import finds, table for table."""
    book = FIXTURES / "系统20项目.xlsx"
    spec = tmp_path / "spec"
    assert runner.invoke(app, ["import", str(book), "-o", str(spec)]).exit_code == 0
    direct, _ = _json(str(book), "--规则", "2021项目表")
    imported, _ = _json(str(spec), "--规则", "2021项目表")

    def pairs(data: dict) -> set[tuple[str, int]]:  # type: ignore[type-arg]
        return {(f["rule"], n) for f in data["findings"] for n in f["tables"]}

    assert pairs(direct) == pairs(imported)
    assert len(pairs(direct)) > 20


def test_not_applicable_rows_are_checked_at_their_cells(tmp_path: Path) -> None:
    """The 「不适用」 rows of a system export stay rows: a finding on one names its own cell."""
    book = tmp_path / "分表.xlsx"
    wb = openpyxl.load_workbook(FIXTURES / "系统分表.xlsx")
    ws = wb.worksheets[0]
    na = next(c for row in ws.iter_rows() for c in row if c.value == "不适用" and c.column == 3)
    assert ws.cell(na.row, na.column + 2).value == "不适用"  # 三级 | 指标值 | 指标解释
    ws.cell(na.row, na.column + 2, "考察社会成本")  # a 「不适用」 row with an explanation
    wb.save(book)
    data, _ = _json(str(book), "--规则", "2021项目表")
    (half,) = [f for f in data["findings"] if f["rule"] == "XM02"]
    assert half["cell"].startswith(ws.title + "!") and half["line"] == na.row
    clean, _ = _json(str(FIXTURES / "系统分表.xlsx"), "--规则", "2021项目表")
    assert not [f for f in clean["findings"] if f["rule"] == "XM02"]


def test_review_form_next_to_the_workbook(tmp_path: Path) -> None:
    book = shutil.copy(FIXTURES / "系统20项目.xlsx", tmp_path / "导出.xlsx")
    form = tmp_path / "审核表.xlsx"
    result = runner.invoke(app, ["check", str(book), "--format", "xlsx", "-o", str(form)])
    assert "20 个项目" in result.stdout, result.output
    sheets = openpyxl.load_workbook(form)
    cells = {str(c.value) for ws in sheets.worksheets for row in ws.iter_rows() for c in row if c.value}
    assert "1.农技培训经费!D16" in cells
    refused = runner.invoke(app, ["check", str(book), "--format", "xlsx", "-o", str(book)])
    assert refused.exit_code == 2 and openpyxl.load_workbook(book)  # the workbook is untouched


def test_bad_workbooks_exit_1_with_the_cell(tmp_path: Path) -> None:
    formula = tmp_path / "公式.xlsx"
    wb = openpyxl.load_workbook(FIXTURES / "系统分表.xlsx")
    wb.worksheets[0]["H2"] = "=1+1"
    wb.save(formula)
    result = runner.invoke(app, ["check", str(formula)])
    assert result.exit_code == 1
    assert f"{wb.worksheets[0].title}!H2 是公式" in result.output
    assert "保存后再检查" in result.output
    fake = tmp_path / "假.xlsx"
    fake.write_text("不是工作簿", encoding="utf-8")
    result = runner.invoke(app, ["check", str(fake)])
    assert result.exit_code == 1 and "不是 Excel 工作簿" in result.output
    assert "后再检查" in result.output and "导入" not in result.output  # the message fits the command
    fix = runner.invoke(app, ["check", str(FIXTURES / "系统分表.xlsx"), "--fix"])
    assert fix.exit_code == 2 and "不改工作簿" in fix.output


def test_a_layout_of_ones_own_and_the_year_as_import_takes_them(tmp_path: Path) -> None:
    """What ``check`` says to do when it cannot read a workbook (「请用 --布局」, 「请加 --年度」) it takes, as ``import`` does."""
    book, layout = custom_workbook(tmp_path)
    (tmp_path / "别的.yaml").write_text("不是布局: [\n", encoding="utf-8")  # another YAML beside the layout: not read
    unread = runner.invoke(app, ["check", str(book)])
    assert unread.exit_code == 1 and "请用 --布局" in unread.output
    no_year = runner.invoke(app, ["check", str(book), "--布局", str(layout)])
    assert no_year.exit_code == 2 and "请加 --年度 2025" in no_year.output
    data, code = _json(str(book), "--布局", str(layout), "--年度", "2025")
    assert code == 1
    rules = {f["rule"] for f in data["findings"]}
    assert {"JX405", "JX407"} <= rules  # no 效益 and no 成本 indicator
    assert all(f["cell"].startswith("Sheet!") for f in data["findings"])
    folder = runner.invoke(app, ["check", str(ROOT / "specs" / "dongli-2025"), "--布局", "分表"])
    assert folder.exit_code == 2 and "只用于检查预算系统导出的工作簿" in folder.output
