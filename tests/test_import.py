"""``jixiao import``: Word documents → specs that reproduce them.

Round trips: the examples (and the gallery) rendered by jixiao, imported and
expanded again print the same text table by table; documents jixiao did not
write — the rendered file re-saved by LibreOffice, and a file built here from
a seed's text with python-docx in another structure — import to specs that
print the seed. Malformed input gets a clear message, exit code 1, and
leaves no spec folder behind.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import docx
import pytest
from typer.testing import CliRunner

from conftest import Examples
from docxtext import dump
from jixiao.checks import run_checks
from jixiao.cli import app
from jixiao.expand.department import expand_department
from jixiao.importer import ImportReport, format_report, import_document
from jixiao.model.document import Document, ProjectTable
from jixiao.render.build import RenderOptions, render_department
from jixiao.spec.load import load_department
from seedcompare import compare_document
from seedtext import DONGLI, TANGSHAN, dump_part_one, parse_dump, parse_seed, part_one_text

ROOT = Path(__file__).resolve().parents[1]
SPECS = ROOT / "specs"
GALLERY = ROOT / "tests" / "fixtures" / "gallery"
EXAMPLES = ("tangshan-2025", "dongli-2025")
SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
needs_soffice = pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) is not installed")


def _render(spec: Path, out: Path) -> tuple[Document, Path]:
    doc = expand_department(load_department(spec))
    render_department(doc, spec, RenderOptions(out_dir=out, formats=frozenset({"docx"})))
    (combined,) = out.glob("*.docx")
    return doc, combined


def _expand(spec: Path) -> Document:
    return expand_department(load_department(spec))


@pytest.fixture(scope="module")
def rendered(examples: Examples) -> dict[str, tuple[Document, Path]]:
    """Both examples rendered to Word once for the run (shared: read only): name → (expanded document, combined .docx)."""
    out = {}
    for name in EXAMPLES:
        (combined,) = examples[name].glob("*.docx")
        out[name] = (_expand(SPECS / name), combined)
    return out


@pytest.fixture(scope="module")
def imported(
    rendered: dict[str, tuple[Document, Path]], tmp_path_factory: pytest.TempPathFactory
) -> dict[str, tuple[Path, ImportReport]]:
    """Both rendered examples imported once: name → (spec folder, report)."""
    out = {}
    for name, (_, path) in rendered.items():
        target = tmp_path_factory.mktemp(f"import-{name}") / name
        out[name] = (target, import_document(path, target))
    return out


def _cells(t: ProjectTable) -> tuple[object, ...]:
    return (
        t.heading, t.unit_label if t.layout.unit_line else None, t.money_unit_label, t.code, t.name_label, t.name,
        t.budget_text, t.fiscal_text, t.other_text, t.use, [c.text for c in t.schedule or []], t.goal, t.columns,
        [(r.level1, r.level2, r.level3, r.description, r.value, r.basis) for r in t.rows],
    )


def _same_document(original: Document, again: Document) -> list[str]:
    """Differences in printed text: tables, 第一部分, parts and page settings."""
    diffs = []
    a, b = original.tables(), again.tables()
    if len(a) != len(b):
        diffs.append(f"{len(a)} tables, then {len(b)}")
    diffs += [f"table {x.number}: {_cells(x)} != {_cells(y)}" for x, y in zip(a, b, strict=False) if _cells(x) != _cells(y)]
    one = original.part_one.printed() if original.part_one else None
    two = again.part_one.printed() if again.part_one else None
    if one != two:
        diffs.append(f"part one: {one} != {two}")
    if [(p.numeral, p.title) for p in original.parts] != [(p.numeral, p.title) for p in again.parts]:
        diffs.append("part headings differ")
    if (original.title, original.pages) != (again.title, again.pages):
        diffs.append(f"{original.title} {original.pages} != {again.title} {again.pages}")
    return diffs


# --- Round trips of jixiao's own output --------------------------------------------------


@pytest.mark.parametrize("name", EXAMPLES)
def test_render_import_render_gives_the_same_text(
    name: str, rendered: dict[str, tuple[Document, Path]], imported: dict[str, tuple[Path, ImportReport]],
    tmp_path: Path,
) -> None:
    original, first = rendered[name]
    spec, report = imported[name]
    assert report.ok and report.differences == [], report.differences
    again = _expand(spec)
    assert _same_document(original, again) == []
    _, second = _render(spec, tmp_path / "again")
    before, after = parse_dump(dump(first)), parse_dump(dump(second))
    assert len(before) == len(after)
    for x, y in zip(before, after, strict=True):
        assert (x.title, x.header, x.columns, x.rows) == (y.title, y.header, y.columns, y.rows)
    text_one, text_two = dump_part_one(dump(first)), dump_part_one(dump(second))
    assert text_one == text_two


def test_tangshan_imports_short_with_presets(imported: dict[str, tuple[Path, ImportReport]]) -> None:
    spec, report = imported["tangshan-2025"]
    lines = report.lines
    assert len(lines) == 54
    assert sum(lines.values()) / len(lines) <= 15, lines
    presets = sorted((spec / "presets").glob("*.yaml"))
    assert len(presets) >= 2
    for info in report.presets:  # a preset is rows that three or more tables share
        users = info.tables or [n for p in report.presets if p.base == info.name for n in p.tables]
        assert len(users) >= 3, info
    text = (spec / "presets" / f"{report.presets[0].name}.yaml").read_text(encoding="utf-8")
    assert text.startswith("# yaml-language-server: $schema=../schema/preset.schema.json")
    assert "{{ 事项 }}" in text
    project = next((spec / "projects").glob("02-*.yaml")).read_text(encoding="utf-8")
    assert project.startswith("# yaml-language-server: $schema=../schema/project.schema.json\n项目名称: 法律顾问费\n")
    assert (spec / "schema" / "project.schema.json").is_file()


def test_monthly_costs_become_budget_formulas(imported: dict[str, tuple[Path, ImportReport]]) -> None:
    spec, _ = imported["tangshan-2025"]
    texts = [p.read_text(encoding="utf-8") for p in (spec / "projects").glob("*.yaml")]
    texts += [p.read_text(encoding="utf-8") for p in (spec / "presets").glob("*.yaml")]
    assert any("向上取整(预算数 / 12" in t for t in texts)
    assert any("{{ 完成时限 }}" in t for t in texts)


def test_the_published_slips_are_checked_as_before(imported: dict[str, tuple[Path, ImportReport]]) -> None:
    """The slips come back unchanged: jixiao check finds the same problems in the same tables."""

    def found(spec: Path) -> set[tuple[str, int]]:
        loaded = load_department(spec)
        return {(f.rule, t) for f in run_checks(loaded, expand_department(loaded)) for t in f.tables}

    original = found(SPECS / "tangshan-2025")
    assert ("JX304", 47) in original  # the monthly cap rounded down
    assert found(imported["tangshan-2025"][0]) == original


@pytest.mark.parametrize("case", [p.name for p in sorted(GALLERY.iterdir()) if p.is_dir()])
def test_gallery_layouts_are_detected(case: str, tmp_path: Path) -> None:
    """Each layout variant (two parts, 公文, 专项资金, 第一部分 numbering, the 2021 form …) imports to the same document."""
    original, path = _render(GALLERY / case, tmp_path / "out")
    report = import_document(path, tmp_path / "spec")
    assert report.ok and report.differences == [], report.differences
    assert _same_document(original, _expand(tmp_path / "spec")) == []


# --- Documents jixiao did not write ------------------------------------------------------


def _fill(row: object, texts: list[str]) -> None:
    for cell, text in zip(row.cells, texts, strict=True):  # type: ignore[attr-defined]
        cell.text = text


def write_foreign(
    seed: Path, out: Path, *, drop_column: str | None = None, auto_number: bool = False, title: str | None = None
) -> Path:
    """A .docx built from a seed's text by another writer: one Word table per project, the unit line
    as a paragraph, no vertical merges (一级/二级 repeated), a merge written as repeated text, other
    merges as real ones, the 描述 column two grid columns wide, empty paragraphs in between; with
    *auto_number*, table titles numbered by a Word list instead of typed numbers; with *title*, that
    title on top and 第一部分 without its heading."""
    text = seed.read_text(encoding="utf-8")
    d = docx.Document()
    d.add_paragraph("")
    part_one = dump_part_one(text)
    if title is not None:
        d.add_paragraph(title)
        part_one = part_one[2:]
    for para in part_one:
        d.add_paragraph("\u3000\u3000" + para if len(para) > 40 else para)
        d.add_paragraph("")
    for t in parse_dump(text):
        d.add_paragraph("")
        if t.title and auto_number:
            d.add_paragraph(re.sub(r"^\d+\.", "", t.title), style="List Number")
        elif t.title:
            d.add_paragraph(t.title + " ")
        d.add_paragraph(f"{t.unit_label}\t\t{t.money_unit_label}" if t.unit_label else t.money_unit_label)
        table = d.add_table(rows=0, cols=7)
        if t.code is not None:
            _fill(table.add_row(), ["项目编码", t.code, t.code, t.name_label, t.name, t.name, t.name])
        else:
            row = table.add_row()
            _fill(row, [t.name_label, t.name, "", "", "", "", ""])
            row.cells[1].merge(row.cells[6])
        b, f, o = t.amounts
        _fill(table.add_row(), ["预算规模及资金用途", "预算数", b, "其中：财政 资金", f, "其他资金", o])
        _fill(table.add_row(), ["预算规模及资金用途", *[t.use] * 6])
        if t.schedule is not None:
            s = t.schedule
            _fill(table.add_row(), ["资金支出计划（%）", "3月底", "6月底", "6月底", "10月底", "12月底", "12月底"])
            _fill(table.add_row(), ["资金支出计划（%）", s[0], s[1], s[1], s[2], s[3], s[3]])
        row = table.add_row()
        _fill(row, ["绩效目标", t.goal, "", "", "", "", ""])
        row.cells[1].merge(row.cells[6])
        basis = len(t.columns) == 6
        titles = ["一级指标", "二级指标", "三级指标", "绩效指标描述", "绩效指标描述", "指标值"]
        titles.append("指标值确定依据" if basis else "指标值")
        keep = [i for i, c in enumerate(titles) if c != drop_column]
        _fill(table.add_row(), [titles[i] if i in keep else "" for i in range(7)])
        for r in t.filled_rows():
            cells = [r[0], r[1], r[2], r[3], r[3], r[4], r[5] if basis else r[4]]
            _fill(table.add_row(), [cells[i] if i in keep else "" for i in range(7)])
        d.add_paragraph("")
        d.add_paragraph("")
    d.save(str(out))
    return out


@pytest.mark.parametrize("seed", [TANGSHAN, DONGLI], ids=["tangshan", "dongli"])
def test_a_document_in_another_structure_imports_to_the_seed(seed: Path, tmp_path: Path) -> None:
    path = write_foreign(seed, tmp_path / "foreign.docx", auto_number=seed == TANGSHAN)
    report = import_document(path, tmp_path / "spec")
    assert report.ok and report.differences == [], report.differences
    doc = _expand(tmp_path / "spec")
    mismatches = compare_document(doc, parse_seed(seed))
    assert mismatches == [], "\n".join(mismatches[:10])
    if seed == TANGSHAN:
        assert doc.part_one is not None
        printed = [*doc.part_one.printed(), doc.parts[0].numeral, doc.parts[0].title]
        assert printed == part_one_text(TANGSHAN)
        assert doc.year == 2025 and doc.department == "唐山市医疗保障局"
        assert sum(report.lines.values()) / len(report.lines) <= 15
    else:  # no title: year and department are guessed, and the spec says so
        text = (tmp_path / "spec" / "部门.yaml").read_text(encoding="utf-8")
        assert "部门名称: 天津市东丽区医疗保障局   # 推断" in text
        assert any("没有表题" in n.what for n in report.notes)


def write_form(seed: Path, out: Path) -> Path:
    """Yet another shape, as budget systems export it: the title and the unit line inside the table,
    labels with their unit (预算数（元）), the amounts in a row under their labels, a 「绩效指标」 cell
    merged down the left of the indicator rows, cell texts padded with spaces."""
    d = docx.Document()
    for t in parse_dump(seed.read_text(encoding="utf-8")):
        table = d.add_table(rows=0, cols=7)
        unit = t.money_unit_label.removeprefix("单位：")
        if t.title:
            row = table.add_row()
            _fill(row, [t.title, "", "", "", "", "", ""])
            row.cells[0].merge(row.cells[6])
        row = table.add_row()
        _fill(row, [t.unit_label or "", "", "", "", "", "", t.money_unit_label])
        row.cells[0].merge(row.cells[5])
        row = table.add_row()
        _fill(row, [f" {t.name_label} ", t.name, "", "", "", "", ""])
        row.cells[1].merge(row.cells[6])
        b, f, o = t.amounts
        _fill(table.add_row(), ["预算规模及资金用途", f"预算数（{unit}）", f"预算数（{unit}）", f"其中：财政资金（{unit}）",
                                f"其中：财政资金（{unit}）", f"其他资金（{unit}）", f"其他资金（{unit}）"])
        _fill(table.add_row(), ["", b, b, f, f, o, o])
        _fill(table.add_row(), ["资金用途", *[t.use] * 6])
        row = table.add_row()
        _fill(row, ["年度绩效目标", t.goal, "", "", "", "", ""])
        row.cells[1].merge(row.cells[6])
        _fill(table.add_row(), ["绩效指标", "一级指标", "二级指标", "三级指标", "指标描述", "目标值", "目标值"])
        rows = t.filled_rows()
        first = len(table.rows)
        for r in rows:
            _fill(table.add_row(), ["", r[0], r[1], f"{r[2]} ", r[3], r[4], r[4]])
        table.cell(first, 0).merge(table.cell(first + len(rows) - 1, 0))
        d.add_paragraph("")
    d.save(str(out))
    return out


def test_a_form_exported_by_a_budget_system(tmp_path: Path) -> None:
    report = import_document(write_form(DONGLI, tmp_path / "form.docx"), tmp_path / "spec")
    assert report.ok and report.differences == [], report.differences
    assert compare_document(_expand(tmp_path / "spec"), parse_seed(DONGLI)) == []
    read_as = {(n.what, n.did) for n in report.notes}
    assert ("标签「年度绩效目标」", "按「绩效目标」读入") in read_as
    assert ("表头「指标描述」", "按「绩效指标描述」读入") in read_as


def test_a_title_with_the_year_inside_and_no_part_one_heading(tmp_path: Path) -> None:
    path = write_foreign(TANGSHAN, tmp_path / "foreign.docx", title="唐山市医疗保障局2025年度部门预算绩效目标")
    report = import_document(path, tmp_path / "spec")
    doc = _expand(tmp_path / "spec")
    assert (doc.year, doc.department, doc.title) == (2025, "唐山市医疗保障局", "唐山市医疗保障局2025年度部门预算绩效目标")
    assert doc.part_one is not None
    assert [*doc.part_one.printed(), "第二部分", "预算项目绩效目标"] == part_one_text(TANGSHAN)
    assert any("没有「第一部分 部门整体绩效目标」标题" in n.what for n in report.notes)
    assert compare_document(doc, parse_seed(TANGSHAN)) == []


@pytest.fixture(scope="module")
def resaved(rendered: dict[str, tuple[Document, Path]], tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The rendered examples opened and saved again by LibreOffice (one run for both)."""
    if SOFFICE is None:
        pytest.skip("LibreOffice (soffice) is not installed")
    folder = tmp_path_factory.mktemp("resaved")
    sources = []
    for name, (_, path) in rendered.items():
        source = folder / "in" / f"{name}.docx"
        source.parent.mkdir(exist_ok=True)
        shutil.copy(path, source)
        sources.append(source)
    profile = (folder / "profile").as_uri()
    subprocess.run(
        [SOFFICE, f"-env:UserInstallation={profile}", "--headless", "--convert-to", "docx:MS Word 2007 XML",
         "--outdir", str(folder / "out"), *map(str, sources)],
        check=True, capture_output=True, timeout=300,
    )
    return {name: folder / "out" / f"{name}.docx" for name in EXAMPLES}


