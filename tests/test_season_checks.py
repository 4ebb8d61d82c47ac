"""Budget season: findings point where the fix goes (issue 21, points 5, 14, 15, 16, 18)."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import DEPARTMENT, PROJECT, write_tree
from jixiao.authoring.fixes import transplant
from jixiao.checks import Finding, run_checks
from jixiao.cli import app
from jixiao.expand.department import expand_department
from jixiao.spec.load import load_department

runner = CliRunner()


def _findings(root: Path, rules: list[str] | None = None) -> list[Finding]:
    spec = load_department(root)
    return run_checks(spec, expand_department(spec), select=rules)


# --- One fix for many findings (point 5) ------------------------------------------------------

NO_COST_PRESET = """\
说明: 没有成本指标的本部门预设
绩效指标:
  - {键: 数量, 二级: 数量指标, 三级: "{{ 事项 }}工作完成率", 描述: 实际完成量占计划的比例, 值: =100%}
  - {键: 质量, 二级: 质量指标, 三级: 验收合格率, 描述: 验收合格的比例, 值: ≥95%}
  - {键: 时效, 二级: 时效指标, 三级: 完成时限, 描述: 全部完成的日期, 值: "{{ 完成时限 }}"}
  - {键: 效益, 二级: 社会效益指标, 三级: 工作正常开展率, 描述: 正常开展的比例, 值: ≥95%}
  - {键: 满意度, 二级: 服务对象满意度指标, 三级: 服务对象满意度, 描述: 表示满意的比例, 值: ≥90%}
