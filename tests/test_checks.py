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
from jixiao.checks import LEVEL_LABEL, RULES, Finding, run_checks
from jixiao.checks.packs.listing import docs_markdown
from jixiao.checks.report import rules_markdown, table_numbers
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
    "JX103": ({"a": edit("审查合同和重大决策", "审查合同，拔付顾问费")},
              {"a": edit("年度法律顾问工作", "学院法律顾问工作")}),  # 学院 outside a training context
    "JX104": ({"a": edit("≥90%]\n  - [时效", "≥90]\n  - [时效")}, {"a": CLEAN}),
    "JX105": ({"a": edit("业务科室满意度", "服务对象满意度指标")}, {"a": CLEAN}),
    "JX106": ({"a": edit("业务科室满意度", "业务科室满眼度")},
              {"a": edit("审查合同和重大决策", "完成律师费支付")}),  # 律师 is not 完成律's 律
    "JX107": ({"a": edit("问卷中对法律服务表示满意的科室比例", "业务科室满意率")},
              {"a": edit("业务科室满意度", "业务科室满意率")}),  # one spelling throughout
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
    "JX307": ({"a": edit("预算数: 6.00", "预算数: 0.00", "≤6万元", "≤0万元")}, {"a": CLEAN}),
    "JX301": ({"a": edit("≤6万元", "≤100%")}, {"a": CLEAN}),
    "JX302": ({"a": edit("≤6万元", "≥6万元")}, {"a": CLEAN}),
    "JX303": ({"a": edit("≤6万元", "≤8万元")}, {"a": edit("≤6万元", "≤60000元")}),
    "JX304": ({"a": edit(ROW_COST, "  - [成本指标, 月均法律顾问经费支出, 全年预算数除以 12, ≤0.4万元/月]\n")},
              {"a": edit(ROW_COST, "  - [成本指标, 月均法律顾问经费支出, 全年预算数除以 12, ≤0.5万元/月]\n")}),
    "JX305": ({"a": edit(ROW_COST, "  - [成本指标, 月均法律顾问经费支出, 全年预算数除以 12, ≤1万元/月]\n")},
              {"a": edit(ROW_COST, "  - [成本指标, 月均法律顾问经费支出, 全年预算数除以 12, ≤0.6万元/月]\n")}),
    "JX306": ({"a": edit("≤6万元", "6万元")}, {"a": CLEAN}),
    "JX413": ({"a": edit('单位: "100001"\n', '单位: "100001"\n项目编码: ""\n')},
              {"a": edit('单位: "100001"\n', '单位: "100001"\n项目编码: 13020025P00T82D100042\n')}),
    "JX414": ({"a": edit("预设: 无\n", "预设: 无\n版式: {列宽: [30, 30, 40, 40, 30, 30]}\n")},
              {"a": edit("预设: 无\n", "预设: 无\n版式: {列宽: [20, 24, 30, 37, 22, 23]}\n")}),
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
    "JX411": ({"a": edit("[质量指标, 法律意见采纳率, 被采纳的法律意见占出具意见总数的比例",
                         "[质量指标, 法律意见出具及时率, 按期出具的法律意见占出具意见总数的比例")},
              {"a": edit(ROW_TIME, "  - [时效指标, 法律意见出具及时率, 按期出具的法律意见占出具意见总数的比例, ≥95%]\n")}),
    "JX410": ({"a": edit("预设: 无\n", "预设: 无\n资金支出计划: [\"28.02\", \"53.00\", \"78.00\", \"100.00\"]\n")},
              {"a": edit("预设: 无\n", "预设: 无\n资金支出计划: [\"28.00\", \"53.00\", \"78.00\", \"100.00\"]\n")}),
    "JX412": ({"a": edit("预设: 无\n", "预设: 无\n资金支出计划: [0.28, 53, 78, 100]\n")},
              {"a": edit("预设: 无\n", "预设: 无\n资金支出计划: [0, 53, 78, 100]\n")}),
    "JX409": ({"a": edit("预设: 无\n", "预设: 无\n标题: 法律顾问服务费\n")}, {"a": CLEAN}),
    "JX501": ({"a": CLEAN, "b": edit("项目名称: 法律顾问费", "项目名称: 合同审查费")},
              {"a": CLEAN, "b": other("宣传费", edit("1.为重大决策", "1.为宣传工作"))}),
    "JX502": ({"a": edit("已审查合同数占提交审查合同数的比例", "合同审查完成率")}, {"a": CLEAN}),
    "JX503": ({"a": edit("预设: 无\n", "预设: 无\n指标值确定依据: 恳请贵局安排经费6万元\n")},
              {"a": edit("预设: 无\n", "预设: 无\n指标值确定依据: 2025年工作计划\n")}),
    "JX504": ({"a": edit("预设: 无\n", "预设: 无\n指标值确定依据: 法律顾问费\n")},
              {"a": edit("预设: 无\n", "预设: 无\n指标值确定依据: 2025年工作计划\n")}),
    "JX505": ({"a": edit("1.为重大决策和合同提供法律审查，降低法律风险。", "1.聘请常年法律顾问，审查合同和重大决策。")},
              {"a": CLEAN}),
    "JX507": ({"a": edit("审查合同和重大决策", "按2024年工作计划审查合同")},
              {"a": edit("审查合同和重大决策", "按2025年工作计划审查合同")}),
    "JX506": ({"a": edit("审查合同和重大决策", "按2020年合同范本审查合同")},
              {"a": edit("审查合同和重大决策", "按冀政发〔2016〕20号和《2023年版合同范本》审查2024年结转合同，"
                                                 "落实2021—2025年规划，自2018年以来未发生诉讼")}),
    "JX509": ({"a": edit("聘请常年法律顾问，审查合同和重大决策", "（写明资金用于什么）")},
              {"a": edit("聘请常年法律顾问，审查合同和重大决策", "聘请常年法律顾问（写明服务内容的合同另附）")}),
    "JX508": ({"a": other("合同文本审核费"), "b": edit("法律意见采纳率", "合同文本审核工作完成率", text=other("档案整理费"))},
              {"a": other("合同文本审核费"), "b": other("档案整理费")}),
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
    assert (ROOT / "docs" / "rules.md").read_text(encoding="utf-8") == docs_markdown(), (
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


# --- levels: the rule list says what the output gives -------------------------------------------

def _all_findings(tmp: Path) -> list[Finding]:
    """Findings of every rule's firing fixture and of both examples."""
    out: list[Finding] = []
    for rule_id, (bad, _) in sorted(CASES.items()):
        out += findings(tmp / rule_id, bad)
    for name in ("tangshan-2025", "dongli-2025"):
        spec = load_department(ROOT / "specs" / name)
        out += run_checks(spec, expand_department(spec))
    return out


def test_every_finding_has_a_documented_level(tmp_path: Path) -> None:
    """A finding's level is its rule's, or another level the rule lists and explains in its rationale."""
    for r in RULES.values():
        for level in r.also:
            assert level != r.level and LEVEL_LABEL[level] in r.rationale, (r.id, level)
    extra = {
        "JX302": edit("≤6万元", "≥6万元", "法律顾问费支出总额", "人均补助标准"),  # 补助标准 → warning
        "JX303": edit("≤6万元", "≤5万元"),  # below the budget → warning
        "JX405": edit(ROW_SATISFACTION, ""),  # no 满意度指标 → warning
        "JX602": edit("聘请常年法律顾问", "聘请常年法律顾问（含合同审查)"),  # mixed pair → warning
    }
    found = _all_findings(tmp_path)
    for rule_id, text in extra.items():
        got = findings(tmp_path / f"extra-{rule_id}", {"a": text}, [rule_id])
        assert [f.level for f in got] == ["warning"], (rule_id, got)
        found += got
    for f in found:
        assert f.level in RULES[f.rule].levels, (f.rule, f.level, f.message)
    assert "错误 / 警告" in rules_markdown()  # the list shows both levels of JX303


def test_messages_naming_the_table_can_be_grouped(tmp_path: Path) -> None:
    """A message that names its table has a group text without the name (how it shows once for many tables)."""
    names = {t.name for t in parse_seed(TANGSHAN)} | {"法律顾问费"}
    for f in _all_findings(tmp_path):
        named = [n for n in names if f"「{n}」" in f.message]
        if named and not f.message.startswith(("绩效目标与第", "资金用途与第")):  # JX501 names the *other* table
            assert f.group and not any(n in f.group for n in named), f


# --- grouping and --summary ---------------------------------------------------------------------

def test_the_same_finding_in_many_tables_is_shown_once(tmp_path: Path) -> None:
    no_cost = edit(ROW_COST, "")
    projects = {"a": no_cost, "b": other("宣传费", edit("预算数: 6.00", "预算数: 8.00", text=no_cost)),
                "c": other("印刷费", no_cost)}
    files = {"部门.yaml": DEPARTMENT}
    files.update({f"projects/{i:02d}-{n}.yaml": t for i, (n, t) in enumerate(projects.items(), 1)})
    root = write_tree(tmp_path, files)
    result = runner.invoke(app, ["check", str(root), "--select", "JX407"])
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert lines[0] == (f"{root / 'projects' / '01-a.yaml'}:1:1: JX407 错误 没有成本指标 — "
                        "加上成本指标，如 项目总成本 ≤预算数（涉及 3 张表：第 1～3 表）")
    assert lines[1:3] == [f"    {root / 'projects' / '02-b.yaml'}:1:1", f"    {root / 'projects' / '03-c.yaml'}:1:1"]
    assert lines[-1] == "共 3 条（相同的问题合并后 1 项）：错误 3 条。"
    data = json.loads(runner.invoke(app, ["check", str(root), "--select", "JX407", "--format", "json"]).stdout)
    assert [(f["file"].rsplit("/", 1)[-1], f["tables"]) for f in data["findings"]] == [
        ("01-a.yaml", [1]), ("02-b.yaml", [2]), ("03-c.yaml", [3])]
    assert data["findings"][0]["message"] == "「法律顾问费」没有成本指标"  # each record keeps its own message
    assert data["findings"][0]["hint"] == "加上成本指标，如 项目总成本 ≤6万元"
    one = runner.invoke(app, ["check", str(root / "projects" / "02-b.yaml"), "--select", "JX407"]).stdout
    assert one.splitlines()[0].endswith("JX407 错误 「宣传费」没有成本指标 — 加上成本指标，如 项目总成本 ≤8万元")


def test_table_numbers_are_written_as_ranges() -> None:
    assert table_numbers([19, 20, 21, 22, 36, 2, 3, 5]) == "第 2、3、5、19～22、36 表"
    assert table_numbers(range(1, 40, 2), limit=3) == "第 1、3、5… 表"


def test_summary_counts_by_rule(tmp_path: Path) -> None:
    text = edit("≤6万元", "≥6万元", "=100%", "≥100%", "≥90%]\n  - [时效", "≥100%]\n  - [时效")
    root = write_tree(tmp_path, {"部门.yaml": DEPARTMENT, "projects/01-a.yaml": text,
                                 "projects/02-b.yaml": other("宣传费", edit("=100%", "≥100%", "1.为重大决策", "1.为宣传工作"))})
    result = runner.invoke(app, ["check", str(root), "--summary"])
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        "规则   级别  条数  涉及表  名称",
        "JX302  错误     1       1  成本指标不是上限",
        "JX202  警告     3       2  「≥100%」无法超额完成",
        "",
        "共 4 条：错误 1 条，警告 3 条。",
    ]
    data = json.loads(runner.invoke(app, ["check", str(root), "--summary", "--format", "json"]).stdout)
    assert data["rules"][1] == {"rule": "JX202", "level": "warning", "title": "「≥100%」无法超额完成",
                                "count": 3, "tables": 2}
    clean = write_tree(tmp_path / "clean", {"部门.yaml": DEPARTMENT, "projects/01-a.yaml": CLEAN})
    assert runner.invoke(app, ["check", str(clean), "--summary"]).output == ""


