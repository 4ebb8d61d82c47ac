"""The jobs that run WeasyPrint: lay out a part, assemble the combined PDF, or lay out the whole document.

Each job runs in a worker (:mod:`jixiao.render.workers`) or in this process,
and takes and returns plain data only (:mod:`jixiao.render.records`):

* :func:`lay_out` lays out one part (a chunk, or the skeleton; see
  :mod:`jixiao.render.chunks`), cutting merged cells at page breaks as
  :func:`jixiao.render.pdf.layout_pdf` does, and captures every page
  (:mod:`jixiao.render.capture`);
* :func:`write_tables` writes the PDF file of each project table of some
  parts (:mod:`jixiao.render.replay`);
* :func:`assemble` writes the combined PDF from the captured parts;
* :func:`whole` is the fallback: the whole document laid out at once
  (:func:`jixiao.render.pdf.layout_pdf`).

Fonts and Fontconfig state are set up once per process (:func:`warm_up`)
and shared by its jobs; the records do not depend on what a process did
before (see :func:`jixiao.render.capture.capture`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

from jixiao.render.wpimport import import_weasyprint

import_weasyprint()

import cssselect2  # type: ignore[import-untyped]  # noqa: E402
import lxml.html  # noqa: E402
import weasyprint  # noqa: E402
from weasyprint.formatting_structure import boxes  # noqa: E402

from jixiao.chars import NOT_PRINTABLE  # noqa: E402
from jixiao.render import cssmemo  # noqa: E402
from jixiao.render.breaks import scan, split_merged  # noqa: E402
from jixiao.render.capture import NotReplayable, capture  # noqa: E402
from jixiao.render.chunks import PLACEHOLDER  # noqa: E402
from jixiao.render.fetcher import TemplateFetcher, refusals_stop  # noqa: E402
from jixiao.render.pagebox import (  # noqa: E402
    MAX_LAYOUTS,
    collecting,
    gc_paused,
    shares_first_page,
    table_alone,
    table_ranges,
)
from jixiao.render.records import (  # noqa: E402
    Part,
    combined_sheets,
    front_pages,
    pack_pages,
    table_sheets,
    unpack_pages,
)
from jixiao.render.replay import FontBank, StaleFont, write_pages  # noqa: E402

#: Breaks that ask for a page of one side: the page count before them would matter.
_SIDES = ("left", "right", "recto", "verso")


@dataclass
class _Process:
    """Fonts and Fontconfig state shared by the jobs of one process."""

    config: Any = None
    pristine: dict[Any, Any] = field(default_factory=dict)
    bank: FontBank | None = None


_STATE = _Process()


def warm_up() -> None:
    """Set up this process's fonts (a worker does it while the spec loads)."""
    if _STATE.config is None:
        from weasyprint.text.fonts import FontConfiguration

        cssmemo.install()

        _STATE.config = FontConfiguration()
        _STATE.bank = FontBank(_STATE.config)


#: A small document in the built-in style: laid out once by :func:`prepare`.
_SAMPLE = """<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><style>{css}</style></head><body>
<p class="jx-title">年度部门绩效目标</p><h1 id="part-1">第一部分<br>预算项目绩效目标</h1>
<section class="jx-table-section" data-table="1" data-title="1.项目绩效目标表">
<h2 id="table-1" class="jx-table-title">1.项目绩效目标表</h2><table class="jx-grid"><thead><tr data-row="0">
<th data-col="0">一级指标</th><th data-col="1">指标值</th></tr></thead><tbody><tr data-row="1"><td data-col="0">产出指标</td>
<td data-col="1" class="jx-left">≥100%，2025年12月31日前完成（万元）</td></tr></tbody></table></section></body></html>"""


