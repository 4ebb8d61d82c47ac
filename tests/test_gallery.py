"""A gallery of layouts: one small spec per variation (tests/fixtures/gallery/), rendered and read back.

Each spec is rendered to Word and PDF once; the tests read both back — Word
through its XML (the seed dump format of docxtext.py), PDF through pdfplumber
— and check what the variation promises: labels, numbering, the unit line
there or not, the 第一部分 paragraphs, the schedule's printed format.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pdfplumber
import pytest

from docxtext import W, document_root, dump, paragraph_text
from jixiao import expand_department, load_department
from jixiao.chars import unjoined
from jixiao.checks import run_checks
from jixiao.model.document import Document
from jixiao.render.build import RenderOptions, render_department

GALLERY = Path(__file__).parent / "fixtures" / "gallery"
TWIPS_PER_MM = 1440 / 25.4


@dataclass
class Rendered:
    doc: Document
    out: Path

    @property
    def combined_docx(self) -> Path:
        return next(self.out.glob("*.docx"))

    @property
    def combined_pdf(self) -> Path:
        return next(self.out.glob("*.pdf"))

    def project(self, stem: str, suffix: str) -> Path:
        return next((self.out / "projects").glob(f"{stem}*.{suffix}"))

    def words(self) -> list[str]:
        """Paragraphs and cells of the combined Word file, one each, blank ones dropped.

        A cell's line breaks (a long label is printed on two lines) are joined.
        """
        body = document_root(self.combined_docx).find(f"{W}body")
        assert body is not None
        out: list[str] = []
        for element in body:
            if element.tag == f"{W}p":
                out += [line.strip() for line in paragraph_text(element).split("\n")]
            elif element.tag == f"{W}tbl":
                for tc in element.iter(f"{W}tc"):
                    out.append("".join(paragraph_text(p) for p in tc.findall(f"{W}p")).replace("\n", "").strip())
        return [w for w in out if w]

    def pdf_pages(self, path: Path | None = None) -> list[str]:
        """Text of each page of a PDF, whitespace removed."""
        data = (path or self.combined_pdf).read_bytes()
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            return [_norm(page.extract_text() or "") for page in pdf.pages]

    def pdf_cells(self, path: Path) -> list[str]:
        """Every table cell of a PDF, row by row, whitespace removed (merged cells once)."""
        with pdfplumber.open(io.BytesIO(path.read_bytes())) as pdf:
            return [
                _norm(cell) for page in pdf.pages for table in page.extract_tables()
                for row in table for cell in row if cell is not None
            ]


def _norm(text: str) -> str:
    return re.sub(r"\s+", "", text)


_CACHE: dict[str, Rendered] = {}


def rendered(name: str, tmp_path_factory: pytest.TempPathFactory) -> Rendered:
    if name not in _CACHE:
        doc = expand_department(load_department(GALLERY / name))
        out = tmp_path_factory.mktemp("gallery") / name
        render_department(doc, GALLERY / name, RenderOptions(out_dir=out, formats=frozenset({"docx", "pdf"})))
        _CACHE[name] = Rendered(doc, out)
    return _CACHE[name]


def test_every_gallery_spec_is_tested() -> None:
    tested = {
        "两部分不同版式", "支出计划小数", "分部分指标体系", "第一部分编号", "第一部分成段", "首页标题列宽", "2021项目表",
    }
    assert {p.name for p in GALLERY.iterdir() if p.is_dir()} == tested


def test_two_parts_with_their_own_layouts(tmp_path_factory: pytest.TempPathFactory) -> None:
    r = rendered("两部分不同版式", tmp_path_factory)
    titles = ["1、医疗救助资金绩效目标表", "2、能力提升补助资金绩效目标表", "1、办公费绩效目标表", "2、印刷费绩效目标表"]
    assert [t.heading for t in r.doc.tables()] == titles
    words = r.words()
    assert [w for w in words if w.endswith("绩效目标表")] == titles
    assert words.count("301001某县医疗保障局") == 2  # only the 预算项目 part prints the unit line
    assert words.count("专项资金名称") == 2 and words.count("项目名称") == 2
    pdf = "".join(r.pdf_pages())
    for title in titles:
        assert title in pdf
    special = r.pdf_cells(r.project("01", "pdf"))
    ordinary = r.pdf_cells(r.project("03", "pdf"))
    assert "专项资金名称" in special and "项目名称" not in special
    special_text = "".join(r.pdf_pages(r.project("01", "pdf")))
    assert "单位：万元" in special_text and "301001" not in special_text
    assert "项目名称" in ordinary and "301001某县医疗保障局" in "".join(r.pdf_pages(r.project("03", "pdf")))
    assert "301001" not in dump(r.project("02", "docx")) and "301001某县医疗保障局" in dump(r.project("04", "docx"))


def test_no_front_page_and_part_headings_above_the_first_table(tmp_path_factory: pytest.TempPathFactory) -> None:
    r = rendered("两部分不同版式", tmp_path_factory)
    pages = r.pdf_pages()
    assert pages[0].startswith("第一部分专项资金绩效目标1、医疗救助资金绩效目标表")
    assert "目录" not in pages[0]
    words = r.words()
    assert words[:3] == ["第一部分", "专项资金绩效目标", "1、医疗救助资金绩效目标表"]


def test_schedule_as_plain_numbers_with_two_decimals(tmp_path_factory: pytest.TempPathFactory) -> None:
    r = rendered("支出计划小数", tmp_path_factory)
    words = r.words()
    start = words.index("资金支出计划（%）")
    assert words[start + 1 : start + 9] == ["3月底", "6月底", "10月底", "12月底", "28.00", "53.00", "78.00", "100.00"]
    second = words.index("资金支出计划（%）", start + 1)
    assert words[second + 5 : second + 9] == ["28.02", "53.00", "78.00", "100.00"]
    cells = r.pdf_cells(r.project("02", "pdf"))
    start = cells.index("资金支出计划（%）")
    assert cells[start + 1 : start + 9] == ["3月底", "6月底", "10月底", "12月底", "28.02", "53.00", "78.00", "100.00"]
    spec = load_department(GALLERY / "支出计划小数")
    odd = [f for f in run_checks(spec, expand_department(spec)) if f.rule == "JX410"]
    assert [(f.path, f.tables) for f in odd] == [("projects/02-物业管理费.yaml", (2,))]
    assert not [f for f in run_checks(spec, expand_department(spec)) if f.rule == "JX408"]


def test_frameworks_and_basis_column_per_part(tmp_path_factory: pytest.TempPathFactory) -> None:
    r = rendered("分部分指标体系", tmp_path_factory)
    first, second = r.doc.tables()
    assert first.framework == "2021" and second.framework == "效益"
    assert first.columns[-1] == "指标值确定依据" and len(second.columns) == 5
    assert [row.level1 for row in first.rows][:1] == ["成本指标"]
    assert {row.basis for row in first.rows} == {"历史标准", "某政办【2016】17号"}
    one = dump(r.project("01", "docx"))
    two = dump(r.project("02", "docx"))
    assert "\t指标值确定依据\n" in one and "\t历史标准\n" in one
    assert "指标值确定依据" not in two
    spec = load_department(GALLERY / "分部分指标体系")
    rules = {f.rule for f in run_checks(spec, expand_department(spec))}
    assert not rules & {"JX403", "JX405", "JX407"}, rules  # each table checked against its own framework


def _body_paragraphs(path: Path) -> list[str]:
    """Text of the Word file's body paragraphs (outside tables), in order."""
    body = document_root(path).find(f"{W}body")
    assert body is not None
    out = []
    for p in body.findall(f"{W}p"):
        text = unjoined("".join(t.text or "" for t in p.iter(f"{W}t")))  # as read: without the line-break joiners
        if text.strip():
            out.append(text)
    return out


