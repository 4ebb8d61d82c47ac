"""Read a .docx back into the seed dump format (see seedtext.py).

Paragraphs become lines (a line break inside a paragraph starts a new line);
a table row becomes one tab-prefixed line per cell and an empty line; a
vertically merged continuation cell is an empty cell, like in the seed dumps.
So a rendered document can be parsed and compared with the published one by
the same code.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

from lxml import etree

from jixiao.chars import unjoined

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def document_root(path: Path) -> etree._Element:
    with zipfile.ZipFile(path) as zf:
        return etree.fromstring(zf.read("word/document.xml"))


def paragraph_text(p: etree._Element) -> str:
    out: list[str] = []
    for el in p.iter(f"{W}t", f"{W}br", f"{W}tab", f"{W}instrText"):
        if el.tag == f"{W}t":
            out.append(el.text or "")
        elif el.tag == f"{W}br":
            out.append("\n")
        elif el.tag == f"{W}tab":
            out.append("\t")
    return unjoined("".join(out))


def cell_text(tc: etree._Element) -> str:
    return "\n".join(paragraph_text(p) for p in tc.findall(f"{W}p"))


def is_continuation(tc: etree._Element) -> bool:
    vm = tc.find(f"{W}tcPr/{W}vMerge")
    return vm is not None and vm.get(f"{W}val") in (None, "continue")


def dump(path: Path) -> str:
    """The document body of *path* in the seed dump format."""
    lines: list[str] = []
    body = document_root(path).find(f"{W}body")
    assert body is not None
    for el in body:
        if el.tag == f"{W}p":
            text = paragraph_text(el)
            if el.find(f"{W}pPr/{W}pStyle[@{W}val='JxTableTitle']") is not None:
                text = text.replace("\n", "")  # a title broken into balanced lines is one title
            lines += text.split("\n")
        elif el.tag == f"{W}tbl":
            for tr in el.findall(f"{W}tr"):
                for tc in tr.findall(f"{W}tc"):
                    text = "" if is_continuation(tc) else cell_text(tc)
                    first, *rest = text.split("\n")
                    lines.append("\t" + first)
                    lines += rest
                lines.append("")
    return "\n".join(lines) + "\n"