def prepare() -> None:
    """A worker's warm-up: :func:`warm_up`, then a small document laid out and written.

    Loading the fonts and filling WeasyPrint's and Pango's caches costs the
    first layout of a process some 50 ms; done here, while the spec is read,
    in the process the workers are forked from, it is done once for all of
    them. What is laid out and written later does not depend on it.
    """
    warm_up()
    from jixiao.resources import builtin_templates

    try:
        css = (builtin_templates() / "html" / "style.css").read_text(encoding="utf-8")
        part = lay_out(_SAMPLE.format(css=css), [builtin_templates() / "html"], dt.date(2000, 1, 1), "")
        if isinstance(part, Part):
            write_tables([part], dt.date(2000, 1, 1), "")
    except Exception:  # noqa: BLE001, S110 - only a warm-up: the real work reports any problem
        pass


def _bank() -> FontBank:
    warm_up()
    assert _STATE.bank is not None
    return _STATE.bank


def lay_out(html: str, template_dirs: Sequence[Path], issued: dt.date, title: str, skeleton: bool = False) -> Part | str:
    """Lay out *html* and capture it; a reason (str) when its pages cannot be captured."""
    try:
        return _lay_out(html, template_dirs, issued, title, skeleton)
    except NotReplayable as exc:
        return str(exc)


def _lay_out(html: str, template_dirs: Sequence[Path], issued: dt.date, title: str, skeleton: bool) -> Part:
    warm_up()
    dirs = [Path(d) for d in template_dirs]
    fetcher = TemplateFetcher(dirs)
    base_url = dirs[0].absolute().as_uri() + "/" if dirs else None
    warnings: list[str] = []
    html = NOT_PRINTABLE.sub("", html)

    def render(text: str) -> Any:
        return _parsed(text, base_url, fetcher).render(font_config=_STATE.config)

    with refusals_stop(fetcher), collecting(warnings), gc_paused():
        document = render(html)
        found = scan(document.pages)
        cut = split_merged(html, found.page_starts)
        for _ in range(MAX_LAYOUTS - 1):
            if cut is None:
                break
            html = cut[0]
            document = render(html)
            found = scan(document.pages)
            cut = split_merged(html, found.page_starts)
        pages = document.pages
        ranges = table_ranges(pages, found.sections)
        if skeleton:  # the placeholders hold the other tables' anchors, not their pages
            ranges = {n: r for n, r in ranges.items() if n in found.sections}
        records = [capture(page, _STATE.pristine) for page in pages]
        alone = {
            number: capture(pages[start], _STATE.pristine, body=table_alone(pages[start], number))
            for number, (start, _) in ranges.items()
            if shares_first_page(pages[start], number)
        }
        starts, sided = _first_break(pages[0]) if pages else (True, False)
        metadata = document.metadata
        part = Part(
            pages_data=pack_pages(records, alone), anchors=[[a[0] for a in r.anchors] for r in records],
            tables=ranges, titles=dict(found.titles), starts_page=starts, sided=sided,
            placeholders=[_placeholder(page._page_box) for page in pages] if skeleton else [],
            head={"authors": list(metadata.authors), "description": metadata.description,
                  "keywords": list(metadata.keywords), "generator": metadata.generator, "lang": metadata.lang},
            warnings=warnings,
        )
    return part


def write_tables(parts: Sequence[Part], issued: dt.date, title: str) -> list[dict[int, bytes]] | str:
    """The PDF file of each table of each part (numbered from 1, titled as the table); "stale" if a font changed."""
    try:
        return _write_tables(parts, issued, title)
    except StaleFont:
        return "stale"


def _write_tables(parts: Sequence[Part], issued: dt.date, title: str) -> list[dict[int, bytes]]:
    out = []
    warnings: list[str] = []
    with collecting(warnings), gc_paused():
        for part in parts:
            meta = part.meta(title, issued)
            pages, alone = unpack_pages(part.pages_data)
            out.append({
                number: write_pages(table_sheets(pages, alone, part, number),
                                    meta.titled(part.titles.get(number) or title), _bank())
                for number in part.tables
            })
    return out


