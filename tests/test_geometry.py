"""Column geometry read back from the PDF and the Word file.

One department with a project in each built-in layout (河北, 天津, 专项资金),
one with its own labels (项目名称标签, 支出计划标签), one with its own 列宽 and a
long 指标值确定依据, laid out once. Read back with pdfplumber:

- every label line the grid prints comes out as one line: 「专项资金名称」 is one
  word on the page, not 「专项资金名」 + 「称」;
- the header block's vertical lines lie on the indicator table's, except the
  split inside the 预算数 row, and the indicator lines are where the grid says;
- a 文号 such as 「某政办【2016】17号」 takes at most two lines;
- in Word, the two tables of a project have the same ``w:gridCol`` list.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pdfplumber
import pytest
from lxml import etree

from conftest import DEPARTMENT, PROJECT, write_tree
from jixiao.expand.department import expand_department
from jixiao.model.document import Document, ProjectTable
from jixiao.render.build import RenderOptions, render_department
from jixiao.render.html.document import render_html
from jixiao.render.layout.grid import TableGrid, header_grid, indicator_grid, plan
from jixiao.render.pdf import layout as pdf
from jixiao.resources import builtin_templates
from jixiao.spec.load import load_department

BUILTIN = builtin_templates() / "html"
MM = 72 / 25.4  # PDF points per millimetre
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
BASIS = "某政办【2016】17号"
CODE = '项目编码: "13020025P00682510503U"\n'

#: File name → what the project adds to the common project text.
PROJECTS = {
    "01-河北": CODE,
    "02-天津": "版式: 天津\n",
    "03-专项资金": CODE + "版式: 专项资金\n",
    "04-标签": "版式: {项目编码: false, 项目名称标签: 专项资金名称, 支出计划标签: 资金支出进度（%）}\n",
    "05-依据": CODE + f"指标值确定依据: {BASIS}\n",
    "06-列宽": CODE + "版式: {列宽: [22, 22, 30, 40, 20, 22]}\n",
}
#: Tables whose labels must all fit on their lines (not 06: its widths are the user's).
CHECKED = (1, 2, 3, 4, 5)


@dataclass
class Laid:
    doc: Document
    layout: pdf.PdfLayout
    data: bytes


def _spec(root: Path, projects: dict[str, str] = PROJECTS) -> Path:
    files = {"部门.yaml": DEPARTMENT}
    files.update({f"projects/{name}.yaml": PROJECT + extra for name, extra in projects.items()})
    return write_tree(root, files)


def _lay(doc: Document) -> Laid:
    layout = pdf.layout_pdf(render_html(doc, [BUILTIN]), [BUILTIN], issued=doc.issued, title=doc.title)
    return Laid(doc, layout, layout.write())


@pytest.fixture(scope="module")
def laid(tmp_path_factory: pytest.TempPathFactory) -> Laid:
    doc = expand_department(load_department(_spec(tmp_path_factory.mktemp("spec"))))
    assert [t.number for t in doc.tables()] == [1, 2, 3, 4, 5, 6]
    return _lay(doc)


def _table(laid: Laid, number: int) -> ProjectTable:
    return next(t for t in laid.doc.tables() if t.number == number)


def _pages(laid: Laid, document: Any, number: int) -> list[Any]:
    start, end = laid.layout.table_pages()[number]
    return [document.pages[i] for i in range(start, end)]


def _label_lines(grid: TableGrid) -> list[str]:
    """Every line the grid prints for a label, a column title or a 一级/二级 name."""
    return [
        line
        for row in grid.rows
        for cell in row.cells
        if cell.role in ("label", "head", "level") and cell.merge != "continue"
        for line in cell.lines
        if line
    ]


def _label_problems(laid: Laid, document: Any, number: int) -> list[str]:
    """Label lines of table *number* that do not come out of the PDF as one line."""
    table = _table(laid, number)
    words = {w["text"] for page in _pages(laid, document, number) for w in page.extract_words()}
    lines = _label_lines(header_grid(table)) + _label_lines(indicator_grid(table))
    return [f"表 {number}: 「{line}」 不在一行上" for line in lines if line not in words]


def test_label_lines_come_out_whole(laid: Laid) -> None:
    with pdfplumber.open(io.BytesIO(laid.data)) as document:
        problems = [p for n in CHECKED for p in _label_problems(laid, document, n)]
    assert problems == []
    # The grid printed the labels that needed it on their word boundaries …
    label = header_grid(_table(laid, 4)).rows[1].cells[0]
    assert label.lines == ["专项资金名称"] and label.keep
    lines = [c.lines for r in header_grid(_table(laid, 1)).rows for c in r.cells if c.role == "label"]
    assert ["预算规模", "及资金用途"] in lines and ["其中：", "财政资金"] in lines
    # … and every label of a built-in layout fits its cell.
    for n in CHECKED:
        table = _table(laid, n)
        for grid in (header_grid(table), indicator_grid(table)):
            loose = [
                c.text for r in grid.rows for c in r.cells
                if c.role in ("label", "head") and c.merge != "continue" and not c.keep
            ]
            assert loose == [], f"表 {n}"


def test_label_check_has_teeth(tmp_path: Path) -> None:
    # A 列宽 too narrow for 「专项资金名称」: the label must break inside the word, and the check sees it.
    narrow = "版式: {项目编码: false, 项目名称标签: 专项资金名称, 列宽: [12, 20, 30, 50, 20, 24]}\n"
    doc = expand_department(load_department(_spec(tmp_path / "spec", {"01-窄": narrow})))
    squeezed = _lay(doc)
    label = header_grid(doc.tables()[0]).rows[1].cells[0]
    assert not label.keep
    with pdfplumber.open(io.BytesIO(squeezed.data)) as document:
        assert "表 1: 「专项资金名称」 不在一行上" in _label_problems(squeezed, document, 1)


def _row_span(page: Any, word: str) -> tuple[float, float]:
    """Top and bottom of the table row holding *word* (the horizontal rules around it)."""
    (found,) = [w for w in page.extract_words() if w["text"] == word]
    tops = [e["top"] for e in page.horizontal_edges]
    return max(t for t in tops if t < found["top"]), min(t for t in tops if t > found["bottom"])


def _near(x: float, xs: list[float], tolerance: float = 0.5) -> bool:
    return any(abs(x - other) <= tolerance for other in xs)


def _distinct(xs: list[float]) -> list[float]:
    out: list[float] = []
    for x in sorted(xs):
        if not _near(x, out):
            out.append(x)
    return out


@pytest.mark.parametrize("number", [1, 2, 3, 4, 5, 6])
def test_header_lines_lie_on_the_indicator_lines(laid: Laid, number: int) -> None:
    table = _table(laid, number)
    grid = plan(table)
    with pdfplumber.open(io.BytesIO(laid.data)) as document:
        page = _pages(laid, document, number)[0]
        head_top, _ = _row_span(page, "一级指标")
        budget_top, budget_bottom = _row_span(page, "预算数")
        edges = page.vertical_edges
        header = [e for e in edges if e["bottom"] <= head_top + 1]
        indicators = _distinct([e["x0"] for e in edges if e["top"] >= head_top - 1])
    assert header and indicators
    # The indicator table's lines are the grid's indicator boundaries.
    left = indicators[0]
    bounds = [left]
    for w in grid.indicators:
        bounds.append(bounds[-1] + w * MM)
    assert len(indicators) == len(bounds)
    assert all(abs(a - b) <= 0.5 for a, b in zip(indicators, bounds, strict=True)), (indicators, bounds)
    # Every line of the header block lies on one of them, but the 预算数 row's splits.
    off = [e for e in header if not _near(e["x0"], indicators)]
    assert all(budget_top - 1 <= e["top"] and e["bottom"] <= budget_bottom + 1 for e in off), off
    splits = len(grid.grid) - len(grid.indicators)
    assert len(_distinct([e["x0"] for e in off])) == splits
    assert splits == (1 if len(table.columns) == 6 else 2)


def test_a_short_basis_is_one_line(laid: Laid) -> None:
    # The 依据 column is at least as wide as the 文号 in it: 某政办【2016】17号 is never broken.
    table = _table(laid, 5)
    assert {r.basis for r in table.rows} == {BASIS}
    widths = plan(table).indicators
    with pdfplumber.open(io.BytesIO(laid.data)) as document:
        words = []
        for page in _pages(laid, document, 5):
            left = min(e["x0"] for e in page.vertical_edges)
            column = left + sum(widths[:5]) * MM
            _, head_bottom = _row_span(page, "一级指标")  # the head row, repeated on every page
            words += [w["text"] for w in page.extract_words() if w["x0"] > column and w["top"] > head_bottom]
    assert words == [BASIS] * len(table.rows)


def _grid_cols(tbl: etree._Element) -> list[int]:
    return [int(c.get(f"{W}w") or 0) for c in tbl.findall(f"{W}tblGrid/{W}gridCol")]


def test_word_tables_share_one_grid(spec_dir, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    spec = spec_dir({name: PROJECT + extra for name, extra in PROJECTS.items()})
    doc = expand_department(load_department(spec))
    render_department(doc, spec, RenderOptions(out_dir=tmp_path / "out", formats=frozenset({"docx"})))
    (combined,) = (tmp_path / "out").glob("*.docx")
    with zipfile.ZipFile(combined) as zf:
        root = etree.fromstring(zf.read("word/document.xml"))
    tables = root.findall(f".//{W}tbl")
    # Each table is a header block and its indicator table, cut into one Word table a page.
    heads = [i for i, tbl in enumerate(tables) if "预算规模" in "".join(tbl.itertext())]
    assert len(heads) == len(doc.tables()) and heads[0] == 0
    for table, first, end in zip(doc.tables(), heads, [*heads[1:], len(tables)], strict=True):
        header, *indicators = tables[first:end]
        cols = _grid_cols(header)
        assert indicators and all(_grid_cols(part) == cols for part in indicators), f"表 {table.number}"
        assert len(cols) == len(plan(table).grid)
        expected = round(sum(plan(table).grid) * 1440 / 25.4)
        assert sum(cols) == expected
        # The 预算数 row covers the grid cell by cell; the 描述 cell spans the split column.
        rows = header.findall(f"{W}tr")
        budget = next(tr for tr in rows if "预算数" in "".join(tr.itertext()))
        assert len(budget.findall(f"{W}tc")) == 7
    six = _grid_cols(tables[heads[5]])
    assert [round(c * 25.4 / 1440, 1) for c in six][:3] == [22.0, 22.0, 30.0]  # 列宽 as written
