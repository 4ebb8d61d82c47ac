"""Laid-out pages captured as plain data (:mod:`jixiao.render.records`).

A WeasyPrint page (its box tree) lives only in the process that laid it out
and cannot be pickled or cached. :func:`capture` draws it once into a PDF
content stream and keeps what a PDF writer needs to draw it again anywhere
(:mod:`jixiao.render.replay`): the operators, and for each font the
description Pango loads it by, the size it was first used at, a fingerprint
of the font file and the glyphs used (width, text) in first-use order; the
page's size, anchors, links and bookmarks. The page body and its margin boxes
(page number footer …) are captured apart, so that the pages of a table laid
out on their own can be numbered as in the combined document.

Only what replays exactly is captured. A page that draws images, gradients,
transparency groups or glyphs missing from every font, or uses bitmap or
colour fonts, raises :class:`NotReplayable`; the caller then lays the whole
document out at once, as before.

Reads WeasyPrint 70 internals: ``Page._page_box``, ``pdf.stream.Stream`` and
``pdf.fonts.Font`` (see README「依赖及其用途」).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pydyf
from weasyprint.document import Page
from weasyprint.draw import draw_stacking_context
from weasyprint.formatting_structure.boxes import MarginBox
from weasyprint.pdf.stream import Stream
from weasyprint.stacking import StackingContext
from weasyprint.text.ffi import ffi, pango
from weasyprint.text.fonts import get_pango_font_key

from jixiao.render.pdffonts import FontStore, face_id, lazy_font
from jixiao.render.records import Drawing, FontUse, PageRecord

#: PDF points per CSS pixel (WeasyPrint's zoom 1).
SCALE = 0.75


class NotReplayable(Exception):  # noqa: N818 - a condition, not an error to report
    """A page draws something :mod:`jixiao.render.replay` cannot draw again."""


class _CaptureStream(Stream):  # type: ignore[misc]
    """A content stream that notes each font's description and size at its first use."""

    def __init__(self, fonts: dict[Any, Any]) -> None:
        resources = pydyf.Dictionary({
            "ExtGState": pydyf.Dictionary(), "XObject": pydyf.Dictionary(), "Pattern": pydyf.Dictionary(),
            "Shading": pydyf.Dictionary(), "ColorSpace": None,
        })
        super().__init__(fonts, (0, 0, 0, 0), resources, {}, None, {}, None, compress=False)
        self.first_use: dict[str, tuple[Any, str, float]] = {}

    def add_font(self, pango_font: Any) -> Any:
        # As Stream.add_font, but the font does not copy its file: capturing only draws.
        key, description, size = get_pango_font_key(pango_font)
        if key not in self._fonts:
            self._fonts[key] = lazy_font(pango_font, description, size)
        font = self._fonts[key]
        if font.hash not in self.first_use:
            _, fresh, font_size = get_pango_font_key(pango_font)  # Font() may have changed *description*
            text = ffi.string(pango.pango_font_description_to_string(fresh)).decode()
            self.first_use[font.hash] = (font, text, float(font_size))
        return font, size


def capture(page: Any, pristine: dict[Any, Any], *, body: Any = None) -> PageRecord:
    """*page* (a WeasyPrint ``Page``) as data; *body*: another page whose content to take instead.

    *pristine* is the fonts store shared by the captures of one process
    (:class:`~jixiao.render.pdffonts.FontStore`); each drawing still starts
    with fresh glyph bookkeeping, so a record does not depend on what was
    captured before it.
    """
    box = page._page_box
    inner = (body if body is not None else page)._page_box
    content = inner.copy()
    content.children = tuple(c for c in inner.children if not isinstance(c, MarginBox))
    margins = box.copy()
    margins.children = tuple(c for c in box.children if isinstance(c, MarginBox))
    shown = Page(content)

    def paint_body(stream: Any) -> None:
        shown.paint(stream, SCALE)

    def paint_margins(stream: Any) -> None:
        with stream.stacked():
            stream.transform(a=SCALE, d=SCALE)
            draw_stacking_context(stream, StackingContext.from_page(margins))

    if any(link[0] not in ("internal", "external") for link in shown.links):
        raise NotReplayable("attachment link")
    if any(shown.forms.values()):
        raise NotReplayable("form fields")
    return PageRecord(
        width=float(page.width),
        height=float(page.height),
        bleed=tuple(float(page.bleed[side]) for side in ("top", "right", "bottom", "left")),  # type: ignore[arg-type]
        body=_draw(paint_body, pristine),
        margins=_draw(paint_margins, pristine),
        anchors=tuple((name, *map(float, where)) for name, where in shown.anchors.items()),
        links=tuple((kind, str(target), *map(float, rect)) for kind, target, rect, _ in shown.links),
        bookmarks=tuple(
            (int(level), str(label), float(x), float(y), str(state))
            for level, label, (x, y), state in shown.bookmarks
        ),
    )


def _draw(paint: Callable[[Any], None], pristine: dict[Any, Any]) -> Drawing:
    stream = _CaptureStream(FontStore(pristine))
    paint(stream)
    resources = stream._resources
    if any(resources[kind] for kind in ("XObject", "Pattern", "Shading")) or stream._images:
        raise NotReplayable("images, gradients or transparency groups")
    states = []
    for key, state in resources["ExtGState"].items():
        items = list(state.items())
        if len(items) != 1 or items[0][0] not in ("ca", "CA"):
            raise NotReplayable("graphics state")
        states.append((str(key), str(items[0][0]), float(items[0][1])))
    fonts = []
    for font_hash, (font, description, size) in stream.first_use.items():
        if font.missing or font.bitmap or font.png or font.svg or font.colr:
            raise NotReplayable("missing glyphs, bitmap or colour font")
        glyphs = tuple((int(gid), int(font.widths[gid]), str(text)) for gid, text in font.to_unicode.items())
        fonts.append(FontUse(font_hash, description, size, face_id(font), glyphs))
    ops = b"\n".join(pydyf._to_bytes(item) for item in stream.stream)
    return Drawing(ops, tuple(fonts), tuple(states))
