"""PDF output (WeasyPrint): read back the laid-out tables, fonts, outline, page cuts, safety.

Each example is laid out once per session; the PDF is read back with
pdfplumber (tables, words, lines) and pypdf (fonts, outline, metadata).
Cell texts are compared without whitespace: pdfplumber reports wrapped lines.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pdfplumber
import pypdf
import pytest

from jixiao.errors import RenderError
from jixiao.expand.department import expand_department
from jixiao.model.document import Document, IndicatorRow, ProjectTable
from jixiao.render.html.document import render_html
from jixiao.render.layout.grid import TableGrid, header_grid, indicator_grid
from jixiao.render.pdf import layout as pdf
from jixiao.render.pdf import renderer
from jixiao.render.pdf.cff import charset_is_identity
from jixiao.resources import builtin_templates
from jixiao.spec.load import load_department

ROOT = Path(__file__).resolve().parents[1]
SPECS = ROOT / "specs"
BUILTIN = builtin_templates() / "html"
MM = 72 / 25.4  # PDF points per millimetre


@dataclass
class Laid:
    doc: Document
    layout: pdf.PdfLayout
    combined: bytes


def _lay(doc: Document) -> Laid:
    layout = pdf.layout_pdf(render_html(doc, [BUILTIN]), [BUILTIN], issued=doc.issued, title=doc.title)
    return Laid(doc, layout, layout.write())


def _load(name: str) -> Document:
    return expand_department(load_department(SPECS / name))


@pytest.fixture(scope="module")
def tangshan() -> Laid:
    return _lay(_load("tangshan-2025"))


@pytest.fixture(scope="module")
def dongli() -> Laid:
    return _lay(_load("dongli-2025"))


def _norm(text: str | None) -> str:
    return re.sub(r"\s+", "", text or "")


def _expected_rows(grid: TableGrid) -> Iterator[tuple[list[str], list[str]]]:
    """Each bordered row as (its own cells, the same with the merged cells it continues)."""
    open_labels: dict[int, str] = {}
    for row in grid.rows:
        if row.kind == "caption":
            continue
        own: list[str] = []
        full: list[str] = []
        col = 0
        for cell in row.cells:
            if cell.merge == "continue":
                full.append(open_labels[col])
            else:
                own.append(_norm(cell.text))
                full.append(_norm(cell.text))
                if cell.merge == "restart":
                    open_labels[col] = _norm(cell.text)
            col += cell.span
        yield own, full


def _check_tables(laid: Laid, tables: list[ProjectTable]) -> None:
    with pdfplumber.open(io.BytesIO(laid.combined)) as document:
        for table in tables:
            _check_table(laid, table, document)


def _check_table(laid: Laid, table: ProjectTable, document: Any) -> None:
    """The table's pages hold the model's cells, row by row, and its title and unit line."""
    start, end = laid.layout.table_pages()[table.number]
    actual: list[list[str]] = []
    for i in range(start, end):
        for found in document.pages[i].extract_tables():
            actual += [[_norm(c) for c in row if c is not None] for row in found]
    expected = [*_expected_rows(header_grid(table)), *_expected_rows(indicator_grid(table))]
    head = [_norm(c) for c in table.columns]
    # The column-title row repeats on every page; a merged cell cut by a page
    # break is labelled again on the new page (own cells or own + continued).
    seen_head = False
    rows = []
    for row in actual:
        if row == head:
            if seen_head:
                continue
            seen_head = True
        rows.append(row)
    assert len(rows) == len(expected), f"表 {table.number}: {len(rows)} 行，期望 {len(expected)} 行\n{rows}"
    for got, (own, full) in zip(rows, expected, strict=True):
        assert got in (own, full), f"表 {table.number}: {got} != {own}"
    text = _norm(document.pages[start].extract_text())
    for label in (table.heading, table.unit_label, table.money_unit_label):
        assert _norm(label) in text


#: First, last, a few plain ones and every table that runs over several pages (32–36).
TANGSHAN_SAMPLE = (1, 2, 3, 17, 30, 31, 32, 33, 34, 35, 36, 37, 52, 53, 54)


def test_tangshan_tables_read_back_as_the_model(tangshan: Laid) -> None:
    tables = {t.number: t for t in tangshan.doc.tables()}
    assert max(tables) == 54
    _check_tables(tangshan, [tables[n] for n in TANGSHAN_SAMPLE])


def test_dongli_tables_read_back_as_the_model(dongli: Laid) -> None:
    assert len(dongli.doc.tables()) == 6
    _check_tables(dongli, dongli.doc.tables())


def test_part_one_text_in_order(tangshan: Laid) -> None:
    part = tangshan.doc.part_one
    assert part is not None
    start = tangshan.layout.table_pages()[1][0]
    with pdfplumber.open(io.BytesIO(tangshan.combined)) as document:
        # Page by page, without the page number footers (— 8 —).
        text = "".join(re.sub(r"—\d+—$", "", _norm(p.extract_text())) for p in document.pages[:start])
    expected = part.printed()
    position = text.index(_norm(part.numeral + part.title), text.index("目录"))
    for piece in map(_norm, expected):
        found = text.find(piece, position)
        assert found >= 0, f"正文中缺少或顺序不对：{piece[:30]}"
        position = found + len(piece)


def _fonts(reader: pypdf.PdfReader) -> Iterator[tuple[str, Any]]:
    for page in reader.pages:
        resources: Any = page["/Resources"]
        fonts = resources.get("/Font", {})
        for ref in fonts.values():
            font: Any = ref.get_object()
            for item in font.get("/DescendantFonts", [font]):
                sub: Any = item.get_object()
                yield str(font["/BaseFont"]), sub["/FontDescriptor"].get_object()


def test_cjk_fonts_are_embedded_and_compact(tangshan: Laid) -> None:
    for data in (tangshan.combined, tangshan.layout.write_table(1)):
        reader = pypdf.PdfReader(io.BytesIO(data))
        names = set()
        for name, descriptor in _fonts(reader):
            names.add(name)
            files = [k for k in ("/FontFile", "/FontFile2", "/FontFile3") if k in descriptor]
            assert files, f"{name} is not embedded"
        assert any("CJK" in n for n in names), names
    assert not [w for w in tangshan.layout.warnings if "notdef" in w or "glyph" in w.lower()]
    # Bare CID-keyed CFF subsets: a one-page table is a small file.
    assert len(tangshan.layout.write_table(1)) < 120_000


def _entries(items: Any) -> list[Any]:
    """Outline entries of one level (pypdf nests children as a list after their parent)."""
    assert isinstance(items, list)
    return [item for item in items if not isinstance(item, list)]


def test_outline_has_parts_and_tables(tangshan: Laid, dongli: Laid) -> None:
    reader = pypdf.PdfReader(io.BytesIO(tangshan.combined))
    outline: Any = reader.outline
    assert [t.title for t in _entries(outline)] == ["第一部分 部门整体绩效目标", "第二部分 预算项目绩效目标"]
    part_one, tables = _entries(outline[1]), _entries(outline[3])
    assert [t.title for t in part_one] == ["一、总体绩效目标", "二、分项绩效目标", "三、工作保障措施"]
    assert [t.title for t in tables] == [t.heading for t in tangshan.doc.tables()]
    starts = tangshan.layout.table_pages()
    for number, item in enumerate(tables, 1):
        assert reader.get_destination_page_number(item) == starts[number][0]
    other: Any = pypdf.PdfReader(io.BytesIO(dongli.combined)).outline
    assert [t.title for t in _entries(other)] == ["第一部分 预算项目绩效目标"]
    assert [t.title for t in _entries(other[1])] == [t.heading for t in dongli.doc.tables()]


def test_toc_lists_tables_with_their_page_numbers(dongli: Laid) -> None:
    starts = dongli.layout.table_pages()
    with pdfplumber.open(io.BytesIO(dongli.combined)) as document:
        toc = _norm(document.pages[0].extract_text())
    for table in dongli.doc.tables():
        assert re.search(re.escape(_norm(table.heading)) + r"\.+" + str(starts[table.number][0] + 1), toc)


def test_same_document_gives_identical_bytes(dongli: Laid) -> None:
    again = _lay(_load("dongli-2025"))
    assert again.combined == dongli.combined
    again.layout.write_table(5)  # what was written before makes no difference
    assert again.layout.write_table(3) == dongli.layout.write_table(3)
    info: Any = pypdf.PdfReader(io.BytesIO(dongli.combined)).metadata
    assert info["/CreationDate"] == info["/ModDate"] == "D:20250101"
    assert info["/Title"] == dongli.doc.title


def test_per_table_pdf_holds_only_its_pages(tangshan: Laid) -> None:
    tables = tangshan.doc.tables()
    ranges = tangshan.layout.table_pages()
    assert list(ranges) == [t.number for t in tables]
    covered = [i for start, end in ranges.values() for i in range(start, end)]
    assert covered == list(range(ranges[1][0], tangshan.layout.page_count))  # no gaps, no overlaps
    for number in (1, 33, 54):
        table = tables[number - 1]
        data = tangshan.layout.write_table(number)
        reader = pypdf.PdfReader(io.BytesIO(data))
        start, end = ranges[number]
        assert len(reader.pages) == end - start
        info: Any = reader.metadata
        assert info["/Title"] == table.heading
        assert [item.title for item in _entries(reader.outline)] == [table.heading]
        with pdfplumber.open(io.BytesIO(data)) as document:
            texts = [_norm(p.extract_text()) for p in document.pages]
        assert _norm(table.heading) in texts[0]
        assert all(_norm(t.heading) not in "".join(texts) for t in tables if t.number != number)
        # Numbered from 1 like the per-project Word file.
        for i, text in enumerate(texts, 1):
            assert text.endswith(f"—{i}—")


def _with_rows(doc: Document, table: ProjectTable, rows: list[IndicatorRow], **update: Any) -> Document:
    table = table.model_copy(update={"rows": rows, **update})
    part = doc.parts[0].model_copy(update={"tables": [table]})
    return doc.model_copy(update={"parts": [part], "part_one": None})


def test_markup_and_control_characters_are_safe(dongli: Laid) -> None:
    table = dongli.doc.tables()[0]
    nasty = 'A&B <b>粗</b> "引号" \x07铃'
    rows = [table.rows[0].model_copy(update={"description": nasty}), *table.rows[1:]]
    doc = _with_rows(dongli.doc, table, rows, name="<script>x</script>&")
    html = render_html(doc, [BUILTIN])
    assert "<b>粗</b>" not in html and "&lt;b&gt;粗&lt;/b&gt;" in html
    assert "<script>" not in html and "\x07" not in html
    laid = _lay(doc)
    with pdfplumber.open(io.BytesIO(laid.combined)) as document:
        # Cells, not the page text: a wrapped cell's lines interleave with its neighbours' there.
        cells = [
            _norm(cell) for page in document.pages for found in page.extract_tables()
            for row in found for cell in row if cell is not None
        ]
    assert _norm('A&B <b>粗</b> "引号" 铃') in cells
    assert _norm("<script>x</script>&") in cells


def _long_table(doc: Document) -> Document:
    """One table whose 产出指标 group (40 rows, 二级 groups of 10) runs over two pages."""
    table = doc.tables()[0]
    base = table.rows[0]
    rows = []
    for i in range(40):
        rows.append(base.model_copy(update={
            "level1": "产出指标", "level2": f"数量指标{i // 10 + 1}", "level3": f"三级指标第{i + 1}项",
            "description": f"描述第{i + 1}项", "value": f"≥{i + 1}个",
            "level1_span": 40 if i == 0 else 0, "level2_span": 10 if i % 10 == 0 else 0,
        }))
    return _with_rows(doc, table, rows)


def _merged_cells_closed_and_labelled(data: bytes, pages: range) -> list[str]:
    """Problems on the *pages* of the long table: unclosed bottom edge, missing or uncentred label."""
    problems = []
    with pdfplumber.open(io.BytesIO(data)) as document:
        for i in pages:
            page = document.pages[i]
            found = page.find_tables()
            table = found[-1]  # the indicator table (below the header block on the first page)
            x0, top, x1, bottom = table.bbox
            # The frame's bottom line must run under every column, the merged ones too.
            covered = sum(
                min(e["x1"], x1) - max(e["x0"], x0)
                for e in page.horizontal_edges
                if abs(e["top"] - bottom) < 1 and e["x1"] > x0 and e["x0"] < x1
            )
            if covered < (x1 - x0) - 2:
                problems.append(f"page {i}: bottom edge covers {covered:.0f} of {x1 - x0:.0f} pt")
            # The 一级 label is on every page, centred in its part of the merged cell.
            labels = [w for w in page.extract_words() if w["text"] == "产出指标" and w["x0"] < x0 + 17 * MM]
            if len(labels) != 1:
                problems.append(f"page {i}: {len(labels)} 产出指标 labels")
                continue
            middle = (labels[0]["top"] + labels[0]["bottom"]) / 2
            cells = [c for c in table.cells if abs(c[0] - x0) < 1 and c[1] <= middle <= c[3]]
            if len(cells) != 1 or abs(middle - (cells[0][1] + cells[0][3]) / 2) > 3:
                problems.append(f"page {i}: label at {middle:.0f} not centred in its cell {cells}")
    return problems


def _combined_problems(laid: Laid) -> list[str]:
    return _merged_cells_closed_and_labelled(laid.combined, range(*laid.layout.table_pages()[1]))


def test_merged_cells_crossing_a_page_are_cut_and_labelled(dongli: Laid, monkeypatch: pytest.MonkeyPatch) -> None:
    doc = _long_table(dongli.doc)
    laid = _lay(doc)
    start, end = laid.layout.table_pages()[1]
    assert end - start >= 2
    assert _combined_problems(laid) == []
    _check_tables(laid, doc.tables())
    # The project's own file (a layout of its own) is cut the same way.
    alone = laid.layout.write_table(1)
    assert _merged_cells_closed_and_labelled(alone, range(end - start)) == []
    # Same result when the whole document is laid out again (the fallback
    # when the cut tables alone would not take the same pages).
    with monkeypatch.context() as patch:
        patch.setattr(pdf.Renderer, "_relayout_tables", lambda *args: None)
        assert _combined_problems(_lay(doc)) == []
    # The check has teeth: WeasyPrint's own drawing of the same table fails it.
    monkeypatch.setattr(renderer, "MAX_LAYOUTS", 1)
    assert _combined_problems(_lay(doc))


def test_fetcher_refuses_network_and_outside_files(tmp_path: Path) -> None:
    user = tmp_path / "user"
    user.mkdir()
    (user / "logo.svg").write_text("<svg/>", encoding="utf-8")
    (tmp_path / "secret.txt").write_text("secret", encoding="utf-8")
    fetcher = pdf.TemplateFetcher([user, BUILTIN])
    for url in ("http://example.com/a.css", "https://example.com/font.woff", "ftp://example.com/x"):
        with pytest.raises(pdf.ResourceRefused, match="网络"):
            fetcher.fetch(url)
    for path in (tmp_path / "secret.txt", user / ".." / "secret.txt", Path("/etc/hostname")):
        with pytest.raises(pdf.ResourceRefused, match="以外"):
            fetcher.fetch("file://" + path.as_posix())
    with pytest.raises(pdf.ResourceRefused, match="不存在"):
        fetcher.fetch((user / "missing.png").as_uri())
    assert fetcher.fetch((user / "logo.svg").as_uri()).read() == b"<svg/>"
    assert fetcher.fetch("data:text/css,p%7Bcolor:red%7D").read() == b"p{color:red}"
    # Relative references fall through to the built-in folder.
    response = fetcher.fetch((user / "style.css").as_uri())
    assert response.read() == (BUILTIN / "style.css").read_bytes()


@pytest.mark.parametrize(
    ("css", "message"),
    [
        ('@import url("http://example.com/a.css");', "网络资源 http://example.com/a.css"),
        ("body { background: url(../secret.png); }", "模板文件夹以外"),
    ],
)
def test_user_template_asking_for_a_forbidden_resource_stops(dongli: Laid, tmp_path: Path, css: str, message: str) -> None:
    user = tmp_path / "html"
    user.mkdir()
    (user / "style.css").write_text(css + "\n" + (BUILTIN / "style.css").read_text(encoding="utf-8"), encoding="utf-8")
    dirs = [user, BUILTIN]
    html = render_html(dongli.doc, dirs)
    with pytest.raises(RenderError, match=message):
        pdf.layout_pdf(html, dirs, issued=dongli.doc.issued, title=dongli.doc.title)


def test_user_templates_override_file_by_file(dongli: Laid, tmp_path: Path) -> None:
    user = tmp_path / "html"
    user.mkdir()
    (user / "style.css").write_text('@import "fonts.css";\n/* 用户样式 */\nbody { color: #111 }', encoding="utf-8")
    html = render_html(dongli.doc, [user, BUILTIN])
    # The user's style.css replaces the built-in one; the page block from the page plan stays, after
    # its @import (which CSS wants first) and before its rules.
    assert "/* 用户样式 */" in html and "@bottom-center" not in html
    assert html.index('@import "fonts.css"') < html.index("size: 210mm 297mm") < html.index("body { color: #111 }")
    (user / "document.html.j2").write_text("{{ 标题 }}|{{ 不存在 }}", encoding="utf-8")
    with pytest.raises(RenderError, match="不存在的变量"):
        render_html(dongli.doc, [user, BUILTIN])
    (user / "document.html.j2").write_text("{% for %}", encoding="utf-8")
    with pytest.raises(RenderError, match="语法错误"):
        render_html(dongli.doc, [user, BUILTIN])
    with pytest.raises(RenderError, match="找不到"):
        render_html(dongli.doc, [tmp_path / "nothing"])


def _cff(charset: bytes) -> bytes:
    """A minimal CID-keyed CFF: header, Name INDEX, Top DICT (ROS, charset, CharStrings), charset, CharStrings."""
    ros = b"".join(bytes([29]) + v.to_bytes(4, "big") for v in (391, 392, 0)) + bytes([12, 30])
    charset_at = 4 + 6 + 5 + len(ros) + 12  # header, Name INDEX, Top DICT INDEX head, Top DICT
    top = ros + bytes([29]) + charset_at.to_bytes(4, "big") + bytes([15, 29])
    top += (charset_at + len(charset)).to_bytes(4, "big") + bytes([17])
    strings = bytes([0, 4, 1, 1, 2, 3, 4, 5]) + b"\x0e" * 4  # CharStrings: four glyphs, 1 byte each
    return bytes([1, 0, 4, 4, 0, 1, 1, 1, 2]) + b"A" + bytes([0, 1, 1, 1, 1 + len(top)]) + top + charset + strings


def test_charset_identity_check() -> None:
    identity = bytes([2, 0, 1, 0, 2])  # format 2: glyphs 1–3 are CIDs 1–3
    shifted = bytes([2, 0, 5, 0, 2])  # glyphs 1–3 are CIDs 5–7
    assert charset_is_identity(_cff(identity), [0, 1, 3])
    assert not charset_is_identity(_cff(shifted), [0, 1])
    assert not charset_is_identity(_cff(identity), [4])  # no such glyph
    assert charset_is_identity(_cff(bytes([0, 0, 1, 0, 2, 0, 3])), [2, 3])  # format 0
