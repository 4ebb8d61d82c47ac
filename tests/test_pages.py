"""Page structure (版式: 首页, 部分标题) in Word and PDF alike, and the Word 目录.

Small specs are rendered to Word and PDF and read back page by page: the PDF
with pdfplumber; the Word file through its XML (explicit page breaks) and, as
a user would see it, converted to PDF by LibreOffice. The tables of these
specs take one page each, so both programs paginate by the page breaks alone
and the pages can be compared one to one.
"""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pdfplumber
import pypdf
import pytest
from markupsafe import Markup

from conftest import PROJECT
from docxtext import W, document_root, paragraph_text
from jixiao import expand_department, load_department
from jixiao.model.document import Document, Pages
from jixiao.render.build import RenderOptions, render_department
from jixiao.render.html.document import render_html
from jixiao.render.layout.context import document_context
from jixiao.render.pdf import layout as pdf
from jixiao.render.word.toc import TOC_FIELD, toc_markup
from jixiao.resources import builtin_templates

BUILTIN = builtin_templates() / "html"

DEPARTMENT = """\
年度: 2025
部门名称: 测试局
金额单位: 万元
版式: {{首页: {front}, 部分标题: {part}}}
单位:
  - {{单位编码: "100001", 单位名称: 测试局本级}}
默认:
  预设: 运转类
  指标值确定依据: 工作计划
  资金支出计划: [20%, 50%, 80%, 100%]
{part_one}部分:
  - 标题: 专项资金绩效目标
    项目: [01-法律顾问费, 02-印刷费]
  - 标题: 预算项目绩效目标
"""

PART_ONE = """\
第一部分:
  总体绩效目标: 加强基金监管，提升医疗保障服务水平。
  工作保障措施:
    - 强化组织领导。
    - 加强绩效管理。
"""

PROJECTS = {
    "01-法律顾问费": PROJECT,
    "02-印刷费": PROJECT.replace("法律顾问费", "印刷费").replace("法律咨询服务", "文件印刷"),
    "03-办公费": PROJECT.replace("法律顾问费", "办公费").replace("法律咨询服务", "办公用品"),
}

TITLE = "2025年测试局部门绩效目标"
PART_TWO = "第二部分预算项目绩效目标"  # with a 第一部分; the parts are 第二部分 and 第三部分 then


@dataclass
class Rendered:
    doc: Document
    out: Path

    @property
    def docx(self) -> Path:
        return next(self.out.glob("*.docx"))

    @property
    def pdf(self) -> Path:
        return next(self.out.glob("*.pdf"))

    def project_pdf(self, number: int) -> Path:
        return next((self.out / "projects").glob(f"{number:02d}-*.pdf"))


def _norm(text: str) -> str:
    return re.sub(r"\s+", "", text)


def pdf_pages(path: Path | bytes) -> list[str]:
    """Text of each page, whitespace and the page number footer (— 3 —) removed."""
    data = path if isinstance(path, bytes) else path.read_bytes()
    with pdfplumber.open(io.BytesIO(data)) as document:
        return [re.sub(r"—\d+—$", "", _norm(page.extract_text() or "")) for page in document.pages]


def word_pages(path: Path) -> list[str]:
    """The Word body split at its explicit page breaks: each page's paragraph text (tables as ▦)."""
    body = document_root(path).find(f"{W}body")
    assert body is not None
    pages = [""]
    for el in body:
        if el.tag == f"{W}p":
            if el.find(f"{W}pPr/{W}pageBreakBefore") is not None:
                pages.append("")
            pages[-1] += _norm(paragraph_text(el))
        elif el.tag == f"{W}tbl" and not pages[-1].endswith("▦"):
            pages[-1] += "▦"
    return pages


def _office() -> str:
    office = shutil.which("soffice") or shutil.which("libreoffice")
    assert office, "LibreOffice 未安装：sudo apt-get install libreoffice-writer-nogui（./run setup 会自动安装）"
    return office


def libreoffice_pdf(files: list[Path], out: Path) -> dict[Path, Path]:
    """Each .docx converted to PDF by LibreOffice (one run for all): docx → pdf path."""
    profile = out / "profile"
    result = subprocess.run(
        [_office(), f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", "pdf",
         "--outdir", str(out), *map(str, files)],
        capture_output=True, text=True, timeout=600, check=False,
    )
    assert result.returncode == 0, result.stderr
    return {f: out / f"{f.stem}.pdf" for f in files}


