"""jixiao fmt: the examples are canonical, formatting is idempotent, keeps comments and never changes the document."""

from __future__ import annotations

import json
import os
from pathlib import Path
from textwrap import dedent
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from conftest import DEPARTMENT, write_tree
from jixiao.cli import app
from jixiao.errors import Diagnostic, SpecError
from jixiao.expand.department import expand_department
from jixiao.spec.fmt import canonical, comments, spec_files
from jixiao.spec.load import load_department
from jixiao.spec.yamlio import load_yaml

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = sorted(spec_files([ROOT / "specs", ROOT / "tests" / "fixtures" / "gallery"]))
runner = CliRunner()


def _fmt(path: Path) -> str:
    return canonical(path.read_text(encoding="utf-8"), project=path.parent.name == "projects")


def test_examples_are_found() -> None:
    names = {p.name for p in EXAMPLES}
    assert "部门.yaml" in names and "本级.yaml" in names and len(EXAMPLES) > 80


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: str(p.relative_to(ROOT)))
def test_examples_are_canonical(path: Path) -> None:
    assert _fmt(path) == path.read_text(encoding="utf-8")


def test_fmt_check_on_the_examples_changes_nothing() -> None:
    before = {p: p.read_bytes() for p in EXAMPLES}
    result = runner.invoke(app, ["fmt", "--check", str(ROOT / "specs"), str(ROOT / "tests" / "fixtures" / "gallery")])
    assert result.exit_code == 0, result.output
    assert "都已是统一的格式" in result.output
    assert all(p.read_bytes() == data for p, data in before.items())


BUILT_IN = sorted((ROOT / "templates").glob("*/*.yaml"))


