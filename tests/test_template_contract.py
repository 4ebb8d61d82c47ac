"""Users' templates survive a new jixiao: the page plan, the template contract and its messages, doctor 规格.

``tests/fixtures/templates/0.1/`` holds the built-in Word and HTML templates
as jixiao 0.1 shipped them (``git show 25d4df0:templates/…``), what a user
copied then; ``pre-0.1/`` the templates from before 第一部分 became free-form
(``git show 00e5cce^:templates/…``), whose variables are gone.
"""

from __future__ import annotations

import re
import shutil
import zipfile
from pathlib import Path
from typing import Any

import jinja2
import pytest
from markupsafe import Markup
from typer.testing import CliRunner

from jixiao import expand_department, load_department
from jixiao.cli import app
from jixiao.errors import RenderError
from jixiao.model.anchors import anchor_table, table_anchor
from jixiao.model.document import Document
from jixiao.model.page import OFFICIAL, plan_pages
from jixiao.render.build import RenderOptions, render_department
from jixiao.render.html.document import render_html
from jixiao.render.html.page import page_css, with_page_block
from jixiao.render.layout import cells, context, contract, undefined
from jixiao.render.layout.context import Vars, document_context, table_file_context
from jixiao.render.layout.usage import problems
from jixiao.render.templates import template_env
from jixiao.render.word.page import twip
from jixiao.resources import builtin_templates
from test_pages import DEPARTMENT, PART_ONE, PROJECTS

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures" / "templates"
BUILTIN = builtin_templates()
runner = CliRunner()


def _spec(root: Path, front: str, part: str, part_one: bool, templates: Path | None = None) -> Path:
    (root / "projects").mkdir(parents=True)
    text = DEPARTMENT.format(front=front, part=part, part_one=PART_ONE if part_one else "")
    (root / "部门.yaml").write_text(text, encoding="utf-8")
    for name, project in PROJECTS.items():
        (root / "projects" / f"{name}.yaml").write_text(project, encoding="utf-8")
    if templates is not None:
        shutil.copytree(templates, root / "templates")
    return root


def _doc(root: Path) -> Document:
    return expand_department(load_department(root))


COMBINATIONS = [(f, p, o) for f in ("目录", "标题", "无") for p in ("单独成页", "表前") for o in (True, False)]


@pytest.fixture(scope="module")
def docs(tmp_path_factory: pytest.TempPathFactory) -> dict[tuple[str, str, bool], Document]:
    base = tmp_path_factory.mktemp("plans")
    return {c: _doc(_spec(base / f"{c[0]}-{c[1]}-{int(c[2])}", *c)) for c in COMBINATIONS}


# --- The page plan ------------------------------------------------------------------------------


def _flags(doc: Document) -> list[str]:
    """Each section as kind + flags: N new page, F follows, A alone, L lowered."""
    out = []
    for s in doc.page_plan.sections:
        marks = "".join(m for m, on in (("N", s.new_page), ("F", s.follows), ("A", s.alone), ("L", s.lowered)) if on)
        out.append(f"{s.kind}:{marks}")
    return out