def _parsed(text: str, base_url: str | None, fetcher: TemplateFetcher) -> Any:
    """``weasyprint.HTML(string=text)``, parsed by lxml rather than by WeasyPrint's pure-Python parser.

    The parts' HTML is lxml's own serialisation (:mod:`jixiao.render.chunks`),
    which lxml reads back as WeasyPrint's parser does, but some ten times
    faster; the whitespace the HTML5 rules move or drop around ``<html>`` and
    ``<body>`` is moved or dropped here too, so the tree is the same.
    """
    root = _element(lxml.html.document_fromstring(text))
    root.text = None
    body = root.find("body")
    if body is not None and body.tail:
        last = body[-1] if len(body) else None
        if last is not None:
            last.tail = (last.tail or "") + body.tail
        else:
            body.text = (body.text or "") + body.tail
        body.tail = None
    html = weasyprint.HTML.__new__(weasyprint.HTML)
    html.base_url = base_url
    html.url_fetcher = fetcher
    html.media_type = "print"
    html.wrapper_element = cssselect2.ElementWrapper.from_html_root(root, content_language=None)
    html.etree_element = html.wrapper_element.etree_element
    return html


def _element(source: Any) -> ElementTree.Element:
    """*source* (lxml) as an ElementTree element, without comments and processing instructions."""
    out = ElementTree.Element(source.tag, dict(source.attrib))
    out.text = source.text
    for child in source:
        if isinstance(child.tag, str):
            copy = _element(child)
            copy.tail = child.tail
            out.append(copy)
        elif child.tail:  # a comment's tail is text of its parent
            if len(out):
                out[-1].tail = (out[-1].tail or "") + child.tail
            else:
                out.text = (out.text or "") + child.tail
    return out


def assemble(skeleton: Part, chunks: Sequence[Part], issued: dt.date, title: str) -> bytes | str | None:
    """The combined PDF; None if the skeleton's placeholders do not match the chunks, "stale" if a font changed."""
    front = front_pages(skeleton, chunks)
    if front is None:
        return None
    warnings: list[str] = []
    sheets = combined_sheets(unpack_pages(skeleton.pages_data)[0], [unpack_pages(c.pages_data)[0] for c in chunks],
                             front)
    try:
        with collecting(warnings):
            return write_pages(sheets, skeleton.meta(title, issued), _bank())
    except StaleFont:
        return "stale"


def whole(html: str, template_dirs: Sequence[Path], issued: dt.date, title: str, numbers: Sequence[int],
          combined: bool) -> tuple[bytes | None, dict[int, bytes], dict[str, int], list[str]]:
    """The whole document laid out at once: (combined PDF, project PDFs, anchor pages, warnings)."""
    from jixiao.render.pdf import layout_pdf

    layout = layout_pdf(html, template_dirs, issued=issued, title=title)
    data, parts = layout.write_set(numbers, combined=combined)
    return data, parts, layout.anchor_pages(), layout.warnings


def _first_break(page: Any) -> tuple[bool, bool]:
    """(a forced page break before the body's first element, a page side asked for), from the first page."""
    chain = []
    root = next((c for c in page._page_box.children if isinstance(c, boxes.BlockBox)), None)
    body = root.children[0] if root is not None and root.children else None
    node = body.children[0] if isinstance(body, boxes.ParentBox) and body.children else None
    while node is not None:
        chain.append(node.style["break_before"])
        node = node.children[0] if isinstance(node, boxes.BlockContainerBox) and node.children else None
    sided = any(b in _SIDES for b in chain)
    return "page" in chain or sided, sided


def _placeholder(box: Any) -> str:
    """The placeholder label on the skeleton page *box* ("" for a page of the front)."""
    element = box.element
    if element is not None and element.get(PLACEHOLDER):
        return str(element.get(PLACEHOLDER))
    for child in getattr(box, "children", ()):
        if isinstance(child, boxes.Box):
            found = _placeholder(child)
            if found:
                return found
    return ""
