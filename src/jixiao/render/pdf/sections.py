"""The combined document's HTML taken apart: each project table as a document of its own.

Every project table is a ``<section data-table="N">`` of the combined HTML
(see ``document.html.j2``) and starts a new page. :func:`split` makes, for
each table, a standalone HTML document with the same ``<head>`` (style sheet,
title, attachments) and only that section in its ``<body>``: laid out, it
starts on page 1 and its page footers count from 1, like the project's own
Word file. :func:`relayout_html` makes the document in which a table whose
merged cells were cut is laid out again for the combined file: on a page of
the same side and with the same page numbers as in the combined layout.
:func:`standalone` and :func:`stand_ins` serve to put the combined document
together from the tables' own layouts (:mod:`jixiao.render.pdf.assemble`).

This module parses HTML with lxml (the tree WeasyPrint's own parser builds
for jixiao's templates) and does not import WeasyPrint.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import urljoin

import lxml.html
from lxml import etree

from jixiao.errors import RenderError
from jixiao.model.anchors import anchor_table, table_anchor

#: Style sheet features that make a page's margin boxes depend on pages before it (running
#: headers, page-based counters other than ``page``, named pages, page totals): with any of
#: them, a table laid out again cannot replace its pages in the combined layout. Left and
#: right pages (``@page :left``) do not: a table is laid out again on a page of its side.
_CARRIES_OVER = re.compile(
    r"counters?\(\s*pages\b|string-set|(?<![\w-])string\(|running\(|(?<![\w-])element\(|"
    r"counter-(reset|increment|set)|:nth|(?<![\w@-])page\s*:|@import",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class TableHtml:
    """One project table as a standalone HTML document."""

    number: int
    #: Its title (``data-title`` of its section), the per-project PDF's title.
    title: str
    html: str


def _missing(number: int) -> RenderError:
    return RenderError(
        f"PDF 排版中找不到第 {number} 个项目表（标记 {table_anchor(number)}）。HTML 模板是否删去了表题的 id（表.锚点）？"
    )


def _sections(body: etree._Element, numbers: Iterable[int]) -> dict[int, etree._Element]:
    """The element holding each table: its ``data-table`` section, else the body child holding ``#table-N``."""
    wanted = {str(n): n for n in numbers}
    found: dict[int, etree._Element] = {}
    for element in body.iter():
        number = wanted.get(element.get("data-table") or "")
        if number is not None and number not in found:
            found[number] = element
    for child in body:
        for element in child.iter():
            number = anchor_table(element.get("id") or "")
            if number is not None and str(number) in wanted:
                found.setdefault(number, child)
    missing = [n for n in wanted.values() if n not in found]
    if missing:
        raise _missing(missing[0])
    return found


def split(html: str, numbers: Iterable[int]) -> dict[int, TableHtml]:
    """Each table in *numbers* as a document of its own (see the module docstring)."""
    root = lxml.html.document_fromstring(html)
    body = root.find("body")
    if body is None:
        raise RenderError("HTML 模板生成的文档中没有 <body>。")
    sections = _sections(body, numbers)
    for child in list(body):
        body.remove(child)
    body.text = "\n"
    shell: str = lxml.html.tostring(root, encoding="unicode", doctype="<!DOCTYPE html>")
    head, _, tail = shell.rpartition("</body>")
    out = {}
    for number, section in sections.items():
        text = lxml.html.tostring(section, encoding="unicode", with_tail=False)
        out[number] = TableHtml(number, section.get("data-title") or "", f"{head}{text}\n</body>{tail}")
    return out


def can_relayout(html: str) -> bool:
    """Can a table of *html* be laid out again alone, its pages replacing those of the combined layout?"""
    root = lxml.html.document_fromstring(html)
    if any("stylesheet" in (link.get("rel") or "").lower().split() for link in root.iter("link")):
        return False
    css = "\n".join([style.text or "" for style in root.iter("style")] + [e.get("style") or "" for e in root.iter()])
    return _CARRIES_OVER.search(css) is None


_PAGE_SIDE = re.compile(r"@page[^{;]*:\s*(first|left|right|blank|nth)", re.IGNORECASE)


def alone_alike(html: str) -> bool:
    """Is a table of *html* that starts a page laid out alone (its own document) as in the combined layout?

    So when nothing carries over from page to page (:func:`can_relayout`) and
    no page rule depends on the side or number of the page (its own document
    starts on a first, right page).
    """
    if not can_relayout(html):
        return False
    root = lxml.html.document_fromstring(html)
    return not any(_PAGE_SIDE.search(style.text or "") for style in root.iter("style"))