@pytest.mark.parametrize(("name", "seed"), [("tangshan-2025", TANGSHAN), ("dongli-2025", DONGLI)])
def test_a_document_resaved_by_libreoffice_imports_to_the_seed(
    name: str, seed: Path, resaved: dict[str, Path], rendered: dict[str, tuple[Document, Path]], tmp_path: Path
) -> None:
    report = import_document(resaved[name], tmp_path / "spec")
    assert report.ok and report.differences == [], report.differences
    doc = _expand(tmp_path / "spec")
    assert compare_document(doc, parse_seed(seed)) == []
    assert _same_document(rendered[name][0], doc) == []


@needs_soffice
def test_an_old_doc_file_is_converted_first(rendered: dict[str, tuple[Document, Path]], tmp_path: Path) -> None:
    source = tmp_path / "东丽.docx"
    shutil.copy(rendered["dongli-2025"][1], source)
    subprocess.run(
        [str(SOFFICE), f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}", "--headless",
         "--convert-to", "doc", "--outdir", str(tmp_path), str(source)],
        check=True, capture_output=True, timeout=300,
    )
    report = import_document(tmp_path / "东丽.doc", tmp_path / "spec")
    assert report.ok and any("LibreOffice" in n.did for n in report.notes)
    assert compare_document(_expand(tmp_path / "spec"), parse_seed(DONGLI)) == []


