"""Reading the few parts of a CFF font program that compact font embedding checks (no WeasyPrint here).

A CID-keyed CFF font (ROS Adobe-Identity-0, as the Noto CJK fonts) finds each
glyph by its CID through the font's charset. :func:`charset_is_identity`
tells whether CID = glyph id for the glyphs a document uses, reading only the
header, the Top DICT and the charset (CFF spec, Adobe TN 5176);
:func:`cids_preserved` checks a subset made with renumbered glyphs still has
each of those CIDs. See :mod:`jixiao.render.pdf.fonts`.
"""

from __future__ import annotations

import io

from fontTools.cffLib import CFFFontSet


def table(otf: bytes, tag: bytes) -> bytes | None:
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


def cids_preserved(cff: bytes, gids: list[int]) -> bool:
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
