"""Word output: the rendered .docx files hold the seeds' text and structure."""

from __future__ import annotations

import re
import sys
import zipfile
from pathlib import Path

import docx
import pytest
from lxml import etree

from conftest import Examples
from docxtext import W, document_root, dump
from jixiao.expand.department import expand_department
from jixiao.limits import MAX_FILE_NAME_BYTES
from jixiao.model.document import Document
from jixiao.render.build import RenderOptions, render_department
from jixiao.render.outputs import safe_name
from jixiao.spec.load import load_department
from seedtext import (
    DONGLI,
    TANGSHAN,
    SeedTable,
    dump_part_one,
    parse_dump,
    parse_seed,
    part_one_text,
)

ROOT = Path(__file__).resolve().parents[1]
SPECS = ROOT / "specs"
DOCX_ONLY = frozenset({"docx"})


def _render(spec: Path, out: Path, **kw: object) -> list[Path]:
    doc = expand_department(load_department(spec))
    report = render_department(doc, spec, RenderOptions(out_dir=out, formats=DOCX_ONLY, **kw))  # type: ignore[arg-type]
    return report.written


@pytest.fixture(scope="module")
def rendered(examples: Examples) -> dict[str, Path]:
    """Both examples rendered once for the run (shared: read only): name → output folder.

    A Word-only render writes the same .docx files: the Word file's page breaks and 目录 page numbers come from
    the PDF's layout either way (test_a_word_only_render_writes_the_same_word_files).
    """
    return {name: examples[name] for name in ("tangshan-2025", "dongli-2025")}


def _combined(folder: Path) -> Path:
    (path,) = folder.glob("*.docx")
    return path


def _norm(cell: str) -> str:
    # Padding spaces in the published labels (其中：财政    资金) and the line breaks jixiao
    # puts between the words of a long label (预算规模 / 及资金用途) are layout, not text.
    return re.sub(r"[ \t\u3000\n]+", "", cell)


def _compare(actual: SeedTable, expected: SeedTable) -> list[str]:
    diffs = []
    if expected.title is not None and actual.title != expected.title:
        diffs.append(f"title {actual.title!r} != {expected.title!r}")
    header = [[_norm(c) for c in row] for row in actual.header]
    want_header = [[_norm(c) for c in row] for row in expected.header]
    if header != want_header:
        diffs.append(f"{expected.title}: header {header} != {want_header}")
    if [_norm(c) for c in actual.columns] != [_norm(c) for c in expected.columns]:
        diffs.append(f"{expected.title}: columns {actual.columns} != {expected.columns}")
    rows = [[_norm(c) for c in r] for r in actual.filled_rows()]
    want = [[_norm(c) for c in r] for r in expected.filled_rows()]
    if rows != want:
        diffs.append(f"{expected.title}: rows differ:\n{rows}\n{want}")
    return diffs


@pytest.mark.parametrize(("name", "seed"), [("tangshan-2025", TANGSHAN), ("dongli-2025", DONGLI)])
def test_docx_text_equals_seed_cell_for_cell(rendered: dict[str, Path], name: str, seed: Path) -> None:
    tables = parse_dump(dump(_combined(rendered[name])))
    expected = parse_seed(seed)
    assert len(tables) == len(expected)
    diffs = [d for a, e in zip(tables, expected, strict=True) for d in _compare(a, e)]
    assert not diffs, "\n".join(diffs[:10])


def test_docx_part_one_and_part_titles_equal_seed(rendered: dict[str, Path]) -> None:
    text = dump(_combined(rendered["tangshan-2025"]))
    # The document starts with its title and the 目录 (a TOC field listing the
    # headings and table titles) before 第一部分, whose heading has two lines.
    paragraphs = dump_part_one(text[text.index("\n第一部分\n") :])
    assert paragraphs == part_one_text(TANGSHAN)


def test_each_project_file_holds_its_table(rendered: dict[str, Path]) -> None:
    folder = rendered["tangshan-2025"]
    combined = parse_dump(dump(_combined(folder)))
    files = sorted((folder / "projects").glob("*.docx"))
    assert len(files) == 54
    assert files[0].name == "01-办公楼维修（护）费.docx"
    for i, path in enumerate(files):
        (table,) = parse_dump(dump(path))
        assert table.title == combined[i].title
        assert table.header == combined[i].header and table.rows == combined[i].rows


def _tables(path: Path) -> list[etree._Element]:
    return document_root(path).findall(f".//{W}tbl")


def _project_tables(path: Path) -> list[tuple[list[etree._Element], list[etree._Element]]]:
    """Each project's Word tables: the parts of its header block, the parts of its indicator table.

    An indicator table (and each part after a page break) opens with the
    repeated column-title row; a header block does not.
    """
    out: list[tuple[list[etree._Element], list[etree._Element]]] = []
    for tbl in _tables(path):
        first = tbl.find(f"{W}tr")
        head = first is not None and first.find(f"{W}trPr/{W}tblHeader") is not None
        if not head and (not out or out[-1][1]):
            out.append(([], []))
        out[-1][1 if head else 0].append(tbl)
    return out


