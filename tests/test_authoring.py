"""Authoring friction: all problems in one run, one message per cause, formulas, precedence, --explain."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from conftest import DEPARTMENT, PROJECT, write_tree
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


def test_schedule_numbers_as_written_and_fractions_named(spec_dir: Any) -> None:
    text = PROJECT + '资金支出计划: ["28.00", "53.00%", 78, 100.0]\n'
    table = expand_department(load_department(spec_dir({"01-x": text}))).tables()[0]
    assert table.schedule is not None and [c.text for c in table.schedule] == ["28.00%", "53.00%", "78%", "100.0%"]
    found = located(problems(spec_dir({"01-x": PROJECT + "资金支出计划: [0.28, 0.53, 0.78, 1]\n"})))
    assert found == [("01-x.yaml", 6, 28, "资金支出计划看起来写成了小数（1 会读作 1%）")]


def test_names_yaml_misreads_are_explained_and_new_quotes_them(spec_dir: Any, tmp_path: Path) -> None:
    for n, (value, first) in enumerate(
        (("[1307001]法律顾问费", "["), ("*星号", "*"), ("!感叹", "!"), ("@at", "@"), ("&和", "&"))
    ):
        text = PROJECT.replace("项目名称: 法律顾问费", f"项目名称: {value}")
        found = problems(write_tree(tmp_path / str(n), {"部门.yaml": DEPARTMENT, "projects/01-x.yaml": text}))
        assert found[0].message.startswith(("「项目名称」的值以", "这里的值以")), (value, found[0].message)
        assert f"「{first}」" in found[0].message and f'"{value}"' in (found[0].hint or "")
        assert (found[0].line, found[0].col) == (1, 7)
    root = spec_dir()
    result = runner.invoke(app, ["new", str(root), "[1307001]法律顾问费"])
    assert result.exit_code == 0, result.output
    written = next((root / "projects").glob("02-*.yaml")).read_text(encoding="utf-8")
    assert '项目名称: "[1307001]法律顾问费"' in written and "\n事项: 法律顾问" in written
    assert [t.name for t in expand_department(load_department(root)).tables()][-1] == "[1307001]法律顾问费"


def test_new_writes_comments_that_fit_the_preset(spec_dir: Any) -> None:
    root = spec_dir()
    name = "城乡居民基本医疗保险财政补助资金-市级资金-津财社指【2025】142号"
    assert runner.invoke(app, ["new", str(root), name, "--预设", "补助资金类"]).exit_code == 0
    written = next((root / "projects").glob("02-*.yaml")).read_text(encoding="utf-8")
    assert "（键：完成率、合格率、时限、成本、效益、满意度）" in written
    assert "#   完成率: {值: =100%}" in written and "\n事项:" not in written  # too long to shorten: left out
    assert runner.invoke(app, ["new", str(root), "印刷费", "--预设", "印刷类"]).exit_code == 0
    printing = next((root / "projects").glob("03-*.yaml")).read_text(encoding="utf-8")
    assert "\n事项: 印刷" in printing
    expand_department(load_department(root))  # both scaffolds are valid specs


def test_init_force_adds_only_what_is_missing(spec_dir: Any) -> None:
    root = spec_dir()
    before = (root / "部门.yaml").read_bytes()
    refused = runner.invoke(app, ["init", str(root)])
    assert refused.exit_code == 2 and "--force" in refused.stderr
    result = runner.invoke(app, ["init", str(root), "--force"])
    assert result.exit_code == 0, result.output
    assert (root / "部门.yaml").read_bytes() == before
    assert (root / "schema" / "project.schema.json").is_file()
    assert "diff=jixiao" in (root / ".gitattributes").read_text(encoding="utf-8")
    assert "output/" in (root / ".gitignore").read_text(encoding="utf-8")
    assert sorted(p.name for p in (root / "projects").iterdir()) == ["01-法律顾问费.yaml"]
    again = runner.invoke(app, ["init", str(root), "--force"])
    assert again.exit_code == 0 and "没有改动" in again.stdout


def test_projects_join_parts_by_pattern_or_by_their_own_setting(spec_dir: Any) -> None:
    dept = DEPARTMENT + """\
