"""The PDF of one table, laid out on demand and kept until the table changes.

Made exactly as ``jixiao render`` makes a project's own PDF
(:func:`jixiao.render.pdf.layout.table_pdf`): that table's section laid out
as a document of its own with the same style sheet and fonts, page numbers
from 1, resources only from the template folders.
"""

from __future__ import annotations

import threading

from jixiao.serve.state import Preview


class TablePdfs:
    """Per-table PDFs of the current build, one layout at a time."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._cache: dict[int, tuple[str, bytes]] = {}

    def get(self, preview: Preview, number: int) -> bytes | None:
        """The PDF of table *number* of *preview*; None if there is no such table.

        Raises:
            RenderError: the layout failed (a refused resource, a broken style sheet …).
        """
        fragment = preview.fragments.get(f"table-{number}")
        if fragment is None or fragment.table != number:
            return None
        doc = preview.doc
        stamp = "\n".join(
            (preview.head_digest, fragment.html_digest, preview.assets_digest, doc.title, str(doc.issued))
        )
        with self._lock:  # one WeasyPrint layout at a time; a second ask for the same table waits for the first
            cached = self._cache.get(number)
            if cached is not None and cached[0] == stamp:
                return cached[1]
            data = _lay_out(preview, number)
            self._cache[number] = (stamp, data)
            return data


def _lay_out(preview: Preview, number: int) -> bytes:
    from jixiao.render.build import issued_at
    from jixiao.render.pdf.layout import table_pdf  # WeasyPrint: slow to import, needs Pango

    return table_pdf(preview.html, preview.dirs, number, issued=issued_at(preview.doc), title=preview.title)
