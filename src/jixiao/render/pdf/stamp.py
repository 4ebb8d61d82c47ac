"""Page footers stamped onto laid-out pages, so that one layout serves files numbered differently.

A table's pages are the same in the combined document and in the project's
own file, except for the footer: "— 12 —" in the one, "— 1 —" in the other.
WeasyPrint draws margin boxes as part of each page, so jixiao lays pages out
*bare*, without margin boxes (the user style sheet :data:`BARE_CSS`), and
draws the margin boxes of page *n* from a second, almost empty document of
the same style sheet: :func:`footer_html` holds nothing but one empty block
per page, and the user style sheet :data:`FOOTERS_CSS` clears the
backgrounds of the root and body elements, so that such a page draws only
its margin boxes. A file is written from the pages in pairs — a bare page,
then the footer page of its number — and :func:`stamp`, a finisher (part of
``write_pdf``'s documented API), appends the content of each footer page to
the page before it and takes the footer page out of the page tree. The
result shows and reads as WeasyPrint's own drawing of the page: the body,
then the margin boxes, in one content stream, with the fonts of both.

This is exact only when margin boxes depend on nothing but the page number
(and so on the side, left or right, and whether it is the first page: the
footer page of number *n* is such a page too) and the style sheet paints
nothing else on the page box (:func:`stampable`): no named pages, ``:blank``
or ``:nth()`` pages, running headers, page totals or counters of its own, no
page background or border, no margins of left or right pages of their own.
Otherwise each file is laid out with its own page numbers, as WeasyPrint
does by itself.

This module does not import WeasyPrint.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Any, TypeVar

import lxml.html
import pydyf
import tinycss2
from lxml import etree

from jixiao.render.pdf.sections import can_relayout

__all__ = ["BARE_CSS", "FOOTERS_CSS", "NotStampable", "footer_html", "interleave", "stamp", "stampable"]

#: The sixteen margin boxes of CSS Paged Media.
MARGIN_BOXES = (
    "top-left-corner", "top-left", "top-center", "top-right", "top-right-corner",
    "right-top", "right-middle", "right-bottom",
    "bottom-right-corner", "bottom-right", "bottom-center", "bottom-left", "bottom-left-corner",
    "left-bottom", "left-middle", "left-top",
)

#: User style sheet of bare pages: no margin boxes (page counters still count, for the 目录).
BARE_CSS = "@page { " + " ".join(f"@{box} {{ content: none !important; }}" for box in MARGIN_BOXES) + " }"

#: User style sheet of the footer document: nothing painted but the margin boxes.
FOOTERS_CSS = (
    "@page { background: none !important; } "
    "html, body { background: none !important; border: none !important; "
    "box-shadow: none !important; outline: none !important; }"
)

#: Page selectors whose margin boxes may be stamped (``""``: every page).
_SIDES = frozenset({"", "left", "right", "first"})

#: Properties of ``@page`` itself (not of its margin boxes) that paint the page box.
_PAINTS = re.compile(r"^(background|border|box-shadow|outline|marks)", re.IGNORECASE)


class NotStampable(Exception):  # noqa: N818 - a condition, caught by the caller
    """The pages cannot be stamped as planned; lay each file out with its own page numbers."""


def stampable(html: str) -> bool:
    """May *html*'s footers be stamped (see the module docstring)?"""
    if not can_relayout(html):  # page selectors, named pages, running headers, counters, outside style sheets
        return False
    root = lxml.html.document_fromstring(html)
    css = "\n".join(style.text or "" for style in root.iter("style"))
    return all(_page_rule_paints_nothing(rule) for rule in _page_rules(tinycss2.parse_stylesheet(css)))


def _page_rules(rules: Iterable[Any]) -> Iterable[Any]:
    """Every ``@page`` rule, also inside ``@media`` and other block at-rules."""
    for rule in rules:
        if getattr(rule, "type", "") != "at-rule":
            continue
        if rule.lower_at_keyword == "page":
            yield rule
        elif rule.content is not None:
            yield from _page_rules(tinycss2.parse_rule_list(rule.content))


