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


def is_head(tr: etree._Element) -> bool:
    """Is *tr* a repeated column-title row (``w:tblHeader``)?"""
    return tr.find(f"{W}trPr/{W}tblHeader") is not None


def row_texts(tr: etree._Element) -> list[str]:
    return [cell_text(tc) for tc in tr.findall(f"{W}tc")]


def dump(path: Path) -> str:
    """The document body of *path* in the seed dump format.

    jixiao cuts a table where its PDF starts a page (the next part repeats the
    column titles and the labels of the merged cells it cuts); a part that
    goes on from the table before is read as that table going on: the
    repeated title row is left out and a repeated label is a merged cell's
    continuation, as in a table Word breaks by itself.
    """
    lines: list[str] = []
    body = document_root(path).find(f"{W}body")
    assert body is not None
    head: list[str] | None = None  # the column titles of the last indicator table
    labels: dict[int, str] = {}  # grid column → label of the merged cell open there at the end of that table
    after_indicators = False  # only empty paragraphs since an indicator table
    for el in body:
        if el.tag == f"{W}p":
            text = paragraph_text(el)
            if el.find(f"{W}pPr/{W}pStyle[@{W}val='JxTableTitle']") is not None:
                text = text.replace("\n", "")  # a title broken into balanced lines is one title
            lines += text.split("\n")
            after_indicators = after_indicators and not text.strip()
        elif el.tag == f"{W}tbl":
            rows = el.findall(f"{W}tr")
            goes_on = after_indicators and bool(rows) and is_head(rows[0]) and row_texts(rows[0]) == head
            after_indicators = bool(rows) and is_head(rows[0])
            if after_indicators:
                head = row_texts(rows[0])
            if goes_on:
                rows = rows[1:]
            else:
                labels = {}
            for r, tr in enumerate(rows):
                col = 0
                for tc in tr.findall(f"{W}tc"):
                    text = "" if is_continuation(tc) else cell_text(tc)
                    if goes_on and r == 0 and text and labels.get(col) == text:
                        text = ""  # the label repeated on the new page
                    vm = tc.find(f"{W}tcPr/{W}vMerge")
                    if vm is not None and vm.get(f"{W}val") == "restart":
                        labels[col] = text or labels.get(col, "")
                    elif vm is None:
                        labels.pop(col, None)
                    span = tc.find(f"{W}tcPr/{W}gridSpan")
                    col += int(span.get(f"{W}val") or 1) if span is not None else 1
                    first, *rest = text.split("\n")
                    lines.append("\t" + first)
                    lines += rest
                lines.append("")
    return "\n".join(lines) + "\n"
