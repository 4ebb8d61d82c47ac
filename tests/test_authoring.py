"""Authoring friction: all problems in one run, one message per cause, formulas, precedence, --explain."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from conftest import DEPARTMENT, PROJECT
from jixiao import SpecError, expand_department, load_department
from jixiao.cli import app
from jixiao.errors import Diagnostic

runner = CliRunner()


def problems(root: Path) -> list[Diagnostic]:
    with pytest.raises(SpecError) as info:
        expand_department(load_department(root))
    return info.value.diagnostics


def located(found: list[Diagnostic]) -> list[tuple[str, int, int, str]]:
    return [(d.path.name, d.line, d.col, d.message) for d in found]


def test_unknown_keys_do_not_hide_the_files_other_problems(spec_dir: Any) -> None:
    text = PROJECT.replace("单位:", "单为:") + (
        "项目编号: 13020025P00T82D100042\n"
        "绩效指标:\n"
        "  - [数量指木, 培训人次, 参训人次, ≥10人次]\n"
        "  - {二级: 数量指标, 三级指标: 培训天数, 描述: 天数, 值: ≥很高}\n"
    )
    found = located(problems(spec_dir({"01-x": text})))
    assert [m for *_, m in found] == [
        "未知的键「单为」",
        "未知的键「项目编号」",
        "二级指标「数量指木」不属于指标体系「效益」，无法推断一级指标",
        "未知的键「三级指标」",
        "指标值「≥很高」以比较符号开头，但后面不是「数字+计量单位」",
    ]


def test_an_unknown_key_in_the_department_does_not_hide_project_problems(spec_dir: Any) -> None:
    dept = DEPARTMENT + "部门编号: 1\n"
    found = located(problems(spec_dir({"01-x": PROJECT + "改写:\n  满意度: {值: ≥很高}\n"}, dept)))
    assert [(f, m) for f, _, _, m in found] == [
        ("01-x.yaml", "指标值「≥很高」以比较符号开头，但后面不是「数字+计量单位」"),
        ("部门.yaml", "未知的键「部门编号」"),
    ]


def test_a_syntax_error_stops_only_its_own_file(spec_dir: Any) -> None:
    found = located(problems(spec_dir({"01-x": PROJECT + "x: [1, 2\n", "02-y": PROJECT + "预设: 不存在\n"})))
    assert [(f, m) for f, _, _, m in found] == [
        ("01-x.yaml", "这里开始的方括号 [ ]没有闭合，或两项之间缺少逗号"),
        ("02-y.yaml", "预设「不存在」不存在"),
    ]


def test_one_message_per_inherited_problem(spec_dir: Any) -> None:
    dept = DEPARTMENT.replace("[20%, 50%, 80%, 100%]", "[20%, 50%, 80%, 90%]")
    projects = {f"0{i}-x": PROJECT.replace("法律顾问费", f"项目{i}") for i in range(1, 6)}
    found = located(problems(spec_dir(projects, dept)))
    assert found == [("部门.yaml", 9, 27, "资金支出计划 12月底 应为 100%（涉及 5 张表）")]


def test_formulas_in_defaults_and_header_texts(spec_dir: Any) -> None:
    dept = DEPARTMENT.replace("指标值确定依据: 工作计划", 'ZZ: "{{ 部门名称 }}{{ 年度 }}年工作计划"').replace(
        "ZZ:", "指标值确定依据:"
    )
    text = PROJECT.replace("资金用途: 法律咨询服务", '资金用途: "{{ 事项 }}服务，预算 {{ 预算数 }} 万元"')
    table = expand_department(load_department(spec_dir({"01-x": text}, dept))).tables()[0]
    assert table.use == "法律顾问服务，预算 5 万元"
    assert {row.basis for row in table.rows} == {"测试局2025年工作计划"}


def test_formulas_are_refused_where_text_prints_as_written(spec_dir: Any) -> None:
    text = PROJECT.replace("项目名称: 法律顾问费", '项目名称: "{{ 事项 }}费"')
    dept = DEPARTMENT.replace("部门名称: 测试局", '部门名称: "{{ 年度 }}局"')
    found = located(problems(spec_dir({"01-x": text}, dept)))
    assert ("01-x.yaml", 1, 7, "「项目名称」中不能写公式 {{ }}：这里的文字照原样印出") in found
    assert ("部门.yaml", 2, 7, "「部门名称」中不能写公式 {{ }}：这里的文字照原样印出") in found


def test_a_bad_formula_in_a_default_is_reported_once_where_written(spec_dir: Any) -> None:
    dept = DEPARTMENT.replace("指标值确定依据: 工作计划", '指标值确定依据: "{{ 没有这个名字 }}"')
    found = problems(spec_dir({"01-a": PROJECT, "02-b": PROJECT.replace("法律顾问费", "印刷费")}, dept))
    assert len(found) == 1 and (found[0].path.name, found[0].line) == ("部门.yaml", 8)
    assert "未定义的名字" in found[0].message and "涉及 2 张表" in found[0].message


def test_empty_title_is_refused_not_ignored(spec_dir: Any) -> None:
    found = located(problems(spec_dir({"01-x": PROJECT + '标题: ""\n'})))
    assert found == [("01-x.yaml", 6, 5, "「标题」是空的")]


BASIS_PRESET = """\
基于: 运转类
改写:
  完成率: {依据: 预设中的依据}
