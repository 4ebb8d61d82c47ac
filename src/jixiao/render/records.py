"""Captured pages as plain data: records, laid-out parts, and their bytes for the cache.

Everything here is plain Python (no WeasyPrint), so the process that plans
and caches the render (:mod:`jixiao.render.pdfset`) never has to import the
layout engine: the pages are captured (:mod:`jixiao.render.capture`),
written (:mod:`jixiao.render.replay`) and laid out
(:mod:`jixiao.render.chunkpdf`) wherever WeasyPrint runs.

A part's pages are packed into bytes (:func:`pack_pages`: one JSON line,
then the content stream operators, the JSON holding offsets into them) and
only unpacked where a PDF is written; :func:`part_to_bytes` adds a JSON
header line (what planning needs) and the part's PDF files. Reading back
checks every offset and type, raising ValueError (or TypeError, KeyError)
on anything malformed.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class FontUse:
    """One font a drawing uses."""

    #: ``Font.hash``: the font's resource name in the content stream.
    hash: str
    #: Pango font description (without size) to load the font by.
    description: str
    #: Absolute size (CSS px) at its first use in the drawing.
    size: float
    #: Fingerprint of the font file (see :func:`jixiao.render.capture.face_id`).
    face: str
    #: (glyph id, width in 1/1000 em, text) in order of first use.
    glyphs: tuple[tuple[int, int, str], ...]


@dataclass(frozen=True)
class Drawing:
    """The operators one paint call wrote, and the resources they name."""

    ops: bytes
    fonts: tuple[FontUse, ...]
    #: ExtGState entries: (key, "ca" or "CA", opacity).
    states: tuple[tuple[str, str, float], ...]


@dataclass(frozen=True)
class PageRecord:
    """One page: its size, body and margin boxes, and its anchors, links, bookmarks (CSS px)."""

    width: float
    height: float
    #: Bleed: top, right, bottom, left.
    bleed: tuple[float, float, float, float]
    body: Drawing
    margins: Drawing
    #: (name, x, y, width, height)
    anchors: tuple[tuple[str, float, float, float, float], ...]
    #: (type "internal" or "external", target, x, y, width, height)
    links: tuple[tuple[str, str, float, float, float, float], ...]
    #: (level, label, x, y, state)
    bookmarks: tuple[tuple[int, str, float, float, str], ...]


@dataclass(frozen=True)
class Sheet:
    """One page to write: the record it stands for (size, anchors …) and the drawings to paint on it."""

    record: PageRecord
    drawings: tuple[Drawing, ...]


@dataclass(frozen=True)
class Meta:
    """Document metadata of a written file (from the HTML ``<head>``, and the dates)."""

    title: str
    issued: dt.date
    authors: tuple[str, ...] = ()
    description: str | None = None
    keywords: tuple[str, ...] = ()
    generator: str | None = None
    lang: str | None = None

    def titled(self, title: str) -> Meta:
        """The same metadata with another title."""
        return Meta(title, self.issued, self.authors, self.description, self.keywords, self.generator, self.lang)


@dataclass
class Part:
    """One laid-out part of the document (a chunk or the skeleton, see :mod:`jixiao.render.chunks`).

    The captured pages travel between processes and into the cache as bytes
    (:attr:`pages_data`, see :func:`pack_pages`), read back only where a PDF
    is written; the rest is what planning the render needs.
    """

    #: The captured pages, and the first pages of tables without what stands above them, packed.
    pages_data: bytes
    #: The anchors (``id``) on each page.
    anchors: list[list[str]]
    #: Table number → (first page index, end index exclusive).
    tables: dict[int, tuple[int, int]] = field(default_factory=dict)
    #: Table number → its title (``data-title``).
    titles: dict[int, str] = field(default_factory=dict)
    #: Table number → its PDF file.
    pdfs: dict[int, bytes] = field(default_factory=dict)
    #: Does the part begin with a forced page break (``break-before: page``)?
    starts_page: bool = True
    #: Does the part ask for a page of a given side (``break-before: left`` …)?
    sided: bool = False
    #: Skeleton only: for each page, the placeholder (``chunk/page``) it holds, or "".
    placeholders: list[str] = field(default_factory=list)
    #: ``<head>`` metadata: authors, description, keywords, generator, lang.
    head: dict[str, Any] = field(default_factory=dict)
    #: WeasyPrint's warnings (English).
    warnings: list[str] = field(default_factory=list)

    def meta(self, title: str, issued: dt.date) -> Meta:
        """The metadata of a file made from this part's pages."""
        head = self.head
        return Meta(
            title=title, issued=issued, authors=tuple(head.get("authors") or ()),
            description=head.get("description"), keywords=tuple(head.get("keywords") or ()),
            generator=head.get("generator"), lang=head.get("lang"),
        )