# --- findings stay where the text is written ----------------------------------------------------

PRESET = """\
说明: 测试预设
绩效指标:
  - {键: 完成率, 二级: 数量指标, 三级: 工作完成率, 描述: 实际完成量占计划量的比例, 值: ≥100%}
  - {键: 成本, 二级: 成本指标, 三级: 项目总成本, 描述: 全年支出, 值: "≤{{ 预算数 }}万元"}
  - {键: 时限, 二级: 时效指标, 三级: 完成时限, 描述: 全部完成的日期, 值: "{{ 完成时限 }}"}
  - {键: 效益, 二级: 社会效益指标, 三级: 因经费不足延误工作次数, 描述: 延误次数, 值: 0次}
  - {键: 满意度, 二级: 服务对象满意度指标, 三级: 服务对象满意度, 描述: 满意的比例, 值: ≥90%}
"""


def test_preset_findings_stay_on_the_preset_line(tmp_path: Path) -> None:
    """A project that changes other fields of a preset row leaves the ≥100% where it is written."""
    head = "单位: \"100001\"\n预算数: 6.00\n资金用途: 聘请法律顾问\n绩效目标: 1.降低法律风险。\n预设: 测试\n"
    projects = {
        "01-a.yaml": "项目名称: 法律顾问费\n" + head,
        "02-b.yaml": "项目名称: 宣传费\n" + head + "改写:\n  完成率: {描述: 宣传工作实际完成量占计划量的比例}\n",
        "03-c.yaml": "项目名称: 印刷费\n" + head + "改写:\n  完成率: {三级: 印刷完成率}\n",
        "04-d.yaml": "项目名称: 会议费\n" + head + "改写:\n  完成率: {值: ≥100%}\n",
    }
    root = write_tree(tmp_path, {"部门.yaml": DEPARTMENT, "presets/测试.yaml": PRESET,
                                 **{f"projects/{k}": v for k, v in projects.items()}})
    spec = load_department(root)
    found = run_checks(spec, expand_department(spec), select=["JX202"])
    assert [(f.path, f.line, f.tables) for f in found] == [
        ("presets/测试.yaml", 3, (1, 2, 3)),  # 改写 of 描述 or 三级 leaves the value on the preset line
        ("projects/04-d.yaml", 8, (4,)),  # the project wrote the value itself
    ]
    # 03 renamed the indicator: the preset line's finding speaks for all three tables.
    assert found[0].message == "指标值「≥100%」无法超额完成"


