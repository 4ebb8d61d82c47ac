"""The PDF of one table, laid out on demand and kept until the table changes.

Only that table's section is laid out (:func:`jixiao.render.breaks.only_sections`,
the same cut the PDF layout uses to lay out single tables again), then written
the way ``jixiao render`` writes a project's PDF
(:meth:`jixiao.render.pdf.PdfLayout.write_table`): same style sheet, same
fonts, page numbers from 1, resources only from the template folders.
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
    from jixiao.render import pdf  # WeasyPrint: slow to import, needs Pango
    from jixiao.render.breaks import only_sections
    from jixiao.render.build import issued_at

    # A table starts on a right-hand page, like page 1 of a file of its own.
    html = only_sections(preview.html, {number: "right"})
    layout = pdf.layout_pdf(html, preview.dirs, issued=issued_at(preview.doc), title=preview.title)
    return layout.write_table(number)