@pytest.mark.parametrize("name", ["第一部分编号", "第一部分成段"])
def test_part_one_as_written_in_word_and_pdf(name: str, tmp_path_factory: pytest.TempPathFactory) -> None:
    r = rendered(name, tmp_path_factory)
    assert r.doc.part_one is not None
    printed = r.doc.part_one.printed()
    paragraphs = _body_paragraphs(r.combined_docx)
    start = paragraphs.index(printed[0] + printed[1])  # 第一部分 and its title: one heading, two lines
    assert paragraphs[start + 1 : start + len(printed) - 1] == printed[2:]
    text = "".join(r.pdf_pages())
    position = text.index(_norm(printed[0] + printed[1]))
    for piece in map(_norm, printed[2:]):
        found = text.find(piece, position)
        assert found >= 0, f"PDF 中缺少或顺序不对：{piece}"
        position = found + len(piece)


def test_part_one_numbering_styles() -> None:
    one = expand_department(load_department(GALLERY / "第一部分编号")).part_one
    assert one is not None
    assert [s.heading for s in one.sections] == ["一、总体绩效目标", "二、分项绩效目标", "三、工作保障措施", "四、预算执行计划"]
    overall, goals, measures, plan = one.sections
    assert [b.text[:3] for b in overall.blocks] == ["（一）", "（二）", "（三）"]
    assert [(b.kind, b.text) for b in goals.blocks[:4]] == [
        ("heading", "（一）基金监管"),
        ("paragraph", "绩效目标：开展定点医药机构全覆盖检查。"),
        ("paragraph", "绩效指标：现场检查覆盖率100%；"),
        ("paragraph", "问题整改率不低于95%。"),  # the line break of the published text is kept
    ]
    assert [(b.kind, b.text) for b in measures.blocks[:2]] == [
        ("heading", "(一)、完善制度建设："),
        ("paragraph", "建立健全内部控制制度。"),
    ]
    assert [b.text for b in plan.blocks] == ["一是按月调度预算执行进度；二是对执行慢的项目及时督办。"]