#: (首页, 部分标题, with a 第一部分) of each spec rendered below.
VARIANTS = {
    "目录-单独成页": ("目录", "单独成页", True),
    "标题-表前": ("标题", "表前", True),
    "无-表前": ("无", "表前", True),
    "无-单独成页-没有第一部分": ("无", "单独成页", False),
    "无-表前-没有第一部分": ("无", "表前", False),
}


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Rendered]:
    """Every variant rendered to Word and PDF once: name → files."""
    out: dict[str, Rendered] = {}
    for name, (front, part, with_part_one) in VARIANTS.items():
        root = tmp_path_factory.mktemp("pages") / name
        spec = _spec(root / "spec", front, part, with_part_one)
        doc = expand_department(load_department(spec))
        render_department(doc, spec, RenderOptions(out_dir=root / "out"))
        out[name] = Rendered(doc, root / "out")
    return out


def _spec(root: Path, front: str, part: str, with_part_one: bool) -> Path:
    files = {"部门.yaml": DEPARTMENT.format(front=front, part=part, part_one=PART_ONE if with_part_one else "")}
    files.update({f"projects/{name}.yaml": text for name, text in PROJECTS.items()})
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def office(rendered: dict[str, Rendered], tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The combined Word file of every variant as LibreOffice prints it (one run): name → PDF."""
    folder = tmp_path_factory.mktemp("office")
    files = {}
    for name, r in rendered.items():
        copy = folder / f"{name}.docx"
        shutil.copyfile(r.docx, copy)
        files[name] = copy
    converted = libreoffice_pdf(list(files.values()), folder)
    return {name: converted[path] for name, path in files.items()}


@pytest.fixture(scope="module")
def office_pdfs(office: dict[str, Path]) -> dict[str, list[str]]:
    """Page texts of :func:`office`."""
    return {name: pdf_pages(path) for name, path in office.items()}


# 首页 ------------------------------------------------------------------------


def test_front_toc_title_and_toc_on_their_own_page(rendered: dict[str, Rendered], office_pdfs: dict[str, list[str]]) -> None:
    r = rendered["目录-单独成页"]
    for pages in (pdf_pages(r.pdf), office_pdfs["目录-单独成页"]):
        assert pages[0].startswith(TITLE + "目录第一部分部门整体绩效目标")  # the 目录's first entry
        assert "总体绩效目标" in pages[0] and "加强基金监管" not in pages[0]
        assert pages[1].startswith("第一部分部门整体绩效目标一、总体绩效目标加强基金监管")
    words = word_pages(r.docx)
    assert words[0].startswith(TITLE + "目录第一部分")
    assert words[1].startswith("第一部分部门整体绩效目标")


def test_front_title_then_the_text_on_the_same_page(rendered: dict[str, Rendered], office_pdfs: dict[str, list[str]]) -> None:
    r = rendered["标题-表前"]
    expected = TITLE + "第一部分部门整体绩效目标一、总体绩效目标加强基金监管"
    for pages in (pdf_pages(r.pdf), office_pdfs["标题-表前"], word_pages(r.docx)):
        assert pages[0].startswith(expected)
        assert "目录" not in pages[0]
    assert TOC_FIELD.strip() not in _document_xml(r.docx)


@pytest.mark.parametrize(
    ("name", "first"),
    [("无-表前", "第一部分部门整体绩效目标一、总体绩效目标"), ("无-表前-没有第一部分", "第一部分专项资金绩效目标1.法律顾问费绩效目标表")],
)
def test_front_none_starts_with_the_first_part(
    rendered: dict[str, Rendered], office_pdfs: dict[str, list[str]], name: str, first: str
) -> None:
    r = rendered[name]
    for pages in (pdf_pages(r.pdf), office_pdfs[name], word_pages(r.docx)):
        assert pages[0].startswith(first)
        assert TITLE not in pages[0]
    assert TOC_FIELD.strip() not in _document_xml(r.docx)
    # The first paragraph has no page break before it (no empty first page anywhere).
    body = document_root(r.docx).find(f"{W}body")
    assert body is not None and body[0].find(f"{W}pPr/{W}pageBreakBefore") is None


# 部分标题 ----------------------------------------------------------------------


def _pages_of_parts(pages: list[str]) -> list[str]:
    return [p for p in pages if re.match(r"第[二三]部分", p)]


def test_part_heading_alone_on_its_page(rendered: dict[str, Rendered], office_pdfs: dict[str, list[str]]) -> None:
    r = rendered["目录-单独成页"]
    tables = [t.heading for t in r.doc.tables()]
    for pages in (pdf_pages(r.pdf), office_pdfs["目录-单独成页"], word_pages(r.docx)):
        assert _pages_of_parts(pages) == ["第二部分专项资金绩效目标", "第三部分预算项目绩效目标"]
        at = pages.index("第三部分预算项目绩效目标")
        assert pages[at + 1].startswith(_norm(tables[2]))
        assert pages[at - 1].startswith(_norm(tables[1]))
        assert len(pages) == 7  # 目录, 第一部分, then each part heading and each table on a page of its own


def test_part_heading_alone_on_the_first_page(rendered: dict[str, Rendered], office_pdfs: dict[str, list[str]]) -> None:
    name = "无-单独成页-没有第一部分"
    r = rendered[name]
    first = _norm(r.doc.tables()[0].heading)
    for pages in (pdf_pages(r.pdf), office_pdfs[name], word_pages(r.docx)):
        assert pages[0] == "第一部分专项资金绩效目标"
        assert pages[1].startswith(first)
        assert len(pages) == 5


def test_part_heading_above_the_first_table(rendered: dict[str, Rendered], office_pdfs: dict[str, list[str]]) -> None:
    r = rendered["无-表前"]
    one, two, three = (_norm(t.heading) for t in r.doc.tables())
    for pages in (pdf_pages(r.pdf), office_pdfs["无-表前"], word_pages(r.docx)):
        second_part, third_part = _pages_of_parts(pages)
        assert second_part.startswith("第二部分专项资金绩效目标" + one)
        assert third_part.startswith("第三部分预算项目绩效目标" + three)
        # Each further table still starts a page of its own.
        assert sum(p.startswith(two) for p in pages) == 1
        assert len(pages) == 4  # 第一部分, then one page per table


def test_part_headings_stay_in_the_outline_and_the_toc(rendered: dict[str, Rendered]) -> None:
    for name in ("目录-单独成页", "无-表前"):
        r = rendered[name]
        outline: Any = pypdf.PdfReader(r.pdf).outline
        titles = [item.title for item in outline if not isinstance(item, list)]
        assert titles == ["第一部分 部门整体绩效目标", "第二部分 专项资金绩效目标", "第三部分 预算项目绩效目标"]
    # The PDF 目录 lists the parts with their pages.
    pages = pdf_pages(rendered["目录-单独成页"].pdf)
    assert re.search(r"第三部分预算项目绩效目标\.+6", pages[0])


# Per-project PDF ---------------------------------------------------------------


def _title_top(path: Path, title: str) -> float:
    with pdfplumber.open(io.BytesIO(path.read_bytes())) as document:
        page = document.pages[0]
        words = page.extract_words()
        first = next(w for w in words if title.startswith(w["text"][:3]))
        return float(first["top"])


def test_project_pdf_under_a_part_heading_shows_the_table_alone(rendered: dict[str, Rendered]) -> None:
    r = rendered["无-表前"]
    first, second, third = r.doc.tables()
    for table in (first, third):  # each the first table of its part
        path = r.project_pdf(table.number)
        (text,) = pdf_pages(path)
        assert text.startswith(_norm(table.heading)), text[:40]
        assert not re.search("第[一二三]部分|专项资金绩效目标|预算项目绩效目标", text)  # no part heading
        reader = pypdf.PdfReader(path)
        outline: Any = reader.outline
        assert [item.title for item in outline] == [table.heading]
    # Moved to the top of the page: where a table without a heading above it starts.
    top = _title_top(r.project_pdf(second.number), second.heading)
    assert _title_top(r.project_pdf(first.number), first.heading) == pytest.approx(top, abs=0.5)
    # The cells read back as in the combined file.
    with pdfplumber.open(r.project_pdf(first.number)) as alone, pdfplumber.open(r.pdf) as whole:
        page = next(p for p in whole.pages if _norm(first.heading) in _norm(p.extract_text() or ""))
        assert alone.pages[0].extract_tables() == page.extract_tables()


def test_cutting_a_project_pdf_leaves_the_combined_layout_alone(rendered: dict[str, Rendered]) -> None:
    r = rendered["无-表前-没有第一部分"]
    layout = _layout(r.doc)
    whole = layout.write()
    alone = layout.write_table(1)
    assert layout.write() == whole  # the shared page boxes were copied, not moved
    assert layout.write_table(1) == alone
    (text,) = pdf_pages(alone)
    assert text.startswith("1.法律顾问费绩效目标表") and "第一部分" not in text
    assert pdf_pages(r.pdf)[0].startswith("第一部分专项资金绩效目标1.法律顾问费绩效目标表")


def _layout(doc: Document) -> pdf.PdfLayout:
    return pdf.layout_pdf(render_html(doc, [BUILTIN]), [BUILTIN], issued=doc.issued, title=doc.title)


def test_a_long_table_below_its_part_heading_keeps_the_heading(rendered: dict[str, Rendered]) -> None:
    # Merged cells cut at a page break are laid out again; a table sharing its
    # first page with its part's heading is laid out with the whole document.
    doc = rendered["无-表前-没有第一部分"].doc
    table = doc.tables()[0]
    base = table.rows[0]
    rows = [
        base.model_copy(update={
            "level1": "产出指标", "level2": f"数量指标{i // 10 + 1}", "level3": f"三级指标第{i + 1}项",
            "description": f"描述第{i + 1}项", "value": f"≥{i + 1}个",
            "level1_span": 40 if i == 0 else 0, "level2_span": 10 if i % 10 == 0 else 0,
        })
        for i in range(40)
    ]
    part = doc.parts[0].model_copy(update={"tables": [table.model_copy(update={"rows": rows})]})
    long_doc = doc.model_copy(update={"parts": [part]})
    layout = _layout(long_doc)
    start, end = layout.table_pages()[1]
    assert (start, end - start >= 2) == (0, True)
    with pdfplumber.open(io.BytesIO(layout.write())) as document:
        first = _norm(document.pages[0].extract_text() or "")
        second = _norm(document.pages[1].extract_text() or "")
    assert first.startswith("第一部分专项资金绩效目标1.法律顾问费绩效目标表")
    assert "产出指标" in second  # the cut merged cell is labelled again on the next page


# The Word 目录 ----------------------------------------------------------------


def _document_xml(path: Path) -> str:
    with zipfile.ZipFile(path) as zf:
        return zf.read("word/document.xml").decode("utf-8")


def _toc_paragraphs(path: Path) -> list[Any]:
    """The paragraphs of the TOC field (begin to end)."""
    body = document_root(path).find(f"{W}body")
    assert body is not None
    out: list[Any] = []
    inside = False
    for p in body.iter(f"{W}p"):
        kinds = [c.get(f"{W}fldCharType") for c in p.iter(f"{W}fldChar")]
        codes = "".join(t.text or "" for t in p.iter(f"{W}instrText"))
        if "begin" in kinds and "TOC" in codes:
            inside = True
        if inside:
            out.append(p)
            if "end" in kinds:
                break
    return out


def test_word_toc_is_a_field_prefilled_with_the_pdf_page_numbers(rendered: dict[str, Rendered]) -> None:
    r = rendered["目录-单独成页"]
    paragraphs = _toc_paragraphs(r.docx)
    begin = paragraphs[0].find(f".//{W}fldChar")
    assert begin is not None and begin.get(f"{W}dirty") == "true"  # Word recomputes it on opening
    assert "".join(t.text or "" for t in paragraphs[0].iter(f"{W}instrText")) == ' TOC \\o "1-2" \\h \\z \\u '
    with zipfile.ZipFile(r.docx) as zf:
        assert '<w:updateFields w:val="true"/>' in zf.read("word/settings.xml").decode()
        styles = zf.read("word/styles.xml").decode()
    for style in ("TOC1", "TOC2"):
        definition = styles[styles.index(f'w:styleId="{style}"'):]
        definition = definition[: definition.index("</w:style>")]
        assert '<w:tab w:val="right" w:leader="dot" w:pos="8844"/>' in definition
    # Each entry: its style by level, its text, a tab (right tab stop, dot leader) and its page.
    styles_used = [p.find(f"{W}pPr/{W}pStyle").get(f"{W}val") for p in paragraphs]
    # (An entry's lines are joined: long ones carry line breaks, see test_toc.py.)
    titles, pages = zip(*(paragraph_text(p).replace("\n", "").split("\t") for p in paragraphs), strict=True)
    expected = r.doc.page_plan.toc
    assert styles_used == [f"TOC{e.level}" for e in expected]
    assert list(titles) == [e.text for e in expected]
    assert titles[:4] == ("第一部分\u3000部门整体绩效目标", "一、总体绩效目标", "二、工作保障措施", "第二部分\u3000专项资金绩效目标")
    # The page numbers are those of the PDF, whose own 目录 shows them too.
    laid = _layout(r.doc).anchor_pages()
    assert [int(n) for n in pages] == [laid[e.anchor] for e in expected] == [2, 2, 2, 3, 4, 5, 6, 7]
    pdf_toc = pdf_pages(r.pdf)[0]
    for title, page in zip(titles, pages, strict=True):
        assert re.search(re.escape(_norm(title)) + r"\.+" + page, pdf_toc), title


def test_libreoffice_shows_every_table_in_the_toc_with_its_page(
    rendered: dict[str, Rendered], office: dict[str, Path]
) -> None:
    """The combined docx converted by LibreOffice: its 目录 lists each table title with the page it is on.

    Exact equality, not ±1: every table starts a new page and takes one page
    here, so LibreOffice's pages are the PDF's pages, from which the numbers come.
    """
    r = rendered["目录-单独成页"]
    with pdfplumber.open(office["目录-单独成页"]) as document:
        texts = [page.extract_text() or "" for page in document.pages]
    lines = [_norm(line) for line in texts[0].splitlines()]
    listed: dict[str, int] = {}
    for line in lines:
        found = re.fullmatch(r"(.+?)[.…·]{3,}(\d+)", line)
        if found:
            listed[found.group(1)] = int(found.group(2))
    tables = r.doc.tables()
    assert set(listed) >= {_norm(t.heading) for t in tables}, lines
    for table in tables:
        title = _norm(table.heading)
        actual = [i + 1 for i, text in enumerate(texts) if i > 0 and _norm(text).startswith(title)]
        assert actual == [listed[title]], f"{title}: 目录 {listed[title]}，实际在第 {actual} 页"
    for part in ("第一部分部门整体绩效目标", "第三部分预算项目绩效目标"):
        actual = [i + 1 for i, text in enumerate(texts) if i > 0 and _norm(text).startswith(part)]
        assert actual == [listed[part]]


def test_word_alone_is_the_word_file_of_a_render_with_pdf(rendered: dict[str, Rendered], tmp_path: Path) -> None:
    # A Word-only render lays the document out too (without writing the PDF): its 目录 has the
    # page numbers and its tables the page breaks of the PDF, byte for byte the same file.
    doc = rendered["目录-单独成页"].doc
    spec = _spec(tmp_path / "spec", "目录", "单独成页", True)
    render_department(doc, spec, RenderOptions(out_dir=tmp_path / "out", formats=frozenset({"docx"})))
    (path,) = (tmp_path / "out").glob("*.docx")
    texts = [paragraph_text(p).replace("\n", "") for p in _toc_paragraphs(path)]
    assert [t.split("\t")[0] for t in texts] == [e.text for e in doc.page_plan.toc]
    assert all(t.split("\t")[-1].isdigit() for t in texts)
    assert path.read_bytes() == rendered["目录-单独成页"].docx.read_bytes()
    assert not list((tmp_path / "out").rglob("*.pdf"))


def test_template_variables_for_the_page_settings(rendered: dict[str, Rendered]) -> None:
    doc = rendered["无-表前"].doc
    marks = {t.number: Markup("") for t in doc.tables()}
    context = document_context(doc, marks, toc_markup(doc.page_plan.toc, {"table-1": 2}))
    assert context["版式"] == {"首页": "无", "部分标题": "表前", "目录页码": "连续", "页码位置": "居中"}
    assert '<w:pStyle w:val="TOC2"/>' in context["目录"] and "<w:tab/></w:r><w:r><w:t>2</w:t>" in context["目录"]
    plain = doc.model_copy(update={"pages": Pages()})
    assert document_context(plain, marks, Markup(""))["版式"] == {"首页": "目录", "部分标题": "单独成页", "目录页码": "连续",
                                                                   "页码位置": "居中"}


def test_toc_text_is_escaped(rendered: dict[str, Rendered]) -> None:
    doc = rendered["目录-单独成页"].doc
    part = doc.parts[0].model_copy(update={"title": 'A&B <x> "引号"'})
    odd = doc.model_copy(update={"parts": [part, *doc.parts[1:]]})
    markup = toc_markup(odd.page_plan.toc, None)
    assert "A&amp;B &lt;x&gt;" in markup and "<x>" not in markup

