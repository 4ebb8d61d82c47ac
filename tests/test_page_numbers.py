"""Page settings of issue 19: 部分标题 无, 目录页码 (the 目录 numbered apart), 页码位置 (centred or outer edge),
and the tagged PDF that asks viewers to show its title.

Small specs and the 东丽 example are rendered to Word and PDF; the PDF is read
back with pdfplumber/pypdf, the Word file through its XML and, as a reader
meets it, converted to PDF by LibreOffice. Page numbers are read from the
foot of each page: their text and which side of the page they stand on.
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

from conftest import PROJECT
from jixiao import expand_department, load_department
from jixiao.render.build import RenderOptions, render_department
from test_pages import Rendered

ROOT = Path(__file__).resolve().parents[1]

DEPARTMENT = """\
年度: 2025
部门名称: 测试局
金额单位: 万元
版式: {layout}
单位:
  - {{单位编码: "100001", 单位名称: 测试局本级}}
默认:
  预设: 运转类
  指标值确定依据: 工作计划
  资金支出计划: [20%, 50%, 80%, 100%]
{parts}"""

PARTS = """\
部分:
  - 标题: 专项资金绩效目标
    项目: [01-法律顾问费]
  - 标题: 预算项目绩效目标
"""

PROJECTS = {
    "01-法律顾问费": PROJECT,
    "02-印刷费": PROJECT.replace("法律顾问费", "印刷费").replace("法律咨询服务", "文件印刷"),
    "03-办公费": PROJECT.replace("法律顾问费", "办公费").replace("法律咨询服务", "办公用品"),
}

#: name → (版式, with 部分 written).
VARIANTS = {
    "部分标题无": ("{首页: 目录, 部分标题: 无}", True),
    "没有部分": ("{首页: 目录}", False),
    "目录不编页码": ("{首页: 目录, 目录页码: 无}", True),
    "目录单独编号-外侧": ("{首页: 目录, 目录页码: 单独, 页码位置: 外侧}", True),
    "外侧": ("{首页: 标题, 页码位置: 外侧}", True),
}


def _norm(text: str) -> str:
    return re.sub(r"\s+", "", text)


@dataclass
class Page:
    text: str
    #: The page number as printed at the foot ("" for none) and where: left, centre or right.
    number: str
    side: str


def read_pages(path: Path) -> list[Page]:
    """Each page's text (whitespace removed, the foot's number taken off) and its page number and side."""
    out = []
    with pdfplumber.open(io.BytesIO(path.read_bytes())) as document:
        for page in document.pages:
            foot = [w for w in page.extract_words() if w["top"] > page.height - 110]
            number = "".join(w["text"] for w in foot)
            text = _norm(page.extract_text() or "")
            if number:
                text = text.removesuffix(_norm(number))
            side = ""
            if foot:
                middle = (min(w["x0"] for w in foot) + max(w["x1"] for w in foot)) / 2
                side = "left" if middle < page.width * 0.4 else "right" if middle > page.width * 0.6 else "centre"
            out.append(Page(text, _norm(number), side))
    return out


def libreoffice_pdf(files: list[Path], out: Path) -> dict[Path, Path]:
    office = shutil.which("soffice") or shutil.which("libreoffice")
    assert office, "LibreOffice 未安装：sudo apt-get install libreoffice-writer-nogui（./run setup 会自动安装）"
    result = subprocess.run(
        [office, f"-env:UserInstallation=file://{out / 'profile'}", "--headless", "--convert-to", "pdf",
         "--outdir", str(out), *map(str, files)],
        capture_output=True, text=True, timeout=600, check=False,
    )
    assert result.returncode == 0, result.stderr
    return {f: out / f"{f.stem}.pdf" for f in files}


def _write(root: Path, files: dict[str, str]) -> Path:
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Rendered]:
    out: dict[str, Rendered] = {}
    for name, (layout, with_parts) in VARIANTS.items():
        root = tmp_path_factory.mktemp("numbers") / name
        files = {"部门.yaml": DEPARTMENT.format(layout=layout, parts=PARTS if with_parts else "")}
        files.update({f"projects/{n}.yaml": text for n, text in PROJECTS.items()})
        spec = _write(root / "spec", files)
        doc = expand_department(load_department(spec))
        render_department(doc, spec, RenderOptions(out_dir=root / "out", formats=frozenset({"docx", "pdf"})))
        out[name] = Rendered(doc, root / "out")
    # The 东丽 example as its original: no title page, no 目录, no part heading; and with a 目录
    # numbered apart and page numbers on the outer edge (its long tables are cut and laid out again).
    for name, layout in (("东丽", "{基于: 天津, 首页: 无, 部分标题: 无}"),
                         ("东丽-目录无-外侧", "{基于: 天津, 目录页码: 无, 页码位置: 外侧}")):
        spec = tmp_path_factory.mktemp("dongli") / "spec"
        shutil.copytree(ROOT / "specs" / "dongli-2025", spec)
        yaml = (spec / "部门.yaml").read_text(encoding="utf-8")
        assert "\n版式: 天津\n" in yaml
        (spec / "部门.yaml").write_text(yaml.replace("\n版式: 天津\n", f"\n版式: {layout}\n"), encoding="utf-8")
        doc = expand_department(load_department(spec))
        render_department(doc, spec, RenderOptions(out_dir=spec.parent / "out", formats=frozenset({"docx", "pdf"})))
        out[name] = Rendered(doc, spec.parent / "out")
    return out


@pytest.fixture(scope="module")
def office(rendered: dict[str, Rendered], tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[Page]]:
    """Every combined Word file as LibreOffice prints it (one run), read back: name → pages."""
    folder = tmp_path_factory.mktemp("office")
    files = {}
    for name, r in rendered.items():
        files[name] = folder / f"{name}.docx"
        shutil.copyfile(r.docx, files[name])
    converted = libreoffice_pdf(list(files.values()), folder)
    return {name: read_pages(converted[path]) for name, path in files.items()}


def _xml(path: Path, part: str) -> str:
    with zipfile.ZipFile(path) as zf:
        return zf.read(part).decode("utf-8")


# 部分标题 --------------------------------------------------------------------


@pytest.mark.parametrize("name", ["部分标题无", "没有部分"])
def test_no_part_heading_is_printed_or_listed(rendered: dict[str, Rendered], office: dict[str, list[Page]],
                                              name: str) -> None:
    r = rendered[name]
    assert r.doc.pages.part_heading == "无"
    assert [e.kind for e in r.doc.page_plan.toc] == ["table"] * 3
    tables = [_norm(t.heading) for t in r.doc.tables()]
    for pages in (read_pages(r.pdf), office[name]):
        assert not any("部分" in p.text for p in pages), [p.text[:20] for p in pages]
        assert len(pages) == 4  # the 目录, then one page per table
        assert [p.text[: len(t)] for p, t in zip(pages[1:], tables, strict=True)] == tables
    assert "第一部分" not in _xml(r.docx, "word/document.xml")
    outline: Any = pypdf.PdfReader(r.pdf).outline
    assert [item.title for item in outline] == [t.heading for t in r.doc.tables()]


def test_dongli_renders_like_its_original(rendered: dict[str, Rendered], office: dict[str, list[Page]]) -> None:
    r = rendered["东丽"]
    first = _norm(r.doc.tables()[0].heading)
    for pages in (read_pages(r.pdf), office["东丽"]):
        assert pages[0].text.startswith(first), pages[0].text[:40]
        assert pages[0].number == "—1—"
        assert not any(re.search("第[一二]部分|目　?录", p.text[:60]) for p in pages)


# 目录页码 --------------------------------------------------------------------


def test_long_tables_keep_the_text_numbering(rendered: dict[str, Rendered], office: dict[str, list[Page]]) -> None:
    """Tables laid out again after cutting merged cells keep their numbers when the 目录 is not counted."""
    r = rendered["东丽-目录无-外侧"]
    for pages in (read_pages(r.pdf), office["东丽-目录无-外侧"]):
        body = [p for p in pages if p.text][1:]
        assert len(body) > len(r.doc.tables())  # some tables take two pages
        assert [p.number for p in body] == [f"—{i}—" for i in range(1, len(body) + 1)]
        assert [p.side for p in body] == ["right" if i % 2 else "left" for i in range(1, len(body) + 1)]
    # The 目录 gives each table the page it is on.
    pages = read_pages(r.pdf)
    toc = [_norm(line) for line in pypdf.PdfReader(r.pdf).pages[0].extract_text().splitlines()]
    for table in r.doc.tables():
        on = next(p.number.strip("—") for p in pages if p.text.startswith(_norm(table.heading)))
        tail = _norm(table.heading)[-8:]
        assert any(re.fullmatch(".*" + re.escape(tail) + r"\.+" + on, line) for line in toc), (table.heading, on, toc)


def test_toc_pages_not_numbered_text_starts_at_one(rendered: dict[str, Rendered], office: dict[str, list[Page]]) -> None:
    r = rendered["目录不编页码"]
    for pages in (read_pages(r.pdf), office["目录不编页码"]):
        assert pages[0].text.startswith("2025年测试局部门绩效目标目录") and pages[0].number == ""
        assert [p.number for p in pages[1:]] == [f"—{i}—" for i in range(1, len(pages))]
        assert {p.side for p in pages[1:]} == {"centre"}
    # The 目录 shows the text's numbers: 第一部分 on page 1 (both 目录s carry them).
    toc = _norm(pypdf.PdfReader(r.pdf).pages[0].extract_text())
    assert re.search(r"第一部分　?专项资金绩效目标\.+11\.法律顾问费绩效目标表\.+2第二部分", toc), toc
    assert re.search(r"第一部分专项资金绩效目标[.…·]+11\.法律顾问费绩效目标表[.…·]+2第二部分", office["目录不编页码"][0].text)
    xml = _xml(r.docx, "word/document.xml")
    assert xml.count("<w:sectPr>") == 2  # the 目录's section, then the text's (numbered from 1)
    front = xml[xml.index("<w:sectPr>"):xml.index("</w:sectPr>")]
    assert "footerReference" not in front


def test_toc_in_its_own_numbering_on_the_outer_edge(rendered: dict[str, Rendered], office: dict[str, list[Page]]) -> None:
    r = rendered["目录单独编号-外侧"]
    for pages in (read_pages(r.pdf), office["目录单独编号-外侧"]):
        printed = [p for p in pages if p.text]  # LibreOffice leaves out the blank page after the 目录
        assert (printed[0].number, printed[0].side) in {("—I—", "right"), ("—Ⅰ—", "right")}
        body = printed[1:]
        assert [p.number for p in body] == [f"—{i}—" for i in range(1, len(body) + 1)]
        assert [p.side for p in body] == ["right" if i % 2 else "left" for i in range(1, len(body) + 1)]
    pdf_pages = read_pages(r.pdf)
    assert pdf_pages[1] == Page("", "", "")  # the text starts on a right-hand page: a blank page, not counted
    xml = _xml(r.docx, "word/document.xml")
    assert '<w:pgNumType w:fmt="upperRoman" w:start="1"/>' in xml and '<w:type w:val="oddPage"/>' in xml
    assert "<w:evenAndOddHeaders/>" in _xml(r.docx, "word/settings.xml")
    assert '<w:jc w:val="right"/>' in _xml(r.docx, "word/footer1.xml")
    assert '<w:jc w:val="left"/>' in _xml(r.docx, "word/footer2.xml")


def test_outer_edge_without_toc(rendered: dict[str, Rendered], office: dict[str, list[Page]]) -> None:
    r = rendered["外侧"]
    for pages in (read_pages(r.pdf), office["外侧"]):
        assert [p.number for p in pages] == [f"—{i}—" for i in range(1, len(pages) + 1)]
        assert [p.side for p in pages] == ["right" if i % 2 else "left" for i in range(1, len(pages) + 1)]
    # A project's own files number from — 1 — at the right too.
    for path in (r.out / "projects").glob("*.pdf"):
        assert [(p.number, p.side) for p in read_pages(path)] == [("—1—", "right")]


def test_centred_numbers_by_default(rendered: dict[str, Rendered]) -> None:
    r = rendered["部分标题无"]
    pages = read_pages(r.pdf)
    assert [(p.number, p.side) for p in pages] == [(f"—{i}—", "centre") for i in range(1, 5)]
    assert "evenAndOddHeaders" not in _xml(r.docx, "word/settings.xml")
    assert '<w:jc w:val="center"/>' in _xml(r.docx, "word/styles.xml")


# Tagged PDF ------------------------------------------------------------------


def test_pdf_is_tagged_and_shows_its_title(rendered: dict[str, Rendered]) -> None:
    r = rendered["目录不编页码"]
    paths = [r.pdf, *(r.out / "projects").glob("*.pdf")]
    for path in paths:
        reader = pypdf.PdfReader(path)
        root: Any = reader.trailer["/Root"]
        assert "/StructTreeRoot" in root, path.name
        assert bool(root["/MarkInfo"]["/Marked"])
        assert bool(root["/ViewerPreferences"]["/DisplayDocTitle"])
        assert root["/Lang"] == "zh-CN"
        assert reader.metadata is not None and reader.metadata.title
    assert pypdf.PdfReader(r.pdf).metadata.title == r.doc.title  # type: ignore[union-attr]