def _page_selector(prelude: Iterable[Any]) -> str | None:
    """``""`` for ``@page``, ``"left"`` for ``@page :left`` …; None for a named page or a list of selectors."""
    tokens = [token for token in prelude if token.type not in ("whitespace", "comment")]
    if not tokens:
        return ""
    if (len(tokens) == 2 and tokens[0].type == "literal" and tokens[0].value == ":"
            and tokens[1].type == "ident"):
        return str(tokens[1].lower_value)
    return None


def _page_rule_paints_nothing(rule: Any) -> bool:
    """Does the ``@page`` *rule* paint nothing on the page box, its margin boxes depending only on the page number?

    ``:left``, ``:right`` and ``:first`` pages are the same pages in a footer
    document numbered alike (page 1 is the first, a right page; the
    footer pages of a project's own file count from 1 as its pages do), so
    their margin boxes may differ, but nothing else of them (their margins
    would lay a table out differently in the combined file and its own).
    """
    selector = _page_selector(rule.prelude)
    if selector not in _SIDES:
        return False  # a named page, :blank, :nth() …
    for item in tinycss2.parse_declaration_list(rule.content or [], skip_comments=True, skip_whitespace=True):
        if item.type == "declaration" and (selector or _PAINTS.match(item.lower_name)):
            return False
        if item.type == "at-rule" and item.lower_at_keyword not in MARGIN_BOXES:
            return False
    return True


def footer_html(html: str, count: int) -> str:
    """A document of *count* pages with *html*'s ``<head>`` and nothing but an empty block on each page."""
    root = lxml.html.document_fromstring(html)
    body = root.find("body")
    if body is None:
        raise NotStampable("no <body>")
    for child in list(body):
        body.remove(child)
    body.text = "\n"
    for index in range(count):
        block = etree.SubElement(body, "div")
        if index:
            block.set("style", "break-before: page")
        block.tail = "\n"
    out: str = lxml.html.tostring(root, encoding="unicode", doctype="<!DOCTYPE html>")
    return out


T = TypeVar("T")


def interleave(pages: Sequence[T], footers: Sequence[T]) -> list[T]:
    """Each page followed by the footer page of its number (the first footer page for the first page)."""
    if len(footers) < len(pages):
        raise NotStampable(f"{len(footers)} footer pages for {len(pages)} pages")
    return [page for pair in zip(pages, footers, strict=False) for page in pair]


def stamp(pdf: Any) -> None:
    """Draw each even-numbered page of the pydyf *pdf* onto the page before it, then drop it from the page tree.

    The page before keeps its own content, wrapped in ``q``/``Q`` so that the
    footer page's drawing starts from the same graphics state as its own.
    The dropped page's dictionary is emptied (pydyf numbers objects by their
    place, so it stays as an empty object); its content stream is emptied too.
    """
    kids = pdf.pages["Kids"]
    numbers = list(kids[0::3])
    if len(numbers) % 2 or list(kids[1::3]) != [0] * len(numbers) or list(kids[2::3]) != ["R"] * len(numbers):
        raise NotStampable("unexpected page tree")
    kept = pydyf.Array()
    for own, footer in zip(numbers[0::2], numbers[1::2], strict=True):
        page, over = pdf.objects[own], pdf.objects[footer]
        if page.get("Resources") != over.get("Resources") or page.get("MediaBox") != over.get("MediaBox"):
            raise NotStampable("pages with resources or sizes of their own")
        body, extra = _stream(pdf, page.get("Contents")), _stream(pdf, over.get("Contents"))
        body.stream = [b"q", *body.stream, b"Q", *extra.stream]
        extra.stream = []
        if over.get("Annots"):
            page["Annots"] = pydyf.Array([*page.get("Annots", []), *over["Annots"]])
        over.clear()
        kept.extend([own, 0, "R"])
    pdf.pages["Kids"] = kept
    pdf.pages["Count"] = len(numbers) // 2


def _stream(pdf: Any, reference: Any) -> Any:
    """The content stream a page's ``Contents`` refers to (``b"12 0 R"``)."""
    parts = reference.split() if isinstance(reference, bytes) else []
    if len(parts) != 3 or not parts[0].isdigit():
        raise NotStampable("unexpected page contents")
    stream = pdf.objects[int(parts[0])]
    if not isinstance(stream, pydyf.Stream):
        raise NotStampable("unexpected page contents")
    return stream
