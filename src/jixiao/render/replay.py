"""PDF files written from captured pages (:mod:`jixiao.render.records`), without laying anything out.

:func:`write_pages` hands WeasyPrint's own PDF writer pages that, asked to
paint, append the captured operators; anchors, links, bookmarks, metadata,
file identifier and the embedded font subsets are WeasyPrint's as for any
document. Fonts are loaded by their Pango description (:class:`FontBank`)
and checked against the fingerprint taken at capture time; a font that is no
longer the same file raises :class:`StaleFont`, and the caller lays the
pages out again.

The output depends only on the records, their order and the metadata: the
same records give the same bytes in any process, whatever it laid out or
wrote before, which is what lets cached pages and pages laid out in other
processes make the same file as a cold render.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import pydyf
from weasyprint.document import Document
from weasyprint.pdf.metadata import DocumentMetadata
from weasyprint.text.ffi import TO_UNITS, ffi, gobject, pango
from weasyprint.text.fonts import FontConfiguration, get_pango_font_key

from jixiao.chars import printable
from jixiao.render.capture import SCALE
from jixiao.render.pdffonts import _fresh, compact_fonts, face_id, finisher, lazy_font
from jixiao.render.records import FontUse, Meta, Sheet

_WRITE_OPTIONS: dict[str, Any] = {"pdf_identifier": True, "uncompressed_pdf": False}


class StaleFont(Exception):  # noqa: N818 - a condition the caller handles
    """A captured font is not the font Pango loads for its description now."""


class FontBank:
    """Fonts loaded by description, one per description and size, shared by the writes of a process."""

    def __init__(self, font_config: Any | None = None) -> None:
        self._config = font_config
        self._pristine: dict[tuple[str, float], Any] = {}
        self._context: Any = None

    @property
    def config(self) -> Any:
        """The Fontconfig configuration fonts are loaded from (made on first use)."""
        if self._config is None:
            self._config = FontConfiguration()
        return self._config

    def fresh(self, use: FontUse) -> Any:
        """A font for *use*, with empty glyph bookkeeping."""
        key = (use.description, use.size)
        font = self._pristine.get(key)
        if font is None:
            font = self._pristine[key] = self._load(use)
        if font.hash != use.hash or face_id(font) != use.face:
            raise StaleFont(use.description)
        return _fresh(font)

    def _load(self, use: FontUse) -> Any:
        if self._context is None:
            self._context = ffi.gc(pango.pango_font_map_create_context(self.config.font_map), gobject.g_object_unref)
        _declare()
        description = ffi.gc(
            pango.pango_font_description_from_string(use.description.encode()), pango.pango_font_description_free
        )
        pango.pango_font_description_set_absolute_size(description, use.size * TO_UNITS)
        pango_font = pango.pango_font_map_load_font(self.config.font_map, self._context, description)
        if pango_font == ffi.NULL:
            raise StaleFont(use.description)
        pango_font = ffi.gc(pango_font, gobject.g_object_unref)
        _, loaded, size = get_pango_font_key(pango_font)
        if abs(size - use.size) > 1e-6:
            raise StaleFont(use.description)
        font = lazy_font(pango_font, loaded, size)
        font._jixiao_pango = pango_font  # the Pango font owns the HarfBuzz face the font reads
        return font


_DECLARED = False


def _declare() -> None:
    """Declare the one Pango function WeasyPrint's bindings lack."""
    global _DECLARED
    if not _DECLARED:
        ffi.cdef("PangoFontDescription * pango_font_description_from_string (const char *str);")
        _DECLARED = True


@dataclass
class _LinkBox:
    """Stands in for the box of a link: WeasyPrint hangs the link's annotation on it."""

    link_annotation: Any = None
    element: Any = None


@dataclass
class _ReplayPage:
    """What WeasyPrint's PDF writer reads of a page, painting captured operators."""

    sheet: Sheet
    bank: FontBank
    width: float = 0
    height: float = 0
    bleed: dict[str, float] = field(default_factory=dict)
    links: list[Any] = field(default_factory=list)
    anchors: dict[str, tuple[float, float, float, float]] = field(default_factory=dict)
    bookmarks: list[Any] = field(default_factory=list)
    forms: dict[Any, list[Any]] = field(default_factory=lambda: {None: []})

    def __post_init__(self) -> None:
        record = self.sheet.record
        self.width, self.height = record.width, record.height
        self.bleed = dict(zip(("top", "right", "bottom", "left"), record.bleed, strict=True))
        self.links = [(kind, target, (x, y, w, h), _LinkBox()) for kind, target, x, y, w, h in record.links]
        self.anchors = {name: (x, y, w, h) for name, x, y, w, h in record.anchors}
        self.bookmarks = [(level, label, (x, y), state) for level, label, x, y, state in record.bookmarks]

    def paint(self, stream: Any, scale: float = 1) -> None:
        if abs(scale - SCALE) > 1e-9:
            raise ValueError("captured pages are written at zoom 1")
        fonts, states = stream._fonts, stream._resources["ExtGState"]
        for drawing in self.sheet.drawings:
            for use in drawing.fonts:
                font = fonts.get(use.hash)
                if font is None:
                    font = fonts[use.hash] = self.bank.fresh(use)
                for gid, width, text in use.glyphs:
                    font.widths.setdefault(gid, width)
                    font.to_unicode.setdefault(gid, text)
            for key, name, value in drawing.states:
                if key not in states:
                    states[key] = pydyf.Dictionary({name: value})
            stream.stream.append(drawing.ops)


def write_pages(sheets: Sequence[Sheet], meta: Meta, bank: FontBank) -> bytes:
    """A PDF of *sheets*, with *meta* (title, dates, document properties)."""
    issued = meta.issued
    metadata = DocumentMetadata(
        title=printable(meta.title), authors=list(meta.authors), description=meta.description,
        keywords=list(meta.keywords), generator=meta.generator, lang=meta.lang,
        created=_w3c(issued), modified=_w3c(issued),
    )
    pages = [_ReplayPage(sheet, bank) for sheet in sheets]
    document = Document(pages, metadata, None, bank.config, {}, None)
    with compact_fonts(), _streams_compressed_once():
        data: bytes = document.write_pdf(finisher=finisher, **_WRITE_OPTIONS)
    return data


@contextmanager
def _streams_compressed_once() -> Iterator[None]:
    """Within this block, each PDF stream is compressed once.

    pydyf compresses a stream each time its ``data`` is read, and reads every
    object twice: to write it, and again to compute the file identifier (a
    hash of the written objects). Nothing changes a stream in between, so the
    bytes are the same; the second compression of every page and font is
    skipped.
    """
    original = pydyf.Stream.data

    def data(self: Any) -> bytes:
        cached: bytes | None = self.__dict__.get("_jixiao_data")
        if cached is None:
            cached = original.fget(self)
            self._jixiao_data = cached
        return cached

    pydyf.Stream.data = property(data)
    try:
        yield
    finally:
        pydyf.Stream.data = original


def _w3c(when: dt.date) -> str:
    """*when* as WeasyPrint's metadata dates: a day, or a UTC time."""
    if isinstance(when, dt.datetime):
        if when.tzinfo is not None:
            when = when.astimezone(dt.UTC).replace(tzinfo=None)
        return when.strftime("%Y-%m-%dT%H:%M:%SZ")
    return when.isoformat()