# --- every offending part, numbers as printed ---------------------------------------------------

def test_a_finding_names_every_offending_part(tmp_path: Path) -> None:
    text = edit("审查合同和重大决策", "按冀政发(2016)20号和津财社指【2025】142号,审查合同;和重大决策")
    by_rule = {f.rule: f for f in findings(tmp_path / "a", {"a": text}, ["JX601", "JX603"])}
    assert by_rule["JX601"].message == "资金用途中的文号年份写成了「(2016)」「【2025】」"
    assert by_rule["JX601"].fix is not None and "冀政发〔2016〕20号和津财社指〔2025〕142号" in by_rule["JX601"].fix
    assert by_rule["JX603"].message == "资金用途中用了半角「,」「;」（2 处）：「142号,审查合同」「审查合同;和重大决」"
    (f,) = findings(tmp_path / "b", {"a": edit("法律意见采纳率", "法律意见意见采纳率采纳率")}, ["JX102"])
    assert (f.message, f.fix) == ("「法律意见意见采纳率采纳率」中「意见」「采纳率」重复了一遍", "法律意见采纳率")
    typos = edit("审查合同和重大决策", "审查合同，拔付顾问费，核对帐户")
    (f,) = findings(tmp_path / "c", {"a": typos}, ["JX103"])
    assert (f.message, f.hint) == ("资金用途中的「帐户」「拔付」疑似错别字", "应为「账户」「拨付」？")
    assert findings(tmp_path / "d", {"a": edit("审查合同和重大决策", "见目录（2023）")}, ["JX601"]) == []


