"""The 审核表: a 20-project system workbook imported, checked with the reviewer's pack and the built-in
one, written as .xlsx (read back through LibreOffice) and .docx (opened by LibreOffice), byte for byte
the same on a second run."""

from __future__ import annotations

import io
import shutil
import subprocess
from pathlib import Path

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from jixiao.cli import app
from test_workbook_render import soffice_csv

FIXTURES = Path(__file__).resolve().parent / "fixtures"
runner = CliRunner()


@pytest.fixture(scope="module")
def reviewed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("review")
    spec = tmp / "spec"
    result = runner.invoke(app, ["import", str(FIXTURES / "workbooks" / "系统20项目.xlsx"), "-o", str(spec)])
    assert result.exit_code == 0, result.output
    pack = tmp / "审核口径.yaml"
    assert runner.invoke(app, ["rules", "import", str(FIXTURES / "rules" / "审核口径.xlsx"), "-o", str(pack)]).exit_code == 0
    for fmt in ("xlsx", "docx"):
        result = runner.invoke(app, ["check", str(spec), "--规则", str(pack), "--规则", "2021项目表", "--format", fmt,
                                     "-o", str(tmp / f"审核表.{fmt}")])
        assert result.exit_code == 1, result.output  # errors were found: the form is written all the same
        assert "20 个项目" in result.output
    return tmp


def test_the_form_has_a_row_per_project_and_a_column_per_category(reviewed: Path) -> None:
    sheets = soffice_csv(reviewed / "审核表.xlsx", reviewed / "csv")
    assert set(sheets) == {"审核表", "问题清单", "人工审核要点", "评级规则"}
    form = sheets["审核表"]
    head = form[1]
    assert head[:5] == ["序号", "项目编码", "项目名称", "单位", "预算数（万元）"]
    assert head[5:11] == ["完整性", "相关性", "可测性", "可行性", "资金匹配性", "规范性"] and head[-1] == "评级"
    rows = [r for r in form[2:] if r and r[0].isdigit()]
    assert len(rows) == 20
    by_name = {r[2]: dict(zip(head, r, strict=False)) for r in rows}
    # 动物防疫 cites no document: 完整性, both packs; 农田水利维护's 测算依据 does not add up to 30 万元.
    assert "政策依据未列明文件名称及文号（WZ-02，警告）" in by_name["动物防疫经费"]["完整性"]
    assert "列出的金额合计 28万元，预算数 30.00万元" in by_name["农田水利维护经费"]["资金匹配性"]
    assert by_name["农田水利维护经费"]["资金匹配性"].startswith("1. ")
    assert "2. " in by_name["农田水利维护经费"]["资金匹配性"]
    # 农技培训: the cost above the budget is two errors → 中. 种子检测 writes 及时: one slip, told once by each pack
    # (its XM07 covers XM08, which covers jixiao's JX208 and XM09; the local pack's two rules are its own): 3 → 良.
    assert by_name["农技培训经费"]["错误"] == "2" and by_name["农技培训经费"]["评级"] == "中"
    seeds = by_name["种子检测经费"]
    assert (seeds["警告"], seeds["评级"]) == ("3", "良")
    assert "XM07" in seeds["可测性"] and not any(rule in seeds["可测性"] for rule in ("XM08", "XM09", "JX208"))
    assert {r["评级"] for r in by_name.values()} <= {"优", "良", "中", "差"}
    assert any("差：" in line for row in form for line in row)  # the grades are stated under the table
    places = sheets["问题清单"]
    assert places[0][6] == "位置（文件:行:列）"
    assert all(":" in r[6] and r[6].split(":")[0].endswith(".yaml") for r in places[1:])
    assert [r[0] for r in sheets["人工审核要点"][1:]] == ["RG-01", "RG-02", "RG-03", "XM21", "XM22"]


def test_codes_are_text_and_budgets_numbers(reviewed: Path) -> None:
    wb = load_workbook(io.BytesIO((reviewed / "审核表.xlsx").read_bytes()))
    ws = wb["审核表"]
    assert ws["B3"].data_type == "s" and ws["B3"].number_format == "@" and ws["B3"].value == "33010025P00000000001"
    assert ws["E3"].data_type == "n" and ws["E3"].number_format == "0.00"


def test_the_form_is_the_same_bytes_every_time(reviewed: Path, tmp_path: Path) -> None:
    for fmt in ("xlsx", "docx"):
        again = tmp_path / f"again.{fmt}"
        runner.invoke(app, ["check", str(reviewed / "spec"), "--规则", str(reviewed / "审核口径.yaml"), "--规则",
                            "2021项目表", "--format", fmt, "-o", str(again)])
        assert again.read_bytes() == (reviewed / f"审核表.{fmt}").read_bytes()


def test_libreoffice_opens_the_word_form(reviewed: Path, tmp_path: Path) -> None:
    if shutil.which("soffice") is None:
        pytest.skip("LibreOffice is not installed")
    subprocess.run(["soffice", f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}", "--headless",
                    "--convert-to", "txt:Text", "--outdir", str(tmp_path), str(reviewed / "审核表.docx")],
                   check=True, capture_output=True, timeout=180)
    text = (tmp_path / "审核表.txt").read_text(encoding="utf-8-sig")
    assert "2025年某市农业农村局项目支出绩效目标审核表" in text and "问题清单" in text and "人工审核要点" in text
    assert "农田水利维护经费" in text and "资金匹配性" in text


def test_form_output_is_checked_before_any_work(tmp_path: Path, reviewed: Path) -> None:
    spec = reviewed / "spec"
    assert runner.invoke(app, ["check", str(spec), "--format", "xlsx"]).exit_code == 2
    result = runner.invoke(app, ["check", str(spec), "--format", "xlsx", "-o", str(tmp_path / "x.docx")])
    assert result.exit_code == 2 and ".xlsx" in result.output
    result = runner.invoke(app, ["check", str(spec), "--format", "xlsx", "-o", str(spec / "审核表.xlsx")])
    assert result.exit_code == 2 and not (spec / "审核表.xlsx").exists()