def relayout_html(html: str, number: int, *, start: int, shown: int | None = None) -> tuple[str, int]:
    """Table *number* of *html* alone, to stand for combined pages from index *start* on.

    An empty page comes first; the section then starts on a page of the side
    (right for an even index) it starts on in the combined layout, and the
    page counter is set so that its first page shows number ``shown + 1``
    (*shown* is *start* unless pages before the text are not counted).
    Returns the HTML and the index of the page the table starts on.
    """
    root = lxml.html.document_fromstring(html)
    body, head = root.find("body"), root.find("head")
    if body is None or head is None:
        raise _missing(number)
    section = _sections(body, [number])[number]
    side, first = ("right", 2) if start % 2 == 0 else ("left", 1)
    for child in list(body):
        body.remove(child)
    body.text = None
    body.append(etree.Element("div", {"class": "jx-placeholder"}))
    style = section.get("style", "")
    section.set("style", f"{style}; break-before: {side}".lstrip("; "))
    section.tail = "\n"
    body.append(section)
    counter = etree.SubElement(head, "style")
    counter.text = (f"@page :first {{ counter-reset: page {(start if shown is None else shown) + 1 - first} }}"
                    " @page :blank { counter-increment: page 1 }")  # blank pages count here (目录页码)
    out: str = lxml.html.tostring(root, encoding="unicode", doctype="<!DOCTYPE html>")
    return out, first


def _blank(text: str | None) -> bool:
    return not (text or "").strip()


def leading_id(element: etree._Element | None) -> str | None:
    """The ``id`` at the very start of *element*: its own, else its first child's (with no text before it) …"""
    while element is not None:
        ident = element.get("id")
        if ident:
            return str(ident)
        if not _blank(element.text) or len(element) == 0:
            return None
        element = element[0]
    return None


def standalone(html: str) -> list[int]:
    """Tables of *html* that may stand on pages of their own: laid out alone, their pages are the combined ones.

    Their section is a child of ``<body>`` that begins with the table's title
    (``id="table-N"``), has no text around it and is not marked to continue
    the page before it (class ``jx-follows``); what follows it begins with an
    ``id``. Whether they do start and end a page is seen in the layout
    (:mod:`jixiao.render.pdf.assemble`).
    """
    root = lxml.html.document_fromstring(html)
    body = root.find("body")
    out: list[int] = []
    for section in body if body is not None else ():
        number = section.get("data-table") or ""
        first = section[0] if len(section) else None
        after = section.getnext()
        if (number.isdigit() and first is not None and first.get("id") == table_anchor(int(number))
                and _blank(section.text) and _blank(section.tail) and "jx-follows" not in (section.get("class") or "")
                and (after is None or leading_id(after) is not None)):
            out.append(int(number))
    return out


def stand_ins(html: str, pages: dict[int, int]) -> tuple[str, dict[int, str | None]]:
    """*html* with each table of *pages* replaced by a stand-in of as many pages, and the ``id`` that follows each.

    A stand-in keeps the section's own attributes and its title (the
    ``table-N`` anchor the 目录's page numbers and links point to), then
    breaks to a new page until it has as many pages as the table. Tables
    come from :func:`standalone`.
    """
    root = lxml.html.document_fromstring(html)
    body = root.find("body")
    if body is None:
        raise RenderError("HTML 模板生成的文档中没有 <body>。")
    after: dict[int, str | None] = {}
    for number, section in _sections(body, pages).items():
        title = section[0]
        for child in list(section):
            section.remove(child)
        section.append(title)
        title.tail = "\n"
        for _ in range(pages[number] - 1):
            etree.SubElement(section, "div", {"style": "break-before: page"}).tail = "\n"
        after[number] = leading_id(section.getnext())
    out: str = lxml.html.tostring(root, encoding="unicode", doctype="<!DOCTYPE html>")
    return out, after


@dataclass(frozen=True)
class AttachmentLink:
    """A ``<link rel="attachment">`` of the document: what WeasyPrint embeds in each PDF."""

    url: str
    description: str | None


def attachment_links(html: str, base_url: str | None) -> list[AttachmentLink]:
    """The document's ``<link rel="attachment">`` files, their URLs resolved as WeasyPrint does."""
    root = lxml.html.document_fromstring(html)
    out = []
    for link in root.iter("link"):
        if "attachment" in (link.get("rel") or "").lower().split() and link.get("href"):
            href = (link.get("href") or "").strip()
            out.append(AttachmentLink(urljoin(base_url, href) if base_url else href, link.get("title")))
    return out
