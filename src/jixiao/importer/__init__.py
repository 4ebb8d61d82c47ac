"""``jixiao import``: an existing Word document or a budget system's workbook → a department spec with presets.

Modules, in the order they run: :mod:`source` (the file; LibreOffice for .doc
and .wps), :mod:`read` (.docx → paragraphs and tables on their grid),
:mod:`recognise`, :mod:`tables` (with :mod:`formrows` for the 2021 form), :mod:`sections` (→ the document as published,
:mod:`found`), :mod:`context`, :mod:`items`, :mod:`templating`, :mod:`mining`,
:mod:`spell`, :mod:`plan` (→ presets and the shortest spelling of each table,
checked by expanding it in :mod:`memory`), :mod:`layout`, :mod:`assemble`
(→ spec data), :mod:`yamltext`, :mod:`write` (→ files), :mod:`report`.
:mod:`pipeline` runs them. Workbooks go through :mod:`jixiao.importer.workbook` to the same later stages.
"""

from __future__ import annotations

from pathlib import Path

from jixiao.importer.found import ImportProblem
from jixiao.importer.pipeline import import_document
from jixiao.importer.report import ImportReport, format_report

__all__ = ["ImportProblem", "ImportReport", "format_report", "import_document", "import_file"]


def import_file(
    path: Path, target: Path, *, year: int | None = None, force: bool = False, layout: str | None = None
) -> ImportReport:
    """Import *path* — a workbook (by name or content, or whenever *layout* is given) or a Word file."""
    from jixiao.importer.workbook.sheets import is_workbook

    if layout is not None or is_workbook(path):
        from jixiao.importer.workbook.pipeline import import_workbook

        return import_workbook(path, target, year=year, force=force, layout=layout)
    return import_document(path, target, year=year, force=force)
