"""Small embedded CJK fonts: the one place where jixiao uses WeasyPrint internals.

WeasyPrint subsets fonts keeping glyph ids (``HB_SUBSET_FLAGS_RETAIN_GIDS``),
because its text uses the original glyph ids as character codes. For a CJK
font such as Noto Serif CJK SC (65 535 glyphs) that leaves every unused slot
in the font program: a one-page project table carries some 110 KB per font,
about 330 KB per file, whatever few characters it uses.

A CID-keyed CFF font (ROS Adobe-Identity-0, where CID = original glyph id —
the Noto CJK fonts and Adobe's) can do without: embedded as a bare CFF font
program (``FontFile3`` of subtype ``CIDFontType0C``, the classic form of CJK
fonts in PDF), the viewer finds each glyph by its CID through the font's
charset, so a subset holding only the used glyphs, renumbered, still shows the
right glyph for each code. While :func:`write_pdf` writes, jixiao's subset
routine does that for such fonts (checking that every used glyph id is its
own CID, :mod:`jixiao.render.pdf.cff`) and a finisher swaps the font streams;
any other font (TrueType, name-keyed CFF, colour or bitmap fonts, a font with
missing glyphs) is subset by WeasyPrint as usual. Result: 30–50 KB per
one-page table, and faster, as the huge retained-id subset is never built.

WeasyPrint also copies every font file it draws with into memory when it
starts writing a PDF (``Font.file_content``: 20–27 MB for each Noto CJK
file, three or four per file written), only to subset it. While jixiao
writes, that copy is put off (:func:`_deferred`): a font subset the compact
way never needs it, and any other font gets it before WeasyPrint's own
subsetting reads it. That saves some 10 ms and 20 MB per font and file.

WeasyPrint has no public way to do this, so this module wraps two internal
methods (``weasyprint.pdf.fonts.Font.subset`` and ``Font.__init__``, whose
module's ``get_hb_object_data`` it calls through) and reads a few internal names,
all listed in :data:`INTERNALS`, :data:`FONT_ATTRIBUTES` and
:data:`HARFBUZZ_NAMES` (tests pin them). It is used only on the WeasyPrint
releases it was tested with (:data:`KNOWN_MAJORS`) and only when every one of
those names is there; otherwise, and whenever anything goes wrong while
writing, the file is written by WeasyPrint alone: still correct, only larger.
``jixiao doctor`` shows which (:func:`status`).
"""

from __future__ import annotations

import functools
import hashlib
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

import pydyf
import weasyprint

from jixiao.render.pdf.cff import charset_is_identity, cids_preserved, table

#: WeasyPrint major releases this module was tested with (tests/test_weasyprint_versions.py).
KNOWN_MAJORS = (69, 70)

#: The WeasyPrint internals used here, as ``module:attribute``.
INTERNALS = (
    "weasyprint.pdf.fonts:Font",
    "weasyprint.pdf.fonts:Font.__init__",
    "weasyprint.pdf.fonts:Font.subset",
    "weasyprint.pdf.fonts:get_hb_object_data",
    "weasyprint.text.ffi:ffi",
    "weasyprint.text.ffi:harfbuzz",
    "weasyprint.text.ffi:harfbuzz_subset",
    "weasyprint.text.fonts:get_hb_object_data",
)
#: Attributes of a ``Font`` read or set here.
FONT_ATTRIBUTES = ("bitmap", "file_content", "hash", "hb_face", "index", "missing", "tables", "upem")
#: HarfBuzz functions and constants of WeasyPrint's FFI bindings used here.
HARFBUZZ_NAMES = (
    "hb_blob_destroy", "hb_blob_get_data", "hb_face_destroy", "hb_face_get_glyph_count",
    "hb_face_reference_table", "hb_set_add_sorted_array", "hb_tag_from_string", "hb_version_atleast",
)
HARFBUZZ_SUBSET_NAMES = (
    "HB_SUBSET_FLAGS_DESUBROUTINIZE", "HB_SUBSET_FLAGS_NO_HINTING", "HB_SUBSET_FLAGS_NO_LAYOUT_CLOSURE",
    "HB_SUBSET_FLAGS_PASSTHROUGH_UNRECOGNIZED", "HB_SUBSET_SETS_DROP_TABLE_TAG", "hb_subset_input_create_or_fail",
    "hb_subset_input_destroy", "hb_subset_input_glyph_set", "hb_subset_input_set", "hb_subset_input_set_flags",
    "hb_subset_or_fail",
)