# Two parts: 专项资金 (tables 1, 2) and 预算项目 (table 3); README「版面」 says where each starts.
EXPECTED = {
    ("目录", "单独成页", True): ["front:A", "part_one:N", "part:NAL", "table:N", "table:N", "part:NAL", "table:N"],
    ("目录", "单独成页", False): ["front:A", "part:NAL", "table:N", "table:N", "part:NAL", "table:N"],
    ("目录", "表前", True): ["front:A", "part_one:N", "part:N", "table:F", "table:N", "part:N", "table:F"],
    ("目录", "表前", False): ["front:A", "part:N", "table:F", "table:N", "part:N", "table:F"],
    ("标题", "单独成页", True): ["front:", "part_one:F", "part:NAL", "table:N", "table:N", "part:NAL", "table:N"],
    ("标题", "单独成页", False): ["front:", "part:FA", "table:N", "table:N", "part:NAL", "table:N"],
    ("标题", "表前", True): ["front:", "part_one:F", "part:N", "table:F", "table:N", "part:N", "table:F"],
    ("标题", "表前", False): ["front:", "part:F", "table:F", "table:N", "part:N", "table:F"],
    ("无", "单独成页", True): ["part_one:", "part:NAL", "table:N", "table:N", "part:NAL", "table:N"],
    ("无", "单独成页", False): ["part:AL", "table:N", "table:N", "part:NAL", "table:N"],
    ("无", "表前", True): ["part_one:", "part:N", "table:F", "table:N", "part:N", "table:F"],
    ("无", "表前", False): ["part:", "table:F", "table:N", "part:N", "table:F"],
}


@pytest.mark.parametrize("combination", COMBINATIONS, ids=lambda c: f"{c[0]}-{c[1]}-{int(c[2])}")
def test_page_plan_decides_where_each_section_starts(docs: dict[Any, Document], combination: Any) -> None:
    assert _flags(docs[combination]) == EXPECTED[combination]


def test_toc_entries_and_anchors_are_the_headings_of_the_html(docs: dict[Any, Document]) -> None:
    doc = docs[("目录", "单独成页", True)]
    plan = doc.page_plan
    assert [(e.level, e.kind, e.anchor) for e in plan.toc] == [
        (1, "part", "part-one"), (2, "section", "part-one-1"), (2, "section", "part-one-2"),
        (1, "part", "part-1"), (2, "table", "table-1"), (2, "table", "table-2"),
        (1, "part", "part-2"), (2, "table", "table-3"),
    ]
    assert plan.toc[4].text == doc.tables()[0].heading
    html = render_html(doc, [BUILTIN / "html"])
    for entry in plan.toc:  # one heading with that id, and a 目录 line linking to it
        assert html.count(f'id="{entry.anchor}"') == 1 and f'href="#{entry.anchor}"' in html
    assert [anchor_table(table_anchor(n)) for n in (1, 12)] == [1, 12] and anchor_table("part-1") is None


def test_a_copy_of_the_model_never_carries_a_stale_plan(docs: dict[Any, Document]) -> None:
    doc = docs[("目录", "表前", True)]
    fewer = doc.model_copy(update={"part_one": None, "parts": doc.parts[1:]})
    assert [e.anchor for e in fewer.page_plan.toc] == ["part-1", "table-3"]
    assert fewer.page_plan == plan_pages(fewer) != doc.page_plan


def test_page_geometry_has_one_source() -> None:
    assert OFFICIAL.text_width_mm == cells.TEXT_WIDTH_MM == 156
    assert (OFFICIAL.table_pt * 25.4 / 72, 2.5) == (cells.EM_MM, cells.CELL_EXTRA_MM)
    # The built-in Word templates and the generated @page block take the plan's numbers.
    for name in ("document.docx", "table.docx"):
        with zipfile.ZipFile(BUILTIN / "docx" / name) as zf:
            xml = zf.read("word/document.xml").decode()
        margins = re.search(r'<w:pgMar w:top="(\d+)" w:right="(\d+)" w:bottom="(\d+)" w:left="(\d+)"', xml)
        assert margins is not None
        assert [int(m) for m in margins.groups()] == [2098, 1474, 1984, 1587] == [
            twip(OFFICIAL.margin_top_mm), twip(OFFICIAL.margin_right_mm),
            twip(OFFICIAL.margin_bottom_mm), twip(OFFICIAL.margin_left_mm)]
    css = page_css(OFFICIAL)
    assert "size: 210mm 297mm;" in css and "margin: 37mm 26mm 35mm 28mm;" in css and "width: 156mm;" in css
    built_in_css = (BUILTIN / "html" / "style.css").read_text(encoding="utf-8")
    assert "156mm" not in built_in_css and "margin: 37mm" not in built_in_css


