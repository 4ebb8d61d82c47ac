"""The current project form in the model: header fields, money split, 指标解释, 权重, 计算符号, 「不适用」 rows."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from conftest import DEPARTMENT, PROJECT
from jixiao import SpecError, expand_department, load_department
from jixiao.checks import run_checks
from jixiao.model.valueparts import compose_value, direction, split_value
from jixiao.model.values import parse_value

FORM = PROJECT.replace("绩效目标: 1.聘请律师提供法律咨询服务\n", "") + """\
年度目标: 全年提供法律咨询不少于20次
长期目标: 三年内建成法律顾问制度
政策依据: 《法律顾问工作规定》（某政办〔2024〕3号）
测算依据: "律师费 {{ 预算数 }} 万元 × 1 年"
实施期限: 2025年1月-2025年12月
项目类型: 其他运转类
是否新增项目: 否
分配方式: 项目法
项目总金额: 15.00
财政拨款: 4.00
单位资金: 1.00
"""


def _doc(spec_dir: Any, project: str = FORM, department: str = DEPARTMENT, **extra: str) -> Any:
    return expand_department(load_department(spec_dir({"01-法律顾问费": project}, department, extra)))


def test_header_fields_are_read_derived_and_inherited(spec_dir: Any) -> None:
    dept = DEPARTMENT.replace("  预设: 运转类\n", "  预设: 运转类\n  主管部门: 测试主管局\n  分配方式: 因素法\n")
    (t,) = _doc(spec_dir, department=dept).tables()
    f = t.form
    assert t.goal == "全年提供法律咨询不少于20次"
    assert f.period_goal == "三年内建成法律顾问制度"
    assert f.calc_basis == "律师费 5 万元 × 1 年"  # formulas, like 资金用途
    assert (f.period, f.project_type, f.is_new, f.is_new_text) == ("2025年1月-2025年12月", "其他运转类", False, "否")
    assert f.allocation == "项目法"  # the project's own beats the department default
    assert f.top_unit == "测试主管局"  # 主管部门 in 默认 fills 一级预算单位
    assert (f.applicant, f.executor) == ("测试局本级", "测试局本级")  # the unit's name
    assert (f.total_amount, f.total_amount_text) == (Decimal("15.00"), "15.00")
    assert (f.appropriation, f.special, f.own_funds) == (Decimal("4.00"), Decimal(0), Decimal("1.00"))
    assert (t.fiscal, t.other) == (Decimal("4.00"), Decimal("1.00"))
    assert (f.appropriation_text, f.special_text, f.own_funds_text) == ("4.00", "", "1.00")
    assert t.source_of("绩效目标").line == 5 and t.source_of("实施期目标").line == 6


def test_money_split_defaults_and_errors(spec_dir: Any) -> None:
    (t,) = _doc(spec_dir, PROJECT.replace("预算数: 5.00", "预算数: 5.00\n其他资金: 2.00")).tables()
    assert (t.form.appropriation, t.form.special, t.form.own_funds) == (Decimal("3.00"), 0, Decimal("2.00"))
    (t,) = _doc(spec_dir, PROJECT.replace("预算数: 5.00", "预算数: 5.00\n其他资金: 2.00\n财政专户管理资金: 0.50")).tables()
    assert (t.form.special, t.form.own_funds) == (Decimal("0.50"), Decimal("1.50"))
    bad = {
        "财政资金: 4.00\n财政拨款: 3.00": "财政拨款 3.00 ≠ 财政资金 4.00",
        "其他资金: 2.00\n财政专户管理资金: 1.00\n单位资金: 0.50": "其他资金 2.00 ≠ 财政专户管理资金 1.00 + 单位资金 0.50",
        "财政拨款: 4.00\n财政专户管理资金: 0.50\n单位资金: 0.20": "其他资金 1.00 ≠ 财政专户管理资金 0.50 + 单位资金 0.20",
        "单位资金: 1.001": "单位资金「1.001」的精度超出金额单位",
    }
    for lines, message in bad.items():
        with pytest.raises(SpecError) as info:
            _doc(spec_dir, PROJECT.replace("预算数: 5.00", "预算数: 5.00\n" + lines))
        assert any(message in d.message for d in info.value.diagnostics), (lines, info.value.diagnostics)


def test_two_keys_of_one_field_are_refused(spec_dir: Any) -> None:
    with pytest.raises(SpecError) as info:
        _doc(spec_dir, FORM + "绩效目标: 另一个目标\n实施期目标: 另一个\n")
    messages = [d.message for d in info.value.diagnostics]
    assert "「绩效目标」和「年度目标」是同一项，只写其中一个" in messages
    assert "「实施期目标」和「长期目标」是同一项，只写其中一个" in messages
    with pytest.raises(SpecError) as info:
        _doc(spec_dir, PROJECT.replace("绩效目标: 1.聘请律师提供法律咨询服务\n", ""))
    assert [d.message for d in info.value.diagnostics] == ["缺少「绩效目标」"]


def test_explanation_weight_and_value_parts(spec_dir: Any) -> None:
    project = PROJECT + """\
