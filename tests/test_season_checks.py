"""Budget season: findings point where the fix goes (issue 21, points 5, 14, 15, 16, 18)."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from conftest import DEPARTMENT, PROJECT, write_tree
from jixiao.checks import Finding, run_checks
from jixiao.cli import app
from jixiao.expand.department import expand_department
from jixiao.spec.load import load_department

runner = CliRunner()


def _findings(root: Path, rules: list[str] | None = None) -> list[Finding]:
    spec = load_department(root)
    return run_checks(spec, expand_department(spec), select=rules)


# --- 第一部分 (point 14) ----------------------------------------------------------------------

PART_ONE = """\
第一部分:
  分项绩效目标:
    - 标题: 做好专项治理
      绩效目标: 加强检查
      绩效指标: 检查率达到100%（含抽查
  工作保障措施:
    编号: 一是
    合为一段: true
    内容:
      - 强化基金监管；
      - 完善制度（建设。
"""


def test_part_one_findings_point_at_the_text_that_holds_the_slip(tmp_path: Path) -> None:
    root = write_tree(tmp_path, {"部门.yaml": DEPARTMENT + PART_ONE, "projects/01-a.yaml": PROJECT})
    found = sorted((f.line, f.col) for f in _findings(root, ["JX602"]))
    top = DEPARTMENT.count("\n")
    # 绩效指标 of the 分项 (not its 标题 on line 3), and the second run-on item (not 编号 on line 7)
    assert found == [(top + 5, 13), (top + 11, 9)]


# --- A new department straight after init and new (point 18) ---------------------------------


def test_placeholders_and_zero_budgets_stop_render_until_replaced(tmp_path: Path) -> None:
    folder = tmp_path / "新部门"
    assert runner.invoke(app, ["init", str(folder), "--部门", "某市医疗保障局", "--年度", "2026"]).exit_code == 0
    assert runner.invoke(app, ["new", str(folder), "法律顾问费"]).exit_code == 0
    found = _findings(folder)
    placeholders = {(Path(f.path).name, f.line) for f in found if f.rule == "JX509"}
    department = (folder / "部门.yaml").read_text(encoding="utf-8").splitlines()
    keys = {department[line - 1].split(":")[0].strip(" -") for name, line in placeholders if name == "部门.yaml"}
    assert keys == {"总体绩效目标", "标题", "绩效目标", "绩效指标", "（第一条保障措施；编号自动生成）"}
    project = (folder / "projects" / "02-法律顾问费.yaml").read_text(encoding="utf-8").splitlines()
    lines = {line for name, line in placeholders if name == "02-法律顾问费.yaml"}
    assert {project[n - 1].split(":")[0] for n in lines} == {"资金用途", "绩效目标"}
    zero = [f for f in found if f.rule == "JX307"]
    assert {f.level for f in zero} == {"error"} and len(zero) == 2
    assert {f.rule for f in found if f.rule.startswith("JX413")} == {"JX413"}  # 项目编码: "" named
    refused = runner.invoke(app, ["render", str(folder), "-o", str(tmp_path / "out"), "--format", "docx"])
    assert refused.exit_code == 1 and not (tmp_path / "out").exists()
    assert "JX509" in refused.stderr and "JX307" in refused.stderr
    forced = runner.invoke(app, ["render", str(folder), "-o", str(tmp_path / "out"), "--format", "docx", "--force"])
    assert forced.exit_code == 0, forced.output


# --- 列宽 and a copied schema/ (point 15) ------------------------------------------------------


def test_widths_that_are_scaled_or_ignored_are_named_where_written(tmp_path: Path) -> None:
    wide = DEPARTMENT + "版式: {基于: 河北, 列宽: [30, 30, 40, 40, 30, 30]}\n"
    root = write_tree(tmp_path / "a", {"部门.yaml": wide, "projects/01-a.yaml": PROJECT, "projects/02-b.yaml": PROJECT})
    (f,) = _findings(root, ["JX414"])
    assert (f.path, f.line, f.tables) == ("部门.yaml", wide.count("\n"), (1, 2))
    assert "列宽合计 200 毫米，超过版心宽度 156 毫米：生成时按比例缩小为 23.4、23.4、31.2、31.2、23.4、23.4" in f.message
    five = DEPARTMENT + "版式: {基于: 河北, 列宽: [30, 30, 40, 30, 26]}\n"
    root = write_tree(tmp_path / "b", {"部门.yaml": five, "projects/01-a.yaml": PROJECT})
    (f,) = _findings(root, ["JX414"])
    assert "列宽写了 5 个数，这张表有 6 列：没有采用" in f.message


def test_validate_notices_a_schema_copied_from_an_older_jixiao(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    folder = tmp_path / "新部门"
    assert runner.invoke(app, ["init", str(folder), "--部门", "某市医保局", "--年度", "2026"]).exit_code == 0
    monkeypatch.chdir(tmp_path)
    fresh = runner.invoke(app, ["validate", "新部门"])
    assert fresh.exit_code == 0 and "提示" not in fresh.stderr
    old = folder / "schema" / "project.schema.json"
    old.write_text(old.read_text(encoding="utf-8").replace('"单位": {', '"单位旧": {'), encoding="utf-8")
    result = runner.invoke(app, ["validate", "新部门"])
    assert result.exit_code == 0
    assert "提示：新部门/schema 中的 project.schema.json 与当前的 jixiao 不一致" in result.stderr
    assert "jixiao schema -o 新部门/schema" in result.stderr
    assert runner.invoke(app, ["schema", "-o", "新部门/schema"]).exit_code == 0
    assert "提示" not in runner.invoke(app, ["validate", "新部门"]).stderr