def test_page_block_goes_after_a_style_sheets_imports() -> None:
    css = '@charset "utf-8";\n/* 注 */\n@import url("fonts.css");\nbody { color: red }\n'
    out = with_page_block("/*PAGE*/", css)
    assert out.index('@import url("fonts.css")') < out.index("/*PAGE*/") < out.index("body {")
    assert with_page_block("/*PAGE*/", "/* 只有注释 */").endswith("/*PAGE*/")
    assert with_page_block("/*PAGE*/", "p {}\r\nq {}").startswith("/*PAGE*/\np {}")


# --- The contract -------------------------------------------------------------------------------


def _paths(value: Any, out: set[str]) -> None:
    """Every contract path in a context value (the items of a list named by their Vars)."""
    if isinstance(value, Vars):
        for key, item in value.items():
            out.add(f"{value.where}.{key}")
            _paths(item, out)
    elif isinstance(value, list):
        for item in value:
            _paths(item, out)


def _context_paths(values: dict[str, Any]) -> set[str]:
    out = set(values)
    for value in values.values():
        _paths(value, out)
    return out


def test_the_contract_lists_exactly_what_the_templates_get(docs: dict[Any, Document]) -> None:
    doc = docs[("目录", "单独成页", True)]
    marks = {t.number: Markup("") for t in doc.tables()}
    combined = _context_paths(document_context(doc, marks, Markup("")))
    table = _context_paths(table_file_context(doc, doc.tables()[0], Markup("")))
    for kind, got in (("document", combined), ("html", combined | {"样式表"}), ("table", table)):
        wanted = {v.path for v in contract.VARIABLES if kind in v.kinds}
        assert got == wanted, kind


def test_the_readme_lists_every_variable_of_the_contract() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("### Word 模板"):readme.index("### 网页与 PDF 模板")]
    rows = re.findall(r"^\| `([^`|]+)` \| ([^|]+) \| ([^|]+) \| (\d) \|$", section, re.MULTILINE)
    kinds = {"全部": {"document", "table", "html"}, "总文档、网页": {"document", "html"}, "单表": {"table"},
             "网页": {"html"}}
    assert {(p, m.strip(), frozenset(kinds[k.strip()]), int(v)) for p, m, k, v in rows} == {
        (v.path, v.meaning, v.kinds, v.since) for v in contract.VARIABLES
    }
    assert f"模板变量第 {contract.VERSION} 版" in section


def test_the_contract_version_is_this_release_of_jixiao() -> None:
    """A message 「在 jixiao 0.2 中改为…」 names a release the user can have: the one that brought the contract."""
    import tomllib

    from jixiao import __version__

    assert contract.RELEASES[contract.VERSION] == ".".join(__version__.split(".")[:2])
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert project["version"] == __version__
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert f"模板变量第 {contract.VERSION} 版**（jixiao {contract.RELEASES[contract.VERSION]}" in readme


def test_an_alias_keeps_an_old_name_working_for_a_release(docs: dict[Any, Document], monkeypatch: pytest.MonkeyPatch) -> None:
    renamed = contract.Renamed("表.名称", "表.项目名称", "0.3", alias=True)
    monkeypatch.setattr(context, "RENAMED", (renamed,))
    doc = docs[("目录", "单独成页", False)]
    values = table_file_context(doc, doc.tables()[0], Markup(""))
    assert values["表"]["名称"] == values["表"]["项目名称"] == doc.tables()[0].name
    monkeypatch.setattr("jixiao.render.layout.usage._RENAMED", {renamed.old: renamed})
    (use,) = problems(template_env("table").parse("{{ 表.名称 }}"), "table")
    assert use.warning and "jixiao 0.3 中改为 '表.项目名称'" in use.message


# --- Templates of an earlier release ------------------------------------------------------------