def test_without_libreoffice_an_old_file_says_what_to_install(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(shutil, "which", lambda name: None)
    doc = tmp_path / "旧.doc"
    doc.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600)
    result = CliRunner().invoke(app, ["import", str(doc), "-o", str(tmp_path / "spec")])
    assert result.exit_code == 1
    assert "LibreOffice" in result.output and "apt-get install libreoffice-writer-nogui" in result.output
    assert not (tmp_path / "spec").exists()


# --- The command, the report, malformed input --------------------------------------------


def test_the_command_writes_the_folder_and_prints_the_report(
    rendered: dict[str, tuple[Document, Path]], tmp_path: Path
) -> None:
    runner = CliRunner()
    target = tmp_path / "东丽"
    result = runner.invoke(app, ["import", str(rendered["dongli-2025"][1]), "-o", str(target)])
    assert result.exit_code == 0, result.output
    # 12 tables, and one more for each page an indicator table goes on to (its Word file breaks where its PDF does).
    assert "读取：15 个 Word 表格" in result.output and "6 张项目绩效目标表" in result.output
    assert "版式：天津" in result.output and "单位（1 个）：382101天津市东丽区医疗保障局（6 张表）" in result.output
    assert "✓ 规格有效，生成的文字与原文逐表、逐格一致" in result.output
    assert sorted(p.name for p in target.iterdir()) == [
        ".gitattributes", ".gitignore", ".jixiao-manifest.json", "projects", "schema", "部门.yaml",
    ]
    again = runner.invoke(app, ["import", str(rendered["dongli-2025"][1]), "-o", str(target)])
    assert again.exit_code == 2 and "已存在" in again.output and "--force" in again.output
    (target / "projects" / "99-自己加的.yaml").write_text("项目名称: x\n", encoding="utf-8")
    forced = runner.invoke(app, ["import", str(rendered["dongli-2025"][1]), "-o", str(target), "--force"])
    assert forced.exit_code == 0 and (target / "projects" / "99-自己加的.yaml").exists()  # only jixiao's files replaced
    other = tmp_path / "别的文件夹"
    other.mkdir()
    (other / "笔记.txt").write_text("x", encoding="utf-8")
    refused = runner.invoke(app, ["import", str(rendered["dongli-2025"][1]), "-o", str(other), "--force"])
    assert refused.exit_code == 2 and "不是规格文件夹" in refused.output
    assert (other / "笔记.txt").exists()
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_another_year(rendered: dict[str, tuple[Document, Path]], tmp_path: Path) -> None:
    report = import_document(rendered["tangshan-2025"][1], tmp_path / "spec", year=2026)
    assert report.year_changed == (2025, 2026)
    assert "年度：原文为 2025 年，规格写为 2026 年" in format_report(report)
    doc = _expand(tmp_path / "spec")
    assert doc.year == 2026 and doc.title == "2026年唐山市医疗保障局部门绩效目标"
    deadlines = {r.value for t in doc.tables() for r in t.rows if r.level2 == "时效指标"}
    assert "2026.12.31" in deadlines and "2026年12月31日" in deadlines