def test_part_one_as_prose() -> None:
    one = expand_department(load_department(GALLERY / "第一部分成段")).part_one
    assert one is not None
    assert [s.heading for s in one.sections] == ["（一）部门总体目标", "（二）重点工作目标", "（三）工作保障措施"]
    assert [b.text for b in one.sections[1].blocks] == [
        "（一）参保扩面，参保率稳定在95%以上。（二）基金监管，检查覆盖率100%。"
    ]
    assert [b.text for b in one.sections[2].blocks] == [
        "加强组织领导，细化责任分工，强化督导考核，确保各项目标按期完成。"  # one paragraph: no number
    ]


def test_title_only_front_page_numbering_and_column_widths(tmp_path_factory: pytest.TempPathFactory) -> None:
    r = rendered("首页标题列宽", tmp_path_factory)
    assert [t.heading for t in r.doc.tables()] == ["（一）办公费绩效目标表", "（二）印刷费绩效目标表"]
    words = r.words()
    assert words[0] == "2026年某县医疗保障局部门绩效目标" and "目　录" not in words
    with zipfile.ZipFile(r.combined_docx) as zf:  # no 目录: Word need not ask to update fields
        assert b"updateFields" not in zf.read("word/settings.xml")
    pages = r.pdf_pages()
    assert pages[0].startswith("2026年某县医疗保障局部门绩效目标") and "目录" not in pages[0]
    assert "（一）办公费绩效目标表" in "".join(pages[:2])
    # The indicator table's head cells have the widths the spec asks for.
    tables = document_root(r.project("01", "docx")).iter(f"{W}tbl")
    indicators = list(tables)[-1]
    head = indicators.find(f"{W}tr")
    assert head is not None
    widths = [int(tc.find(f"{W}tcPr/{W}tcW").get(f"{W}w")) for tc in head.findall(f"{W}tc")]  # type: ignore[union-attr]
    assert [round(w / TWIPS_PER_MM) for w in widths] == [20, 24, 30, 37, 22, 23]


def test_2021_form_with_explanations_and_not_applicable_rows(tmp_path_factory: pytest.TempPathFactory) -> None:
    r = rendered("2021项目表", tmp_path_factory)
    first, second = r.doc.tables()
    assert first.columns == ["一级指标", "二级指标", "三级指标", "指标值", "指标解释"]
    assert [row.level2 for row in first.rows if row.not_applicable] == [
        "社会成本指标", "生态环境成本指标", "经济效益指标", "生态效益指标"
    ]
    assert [row.level2 for row in second.rows].count("数量指标") == 2  # several rows under one 二级
    for path in (r.project("01", "docx"), r.project("01", "pdf")):
        cells = r.pdf_cells(path) if path.suffix == ".pdf" else [_norm(c) for c in dump(path).split("\n")]
        text = "".join(cells)
        for label in ("主管部门", "实施单位", "项目资金（万元）", "年度资金总额", "其中：财政拨款", "财政专户管理资金",
                      "单位资金", "政策依据", "测算依据", "年度目标", "指标解释"):
            assert label in text, (path.name, label)
        assert "绩效指标描述" not in text and "资金支出计划" not in text and "实施期目标" not in text
        assert "《某市医疗保障基金监督管理办法》（某医保〔2024〕3号）" in text
        assert "经律师审查的合同数÷签订的合同总数×100%" in text
        assert text.count("不适用") == 4 * 3  # 三级, 指标值, 指标解释 of four rows
    second_text = "".join(r.pdf_cells(r.project("02", "pdf")))
    assert "实施期目标" in second_text and "三年内建成覆盖全市定点医药机构的医保信息平台" in second_text
    assert "项目总金额" not in second_text  # not in the 2021 layout's 表头
    spec = load_department(GALLERY / "2021项目表")
    assert run_checks(spec, expand_department(spec)) == []