@pytest.mark.parametrize("combination", [("目录", "单独成页", True), ("标题", "表前", False), ("无", "单独成页", False)],
                         ids=lambda c: f"{c[0]}-{c[1]}-{int(c[2])}")
def test_templates_copied_from_jixiao_0_1_render_the_same(tmp_path: Path, combination: Any) -> None:
    plain = _spec(tmp_path / "plain", *combination)
    copied = _spec(tmp_path / "copied", *combination, templates=FIXTURES / "0.1")
    doc = _doc(plain)
    # The HTML of the old template is the built-in one's, byte for byte.
    assert render_html(doc, [copied / "templates" / "html", BUILTIN / "html"]) == render_html(doc, [BUILTIN / "html"])
    outs = {}
    for name, spec in (("plain", plain), ("copied", copied)):
        outs[name] = tmp_path / f"out-{name}"
        render_department(_doc(spec), spec, RenderOptions(out_dir=outs[name], formats=frozenset({"docx", "pdf"})),
                          jobs=1)
    files = sorted(p.relative_to(outs["plain"]) for p in outs["plain"].rglob("*.*") if p.suffix in (".docx", ".pdf"))
    assert len(files) == 8
    for rel in files:
        a, b = outs["plain"] / rel, outs["copied"] / rel
        if rel.suffix == ".pdf":
            assert a.read_bytes() == b.read_bytes(), rel
        else:  # the same body; the old templates' page margins were written by hand, the same
            assert _body(a) == _body(b), rel


def _body(path: Path) -> str:
    """The body before the section properties, without the headings' bookmarks (the 目录's links)."""
    with zipfile.ZipFile(path) as zf:
        xml = zf.read("word/document.xml").decode()
    return re.sub(r"<w:bookmark(?:Start|End) [^>]*/>", "", xml[:xml.index("<w:sectPr")])


def test_a_template_from_before_0_1_is_told_what_changed(tmp_path: Path) -> None:
    spec = _spec(tmp_path / "spec", "目录", "单独成页", True, templates=FIXTURES / "pre-0.1")
    doc = _doc(spec)
    with pytest.raises(RenderError) as raised:
        render_html(doc, [spec / "templates" / "html", BUILTIN / "html"])
    message = str(raised.value)
    assert "document.html.j2 第 45 行使用了 '第一部分.总体绩效目标'" in message
    assert "这个变量在 jixiao 0.1 中改为 '第一部分.章节'" in message and "dict object" not in message
    result = runner.invoke(app, ["render", str(spec), "-o", str(tmp_path / "out"), "--format", "docx"])
    assert result.exit_code == 1 and not (tmp_path / "out").exists()
    assert "document.docx（word/document.xml）使用了 '第一部分.总体绩效目标'：这个变量在 jixiao 0.1 中改为" in result.stderr


def test_a_variable_that_never_was_is_named_with_what_there_is(tmp_path: Path) -> None:
    doc = _doc(_spec(tmp_path / "spec", "目录", "单独成页", False))
    folder = tmp_path / "html"
    folder.mkdir()
    (folder / "document.html.j2").write_text("{% for 部分 in 各部分 %}\n{{ 部分.名称 }}{% endfor %}", encoding="utf-8")
    with pytest.raises(RenderError, match=r"第 2 行使用了 '部分.名称'：不存在的变量，'部分' 下面只有 编号、标题、表、锚点、版面"):
        render_html(doc, [folder, BUILTIN / "html"])
    (folder / "document.html.j2").write_text("{{ 标题.不存在 }}", encoding="utf-8")
    with pytest.raises(RenderError, match="不存在的变量"):
        render_html(doc, [folder, BUILTIN / "html"])