预设: 无
绩效指标:
  - {二级: 数量指标, 三级: 咨询次数, 指标解释: 全年提供咨询的次数, 值: ≥20次, 权重: 20}
  - {二级: 质量指标, 三级: 合格率, 描述: 合格的比例, 值: "100%", 权重: 20}
  - {二级: 时效指标, 三级: 完成时限, 描述: 完成时间, 指标值说明: 年底前完成, 值: 2025.12.31}
  - [社会效益指标, 保障工作, 保障工作正常开展, 有所提升]
  - [服务对象满意度指标, 满意度, 满意度, ">90%"]
  - [成本指标, 单位成本, 单位成本, ＜5万元]
"""
    rows = _doc(spec_dir, project).tables()[0].rows
    got = [(r.description, r.explanation, r.derived, r.weight, r.sign, r.figure, r.measure_unit) for r in rows]
    assert got == [
        ("全年提供咨询的次数", "全年提供咨询的次数", ("description",), Decimal(20), "≥", "20", "次"),
        ("合格的比例", "合格的比例", ("explanation",), Decimal(20), "＝", "100", "%"),
        ("完成时间", "年底前完成", (), None, "定性", "2025.12.31", ""),
        ("保障工作正常开展", "保障工作正常开展", ("explanation",), None, "定性", "有所提升", ""),
        ("满意度", "满意度", ("explanation",), None, "＞", "90", "%"),
        ("单位成本", "单位成本", ("explanation",), None, "＜", "5", "万元"),
    ]
    assert rows[0].source_of("description") == rows[0].source_of("explanation")
    assert rows[2].source_of("explanation").col > rows[2].source_of("description").col


def test_bad_weight_and_both_explanation_keys(spec_dir: Any) -> None:
    project = PROJECT + """\
绩效指标:
  - {二级: 数量指标, 三级: 次数, 描述: 次数, 值: ≥2次, 权重: 120}
  - {二级: 数量指标, 三级: 人数, 指标解释: 甲, 指标值说明: 乙, 值: ≥2人}
"""
    with pytest.raises(SpecError) as info:
        _doc(spec_dir, project)
    messages = " / ".join(d.message for d in info.value.diagnostics)
    assert "权重应在 0 到 100 之间" in messages and "「指标解释」和「指标值说明」是同一栏" in messages


def test_preset_rows_carry_explanation_and_patch_replaces_either_key(spec_dir: Any) -> None:
    preset = """\
说明: 测试
绩效指标:
  - {键: 完成率, 二级: 数量指标, 三级: "{{ 事项 }}完成率", 描述: 完成率, 指标解释: "实际完成 ÷ 计划 × 100%（{{ 预算数 }}）", 值: "=100%", 权重: 30}
  - {键: 满意度, 二级: 服务对象满意度指标, 三级: 满意度, 描述: 满意度, 值: ≥90%}
