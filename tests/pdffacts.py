"""What two PDFs must share to count as the same document: pages, each page's text and tables, the outline."""

from __future__ import annotations

import io
from typing import Any

import pdfplumber
import pypdf


def pdf_facts(data: bytes, *, destinations: bool = False) -> dict[str, Any]:
    """The page count, each page's text and table rows, the outline (title, page); with *destinations* the named
    destinations' pages too."""
    reader = pypdf.PdfReader(io.BytesIO(data))
    with pdfplumber.open(io.BytesIO(data)) as document:
        texts = [page.extract_text() for page in document.pages]
        tables = [[row for table in page.extract_tables() for row in table] for page in document.pages]

    def outline(items: Any) -> list[Any]:
        return [outline(i) if isinstance(i, list) else (i.title, reader.get_destination_page_number(i)) for i in items]

    facts = {"pages": len(reader.pages), "texts": texts, "tables": tables, "outline": outline(reader.outline)}
    if destinations:
        facts["destinations"] = {name: reader.get_destination_page_number(dest)
                                 for name, dest in reader.named_destinations.items()}
    return facts