def test_the_jinja_internal_is_used_only_where_it_is_known(monkeypatch: pytest.MonkeyPatch) -> None:
    """Contract of render/layout/undefined.py: the installed Jinja has the property it overrides, and it is used."""
    assert undefined.hooked()
    assert isinstance(vars(jinja2.Undefined)["_undefined_message"], property)
    assert issubclass(undefined.undefined_class("document"), undefined.ContractUndefined)
    monkeypatch.setattr(jinja2, "__version__", "4.0.0")  # a Jinja this module does not know
    assert not undefined.hooked()
    monkeypatch.undo()
    monkeypatch.delattr(jinja2.Undefined, "_undefined_message")  # one without the property
    assert not undefined.hooked()
    monkeypatch.undo()
    for path in sorted((ROOT / "src" / "jixiao").rglob("*.py")):
        if path.name != "undefined.py":
            assert "_undefined_message" not in path.read_text(encoding="utf-8"), path


def test_on_an_unknown_jinja_a_missing_variable_still_stops_the_render(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    doc = _doc(_spec(tmp_path / "spec", "目录", "单独成页", False))
    folder = tmp_path / "html"
    folder.mkdir()
    (folder / "document.html.j2").write_text("{% for 部分 in 各部分 %}\n{{ 部分.名称 }}{% endfor %}", encoding="utf-8")
    monkeypatch.setattr(undefined, "hooked", lambda: False)
    template_env.cache_clear()
    undefined.undefined_class.cache_clear()
    try:
        assert template_env("html").undefined is jinja2.StrictUndefined
        with pytest.raises(RenderError, match=r"document.html.j2 第 2 行使用了 .*'名称'"):
            render_html(doc, [folder, BUILTIN / "html"])
    finally:
        monkeypatch.undo()
        template_env.cache_clear()
        undefined.undefined_class.cache_clear()
    assert issubclass(template_env("html").undefined, undefined.ContractUndefined)


# --- jixiao doctor 规格 ---------------------------------------------------------------------------


def test_doctor_checks_a_specs_templates_against_the_contract(tmp_path: Path) -> None:
    fine = _spec(tmp_path / "fine", "目录", "单独成页", True, templates=FIXTURES / "0.1")
    result = runner.invoke(app, ["doctor", str(fine)], env={"COLUMNS": "200"})
    assert "模板检查（模板变量第 2 版" in result.stdout and "模板都符合本版的模板变量" in result.stdout
    assert str(fine / "templates" / "html" / "document.html.j2") in result.stdout

    old = _spec(tmp_path / "old", "目录", "单独成页", True, templates=FIXTURES / "pre-0.1")
    (old / "templates" / "html" / "style.css").write_text("@page { size: A4; margin: 20mm }\nbody {}", encoding="utf-8")
    result = runner.invoke(app, ["doctor", str(old)], env={"COLUMNS": "200"})
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    html = [line for line in lines if "document.html.j2（第" in line]
    assert [re.search(r"第 (\d+) 行", line).group(1) for line in html] == ["45", "49", "55"]  # type: ignore[union-attr]
    assert all("jixiao 0.1 中改为 '第一部分.章节'" in line for line in html)
    assert sum("document.docx（word/document.xml）使用了 '第一部分." in line for line in lines) == 3
    assert any(line.startswith("提示：") and "style.css（第 1 行）@page 中写了 size、margin" in line for line in lines)
    assert "有 6 处模板问题" in result.stderr


def test_the_built_in_templates_fit_the_contract() -> None:
    env = template_env("html")
    html = (BUILTIN / "html" / "document.html.j2").read_text(encoding="utf-8")
    assert problems(env.parse(html), "html") == []
    from jixiao.render.word.template import WordTemplate

    for kind in ("document", "table"):
        template = WordTemplate(BUILTIN / "docx" / f"{kind}.docx", kind)  # type: ignore[arg-type]
        for source in template.sources.values():
            assert problems(template_env(kind).parse(source), kind) == []  # type: ignore[arg-type]
    with pytest.raises(jinja2.TemplateSyntaxError):
        env.parse("{% for %}")
