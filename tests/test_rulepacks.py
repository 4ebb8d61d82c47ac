"""Rule packs: the reviewer's 26-rule spreadsheet imported and run, the built-in 2021 pack, every rule
breaking on one table and passing on another, broken and hostile packs refused with their place."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from jixiao.checks import Finding
from jixiao.checks.packs.listing import builtin_pack_names
from jixiao.checks.packs.load import Choice, load_packs
from jixiao.cli import app
from jixiao.errors import SpecError
from jixiao.workflow import Checks, open_spec

FIXTURES = Path(__file__).resolve().parent / "fixtures"
SHEET = FIXTURES / "rules" / "审核口径.xlsx"
runner = CliRunner()

DEPARTMENT = """\
年度: 2025
部门名称: 某市农业农村局
金额单位: 万元
版式: "2021"
指标体系: 2021核心
单位:
  - {单位编码: "301001", 单位名称: 某市农业农村局本级}
默认:
  预设: 无
"""
COST = "  - {二级: 经济成本指标, 三级: 培训成本, 指标解释: 考察全年培训实际支出不超过预算, 值: ≤8万元}\n"
CLEAN = """\
项目名称: 农技培训经费
单位: "301001"
项目编码: 33010025P000000001
预算数: 8.00
项目类型: 其他运转类
政策依据: 《某市农业农村发展规划》（某农〔2024〕6号）
测算依据: 培训费 0.8万元/期 × 10 期 = 8万元
年度目标: 全年开展农技培训 10 期，培训农户 200 人次，满意度达到 90% 以上
绩效指标:
""" + COST + """\
  - {二级: 数量指标, 三级: 培训人次, 指标解释: 考察全年参加培训的人次, 值: ≥200人次}
  - {二级: 质量指标, 三级: 培训合格率, 指标解释: 考核合格人数 ÷ 参训人数 × 100%, 值: "=100%"}
  - {二级: 时效指标, 三级: 完成时限, 指标解释: 反映全年培训完成的日期, 值: 2025年12月31日}
  - {二级: 社会效益指标, 三级: 农户技术掌握率, 指标解释: 反映掌握新技术的农户占参训农户的比例, 值: ≥85%}
  - {二级: 服务对象满意度指标, 三级: 参训农户满意度, 指标解释: 考察问卷中满意的农户比例, 值: ≥90%}
