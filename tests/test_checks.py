"""jixiao check: every rule fires on a fixture written for it and stays quiet on a clean one."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from conftest import DEPARTMENT, write_tree
from jixiao import expand_department, load_department
from jixiao.checks import RULES, Finding, run_checks
from jixiao.checks.report import rules_markdown
from jixiao.cli import app
from jixiao.resources import builtin_templates
from seedtext import DONGLI, TANGSHAN, parse_seed

ROOT = Path(__file__).resolve().parents[1]
runner = CliRunner()

CLEAN = """\
项目名称: 法律顾问费
单位: "100001"
预算数: 6.00
资金用途: 聘请常年法律顾问，审查合同和重大决策
绩效目标: 1.为重大决策和合同提供法律审查，降低法律风险。
预设: 无
绩效指标:
  - [数量指标, 合同审查完成率, 已审查合同数占提交审查合同数的比例, =100%]
  - [质量指标, 法律意见采纳率, 被采纳的法律意见占出具意见总数的比例, ≥90%]
  - [时效指标, 法律顾问工作完成时限, 年度法律顾问工作全部完成的截止日期, 2025.12.31]
  - [成本指标, 法律顾问费支出总额, 全年法律顾问费实际支出，不超过预算数, ≤6万元]
  - [社会效益指标, 因合同纠纷引发的诉讼次数, 年度内因合同条款问题引发的诉讼次数, 0次]
  - [服务对象满意度指标, 业务科室满意度, 问卷中对法律服务表示满意的科室比例, ≥90%]
