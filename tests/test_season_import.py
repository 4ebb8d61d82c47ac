"""Budget season: an imported spec is pleasant to continue (issue 21, points 1, 2, 4, 11, 16, 18).

Documents jixiao did not write are built in tests/foreigndoc.py with python-docx.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import DEPARTMENT, PROJECT, write_tree
from foreigndoc import Doc, Table, office_rows, write
from jixiao.checks import run_checks
from jixiao.cli import app
from jixiao.errors import SpecError
from jixiao.expand.department import expand_department
from jixiao.importer import import_document
from jixiao.spec.load import load_department
from seedtext import TANGSHAN
from test_import import write_foreign

runner = CliRunner()
NAMES = ["办公用房租赁费", "法律顾问费", "网络运行维护费", "物业管理费", "宣传费", "档案整理费"]


def _doc(values: list[str], bases: list[str]) -> Doc:
    tables = [
        Table(name, "5.00", f"用于{name}", f"1.完成{name}工作", office_rows(name.removesuffix("费"), v, b),
              code=f"13020025P00000000000{i}")
        for i, (name, v, b) in enumerate(zip(NAMES, values, bases, strict=True), 1)
    ]
    return Doc("2025年某市医疗保障局部门绩效目标", tables)


def _import(doc: Doc, tmp: Path) -> Path:
    tmp.mkdir(parents=True, exist_ok=True)
    report = import_document(write(doc, tmp / "foreign.docx"), tmp / "spec")
    assert report.ok and report.differences == [], report.differences
    return tmp / "spec"


def _texts(folder: Path) -> str:
    return "\n".join(p.read_text(encoding="utf-8") for p in sorted(folder.glob("*.yaml")))


def test_a_number_is_never_a_事项(tmp_path: Path) -> None:
    """Rows that differ only in a target number keep it in the project's 改写, not in 事项."""
    spec = _import(_doc(["≥90%", "≥95%", "≥90%", "≥95%", "≥85%", "≥90%"], ["工作计划"] * 6), tmp_path)
    presets, projects = _texts(spec / "presets"), _texts(spec / "projects")
    assert "{{ 事项 }}%" not in presets and "值: ≥90%" in presets
    assert not re.search(r"^事项: .*[0-9≥≤%]", projects, re.M)
    second = next((spec / "projects").glob("02-*.yaml")).read_text(encoding="utf-8")
    assert "满意度: {值: ≥95%}" in second


def test_defaults_come_only_from_what_most_tables_share(tmp_path: Path) -> None:
    bases = ["计划标准", "历史标准", "行业标准", "工作计划", "工作计划", "上年指标"]
    spec = _import(_doc(["≥90%"] * 6, bases), tmp_path)
    department = (spec / "部门.yaml").read_text(encoding="utf-8")
    assert "指标值确定依据" not in department  # two of six tables are not most of them
    first = next((spec / "projects").glob("01-*.yaml")).read_text(encoding="utf-8")
    assert "指标值确定依据: 计划标准" in first
    assert "预设:" in department  # all six share one preset: that is a default


def test_a_project_added_to_an_imported_spec_gets_rows_that_fit_it(tmp_path: Path) -> None:
    spec = _import(_doc(["≥90%", "≥95%", "≥90%", "≥95%", "≥85%", "≥90%"], ["计划标准", "历史标准", "行业标准",
                                                                          "工作计划", "工作计划", "上年指标"]), tmp_path)
    result = runner.invoke(app, ["new", str(spec), "医保信息系统运维费"])
    assert result.exit_code == 0, result.output
    loaded = load_department(spec)
    doc = expand_department(loaded)
    added = next(t for t in doc.tables() if t.name == "医保信息系统运维费")
    assert added.rows and all("%" not in r.level3 for r in added.rows)
    assert "医保信息系统运维工作完成率" in [r.level3 for r in added.rows]
    texts = " ".join(f"{r.level3} {r.description} {r.value}" for r in added.rows)
    assert not any(name.removesuffix("费") in texts for name in NAMES)
    assert [f for f in run_checks(loaded, doc, select=["JX508"]) if added.number in f.tables] == []


