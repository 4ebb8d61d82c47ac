"""jixiao import 文件.xlsx: recognised by labels, round trips cell for cell, bad workbooks refused with the cell."""

from __future__ import annotations

import datetime as dt
import io
import os
import re
import shutil
import subprocess
import zipfile
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from typer.testing import CliRunner

from custombook import custom_workbook
from jixiao import expand_department, load_department
from jixiao.cli import app
from jixiao.importer.found import ImportProblem
from jixiao.importer.workbook.pipeline import import_workbook
from jixiao.importer.workbook.sheets import read_workbook
from jixiao.render.build import RenderOptions, render_department
from jixiao.render.xlsx import render_workbook
from jixiao.spec.workbook import find_workbook_layout

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures" / "workbooks"
runner = CliRunner()


def _cells(path: Path) -> list[dict[tuple[int, int], str]]:
    return [{k: c.text.strip() for k, c in s.cells.items()} for s in read_workbook(path).sheets]


def _render(spec: Path, out: Path, layout: str | None = None) -> Path:
    doc = expand_department(load_department(spec))
    chosen = find_workbook_layout(layout, spec).spec if layout is not None else None
    out.write_bytes(render_workbook(doc, doc.tables(), dt.datetime(2025, 1, 1), chosen))
    return out


def _spec_with(spec: Path, tmp: Path, workbook: str) -> Path:
    copy = tmp / spec.name
    shutil.copytree(spec, copy)
    dept = copy / "部门.yaml"
    dept.write_text(dept.read_text(encoding="utf-8") + f"工作簿: {workbook}\n", encoding="utf-8")
    return copy


@pytest.mark.parametrize("layout", ["分表", "清单", "合并清单"])
@pytest.mark.parametrize("spec", ["specs/dongli-2025", "tests/fixtures/gallery/2021项目表", "tests/fixtures/gallery/两部分不同版式"])
def test_examples_round_trip_cell_for_cell(spec: str, layout: str, tmp_path: Path) -> None:
    source = _spec_with(ROOT / spec, tmp_path, layout)
    first = _render(source, tmp_path / "first.xlsx")
    report = import_workbook(first, tmp_path / "imported")
    assert report.ok and report.differences == [], report.differences
    imported = (tmp_path / "imported" / "部门.yaml").read_text(encoding="utf-8")
    assert f"工作簿: {layout}" in imported
    if spec.endswith("2021项目表"):  # 2021核心 (the 2021 form without 可持续影响, 「不适用」 rows) comes back by its name
        assert "指标体系: 2021核心" in imported.splitlines(), imported
    again = _render(tmp_path / "imported", tmp_path / "again.xlsx")
    assert _cells(again) == _cells(first)


@pytest.mark.parametrize("spec", sorted(p.name for p in (ROOT / "tests" / "fixtures" / "gallery").iterdir() if p.is_dir()))
def test_every_gallery_spec_round_trips(spec: str, tmp_path: Path) -> None:
    first = _render(ROOT / "tests" / "fixtures" / "gallery" / spec, tmp_path / "first.xlsx")
    report = import_workbook(first, tmp_path / "imported", year=2025)
    assert report.ok and report.differences == [], report.differences
    assert _cells(_render(tmp_path / "imported", tmp_path / "again.xlsx")) == _cells(first)


def test_fixtures_read_as_libreoffice_reads_them(tmp_path: Path) -> None:
    from test_workbook_render import soffice_csv

    # The 项目代码 an earlier tool stored as a number: LibreOffice shows it as 1.30200251E+020, jixiao reads its digits.
    long_number = re.compile(r"^\d{16,}$|E\+\d+$")
    for name in ("系统分表", "系统清单"):
        ours = [sorted(v for v in sheet.values() if v and not long_number.search(v)) for sheet in _cells(FIXTURES / f"{name}.xlsx")]
        theirs = soffice_csv(FIXTURES / f"{name}.xlsx", tmp_path / name)
        assert [sorted(c.strip() for row in rows for c in row if c.strip() and not long_number.search(c.strip()))
                for rows in theirs.values()] == ours