def _invoke_fails(path: Path, tmp_path: Path, *phrases: str) -> None:
    result = CliRunner().invoke(app, ["import", str(path), "-o", str(tmp_path / "spec")])
    assert result.exit_code == 1, result.output
    for phrase in phrases:
        assert phrase in result.output
    assert "Traceback" not in result.output
    assert not (tmp_path / "spec").exists()
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_not_a_word_file(tmp_path: Path) -> None:
    path = tmp_path / "说明.docx"
    path.write_text("这不是 Word 文件", encoding="utf-8")
    _invoke_fails(path, tmp_path, "不是 Word 文件")


def test_a_word_file_without_performance_tables(tmp_path: Path) -> None:
    d = docx.Document()
    d.add_paragraph("会议纪要")
    d.add_table(rows=2, cols=2).cell(0, 0).text = "时间"
    d.save(str(tmp_path / "纪要.docx"))
    _invoke_fails(tmp_path / "纪要.docx", tmp_path, "没有找到项目绩效目标表")


def test_a_table_with_missing_columns(tmp_path: Path) -> None:
    path = write_foreign(DONGLI, tmp_path / "缺一栏.docx", drop_column="指标值")
    _invoke_fails(path, tmp_path, "缺少「指标值」一栏", "第 1 张表")


def test_a_password_protected_file(tmp_path: Path) -> None:
    path = tmp_path / "加密.docx"  # what Word writes: an OLE file holding the EncryptedPackage stream
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512 + "EncryptedPackage".encode("utf-16-le"))
    _invoke_fails(path, tmp_path, "密码保护", "去掉密码")


