"""``jixiao import``: an existing Word document → a department spec with presets.

Modules, in the order they run: :mod:`source` (the file; LibreOffice for .doc
and .wps), :mod:`read` (.docx → paragraphs and tables on their grid),
:mod:`recognise`, :mod:`tables`, :mod:`sections` (→ the document as published,
:mod:`found`), :mod:`context`, :mod:`items`, :mod:`templating`, :mod:`mining`,
:mod:`spell`, :mod:`plan` (→ presets and the shortest spelling of each table,
checked by expanding it in :mod:`memory`), :mod:`layout`, :mod:`assemble`
(→ spec data), :mod:`yamltext`, :mod:`write` (→ files), :mod:`report`.
:mod:`pipeline` runs them.
"""

from jixiao.importer.found import ImportProblem
from jixiao.importer.pipeline import import_document
from jixiao.importer.report import ImportReport, format_report

__all__ = ["ImportProblem", "ImportReport", "format_report", "import_document"]