def table_sheets(pages: Sequence[PageRecord], alone: dict[int, PageRecord], part: Part, number: int) -> list[Sheet]:
    """The pages of table *number*'s own file: its pages, numbered like the part's first pages."""
    start, end = part.tables[number]
    sheets = []
    for i in range(start, end):
        record = alone.get(number, pages[i]) if i == start else pages[i]
        sheets.append(Sheet(record, (record.body, pages[i - start].margins)))
    return sheets


def front_pages(skeleton: Part, chunks: Sequence[Part]) -> int | None:
    """How many pages the skeleton's front takes, or None if its placeholders are not one per chunk page, in order."""
    labels = skeleton.placeholders
    front = 0
    while front < len(labels) and not labels[front]:
        front += 1
    expected = [f"{k}/{j}" for k, chunk in enumerate(chunks) for j in range(len(chunk.anchors))]
    return front if labels[front:] == expected else None


def combined_sheets(skeleton: Sequence[PageRecord], chunks: Sequence[Sequence[PageRecord]], front: int) -> list[Sheet]:
    """The combined document: the front's pages, then each chunk's pages under the skeleton's page footers."""
    sheets = [Sheet(r, (r.body, r.margins)) for r in skeleton[:front]]
    index = front
    for pages in chunks:
        for record in pages:
            sheets.append(Sheet(record, (record.body, skeleton[index].margins)))
            index += 1
    return sheets


def anchor_pages(skeleton: Part) -> dict[str, int]:
    """Anchor → number of the page it is on (from 1), in the combined document (the skeleton's placeholders)."""
    out: dict[str, int] = {}
    for number, names in enumerate(skeleton.anchors, 1):
        for name in names:
            out.setdefault(name, number)
    return out


# Packed pages: one JSON line (the records, operators as offsets), then the operators.


def pack_pages(pages: Sequence[PageRecord], alone: dict[int, PageRecord]) -> bytes:
    """*pages* and *alone* as bytes (read back by :func:`unpack_pages`)."""
    blob = bytearray()
    header = {"pages": _records_json(pages, blob), "alone": {str(n): _records_json([r], blob)[0] for n, r in alone.items()}}
    return json.dumps(header, ensure_ascii=False, separators=(",", ":")).encode("utf-8") + b"\n" + bytes(blob)


def unpack_pages(data: bytes) -> tuple[list[PageRecord], dict[int, PageRecord]]:
    """The pages and alone first pages of :func:`pack_pages`; ValueError (or TypeError, KeyError) if malformed."""
    line, _, blob = data.partition(b"\n")
    header = json.loads(line.decode("utf-8"))
    pages = _records_from_json(header["pages"], blob)
    alone = {int(n): _records_from_json([r], blob)[0] for n, r in header["alone"].items()}
    return pages, alone


# Cache form of a part: one JSON header line, then the packed pages, then the PDF files.