_CFF = b"CFF "
#: Tables not to subset: only the CFF program is embedded (metrics are in the PDF).
_DROP = (b"BASE", b"DSIG", b"EBDT", b"EBLC", b"EBSC", b"GDEF", b"GPOS", b"GSUB", b"JSTF", b"LTSH", b"PCLT",
         b"SVG ", b"VORG", b"cmap", b"hmtx", b"name", b"post", b"vhea", b"vmtx")
#: Tables of fonts left to WeasyPrint: variable, colour and bitmap glyphs.
_NOT_COMPACT = {"fvar", "COLR", "CBDT", "sbix", "SVG ", "EBDT"}


@dataclass(frozen=True)
class Status:
    """Whether compact fonts are used with the installed WeasyPrint, and why (for ``jixiao doctor``)."""

    active: bool
    detail: str


_STATUS: dict[str, Status] = {}


def status() -> Status:
    """Compact fonts on this WeasyPrint: a tested release with every internal this module uses."""
    version = str(weasyprint.__version__)
    if version not in _STATUS:
        _STATUS[version] = _check(version)
    return _STATUS[version]


def _check(version: str) -> Status:
    major = version.split(".")[0]
    if not major.isdigit() or int(major) not in KNOWN_MAJORS:
        return Status(False, f"WeasyPrint {version} 未经 jixiao 测试（已测试 {'、'.join(map(str, KNOWN_MAJORS))}）："
                             "PDF 照常生成，但中文字体按 WeasyPrint 的方式嵌入，单表 PDF 约大 9 倍")
    missing = missing_internals()
    if missing:
        return Status(False, f"WeasyPrint {version} 缺少 {', '.join(missing)}：PDF 照常生成，但字体嵌入得较大")
    return Status(True, f"WeasyPrint {version}：CJK 字体只嵌入用到的字形（单表 PDF 约 40 KB）")


@dataclass(frozen=True)
class _WeasyPrint:
    """The WeasyPrint internals this module uses: exactly those of :data:`INTERNALS`."""

    Font: Any
    #: ``weasyprint.pdf.fonts.get_hb_object_data``: the name ``Font.__init__`` reads font files with.
    read_font: Any
    ffi: Any
    harfbuzz: Any
    harfbuzz_subset: Any
    get_hb_object_data: Any


def _wp() -> _WeasyPrint:
    """Import the internals (ImportError or AttributeError if this WeasyPrint release lacks one)."""
    from weasyprint.pdf.fonts import Font
    from weasyprint.pdf.fonts import get_hb_object_data as read_font
    from weasyprint.text.ffi import ffi, harfbuzz, harfbuzz_subset
    from weasyprint.text.fonts import get_hb_object_data

    return _WeasyPrint(Font, read_font, ffi, harfbuzz, harfbuzz_subset, get_hb_object_data)


def missing_internals() -> list[str]:
    """What of :data:`INTERNALS` and the HarfBuzz bindings this WeasyPrint lacks (empty: all there)."""
    try:
        wp = _wp()
    except (ImportError, AttributeError, OSError) as exc:
        return [f"{type(exc).__name__}: {exc}"]
    missing = [] if callable(getattr(wp.Font, "subset", None)) else ["weasyprint.pdf.fonts:Font.subset"]
    missing += [name for name in HARFBUZZ_NAMES if not hasattr(wp.harfbuzz, name)]
    if wp.harfbuzz_subset:  # None without libharfbuzz-subset: then WeasyPrint's own (slow) subsetting is used
        missing += [name for name in HARFBUZZ_SUBSET_NAMES if not hasattr(wp.harfbuzz_subset, name)]
    return missing


def subsetter() -> tuple[bool, str]:
    """Does WeasyPrint use HarfBuzz's subsetter (else a ~10x slower fallback)? For ``jixiao doctor``."""
    try:
        wp = _wp()
    except (ImportError, AttributeError, OSError) as exc:
        return False, f"无法确定（{exc}）"
    harfbuzz, harfbuzz_subset = wp.harfbuzz, wp.harfbuzz_subset
    if not harfbuzz_subset:
        return False, "WeasyPrint 未找到 libharfbuzz-subset，嵌入字体时改用慢约 10 倍的备用方法"
    if not harfbuzz.hb_version_atleast(4, 1, 0):
        return False, "HarfBuzz 版本低于 4.1，WeasyPrint 不使用它的子集化功能"
    return True, "已加载"


