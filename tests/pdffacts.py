"""What two PDFs must share to count as the same document: pages, each page's text where it stands, the outline.

Each page's text is poppler's ``pdftotext -layout``: lines in reading order,
each word at its column, so that a table cell whose text wraps otherwise, a
row that moves to another page or a column of another width changes it. (It
once was pdfplumber's text and table rows: the same findings, 30 times
slower — some 5 s for the 71 pages of the Tangshan example.)
"""

from __future__ import annotations

import io
import shutil
import subprocess
from typing import Any

import pypdf


def page_texts(data: bytes) -> list[str]:
    """The text of each page of the PDF *data*, laid out as printed (``pdftotext -layout``)."""
    pdftotext = shutil.which("pdftotext")
    assert pdftotext, "pdftotext 未安装：sudo apt-get install poppler-utils（./run setup 会自动安装）"
    done = subprocess.run([pdftotext, "-layout", "-enc", "UTF-8", "-", "-"], input=data, capture_output=True,
                          timeout=120, check=True)
    text = done.stdout.decode("utf-8")
    return text.removesuffix("\f").split("\f")  # a form feed ends every page, a blank one too


def pdf_facts(data: bytes, *, destinations: bool = False) -> dict[str, Any]:
    """The page count, each page's text as laid out, the outline (title, page); with *destinations* the named
    destinations' pages too."""
    reader = pypdf.PdfReader(io.BytesIO(data))

    def outline(items: Any) -> list[Any]:
        return [outline(i) if isinstance(i, list) else (i.title, reader.get_destination_page_number(i)) for i in items]

    facts = {"pages": len(reader.pages), "texts": page_texts(data), "outline": outline(reader.outline)}
    assert len(facts["texts"]) == facts["pages"]
    if destinations:
        facts["destinations"] = {name: reader.get_destination_page_number(dest)
                                 for name, dest in reader.named_destinations.items()}
    return facts