def test_imported_and_scaffolded_specs_pass_fmt_check(tmp_path: Path) -> None:
    small = _import(_doc(["≥90%", "≥95%", "≥90%", "≥95%", "≥85%", "≥90%"], ["工作计划"] * 6), tmp_path / "a")
    foreign = write_foreign(TANGSHAN, tmp_path / "tangshan.docx")
    assert import_document(foreign, tmp_path / "tangshan").ok
    runner.invoke(app, ["new", str(small), "医保信息系统运维费"])
    result = runner.invoke(app, ["fmt", "--check", str(small), str(tmp_path / "tangshan")])
    assert result.exit_code == 0, result.output


# --- The budget year (point 3) ---------------------------------------------------------------


def _undated(names: list[str], uses: list[str], part_one: list[str]) -> Doc:
    tables = [Table(name, "5.00", use, f"1.完成{name}工作", office_rows("医保", deadline="≥95%"))
              for name, use in zip(names, uses, strict=True)]
    return Doc("某市医疗保障局部门绩效目标", tables, part_one)


PART_ONE = ["第一部分 部门整体绩效目标", "一、总体绩效目标", "2025年，本部门将加强基金监管，按怀财字【2025】7号文件做好医保工作。"]
FUNDS = ["提前下达2024年医疗救助补助资金", "提前下达2024年医疗服务能力提升资金", "2024年中央财政医疗保障资金"]


def test_the_year_the_text_states_outweighs_fund_names(tmp_path: Path) -> None:
    doc = _undated(FUNDS, ["用于医疗救助", "用于能力提升", "按冀政发【2016】20号文件使用"], PART_ONE)
    report = import_document(write(doc, tmp_path / "a.docx"), tmp_path / "spec")
    assert report.ok
    assert expand_department(load_department(tmp_path / "spec")).year == 2025
    assert any("年度取自文中：2025" in n.did for n in report.notes)


def test_when_the_year_is_unclear_the_candidates_are_named(tmp_path: Path) -> None:
    doc = _undated(["2024年医疗救助资金", "2025年医疗救助资金", "档案整理费"], ["用于救助", "用于救助", "用于整理"], [])
    path = write(doc, tmp_path / "a.docx")
    result = runner.invoke(app, ["import", str(path), "-o", str(tmp_path / "spec")])
    assert result.exit_code == 2 and not (tmp_path / "spec").exists()
    assert "2024（项目名称「2024年医疗救助资金」）" in result.output and "2025（" in result.output
    assert "请加 --年度 指定" in result.output
    result = runner.invoke(app, ["import", str(path), "-o", str(tmp_path / "spec"), "--年度", "2025"])
    assert result.exit_code == 0, result.output
    assert expand_department(load_department(tmp_path / "spec")).year == 2025


# --- 单位 (point 11) ----------------------------------------------------------------------

TWO_UNITS = DEPARTMENT.replace(
    '  - {单位编码: "100001", 单位名称: 测试局本级}\n',
    '  - {单位编码: "100001", 单位名称: 测试局本级}\n  - {单位编码: "100002", 单位名称: 测试局分局}\n',
)
NO_UNIT = PROJECT.replace('单位: "100001"\n', "")


def test_one_unit_needs_no_单位_in_projects(spec_dir) -> None:  # type: ignore[no-untyped-def]
    (table,) = expand_department(load_department(spec_dir({"01-a": NO_UNIT}))).tables()
    assert table.unit_label == "100001测试局本级"


def test_单位_in_默认_and_a_missing_one_named(tmp_path: Path) -> None:
    with_default = TWO_UNITS.replace("默认:\n", '默认:\n  单位: "100002"\n')
    root = write_tree(tmp_path / "a", {"部门.yaml": with_default, "projects/01-a.yaml": NO_UNIT})
    (table,) = expand_department(load_department(root)).tables()
    assert table.unit_code == "100002"
    root = write_tree(tmp_path / "b", {"部门.yaml": TWO_UNITS, "projects/01-a.yaml": NO_UNIT})
    with pytest.raises(SpecError) as exc:
        expand_department(load_department(root))
    (d,) = exc.value.diagnostics
    assert d.path.name == "01-a.yaml" and "没有写项目属于哪个单位（部门有 2 个单位）" in d.message
    assert "在 部门.yaml 的 默认 中写 单位" in (d.hint or "")
    unit_default = TWO_UNITS.replace("单位名称: 测试局分局}", '单位名称: 测试局分局, 默认: {单位: "100001"}}')
    root = write_tree(tmp_path / "c", {"部门.yaml": unit_default, "projects/01-a.yaml": PROJECT})
    with pytest.raises(SpecError) as exc:
        expand_department(load_department(root))
    assert "单位的 默认 中不能写「单位」" in exc.value.diagnostics[0].message