def test_tangshan_round_trip_with_presets(tmp_path: Path) -> None:
    source = _spec_with(ROOT / "specs" / "tangshan-2025", tmp_path, "清单")
    first = _render(source, tmp_path / "first.xlsx")
    report = import_workbook(first, tmp_path / "imported")
    assert report.ok and report.differences == []
    assert len(report.presets) >= 3 and all(p.tables for p in report.presets)
    again = _render(tmp_path / "imported", tmp_path / "again.xlsx")
    assert _cells(again) == _cells(first)


def test_system_workbook_imports_without_a_layout_renders_and_writes_back(tmp_path: Path) -> None:
    report = import_workbook(FIXTURES / "系统分表.xlsx", tmp_path / "spec")
    assert report.ok and report.differences == [], report.differences
    notes = " ".join(n.what for n in report.notes)
    assert "存成了数字" in notes  # the 项目代码 an earlier tool stored as a number
    spec = tmp_path / "spec"
    layout = (spec / "workbooks" / "导入.yaml").read_text(encoding="utf-8")
    assert "标签: 项目代码" in layout and "预印二级: true" in layout and "位置: 3" in layout
    doc = expand_department(load_department(spec))
    first = doc.tables()[0]
    assert first.form.policy_basis == "《某市法律顾问工作规定》（某政办〔2024〕3号）"
    assert first.form.period == "2025年1月-2025年12月" and first.form.is_new is False
    assert [r.level2 for r in first.rows].count("数量指标") == 2  # several rows under one 二级
    assert first.goal == "聘请专业律师，全年提供法律咨询不少于20次\n合同审查率100%"  # line break kept
    assert any(r.not_applicable for r in first.rows)
    assert all(not r.explanation.endswith("\t") for r in first.rows)  # stray tab dropped
    out = tmp_path / "out"
    rendered = render_department(doc, spec, RenderOptions(out_dir=out, formats=frozenset({"docx", "pdf", "xlsx"})))
    assert {p.suffix for p in rendered.written} == {".docx", ".pdf", ".xlsx"}
    assert _cells(next(out.glob("*.xlsx"))) == _cells(FIXTURES / "系统分表.xlsx")


def test_flat_fill_down_export_in_yuan(tmp_path: Path) -> None:
    report = import_workbook(FIXTURES / "系统清单.xlsx", tmp_path / "spec")
    assert report.ok and report.differences == []
    doc = expand_department(load_department(tmp_path / "spec"))
    assert doc.money_unit == "元" and [t.budget for t in doc.tables()] == [50000, 120000, 300000]
    rows = doc.tables()[2].rows
    assert [r.weight for r in rows][:2] == [14, 14]
    assert ("社会效益指标", "追回违规基金", "≥100万元") in [(r.level2, r.level3, r.value) for r in rows]


def test_libreoffice_saved_workbook_imports(tmp_path: Path) -> None:
    if shutil.which("soffice") is None:
        pytest.skip("LibreOffice is not installed")
    first = _render(ROOT / "specs" / "dongli-2025", tmp_path / "first.xlsx", "清单")
    out = tmp_path / "lo"
    subprocess.run(["soffice", f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}", "--headless", "--convert-to",
                    "xlsx:Calc MS Excel 2007 XML", "--outdir", str(out), str(first)], check=True, capture_output=True, timeout=180)
    saved = out / "first.xlsx"
    report = import_workbook(saved, tmp_path / "spec")
    assert report.ok and report.differences == []
    doc = expand_department(load_department(tmp_path / "spec"))
    original = expand_department(load_department(ROOT / "specs" / "dongli-2025"))
    assert [(t.name, t.budget, len(t.rows)) for t in doc.tables()] == [(t.name, t.budget, len(t.rows)) for t in original.tables()]
    assert _cells(_render(tmp_path / "spec", tmp_path / "again.xlsx")) == _cells(first)


def test_unrecognised_labels_need_a_layout_file(tmp_path: Path) -> None:
    source, layout = custom_workbook(tmp_path)
    with pytest.raises(ImportProblem, match="--布局"):
        import_workbook(source, tmp_path / "a", year=2025)
    report = import_workbook(source, tmp_path / "b", year=2025, layout=str(layout))
    assert report.ok
    (t,) = expand_department(load_department(tmp_path / "b")).tables()
    assert [r.level3 for r in t.rows] == ["咨询次数", "满意度"]


