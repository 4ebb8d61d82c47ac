"""Fonts per role (README「字体」): the PDF embeds a free 仿宋 and a free 楷体 where the layout asks for them,
and the Word files name the official fonts with fallbacks Word/WPS can look for."""

from __future__ import annotations

import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from fontTools.ttLib import TTFont

from conftest import PROJECT
from jixiao import expand_department, load_department
from jixiao.render.build import RenderOptions, render_department

DEPARTMENT = """\
年度: 2025
部门名称: 测试局
金额单位: 万元
版式: {首页: 标题}
单位:
  - {单位编码: "100001", 单位名称: 测试局本级}
默认:
  预设: 运转类
  指标值确定依据: 工作计划
  资金支出计划: [20%, 50%, 80%, 100%]
第一部分:
  总体绩效目标: 加强基金监管，提升医疗保障服务水平。
  分项绩效目标:
    - 标题: 做好定点医疗机构专项治理工作
      绩效目标: 加强对定点医药机构的检查、巡查力度。
      绩效指标: 对辖区内定点机构现场检查率达到100%。
部分:
  - 标题: 预算项目绩效目标
"""

#: Role → the free font family the PDF must use for it (README「字体」).
FREE = {"仿宋": "FandolFang", "楷体": "AR PL KaitiM GB"}


def _font_file(family: str) -> Path:
    found = subprocess.run(["fc-match", "-f", "%{family}\n%{file}", family], capture_output=True, text=True,
                           check=True, timeout=30).stdout.splitlines()
    assert family in found[0].split(","), f"字体 {family} 未安装：运行 ./run setup（README「字体」）"
    return Path(found[1])


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("fonts")
    spec = root / "spec"
    (spec / "projects").mkdir(parents=True)
    (spec / "部门.yaml").write_text(DEPARTMENT, encoding="utf-8")
    (spec / "projects" / "01-法律顾问费.yaml").write_text(PROJECT, encoding="utf-8")
    doc = expand_department(load_department(spec))
    render_department(doc, spec, RenderOptions(out_dir=root / "out", formats=frozenset({"docx", "pdf"})))
    return root / "out"


def test_free_fonts_cover_gb2312() -> None:
    hanzi = []
    for hi in range(0xB0, 0xF8):
        for lo in range(0xA1, 0xFF):
            try:
                hanzi.append(bytes([hi, lo]).decode("gb2312"))
            except UnicodeDecodeError:
                continue
    assert len(hanzi) == 6763
    for family in FREE.values():
        path = _font_file(family)
        with TTFont(path, fontNumber=0, lazy=True) as font:
            cmap = font.getBestCmap()
        assert [ch for ch in hanzi if ord(ch) not in cmap] == [], family


def test_pdf_uses_the_free_fangsong_and_kaiti(rendered: Path) -> None:
    pdffonts = shutil.which("pdffonts")
    assert pdffonts, "pdffonts 未安装：sudo apt-get install poppler-utils"
    (pdf,) = rendered.glob("*.pdf")
    listing = subprocess.run([pdffonts, str(pdf)], capture_output=True, text=True, check=True, timeout=60).stdout
    names = {line.split()[0].split("+", 1)[-1] for line in listing.splitlines()[2:]}
    for role, family in FREE.items():
        assert family.replace(" ", "-") in names, f"{role}: {sorted(names)}"
    # Each project's own PDF: its table in 仿宋.
    (own,) = (rendered / "projects").glob("*.pdf")
    listing = subprocess.run([pdffonts, str(own)], capture_output=True, text=True, check=True, timeout=60).stdout
    assert "+FandolFang" in listing


def test_word_names_the_official_fonts_with_fallbacks(rendered: Path) -> None:
    (docx,) = rendered.glob("*.docx")
    with zipfile.ZipFile(docx) as zf:
        table = zf.read("word/fontTable.xml").decode("utf-8")
        styles = zf.read("word/styles.xml").decode("utf-8")
    for official in ("仿宋_GB2312", "楷体_GB2312", "黑体", "宋体", "方正小标宋简体"):
        assert f'w:eastAsia="{official}"' in styles
        entry = table[table.index(f'<w:font w:name="{official}">'):]
        entry = entry[: entry.index("</w:font>")]
        assert '<w:charset w:val="86"/>' in entry and "<w:panose1 " in entry, official
        assert "<w:altName " in entry, official
    assert '<w:altName w:val="仿宋,FangSong,STFangsong,FandolFang,Noto Serif CJK SC"/>' in table
    assert "AR PL KaitiM GB" in table
