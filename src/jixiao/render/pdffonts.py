"""Small embedded CJK fonts: CID-keyed CFF subsets without 65 000 empty glyph slots.

WeasyPrint subsets fonts keeping glyph ids (``HB_SUBSET_FLAGS_RETAIN_GIDS``),
because its text uses the original glyph ids as character codes. For a CJK
font such as Noto Serif CJK SC (65 535 glyphs) that leaves every unused slot
in the font program: a one-page project table carried some 110 KB per font,
320 KB per file, whatever few characters it used.

A CID-keyed CFF font (ROS Adobe-Identity-0, where CID = original glyph id —
the Noto CJK fonts and Adobe's) can do without: embedded as a bare CFF font
program (``FontFile3`` of subtype ``CIDFontType0C``, the classic form of CJK
fonts in PDF), the viewer finds each glyph by its CID through the font's
charset, so a subset holding only the used glyphs, renumbered, still shows the
right glyph for each code. While :func:`compact_fonts` is active, jixiao's
subset routine does that for such fonts (checking that every used glyph id is
its own CID) and :func:`finisher` swaps the font streams; any other font
(TrueType, name-keyed CFF, a font with missing glyphs) is subset by WeasyPrint
as usual. Result: 30–50 KB per one-page table, and faster, as the huge
retained-id subset is never built.

This wraps one WeasyPrint internal (``weasyprint.pdf.fonts.Font.subset``); if
a WeasyPrint version changes it, :func:`install` leaves WeasyPrint alone and
fonts are simply embedded the usual, larger way.
"""

from __future__ import annotations

import copy
import hashlib
import io
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

import pydyf
from fontTools.cffLib import CFFFontSet

_CFF = b"CFF "
#: Tables not to subset: only the CFF program is embedded (metrics are in the PDF).
_DROP = (b"BASE", b"DSIG", b"EBDT", b"EBLC", b"EBSC", b"GDEF", b"GPOS", b"GSUB", b"JSTF", b"LTSH", b"PCLT",
         b"SVG ", b"VORG", b"cmap", b"hmtx", b"name", b"post", b"vhea", b"vmtx")


@dataclass
class _Session:
    """Bare CFF programs made during one ``write_pdf``, by ``id`` of the OpenType subset they replace."""

    programs: dict[int, tuple[bytes, bytes]] = field(default_factory=dict)
    swapped: set[int] = field(default_factory=set)


_SESSION: ContextVar[_Session | None] = ContextVar("jixiao_compact_fonts", default=None)


@contextmanager
def compact_fonts() -> Iterator[None]:
    """Within this block, ``write_pdf(finisher=finisher)`` embeds CID-keyed fonts compactly."""
    install()
    session = _Session()
    token = _SESSION.set(session)
    try:
        yield
    finally:
        _SESSION.reset(token)
    if set(session.programs) - session.swapped:
        raise AssertionError("compact font subset made but not embedded (finisher not passed to write_pdf?)")


def finisher(document: Any, pdf: Any) -> None:
    """WeasyPrint finisher: put the bare CFF programs in place of their OpenType streams."""
    session = _SESSION.get()
    if session is None or not session.programs:
        return
    for obj in pdf.objects:
        if not isinstance(obj, pydyf.Stream) or len(obj.stream) != 1:
            continue
        key = id(obj.stream[0])
        entry = session.programs.get(key)
        if entry is not None and entry[0] is obj.stream[0]:
            obj.stream = [entry[1]]
            obj.extra["Subtype"] = "/CIDFontType0C"
            session.swapped.add(key)


def install() -> None:
    """Wrap WeasyPrint's ``Font.subset`` once (no-op if its internals are not as expected)."""
    try:
        from weasyprint.pdf import fonts
        from weasyprint.text.ffi import harfbuzz_subset  # noqa: F401  (needed by _subset)
    except ImportError:
        return
    original = getattr(fonts.Font, "subset", None)
    if original is None or getattr(original, "_jixiao", False):
        return

    def subset(self: Any, to_unicode: dict[int, str], hinting: bool) -> None:
        session = _SESSION.get()
        if session is not None and to_unicode and _compact(self, to_unicode, hinting, session):
            return
        if self.file_content is LAZY:  # WeasyPrint's own subsetting (and what follows) reads the file
            from weasyprint.text.fonts import get_hb_object_data

            self.file_content = get_hb_object_data(self.hb_face)
        original(self, to_unicode, hinting)

    subset._jixiao = True  # type: ignore[attr-defined]
    fonts.Font.subset = subset


