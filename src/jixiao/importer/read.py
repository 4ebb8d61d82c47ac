"""Read a .docx package into raw blocks: body paragraphs and tables, in order.

This knows WordprocessingML, nothing about 绩效目标. It reads the package with
lxml (no entity resolution, no network) and keeps what recognition needs:

* a paragraph's text (line breaks ``w:br`` and ``w:cr`` as ``\\n``, tabs as
  ``\\t``), its style name (resolved through ``styles.xml``) and whether it
  starts a new page (``w:pageBreakBefore`` directly or through its style, a
  page break before it, or a section break);
* a table's rows as cells placed on the table grid: the grid column a cell
  starts at (``w:gridBefore`` and ``w:gridSpan`` counted), how many columns it
  spans, and whether it continues a vertical merge (``w:vMerge``) — its text is
  then the text of the cell above. Old-style horizontal merges (``w:hMerge``)
  are folded into the cell they continue.

Left out: the result of a table-of-contents field (``TOC``) or content
control, deleted text, field instructions, the fallback copy of alternate
content, and text boxes.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from jixiao.chars import unjoined
from jixiao.errors import JixiaoError
from jixiao.importer.autonum import Numbering
from jixiao.importer.bounds import check_word_tables
from jixiao.zipread import ZipReader

if TYPE_CHECKING:
    from lxml import etree

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
W = f"{{{W_NS}}}"
_MC_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"
_SKIP = {f"{W}instrText", f"{W}delText", f"{W}txbxContent", _MC_FALLBACK, f"{W}del", f"{W}fldData"}


@dataclass(frozen=True)
class Para:
    """A body paragraph; ``index`` counts body paragraphs from 1 (table cells not included)."""

    index: int
    text: str
    style: str = ""
    page_break: bool = False


@dataclass(frozen=True)
class Cell:
    """A table cell on the grid; a merged cell (``merged``) shows the text of the cell above."""

    text: str
    col: int
    span: int = 1
    merged: bool = False


@dataclass(frozen=True)
class Table:
    """A body table; ``index`` counts body tables from 1, rows are 1-based in messages."""

    index: int
    rows: list[list[Cell]]


Block = Para | Table


@dataclass
class RawDoc:
    """A document as blocks in body order, and how many TOC paragraphs were left out."""

    blocks: list[Block] = field(default_factory=list)
    toc_paragraphs: int = 0
    has_toc: bool = False


class ReadError(JixiaoError):
    """The file is not a Word document that can be read (exit code 1)."""


def read_docx(data: bytes, name: str) -> RawDoc:
    """The blocks of the .docx package *data* (*name* is used in messages).

    Raises:
        ReadError: no ``word/document.xml``, or XML that does not parse.
        ZipProblem: not a zip package, damaged, or over a limit of :mod:`jixiao.zipread`.
    """
    with ZipReader(data, name) as package:
        if "word/document.xml" not in package.names:
            raise ReadError(f"{name} 不是 Word 文档（.docx 包中没有 word/document.xml）。请在 Word 或 WPS 中另存为 .docx 后重试。")
        document = package.read("word/document.xml")
        styles = package.read("word/styles.xml") if "word/styles.xml" in package.names else None
        numbering = package.read("word/numbering.xml") if "word/numbering.xml" in package.names else None
    root = _parse(document, name)
    body = root.find(f"{W}body")
    if body is None:
        raise ReadError(f"{name} 的正文是空的（word/document.xml 中没有 w:body）。")
    check_word_tables(sum(1 for _ in body.iter(f"{W}tbl")), name)
    reader = _Reader(
        _Styles(_parse(styles, name) if styles else None), Numbering.parse(_parse(numbering, name) if numbering else None)
    )
    reader.body(body)
    return reader.doc


def _parse(data: bytes, name: str) -> etree._Element:
    # Imported here: the workbook import uses this module's types but never lxml.
    from lxml import etree

    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, remove_comments=True)
    try:
        return etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        raise ReadError(f"{name} 已损坏：其中的 XML 无法解析（{exc}）。请在 Word 中打开并另存为 .docx 后重试。") from exc


class _Styles:
    """Paragraph style names and page-break-before, following ``w:basedOn``."""

    def __init__(self, root: etree._Element | None) -> None:
        self._by_id: dict[str, tuple[str, str | None, bool | None]] = {}
        self._numbers: dict[str, etree._Element] = {}
        if root is None:
            return
        for st in root.iter(f"{W}style"):
            sid = st.get(f"{W}styleId") or ""
            name_el = st.find(f"{W}name")
            based = st.find(f"{W}basedOn")
            pb = st.find(f"{W}pPr/{W}pageBreakBefore")
            self._by_id[sid] = (
                (name_el.get(f"{W}val") or sid) if name_el is not None else sid,
                based.get(f"{W}val") if based is not None else None,
                _on(pb) if pb is not None else None,
            )
            num = st.find(f"{W}pPr/{W}numPr")
            if num is not None:
                self._numbers[sid] = num

    def numbering(self, sid: str) -> etree._Element | None:
        """The list numbering a paragraph style gives (``w:numPr``), following ``w:basedOn``."""
        seen: set[str] = set()
        probe: str | None = sid
        while probe is not None and probe not in seen:
            seen.add(probe)
            if probe in self._numbers:
                return self._numbers[probe]
            probe = self._by_id.get(probe, ("", None, None))[1]
        return None

    def name(self, sid: str) -> str:
        return self._by_id.get(sid, (sid, None, None))[0].lower()

    def page_break(self, sid: str) -> bool:
        seen: set[str] = set()
        probe: str | None = sid
        while probe is not None and probe not in seen:
            seen.add(probe)
            _, based, pb = self._by_id.get(probe, ("", None, None))
            if pb is not None:
                return pb
            probe = based
        return False


def _on(el: etree._Element) -> bool:
    return el.get(f"{W}val") not in ("0", "false", "off")


class _Reader:
    """Walks the body, keeping field state across paragraphs (a TOC field spans many)."""

    def __init__(self, styles: _Styles, numbering: Numbering) -> None:
        self.styles = styles
        self.numbering = numbering
        self.doc = RawDoc()
        self.fields: list[list[str]] = []  # per open field: [instruction, state]
        self.paragraphs = 0
        self.tables = 0
        self.pending_break = False

    def body(self, parent: etree._Element, *, toc: bool = False) -> None:
        for el in parent:
            tag = el.tag
            if tag == f"{W}p":
                self._paragraph(el, toc=toc)
            elif tag == f"{W}tbl":
                self.tables += 1
                self.doc.blocks.append(Table(self.tables, self._rows(el)))
                self.pending_break = False
            elif tag == f"{W}sdt":
                gallery = el.find(f"{W}sdtPr/{W}docPartObj/{W}docPartGallery")
                is_toc = gallery is not None and "content" in (gallery.get(f"{W}val") or "").lower()
                self.doc.has_toc = self.doc.has_toc or is_toc
                content = el.find(f"{W}sdtContent")
                if content is not None:
                    self.body(content, toc=toc or is_toc)
            elif tag in (f"{W}customXml", f"{W}smartTag"):
                self.body(el, toc=toc)
            elif tag == f"{W}sectPr":
                self.pending_break = True

    def _paragraph(self, p: etree._Element, *, toc: bool) -> None:
        self.paragraphs += 1
        text, in_toc, breaks = self._text(p)
        text = self._number(p, text)
        ppr = p.find(f"{W}pPr")
        style = ""
        direct = False
        if ppr is not None:
            ps = ppr.find(f"{W}pStyle")
            if ps is not None:
                sid = ps.get(f"{W}val") or ""
                style = self.styles.name(sid)
                direct = self.styles.page_break(sid)
            pb = ppr.find(f"{W}pageBreakBefore")
            if pb is not None:
                direct = _on(pb)
            if ppr.find(f"{W}sectPr") is not None:
                breaks = (breaks[0], True)
        page_break = self.pending_break or breaks[0] or direct
        if toc or in_toc:
            self.doc.toc_paragraphs += 1
            self.doc.has_toc = True
            return
        if text.strip():
            self.doc.blocks.append(Para(self.paragraphs, text, style, page_break))
            self.pending_break = breaks[1]
        else:
            self.pending_break = self.pending_break or breaks[0] or breaks[1]

    def _text(self, p: etree._Element) -> tuple[str, bool, tuple[bool, bool]]:
        """Text of *p*; whether any of it is a TOC field's result; page break (before, after) its text."""
        out: list[str] = []
        in_toc = False
        before = after = False
        for el in _walk(p):
            tag = el.tag
            if tag == f"{W}fldChar":
                kind = el.get(f"{W}fldCharType")
                if kind == "begin":
                    self.fields.append(["", "instr"])
                elif kind == "separate" and self.fields:
                    self.fields[-1][1] = "result"
                elif kind == "end" and self.fields:
                    self.fields.pop()
            elif tag == f"{W}instrText" and self.fields:
                self.fields[-1][0] += el.text or ""
            elif tag == f"{W}fldSimple":
                if (el.get(f"{W}instr") or "").strip().upper().startswith("TOC"):
                    in_toc = True
            elif tag in (f"{W}t", f"{W}tab", f"{W}br", f"{W}cr", f"{W}noBreakHyphen"):
                if tag == f"{W}br" and el.get(f"{W}type") in ("page", "column"):
                    if "".join(out).strip():
                        after = True
                    else:
                        before = True
                    continue
                if self._in_toc():
                    in_toc = True
                    continue
                if tag == f"{W}t":
                    out.append(el.text or "")
                elif tag == f"{W}tab":
                    out.append("\t")
                elif tag == f"{W}noBreakHyphen":
                    out.append("-")
                else:
                    out.append("\n")
        return unjoined("".join(out)), in_toc, (before, after)

    def _number(self, p: etree._Element, text: str) -> str:
        """*text* with the number Word shows before it when the paragraph is in a numbered list."""
        if not text.strip():
            return text
        num = p.find(f"{W}pPr/{W}numPr")
        if num is None:
            style = p.find(f"{W}pPr/{W}pStyle")
            num = self.styles.numbering(style.get(f"{W}val") or "") if style is not None else None
        if num is None:
            return text
        ident = num.find(f"{W}numId")
        level = num.find(f"{W}ilvl")
        num_id = ident.get(f"{W}val") or "" if ident is not None else ""
        if num_id in ("", "0"):
            return text
        ilvl = _int(level, 0) if level is not None and level.get(f"{W}val") != "0" else 0
        return self.numbering.label(num_id, ilvl) + text.lstrip()

    def _in_toc(self) -> bool:
        return any(state == "result" and instr.strip().upper().startswith("TOC") for instr, state in self.fields)

    def _rows(self, tbl: etree._Element) -> list[list[Cell]]:
        rows: list[list[Cell]] = []
        for tr in tbl.iter(f"{W}tr"):
            if _nested(tr, tbl):
                continue
            col = _int(tr.find(f"{W}trPr/{W}gridBefore"), 0)
            cells: list[Cell] = []
            for tc in _row_cells(tr):
                tcpr = tc.find(f"{W}tcPr")
                span = _int(tcpr.find(f"{W}gridSpan") if tcpr is not None else None, 1)
                vmerge = tcpr.find(f"{W}vMerge") if tcpr is not None else None
                hmerge = tcpr.find(f"{W}hMerge") if tcpr is not None else None
                merged = vmerge is not None and vmerge.get(f"{W}val") in (None, "continue")
                if hmerge is not None and hmerge.get(f"{W}val") in (None, "continue") and cells:
                    last = cells[-1]
                    cells[-1] = Cell(last.text, last.col, last.span + span, last.merged)
                else:
                    cells.append(Cell("" if merged else self._cell_text(tc), col, span, merged))
                col += span
            rows.append(cells)
        return rows

    def _cell_text(self, tc: etree._Element) -> str:
        lines: list[str] = []
        for p in tc.iter(f"{W}p"):
            if _nested(p, tc, tag=f"{W}tc"):
                continue
            text, _, _ = self._text(p)
            lines.append(self._number(p, text))
        return "\n".join(lines)


