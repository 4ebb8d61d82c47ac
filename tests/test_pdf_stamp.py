"""Each table laid out once: bare pages, footers stamped on, the combined document put together around the tables.

The reference is WeasyPrint drawing the margin boxes itself on a layout of
the whole document: the stamped files must read the same (pages, text,
table cells, outline), and every project's own file must be the same, byte
for byte, whether it was cut from the combined layout or laid out alone.
A style sheet the footers cannot be stamped for, or a table that does not
stand on pages of its own, falls back to WeasyPrint's own margin boxes.
"""

from __future__ import annotations

import io
import re
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pdfplumber
import pypdf
import pytest

from jixiao.expand.department import expand_department
from jixiao.model.document import Document
from jixiao.render.html.document import render_html
from jixiao.render.pdf import layout as pdf
from jixiao.render.pdf import stamp
from jixiao.resources import builtin_templates
from jixiao.spec.load import load_department
from pdffacts import pdf_facts

ROOT = Path(__file__).resolve().parents[1]
BUILTIN = builtin_templates() / "html"
CSS = (BUILTIN / "style.css").read_text(encoding="utf-8")


def _facts(data: bytes) -> dict[str, Any]:
    return pdf_facts(data, destinations=True)


def _doc(tmp_path: Path | None = None, layout: str | None = None) -> Document:
    spec = ROOT / "specs" / "dongli-2025"
    if tmp_path is not None and layout is not None:
        spec = Path(shutil.copytree(spec, tmp_path / "dongli-2025"))
        dept = spec / "部门.yaml"
        text = re.sub(r"^版式:.*$", "", dept.read_text(encoding="utf-8"), flags=re.M)
        dept.write_text(text + f"\n版式: {layout}\n", encoding="utf-8")
    return expand_department(load_department(spec))


def _whole(html: str, dirs: list[Path], doc: Document, monkeypatch: pytest.MonkeyPatch) -> pdf.PdfLayout:
    """The combined document laid out whole, margin boxes drawn by WeasyPrint (the fallback)."""
    with monkeypatch.context() as patch:
        patch.setattr(stamp, "stampable", lambda html: False)
        return pdf.layout_pdf(html, dirs, issued=doc.issued, title=doc.title)


def _alike(laid: pdf.PdfLayout, whole: pdf.PdfLayout, html: str, dirs: list[Path], doc: Document) -> None:
    """*laid* (stamped) reads as *whole*: anchors, the combined file, two tables' own files (also laid out alone)."""
    assert laid.anchor_pages() == whole.anchor_pages()
    assert _facts(laid.write()) == _facts(whole.write())
    for number in (1, 2):  # the first one follows a part heading in some layouts
        own = laid.write_table(number)
        assert _facts(own) == _facts(whole.write_table(number)), number
        assert own == pdf.table_pdf(html, dirs, number, issued=doc.issued, title=doc.title), number


def _same_as_whole(html: str, dirs: list[Path], doc: Document,
                   monkeypatch: pytest.MonkeyPatch) -> tuple[pdf.PdfLayout, pdf.PdfLayout]:
    """*html* laid out (stamped if it can be) and laid out whole, checked alike: (laid, whole)."""
    laid = pdf.layout_pdf(html, dirs, issued=doc.issued, title=doc.title)
    whole = _whole(html, dirs, doc, monkeypatch)
    _alike(laid, whole, html, dirs, doc)
    return laid, whole


@dataclass
class Builtin:
    """东丽 with the built-in style sheet: laid out (stamped) and laid out whole, once for this file."""

    doc: Document
    html: str
    laid: pdf.PdfLayout
    whole: pdf.PdfLayout


@pytest.fixture(scope="module")
def builtin() -> Builtin:
    doc = _doc()
    html = render_html(doc, [BUILTIN])
    with pytest.MonkeyPatch.context() as monkeypatch:
        whole = _whole(html, [BUILTIN], doc, monkeypatch)
    return Builtin(doc, html, pdf.layout_pdf(html, [BUILTIN], issued=doc.issued, title=doc.title), whole)