"""
    project = PROJECT.replace("绩效目标:", "预设: 甲\n改写: {满意度: {指标值说明: 问卷调查的满意比例}}\n绩效目标:")
    (t,) = _doc(spec_dir, project, **{"presets/甲.yaml": preset}).tables()
    assert [(r.explanation, r.weight) for r in t.rows] == [
        ("实际完成 ÷ 计划 × 100%（5）", Decimal(30)), ("问卷调查的满意比例", None)
    ]
    assert t.rows[1].source_of("explanation").path == "projects/01-法律顾问费.yaml"


ROWS_2021 = PROJECT + """\
预设: 无
绩效指标:
  - [经济成本指标, 咨询费, 全年咨询费用, ≤5万元]
  - [数量指标, 咨询次数, 全年咨询次数, ≥20次]
  - [社会效益指标, 依法决策水平, 依法决策的程度, 有所提升]
"""


def test_frameworks_are_data_with_not_applicable_rows(spec_dir: Any) -> None:
    dept = DEPARTMENT.replace("金额单位: 万元\n", "金额单位: 万元\n指标体系: 2021核心\n")
    (t,) = _doc(spec_dir, ROWS_2021, dept).tables()
    assert t.framework == "2021核心"
    assert "可持续影响指标" not in t.framework_levels["效益指标"]
    printed = [(r.level1, r.level2, r.level3, r.value, r.not_applicable) for r in t.rows]
    na = [(l1, l2) for l1, l2, l3, v, n in printed if n]
    assert ("成本指标", "社会成本指标") in na and ("成本指标", "生态环境成本指标") in na
    assert ("效益指标", "经济效益指标") in na and ("效益指标", "生态效益指标") in na
    assert all(l3 == v == "不适用" for _, _, l3, v, n in printed if n)
    # Every 二级 of the framework appears, in canonical order within each 一级.
    assert {l2 for _, l2, *_ in printed} >= {c for cs in t.framework_levels.values() for c in cs}
    rank = {(l1, l2): (i, j) for i, (l1, cs) in enumerate(t.framework_levels.items()) for j, l2 in enumerate(cs)}
    known = [rank[(l1, l2)] for l1, l2, *_ in printed if (l1, l2) in rank]
    assert known == sorted(known)
    assert [r.level1_span for r in t.rows if r.level1_span] == [3, 3, 3, 1]
    assert [r.level2 for r in t.rows][:3] == ["经济成本指标", "社会成本指标", "生态环境成本指标"]
    generated = next(r for r in t.rows if r.not_applicable)
    assert generated.derived == ("row",) and generated.basis == "不适用" and generated.sign == ""
    assert generated.source.path == "部门.yaml" and generated.source.line == 4
    # No finding is about a 「不适用」 row.
    spec = load_department(spec_dir({"01-法律顾问费": ROWS_2021}, dept))
    findings = run_checks(spec, expand_department(spec))
    assert not [f for f in findings if f.path == "部门.yaml" and f.line == 4]


def test_framework_settings_and_own_framework_files(spec_dir: Any) -> None:
    dept = DEPARTMENT.replace("金额单位: 万元\n", "金额单位: 万元\n指标体系: {基于: 效益, 可持续影响: false, 不适用行: true}\n")
    (t,) = _doc(spec_dir, PROJECT, dept).tables()
    assert t.framework == "效益" and t.framework_levels["效益指标"] == ["经济效益指标", "社会效益指标", "生态效益指标"]
    assert [r.level2 for r in t.rows if r.not_applicable] == ["经济效益指标", "生态效益指标"]
    own = "一级:\n  产出指标: [数量指标, 质量指标, 时效指标, 成本指标]\n  效益指标: [社会效益指标]\n  满意度指标: [服务对象满意度指标]\n"
    dept = DEPARTMENT.replace("金额单位: 万元\n", "金额单位: 万元\n指标体系: 本地\n")
    (t,) = _doc(spec_dir, PROJECT, dept, **{"frameworks/本地.yaml": own}).tables()
    assert t.framework == "本地" and not any(r.not_applicable for r in t.rows)
    with pytest.raises(SpecError) as info:
        _doc(spec_dir, PROJECT, DEPARTMENT.replace("金额单位: 万元\n", "金额单位: 万元\n指标体系: 2022\n"))
    (d,) = info.value.diagnostics
    assert d.message == "指标体系「2022」不存在" and d.line == 4 and "2021核心" in (d.hint or "")


def test_written_not_applicable_rows_are_not_checked(spec_dir: Any) -> None:
    project = PROJECT + "绩效指标:\n  - [可持续影响指标, 不适用, 不适用, 不适用]\n"
    spec = load_department(spec_dir({"01-法律顾问费": project}))
    doc = expand_department(spec)
    row = next(r for r in doc.tables()[0].rows if r.level2 == "可持续影响指标")
    assert row.not_applicable and row.sign == "" and row.figure == "不适用"
    findings = run_checks(spec, doc)
    assert not [f for f in findings if f.path.endswith("01-法律顾问费.yaml") and f.line == 8]


@pytest.mark.parametrize(
    ("text", "parts"),
    [
        ("≥95%", ("≥", "95", "%")),
        (">=0.50万元/月", ("≥", "0.50", "万元/月")),
        ("＜5天", ("＜", "5", "天")),
        ("100%", ("＝", "100", "%")),
        ("0人", ("＝", "0", "人")),
        ("2025年12月31日", ("定性", "2025年12月31日", "")),
        ("有所提升", ("定性", "有所提升", "")),
        ("不适用", ("", "不适用", "")),
        ("", ("", "", "")),
    ],
)
def test_split_and_compose_values(text: str, parts: tuple[str, str, str]) -> None:
    v = parse_value(text)
    assert split_value(v.kind, v.op, v.number, v.unit, v.text) == parts
    again = parse_value(compose_value(*parts))
    assert split_value(again.kind, again.op, again.number, again.unit, again.text) == parts


def test_compose_accepts_system_signs_and_refuses_others() -> None:
    assert compose_value("≧", "1", "次") == "≥1次" and compose_value("＝", "100", "%") == "=100%"
    assert compose_value("", "95", "%") == "95%"
    assert direction("≥") == "正向指标" and direction("＜") == "反向指标" and direction("定性") == ""
    with pytest.raises(ValueError):
        compose_value("约", "1", "次")


def test_json_findings_carry_codes_and_fields(spec_dir: Any) -> None:
    import json
    from pathlib import Path

    from jixiao.checks.report import format_json

    project = PROJECT + '项目编码: "13020025P00T82D100042"\n绩效指标:\n  - [数量指标, 咨询次数, 咨询次数, ≥100%]\n'
    root = spec_dir({"01-法律顾问费": project})
    spec = load_department(root)
    findings = json.loads(format_json(run_checks(spec, expand_department(spec)), Path(root)))["findings"]
    mine = [f for f in findings if f["file"].endswith("01-法律顾问费.yaml") and f["line"] == 8]
    assert mine and all(f["codes"] == ["13020025P00T82D100042"] for f in mine)
    assert {f["field"] for f in mine} >= {"指标值"}


def test_explain_and_diff_show_the_new_cells(tmp_path: Any) -> None:
    import shutil
    from pathlib import Path

    from typer.testing import CliRunner

    from jixiao.cli import app

    gallery = Path(__file__).parent / "fixtures" / "gallery" / "2021项目表"
    runner = CliRunner()
    result = runner.invoke(app, ["expand", str(gallery), "--explain", "1"], env={"COLUMNS": "200"})
    assert result.exit_code == 0
    for text in ("政策依据", "部门.yaml:15:9", "由所属单位的名称得出", "同 指标解释", "指标体系的「不适用」行", "由指标值「≤5万元」拆分"):
        assert text in result.output, text
    new = tmp_path / "new"
    shutil.copytree(gallery, new)
    project = new / "projects" / "01-法律顾问费.yaml"
    project.write_text(project.read_text(encoding="utf-8").replace("值: ≤5万元, 权重: 20", "值: ≤5万元, 权重: 30"), encoding="utf-8")
    result = runner.invoke(app, ["diff", str(gallery), str(new)])
    assert result.exit_code == 1 and "经济成本指标 / 法律顾问费支出 · 权重：20 → 30" in result.output
