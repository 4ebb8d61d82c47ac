"""The import skips preset tries that cannot win (:mod:`jixiao.importer.prune`): the same spec, fewer expansions."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

import jixiao.importer.plan as plan
from jixiao import expand_department, load_department
from jixiao.importer.prune import _pattern, lower_bound, shapes
from jixiao.importer.workbook.pipeline import import_workbook
from jixiao.render.xlsx import render_workbook
from jixiao.spec.workbook import find_workbook_layout

ROOT = Path(__file__).resolve().parents[1]


def _files(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): p.read_text(encoding="utf-8") for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def tangshan_book(tmp_path_factory: pytest.TempPathFactory) -> Path:
    spec = ROOT / "specs" / "tangshan-2025"
    doc = expand_department(load_department(spec))
    out = tmp_path_factory.mktemp("prune") / "唐山.xlsx"
    out.write_bytes(render_workbook(doc, doc.tables(), dt.datetime(2025, 1, 1), find_workbook_layout("清单", spec).spec))
    return out


@pytest.mark.parametrize("book", ["tangshan", "tests/fixtures/workbooks/系统20项目.xlsx"])
def test_skipping_tries_changes_nothing_and_the_bound_holds(book: str, tangshan_book: Path, tmp_path: Path,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    path = tangshan_book if book == "tangshan" else ROOT / book
    probe = plan.probe_preset
    probes = {"n": 0}

    def checked(ctx: Any, preset: str, item: str | None, lib: Any, dept: Any) -> Any:
        candidate = probe(ctx, preset, item, lib, dept)
        made = shapes(lib, preset, ctx.framework)
        if candidate is not None and made is not None:  # the bound is never above what the try costs
            assert lower_bound(made, ctx.table.rows, item) <= candidate.spelling.lines
        probes["n"] += 1
        return candidate

    monkeypatch.setattr(plan, "probe_preset", checked)
    report = import_workbook(path, tmp_path / "pruned")
    assert report.ok and report.differences == []
    pruned = probes["n"]

    monkeypatch.setattr(plan, "_bound", lambda *args: 0)  # no bound: every try expanded, in order, as before
    probes["n"] = 0
    import_workbook(path, tmp_path / "full")
    assert probes["n"] > pruned > 0
    assert _files(tmp_path / "pruned") == _files(tmp_path / "full")


def test_what_a_text_with_formulas_can_print() -> None:
    assert _pattern("服务对象满意度") == "服务对象满意度"
    pattern = _pattern("{{ 事项 }}工作完成率")
    assert not isinstance(pattern, str) and pattern is not None
    assert pattern.fullmatch("会议工作完成率") and pattern.fullmatch("工作完成率")
    assert not pattern.fullmatch("会议工作合格率") and not pattern.fullmatch("工作完成率。")
    two = _pattern("保障{{ 事项 }}工作{{ 项目名称 }}正常开展")
    assert two is not None and not isinstance(two, str)
    assert two.fullmatch("保障印刷工作x正常开展") and not two.fullmatch("保障工作开展")
    assert _pattern("{% if 预算数 > 1 %}多{% endif %}") is None  # a statement: anything
    assert _pattern("{{- 事项 }}率") is None  # whitespace control: anything
    assert _pattern("{{ '}}' }}率") is not None and _pattern("{{ '}}' }}率").fullmatch("x率")  # type: ignore[union-attr]


def test_mined_presets_do_not_depend_on_the_hash_seed(tmp_path: Path) -> None:
    """Ties between equally good presets go to the same one in every run (Python orders sets of texts differently
    from run to run)."""
    import os
    import subprocess
    import sys

    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["单位名称", "项目名称", "预算数（元）", "年度目标", "一级指标", "二级指标", "三级指标", "指标性质", "指标值", "度量单位"])
    rows = [("产出指标", "数量指标", "完成工作量", "≥", 12, "项"), ("产出指标", "质量指标", "验收合格率", "＝", 100, "%"),
            ("效益指标", "社会效益指标", "服务覆盖率", "≥", 95, "%"), ("满意度指标", "服务对象满意度指标", "满意度", "≥", 90, "%")]
    for n in range(40):
        for k, (l1, l2, l3, sign, value, unit) in enumerate(rows):
            head = [f"某局第{n % 3 + 1}分局", f"第{n + 1}号项目", 10000, f"完成第{n + 1}号项目的年度任务"] if k == 0 else [None] * 4
            ws.append([*head, l1, l2, f"{l3}{n % 5 if k == 1 else ''}", sign, value, unit])
    wb.save(tmp_path / "40.xlsx")
    made = []
    for seed in ("1", "2", "3"):
        out = tmp_path / f"seed{seed}"
        subprocess.run([sys.executable, "-m", "jixiao", "import", str(tmp_path / "40.xlsx"), "-o", str(out), "--年度", "2025"],
                       check=True, capture_output=True, env={**os.environ, "PYTHONHASHSEED": seed, "JIXIAO_CACHE": "0"})
        made.append(_files(out))
    assert len([f for f in made[0] if f.startswith("presets/")]) >= 3
    assert made[0] == made[1] == made[2]
