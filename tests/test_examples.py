"""The example specs reproduce their published seed documents cell for cell."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from jixiao import expand_department, load_department
from jixiao.cli import app
from jixiao.model.document import Document
from jixiao.spec.schema import SCHEMAS, schema_text
from seedcompare import compare_document
from seedtext import DONGLI, TANGSHAN, parse_seed, part_one_text

ROOT = Path(__file__).resolve().parents[1]
SPECS = ROOT / "specs"


@pytest.fixture(scope="module")
def tangshan() -> Document:
    return expand_department(load_department(SPECS / "tangshan-2025"))


@pytest.fixture(scope="module")
def dongli() -> Document:
    return expand_department(load_department(SPECS / "dongli-2025"))


def test_tangshan_tables_match_seed_cell_for_cell(tangshan: Document) -> None:
    seeds = parse_seed(TANGSHAN)
    assert len(seeds) == 54
    mismatches = compare_document(tangshan, seeds)
    assert mismatches == [], "\n".join(mismatches)


def test_dongli_tables_match_seed_cell_for_cell(dongli: Document) -> None:
    seeds = parse_seed(DONGLI)
    assert len(seeds) == 6
    mismatches = compare_document(dongli, seeds)
    assert mismatches == [], "\n".join(mismatches)


def test_comparison_reports_a_changed_cell(tangshan: Document) -> None:
    """The comparison itself can fail: one edited cell is reported by table, row and column."""
    seeds = parse_seed(TANGSHAN)
    seeds[2].rows[4][2] = "保障工作正常开展"
    mismatches = compare_document(tangshan, seeds)
    assert mismatches == [
        "表 3（基金监管专项经费） 第 5 行「三级指标」: 期望「保障工作正常开展」，实际「保障作正常开展」"
    ]


def test_tangshan_units_and_order(tangshan: Document) -> None:
    tables = tangshan.tables()
    assert [t.number for t in tables] == list(range(1, 55))
    units = [t.unit_code for t in tables]
    assert units.count("619001") == 18 and units.count("619003") == 18
    assert sorted(set(units)) == ["619001", "619003", "619005", "619006", "619007", "619008"]
    assert [t.heading for t in tables[:2]] == ["1.办公楼维修（护）费绩效目标表", "2.法律顾问费绩效目标表"]


def _part_one_paragraphs(doc: Document) -> list[str]:
    one = doc.part_one
    assert one is not None
    out = one.printed()
    for part in doc.parts:
        out += [part.numeral, part.title]
    return out


def test_tangshan_part_one_matches_seed(tangshan: Document) -> None:
    assert _part_one_paragraphs(tangshan) == part_one_text(TANGSHAN)


def test_merge_spans_follow_groups(tangshan: Document, dongli: Document) -> None:
    first = tangshan.tables()[0]
    assert [r.level1_span for r in first.rows] == [4, 0, 0, 0, 1, 1]
    assert [r.level2_span for r in first.rows] == [1, 1, 1, 1, 1, 1]
    # Dongli #2 has two consecutive 质量指标 rows and two 社会效益指标 rows.
    second = dongli.tables()[1]
    assert [r.level2_span for r in second.rows] == [1, 2, 0, 1, 1, 2, 0]
    assert [r.level1_span for r in second.rows] == [5, 0, 0, 0, 0, 2, 0]


def test_dongli_layout_has_no_code_schedule_or_basis(dongli: Document) -> None:
    for t in dongli.tables():
        assert t.code is None and t.schedule is None
        assert t.columns == ["一级指标", "二级指标", "三级指标", "绩效指标描述", "指标值"]
        assert all(r.basis is None for r in t.rows)
    last = dongli.tables()[5]
    assert (last.budget_text, last.fiscal_text, last.other_text) == ("100", "", "100")


def test_tangshan_project_files_are_short() -> None:
    files = sorted((SPECS / "tangshan-2025" / "projects").glob("*.yaml"))
    assert len(files) == 54
    counts = [
        sum(1 for line in f.read_text(encoding="utf-8").splitlines()
            if line.strip() and not line.lstrip().startswith("#"))
        for f in files
    ]
    assert sum(counts) / len(counts) <= 12


def test_presets_carry_the_boilerplate(tangshan: Document) -> None:
    tables = tangshan.tables()
    with_preset = [t for t in tables if t.preset]
    assert len(with_preset) >= 40
    assert {t.preset for t in with_preset} >= {"本级", "中心", "分局", "印刷", "会议"}


@pytest.mark.parametrize("name", ["tangshan-2025", "dongli-2025"])
def test_cli_validate_and_expand_json(name: str) -> None:
    runner = CliRunner()
    result = runner.invoke(app, ["validate", str(SPECS / name)])
    assert result.exit_code == 0, result.output
    assert "规格有效" in result.output
    result = runner.invoke(app, ["expand", str(SPECS / name), "--json"])
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert data["parts"][0]["tables"][0]["rows"][0]["level1"] == "产出指标"
    # Money stays exact: Decimal is serialised as a string, never a float.
    assert isinstance(data["parts"][0]["tables"][0]["budget"], str)


def test_committed_schemas_are_up_to_date() -> None:
    for name, (model, title) in SCHEMAS.items():
        committed = (ROOT / "schema" / name).read_text(encoding="utf-8")
        assert committed == schema_text(model, title), f"运行 jixiao schema 更新 schema/{name}"


def test_example_specs_reference_the_schema() -> None:
    for dept in SPECS.glob("*/部门.yaml"):
        assert dept.read_text(encoding="utf-8").startswith(
            "# yaml-language-server: $schema=../../schema/department.schema.json"
        )
    for project in SPECS.glob("*/projects/*.yaml"):
        first = project.read_text(encoding="utf-8").splitlines()[0]
        assert first == "# yaml-language-server: $schema=../../../schema/project.schema.json"


def test_expansion_does_not_depend_on_the_checkout_location(tmp_path: Path) -> None:
    import shutil

    copy = tmp_path / "elsewhere" / "dongli-2025"
    shutil.copytree(SPECS / "dongli-2025", copy)
    here = expand_department(load_department(SPECS / "dongli-2025")).model_dump_json()
    there = expand_department(load_department(copy)).model_dump_json()
    assert here == there
    doc = expand_department(load_department(SPECS / "tangshan-2025"))
    sources = {r.source.path for t in doc.tables() for r in t.rows}
    assert "presets/本级.yaml" in sources and "projects/03-基金监管专项经费.yaml" in sources
    assert all(not s.startswith("/") for s in sources)