def part_to_bytes(part: Part) -> bytes:
    """*part* as bytes: a JSON header, the packed pages, the PDF files."""
    offset = len(part.pages_data)
    pdfs = []
    for number, data in part.pdfs.items():
        pdfs.append([number, offset, len(data)])
        offset += len(data)
    header = {
        "pages": len(part.pages_data), "anchors": part.anchors, "tables": {str(n): list(r) for n, r in part.tables.items()},
        "titles": {str(n): t for n, t in part.titles.items()}, "pdfs": pdfs, "starts_page": part.starts_page,
        "sided": part.sided, "placeholders": part.placeholders, "head": part.head, "warnings": part.warnings,
    }
    line = json.dumps(header, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    return b"".join([line, b"\n", part.pages_data, *part.pdfs.values()])


def part_from_bytes(data: bytes) -> Part:
    """The inverse of :func:`part_to_bytes` (the pages stay packed); ValueError (or TypeError, KeyError) if malformed."""
    line, _, blob = data.partition(b"\n")
    header = json.loads(line.decode("utf-8"))
    size = int(header["pages"])
    _check_span(0, size, len(blob))
    pdfs = {}
    for number, start, length in header["pdfs"]:
        _check_span(int(start), int(length), len(blob))
        pdfs[int(number)] = bytes(blob[int(start):int(start) + int(length)])
    anchors = [[str(a) for a in names] for names in header["anchors"]]
    tables = {int(n): (int(a), int(b)) for n, (a, b) in header["tables"].items()}
    if any(not 0 <= a < b <= len(anchors) for a, b in tables.values()):
        raise ValueError("table pages out of range")
    head = header["head"]
    if not isinstance(head, dict):
        raise TypeError("head")
    return Part(
        pages_data=bytes(blob[:size]),
        anchors=anchors,
        tables=tables,
        titles={int(n): str(t) for n, t in header["titles"].items()},
        pdfs=pdfs,
        starts_page=bool(header["starts_page"]),
        sided=bool(header["sided"]),
        placeholders=[str(p) for p in header["placeholders"]],
        head={k: head.get(k) for k in ("authors", "description", "keywords", "generator", "lang")},
        warnings=[str(w) for w in header["warnings"]],
    )


def _records_json(records: Iterable[PageRecord], blob: bytearray) -> list[Any]:
    return [
        [r.width, r.height, list(r.bleed), _drawing_json(r.body, blob), _drawing_json(r.margins, blob),
         [list(a) for a in r.anchors], [list(link) for link in r.links], [list(b) for b in r.bookmarks]]
        for r in records
    ]


def _records_from_json(data: Any, blob: bytes) -> list[PageRecord]:
    out = []
    for width, height, bleed, body, margins, anchors, links, bookmarks in data:
        top, right, bottom, left = _floats(bleed, 4)
        out.append(PageRecord(
            width=float(width), height=float(height), bleed=(top, right, bottom, left),
            body=_drawing_from_json(body, blob), margins=_drawing_from_json(margins, blob),
            anchors=tuple(_anchor(a) for a in anchors),
            links=tuple(_link(link) for link in links),
            bookmarks=tuple(
                (int(level), str(label), float(x), float(y), str(state)) for level, label, x, y, state in bookmarks
            ),
        ))
    return out


def _anchor(value: Any) -> tuple[str, float, float, float, float]:
    name, x, y, w, h = value
    return str(name), float(x), float(y), float(w), float(h)


def _link(value: Any) -> tuple[str, str, float, float, float, float]:
    kind, target, x, y, w, h = value
    if kind not in ("internal", "external"):
        raise ValueError(f"link type {kind!r}")
    return str(kind), str(target), float(x), float(y), float(w), float(h)


def _drawing_json(drawing: Drawing, blob: bytearray) -> list[Any]:
    start = len(blob)
    blob += drawing.ops
    fonts = [[f.hash, f.description, f.size, f.face, [list(g) for g in f.glyphs]] for f in drawing.fonts]
    return [start, len(drawing.ops), fonts, [list(s) for s in drawing.states]]


def _drawing_from_json(data: Any, blob: bytes) -> Drawing:
    start, length, fonts, states = data
    start, length = int(start), int(length)
    _check_span(start, length, len(blob))
    return Drawing(
        ops=bytes(blob[start:start + length]),
        fonts=tuple(
            FontUse(str(h), str(d), float(s), str(face), tuple((int(g), int(w), str(t)) for g, w, t in glyphs))
            for h, d, s, face, glyphs in fonts
        ),
        states=tuple((str(k), _state_name(n), float(v)) for k, n, v in states),
    )


def _check_span(start: int, length: int, size: int) -> None:
    if start < 0 or length < 0 or start + length > size:
        raise ValueError("span outside the blob")


def _floats(values: Any, count: int) -> tuple[float, ...]:
    out = tuple(float(v) for v in values)
    if len(out) != count:
        raise ValueError("wrong number of values")
    return out


def _state_name(value: Any) -> str:
    if value not in ("ca", "CA"):
        raise ValueError(f"graphics state {value!r}")
    return str(value)