"""


def edit(*pairs: str, text: str = CLEAN) -> str:
    for old, new in zip(pairs[::2], pairs[1::2], strict=True):
        assert old in text, old
        text = text.replace(old, new, 1)
    return text


POLICY = "政策依据: 《某市农业农村发展规划》（某农〔2024〕6号）\n"
CALC = "测算依据: 培训费 0.8万元/期 × 10 期 = 8万元\n"
GOAL = "年度目标: 全年开展农技培训 10 期，培训农户 200 人次，满意度达到 90% 以上\n"
EXPLAIN = "指标解释: 考察全年参加培训的人次, "
LONG = "全年参加农技培训的农户总人次数"  # 15 characters
WEIGHTS = ("≤8万元}", "≤8万元, 权重: 20}", "≥200人次}", "≥200人次, 权重: 20}", '"=100%"}', '"=100%", 权重: 10}',
           "2025年12月31日}", "2025年12月31日, 权重: 10}", "≥85%}", "≥85%, 权重: 20}", "≥90%}\n", "≥90%, 权重: 10}\n")

# rule → (project that breaks it, project that passes it[, 部门.yaml of both])
Case = tuple[str, str] | tuple[str, str, str]
SHEET_CASES: dict[str, Case] = {
    "WZ-01": (edit(POLICY, ""), CLEAN),
    "WZ-02": (edit(POLICY, "政策依据: 根据工作需要\n"), edit(POLICY, "政策依据: 某农〔2024〕6号\n")),
    "WZ-03": (edit(CALC, ""), CLEAN),
    "WZ-04": (edit(CALC, "测算依据: 培训费 8万元\n"), CLEAN),
    "WZ-05": (edit(GOAL, "年度目标: 全面完成农技培训工作，提升农户技术水平\n"), CLEAN),
    "WZ-06": (edit(GOAL, "年度目标: 开展培训5期\n"), CLEAN),
    "WZ-07": (edit("三级: 培训人次", f"三级: {LONG}"), edit("三级: 培训人次", f"三级: {LONG[1:]}")),
    "WZ-08": (edit(EXPLAIN, '描述: "", 指标解释: "", '), edit(EXPLAIN, "描述: 全年参加培训的人次, ")),
    "WZ-09": (edit(EXPLAIN, "指标解释: 全年培训, "), CLEAN),
    "WZ-10": (edit("值: 2025年12月31日", "值: 及时"), edit("值: 2025年12月31日", "值: ≥95%")),
    "WZ-11": (edit("值: 2025年12月31日", "值: 全年"), CLEAN),
    "WZ-12": (edit("值: ≥200人次", "值: 若干"), CLEAN),
    "WZ-13": (edit('值: "=100%"', "值: 合格"), edit('值: "=100%"', "值: 良好")),
    "WZ-14": (edit("≤8万元}", "≤100%}"), CLEAN),
    "WZ-15": (edit("≤8万元}", "≥8万元}"), CLEAN),
    "WZ-16": (edit("值: ≥85%", "值: 保障培训工作正常开展"), CLEAN),
    "WZ-17": (edit("值: ≥90%", "值: 满意"), CLEAN),
    "WZ-18": (edit("值: ≥90%", "值: ≥75%"), edit("值: ≥90%", "值: ≥80%")),
    "WZ-19": (edit('值: "=100%"', "值: ≥100%"), CLEAN),
    "WZ-20": (edit("值: ≥85%", "值: 稳步提高"), edit("值: ≥85%", "值: 明显提高")),
    "WZ-21": (edit("三级: 培训人次", "三级: 数量指标"), CLEAN),
    "WZ-22": (edit("项目名称: 农技培训经费", "项目名称: 其他农业经费"), CLEAN),
    "WZ-23": (edit(GOAL, "年度目标: 用于开展农技培训 10 期\n"), CLEAN),
}
BUILTIN_CASES: dict[str, Case] = {
    "XM01": (CLEAN, edit("≥90%}\n", "≥90%}\n" + "".join(
        f"  - {{二级: {n}, 三级: 不适用, 指标解释: 不适用, 值: 不适用}}\n"
        for n in ("社会成本指标", "生态环境成本指标", "经济效益指标", "生态效益指标", "可持续影响指标"))),
        DEPARTMENT.replace("指标体系: 2021核心", "指标体系: \"2021\"")),
    "XM02": (edit("≥90%}\n", "≥90%}\n  - {二级: 生态效益指标, 三级: 不适用, 指标解释: 不适用, 值: 有所改善}\n"),
             edit("≥90%}\n", "≥90%}\n  - {二级: 生态效益指标, 三级: 不适用, 指标解释: 不适用, 值: 不适用}\n")),
    "XM03": SHEET_CASES["WZ-08"],
    "XM04": (edit(EXPLAIN, "指标解释: 培训人次, "), edit(EXPLAIN, "指标解释: 培训人次，按签到表统计, ")),
    "XM05": (edit(EXPLAIN, "指标解释: 全年培训, "), CLEAN),
    "XM06": SHEET_CASES["WZ-07"],
    "XM07": SHEET_CASES["WZ-10"],
    "XM08": (edit("值: 2025年12月31日", "值: 全年"), edit("值: 2025年12月31日", "值: 年底前")),
    "XM09": (edit("值: ≥85%", "值: 保障培训工作"), edit("值: ≥85%", "值: 有所提升")),
    "XM10": SHEET_CASES["WZ-01"],
    "XM11": SHEET_CASES["WZ-02"],
    "XM12": SHEET_CASES["WZ-03"],
    "XM13": (edit(CALC, "测算依据: 培训费 8万元\n"), edit(CALC, "测算依据: 培训费每期 0.8万元，共 10 期 = 8万元\n")),
    "XM14": (edit(CALC, "测算依据: 培训费 0.7万元/期 × 10 期 = 7万元\n"),
             edit(CALC, "测算依据: 讲课费 0.5万元/期 × 10 期 = 5万元；资料费 3万元\n")),
    "XM15": (edit("≤8万元}", "≤9万元}"), edit("≤8万元}", "≤80000元}")),
    "XM16": (edit("预算数: 8.00", "预算数: 120.00"), edit("预算数: 8.00", "预算数: 99.99")),
    "XM17": (edit("预算数: 8.00", "预算数: 1200.00"), edit("预算数: 8.00", "预算数: 999.00")),
    "XM18": (edit(GOAL, "年度目标: 全面完成农技培训工作\n"), CLEAN),
    "XM19": (edit(*WEIGHTS[:-1], "≥90%, 权重: 20}\n"), edit(*WEIGHTS)),
    "XM20": (edit("项目类型: 其他运转类", "项目类型: 大型修缮及购置", COST, ""),
             edit("项目类型: 其他运转类", "项目类型: 大型修缮及购置")),
}


def _spec(root: Path, project: str, department: str = DEPARTMENT) -> Path:
    (root / "projects").mkdir(parents=True, exist_ok=True)
    (root / "部门.yaml").write_text(department, encoding="utf-8")
    (root / "projects" / "01-农技培训.yaml").write_text(project, encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def sheet_pack(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("pack") / "审核口径.yaml"
    result = runner.invoke(app, ["rules", "import", str(SHEET), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "26 条规则，其中自动检查 23 条、人工审核要点 3 条" in result.output
    return out


def _findings(root: Path, pack: str, rule: str) -> list[Finding]:
    return open_spec(root, checks=Checks.REPORT, select=[rule], rules=[pack]).findings


def _run_case(tmp: Path, pack: str, rule: str, case: Case) -> None:
    department = case[2] if len(case) == 3 else DEPARTMENT  # type: ignore[misc]
    broken = _findings(_spec(tmp / "broken", case[0], department), pack, rule)
    assert [f.rule for f in broken] and {f.rule for f in broken} == {rule}, broken
    assert all(f.path.startswith("projects/") for f in broken), broken
    passing = _findings(_spec(tmp / "passing", case[1], department), pack, rule)
    assert passing == [], passing


def test_every_automatic_rule_of_the_sheet_has_a_case(sheet_pack: Path) -> None:
    packs = load_packs([Choice(str(sheet_pack))], sheet_pack.parent)
    assert sorted(r.id for r in packs.rules) == sorted(SHEET_CASES)
    assert [m.id for m in packs.reminders] == ["RG-01", "RG-02", "RG-03"]


@pytest.mark.parametrize("rule", sorted(SHEET_CASES))
def test_sheet_rule_breaks_and_passes(tmp_path: Path, sheet_pack: Path, rule: str) -> None:
    _run_case(tmp_path, str(sheet_pack), rule, SHEET_CASES[rule])


def test_every_builtin_rule_has_a_case() -> None:
    packs = load_packs([Choice(n) for n in builtin_pack_names()], FIXTURES)
    assert sorted(r.id for r in packs.rules) == sorted(BUILTIN_CASES)


@pytest.mark.parametrize("rule", sorted(BUILTIN_CASES))
def test_builtin_rule_breaks_and_passes(tmp_path: Path, rule: str) -> None:
    _run_case(tmp_path, "2021项目表", rule, BUILTIN_CASES[rule])


def test_clean_table_passes_both_packs(tmp_path: Path, sheet_pack: Path) -> None:
    opened = open_spec(_spec(tmp_path, CLEAN), checks=Checks.REPORT, rules=[str(sheet_pack), "2021项目表"])
    assert [f for f in opened.findings if not f.rule.startswith("JX")] == []


def test_manual_rules_are_reminders_not_findings(tmp_path: Path, sheet_pack: Path) -> None:
    root = _spec(tmp_path / "s", CLEAN)
    result = runner.invoke(app, ["check", str(root), "--规则", str(sheet_pack)])
    assert result.exit_code == 0, result.output
    assert "人工审核要点" in result.output and "RG-01 相关性 年度目标与绩效指标不对应" in result.output
    data = json.loads(runner.invoke(app, ["check", str(root), "--规则", str(sheet_pack), "--format", "json",
                                          "--按", "类别"]).output)
    assert [r["rule"] for r in data["reminders"]] == ["RG-01", "RG-02", "RG-03"]
    assert [c["category"] for c in data["categories"]][:5] == ["完整性", "相关性", "可测性", "可行性", "资金匹配性"]


def test_department_chooses_packs_and_findings_group_by_category(tmp_path: Path) -> None:
    dept = DEPARTMENT + "检查:\n  规则: [2021项目表]\n"
    root = _spec(tmp_path, edit(POLICY, "政策依据: 根据工作需要\n", "值: 2025年12月31日", "值: 及时"), dept)
    result = runner.invoke(app, ["check", str(root), "--按", "类别"])
    text = result.output
    assert "【完整性】" in text and "【可测性】" in text and text.index("【完整性】") < text.index("【可测性】")
    assert "projects/01-农技培训.yaml:6:" in text  # XM11 points at the 政策依据 line
    assert "XM11" in text.split("【可测性】")[0] and "XM07" in text.split("【可测性】")[1]


def test_unknown_and_bad_rows_of_a_sheet(tmp_path: Path) -> None:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "口径"
    ws.append(["编码", "审核对象", "模式", "审核要点", "审核细项", "审核意见表述", "正则表达式"])
    ws.append(["A1", "政策依据", "匹配", "完整性", "引用文件", "未引用文件", "《"])
    ws.append(["A2", "绩效目标", "模糊匹配", "相关性", "目标", "目标含糊", "x"])
    ws.append(["A3", "佐证材料", "非空", "完整性", "佐证", "没有佐证", ""])
    path = tmp_path / "口径.xlsx"
    wb.save(path)
    out = tmp_path / "口径.yaml"
    result = runner.invoke(app, ["rules", "import", str(path), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "口径!C3：模式「模糊匹配」不认识" in result.output and "口径!B4：审核对象「佐证材料」" in result.output
    packs = load_packs([Choice(str(out))], tmp_path)
    assert [r.id for r in packs.rules] == ["A1"] and [m.id for m in packs.reminders] == ["A2", "A3"]
    ws.append(["A4", "政策依据", "匹配", "完整性", "文号", "未写文号", "(〔\\d{4}"])
    wb.save(path)
    again = tmp_path / "again.yaml"
    result = runner.invoke(app, ["rules", "import", str(path), "-o", str(again)])
    assert result.exit_code == 1 and "口径!G5" in result.output and not again.exists()
    result = runner.invoke(app, ["rules", "import", str(path), "-o", str(out)])
    assert result.exit_code == 2 and "已存在" in result.output  # never over a file without --force


BROKEN = {
    "unknown field": ("    对象: 佐证材料\n", "没有「佐证材料」这一项"),
    "unknown key": ("    检查: {须匹配: x, 必须: y}\n", "必须"),
    "bad regex": ("    检查: {须匹配: '(abc'}\n", "正则表达式写法不对"),
    "look-around": ("    检查: {不得匹配: '(?<!年)度'}\n", "不支持向后否定查找"),
    "nested repetition": ("    检查: {须匹配: '((a{100}){100}){100}'}\n", "太复杂"),
    "test on the wrong field": ("    检查: {行数: {最少: 3}}\n", "检查整张表"),
}


def _pack(path: Path, line: str) -> Path:
    body = "规则:\n  - 编号: T1\n    名称: 测试\n    类别: 完整性\n    对象: 政策依据\n    检查: {须匹配: x}\n    意见: 测试\n"
    key = line.strip().split(":")[0]
    lines = [(line if row.strip().startswith(key + ":") else row) for row in body.splitlines(keepends=True)]
    path.write_text("".join(lines), encoding="utf-8")
    return path


@pytest.mark.parametrize("case", sorted(BROKEN))
def test_broken_pack_is_a_positioned_error_and_nothing_is_checked(tmp_path: Path, case: str) -> None:
    line, message = BROKEN[case]
    pack = _pack(tmp_path / "坏.yaml", line)
    root = _spec(tmp_path / "s", CLEAN)
    result = runner.invoke(app, ["check", str(root), "--规则", str(pack)])
    assert result.exit_code == 1, result.output
    assert message in result.output
    assert "坏.yaml:6:" in result.output or "坏.yaml:5:" in result.output, result.output
    assert "JX" not in result.output  # no finding of any rule: nothing ran with half a pack


def test_hostile_patterns_end_within_the_limits(tmp_path: Path) -> None:
    pack = tmp_path / "敌意.yaml"
    pack.write_text(
        "规则:\n  - {编号: H1, 名称: 回溯, 类别: 可测性, 对象: 年度目标, 检查: {须匹配: '(a+)+$'}, 意见: 回溯}\n",
        encoding="utf-8")
    root = _spec(tmp_path / "s", edit(GOAL, f"年度目标: {'a' * 9000}b\n"))
    findings = open_spec(root, checks=Checks.REPORT, rules=[str(pack)], select=["H1"]).findings
    assert [f.rule for f in findings] == ["H1"]  # RE2 answers in linear time: no match, so the rule fires
    big = tmp_path / "巨大.yaml"
    big.write_text("规则:\n  - {编号: H2, 名称: 巨大, 类别: 可测性, 对象: 年度目标, 检查: {须匹配: '"
                   + "a" * 3_000_000 + "'}, 意见: 巨大}\n", encoding="utf-8")
    with pytest.raises(SpecError) as exc:
        load_packs([Choice(str(big))], tmp_path)
    assert "超过 2000 个字符的上限" in exc.value.diagnostics[0].message
    assert exc.value.diagnostics[0].line == 2


def test_a_pack_that_runs_too_long_stops_with_a_message(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from jixiao import limits

    monkeypatch.setattr(limits, "MAX_PACK_SECONDS", -1)
    root = _spec(tmp_path, CLEAN)
    result = runner.invoke(app, ["check", str(root), "--规则", "2021项目表"])
    assert result.exit_code == 1 and "运行超过 -1 秒，在规则 XM01 处停止" in result.output, result.output


def test_pack_rule_ids_are_unique_and_not_jixiao_s(tmp_path: Path) -> None:
    one = tmp_path / "一.yaml"
    one.write_text("规则:\n  - {编号: JX101, 名称: 抢号, 类别: 完整性, 人工: true, 意见: x}\n", encoding="utf-8")
    with pytest.raises(SpecError) as exc:
        load_packs([Choice(str(one))], tmp_path)
    assert "以 JX 开头" in exc.value.diagnostics[0].message
    shutil.copy(FIXTURES.parent.parent / "templates" / "rules" / "2021项目表.yaml", tmp_path / "副本.yaml")
    with pytest.raises(SpecError) as exc:
        load_packs([Choice("2021项目表"), Choice(str(tmp_path / "副本.yaml"))], tmp_path)
    assert "编号「XM01」与规则包「2021项目表」中的规则重复" in exc.value.diagnostics[0].message


def test_a_rule_that_covers_another_is_told_alone_where_both_would_be(tmp_path: Path) -> None:
    """涵盖: where the pack's rule reports, the rules it names (jixiao's own too) are not listed again."""
    rule = ("规则:\n  - {编号: T1, 名称: 时效没有日期, 类别: 可测性, 对象: 指标值, 二级: [时效指标], "
            "检查: {须匹配: '\\d'}, 意见: 时效指标没有日期%s}\n")
    root = _spec(tmp_path / "s", edit("值: 2025年12月31日}", "值: 在规定时限内完成}"))
    both = tmp_path / "不涵盖.yaml"
    both.write_text(rule % "", encoding="utf-8")
    found = open_spec(root, checks=Checks.REPORT, rules=[str(both)]).findings
    timely = [(f.rule, f.line, f.col) for f in found if f.rule in ("T1", "JX208")]
    assert sorted(r for r, *_ in timely) == ["JX208", "T1"] and len({(line, col) for _, line, col in timely}) == 1
    alone = tmp_path / "涵盖.yaml"
    alone.write_text(rule % ", 涵盖: JX208", encoding="utf-8")
    found = open_spec(root, checks=Checks.REPORT, rules=[str(alone)]).findings
    assert [f.rule for f in found if f.rule in ("T1", "JX208")] == ["T1"]
    # Without the covering rule (--ignore), the covered one is listed again.
    found = open_spec(root, checks=Checks.REPORT, rules=[str(alone)], ignore=["T1"]).findings
    assert [f.rule for f in found if f.rule in ("T1", "JX208")] == ["JX208"]
    # Two rules that cover each other: one of them is told, never neither.
    mutual = tmp_path / "互相.yaml"
    mutual.write_text(rule % ", 涵盖: [JX208, T2]" + "  - {编号: T2, 名称: 时效, 类别: 可测性, 对象: 指标值, 二级: [时效指标], "
                      "检查: {须匹配: '\\d'}, 意见: 时效, 涵盖: T1}\n", encoding="utf-8")
    found = open_spec(root, checks=Checks.REPORT, rules=[str(mutual)]).findings
    assert [f.rule for f in found if f.rule in ("T1", "T2", "JX208")] == ["T2"]
    unknown = tmp_path / "未知.yaml"
    unknown.write_text(rule % ", 涵盖: [JX208, JX999]", encoding="utf-8")
    with pytest.raises(SpecError) as exc:
        load_packs([Choice(str(unknown))], tmp_path)
    (problem,) = exc.value.diagnostics
    assert problem.message == "没有编号为「JX999」的规则" and problem.line == 2
    # The rule list says what each rule covers.
    listing = runner.invoke(app, ["check", "--list-rules", "--format", "json"])
    by_id = {r["rule"]: r for r in json.loads(listing.stdout)}
    assert by_id["XM08"]["covers"] == ["JX208", "XM09"] and by_id["JX208"]["covers"] == []
    text = runner.invoke(app, ["check", "--list-rules"]).stdout
    assert "（涵盖 JX208、XM09）" in next(line for line in text.splitlines() if line.startswith("XM08 "))