@pytest.mark.parametrize("name", ["dongli-2025", "tangshan-2025"])
def test_vmerge_follows_the_indicator_groups(rendered: dict[str, Path], name: str) -> None:
    doc = expand_department(load_department(SPECS / name))
    projects = _project_tables(_combined(rendered[name]))
    cut = 0
    for t, (_, parts) in zip(doc.tables(), projects, strict=True):
        rows = [(i == 0 and k > 0, tr) for k, tbl in enumerate(parts) for i, tr in enumerate(tbl.findall(f"{W}tr")[1:])]
        for row, (page_top, tr) in zip(t.rows, rows, strict=True):
            cells = tr.findall(f"{W}tc")[:2]
            for span, label, tc in zip((row.level1_span, row.level2_span), (row.level1, row.level2), cells, strict=True):
                vm = tc.find(f"{W}tcPr/{W}vMerge")
                if span == 0 and page_top:  # a group cut by a page break: labelled again on the new page
                    assert _norm("".join(tc.itertext())) == _norm(label)
                    assert vm is None or vm.get(f"{W}val") == "restart"
                    cut += 1
                elif span == 0:
                    assert vm is not None and vm.get(f"{W}val") is None
                elif span == 1:
                    assert vm is None
                else:
                    assert vm is not None and vm.get(f"{W}val") == "restart"
    # 唐山 has groups too long for what is left of a page: cut, and labelled again on the next.
    assert cut or name == "dongli-2025"


def test_header_row_repeats_and_rows_do_not_split(rendered: dict[str, Path]) -> None:
    for name in rendered:
        for header, indicators in _project_tables(_combined(rendered[name])):
            assert header and indicators
            for i, tbl in enumerate(header + indicators):
                rows = tbl.findall(f"{W}tr")
                assert all(tr.find(f"{W}trPr/{W}cantSplit") is not None for tr in rows)
                headers = [tr.find(f"{W}trPr/{W}tblHeader") is not None for tr in rows]
                # Header blocks repeat nothing; each part of an indicator table repeats its row 1 only.
                assert headers == ([False] * len(rows) if i < len(header) else [True] + [False] * (len(rows) - 1))


def test_tables_are_separated_and_fit_a4(rendered: dict[str, Path]) -> None:
    body = document_root(_combined(rendered["tangshan-2025"])).find(f"{W}body")
    assert body is not None
    children = list(body)
    for i, el in enumerate(children):
        if el.tag == f"{W}tbl":
            assert children[i + 1].tag == f"{W}p", "two tables touching are fused by Word"
            grid = [int(c.get(f"{W}w")) for c in el.findall(f"{W}tblGrid/{W}gridCol")]
            assert sum(grid) == 8844  # 156 mm: A4 minus 28 mm and 26 mm margins
            for tr in el.findall(f"{W}tr"):
                spans = [int(tc.find(f"{W}tcPr/{W}gridSpan").get(f"{W}val")) if tc.find(f"{W}tcPr/{W}gridSpan") is not None else 1 for tc in tr.findall(f"{W}tc")]
                assert sum(spans) == len(grid)


def test_both_layouts_in_the_xml(rendered: dict[str, Path]) -> None:
    hebei = parse_dump(dump(_combined(rendered["tangshan-2025"])))[0]
    tianjin = parse_dump(dump(_combined(rendered["dongli-2025"])))[0]
    assert hebei.header[1][0] == "项目编码" and _norm(hebei.columns[-1]) == "指标值确定依据"
    assert any(_norm(r[0]) == "资金支出计划（%）" for r in hebei.header)
    assert hebei.header[0][1] == "单位：万元"
    assert tianjin.header[1][0] == "项目名称" and _norm(tianjin.columns[-1]) == "指标值"
    assert not any(r[0].startswith("资金支出计划") for r in tianjin.header)
    assert tianjin.header[0][1] == "单位：元"


def test_page_setup_fonts_and_fields(rendered: dict[str, Path]) -> None:
    path = _combined(rendered["tangshan-2025"])
    d = docx.Document(str(path))
    section = d.sections[0]
    mm = 36000  # EMU per millimetre
    assert (round(section.page_width / mm), round(section.page_height / mm)) == (210, 297)
    margins = (section.top_margin, section.bottom_margin, section.left_margin, section.right_margin)
    assert [round(m / mm) for m in margins] == [37, 35, 28, 26]
    with zipfile.ZipFile(path) as zf:
        styles = zf.read("word/styles.xml").decode()
        document = zf.read("word/document.xml").decode()
        footer = zf.read("word/footer1.xml").decode()
        settings = zf.read("word/settings.xml").decode()
        names = zf.namelist()
    for font in ("方正小标宋简体", "黑体", "楷体_GB2312", "仿宋_GB2312"):
        assert f'w:eastAsia="{font}"' in styles
    assert 'TOC \\o "1-2"' in document and '<w:updateFields w:val="true"/>' in settings
    assert "— " in footer and " PAGE " in footer
    assert not any(n.startswith(("customXml", "docProps/thumbnail")) for n in names)
    assert d.core_properties.author == "唐山市医疗保障局"
    assert d.core_properties.title == "2025年唐山市医疗保障局部门绩效目标"


