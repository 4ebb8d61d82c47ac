"""Word output: docxtpl templates parsed once, rendered for every file.

A Word template is a .docx with docxtpl tags (``{{ 标题 }}``, ``{%p for … %}``,
``{{p 表.表格 }}``). docxtpl's own ``DocxTemplate.render`` re-reads the whole
package for each file; with 54 project files that is most of the run time. So
the package is read once: its tagged parts (document, headers, footers) are
cleaned with docxtpl's tag patcher and compiled into Jinja templates of the
shared autoescaping environment, and each render only runs those templates and
zips the result (see :mod:`jixiao.render.word.package`).

The combined document's 目录 (``{{p 目录 }}``) is a Word TOC field whose
result is written here already (:func:`toc_markup`): the headings, and the
page numbers of the PDF layout when there is one, so that LibreOffice and WPS,
which do not recompute it on opening, show it filled in too.
"""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2
from lxml import etree
from markupsafe import Markup, escape

from jixiao import limits
from jixiao.chars import printable
from jixiao.errors import RenderError
from jixiao.model.document import Document, ProjectTable
from jixiao.render.layout.grid import header_grid, indicator_grid
from jixiao.render.templates import template_failure
from jixiao.render.word.package import core_properties, write_package
from jixiao.render.word.table import project_tables_xml
from jixiao.textenv import markup_env, render_bounded

_TAGGED = re.compile(r"^word/(document|header\d*|footer\d*|footnotes|endnotes|settings)\.xml$")
_CORE = "docProps/core.xml"
_THUMBNAIL = re.compile(r"^docProps/thumbnail\.\w+$")
_PATCHERS: list[Any] = []


def _patcher() -> Any:
    """docxtpl's tag patcher: stateless, so using it needs no loaded document (imported only to make a file)."""
    if not _PATCHERS:
        from docxtpl import DocxTemplate

        _PATCHERS.append(DocxTemplate.__new__(DocxTemplate))
    return _PATCHERS[0]


class WordTemplate:
    """A Word template read and compiled once; :meth:`render` makes one .docx."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._parts = _read_package(path)
        names = {name for name, _ in self._parts}
        if "word/document.xml" not in names:
            raise RenderError(f"Word 模板 {path} 中没有 word/document.xml，不是有效的 .docx 文件。")
        self._templates: dict[str, jinja2.Template] = {}
        for name, data in self._parts:
            if _TAGGED.match(name):
                self._templates[name] = self._compile(name, data)

    def _compile(self, name: str, data: bytes) -> jinja2.Template:
        try:
            xml = _patcher().patch_xml(data.decode("utf-8"))
        except UnicodeDecodeError as exc:
            raise RenderError(f"Word 模板 {self.path}（{name}）不是 UTF-8 编码的 XML：{exc}") from exc
        # As docxtpl does: one paragraph per line, so {%p %} tags can be found.
        xml = re.sub(r"<w:p([ >])", r"\n<w:p\1", xml)
        try:
            return markup_env().from_string(xml)
        except RecursionError:
            raise RenderError(f"Word 模板 {self.path}（{name}）中的标签嵌套过深。") from None
        except jinja2.TemplateSyntaxError as exc:
            raise RenderError(f"Word 模板 {self.path}（{name}）中的标签有语法错误：{exc.message}") from exc

    def render(self, context: Mapping[str, Any], *, title: str, author: str, when: dt.datetime) -> bytes:
        """The .docx bytes for *context*; document properties get *title* and *when*."""
        out: list[tuple[str, bytes]] = []
        for name, data in self._parts:
            if _THUMBNAIL.match(name):
                continue  # a stale picture of the template's first page
            if name in self._templates:
                data = self._render_part(name, context)
            elif name == _CORE:
                data = core_properties(title, author, when)
            out.append((name, data))
        return write_package(out)

    def _render_part(self, name: str, context: Mapping[str, Any]) -> bytes:
        try:
            xml = render_bounded(self._templates[name], context)
        except jinja2.UndefinedError as exc:
            raise RenderError(
                f"Word 模板 {self.path}（{name}）使用了不存在的变量：{exc.message}。"
                "可用的变量见 README「Word 模板」一节。"
            ) from exc
        except jinja2.TemplateError as exc:
            raise RenderError(template_failure(f"Word 模板 {self.path}（{name}）", exc)) from exc
        xml = re.sub(r"\n<w:p([ >])", r"<w:p\1", xml)
        xml = _patcher().resolve_listing(xml)
        data: bytes = xml.encode("utf-8")
        try:
            etree.fromstring(data)
        except etree.XMLSyntaxError as exc:
            raise RenderError(
                f"Word 模板 {self.path}（{name}）生成的内容不是有效的 XML：{exc}。"
                "请检查模板中的 {%p %} 标签是否各占一个段落。"
            ) from exc
        return data


def _read_package(path: Path) -> list[tuple[str, bytes]]:
    """Every part of a .docx, refusing oversized files and zip bombs."""
    try:
        size = path.stat().st_size
        if size > limits.MAX_TEMPLATE_BYTES:
            raise RenderError(f"Word 模板 {path} 有 {size} 字节，超过上限 {limits.MAX_TEMPLATE_BYTES} 字节。")
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
            unpacked = sum(info.file_size for info in infos)
            if unpacked > limits.MAX_DOCX_UNPACKED_BYTES:
                raise RenderError(
                    f"Word 模板 {path} 解压后有 {unpacked} 字节，超过上限 {limits.MAX_DOCX_UNPACKED_BYTES} 字节。"
                )
            return [(info.filename, zf.read(info)) for info in infos]
    except (OSError, zipfile.BadZipFile, EOFError, ValueError, NotImplementedError) as exc:
        raise RenderError(f"无法读取 Word 模板 {path}：{exc}。请确认它是用 Word 保存的 .docx 文件。") from exc


def table_markup(doc: Document, table: ProjectTable) -> Markup:
    """The header block and indicator table of *table* as Word XML."""
    return Markup(project_tables_xml(header_grid(table), indicator_grid(table)))


def table_context(table: ProjectTable, markup: Markup) -> dict[str, Any]:
    """Template variables of one project table (``表``)."""
    return {
        "序号": table.number,
        "表题": printable(table.heading),
        "项目名称": printable(table.name),
        "单位": printable(table.unit_name),
        "表格": markup,
    }


def document_context(
    doc: Document, tables: Mapping[int, Markup], page_numbers: Mapping[str, int] | None = None
) -> dict[str, Any]:
    """Template variables of the combined document (see README「Word 模板」).

    ``目录`` is the Word TOC field (:func:`toc_markup`); *page_numbers* (anchor
    id → page number, from the PDF layout) fill in its page numbers, without
    them its entries have none. The HTML template gets the same variables.
    """
    part_one: dict[str, Any] | None = None
    if doc.part_one is not None:
        p = doc.part_one
        part_one = {
            "编号": p.numeral,
            "标题": printable(p.title),
            "章节": [
                {
                    "编号": s.number,
                    "标题": printable(s.title),
                    "标题行": printable(s.heading),
                    "段落": [{"样式": _BLOCK_STYLE[b.kind], "文字": printable(b.text)} for b in s.blocks],
                }
                for s in p.sections
            ],
        }
    return {
        **base_context(doc),
        "第一部分": part_one,
        "各部分": [
            {
                "编号": part.numeral,
                "标题": printable(part.title),
                "表": [table_context(t, tables[t.number]) for t in part.tables],
            }
            for part in doc.parts
        ],
        "目录": toc_markup(toc_entries(doc), page_numbers),
    }


def base_context(doc: Document) -> dict[str, Any]:
    """Variables every template has: 标题, 年度, 部门, 金额单位, 版式 (首页, 部分标题)."""
    return {
        "标题": printable(doc.title),
        "年度": doc.year,
        "部门": printable(doc.department),
        "金额单位": doc.money_unit,
        "版式": {"首页": doc.pages.front, "部分标题": doc.pages.part_heading},
    }


@dataclass(frozen=True)
class TocEntry:
    """One line of the 目录: its level (1 = a part, 2 = a section or a table), text and anchor.

    *anchor* is the id of the heading in the HTML document (``part-one``,
    ``part-one-N``, ``part-N``, ``table-N``): the page the PDF layout puts it
    on is the entry's page number.
    """

    level: int
    text: str
    anchor: str


def toc_entries(doc: Document) -> list[TocEntry]:
    """The 目录 in document order: what Word's ``TOC \\o "1-2"`` lists (heading levels 1 and 2)."""
    out: list[TocEntry] = []
    if doc.part_one is not None:
        p = doc.part_one
        out.append(TocEntry(1, printable(f"{p.numeral}\u3000{p.title}"), "part-one"))
        out += [TocEntry(2, printable(s.heading), f"part-one-{i}") for i, s in enumerate(p.sections, 1)]
    for i, part in enumerate(doc.parts, 1):
        out.append(TocEntry(1, printable(f"{part.numeral}\u3000{part.title}"), f"part-{i}"))
        out += [TocEntry(2, printable(t.heading), f"table-{t.number}") for t in part.tables]
    return out