class _Lazy(bytes):
    """The type of :data:`LAZY`."""


#: ``Font.file_content`` of a font made by :func:`lazy_font` until something needs the file.
LAZY = _Lazy()


def lazy_font(pango_font: Any, description: Any, size: float) -> Any:
    """A WeasyPrint ``Font`` that does not copy its font file until it is needed.

    ``Font`` copies the whole file (some 20 MB for a Noto CJK collection) on
    creation, though a compact subset (:func:`compact_fonts`) is made from the
    HarfBuzz face and drawing needs none of it; the copy is made only if
    WeasyPrint's own subsetting is used after all (see :func:`install`).
    """
    install()
    from weasyprint.pdf import fonts

    original = fonts.get_hb_object_data

    def face_data(*args: Any, **kwargs: Any) -> Any:
        return LAZY if len(args) == 1 and not kwargs else original(*args, **kwargs)

    fonts.get_hb_object_data = face_data
    try:
        return fonts.Font(pango_font, description, size)
    finally:
        fonts.get_hb_object_data = original


#: Compact subsets made by this process: (font, glyphs, hinting) → (OpenType, CFF) or None (not compactable).
_MADE: dict[tuple[str, str, tuple[int, ...], bool], tuple[bytes, bytes] | None] = {}
_MADE_MAX = 512


def _compact(font: Any, to_unicode: dict[int, str], hinting: bool, session: _Session) -> bool:
    """Subset *font* to its used glyphs, renumbered; False to leave it to WeasyPrint.

    The same glyphs of the same font give the same subset: many project
    tables share one (the bold column titles), so subsets are kept for the
    process (a few hundred, some KB each).
    """
    try:
        if _CFF.decode() not in font.tables or "fvar" in font.tables or font.missing or font.bitmap:
            return False
        gids = sorted({0, *to_unicode})
        key = (font.hash, face_id(font), tuple(gids), hinting)
        if key not in _MADE:
            if len(_MADE) >= _MADE_MAX:
                _MADE.clear()
            _MADE[key] = _subset(font, gids, hinting)
        made = _MADE[key]
    except Exception:  # an unexpected font or WeasyPrint version: its own subset is still right
        return False
    if made is None:
        return False
    otf, cff = made
    font.file_content = otf
    session.programs[id(otf)] = (otf, cff)
    return True


def _subset(font: Any, gids: list[int], hinting: bool) -> tuple[bytes, bytes] | None:
    if not _cid_is_gid(font.hb_face, gids):
        return None
    otf = _hb_subset(font.hb_face, gids, hinting)
    if otf is None:
        return None
    cff = _table(otf, _CFF)
    if cff is None or not _cids_preserved(cff, gids):
        return None
    return otf, cff


def face_id(font: Any) -> str:
    """Fingerprint of the font file behind *font*: face index, glyph count, units per em and its ``head`` table.

    The ``head`` table holds the font's checksum and dates, so another file
    (a new version of the font) gives another fingerprint.
    """
    cached: str | None = getattr(font, "_jixiao_face", None)
    if cached is not None:
        return cached
    from weasyprint.text.ffi import ffi, harfbuzz

    face = font.hb_face
    blob = harfbuzz.hb_face_reference_table(face, harfbuzz.hb_tag_from_string(b"head", -1))
    try:
        length = ffi.new("unsigned int *")
        pointer = harfbuzz.hb_blob_get_data(blob, length)
        head = bytes(ffi.buffer(pointer, length[0])) if pointer != ffi.NULL else b""
    finally:
        harfbuzz.hb_blob_destroy(blob)
    digest = hashlib.sha256(
        b"%d/%d/%d/" % (font.index, harfbuzz.hb_face_get_glyph_count(face), font.upem) + head
    ).hexdigest()[:32]
    font._jixiao_face = digest
    return digest


