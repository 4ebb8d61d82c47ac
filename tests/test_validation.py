"""Every validation error class: message, line and column, all problems at once."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from conftest import DEPARTMENT, PROJECT
from jixiao import SpecError, expand_department, load_department
from jixiao.cli import app
from jixiao.errors import Diagnostic


def problems(root: Path) -> list[Diagnostic]:
    with pytest.raises(SpecError) as info:
        expand_department(load_department(root))
    return info.value.diagnostics


def one(root: Path) -> Diagnostic:
    found = problems(root)
    assert len(found) == 1, [d.format() for d in found]
    return found[0]


def at(d: Diagnostic) -> tuple[str, int, int]:
    return d.path.name, d.line, d.col


USE = "资金用途: 法律咨询服务"

# (case, project text, file, line, col, words the message must contain)
CASES: list[tuple[str, str, int, int, str]] = [
    ("全角冒号", PROJECT.replace("预算数: 5.00", "预算数：5.00"), 3, 4, "全角冒号"),
    ("全角冒号（整个文件）", "项目名称：法律顾问费\n", 1, 1, "全角冒号"),
    ("Tab 缩进", PROJECT + "改写:\n\t成本: 删除\n", 7, 1, "制表符（Tab）"),
    ("重复的键", PROJECT + "预算数: 6.00\n", 6, 1, "键「预算数」重复出现"),
    ("括号未闭合", PROJECT + "资金支出计划: [20%, 50%\n", 6, 9, "方括号 [ ]没有闭合"),
    ("> 开头的值", PROJECT + "改写:\n  满意度: {值: >90%}\n", 7, 12, "不能作为值的开头"),
    ("单独的 &", PROJECT.replace(USE, "资金用途: &"), 4, 7, "「资金用途」的值以「&」开头"),
    ("锚点定义两次", PROJECT.replace(USE, "资金用途: &用途 法律咨询服务").replace("绩效目标: 1.", "绩效目标: &用途 1."), 5, 7,
     "锚点「&用途」定义了两次（第 4 行已经定义过）"),
    ("双引号中的反斜杠", PROJECT.replace(USE, '资金用途: "见 D:\\文件"'), 4, 12, "双引号里的「\\文」不是 YAML 认识的转义写法"),
    ("第二个文档", PROJECT + "---\n项目名称: 另一个\n", 6, 1, "开始了另一个 YAML 文档"),
    ("| 后同一行写字", PROJECT.replace(USE, "资金用途: | 法律咨询服务"), 4, 9, "它后面同一行不能再写文字"),
    ("引号后还有文字", PROJECT.replace(USE, '资金用途: "法律"咨询服务'), 4, 11, "「\"法律\"」后面还有「咨询服务」"),
    ("未知的键", PROJECT.replace("单位:", "单为:"), 2, 1, "未知的键「单为」"),
    ("类型错误（金额）", PROJECT.replace("预算数: 5.00", "预算数: 五万"), 3, 6, "「预算数」应为数字（金额），这里写的是「五万」"),
    ("类型错误（列表）", PROJECT + "资金支出计划: 20%\n", 6, 9, "应为列表"),
    ("单位不存在", PROJECT.replace('单位: "100001"', '单位: "999999"'), 2, 5, "单位「999999」不存在"),
    ("预设不存在", PROJECT + "预设: 不存在\n", 6, 5, "预设「不存在」不存在"),
    ("改写的键不在预设中", PROJECT + "改写:\n  成本费: {值: ≤1万元}\n", 7, 3, "预设「运转类」中没有键「成本费」"),
    ("预算数不等于分项之和", PROJECT + "财政资金: 3.00\n其他资金: 1.00\n", 3, 6, "预算数 5.00 ≠ 财政资金 3.00 + 其他资金 1.00"),
    ("金额精度超出单位", PROJECT.replace("预算数: 5.00", "预算数: 5.005"), 3, 6, "精度超出金额单位"),
    ("支出计划递减", PROJECT + "资金支出计划: [20%, 50%, 40%, 100%]\n", 6, 20, "10月底（40%）小于之前的 50%"),
    ("支出计划超过 100", PROJECT + "资金支出计划: [20%, 50%, 120%, 100%]\n", 6, 20, "超过了 100%"),
    ("支出计划未到 100", PROJECT + "资金支出计划: [20%, 50%, 80%, 90%]\n", 6, 25, "12月底 应为 100%"),
    ("支出计划不是百分比", PROJECT + "资金支出计划: [两成, 50%, 80%, 100%]\n", 6, 10, "不是百分比"),
    ("指标值无法解析", PROJECT + "改写:\n  满意度: {值: ≥很高}\n", 7, 12, "指标值「≥很高」以比较符号开头"),
    ("日期不存在", PROJECT + "改写:\n  时限: {值: 2025.13.45}\n", 7, 11, "日期「2025.13.45」不存在"),
    ("二级指标不属于指标体系", PROJECT + "绩效指标:\n  - [数量指木, 培训人次, 参训人次, ≥10人次]\n", 7, 6, "二级指标「数量指木」不属于指标体系"),
    ("列表写法项数不对", PROJECT + "绩效指标:\n  - [数量指标, 培训人次]\n", 7, 5, "列表写法需要 4 项"),
    ("{{ }} 未加引号", PROJECT + "改写:\n  成本: {值: ≤{{ 预算数 }}万元}\n", 7, 7, "花括号 { }没有闭合"),
    ("引号中又有同一种引号", PROJECT + '改写:\n  效益: {三级: "{{ 事项 | 接("工作") }}开展"}\n', 7, 24, "引号提前结束"),
    ("控制字符", PROJECT.replace("法律咨询服务", "法律\x07咨询服务"), 4, 9, "控制字符 U+0007"),
    ("模板名字未定义", PROJECT + "改写:\n  成本: {值: \"≤{{ 预算 }}万元\"}\n", 7, 11, "未定义的名字"),
]


@pytest.mark.parametrize(("case", "text", "line", "col", "words"), CASES, ids=[c[0] for c in CASES])
def test_error_class(spec_dir: Any, case: str, text: str, line: int, col: int, words: str) -> None:
    d = one(spec_dir({"01-x": text}))
    assert at(d) == ("01-x.yaml", line, col)
    assert words in d.message
    assert d.hint, "every problem says what to do"


def test_unknown_key_suggests_the_right_one(spec_dir: Any) -> None:
    d = one(spec_dir({"01-x": PROJECT.replace("单位:", "单为:")}))
    assert d.hint is not None and d.hint.startswith("是不是要写「单位」？")
    row = PROJECT + "绩效指标:\n  - {二级: 数量指标, 三级指标: 培训人次, 描述: 参训人次, 值: ≥10人次}\n"
    d = one(spec_dir({"01-x": row}))
    assert (d.line, d.col, d.message) == (7, 16, "未知的键「三级指标」")
    assert d.hint is not None and d.hint.startswith("是不是要写「三级」？")


def test_department_errors_are_located(spec_dir: Any) -> None:
    dept = DEPARTMENT.replace("金额单位: 万元", "金额单位: 千元").replace("年度: 2025", "年度: 二〇二五")
    found = problems(spec_dir(department=dept))
    assert [(d.path.name, d.line, d.col) for d in found] == [("部门.yaml", 1, 5), ("部门.yaml", 3, 7)]
    assert "「年度」应为整数" in found[0].message
    assert "「金额单位」不能是「千元」" in found[1].message and "万元" in (found[1].hint or "")
    assert found[1].hint == "可选的值：「元」、「万元」"  # no English "or"


def test_preset_file_errors_are_located(spec_dir: Any) -> None:
    preset = """\
    绩效指标:
      - 键: 完成率
        二级: 数量指标
        三级: 完成率
        描述: "{{ 事情 }}完成率"
        值: =100%
    """
    root = spec_dir(
        {"01-x": PROJECT + "预设: 我的\n"}, extra={"presets/我的.yaml": preset}
    )
    d = one(root)
    assert at(d) == ("我的.yaml", 5, 9)
    assert "未定义的名字" in d.message and "事项" in (d.hint or "")


def test_all_problems_reported_at_once(spec_dir: Any) -> None:
    root = spec_dir(
        {
            "01-a": PROJECT.replace("预算数: 5.00", "预算数：5.00"),
            "02-b": PROJECT + "预设: 不存在\n",
            "03-c": PROJECT + "资金支出计划: [20%, 50%, 40%, 100%]\n财政资金: 1.00\n其他资金: 1.00\n",
        }
    )
    found = problems(root)
    assert [(d.path.name, d.line) for d in found] == [
        ("01-a.yaml", 3), ("02-b.yaml", 6), ("03-c.yaml", 3), ("03-c.yaml", 6)
    ]


def _digest(root: Path) -> dict[str, str]:
    return {str(p): hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(root.rglob("*")) if p.is_file()}


def test_cli_reports_compiler_style_and_exit_1(spec_dir: Any) -> None:
    root = spec_dir({"01-x": PROJECT + "预设: 不存在\n", "02-y": PROJECT.replace("单位:", "单为:")})
    before = _digest(root)
    result = CliRunner().invoke(app, ["validate", str(root)])
    assert result.exit_code == 1
    lines = result.stderr.splitlines()
    assert lines[0].endswith("projects/01-x.yaml:6:5: 错误: 预设「不存在」不存在")
    assert lines[1].startswith("    提示: 可用的预设：")
    assert any(line.endswith("projects/02-y.yaml:2:1: 错误: 未知的键「单为」") for line in lines)
    assert lines[-1] == "共 2 个问题，未通过。"
    assert "Traceback" not in result.output
    assert _digest(root) == before, "validation never modifies the spec"


def test_cli_usage_errors_exit_2(tmp_path: Path) -> None:
    runner = CliRunner()
    result = runner.invoke(app, ["validate", str(tmp_path / "nowhere")])
    assert result.exit_code == 2
    assert "找不到" in result.stderr
    result = runner.invoke(app, ["validate", str(tmp_path)])
    assert result.exit_code == 2
    assert "部门.yaml" in result.stderr
    result = runner.invoke(app, ["validate"])
    assert result.exit_code == 2


def test_validate_a_single_project_file(spec_dir: Any) -> None:
    root = spec_dir()
    result = CliRunner().invoke(app, ["validate", str(root / "projects" / "01-法律顾问费.yaml")])
    assert result.exit_code == 0, result.output


def test_missing_default_preset_is_reported_once_in_department(spec_dir: Any) -> None:
    dept = DEPARTMENT.replace("  预设: 运转类", "  预设: 运转")
    root = spec_dir({"01-a": PROJECT, "02-b": PROJECT}, department=dept)
    d = one(root)
    assert at(d) == ("部门.yaml", 7, 7)
    assert d.message == "预设「运转」不存在" and "运转类" in (d.hint or "")


def test_gbk_file_gets_a_clear_message(spec_dir: Any) -> None:
    root = spec_dir()
    (root / "projects" / "02-gbk.yaml").write_bytes(PROJECT.encode("gbk"))
    d = one(root)
    assert at(d) == ("02-gbk.yaml", 1, 1)
    assert "不是 UTF-8 编码" in d.message and "UTF-8" in (d.hint or "")


def test_windows_line_endings_and_bom_are_fine(spec_dir: Any) -> None:
    root = spec_dir()
    path = root / "projects" / "01-法律顾问费.yaml"
    path.write_bytes(b"\xef\xbb\xbf" + path.read_text(encoding="utf-8").replace("\n", "\r\n").encode("utf-8"))
    assert expand_department(load_department(root)).tables()[0].budget_text == "5.00"


def test_inherited_schedule_problem_points_at_department(spec_dir: Any) -> None:
    dept = DEPARTMENT.replace("[20%, 50%, 80%, 100%]", "[20%, 50%, 80%, 90%]")
    d = one(spec_dir(department=dept))
    assert at(d) == ("部门.yaml", 9, 27)
    assert "12月底 应为 100%" in d.message
