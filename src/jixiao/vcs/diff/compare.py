"""The entry of ``jixiao diff``: everything that differs between the documents of two specs."""

from __future__ import annotations

from jixiao.model.document import Document
from jixiao.spec.load import LoadedSpec
from jixiao.vcs.diff.changes import (
    DocumentDiff,
    Sides,
    document_changes,
    part_changes,
    part_one_changes,
    preset_lines,
)
from jixiao.vcs.diff.tables import compare_tables


def compare(old: tuple[LoadedSpec, Document], new: tuple[LoadedSpec, Document]) -> DocumentDiff:
    """Everything that differs between the documents of two specs."""
    (old_spec, old_doc), (new_spec, new_doc) = old, new
    sides = Sides(old_spec, new_spec, preset_lines(old_spec), preset_lines(new_spec))
    result = DocumentDiff(
        document=document_changes(old_doc, new_doc),
        parts=part_changes(old_doc, new_doc),
        part_one=part_one_changes(old_doc.part_one, new_doc.part_one),
    )
    compare_tables(old_doc, new_doc, sides, result)
    return result