def _hb_subset(face: Any, gids: list[int], hinting: bool) -> bytes | None:
    from weasyprint.text.ffi import ffi, harfbuzz, harfbuzz_subset
    from weasyprint.text.fonts import get_hb_object_data

    if not harfbuzz_subset:
        return None
    request = ffi.gc(harfbuzz_subset.hb_subset_input_create_or_fail(), harfbuzz_subset.hb_subset_input_destroy)
    if request == ffi.NULL:
        return None
    wanted = ffi.new("hb_codepoint_t[]", gids)  # one C type for any length: parsed once
    harfbuzz.hb_set_add_sorted_array(harfbuzz_subset.hb_subset_input_glyph_set(request), wanted, len(gids))
    flags = (
        harfbuzz_subset.HB_SUBSET_FLAGS_DESUBROUTINIZE
        | harfbuzz_subset.HB_SUBSET_FLAGS_NO_LAYOUT_CLOSURE
        | harfbuzz_subset.HB_SUBSET_FLAGS_PASSTHROUGH_UNRECOGNIZED
    )
    if not hinting:
        flags |= harfbuzz_subset.HB_SUBSET_FLAGS_NO_HINTING
    harfbuzz_subset.hb_subset_input_set_flags(request, flags)
    tags = sorted(harfbuzz.hb_tag_from_string(tag, -1) for tag in _DROP)
    drop = ffi.new("hb_codepoint_t[]", tags)
    harfbuzz.hb_set_add_sorted_array(
        harfbuzz_subset.hb_subset_input_set(request, harfbuzz_subset.HB_SUBSET_SETS_DROP_TABLE_TAG), drop, len(tags)
    )
    result = harfbuzz_subset.hb_subset_or_fail(face, request)
    if result == ffi.NULL:
        return None
    result = ffi.gc(result, harfbuzz.hb_face_destroy)
    data: bytes = get_hb_object_data(result)
    return data or None


def _table(otf: bytes, tag: bytes) -> bytes | None:
    """One table of an OpenType font file (no checksum validation)."""
    if len(otf) < 12:
        return None
    count = int.from_bytes(otf[4:6], "big")
    for i in range(count):
        record = otf[12 + 16 * i : 28 + 16 * i]
        if len(record) == 16 and record[:4] == tag:
            offset = int.from_bytes(record[8:12], "big")
            length = int.from_bytes(record[12:16], "big")
            return otf[offset : offset + length]
    return None


def _cids_preserved(cff: bytes, gids: list[int]) -> bool:
    """Is the subset *cff* CID-keyed, with a glyph for CID *g* for each used glyph id *g*?

    (HarfBuzz may add a few glyphs reachable through layout tables; they do no harm.)
    """
    fonts = CFFFontSet()
    fonts.decompile(io.BytesIO(cff), None)
    top = fonts[fonts.fontNames[0]]
    if not hasattr(top, "ROS"):
        return False
    names = set(top.charset)
    return all(f"cid{gid:05d}" in names for gid in gids if gid)


def _cid_is_gid(face: Any, gids: list[int]) -> bool:
    """Is the full font CID-keyed, with CID = glyph id for each glyph in *gids*?"""
    from weasyprint.text.ffi import ffi, harfbuzz

    blob = harfbuzz.hb_face_reference_table(face, harfbuzz.hb_tag_from_string(_CFF, -1))
    try:
        length = ffi.new("unsigned int *")
        pointer = harfbuzz.hb_blob_get_data(blob, length)
        if pointer == ffi.NULL or length[0] == 0:
            return False
        return charset_is_identity(memoryview(ffi.buffer(pointer, length[0])), gids)
    finally:
        harfbuzz.hb_blob_destroy(blob)


def charset_is_identity(cff: memoryview | bytes, gids: list[int]) -> bool:
    """Does the CID-keyed CFF table *cff* give each glyph id in *gids* the same CID?

    Reads only the header, the Top DICT and the charset (CFF spec, Adobe TN 5176).
    """
    data = memoryview(cff)
    position = _skip_index(data, data[2])  # header, then the Name INDEX
    top = _index_item(data, position)
    operators = _dict(top)
    if (12, 30) not in operators or 15 not in operators or 17 not in operators:  # ROS, charset, CharStrings
        return False
    charset = int(operators[15][0])
    glyphs = int.from_bytes(data[int(operators[17][0]) : int(operators[17][0]) + 2], "big")
    wanted = sorted(g for g in gids if g)
    if charset <= 2 or (wanted and wanted[-1] >= glyphs):  # predefined charset: not CID-keyed
        return False
    if not wanted:
        return True
    form = data[charset]
    if form == 0:
        return all(int.from_bytes(data[charset - 1 + 2 * g : charset + 1 + 2 * g], "big") == g for g in wanted)
    if form not in (1, 2):
        return False
    size = 1 if form == 1 else 2
    position, glyph, index = charset + 1, 1, 0
    while index < len(wanted):
        first = int.from_bytes(data[position : position + 2], "big")
        left = int.from_bytes(data[position + 2 : position + 2 + size], "big")
        position += 2 + size
        last = glyph + left
        while index < len(wanted) and wanted[index] <= last:
            if first + wanted[index] - glyph != wanted[index]:
                return False
            index += 1
        glyph = last + 1
        if glyph >= glyphs and index < len(wanted):
            return False
    return True


