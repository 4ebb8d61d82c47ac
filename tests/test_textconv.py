"""jixiao textconv: rendered Word and PDF files as text, one table cell per line, for git diff."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import Examples
from jixiao.cli import app
from jixiao.expand.department import expand_department
from jixiao.model.document import Document, ProjectTable
from jixiao.spec.load import load_department
from jixiao.vcs.celltext import table_lines
from jixiao.vcs.textconv import textconv

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ["tangshan-2025", "dongli-2025"]
runner = CliRunner()


@pytest.fixture(scope="module")
def rendered(examples: Examples) -> dict[str, tuple[Document, Path]]:
    """Both examples, expanded and rendered (the shared render of the run: read only)."""
    return {name: (expand_department(load_department(ROOT / "specs" / name)), examples[name]) for name in EXAMPLES}


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def table_cells(table: ProjectTable) -> list[str]:
    """Every printed cell of a table, from the document model."""
    cells = [table.name, table.budget_text, table.use, table.goal, table.money_unit_label]
    cells += [t for t in (table.fiscal_text, table.other_text, table.code) if t]
    cells += [c.text for c in table.schedule or [] if c.text]
    for row in table.rows:
        cells += [row.level1, row.level2, row.level3, row.description, row.value]
        if row.basis and "指标值确定依据" in table.columns:
            cells.append(row.basis)
    return cells


def _main_file(folder: Path, suffix: str) -> Path:
    return next(folder.glob(f"*{suffix}"))


@pytest.mark.parametrize("suffix", [".docx", ".pdf"])
@pytest.mark.parametrize("name", EXAMPLES)
def test_every_table_cell_is_in_the_text(rendered: dict[str, tuple[Document, Path]], name: str, suffix: str) -> None:
    doc, folder = rendered[name]
    result = runner.invoke(app, ["textconv", str(_main_file(folder, suffix))])
    assert result.exit_code == 0, result.output
    text = _squash(result.stdout)
    for table in doc.tables():
        for cell in table_cells(table):
            assert _squash(cell) in text, (table.number, cell)


@pytest.mark.parametrize("suffix", [".docx", ".pdf"])
def test_each_cell_is_a_line_with_its_row(rendered: dict[str, tuple[Document, Path]], suffix: str) -> None:
    doc, folder = rendered["dongli-2025"]
    lines = set(textconv(_main_file(folder, suffix)).splitlines())
    for table in doc.tables():
        assert f"项目名称 ｜ {table.name}" in lines
        for row in table.rows:
            name = f"{row.level1}／{row.level2}／{row.level3}".replace("\n", "")
            assert f"{name} ｜ 指标值：{row.value}" in lines, (table.number, name)
            assert f"{name} ｜ 绩效指标描述：{row.description}" in lines


def test_single_project_files(rendered: dict[str, tuple[Document, Path]]) -> None:
    doc, folder = rendered["tangshan-2025"]
    table = doc.tables()[2]
    for suffix in (".docx", ".pdf"):
        path = next((folder / "projects").glob(f"03-*{suffix}"))
        text = _squash(textconv(path))
        assert all(_squash(cell) in text for cell in table_cells(table))
        assert _squash(doc.tables()[3].name) not in text


def test_table_lines_fill_merged_cells() -> None:
    rows: list[list[str | None]] = [
        ["项目编码", "13020025P00682510503U", "项目名称", "办公费"],
        ["预算规模\n及资金用途", "预算数", "3.00", "其中：\n财政资金", "3.00", "其他资金", ""],
        [None, "办公用品购置", None, None, None, None, None],
        ["一级指标", "二级指标", "三级指标", "指标值"],
        ["产出指标", "数量\n指标", "完成率", "≥90%"],
        [None, None, "合格率", "=100%"],
        [None, "时效指标", "完成时限", "2025.12.31"],
    ]
    assert table_lines(rows) == [
        "项目编码 ｜ 13020025P00682510503U",
        "项目名称 ｜ 办公费",
        "预算数 ｜ 3.00",
        "其中：财政资金 ｜ 3.00",
        "预算规模及资金用途 ｜ 办公用品购置",
        "一级指标｜二级指标｜三级指标｜指标值",
        "产出指标／数量指标／完成率 ｜ 指标值：≥90%",
        "产出指标／数量指标／合格率 ｜ 指标值：=100%",
        "产出指标／时效指标／完成时限 ｜ 指标值：2025.12.31",
    ]


def test_not_a_document(tmp_path: Path) -> None:
    (tmp_path / "a.docx").write_text("不是 Word 文件", encoding="utf-8")
    result = runner.invoke(app, ["textconv", str(tmp_path / "a.docx")])
    assert result.exit_code == 1 and "既不是 Word 文件" in result.output
    (tmp_path / "b.docx").write_bytes(b"PK\x03\x04broken")
    result = runner.invoke(app, ["textconv", str(tmp_path / "b.docx")])
    assert result.exit_code == 1 and "b.docx 已损坏，无法作为 .docx 读取" in result.output
    (tmp_path / "c.pdf").write_bytes(b"%PDF-1.7\nbroken")
    result = runner.invoke(app, ["textconv", str(tmp_path / "c.pdf")])
    assert result.exit_code == 1 and "不是可以读取的 PDF 文件" in result.output
    assert runner.invoke(app, ["textconv", str(tmp_path / "none.pdf")]).exit_code == 2
    (tmp_path / "empty.pdf").write_bytes(b"")
    assert runner.invoke(app, ["textconv", str(tmp_path / "empty.pdf")]).stdout == ""


def test_git_diff_of_rendered_files(rendered: dict[str, tuple[Document, Path]], tmp_path: Path) -> None:
    """With init's .gitattributes and the one git config line, git diff shows the changed cell."""
    _, folder = rendered["dongli-2025"]
    repo = tmp_path / "repo"
    out = repo / "交财政局"
    out.mkdir(parents=True)
    docx = _main_file(folder, ".docx")
    shutil.copy(docx, out / docx.name)
    from jixiao.authoring.scaffold import GITATTRIBUTES

    (repo / ".gitattributes").write_text(GITATTRIBUTES, encoding="utf-8")
    jixiao = Path(sys.executable).with_name("jixiao")
    env = {**os.environ, "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"}

    def git(*args: str) -> str:
        return subprocess.run(["git", *args], cwd=repo, env=env, capture_output=True, text=True, check=True).stdout

    git("init", "-q")
    git("config", "diff.jixiao.textconv", f"{jixiao} textconv")
    git("add", "-A")
    git("-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-q", "-m", "2025")
    spec = shutil.copytree(ROOT / "specs" / "dongli-2025", tmp_path / "dongli-2025")
    first = next((spec / "projects").glob("01-*.yaml"))
    first.write_text(first.read_text(encoding="utf-8").replace("预算数: 92767000", "预算数: 92768000"), encoding="utf-8")
    again = tmp_path / "again"
    result = runner.invoke(app, ["render", str(spec), "-o", str(again), "--force", "--format", "docx"])
    assert result.exit_code == 0, result.output
    shutil.copy(_main_file(again, ".docx"), out / docx.name)
    diff = git("diff", "--no-color", "-U0")
    changed = [line for line in diff.splitlines() if line[:1] in "+-" and not line.startswith(("+++", "---"))]
    assert "-预算数 ｜ 92767000" in changed
    assert "+预算数 ｜ 92768000" in changed
    assert "Binary files" not in diff