"""
BASED = "说明: 基于本级\n基于: 本级\n改写:\n  满意度: {值: ≥95%}\n"


def _no_cost_spec(tmp_path: Path) -> Path:
    files = {"部门.yaml": DEPARTMENT.replace("预设: 运转类", "预设: 本级"), "presets/本级.yaml": NO_COST_PRESET,
             "presets/分局.yaml": BASED}
    for i, name in enumerate(["办公费", "印刷费", "宣传费", "会议费", "培训费"], 1):
        files[f"projects/{i:02d}-{name}.yaml"] = PROJECT.replace("法律顾问费", name)
    files["projects/06-物业费.yaml"] = PROJECT.replace("法律顾问费", "物业费") + "预设: 分局\n"
    files["projects/07-维修费.yaml"] = PROJECT.replace("法律顾问费", "维修费") + "预设: 运转类\n改写:\n  成本: 删除\n"
    return write_tree(tmp_path, files)


def test_what_one_preset_row_fixes_is_said_once_at_the_preset(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    root = _no_cost_spec(tmp_path / "spec")
    found = [f for f in _findings(root) if f.rule == "JX407"]
    at_preset = [f for f in found if f.path == "presets/本级.yaml"]
    assert len(at_preset) == 1 and at_preset[0].tables == (1, 2, 3, 4, 5, 6)  # 分局 is based on 本级: its table too
    assert "预设「本级」没有成本指标：在预设中加上这一行，可改正用它的 6 张表" in at_preset[0].message
    assert at_preset[0].line == 2  # its 绩效指标
    (own,) = [f for f in found if f.path.startswith("projects/")]  # deleted its preset's cost row: fixed there
    assert own.path == "projects/07-维修费.yaml" and own.tables == (7,)
    monkeypatch.chdir(tmp_path)
    text = runner.invoke(app, ["check", "spec", "--select", "JX407"]).stdout
    assert text.count("JX407") == 2 and "共 2 条" in text
    # The preview shows the same findings: the check stage it runs is this one.
    from jixiao.serve.state import Builder, Preview

    state = Builder(root, tmp_path).build()
    assert isinstance(state, Preview)
    notes = [n["message"] for n in state.fragments["table-3"].notes if n["rule"] == "JX407"]
    assert notes == [at_preset[0].message]
    assert state.counts["error"] == len([f for f in _findings(root) if f.level == "error"])


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


# --- check --fix (point 6): before/after fixtures, as ruff tests its fixes ----------------------

FIXES = Path(__file__).parent / "fixtures" / "fix"
CASES = sorted(p.name for p in FIXES.iterdir())


def _tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.mark.parametrize("case", CASES)
def test_fix_writes_what_the_after_folder_holds(case: str, tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    spec = tmp_path / case
    shutil.copytree(FIXES / case / "before", spec)
    monkeypatch.chdir(tmp_path)
    preview = runner.invoke(app, ["check", case, "--diff"])
    assert preview.exit_code == 1 and _tree(spec) == _tree(FIXES / case / "before")  # --diff writes nothing
    assert f"--- a/{case}/" in preview.stdout and "没有写入任何文件" in preview.stderr
    result = runner.invoke(app, ["check", case, "--fix"])
    assert result.exit_code == 0, result.output
    assert _tree(spec) == _tree(FIXES / case / "after")
    assert "已改正" in result.stdout and "共改正" in result.stdout
    again = runner.invoke(app, ["check", case, "--fix"])
    assert "已改正" not in again.stdout and _tree(spec) == _tree(FIXES / case / "after")
    assert runner.invoke(app, ["fmt", "--check", case]).exit_code == 0
    quiet = runner.invoke(app, ["check", case, "--diff"])
    assert quiet.exit_code == 0 and quiet.stdout == ""


def test_fix_output_names_each_change(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    shutil.copytree(FIXES / "预设与公式" / "before", tmp_path / "spec")
    monkeypatch.chdir(tmp_path)
    lines = runner.invoke(app, ["check", "spec", "--fix"]).stdout.splitlines()
    assert "已改正 spec/presets/本级.yaml:7:8: JX202 「≥100%」→「=100%」（第 1、2 表）" in lines
    assert "已改正 spec/presets/本级.yaml:6:9: JX603 「…问工作实际完成量,占年度计划的比例」→「…问工作实际完成量，占年度计划的比例」（第 1、2 表）" in lines


def test_fix_writes_nothing_when_the_spec_does_not_load(tmp_path: Path) -> None:
    spec = shutil.copytree(FIXES / "标点与错别字" / "before", tmp_path / "spec")
    broken = spec / "projects" / "01-法律顾问费.yaml"
    broken.write_text(broken.read_text(encoding="utf-8") + "预算数: 7.00\n", encoding="utf-8")
    before = _tree(spec)
    result = runner.invoke(app, ["check", str(spec), "--fix"])
    assert result.exit_code == 1 and _tree(spec) == before
    assert not list(tmp_path.glob(".jx-fix-*"))


@pytest.mark.parametrize(("written", "old", "new", "wanted"), [
    ("a,b", "a,b", "a，b", "a，b"),
    ("{{ 事项 }}完成量,占比", "法律顾问完成量,占比", "法律顾问完成量，占比", "{{ 事项 }}完成量，占比"),
    ("第一,行\n第二,行\n", "第二,行", "第二，行", "第一,行\n第二，行\n"),
    ("{{ x }},{{ y }}", "1,2", "1，2", None),  # the comma's neighbours are not written as printed
])
def test_transplant(written: str, old: str, new: str, wanted: str | None) -> None:
    assert transplant(written, old, new) == wanted


def test_every_fixable_rule_says_what_it_replaces(tmp_path: Path) -> None:
    from jixiao.authoring.fixes import fixable_rules
    from test_checks import CASES as RULE_CASES
    from test_checks import findings

    assert set(fixable_rules()) == {"JX103", "JX106", "JX202", "JX205", "JX601", "JX603", "JX604"}
    for rule in fixable_rules():
        found = findings(tmp_path / rule, RULE_CASES[rule][0], [rule])
        assert found and all(f.fix is not None and f.replaces is not None and f.fix != f.replaces for f in found)


# --- Tables as the reader sees them (point 12) -------------------------------------------------

GALLERY = Path(__file__).parent / "fixtures" / "gallery" / "两部分不同版式"


def test_tables_are_named_as_printed_when_each_part_counts_from_1(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    spec = shutil.copytree(GALLERY, tmp_path / "spec")
    office = spec / "projects" / "03-办公费.yaml"
    use = next(line for line in (spec / "projects" / "01-医疗救助资金.yaml").read_text(encoding="utf-8").splitlines()
               if line.startswith("资金用途:"))
    office.write_text(re.sub(r"^资金用途:.*$", use, office.read_text(encoding="utf-8"), flags=re.M), encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    check = runner.invoke(app, ["check", "spec", "--select", "JX501"])
    assert "资金用途与第一部分第 1 表「医疗救助资金」完全相同" in check.stdout, check.stdout
    summary = runner.invoke(app, ["expand", "spec"], env={"COLUMNS": "120"}).stdout
    assert "第二部分第 1 表" in summary and "第 3 表" not in summary  # no 第一部分 text here: the tables start at 第一部分
    explained = runner.invoke(app, ["expand", "spec", "--explain", "二-2"], env={"COLUMNS": "120"})
    assert explained.exit_code == 0 and "第二部分第 2 表 2、印刷费绩效目标表" in explained.stdout
    ambiguous = runner.invoke(app, ["render", "spec", "-o", "out", "--format", "docx", "--only", "1", "--force"])
    assert ambiguous.exit_code == 2 and "请写明部分，如「第一部分1」" in ambiguous.stderr
    chosen = runner.invoke(app, ["render", "spec", "-o", "out", "--format", "docx", "--only", "第二部分1", "--force"])
    assert chosen.exit_code == 0, chosen.output
    assert sorted(p.name for p in (tmp_path / "out" / "projects").iterdir()) == ["03-办公费.docx"]