def test_a_part_listing_files_that_do_not_load_reports_only_their_problems(spec_dir) -> None:  # type: ignore[no-untyped-def]
    department = DEPARTMENT + '部分:\n  - {标题: 专项资金, 项目: ["0*"]}\n  - {标题: 其他, 项目: [03-b]}\n  - 标题: 预算项目绩效目标\n'
    broken = PROJECT + "预算数: 6.00\n"  # a key written twice
    root = spec_dir({"01-a": broken, "02-a": broken, "03-b": "项目名称：宣传费\n", "10-c": PROJECT}, department=department)
    with pytest.raises(SpecError) as exc:
        expand_department(load_department(root))
    messages = [(d.path.name, d.message) for d in exc.value.diagnostics]
    assert not any("没有文件名符合" in m or "不存在" in m for _, m in messages), messages
    assert {name for name, _ in messages} == {"01-a.yaml", "02-a.yaml", "03-b.yaml"}


# --- new (points 16 and 18) -------------------------------------------------------------------


def test_new_places_a_project_beside_its_units_projects(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = write_tree(tmp_path / "spec", {
        "部门.yaml": TWO_UNITS,
        "projects/01-法律顾问费.yaml": PROJECT,
        "projects/02-宣传费.yaml": PROJECT.replace("法律顾问费", "宣传费").replace('"100001"', '"100002"'),
        "projects/03-印刷费.yaml": PROJECT.replace("法律顾问费", "印刷费").replace('"100001"', '"100002"'),
    })
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["new", "spec", "档案整理费", "--单位", "100001"])
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == "已创建 spec/projects/01.1-档案整理费.yaml"  # relative, like init
    assert runner.invoke(app, ["new", "spec", "网络租赁费", "--单位", "100001"]).exit_code == 0
    assert runner.invoke(app, ["new", "spec", "会议费", "--单位", "100002"]).exit_code == 0
    doc = expand_department(load_department(root))
    assert [t.name for t in doc.tables()] == ["法律顾问费", "档案整理费", "网络租赁费", "宣传费", "印刷费", "会议费"]
    assert sorted(os.listdir(root / "projects"))[:3] == ["01-法律顾问费.yaml", "01.1-档案整理费.yaml", "01.2-网络租赁费.yaml"]


def test_new_lists_the_project_where_部门_yaml_lists_its_units_projects(tmp_path: Path) -> None:
    department = TWO_UNITS + "部分:\n  - 标题: 专项资金\n    项目: [01-a, 02-b]   # 按文件名\n  - 标题: 预算项目绩效目标\n"
    root = write_tree(tmp_path / "spec", {
        "部门.yaml": department, "projects/01-a.yaml": PROJECT,
        "projects/02-b.yaml": PROJECT.replace("法律顾问费", "宣传费").replace('"100001"', '"100002"'),
        "projects/03-c.yaml": PROJECT.replace("法律顾问费", "印刷费").replace('"100001"', '"100002"'),
    })
    assert runner.invoke(app, ["new", str(root), "档案整理费", "--单位", "100001"]).exit_code == 0
    assert "    项目: [01-a, 01.1-档案整理费, 02-b]   # 按文件名\n" in (root / "部门.yaml").read_text(encoding="utf-8")
    doc = expand_department(load_department(root))
    assert [(p.title, [t.name for t in p.tables]) for p in doc.parts] == [
        ("专项资金", ["法律顾问费", "档案整理费", "宣传费"]), ("预算项目绩效目标", ["印刷费"])]