def test_committed_templates_match_their_generator() -> None:
    sys.path.insert(0, str(ROOT / "tools"))
    try:
        import make_docx_templates
    finally:
        sys.path.pop(0)
    for name, data in make_docx_templates.build().items():
        assert (ROOT / "templates" / "docx" / name).read_bytes() == data, f"rerun tools/make_docx_templates.py ({name})"


def test_rerender_is_byte_identical(tmp_path: Path, rendered: dict[str, Path]) -> None:
    _render(SPECS / "dongli-2025", tmp_path)
    first = rendered["dongli-2025"]
    for path in sorted(tmp_path.rglob("*.docx")):
        assert path.read_bytes() == (first / path.relative_to(tmp_path)).read_bytes(), path.name


def test_source_date_epoch_sets_document_dates(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    _render(SPECS / "dongli-2025", tmp_path)
    props = docx.Document(str(_combined(tmp_path))).core_properties
    assert props.created is not None and props.created.isoformat().startswith("2023-11-14T22:13:20")


def test_special_characters_render_safely(spec_dir, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from conftest import PROJECT

    # A double-quoted YAML string may carry a control character as an escape (\a = U+0007).
    project = PROJECT.replace("法律咨询服务", '"\\"A&B\\" <律师> 服务\\a"')
    spec = spec_dir({"01-法律顾问费": project})
    _render(spec, tmp_path / "out")
    path = next((tmp_path / "out" / "projects").glob("*.docx"))
    text = dump(path)
    assert '"A&B" <律师> 服务' in text and "\x07" not in text
    docx.Document(str(path))  # python-docx parses it


def test_file_names_are_safe_everywhere() -> None:
    assert safe_name('a/b\\c:d*e?f"g<h>i|j') == "a_b_c_d_e_f_g_h_i_j"
    assert safe_name("  名称. ") == "名称"
    assert safe_name("\x07") == "_"
    assert len(safe_name("长" * 300).encode("utf-8")) <= MAX_FILE_NAME_BYTES  # 3 bytes per CJK character
    assert len(safe_name("a" * 300)) == 80


def test_libreoffice_opens_every_docx(rendered: dict[str, Path], examples: Examples) -> None:
    # LibreOffice's PDFs of every Word file, made once per run (conftest): converted, not merely opened.
    files = [p for folder in rendered.values() for p in sorted(folder.rglob("*.docx"))]
    made = {p.stem: p for name in rendered for p in examples.office_pdfs(name).rglob("*.pdf")}
    missing = [p.stem for p in files if p.stem not in made or made[p.stem].stat().st_size < 1000]
    assert not missing, f"LibreOffice could not convert: {missing[:5]}"
    import pypdf

    reader = pypdf.PdfReader(made[_combined(rendered["tangshan-2025"]).stem])
    text = "".join(page.extract_text() for page in reader.pages[:30])
    assert "办公楼维修（护）费绩效目标表" in text.replace(" ", "")


def test_document_model_is_what_renderers_read(rendered: dict[str, Path]) -> None:
    # The renderers take a Document; nothing in jixiao.render imports the YAML loader.
    import jixiao.render.build as build
    import jixiao.render.word.template as docx_module

    for module in (build, docx_module):
        source = Path(str(module.__file__)).read_text(encoding="utf-8")
        assert "jixiao.spec" not in source and "ruamel" not in source
    assert isinstance(expand_department(load_department(SPECS / "dongli-2025")), Document)


def test_a_word_only_render_writes_the_same_word_files(examples: Examples, tmp_path: Path) -> None:
    """``--format docx`` lays the tables out as the PDF does (page breaks, 目录 page numbers): the same files."""
    spec = SPECS / "dongli-2025"
    _render(spec, tmp_path / "out", cache=False)
    full = examples["dongli-2025"]
    word = sorted(p.relative_to(tmp_path / "out") for p in (tmp_path / "out").rglob("*.docx"))
    assert word == sorted(p.relative_to(full) for p in full.rglob("*.docx")) and len(word) == 7
    assert not list((tmp_path / "out").rglob("*.pdf"))
    for path in word:
        assert (tmp_path / "out" / path).read_bytes() == (full / path).read_bytes(), path