Finisher = Callable[[Any, Any], None]


def write_pdf(fresh: Callable[[], Any], finisher: Finisher, options: dict[str, Any], notes: list[str],
              passes: tuple[type[Exception], ...] = ()) -> bytes:
    """``fresh().write_pdf(finisher=finisher, **options)``, with compact fonts when :func:`status` allows.

    *fresh* gives a new ``weasyprint.Document`` ready to write (a ``Document``
    is written once: its fonts and attachments are used up). If anything goes
    wrong on the compact path, a fresh one is written by WeasyPrint alone, and
    a note in Chinese is added to *notes*; except for the exceptions *passes*
    (the caller's own, e.g. from *finisher*), which are raised as they are.
    """
    if status().active:
        try:
            return _write_compact(fresh(), finisher, options)
        except passes:
            raise
        except Exception as exc:  # noqa: BLE001 - any failure: step aside, WeasyPrint's own output is right
            note = f"紧凑字体嵌入失败（{type(exc).__name__}: {exc}），已改用 WeasyPrint 的方式嵌入字体（文件较大）"
            if note not in notes:
                notes.append(note)
    data: bytes = fresh().write_pdf(finisher=finisher, **options)
    return data


@dataclass
class _Session:
    """Bare CFF programs made during one ``write_pdf``, by ``id`` of the OpenType subset they replace."""

    programs: dict[int, tuple[bytes, bytes]] = field(default_factory=dict)
    swapped: set[int] = field(default_factory=set)
    #: Fonts whose file was not read when they were made (:data:`_DEFERRED`).
    deferred: list[Any] = field(default_factory=list)


_SESSION: ContextVar[_Session | None] = ContextVar("jixiao_compact_fonts", default=None)


class _NotSwapped(Exception):  # noqa: N818 - caught by write_pdf
    """A compact subset was made but its font stream was not found in the PDF."""


def _write_compact(document: Any, finisher: Finisher, options: dict[str, Any]) -> bytes:
    _install()
    session = _Session()

    def finish(doc: Any, pdf: Any) -> None:
        finisher(doc, pdf)
        _swap(session, pdf)

    token = _SESSION.set(session)
    try:
        data: bytes = document.write_pdf(finisher=finish, **options)
    finally:
        _SESSION.reset(token)
    if set(session.programs) - session.swapped:
        raise _NotSwapped("compact font subset made but not embedded")
    if any(font.file_content is _DEFERRED for font in session.deferred):
        raise _NotSwapped("a font file was embedded before it was read")
    return data


def _swap(session: _Session, pdf: Any) -> None:
    """Put the bare CFF programs in place of their OpenType streams (a pydyf ``PDF``)."""
    for obj in pdf.objects:
        if not isinstance(obj, pydyf.Stream) or len(obj.stream) != 1:
            continue
        key = id(obj.stream[0])
        entry = session.programs.get(key)
        if entry is not None and entry[0] is obj.stream[0]:
            obj.stream = [entry[1]]
            obj.extra["Subtype"] = "/CIDFontType0C"
            session.swapped.add(key)


class _Deferred(bytes):
    """The type of :data:`_DEFERRED`."""


#: ``Font.file_content`` of a font whose file is not read yet (see :func:`_deferred`).
_DEFERRED = _Deferred(b"")
_DEFER: ContextVar[bool] = ContextVar("jixiao_defer_font_data", default=False)