def test_a_corrupt_file(rendered: dict[str, tuple[Document, Path]], tmp_path: Path) -> None:
    data = rendered["dongli-2025"][1].read_bytes()
    (tmp_path / "截断.docx").write_bytes(data[: len(data) // 2])
    _invoke_fails(tmp_path / "截断.docx", tmp_path, "已损坏")
    with zipfile.ZipFile(tmp_path / "坏的.docx", "w") as zf:
        zf.writestr("word/document.xml", "<w:document><w:body>")
    _invoke_fails(tmp_path / "坏的.docx", tmp_path, "已损坏")


def test_a_broken_excel_file_is_refused(tmp_path: Path) -> None:
    """An Excel file goes to the workbook import (tests/test_workbook_import.py); a broken one is refused."""
    with zipfile.ZipFile(tmp_path / "表.xlsx", "w") as zf:
        zf.writestr("xl/workbook.xml", "<workbook/>")
    _invoke_fails(tmp_path / "表.xlsx", tmp_path, "表.xlsx 已损坏", "另存为 .xlsx")


def test_a_slip_the_spec_cannot_print_is_written_and_reported(tmp_path: Path) -> None:
    """A decreasing 资金支出计划 is written as published; the report points at it, exit code 1."""
    path = write_foreign(TANGSHAN, tmp_path / "foreign.docx")
    d = docx.Document(str(path))
    row = next(r for r in d.tables[0].rows if r.cells[1].text == "20%")
    row.cells[1].text = "60%"
    d.save(str(path))
    result = CliRunner().invoke(app, ["import", str(path), "-o", str(tmp_path / "spec")])
    assert result.exit_code == 1
    assert "规格已写出，但有 1 处原文本身的问题" in result.output
    assert "projects/01-办公楼维修（护）费.yaml:7:15：资金支出计划是累计比例，6月底（50%）小于之前的 60%" in result.output
    assert "资金支出计划: [60%, 50%, 80%, 100%]" in (tmp_path / "spec/projects/01-办公楼维修（护）费.yaml").read_text(
        encoding="utf-8"
    )


def test_the_report_names_places_it_could_not_read(tmp_path: Path) -> None:
    path = write_foreign(DONGLI, tmp_path / "foreign.docx")
    d = docx.Document(str(path))
    table = d.tables[1]
    table.add_row().cells[0].text = "备注：资金按季度拨付"
    d.save(str(path))
    report = import_document(path, tmp_path / "spec")
    text = format_report(report)
    assert "  第 2 张表第 13 行：无法识别的一行「备注：资金按季度拨付」（没有三级指标和指标值） → 已略去\n" in text
    assert report.ok