@pytest.mark.parametrize("path", [p for p in BUILT_IN if p.parent.name != "init"], ids=lambda p: p.name)
def test_the_built_in_templates_are_canonical(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    assert canonical(text) == text


def test_init_and_new_write_canonical_files(tmp_path: Path) -> None:
    folder = tmp_path / "新部门"
    assert runner.invoke(app, ["init", str(folder), "--部门", "某局", "--年度", "2026"]).exit_code == 0
    assert runner.invoke(app, ["new", str(folder), "[1307001]法律顾问费", "--预设", "运转类"]).exit_code == 0
    result = runner.invoke(app, ["fmt", "--check", str(folder)])
    assert result.exit_code == 0, result.output


MESSY = """\
\ufeff# 第一行注释
# yaml-language-server: $schema=../../../schema/project.schema.json
"项目名称": '法律顾问费'   # 名称照预算系统
单位: "100001"
预算数:   5.00
资金用途: "法律咨询服务"\r
绩效目标: >-
  1.聘请律师
  提供法律咨询服务


改写:
    成本: {三级: "单次咨询平均成本", 值: '≤1000元/小时'}   # 按次计
    满意度: 删除
绩效指标:
  # 新增的行
  - - 数量指标
    - 法律咨询次数
    - "全年提供法律咨询的次数, 含电话咨询"
    - ≥20次
  -   二级: 质量指标
      三级: '咨询答复及时率'
      描述: 按时答复的咨询占全部咨询的比例
      值: ">90%"
  - [效益指标, 法律风险, '因合同或决策引发的诉讼次数', 0次]   # 行尾注释
资金支出计划: [~, 50%, "80%", 100%]
"""

CANONICAL = """\
# 第一行注释
# yaml-language-server: $schema=../../../schema/project.schema.json
项目名称: 法律顾问费   # 名称照预算系统
单位: "100001"
预算数: 5.00
资金用途: 法律咨询服务
绩效目标: >-
  1.聘请律师
  提供法律咨询服务

改写:
  成本: {三级: 单次咨询平均成本, 值: ≤1000元/小时}   # 按次计
  满意度: 删除
绩效指标:
  # 新增的行
  - [数量指标, 法律咨询次数, "全年提供法律咨询的次数, 含电话咨询", ≥20次]
  - {二级: 质量指标, 三级: 咨询答复及时率, 描述: 按时答复的咨询占全部咨询的比例, 值: ">90%"}
  - [效益指标, 法律风险, 因合同或决策引发的诉讼次数, 0次]   # 行尾注释
资金支出计划: [~, 50%, 80%, 100%]
"""


def test_canonical_form_of_a_messy_project() -> None:
    assert canonical(MESSY, project=True) == CANONICAL


def test_idempotent_and_comments_kept() -> None:
    once = canonical(MESSY, project=True)
    assert canonical(once, project=True) == once
    assert comments(once) == comments(MESSY)
    assert len(comments(MESSY)) == 6


@pytest.mark.parametrize(
    ("text", "quoted"),
    [
        ("619001", True),  # a number without quotes
        ("2021", True),
        ("true", True),
        ("~", True),
        ("2025-12-31", True),  # a date without quotes
        (">90%", True),
        ("[1307001]法律顾问费", True),
        ("{{ 事项 }}完成率", True),  # README: formulas are quoted
        ("甲,乙", True),  # README: a half-width comma is quoted
        ("甲: 乙", True),
        ("法律顾问费", False),
        ("≥90%", False),
        ("2025.12.31", False),
        ("28.00%", False),
    ],
)
def test_quotes_only_where_needed(text: str, quoted: bool) -> None:
    out = canonical(f'a: "{text}"\nb: [\'{text}\']\n')
    expected = f'"{text}"' if quoted else text
    assert out == f"a: {expected}\nb: [{expected}]\n"


def test_a_text_with_a_quote_character_stays_quoted_and_keeps_its_comment() -> None:
    """Found by the property test: plain 0['# would hide the comment after it from fmt's scanner."""
    text = '资金用途: "0[\'#"   # 注释\n'
    assert canonical(text) == text
    assert comments(canonical(text)) == ["# 注释"]


def test_preset_rows_stay_block_but_list_rows_become_flow() -> None:
    preset = dedent("""\
        说明: 测试
        绩效指标:
          - 键: 完成率
            二级: 数量指标
            三级: 工作完成率
            描述: 完成率
            值: "=100%"
        """)
    assert canonical(preset) == preset
    listed = "绩效指标:\n  - - 数量指标\n    - a\n    - b\n    - ≥1次\n"
    assert canonical(listed) == "绩效指标:\n  - [数量指标, a, b, ≥1次]\n"


def test_a_row_with_a_comment_inside_stays_as_written() -> None:
    text = "绩效指标:\n  - 二级: 数量指标   # 来自去年\n    三级: a\n    描述: b\n    值: ≥1次\n"
    assert canonical(text, project=True) == text


def _project_folder(tmp_path: Path, text: str) -> Path:
    return write_tree(tmp_path / "spec", {"部门.yaml": DEPARTMENT, "projects/01-法律顾问费.yaml": text})


def test_cli_check_lists_and_fmt_rewrites(tmp_path: Path) -> None:
    spec = _project_folder(tmp_path, MESSY.replace("\ufeff", ""))
    path = spec / "projects" / "01-法律顾问费.yaml"
    before = path.read_bytes()
    result = runner.invoke(app, ["fmt", "--check", str(spec)])
    assert result.exit_code == 1
    assert f"需要整理：{path}" in result.stdout
    assert path.read_bytes() == before
    result = runner.invoke(app, ["fmt", str(spec)])
    assert result.exit_code == 0, result.output
    assert path.read_text(encoding="utf-8") == CANONICAL
    assert runner.invoke(app, ["fmt", "--check", str(path)]).exit_code == 0


def test_a_file_it_cannot_format_safely_is_left_alone(tmp_path: Path) -> None:
    text = "项目名称: a\n绩效指标:\n  - [数量指标,  # 注释在括号里\n     a, b, ≥1次]\n"
    spec = _project_folder(tmp_path, text)
    path = spec / "projects" / "01-法律顾问费.yaml"
    result = runner.invoke(app, ["fmt", str(spec)])
    assert result.exit_code == 1
    assert "无法在不改变内容或注释的情况下整理这个文件" in result.output
    assert path.read_text(encoding="utf-8") == text


def test_usage_errors(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("x", encoding="utf-8")
    assert runner.invoke(app, ["fmt", str(tmp_path / "a.txt")]).exit_code == 2
    assert runner.invoke(app, ["fmt", str(tmp_path / "nothing")]).exit_code == 2
    assert runner.invoke(app, ["fmt", str(tmp_path)]).exit_code == 2


def test_a_broken_file_is_reported_not_formatted(tmp_path: Path) -> None:
    spec = _project_folder(tmp_path, "项目名称：法律顾问费\n预算数: [\n")
    result = runner.invoke(app, ["fmt", str(spec)])
    assert result.exit_code == 1
    assert "01-法律顾问费.yaml:" in result.output


# --- property: fmt never changes the expanded document -------------------------------------

_CHARS = st.sampled_from(list("法律顾问费服务咨询工作完成率满意度年月日的和、，。；（）《》0123456789 :#,'\"[]-%≥≤>*&!|@"))
_TEXT = st.text(_CHARS, min_size=1, max_size=14).map(str.strip).filter(bool)
_VALUES = st.sampled_from(["≥90%", "=100%", "≤0.5万元/月", "2025.12.31", "有所提升", ">90%", "≥1次", "0人"])
_LEVEL2 = st.sampled_from(["数量指标", "质量指标", "时效指标", "成本指标", "社会效益指标", "服务对象满意度指标"])


def _scalar(draw: Any, text: str, flow: bool | str) -> str:
    """*text* written plain (when YAML reads it back), double- or single-quoted (*flow*: in [ ], or "map": in { })."""
    from ruamel.yaml import YAML

    style = draw(st.sampled_from(["plain", "double", "single"]))
    if style == "plain":
        probe = {True: f"k: [{text}]\n", "map": f"k: {{a: {text}}}\n"}.get(flow, f"k: {text}\n")
        try:
            loaded = YAML(typ="safe", pure=True).load(probe)
            value = {True: lambda: loaded["k"][0], "map": lambda: loaded["k"]["a"]}.get(flow, lambda: loaded["k"])()
            if value == text and isinstance(value, str) and "#" not in text:
                return text
        except Exception:  # noqa: BLE001, S110 - not plain-safe: quote it
            pass
    if style == "single":
        return "'" + text.replace("'", "''") + "'"
    return json.dumps(text, ensure_ascii=False)


@st.composite
def projects(draw: Any) -> str:
    lines = [f"项目名称: {_scalar(draw, draw(_TEXT), False)}", '单位: "100001"']
    budget = draw(st.sampled_from(["5.00", "12", "0.5", '"3.20"']))
    lines.append(f"预算数: {budget}")
    lines.append(f"资金用途: {_scalar(draw, draw(_TEXT), False)}" + draw(st.sampled_from(["", "   # 注释", " # ,:'"])))
    lines.append(f"绩效目标: {_scalar(draw, draw(_TEXT), False)}")
    if draw(st.booleans()):
        indent = draw(st.sampled_from(["    ", "  "]))
        text = _scalar(draw, draw(_TEXT), "map")
        lines += ["", "改写:", f"  {indent}成本: {{描述: {text}}}"]
    rows = draw(st.lists(st.tuples(_LEVEL2, _TEXT, _TEXT, _VALUES, st.sampled_from(["flow", "block", "map"])), max_size=3))
    if rows:
        lines.append("绩效指标:")
    for level2, level3, desc, value, style in rows:
        if style == "flow":
            cells = ", ".join(_scalar(draw, t, True) for t in (level2, level3, desc, value))
            lines.append(f"  - [{cells}]")
        elif style == "block":
            lines.append(f"  - - {_scalar(draw, level2, False)}")
            lines += [f"    - {_scalar(draw, t, False)}" for t in (level3, desc, value)]
        else:
            lines.append(f"  - 二级: {_scalar(draw, level2, False)}")
            lines += [f"    {k}: {_scalar(draw, t, False)}" for k, t in (("三级", level3), ("描述", desc), ("值", value))]
        if draw(st.booleans()):
            lines.append("")
    return "\n".join(lines) + "\n"


def _document(spec: Path) -> Any:
    try:
        doc = expand_department(load_department(spec))
    except SpecError as exc:
        return sorted(d.message for d in exc.diagnostics)
    return _without_sources(doc.model_dump(mode="json"))


def _without_sources(data: Any) -> Any:
    if isinstance(data, dict):
        return {k: _without_sources(v) for k, v in data.items() if k not in ("source", "field_sources")}
    if isinstance(data, list):
        return [_without_sources(v) for v in data]
    return data


@settings(max_examples=int(os.environ.get("JIXIAO_FMT_EXAMPLES", "150")), deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=projects())
def test_fmt_never_changes_the_document(tmp_path_factory: pytest.TempPathFactory, text: str) -> None:
    spec = write_tree(tmp_path_factory.mktemp("spec"), {"部门.yaml": DEPARTMENT, "projects/01-项目.yaml": text})
    assume(not isinstance(load_yaml(spec / "projects" / "01-项目.yaml"), Diagnostic))  # jixiao reads it
    before = _document(spec)
    result = runner.invoke(app, ["fmt", str(spec)])
    assert result.exit_code == 0, (text, result.output)
    path = spec / "projects" / "01-项目.yaml"
    once = path.read_text(encoding="utf-8")
    assert _document(spec) == before, (text, once)
    assert canonical(once, project=True) == once, (text, once)
    assert comments(once) == comments(text)
