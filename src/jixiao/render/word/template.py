"""Word output: docxtpl templates parsed once, rendered for every file.

A Word template is a .docx with docxtpl tags (``{{ 标题 }}``, ``{%p for … %}``,
``{{p 表.表格 }}``). docxtpl's own ``DocxTemplate.render`` re-reads the whole
package for each file; with 54 project files that is most of the run time. So
the package is read once: its tagged parts (document, headers, footers) are
cleaned with docxtpl's tag patcher and compiled into Jinja templates of the
shared autoescaping environment, and each render only runs those templates and
zips the result (see :mod:`jixiao.render.word.package`). The variables are
those of :mod:`jixiao.render.layout.context`.
"""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import jinja2
from lxml import etree

from jixiao import limits
from jixiao.errors import RenderError
from jixiao.render.templates import WordKind, template_env, template_failure, undefined_failure
from jixiao.render.word.package import core_properties, write_package
from jixiao.textenv import render_bounded

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
    """A Word template read and compiled once; :meth:`render` makes one .docx.

    *kind* says which: the combined document's or a project's own file (the
    variables differ, see :mod:`jixiao.render.layout.contract`).
    """

    def __init__(self, path: Path, kind: WordKind) -> None:
        self.path = path
        self.kind = kind
        self._parts = _read_package(path)
        names = {name for name, _ in self._parts}
        if "word/document.xml" not in names:
            raise RenderError(f"Word 模板 {path} 中没有 word/document.xml，不是有效的 .docx 文件。")
        #: The tagged parts as Jinja source (docxtpl's tags made plain Jinja), by part name.
        self.sources: dict[str, str] = {}
        self._templates: dict[str, jinja2.Template] = {}
        for name, data in self._parts:
            if _TAGGED.match(name):
                self.sources[name] = self._source(name, data)
                self._templates[name] = self._compile(name, self.sources[name])

    def _source(self, name: str, data: bytes) -> str:
        try:
            xml: str = _patcher().patch_xml(data.decode("utf-8"))
        except UnicodeDecodeError as exc:
            raise RenderError(f"Word 模板 {self.path}（{name}）不是 UTF-8 编码的 XML：{exc}") from exc
        # As docxtpl does: one paragraph per line, so {%p %} tags can be found.
        return re.sub(r"<w:p([ >])", r"\n<w:p\1", xml)

    def _compile(self, name: str, xml: str) -> jinja2.Template:
        try:
            return template_env(self.kind).from_string(xml)
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
            raise RenderError(undefined_failure(f"Word 模板 {self.path}（{name}）", exc)) from exc
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