def _install() -> None:
    """Wrap WeasyPrint's ``Font.subset`` and ``Font.__init__`` once; outside :func:`_write_compact` they do as before."""
    wp = _wp()
    font_class = wp.Font
    original = font_class.subset
    if getattr(original, "_jixiao", False):
        return
    original_init = font_class.__init__
    _READ.append(wp.read_font)

    def data(hb_object: Any, *args: Any, **kwargs: Any) -> Any:
        if _DEFER.get() and not args and not kwargs:
            return _DEFERRED
        return wp.read_font(hb_object, *args, **kwargs)

    @functools.wraps(original_init)
    def init(self: Any, *args: Any, **kwargs: Any) -> None:
        session = _SESSION.get()
        if session is None:
            original_init(self, *args, **kwargs)
            return
        token = _DEFER.set(True)
        try:
            original_init(self, *args, **kwargs)
        finally:
            _DEFER.reset(token)
        if self.file_content is _DEFERRED:
            session.deferred.append(self)
            if not _deferred(self):
                self.file_content = read_font(self.hb_face)

    @functools.wraps(original)
    def subset(self: Any, to_unicode: dict[int, str], hinting: bool) -> None:
        session = _SESSION.get()
        if session is not None and to_unicode and _compact(self, to_unicode, hinting, session):
            return
        if self.file_content is _DEFERRED:
            self.file_content = read_font(self.hb_face)
        original(self, to_unicode, hinting)

    subset._jixiao = True  # type: ignore[attr-defined]
    vars(sys.modules[font_class.__module__])["get_hb_object_data"] = data
    font_class.__init__ = init
    font_class.subset = subset


#: WeasyPrint's own ``get_hb_object_data`` of its font module, once :func:`_install` has replaced it there.
_READ: list[Any] = []


def read_font(face: Any) -> bytes:
    """The whole font file behind the HarfBuzz *face* (what ``Font.__init__`` reads)."""
    data: bytes = _READ[0](face)
    return data


def _deferred(font: Any) -> bool:
    """May *font*'s file wait (it may be subset the compact way, the only place that reads it then)?

    Fonts WeasyPrint may embed without subsetting (bitmap fonts) or change
    before subsetting (variable and colour fonts) are read at once.
    """
    tables = set(font.tables)
    return _CFF.decode() in tables and not tables & _NOT_COMPACT and not font.bitmap


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
        tables = set(font.tables)
        if _CFF.decode() not in tables or tables & _NOT_COMPACT or font.missing or font.bitmap:
            return False
        gids = sorted({0, *to_unicode})
        key = (font.hash, _face_id(font), tuple(gids), hinting)
        if key not in _MADE:
            if len(_MADE) >= _MADE_MAX:
                _MADE.clear()
            _MADE[key] = _subset(font, gids, hinting)
        made = _MADE[key]
    except Exception:  # noqa: BLE001 - an unexpected font: WeasyPrint's own subset is still right
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
    cff = table(otf, _CFF)
    if cff is None or not cids_preserved(cff, gids):
        return None
    return otf, cff


@contextmanager
def _table_view(face: Any, tag: bytes) -> Iterator[memoryview]:
    """The bytes of table *tag* of the HarfBuzz *face*, not copied (empty if there is none)."""
    wp = _wp()
    ffi, harfbuzz = wp.ffi, wp.harfbuzz
    blob = harfbuzz.hb_face_reference_table(face, harfbuzz.hb_tag_from_string(tag, -1))
    try:
        length = ffi.new("unsigned int *")
        pointer = harfbuzz.hb_blob_get_data(blob, length)
        yield memoryview(ffi.buffer(pointer, length[0])) if pointer != ffi.NULL else memoryview(b"")
    finally:
        harfbuzz.hb_blob_destroy(blob)


def _face_id(font: Any) -> str:
    """Fingerprint of the font file behind *font*: face index, glyph count, units per em and its ``head`` table.

    The ``head`` table holds the font's checksum and dates, so another file
    (a new version of the font) gives another fingerprint.
    """
    harfbuzz = _wp().harfbuzz
    face = font.hb_face
    with _table_view(face, b"head") as head:
        data = bytes(head)
    return hashlib.sha256(
        b"%d/%d/%d/" % (font.index, harfbuzz.hb_face_get_glyph_count(face), font.upem) + data
    ).hexdigest()[:32]


def _hb_subset(face: Any, gids: list[int], hinting: bool) -> bytes | None:
    wp = _wp()
    ffi, harfbuzz, harfbuzz_subset = wp.ffi, wp.harfbuzz, wp.harfbuzz_subset
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
    data: bytes = wp.get_hb_object_data(result)
    return data or None


def _cid_is_gid(face: Any, gids: list[int]) -> bool:
    """Is the full font CID-keyed, with CID = glyph id for each glyph in *gids*?"""
    with _table_view(face, _CFF) as cff:
        return len(cff) > 0 and charset_is_identity(cff, gids)