def test_the_built_in_style_sheet_is_stamped_and_reads_as_weasyprints_own_drawing(builtin: Builtin) -> None:
    doc, html, laid = builtin.doc, builtin.html, builtin.laid
    assert stamp.stampable(html)
    _alike(laid, builtin.whole, html, [BUILTIN], doc)
    assert sorted(laid._tables) == [t.number for t in doc.tables()]  # every table laid out once, on its own
    with pdfplumber.open(io.BytesIO(laid.write())) as document:
        footers = [re.findall(r"— (\d+) —", page.extract_text()) for page in document.pages]
    assert footers == [[str(n)] for n in range(1, len(footers) + 1)]
    with pdfplumber.open(io.BytesIO(laid.write_table(1))) as document:
        assert [re.findall(r"— (\d+) —", page.extract_text()) for page in document.pages][0] == ["1"]


def test_tables_sharing_a_page_with_their_part_heading(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """部分标题: 表前 — the first table of each part is laid out with the rest; its own file separately."""
    doc = _doc(tmp_path, "{基于: 天津, 部分标题: 表前}")
    html = render_html(doc, [BUILTIN])
    laid, _ = _same_as_whole(html, [BUILTIN], doc, monkeypatch)
    first = doc.parts[0].tables[0].number
    assert first not in laid._tables and laid._tables


def test_a_table_that_does_not_end_its_page_falls_back_to_a_whole_layout(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A user style sheet runs the tables on: the stand-ins show it, and the document is laid out whole."""
    user = tmp_path / "html"
    user.mkdir()
    (user / "style.css").write_text(CSS + "\n.jx-table-section { break-before: auto; }\n", encoding="utf-8")
    doc = _doc()
    dirs = [user, BUILTIN]
    html = render_html(doc, dirs)
    assert stamp.stampable(html)
    laid, _ = _same_as_whole(html, dirs, doc, monkeypatch)
    assert laid._tables == {}  # laid out whole


@pytest.mark.parametrize(
    "extra",
    [
        "@page :first { margin-top: 50mm; }",
        "@page :left { margin-left: 35mm; }",
        "@page wide { size: A4 landscape; } .jx-table-section { page: wide; }",
        "@page :blank { @bottom-center { content: none; } }",
        "@page :left { @bottom-left { content: counter(page); } margin-left: 30mm; }",
        "@page toc { @bottom-center { content: none; } } .jx-toc { page: toc; }",
        "@page { background: #eee; }",
        "@page { border-bottom: 1pt solid black; }",
        "@media print { @page { background-color: #eee; } }",
        '@page { @top-center { content: counter(page) " / " counter(pages); } }',
        "h2 { string-set: title content(); } @page { @top-center { content: string(title); } }",
        "body { counter-reset: page 3; }",
    ],
)
def test_style_sheets_whose_footers_cannot_be_stamped(extra: str) -> None:
    doc = _doc()
    assert stamp.stampable(render_html(doc, [BUILTIN]))
    html = render_html(doc, [BUILTIN]).replace("</style>", extra + "\n</style>", 1)
    assert not stamp.stampable(html)


def test_margin_boxes_of_their_own_are_stamped(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A header with a rule under it and a second footer: drawn as WeasyPrint draws them."""
    user = tmp_path / "html"
    user.mkdir()
    (user / "style.css").write_text(CSS + """
@page {
  @top-right { content: "东丽区医疗保障局"; font-size: 9pt; border-bottom: 0.5pt solid black; }
  @bottom-right { content: "第 " counter(page) " 页"; font-size: 9pt; }
}
""", encoding="utf-8")
    doc = _doc()
    dirs = [user, BUILTIN]
    html = render_html(doc, dirs)
    assert stamp.stampable(html)
    laid, _ = _same_as_whole(html, dirs, doc, monkeypatch)
    with pdfplumber.open(io.BytesIO(laid.write_table(2))) as document:
        text = document.pages[0].extract_text()
    assert "东丽区医疗保障局" in text and "第 1 页" in text and "— 1 —" in text


def _footer_sides(data: bytes) -> list[tuple[str, str]]:
    """Each page's footer number and the side of the page it stands on ("left" or "right")."""
    out = []
    with pdfplumber.open(io.BytesIO(data)) as document:
        for page in document.pages:
            low = [w for w in page.extract_words() if w["top"] > page.height * 0.85 and w["text"].isdigit()]
            assert len(low) == 1, [w["text"] for w in low]
            out.append((low[0]["text"], "left" if low[0]["x1"] < page.width / 2 else "right"))
    return out


def test_footers_on_the_outer_edge_of_left_and_right_pages_are_stamped(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Page numbers on the outer edge (left pages left, right pages right), none on the first page."""
    user = tmp_path / "html"
    user.mkdir()
    (user / "style.css").write_text(CSS + """
@page { @bottom-center { content: none; } }
@page :right { @bottom-right { content: "— " counter(page) " —"; font-size: 14pt; } }
@page :left { @bottom-left { content: "— " counter(page) " —"; font-size: 14pt; } }
@page :first { @bottom-right { content: none; } }
""", encoding="utf-8")
    doc = _doc()
    dirs = [user, BUILTIN]
    html = render_html(doc, dirs)
    assert stamp.stampable(html)
    laid, whole = _same_as_whole(html, dirs, doc, monkeypatch)
    assert laid._tables  # stamped, not laid out whole
    sides = _footer_sides(_without_first(laid.write()))
    assert sides == [(str(n), "left" if n % 2 == 0 else "right") for n in range(2, laid.page_count + 1)]
    assert sides == _footer_sides(_without_first(whole.write()))
    starts = laid.table_pages()
    assert any(start % 2 == 1 for start, _ in starts.values())  # some table starts on a left page of the whole …
    long = [n for n, (start, end) in starts.items() if end - start > 1][:2]
    assert long  # tables of more than one page: their own files number them from 1
    for number in long:
        own = laid.write_table(number)
        with pdfplumber.open(io.BytesIO(own)) as document:
            assert not re.search(r"— \d+ —", document.pages[0].extract_text())  # its first page
            count = len(document.pages)
        assert _footer_sides(_without_first(own)) == [(str(n), "left" if n % 2 == 0 else "right")
                                                      for n in range(2, count + 1)]
        assert own == pdf.table_pdf(html, dirs, number, issued=doc.issued, title=doc.title)


def _without_first(data: bytes) -> bytes:
    """*data* without its first page."""
    reader = pypdf.PdfReader(io.BytesIO(data))
    writer = pypdf.PdfWriter()
    for page in reader.pages[1:]:
        writer.add_page(page)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def test_the_stamped_file_has_one_page_per_page_and_stays_compact(builtin: Builtin) -> None:
    laid = builtin.laid
    data, whole = laid.write(), builtin.whole.write()
    reader = pypdf.PdfReader(io.BytesIO(data))
    assert len(reader.pages) == laid.page_count == len(pypdf.PdfReader(io.BytesIO(whole)).pages)
    for page in reader.pages:
        contents = page.get_contents()
        assert contents is not None and contents.get_data().startswith(b"q\n")  # the body, then the footer
    assert len(data) < 1.03 * len(whole) + 2_000  # the emptied footer pages cost a few bytes each
    assert laid.write() == data  # deterministic


def test_a_pdf_writer_whose_pages_cannot_be_stamped_gets_a_whole_layout(
    builtin: Builtin, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another pydyf builds its page tree otherwise: the combined file is laid out whole, not broken or refused."""
    doc = builtin.doc
    whole = builtin.whole.write()
    # A layout of its own: falling back changes it for good.
    laid = pdf.layout_pdf(builtin.html, [BUILTIN], issued=doc.issued, title=doc.title)
    assert laid._tables

    def unexpected(_pdf: Any) -> None:
        raise stamp.NotStampable("unexpected page tree")

    monkeypatch.setattr(stamp, "stamp", unexpected)
    data = laid.write()
    assert data == whole
    assert not any("紧凑字体" in w for w in laid.warnings)  # not taken for a font failure