"""

ROW_QUANTITY = "  - [数量指标, 合同审查完成率, 已审查合同数占提交审查合同数的比例, =100%]\n"
ROW_TIME = "  - [时效指标, 法律顾问工作完成时限, 年度法律顾问工作全部完成的截止日期, 2025.12.31]\n"
ROW_COST = "  - [成本指标, 法律顾问费支出总额, 全年法律顾问费实际支出，不超过预算数, ≤6万元]\n"
ROW_BENEFIT = "  - [社会效益指标, 因合同纠纷引发的诉讼次数, 年度内因合同条款问题引发的诉讼次数, 0次]\n"
ROW_SATISFACTION = "  - [服务对象满意度指标, 业务科室满意度, 问卷中对法律服务表示满意的科室比例, ≥90%]\n"


def edit(*pairs: str, text: str = CLEAN) -> str:
    """CLEAN with (old, new) replacements applied; each old text must be present."""
    for old, new in zip(pairs[::2], pairs[1::2], strict=True):
        assert old in text, old
        text = text.replace(old, new, 1)
    return text


def other(name: str, text: str = CLEAN) -> str:
    return text.replace("法律顾问费", name).replace("法律顾问", name.removesuffix("费"))


# rule → (projects that trigger it, projects that do not)
Projects = dict[str, str]
CASES: dict[str, tuple[Projects, Projects]] = {
    "JX101": ({"a": edit("因合同纠纷引发的诉讼次数", "保障作正常开展")},
              {"a": edit("因合同纠纷引发的诉讼次数", "保障工作正常开展")}),
    "JX102": ({"a": edit("法律意见采纳率", "法律意见意见采纳率")}, {"a": CLEAN}),
    "JX103": ({"a": edit("业务科室满意度", "业务科室满眼度")},
              {"a": edit("年度法律顾问工作", "学院法律顾问工作")}),  # 学院 outside a training context
    "JX104": ({"a": edit("≥90%]\n  - [时效", "≥90]\n  - [时效")}, {"a": CLEAN}),
    "JX105": ({"a": edit("业务科室满意度", "服务对象满意度指标")}, {"a": CLEAN}),
    "JX201": ({"a": edit("≥90%]\n  - [时效", "≥5天]\n  - [时效")}, {"a": CLEAN}),
    "JX202": ({"a": edit("=100%", "≥100%")}, {"a": CLEAN}),
    "JX203": ({"a": edit("≥90%]\n  - [时效", '">90%"]\n  - [时效')}, {"a": CLEAN}),
    "JX204": ({"a": edit(ROW_COST, "  - [成本指标, 日均场地租赁成本, 场地租金, ≤2000元/次]\n")},
              {"a": edit(ROW_COST, "  - [成本指标, 日均场地租赁成本, 场地租金, ≤2000元/日]\n")}),
    "JX205": ({"a": edit("≤6万元", "≤6万")}, {"a": edit("0次", "≥480万人")}),
    "JX206": ({"a": CLEAN, "b": other("宣传费", edit("2025.12.31", "2025年12月31日"))},
              {"a": CLEAN, "b": other("宣传费", edit("1.为重大决策", "1.为宣传工作"))}),
    "JX207": ({"a": edit("2025.12.31", "2026.12.31")}, {"a": CLEAN}),
    "JX208": ({"a": edit("2025.12.31", "在规定时限内完成")}, {"a": edit("2025.12.31", "≥95%")}),
    "JX209": ({"a": edit("2025.12.31", "1002025年12月31日")}, {"a": edit("2025.12.31", "2025年")}),
    "JX210": ({"a": edit("0次]", "一般≥1次，重大≥2次]")}, {"a": CLEAN}),
    "JX211": ({"a": edit(ROW_BENEFIT, "  - [社会效益指标, 保障工作正常开展, 保障法律顾问工作正常开展, 保障工作正常开展]\n")},
              {"a": CLEAN}),
    "JX212": ({"a": edit("0次]", "稳步提高]")}, {"a": edit("0次]", "有所提升]")}),
    "JX301": ({"a": edit("≤6万元", "≤100%")}, {"a": CLEAN}),
    "JX302": ({"a": edit("≤6万元", "≥6万元")}, {"a": CLEAN}),
    "JX303": ({"a": edit("≤6万元", "≤8万元")}, {"a": edit("≤6万元", "≤60000元")}),
    "JX304": ({"a": edit(ROW_COST, "  - [成本指标, 月均法律顾问经费支出, 全年预算数除以 12, ≤0.4万元/月]\n")},
              {"a": edit(ROW_COST, "  - [成本指标, 月均法律顾问经费支出, 全年预算数除以 12, ≤0.5万元/月]\n")}),
    "JX305": ({"a": edit(ROW_COST, "  - [成本指标, 月均法律顾问经费支出, 全年预算数除以 12, ≤1万元/月]\n")},
              {"a": edit(ROW_COST, "  - [成本指标, 月均法律顾问经费支出, 全年预算数除以 12, ≤0.6万元/月]\n")}),
    "JX306": ({"a": edit("≤6万元", "6万元")}, {"a": CLEAN}),
    "JX401": ({"a": edit("法律意见采纳率", "合同审查完成率")}, {"a": CLEAN}),
    "JX402": ({"a": edit(ROW_QUANTITY, "", ROW_TIME, ROW_TIME + ROW_QUANTITY)},
              {"a": edit(ROW_COST, "", ROW_QUANTITY, ROW_COST + ROW_QUANTITY)}),  # 成本 may come first
    "JX403": ({"a": edit(ROW_SATISFACTION, "  - {一级: 效益指标, 二级: 服务对象满意度指标, 三级: 业务科室满意度, "
                                           "描述: 满意的科室比例, 值: ≥90%}\n")}, {"a": CLEAN}),
    "JX404": ({"a": edit(ROW_BENEFIT, "  - [社会效益指标, 参保群众满意度, 满意的参保群众比例, ≥90%]\n")},
              {"a": CLEAN}),
    "JX405": ({"a": edit(ROW_BENEFIT, "")}, {"a": CLEAN}),
    "JX406": ({"a": edit("[数量指标, 合同审查完成率", "[质量指标, 合同审查完成率")}, {"a": CLEAN}),
    "JX407": ({"a": edit(ROW_COST, "")}, {"a": CLEAN}),
    "JX408": ({"a": edit("预设: 无\n", "预设: 无\n资金支出计划: [~, 50%, 80%, 100%]\n")},
              {"a": edit("预设: 无\n", "预设: 无\n资金支出计划: [0%, 50%, 80%, 100%]\n")}),
    "JX410": ({"a": edit("预设: 无\n", "预设: 无\n资金支出计划: [\"28.02\", \"53.00\", \"78.00\", \"100.00\"]\n")},
              {"a": edit("预设: 无\n", "预设: 无\n资金支出计划: [\"28.00\", \"53.00\", \"78.00\", \"100.00\"]\n")}),
    "JX409": ({"a": edit("预设: 无\n", "预设: 无\n标题: 法律顾问服务费\n")}, {"a": CLEAN}),
    "JX501": ({"a": CLEAN, "b": edit("项目名称: 法律顾问费", "项目名称: 合同审查费")},
              {"a": CLEAN, "b": other("宣传费", edit("1.为重大决策", "1.为宣传工作"))}),
    "JX502": ({"a": edit("已审查合同数占提交审查合同数的比例", "合同审查完成率")}, {"a": CLEAN}),
    "JX503": ({"a": edit("预设: 无\n", "预设: 无\n指标值确定依据: 恳请贵局安排经费6万元\n")},
              {"a": edit("预设: 无\n", "预设: 无\n指标值确定依据: 2025年工作计划\n")}),
    "JX601": ({"a": edit("审查合同和重大决策", "按津财社指【2025】142号文件执行")},
              {"a": edit("审查合同和重大决策", "按津财社指〔2025〕142号文件执行")}),
    "JX602": ({"a": edit("聘请常年法律顾问", "聘请常年法律顾问（含合同审查")},
              {"a": edit("聘请常年法律顾问", "聘请常年法律顾问（含合同审查）")}),
    "JX603": ({"a": edit("聘请常年法律顾问，审查", "聘请常年法律顾问,审查")},
              {"a": edit("0次]", "105元/人.年]")}),  # a unit's 人.年 is not a sentence
    "JX604": ({"a": edit("资金用途: 聘请常年法律顾问，审查合同和重大决策",
                         '资金用途: "聘请常年法律顾问，审查合同\\x07和重大决策"')}, {"a": CLEAN}),
}


def findings(tmp: Path, projects: Projects, rules: list[str] | None = None,
             department: str = DEPARTMENT) -> list[Finding]:
    files = {"部门.yaml": department}
    files.update({f"projects/{i:02d}-{name}.yaml": text for i, (name, text) in enumerate(projects.items(), 1)})
    root = write_tree(tmp, files)
    spec = load_department(root)
    return run_checks(spec, expand_department(spec), select=rules)


def test_every_rule_has_fixtures() -> None:
    assert set(CASES) == set(RULES)


@pytest.mark.parametrize("rule_id", sorted(CASES))
def test_rule_fires_on_its_fixture(tmp_path: Path, rule_id: str) -> None:
    bad, good = CASES[rule_id]
    found = findings(tmp_path / "bad", bad, [rule_id])
    assert found, f"{rule_id} did not fire"
    assert {f.rule for f in found} == {rule_id}
    assert all(f.path.startswith("projects/") and f.line >= 1 for f in found)
    assert findings(tmp_path / "good", good, [rule_id]) == []


def test_clean_project_has_no_findings_at_all(tmp_path: Path) -> None:
    assert findings(tmp_path, {"a": CLEAN}) == []


def test_finding_points_at_the_cell(tmp_path: Path) -> None:
    (f,) = findings(tmp_path, {"a": edit("≤6万元", "≥6万元")}, ["JX302"])
    assert (f.path, f.line, f.col) == ("projects/01-a.yaml", 11, 43)
    assert f.level == "error" and f.fix == "≤6万元"
    (f,) = findings(tmp_path / "x", {"a": edit("预设: 无\n", "预设: 无\n资金支出计划: [~, 50%, 80%, 100%]\n")}, ["JX408"])
    assert (f.line, f.col) == (7, 9)


def test_frameworks_change_the_structure_rules(tmp_path: Path) -> None:
    effect = DEPARTMENT + "指标体系: 效果\n"
    assert findings(tmp_path / "a", {"a": CLEAN}, department=effect) == []
    old_label = edit(ROW_BENEFIT, "  - {一级: 效益指标, 二级: 社会效益指标, 三级: 因合同纠纷引发的诉讼次数, "
                                  "描述: 年度内因合同条款问题引发的诉讼次数, 值: 0次}\n")
    found = findings(tmp_path / "b", {"a": old_label}, department=effect)
    assert sorted((f.rule, f.level) for f in found) == [("JX403", "warning"), ("JX405", "error")]
    assert "「法律顾问费」缺少效果指标" in [f.message for f in found]
    new = DEPARTMENT + "指标体系: 2021\n"
    cost_first = edit(ROW_COST, "", "绩效指标:\n", "绩效指标:\n  - [经济成本指标, 法律顾问费支出总额, 全年实际支出, ≤6万元]\n")
    assert findings(tmp_path / "c", {"a": cost_first}, department=new) == []
    no_cost = edit(ROW_COST, "")
    assert [f.rule for f in findings(tmp_path / "d", {"a": no_cost}, department=new)] == ["JX407"]


REAL_NAMES = sorted({t.name for t in parse_seed(TANGSHAN) + parse_seed(DONGLI) if "【" not in t.name})
BUILTIN = sorted(p.stem for p in (builtin_templates() / "presets").glob("*.yaml"))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    preset=st.sampled_from(BUILTIN),
    name=st.sampled_from(REAL_NAMES),
    budget=st.decimals(min_value=1, max_value=50000, places=2),
    unit=st.sampled_from(["万元", "元"]),
)
def test_builtin_presets_never_raise_a_false_alarm(preset: str, name: str, budget: Any, unit: str) -> None:
    """Property: a clean, preset-generated project yields no finding of any level."""
    amount = budget if unit == "万元" else int(budget * 10000)
    project = (
        f"项目名称: {json.dumps(name, ensure_ascii=False)}\n单位: \"100001\"\n预算数: {amount}\n"
        f"资金用途: 保障本项目各项工作按计划开展\n绩效目标: 1.按计划完成全年工作任务。\n预设: {preset}\n"
    )
    dept = DEPARTMENT.replace("金额单位: 万元", f"金额单位: {unit}")
    with tempfile.TemporaryDirectory() as tmp:
        found = findings(Path(tmp), {"a": project}, department=dept)
    assert found == [], [f"{f.rule} {f.message}" for f in found]


def test_department_presets_that_copy_slips_are_flagged() -> None:
    spec = load_department(ROOT / "specs" / "tangshan-2025")
    found = run_checks(spec, expand_department(spec))
    in_presets = {(f.rule, f.path) for f in found if f.path.startswith("presets/")}
    assert ("JX202", "presets/本级.yaml") in in_presets  # ≥100%
    assert ("JX211", "presets/本级.yaml") in in_presets  # 保障工作正常开展 → 保障工作正常开展
    assert ("JX203", "presets/中心.yaml") in in_presets  # >90%


def test_line_project_and_department_switches(tmp_path: Path) -> None:
    bad = edit("=100%]", "≥100%]  # jixiao: ignore[JX202]", "≥90%]\n  - [时效", '">90%"]  # jixiao: ignore\n  - [时效')
    assert findings(tmp_path / "a", {"a": bad}) == []
    per_project = edit("=100%", "≥100%", "预设: 无\n", "预设: 无\n检查: {忽略: [JX2]}\n")
    assert findings(tmp_path / "b", {"a": per_project}) == []
    dept = DEPARTMENT + "检查: {忽略: [JX202]}\n"
    assert findings(tmp_path / "c", {"a": edit("=100%", "≥100%")}, department=dept) == []
    prefix = DEPARTMENT + "检查: {忽略: [JX2]}\n"  # a family prefix works here as everywhere
    assert findings(tmp_path / "d", {"a": edit("=100%", "≥100%")}, department=prefix) == []


def test_unknown_rule_in_spec_is_a_located_error(tmp_path: Path) -> None:
    root = write_tree(tmp_path, {"部门.yaml": DEPARTMENT + "检查: {忽略: [JX999]}\n",
                                 "projects/01-a.yaml": CLEAN})
    result = runner.invoke(app, ["check", str(root)])
    assert result.exit_code == 1
    assert "部门.yaml:10:" in result.stderr and "没有这样的规则「JX999」" in result.stderr


def test_cli_output_exit_codes_and_formats(tmp_path: Path) -> None:
    clean = write_tree(tmp_path / "clean", {"部门.yaml": DEPARTMENT, "projects/01-a.yaml": CLEAN})
    result = runner.invoke(app, ["check", str(clean)])
    assert (result.exit_code, result.output) == (0, "")
    warn = write_tree(tmp_path / "warn", {"部门.yaml": DEPARTMENT,
                                          "projects/01-a.yaml": edit("=100%", "≥100%")})
    result = runner.invoke(app, ["check", str(warn)])
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[0] == str(warn / "projects" / "01-a.yaml") + (":8:40: JX202 警告 「合同审查完成率」的指标值「≥100%」无法超额完成 — 写成「=100%」")
    assert lines[-1] == "共 1 条：警告 1 条。"
    error = write_tree(tmp_path / "err", {"部门.yaml": DEPARTMENT,
                                          "projects/01-a.yaml": edit("≤6万元", "≥6万元", "=100%", "≥100%")})
    result = runner.invoke(app, ["check", str(error), "--format", "json"])
    assert result.exit_code == 1
    data = json.loads(result.stdout)
    assert data["summary"] == {"total": 2, "error": 1, "warning": 1, "info": 0}
    assert {f["rule"] for f in data["findings"]} == {"JX202", "JX302"}
    assert runner.invoke(app, ["check", str(error), "--select", "JX2"]).exit_code == 0
    assert runner.invoke(app, ["check", str(error), "--ignore", "JX302"]).exit_code == 0
    assert runner.invoke(app, ["check", str(error), "--select", "JX9"]).exit_code == 2
    assert runner.invoke(app, ["check"]).exit_code == 2


def test_check_a_single_project_file(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    result = runner.invoke(app, ["check", "specs/tangshan-2025/projects/47-医保工作经费.yaml"])
    assert result.exit_code == 1
    files = {line.split(":")[0] for line in result.stdout.splitlines() if ": JX" in line}
    assert files == {"specs/tangshan-2025/projects/47-医保工作经费.yaml", "specs/tangshan-2025/presets/本级.yaml"}
    assert "JX304 错误 月均上限「≤0.17万元/月」" in result.stdout


def test_list_rules_and_docs_are_current() -> None:
    result = runner.invoke(app, ["check", "--list-rules"])
    assert result.exit_code == 0 and all(rid in result.stdout for rid in RULES)
    assert (ROOT / "docs" / "rules.md").read_text(encoding="utf-8") == rules_markdown(), (
        "运行 jixiao check --list-rules --format markdown > docs/rules.md 更新规则文档"
    )


@pytest.mark.parametrize("name", ["tangshan-2025", "dongli-2025"])
def test_examples_match_the_golden_findings(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every finding on the examples is a real slip of the published document (reviewed by hand)."""
    monkeypatch.chdir(ROOT)
    result = runner.invoke(app, ["check", f"specs/{name}"])
    golden = (ROOT / "tests" / "golden" / f"check-{name}.txt").read_text(encoding="utf-8")
    assert result.stdout == golden, "运行 python tools/update_golden.py 更新（先逐条核对）"
    assert result.exit_code == 1  # both published documents contain error-level slips