def _bad(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def _xlsx(build: Any) -> bytes:
    wb = openpyxl.Workbook()
    build(wb)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _bomb() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("xl/workbook.xml", "<workbook/>")
        zf.writestr("xl/worksheets/sheet1.xml", b"\0" * (400 * 1024 * 1024))
    return buf.getvalue()


def _formula(wb: Any) -> None:
    ws = wb.active
    ws.append(["一级指标", "二级指标", "三级指标", "指标值"])
    ws["C7"] = "=SUM(A1:A2)"


def _hidden(wb: Any) -> None:
    wb.active.append(["一级指标", "二级指标", "三级指标", "指标值"])
    hidden = wb.create_sheet("隐藏")
    hidden["B2"] = "旧数据"
    hidden.sheet_state = "hidden"


@pytest.mark.parametrize(
    ("name", "make", "message"),
    [
        ("a.xlsx", lambda: b"not a workbook at all", "不是 Excel 工作簿"),
        ("b.xlsx", lambda: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + "EncryptedPackage".encode("utf-16-le") + b"\0" * 600, "有密码保护"),
        ("c.xlsx", lambda: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, "旧版 Excel 文件"),
        ("d.xlsx", lambda: _xlsx(_formula), "Sheet!C7 是公式（=SUM(A1:A2)）"),
        ("e.xlsx", lambda: _xlsx(_hidden), "工作表「隐藏」是隐藏的，其中有内容（隐藏!B2）"),
        ("f.xlsx", _bomb, "压缩炸弹"),
        ("g.xlsx", lambda: _xlsx(lambda wb: wb.active.append(["甲", "乙"])), "没有找到绩效目标表"),
    ],
)
def test_bad_workbooks_exit_1_and_write_nothing(name: str, make: Any, message: str, tmp_path: Path) -> None:
    source = _bad(tmp_path, name, make())
    target = tmp_path / "spec"
    result = runner.invoke(app, ["import", str(source), "-o", str(target), "--年度", "2025"])
    assert result.exit_code == 1, result.output
    assert message in result.output
    assert not target.exists() and not list(tmp_path.glob(".spec*"))


def test_a_pipe_named_like_a_workbook_is_not_read(tmp_path: Path) -> None:
    """Like a Word file, a workbook is read only as a regular file: a FIFO would block forever."""
    fifo = tmp_path / "导出.xlsx"
    os.mkfifo(fifo)
    result = runner.invoke(app, ["import", str(fifo), "-o", str(tmp_path / "spec")])
    assert result.exit_code == 2 and "不是普通文件" in result.output
    assert not (tmp_path / "spec").exists()


def test_flat_export_of_300_projects_imports_into_a_valid_spec(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["单位名称", "项目名称", "预算数（元）", "年度目标", "一级指标", "二级指标", "三级指标", "指标性质", "指标值", "度量单位", "权重"])
    rows = [("产出指标", "数量指标", "完成工作量", "≥", 12, "项"), ("产出指标", "质量指标", "验收合格率", "＝", 100, "%"),
            ("产出指标", "时效指标", "完成时限", "定性", "2025年12月31日", None), ("产出指标", "成本指标", "项目总成本", "≤", 0, "元"),
            ("效益指标", "社会效益指标", "服务覆盖率", "≥", 95, "%"), ("满意度指标", "服务对象满意度指标", "满意度", "≥", 90, "%")]
    rows += [("产出指标", "数量指标", f"服务人次{k}", "≥", 100 * k, "人次") for k in range(1, 5)]
    for n in range(300):
        budget = 10000 * (n % 37 + 1)
        for k, (l1, l2, l3, sign, value, unit) in enumerate(rows):
            head = [f"某局第{n % 12 + 1}分局", f"第{n + 1}号项目", budget, f"完成第{n + 1}号项目的年度任务"] if k == 0 else [None] * 4
            ws.append([*head, l1, l2, l3, sign, budget if l3 == "项目总成本" else value, unit, 10])
    source = tmp_path / "300.xlsx"
    wb.save(source)
    report = import_workbook(source, tmp_path / "spec", year=2025)
    assert report.ok and report.differences == [] and report.tables == 300
    doc = expand_department(load_department(tmp_path / "spec"))
    assert len(doc.tables()) == 300 and sum(len(t.rows) for t in doc.tables()) == 3000
    assert report.presets and max(report.lines.values()) < 12  # rows and 权重 in presets, not in every file