部分:
  - 标题: 专项资金绩效目标
    项目: ["1*"]
  - 标题: 会议
  - 标题: 预算项目绩效目标
    项目: ["0*"]
"""
    projects = {
        "01-a": PROJECT.replace("法律顾问费", "a费"),
        "02-b": PROJECT.replace("法律顾问费", "b费") + "部分: 会议\n",
        "11-c": PROJECT.replace("法律顾问费", "c费"),
        "12-d": PROJECT.replace("法律顾问费", "d费") + "部分: 第三部分\n",
    }
    doc = expand_department(load_department(spec_dir(projects, dept)))
    # 12-d matches "1*" but names 第三部分 itself: its own setting wins over a pattern.
    assert [[t.name for t in p.tables] for p in doc.parts] == [["c费"], ["b费"], ["a费", "d费"]]
    wrong = dict(projects, **{"12-d": PROJECT.replace("法律顾问费", "d费") + "部分: 第九部分\n"})
    found = located(problems(spec_dir(wrong, dept)))
    assert [m for *_, m in found] == ["没有叫「第九部分」的部分"]


def test_an_added_row_can_say_where_it_goes(spec_dir: Any) -> None:
    row = "绩效指标:\n  - {二级: 数量指标, 三级: 咨询次数, 描述: 全年咨询次数, 值: ≥20次, 位置: {后: 合格率}}\n"
    table = expand_department(load_department(spec_dir({"01-x": PROJECT + row}))).tables()[0]
    keys = [r.key or r.level3 for r in table.rows]
    assert keys.index("咨询次数") == keys.index("合格率") + 1
    before = row.replace("{后: 合格率}", "{前: 完成率}")
    table = expand_department(load_department(spec_dir({"01-x": PROJECT + before}))).tables()[0]
    assert table.rows[0].level3 == "咨询次数"
    bad = row.replace("{后: 合格率}", "{后: 没有}")
    found = located(problems(spec_dir({"01-x": PROJECT + bad})))
    assert [m for *_, m in found] == ["「位置」中的键「没有」不在这张表中"]


def test_word_and_pdf_templates_named_together(spec_dir: Any, tmp_path: Path) -> None:
    from jixiao.resources import builtin_templates

    docx = (builtin_templates() / "docx" / "table.docx").read_bytes()
    css = (builtin_templates() / "html" / "style.css").read_text(encoding="utf-8") + "\n/* 自己的样式 */\n"
    spec = spec_dir(extra={"模板/网页/style.css": css})
    (spec / "模板" / "表.docx").write_bytes(docx)
    dept = (spec / "部门.yaml").read_text(encoding="utf-8")
    (spec / "部门.yaml").write_text(dept + "模板: {项目表: 模板/表.docx}\n", encoding="utf-8")
    out = tmp_path / "out"
    only_word = runner.invoke(app, ["render", str(spec), "-o", str(out), "--format", "docx", "--format", "html"])
    assert only_word.exit_code == 0, only_word.output
    assert "只指定了 Word 模板" in only_word.stderr
    assert "自己的样式" not in next(out.glob("*.html")).read_text(encoding="utf-8")
    (spec / "部门.yaml").write_text(dept + "模板: {项目表: 模板/表.docx, 网页: 模板/网页}\n", encoding="utf-8")
    both = runner.invoke(app, ["render", str(spec), "-o", str(out), "--format", "docx", "--format", "html"])
    assert both.exit_code == 0 and "只指定了" not in both.stderr
    assert "自己的样式" in next(out.glob("*.html")).read_text(encoding="utf-8")
    (spec / "部门.yaml").write_text(dept + "模板: {网页: ../外面}\n", encoding="utf-8")
    outside = runner.invoke(app, ["render", str(spec), "-o", str(out), "--format", "html"])
    assert outside.exit_code == 1 and "在规格文件夹以外" in outside.stderr
