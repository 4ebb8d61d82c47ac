"""Workbook packages written byte-for-byte reproducibly, and valid sheet names.

openpyxl stamps the zip entries and ``docProps/core.xml`` with the clock; the
package is zipped again with one fixed time (:func:`jixiao.render.word.package.write_package`)
and its core properties carry the document's date, as the Word files do.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile

from jixiao.render.word.package import core_properties, write_package

#: Excel's limit on a sheet name, and the characters it refuses there.
MAX_SHEET_NAME = 31
_FORBIDDEN = re.compile(r"[\[\]:*?/\\\x00-\x1f]")


def deterministic(data: bytes, *, title: str, author: str, when: dt.datetime) -> bytes:
    """*data* (an .xlsx from openpyxl) with fixed entry times and core properties."""
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        parts = [(info.filename, zf.read(info)) for info in zf.infolist()]
    core = core_properties(title, author, when)
    return write_package([(name, core if name == "docProps/core.xml" else body) for name, body in parts])


def sheet_name(text: str) -> str:
    """*text* as a sheet name: forbidden characters → _, no leading/trailing ', at most 31 characters."""
    name = _FORBIDDEN.sub("_", text).strip().strip("'")
    name = name[:MAX_SHEET_NAME].rstrip() or "Sheet"
    return name


def sheet_names(texts: list[str]) -> list[str]:
    """Valid, unique sheet names (case-insensitive, as Excel compares them): a repeat gets (2), (3) …"""
    out: list[str] = []
    seen: set[str] = set()
    for text in texts:
        base = sheet_name(text)
        name, k = base, 1
        while name.lower() in seen:
            k += 1
            suffix = f"({k})"
            name = base[: MAX_SHEET_NAME - len(suffix)] + suffix
        seen.add(name.lower())
        out.append(name)
    return out
