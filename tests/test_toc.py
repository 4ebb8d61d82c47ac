"""The 目录 (issue 19 item 8): entries broken between words only, the page number after a dot leader on the
entry's last line, never alone and never run into the title, in the PDF and in LibreOffice's PDF of the docx;
Word entries are links to bookmarks on the headings, with their page numbers, before any field update."""

from __future__ import annotations

import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pdfplumber
import pytest

from conftest import PROJECT
from jixiao import expand_department, load_department
from jixiao.chars import unjoined
from jixiao.render.build import RenderOptions, render_department
from jixiao.render.layout.textwidth import text_em
from jixiao.render.layout.toclines import NUMBER_ROOM_EM, line_em, toc_lines

LONG = {
    # (project name, how the title must not be broken)
    "01-长": ("城乡居民基本医疗保险财政补助资金-市级资金-津财社指【2025】142号", "津财社指【2025】142号"),
    "02-批": ("唐山市医疗保障局2025年医疗保障信息化建设运维项目（第二批）", "（第二批）"),
    "03-满": ("城乡居民基本医疗保险财政补助资金中央资金补助项目资金", "绩效目标表"),
}

DEPARTMENT = """\
年度: 2025
部门名称: 测试局
金额单位: 万元
单位:
  - {单位编码: "100001", 单位名称: 测试局本级}
默认:
  预设: 运转类
  指标值确定依据: 工作计划
  资金支出计划: [20%, 50%, 80%, 100%]
部分:
  - 标题: 预算项目绩效目标
"""


@pytest.mark.parametrize(
    ("text", "kept"),
    [
        ("3.城乡居民基本医疗保险财政补助资金-市级资金-津财社指【2025】142号绩效目标表", "津财社指【2025】142号"),
        ("28.唐山市医疗保障局2025年医疗保障信息化建设运维项目（第二批）绩效目标表", "（第二批）"),
        ("12.城乡居民基本医疗保险财政补助资金中央资金补助项目资金绩效目标表", "绩效目标表"),
        ("7.2025年城乡居民基本医疗保险财政补助资金（市级）项目经费绩效目标表", "2025年"),
    ],
)
def test_lines_break_between_words_and_leave_room_for_the_number(text: str, kept: str) -> None:
    for level in (1, 2):
        lines = toc_lines(text, level)
        assert "".join(lines) == text
        assert any(kept in line for line in lines), lines
        assert all(text_em(line) <= line_em(level) for line in lines)
        assert text_em(lines[-1]) <= line_em(level) - NUMBER_ROOM_EM
        assert len(lines[-1]) >= 2  # never one character alone


def test_short_entries_stay_on_one_line() -> None:
    assert toc_lines("第二部分\u3000预算项目绩效目标", 1) == ["第二部分\u3000预算项目绩效目标"]
    assert toc_lines("1.法律顾问费绩效目标表", 2) == ["1.法律顾问费绩效目标表"]


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("toc")
    spec = root / "spec"
    (spec / "projects").mkdir(parents=True)
    (spec / "部门.yaml").write_text(DEPARTMENT, encoding="utf-8")
    for stem, (name, _) in LONG.items():
        (spec / "projects" / f"{stem}.yaml").write_text(PROJECT.replace("法律顾问费", name), encoding="utf-8")
    doc = expand_department(load_department(spec))
    render_department(doc, spec, RenderOptions(out_dir=root / "out", formats=frozenset({"docx", "pdf"})))
    return root / "out"


def _toc_lines(pdf: Path) -> list[str]:
    with pdfplumber.open(pdf) as document:
        text = document.pages[0].extract_text(use_text_flow=True) or ""
    return [re.sub(r"[\s\u3000]+", "", line) for line in text.splitlines()]


def test_pdf_and_word_toc_lines(rendered: Path, tmp_path: Path) -> None:
    (docx,) = rendered.glob("*.docx")
    (pdf,) = rendered.glob("*.pdf")
    office = shutil.which("soffice") or shutil.which("libreoffice")
    assert office, "LibreOffice 未安装：sudo apt-get install libreoffice-writer-nogui"
    subprocess.run([office, f"-env:UserInstallation=file://{tmp_path / 'profile'}", "--headless", "--convert-to",
                    "pdf", "--outdir", str(tmp_path), str(docx)], capture_output=True, timeout=600, check=True)
    for path in (pdf, tmp_path / f"{docx.stem}.pdf"):
        lines = [line for line in _toc_lines(path) if line and line not in ("目录",) and "部门绩效目标" not in line]
        numbered = [line for line in lines if re.search(r"[.…·]{2,}\d+$", line)]
        # Each entry: its title lines, the last one with its leader and number; no line of dots alone.
        assert len(numbered) == 4, lines
        for line in lines:
            assert not re.fullmatch(r"[.…·]*\d*", line), f"{path.name}: {lines}"
            assert not re.search(r"表\d+$", line), f"{path.name}: {lines}"  # no number run into the title
        for _, kept in LONG.values():  # never broken across lines
            assert any(kept in line for line in lines), f"{path.name}: {kept} {lines}"
        assert "".join(lines).count("绩效目标表") == 3


def test_word_toc_entries_are_links_to_bookmarks(rendered: Path) -> None:
    (docx,) = rendered.glob("*.docx")
    with zipfile.ZipFile(docx) as zf:
        xml = zf.read("word/document.xml").decode("utf-8")
    links = re.findall(r'<w:hyperlink w:anchor="([^"]+)" w:history="1">(.*?)</w:hyperlink>', xml)
    assert [anchor for anchor, _ in links] == ["_Toc_part_1", "_Toc_table_1", "_Toc_table_2", "_Toc_table_3"]
    marks = dict(re.findall(r'<w:bookmarkStart w:id="(\d+)" w:name="([^"]+)"/>', xml))
    assert sorted(marks.values()) == sorted(anchor for anchor, _ in links)
    assert len(set(marks)) == len(marks)  # ids unique
    for anchor, inner in links:
        assert re.search(r"<w:tab/></w:r><w:r><w:t>\d+</w:t></w:r>$", inner), anchor  # its cached page number
    # Each heading carries its bookmark: the table title's text follows it.
    start = xml.index('w:name="_Toc_table_2"')
    paragraph = xml[start:xml.index("</w:p>", start)]
    text = unjoined("".join(re.findall(r"<w:t(?: [^>]*)?>([^<]*)</w:t>", paragraph)))
    assert text.startswith("2.唐山市医疗保障局2025年医疗保障信息化建设运维项目（第二批）绩效目标表")
