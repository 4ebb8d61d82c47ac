"""``jixiao textconv``: a rendered .docx or .pdf as plain text, for ``git diff``.

Paragraphs are lines; a table is one line per cell, each prefixed with its row
(``产出指标／数量指标／工作完成率 ｜ 指标值：≥90%``), so that a change in one cell is a
change in one line and the line says where it is. Text a layout broke over
several lines inside a cell is joined again. Git calls this through
``.gitattributes`` (``*.docx diff=jixiao``) and ``git config diff.jixiao.textconv
"jixiao textconv"``.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from jixiao.chars import unjoined
from jixiao.docfile import read_document
from jixiao.errors import JixiaoError
from jixiao.vcs.celltext import one_line, table_lines
from jixiao.vcs.pdftext import pdf_lines
from jixiao.zipread import ZipReader

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


class TextconvError(JixiaoError):
    """The file cannot be read as a Word or PDF document."""


def _paragraph(p: object) -> str:
    parts: list[str] = []
    for el in p.iter(f"{W}t", f"{W}br", f"{W}tab", f"{W}cr"):  # type: ignore[attr-defined]
        if el.tag == f"{W}t":
            parts.append(el.text or "")
        elif el.tag == f"{W}tab":
            parts.append(" ")
        else:
            parts.append("\n")
    return unjoined("".join(parts))


def _docx_rows(table: object) -> list[list[str | None]]:
    rows: list[list[str | None]] = []
    for tr in table.findall(f"{W}tr"):  # type: ignore[attr-defined]
        row: list[str | None] = []
        for tc in tr.findall(f"{W}tc"):
            span = tc.find(f"{W}tcPr/{W}gridSpan")
            merge = tc.find(f"{W}tcPr/{W}vMerge")
            continued = merge is not None and merge.get(f"{W}val") in (None, "continue")
            text = "\n".join(_paragraph(p) for p in tc.findall(f"{W}p"))
            row.append(None if continued else text)
            row += [None] * (int(span.get(f"{W}val", "1")) - 1 if span is not None else 0)
        rows.append(row)
    return rows


def docx_lines(data: bytes, name: str = "文件") -> Iterator[str]:
    """Lines of a Word document's body (the package read under the limits of :mod:`jixiao.zipread`)."""
    from lxml import etree

    with ZipReader(data, name) as package:
        if "word/document.xml" not in package.names:
            raise TextconvError(f"{name} 不是可以读取的 Word 文件（.docx 包中没有 word/document.xml）")
        xml = package.read("word/document.xml")
    try:
        body = etree.fromstring(xml, parser=etree.XMLParser(resolve_entities=False, no_network=True)).find(f"{W}body")
    except etree.XMLSyntaxError as exc:
        raise TextconvError(f"{name} 不是可以读取的 Word 文件（.docx）：其中的 XML 无法解析（{exc}）") from None
    if body is None:
        return
    for el in body:
        if el.tag == f"{W}p":
            text = one_line(_paragraph(el))
            if text:
                yield text
        elif el.tag == f"{W}tbl":
            yield from table_lines(_docx_rows(el))


def textconv(path: Path) -> str:
    """The text of a .docx or .pdf file (told by its content, not its name).

    Both are read under limits (a .docx by :mod:`jixiao.zipread`, a PDF in a
    child process by :mod:`jixiao.vcs.pdftext`), so a file from someone else cannot
    hang ``git diff`` or exhaust memory.

    Raises:
        UsageError: the file does not exist or is not a regular file.
        JixiaoError: it is neither a Word nor a PDF file, cannot be read, or goes over a limit.
    """
    data = read_document(path)
    if not data:
        return ""
    if data.startswith(b"PK"):
        lines = list(docx_lines(data, path.name))
    elif data.lstrip()[:5] == b"%PDF-":
        lines = pdf_lines(data, path.name)
    else:
        raise TextconvError(f"「{path.name}」既不是 Word 文件（.docx）也不是 PDF 文件")
    return "".join(line + "\n" for line in lines)