def _walk(el: etree._Element) -> Iterator[etree._Element]:
    """Descendants of *el* in document order, skipping subtrees that are not shown text."""
    for child in el:
        if not isinstance(child.tag, str) or child.tag in _SKIP:
            if child.tag == f"{W}instrText":
                yield child
            continue
        yield child
        yield from _walk(child)


def _row_cells(tr: etree._Element) -> Iterator[etree._Element]:
    """The cells of a row, also those wrapped in content controls or custom XML."""
    for el in tr:
        if el.tag == f"{W}tc":
            yield el
        elif el.tag in (f"{W}sdt", f"{W}customXml"):
            holder = el.find(f"{W}sdtContent") if el.tag == f"{W}sdt" else el
            if holder is not None:
                yield from _row_cells(holder)


def _nested(el: etree._Element, top: etree._Element, *, tag: str = f"{W}tbl") -> bool:
    """Is *el* inside another *tag* element below *top* (a nested table)?"""
    probe = el.getparent()
    while probe is not None and probe is not top:
        if probe.tag == tag or (tag == f"{W}tc" and probe.tag == f"{W}tbl"):
            return True
        probe = probe.getparent()
    return False


def _int(el: etree._Element | None, default: int) -> int:
    if el is None:
        return default
    try:
        return max(int(el.get(f"{W}val") or default), 0) or default
    except ValueError:
        return default
