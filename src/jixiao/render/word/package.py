"""Word packages (.docx zip files) written byte-for-byte reproducibly.

A .docx is a zip archive; zip entries carry modification times, so two runs
would differ by the clock alone. Every entry here gets one fixed time, entries
keep the template's order with ``[Content_Types].xml`` first, and the document
properties (``docProps/core.xml``) carry the spec's date, never "now".
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from collections.abc import Iterable
from xml.sax.saxutils import escape

from jixiao.chars import NOT_PRINTABLE

#: Earliest time a zip entry can hold; used for every entry.
ZIP_TIME = (1980, 1, 1, 0, 0, 0)

CONTENT_TYPES = "[Content_Types].xml"

def write_package(parts: Iterable[tuple[str, bytes]]) -> bytes:
    """Zip *parts* (name, data) with fixed times; ``[Content_Types].xml`` first."""
    items = list(parts)
    items.sort(key=lambda item: item[0] != CONTENT_TYPES)  # stable: keeps the rest in order
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for name, data in items:
            info = zipfile.ZipInfo(name, date_time=ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            info.create_system = 0
            zf.writestr(info, data, compresslevel=6)
    return buf.getvalue()


def core_properties(title: str, author: str, when: dt.datetime) -> bytes:
    """``docProps/core.xml`` with the given title, author and a fixed date.

    Characters XML 1.0 forbids are left out of *title* and *author*.
    """
    stamp = when.strftime("%Y-%m-%dT%H:%M:%SZ")
    title, author = _xml_text(title), _xml_text(author)
    xml = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties"'
        ' xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/"'
        ' xmlns:dcmitype="http://purl.org/dc/dcmitype/"'
        ' xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
        f"<dc:title>{title}</dc:title>"
        f"<dc:creator>{author}</dc:creator>"
        f"<cp:lastModifiedBy>{author}</cp:lastModifiedBy>"
        "<cp:revision>1</cp:revision>"
        f'<dcterms:created xsi:type="dcterms:W3CDTF">{stamp}</dcterms:created>'
        f'<dcterms:modified xsi:type="dcterms:W3CDTF">{stamp}</dcterms:modified>'
        "</cp:coreProperties>"
    )
    return xml.encode("utf-8")


def _xml_text(text: str) -> str:
    """*text* escaped for XML element content, without the characters XML 1.0 forbids."""
    return escape(NOT_PRINTABLE.sub("", text))
