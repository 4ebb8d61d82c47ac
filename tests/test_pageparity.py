"""Word and PDF break tables at the same rows.

Both examples and every spec of the layout gallery are rendered to Word and
PDF; LibreOffice turns the Word files into PDF (how most readers meet the
Word version), and both PDFs are read back (tests/pagebreaks.py): the same
page count and the same table rows on every page, and no continued page
whose first row leaves its 一级 or 二级 cell empty, in either.

LibreOffice sets the Word file in other fonts than WeasyPrint (here the Noto
Sans CJK it substitutes for 仿宋_GB2312, DejaVu for Times New Roman), so its
rows are not exactly as tall: the Word file carries the PDF's breaks.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import Examples
from jixiao import expand_department, load_department
from jixiao.render.build import RenderOptions, render_department
from pagebreaks import differences, empty_continued_labels
from pdflines import all_broken_runs
from pdfreadback import blocks, read_pages

ROOT = Path(__file__).resolve().parents[1]
GALLERY = Path(__file__).parent / "fixtures" / "gallery"
SPECS = {
    **{name: ROOT / "specs" / name for name in ("dongli-2025", "tangshan-2025")},
    **{f"gallery/{p.name}": p for p in sorted(GALLERY.iterdir()) if p.is_dir()},
}
OFFICE = shutil.which("soffice") or shutil.which("libreoffice")


@pytest.fixture(scope="module")
def pairs(tmp_path_factory: pytest.TempPathFactory, examples: Examples) -> dict[str, tuple[Path, Path]]:
    """Spec name → (jixiao's combined PDF, LibreOffice's PDF of the combined Word file); 东丽's projects too.

    The examples come from the run's shared render and its shared LibreOffice conversion (conftest).
    """
    assert OFFICE, "LibreOffice 未安装：sudo apt-get install libreoffice-writer-nogui（./run setup 会自动安装）"
    root = tmp_path_factory.mktemp("parity")
    found: dict[str, tuple[Path, Path]] = {}
    for name in ("dongli-2025", "tangshan-2025"):
        rendered, office = examples[name], examples.office_pdfs(name)
        (combined,) = rendered.glob("*.pdf")
        found[name] = (combined, office / combined.name)
        if name == "dongli-2025":
            for path in sorted((rendered / "projects").glob("*.pdf")):
                found[f"{name}/{path.stem}"] = (path, office / "projects" / path.name)
    docx: dict[str, tuple[Path, Path]] = {}
    for name, spec in SPECS.items():
        if name in found:
            continue
        out = root / name.replace("/", "-")
        doc = expand_department(load_department(spec))
        render_department(doc, spec, RenderOptions(out_dir=out, formats=frozenset({"docx", "pdf"})))
        (combined,) = out.glob("*.docx")
        docx[name] = (combined, combined.with_suffix(".pdf"))
    # One LibreOffice run for all (each start costs seconds); the same stem may come twice: numbered copies.
    sources, converted = root / "docx", root / "lo"
    sources.mkdir()
    copies = [shutil.copyfile(path, sources / f"{i}.docx") for i, (path, _) in enumerate(docx.values())]
    result = subprocess.run(
        [OFFICE, f"-env:UserInstallation=file://{root / 'profile'}", "--headless", "--convert-to", "pdf",
         "--outdir", str(converted), *map(str, copies)],
        capture_output=True, text=True, timeout=600, check=False,
    )
    assert result.returncode == 0, result.stderr
    return {**found, **{name: (pdf, converted / f"{i}.pdf") for i, (name, (_, pdf)) in enumerate(docx.items())}}


def test_every_spec_is_compared(pairs: dict[str, tuple[Path, Path]]) -> None:
    assert set(SPECS) <= set(pairs) and len(pairs) > len(SPECS)  # and 东丽's own project files


@pytest.mark.parametrize("name", SPECS)
def test_word_breaks_tables_at_the_pdf_rows(pairs: dict[str, tuple[Path, Path]], name: str) -> None:
    for key in [k for k in pairs if k == name or k.startswith(f"{name}/")]:
        ours, theirs = (read_pages(p) for p in pairs[key])
        assert sum(len(p.rows) for p in ours) > 0, key
        assert not differences(ours, theirs), f"{key}: " + "\n".join(differences(ours, theirs))
        assert empty_continued_labels(ours) == [], key
        assert empty_continued_labels(theirs) == [], key


@pytest.mark.parametrize("name", SPECS)
def test_no_document_number_code_or_amount_breaks_across_lines(pairs: dict[str, tuple[Path, Path]], name: str) -> None:
    """Neither jixiao's PDF nor LibreOffice's PDF of the Word file breaks a 文号, a 项目编码, a number with
    its unit or a short bracketed group across lines (tests/pdflines.py: UNBREAKABLE). Where the layout
    fixes the column widths (列宽), an amount per unit wider than its column breaks before its 「/」."""
    fixed = any("列宽" in path.read_text(encoding="utf-8") for path in SPECS[name].rglob("*.yaml"))
    for key in [k for k in pairs if k == name or k.startswith(f"{name}/")]:
        for path in pairs[key]:
            broken = all_broken_runs(blocks(path), per_unit=fixed)
            assert not broken, (key, path.parent.name, [(b.page, run, b.lines) for b, run in broken])


def test_examples_break_tables_across_pages(pairs: dict[str, tuple[Path, Path]]) -> None:
    # The comparison means something: both examples have tables that go on to another page,
    # and 东丽 cuts a merged group there (its label is repeated on the new page).
    for name in ("dongli-2025", "tangshan-2025"):
        pages = read_pages(pairs[name][0])
        assert any(p.continued_labels() is not None for p in pages), name
    dongli = read_pages(pairs["dongli-2025"][1])
    assert any(labels is not None and labels[0] == "满意度指标" for labels in (p.continued_labels() for p in dongli))


# --- The break plan and the Word tables it cuts (no rendering) ------------------------------------


def test_rows_that_begin_a_page_come_from_the_row_anchors() -> None:
    from jixiao.render.layout.breaks import TableBreaks, row_id, table_breaks

    pages = {row_id("3-header", r): 2 for r in (1, 2, 3)}
    pages |= {row_id("3-indicators", r): p for r, p in ((1, 2), (2, 2), (3, 3), (4, 3), (5, 4))}
    pages |= {row_id("4-header", 1): 5, row_id("4-indicators", 1): 6, "table-3": 2, "part-1": 1}
    assert table_breaks(pages) == {3: TableBreaks(header=(), indicators=(3, 5)), 4: TableBreaks(indicators=(1,))}
    assert TableBreaks.from_json(TableBreaks(indicators=(5, 3)).as_json()) == TableBreaks(indicators=(3, 5))


def test_a_word_table_cut_at_a_row_repeats_titles_and_labels() -> None:
    from jixiao.render.layout.grid import indicator_grid
    from jixiao.render.word.table import pages

    doc = expand_department(load_department(ROOT / "specs" / "dongli-2025"))
    table = doc.tables()[2]
    grid = indicator_grid(table)
    # Cut inside the first 一级 group, at a row that is not the start of its 二级 group either.
    cut = next(i for i, row in enumerate(table.rows, 1) if row.level1_span == 0 and row.level2_span == 0)
    first, second = pages(grid, (cut,))
    assert first == grid.rows[:cut]
    assert second[0] == grid.rows[0] and second[0].kind == "head"
    assert second[2:] == grid.rows[cut + 1:]
    top = second[1].cells
    level1, level2 = table.rows[cut - 1].level1, table.rows[cut - 1].level2
    assert [c.text for c in top[:2]] == [level1, level2] and [c.merge for c in top[:2]] == ["restart"] * 2
    assert top[2:] == grid.rows[cut].cells[2:]
    assert pages(grid, ()) == [grid.rows] and pages(grid, (1,)) == [grid.rows]  # a break before the table cuts nothing
