"""The combined document's HTML cut into parts that are laid out on their own.

Every project table starts on a new page, and so does 第一部分 and (by
default) each part heading: what lies between two such page breaks does not
depend on anything before or after it but the page numbers. :func:`plan`
cuts the ``<body>`` into a *front* (title and 目录) and *chunks* (part one,
each part heading with the tables that follow it on its page, each table).
A chunk is a standalone HTML document (the same ``<head>``, only its own
elements in the ``<body>``); its pages are laid out, captured
(:mod:`jixiao.render.capture`) and cached on their own.

The front needs the other chunks' page numbers (its 目录 uses
``target-counter``), and every page needs its page number footer. So the
*skeleton* (:func:`skeleton_html`) is the front followed, for each chunk, by
one empty placeholder page per page of the chunk, holding the anchors (``id``)
that page holds: laid out, it gives the front's pages, the page number
footers of every page and the page of every anchor, at the cost of a few real
pages.

That is exact only when nothing else carries over from one chunk to the next:
:func:`unsupported` names what would (page-side or named page rules, running
headers, CSS counters, custom fonts, images …), and the caller then lays the
whole document out at once. Whether each chunk really starts on a new page is
checked after its layout (``Part.starts_page``); one that does not is laid
out again together with the chunk before it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import lxml.html
from lxml import etree

#: Marks a placeholder page of the skeleton (value: chunk index/page index).
PLACEHOLDER = "data-jx-placeholder"

#: Style sheet features that carry state from one page or element to the next,
#: or that captured pages cannot draw again; a document using any lays out whole.
_UNSUPPORTED_CSS = [
    (re.compile(r":(left|right|first|blank|nth|recto|verso)\b", re.I), "页面选择器（:first、:left …）"),
    (re.compile(r"(?<![\w-])page\s*:", re.I), "命名页面（page 属性）"),
    (re.compile(r"string-set|running\s*\(|(?<![\w-])element\s*\(|(?<![\w-])content\s*\(", re.I), "页眉页脚引用正文"),
    (re.compile(r"counter-(reset|increment|set)|(?<![\w-])counters?\s*\(\s*(?!pages?\s*\))", re.I), "CSS 计数器"),
    (re.compile(r"@font-face|@import|url\s*\(|image-set|(?<![\w-])image\s*\(", re.I), "外部资源（字体、样式表、图片）"),
    (re.compile(r"position\s*:\s*fixed|float\s*:\s*footnote|footnote-", re.I), "固定定位或脚注"),
    (re.compile(r"opacity|gradient|(?<![\w-])filter\s*:|mix-blend|box-shadow|(?<![\w-])transform\s*:", re.I),
     "透明、渐变或变换"),
    (re.compile(r"@color-profile|device-cmyk", re.I), "色彩配置"),
]
#: Elements whose content the captured pages cannot draw again, or that pull in other files.
_UNSUPPORTED_TAGS = {"img", "svg", "object", "embed", "video", "audio", "iframe", "picture", "canvas", "link",
                     "input", "select", "textarea", "button", "form", "base", "math"}


#: Selectors that depend on an element's siblings: a chunk lacks the body-level siblings of its sections.
_SIBLINGS = re.compile(r"(?<![\w~|^$*=-])[+~](?!=)|:(first|last|nth|only)-|-of-type|:has\(", re.I)


def unsupported(root: etree._Element, front: Sequence[etree._Element] = ()) -> str | None:
    """Why the document *root* must be laid out whole (a short reason), or None.

    Links to anchors (``href="#…"``) outside the *front* elements are a reason
    when a style sheet uses ``target-counter`` or ``target-text``: their page
    numbers would be counted within their own chunk.
    """
    sheets = [style.text or "" for style in root.iter("style")]
    css = "\n".join(sheets + [e.get("style") or "" for e in root.iter() if e.get("style")])
    for pattern, reason in _UNSUPPORTED_CSS:
        if pattern.search(css):
            return reason
    if any(_SIBLINGS.search(selector) for sheet in sheets for selector in _selectors(sheet)):
        return "按兄弟元素或位置选择的样式（+、~、:first-child 等）"
    tags = {e.tag for e in root.iter() if isinstance(e.tag, str)}
    if tags & _UNSUPPORTED_TAGS:
        return "图片、表单或外部文件（" + "、".join(sorted(tags & _UNSUPPORTED_TAGS)) + "）"
    if any(e.get("rel") for e in root.iter("a")):
        return "附件链接"
    if re.search(r"target-(counter|text)", css, re.I):
        body = root.find("body")
        rest = [child for child in (body if body is not None else ()) if not any(child is f for f in front)]
        if any((a.get("href") or "").startswith("#") for child in rest for a in child.iter("a")):
            return "正文中的页码引用（target-counter）"
    return None


def _selectors(css: str) -> Iterator[str]:
    """The selectors of the style rules in *css*, also inside ``@media`` and ``@supports``."""
    import tinycss2  # type: ignore[import-untyped]

    def walk(rules: list[Any]) -> Iterator[str]:
        for rule in rules:
            if rule.type == "qualified-rule":
                yield tinycss2.serialize(rule.prelude)
            elif rule.type == "at-rule" and rule.content is not None and rule.lower_at_keyword in ("media", "supports"):
                yield from walk(tinycss2.parse_rule_list(rule.content, skip_comments=True, skip_whitespace=True))

    yield from walk(tinycss2.parse_stylesheet(css, skip_comments=True, skip_whitespace=True))


@dataclass(frozen=True)
class Chunk:
    """Consecutive body elements laid out on their own pages."""

    #: Position in the document (0 = the first chunk after the front).
    index: int
    #: The section group it starts with, counted before any merging (what :func:`plan` takes in *merged*).
    group: int
    #: The chunk as a standalone HTML document.
    html: str
    #: Table numbers (``data-table`` of its sections) in the chunk.
    tables: tuple[int, ...]


@dataclass(frozen=True)
class Plan:
    """The front, the chunks, and what :func:`skeleton_html` needs to rebuild the document around them."""

    chunks: tuple[Chunk, ...]
    #: The front elements (serialised), before the first chunk.
    front: tuple[str, ...]
    #: The document with an empty body: (before the body's content, after it).
    shell: tuple[str, str]


def plan(html: str, merged: Sequence[int] = ()) -> Plan | str:
    """*html* cut at its sections, or why it cannot be (a short reason in Chinese).

    Each ``<section>`` child of the body starts a new chunk, except one of
    class ``jx-follows`` (it continues the page of what precedes it) and the
    chunks whose index is in *merged* (found after layout not to start a
    page). Whatever precedes the second section, the first one included, is
    the front.
    """
    root = lxml.html.document_fromstring(html)
    body = root.find("body")
    if body is None or (body.text or "").strip():
        return "正文中有段落以外的文字"
    children = list(body)
    if any((c.tail or "").strip() for c in children):
        return "正文中有段落以外的文字"
    groups: list[list[etree._Element]] = []
    for element in children:
        starts = (
            groups
            and isinstance(element.tag, str)
            and element.tag == "section"
            and "jx-follows" not in (element.get("class") or "").split()
        )
        if starts or not groups:
            groups.append([element])
        else:
            groups[-1].append(element)
    front, rest = groups[0], list(enumerate(groups[1:]))
    if merged:
        rest = _merge(rest, set(merged), front)
    reason = unsupported(root, front)
    if reason is not None:
        return reason
    for element in children:
        body.remove(element)
    body.text = "\n"
    shell = _shell(root)
    chunks = tuple(
        Chunk(index=i, group=number, html=shell[0] + "".join(_serialise(e) for e in group) + shell[1],
              tables=_tables(group))
        for i, (number, group) in enumerate(rest)
    )
    return Plan(chunks=chunks, front=tuple(_serialise(e) for e in front), shell=shell)


_Group = tuple[int, list[etree._Element]]


def _merge(groups: list[_Group], merged: set[int], front: list[etree._Element]) -> list[_Group]:
    """*groups* with each group whose number is in *merged* joined to the one before it (or the front)."""
    out: list[_Group] = []
    for number, group in groups:
        if number in merged:
            (out[-1][1] if out else front).extend(group)
        else:
            out.append((number, group))
    return out


def _shell(root: etree._Element) -> tuple[str, str]:
    text: str = lxml.html.tostring(root, encoding="unicode", doctype="<!DOCTYPE html>")
    head, _, tail = text.rpartition("</body>")
    return head, "</body>" + tail


def _serialise(element: etree._Element) -> str:
    out: str = lxml.html.tostring(element, encoding="unicode", with_tail=False)
    return out + "\n"


def _tables(group: Sequence[etree._Element]) -> tuple[int, ...]:
    numbers = []
    for element in group:
        for section in element.iter("section"):
            value = section.get("data-table") or ""
            if value.isdigit():
                numbers.append(int(value))
    return tuple(numbers)


def skeleton_html(plan: Plan, pages: Sequence[Sequence[Sequence[str]]]) -> str:
    """The front, then one placeholder page per chunk page holding that page's anchors.

    *pages* gives, for each chunk, the anchor names of each of its pages.
    """
    parts = [plan.shell[0], *plan.front]
    for index, chunk_pages in enumerate(pages):
        for number, anchors in enumerate(chunk_pages):
            inner = "".join(f'<div id="{_attr(a)}" style="height:0;margin:0"></div>' for a in anchors)
            parts.append(
                f'<div {PLACEHOLDER}="{index}/{number}" style="display:block;break-before:page;'
                f'height:0;margin:0;padding:0;border:0">{inner}</div>\n'
            )
    parts.append(plan.shell[1])
    return "".join(parts)


def _attr(value: str) -> str:
    return value.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;")