"""


def _bases(root: Path) -> dict[str | None, str | None]:
    table = expand_department(load_department(root)).tables()[0]
    return {row.key: row.basis for row in table.rows}


def test_precedence_of_the_basis(spec_dir: Any) -> None:
    """Project row > project setting > preset row > unit default > department default."""
    extra = {"presets/带依据.yaml": BASIS_PRESET}
    base = PROJECT + "预设: 带依据\n"
    bases = _bases(spec_dir({"01-x": base}, extra=extra))
    assert bases["完成率"] == "预设中的依据" and bases["合格率"] == "工作计划"  # preset row > department
    bases = _bases(spec_dir({"01-x": base + "指标值确定依据: 项目的依据\n"}, extra=extra))
    assert bases["完成率"] == "项目的依据" and bases["合格率"] == "项目的依据"  # project setting > preset row
    own = base + "指标值确定依据: 项目的依据\n改写:\n  完成率: {依据: 这一行自己的依据}\n"
    bases = _bases(spec_dir({"01-x": own}, extra=extra))
    assert bases["完成率"] == "这一行自己的依据" and bases["合格率"] == "项目的依据"  # project row > all
    unit = DEPARTMENT.replace('单位名称: 测试局本级}', '单位名称: 测试局本级, 默认: {指标值确定依据: 单位的依据}}')
    bases = _bases(spec_dir({"01-x": base}, unit, extra=extra))
    assert bases["完成率"] == "预设中的依据" and bases["合格率"] == "单位的依据"  # preset row > unit default


def test_explain_shows_where_each_cell_comes_from(spec_dir: Any) -> None:
    spec = spec_dir({"01-x": PROJECT + "改写:\n  成本: {值: ≤0.5万元/月}\n"})
    result = runner.invoke(app, ["expand", str(spec), "--explain", "1", "--行", "成本"], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    lines = [line for line in result.stdout.splitlines() if "第 4 行" in line]
    cells = {line.split("│")[1].strip().split()[-1]: line.split("│")[3].strip() for line in lines}
    assert cells["二级指标"].startswith("jixiao:templates/presets/运转类.yaml:")  # not changed by the project
    assert cells["指标值"] == "projects/01-x.yaml:7:11"
    assert cells["指标值确定依据"] == "部门.yaml:8:12"
    whole = runner.invoke(app, ["expand", str(spec), "--explain", "法律顾问费"], env={"COLUMNS": "200"})
    assert whole.exit_code == 0 and "资金用途" in whole.stdout and "projects/01-x.yaml:4:1" in whole.stdout
    assert runner.invoke(app, ["expand", str(spec), "--explain", "9"]).exit_code == 2
    assert runner.invoke(app, ["expand", str(spec), "--explain", "1", "--行", "没有"]).exit_code == 2
    assert runner.invoke(app, ["expand", str(spec), "--行", "1"]).exit_code == 2