def test_hints_print_numbers_as_the_document_does(tmp_path: Path) -> None:
    big = edit("预算数: 6.00", "预算数: 4000.00", "≤6万元", "≤100%")
    (f,) = findings(tmp_path / "a", {"a": big}, ["JX301"])
    assert f.hint == "写成 ≤金额，如 ≤4000万元"
    (f,) = findings(tmp_path / "b", {"a": edit("预算数: 6.00", "预算数: 4000.00", "≤6万元", "≤4500万元")}, ["JX303"])
    assert (f.hint, f.fix) == ("成本上限应等于预算数：「≤4000万元」", "≤4000万元")
    (f,) = findings(tmp_path / "c", {"a": edit("预算数: 6.00", "预算数: 4000.50", ROW_COST, "")}, ["JX407"])
    assert f.hint == "加上成本指标，如 项目总成本 ≤4000.5万元"
    odd = edit("预设: 无\n", "预设: 无\n资金支出计划: [\"28.02\", \"53.00\", \"78.00\", \"100.00\"]\n")
    (f,) = findings(tmp_path / "d", {"a": odd}, ["JX410"])
    assert f.hint == "是否应为「28.00%」？"  # as the cell prints: 28.02%


# --- the new rules' finer points ----------------------------------------------------------------

def test_years_that_are_not_leftovers(tmp_path: Path) -> None:
    def years(text: str) -> list[str]:
        return [f.message for f in findings(tmp_path / str(len(list(tmp_path.iterdir()))),
                                             {"a": edit("审查合同和重大决策", text)}, ["JX506"])]

    assert years("审查2025年、2024年结转合同") == []
    assert years("按津财社指【2020】5号和冀政发〔2016〕20号审查合同") == []  # 文号 years are references
    assert years("按《2020年版合同范本》审查") == []  # a document's title
    assert years("落实2016—2025年规划，2018年以来无诉讼") == []
    assert years("审查合同，项目编码13020020P00682510503U") == []
    assert years("审查2020年、2019.6.30和2026年合同") == ["资金用途中出现了「2020年」「2019年」「2026年」，不是 2025 年度或上一年度"]
    # A year in the project's own name (carried-over funds) may be repeated in its texts.
    named = other("2023年中央财政补助资金", edit("审查合同和重大决策", "使用2023年中央财政补助资金"))
    assert findings(tmp_path / "named", {"a": named}, ["JX506"]) == []