def _skip_index(data: memoryview, position: int) -> int:
    count = int.from_bytes(data[position : position + 2], "big")
    if count == 0:
        return position + 2
    size = data[position + 2]
    last = position + 3 + count * size
    end = int.from_bytes(data[last : last + size], "big")
    return last + size + end - 1


def _index_item(data: memoryview, position: int) -> memoryview:
    """The first item of the INDEX at *position*."""
    count = int.from_bytes(data[position : position + 2], "big")
    if count == 0:
        return data[0:0]
    size = data[position + 2]
    offsets = position + 3
    start = int.from_bytes(data[offsets : offsets + size], "big")
    end = int.from_bytes(data[offsets + size : offsets + 2 * size], "big")
    base = offsets + (count + 1) * size - 1
    return data[base + start : base + end]


def _dict(data: memoryview) -> dict[int | tuple[int, int], list[float]]:
    """Operators of a CFF DICT with their operands."""
    out: dict[int | tuple[int, int], list[float]] = {}
    operands: list[float] = []
    i = 0
    while i < len(data):
        b = data[i]
        if b <= 21:
            key: int | tuple[int, int] = (12, data[i + 1]) if b == 12 else b
            i += 2 if b == 12 else 1
            out[key] = operands
            operands = []
        elif b == 28:
            operands.append(int.from_bytes(data[i + 1 : i + 3], "big", signed=True))
            i += 3
        elif b == 29:
            operands.append(int.from_bytes(data[i + 1 : i + 5], "big", signed=True))
            i += 5
        elif b == 30:  # real number: nibbles up to 0xf
            i += 1
            while i < len(data) and (data[i] & 0x0F) != 0x0F and (data[i] >> 4) != 0x0F:
                i += 1
            i += 1
            operands.append(0.0)
        elif 32 <= b <= 246:
            operands.append(b - 139)
            i += 1
        elif 247 <= b <= 250:
            operands.append((b - 247) * 256 + data[i + 1] + 108)
            i += 2
        elif 251 <= b <= 254:
            operands.append(-(b - 251) * 256 - data[i + 1] - 108)
            i += 2
        else:
            raise ValueError(f"bad CFF DICT byte {b}")
    return out


#: Per-write glyph bookkeeping of a WeasyPrint ``Font``; everything else is the font itself.
_PER_WRITE = ("widths", "to_unicode", "missing")


class FontStore(dict[Any, Any]):
    """``Document.fonts`` for one ``write_pdf``, reusing fonts built by earlier writes.

    WeasyPrint builds a ``Font`` for each font and size a document draws with,
    copying the whole font file each time (some 20 MB for a Noto CJK
    collection): with one PDF per project table that copying was the largest
    cost of writing. Fonts first built in any write of the same layout are kept
    (*pristine*, shared by the stores of one :class:`~jixiao.render.pdf.PdfLayout`)
    and each write gets its own copy with empty glyph bookkeeping, so a file
    still carries only the glyphs of its own pages.
    """

    def __init__(self, pristine: dict[Any, Any]) -> None:
        super().__init__()
        self._pristine = pristine

    def __contains__(self, key: object) -> bool:
        if super().__contains__(key):
            return True
        font = self._pristine.get(key)
        if font is None:
            return False
        super().__setitem__(key, _fresh(font))
        return True

    def __setitem__(self, key: Any, font: Any) -> None:
        if key not in self._pristine and all(hasattr(font, name) for name in _PER_WRITE):
            self._pristine[key] = _fresh(font)
        super().__setitem__(key, font)


def _fresh(font: Any) -> Any:
    """A copy of *font* sharing the font data, with its own empty glyph bookkeeping."""
    new = copy.copy(font)
    for name, value in vars(font).items():
        if name in _PER_WRITE:
            setattr(new, name, type(value)())
        elif isinstance(value, (dict, list, set)):
            setattr(new, name, copy.copy(value))
    return new
