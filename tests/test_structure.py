"""Document structure: parts, explicit project order, numbering; JSON Schema for editors."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from ruamel.yaml import YAML

from conftest import DEPARTMENT, PROJECT
from jixiao import SpecError, expand_department, load_department

ROOT = Path(__file__).resolve().parents[1]

PARTS = DEPARTMENT + """\
第一部分:
  总体绩效目标: 总体目标。
  分项绩效目标:
    - {标题: 分项一, 绩效目标: 目标一, 绩效指标: 指标一}
  工作保障措施: [措施一。, 措施二。]
部分:
  - 标题: 专项资金绩效目标
    项目: [03-c, 01-a]
  - 标题: 预算项目绩效目标
"""


def projects(*names: str) -> dict[str, str]:
    return {n: PROJECT.replace("法律顾问费", n.split("-")[1] + "费") for n in names}


def test_parts_with_explicit_order_and_continuous_numbers(spec_dir: Any) -> None:
    doc = expand_department(load_department(spec_dir(projects("01-a", "02-b", "03-c"), PARTS)))
    assert doc.part_one is not None and doc.part_one.numeral == "第一部分"
    measures = doc.part_one.section("工作保障措施")
    assert measures is not None and [b.text[:2] for b in measures.blocks] == ["1.", "2."]
    assert [(p.numeral, p.title) for p in doc.parts] == [
        ("第二部分", "专项资金绩效目标"),
        ("第三部分", "预算项目绩效目标"),
    ]
    assert [[t.heading for t in p.tables] for p in doc.parts] == [
        ["1.c费绩效目标表", "2.a费绩效目标表"],
        ["3.b费绩效目标表"],
    ]


def test_part_listing_errors(spec_dir: Any) -> None:
    dept = PARTS.replace("项目: [03-c, 01-a]", "项目: [03-c, 09-x, 03-c]").replace(
        "  - 标题: 预算项目绩效目标\n", "  - {标题: 其他, 项目: [01-a]}\n"
    )
    with pytest.raises(SpecError) as info:
        expand_department(load_department(spec_dir(projects("01-a", "02-b", "03-c"), dept)))
    found = [(d.path.name, d.line, d.message) for d in info.value.diagnostics]
    assert found == [
        ("02-b.yaml", 1, "这个项目没有列入任何部分"),
        ("部门.yaml", 17, "部分「专项资金绩效目标」列出的项目文件「projects/09-x.yaml」不存在"),
        ("部门.yaml", 17, "项目「03-c」列了两次"),
    ]


def test_without_part_one_tables_start_in_part_one(spec_dir: Any) -> None:
    doc = expand_department(load_department(spec_dir()))
    assert doc.part_one is None
    assert doc.parts[0].numeral == "第一部分" and doc.parts[0].title == "预算项目绩效目标"


def test_department_yaml_alternative_name(tmp_path: Path, spec_dir: Any) -> None:
    root = spec_dir()
    (root / "部门.yaml").rename(root / "department.yaml")
    assert expand_department(load_department(root)).department == "测试局"


def _yaml_files() -> list[tuple[str, Path]]:
    out = [("department", p) for p in sorted(ROOT.glob("specs/*/部门.yaml"))]
    out += [("project", p) for p in sorted(ROOT.glob("specs/*/projects/*.yaml"))]
    out += [("preset", p) for p in sorted(ROOT.glob("specs/*/presets/*.yaml"))]
    out += [("preset", p) for p in sorted(ROOT.glob("templates/presets/*.yaml"))]
    return out


@pytest.mark.parametrize(("kind", "path"), _yaml_files(), ids=lambda v: getattr(v, "name", v))
def test_examples_and_presets_satisfy_the_editor_schema(kind: str, path: Path) -> None:
    """What VS Code's YAML plugin does: the plain YAML data checked against our JSON Schema."""
    schema = json.loads((ROOT / "schema" / f"{kind}.schema.json").read_text(encoding="utf-8"))
    data = YAML(typ="safe", pure=True).load(path.read_text(encoding="utf-8"))
    jsonschema.validate(data, schema)


def test_schema_rejects_a_misspelt_key() -> None:
    schema = json.loads((ROOT / "schema" / "project.schema.json").read_text(encoding="utf-8"))
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({"项目名称": "x", "单位": 1, "绩效目标": "g", "预算": 1}, schema)