def test_basis_without_a_basis(tmp_path: Path) -> None:
    def basis(text: str) -> list[str]:
        project = edit("预设: 无\n", f"预设: 无\n指标值确定依据: {json.dumps(text, ensure_ascii=False)}\n")
        return [f.message for f in findings(tmp_path / str(len(list(tmp_path.iterdir()))), {"a": project}, ["JX504"])]

    assert basis(" ") == ["指标值确定依据没有写出任何依据"]
    assert basis("无") == ["指标值确定依据只写了「无」"]
    assert basis("《法律顾问费》") == ["指标值确定依据只是项目名称"]  # one finding for the shared default
    assert basis("历年指标及相关文件") == []
    row = edit(ROW_BENEFIT, "  - {二级: 社会效益指标, 三级: 因合同纠纷引发的诉讼次数, 描述: 诉讼次数, 值: 0次, "
                            "依据: 因合同纠纷引发的诉讼次数}\n")
    assert [f.message for f in findings(tmp_path / "row", {"a": row}, ["JX504"])] == [
        "指标值确定依据只是重复了指标「因合同纠纷引发的诉讼次数」"]


def test_homophones_and_spellings_from_the_vocabulary(tmp_path: Path) -> None:
    (f,) = findings(tmp_path / "a", {"a": edit("合同审查完成率", "合同审查完成律")}, ["JX106"])
    assert (f.message, f.hint, f.fix) == ("三级指标中的「完成律」疑似拼音输入的同音错字", "应为「完成率」？", "合同审查完成率")
    (f,) = findings(tmp_path / "b", {"a": edit("审查合同和重大决策", "按积效目标完成律师费支付和部署，布署工作")},
                    ["JX106"])
    assert (f.message, f.fix) == ("资金用途中的「积效目标」「布署」疑似拼音输入的同音错字",
                                  "聘请常年法律顾问，按绩效目标完成律师费支付和部署，部署工作")
    (f,) = findings(tmp_path / "c", {"a": edit("问卷中对法律服务表示满意的科室比例", "业务科室满意率")}, ["JX107"])
    assert (f.line, f.message, f.hint) == (13, "本表中「满意率」与「满意度」混用（「满意度」1 处，「满意率」1 处）",
                                           "统一写成「满意度」")
    # Another table's spelling is not this table's business.
    two = {"a": CLEAN, "b": other("宣传费", edit("业务科室满意度", "业务科室满意率", "1.为重大决策", "1.为宣传工作"))}
    assert findings(tmp_path / "d", two, ["JX107"]) == []


def test_a_homophone_inside_its_right_word_is_refused(tmp_path: Path) -> None:
    vocab = (ROOT / "templates" / "checks" / "词表.yaml").read_text(encoding="utf-8")
    vocab = vocab.replace("  满意度: [满眼度]\n", "  满意度: [满眼度, 满意]\n", 1)
    root = write_tree(tmp_path, {"部门.yaml": DEPARTMENT, "projects/01-a.yaml": CLEAN, "checks/词表.yaml": vocab})
    result = runner.invoke(app, ["check", str(root)])
    assert result.exit_code == 1 and "错误写法「满意」是正确写法「满意度」的一部分" in result.stderr