#: The TOC field Word fills: heading levels 1–2 and outline levels, entries as links.
TOC_FIELD = ' TOC \\o "1-2" \\h \\z \\u '
_TOC_EMPTY = "（打开文件时 Word 会更新目录；如未更新，请右键单击此处选择「更新域」。）"


def toc_markup(entries: Sequence[TocEntry], page_numbers: Mapping[str, int] | None) -> Markup:
    """The 目录 as a Word TOC field whose result already holds *entries*.

    Paragraph styles TOC1/TOC2 by level; text, a tab (the styles' right tab
    stop with a dot leader) and the page number from *page_numbers*, where
    known. The field is marked dirty, so Word recomputes it on opening (the
    template's settings also ask for that); LibreOffice and WPS show it as is.
    """
    begin = (
        '<w:r><w:fldChar w:fldCharType="begin" w:dirty="true"/></w:r>'
        f'<w:r><w:instrText xml:space="preserve">{TOC_FIELD}</w:instrText></w:r>'
        '<w:r><w:fldChar w:fldCharType="separate"/></w:r>'
    )
    end = '<w:r><w:fldChar w:fldCharType="end"/></w:r>'
    lines = [(e.level, e.text, (page_numbers or {}).get(e.anchor)) for e in entries]
    if not lines:
        lines = [(1, _TOC_EMPTY, None)]
    out = []
    for i, (level, text, page) in enumerate(lines):
        runs = f'<w:r><w:t xml:space="preserve">{escape(text)}</w:t></w:r>'
        if page is not None:
            runs += f"<w:r><w:tab/></w:r><w:r><w:t>{page}</w:t></w:r>"
        out.append(
            f'<w:p><w:pPr><w:pStyle w:val="TOC{level}"/></w:pPr>'
            f"{begin if i == 0 else ''}{runs}{end if i == len(lines) - 1 else ''}</w:p>"
        )
    return Markup("".join(out))


#: Block kind → the style name templates test for (小标题 = an item's numbered heading line).
_BLOCK_STYLE = {"heading": "小标题", "paragraph": "正文"}
