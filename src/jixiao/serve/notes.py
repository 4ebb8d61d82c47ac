"""What the preview says about problems: check findings beside their rows, spec errors in place of the page.

Everything here becomes JSON for the page (plain dicts of strings and
numbers); the page puts the texts in with ``textContent``, never as markup.
A place is shown the way the command line shows it (relative to the current
folder) and copied as an absolute ``path:line:col`` that an editor can open.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from contextlib import suppress
from pathlib import Path
from typing import Any

from jixiao.checks.base import LEVEL_LABEL, Finding
from jixiao.checks.report import shown_path
from jixiao.errors import Diagnostic
from jixiao.model.document import ProjectTable, SourceRef
from jixiao.resources import builtin_templates

#: A JSON-ready note, problem or finding.
Item = dict[str, Any]

#: Row fields and the column titles that print them (ProjectTable.columns).
_ROW_FIELDS = {
    "level1": ("一级指标",), "level2": ("二级指标",), "level3": ("三级指标",), "description": ("绩效指标描述",),
    "value": ("指标值",), "basis": ("指标值确定依据",), "explanation": ("指标解释", "指标值说明"), "weight": ("权重",),
}

#: Longest source line quoted under a spec error.
_QUOTE_CHARS = 200


def full_path(root: Path, path: str) -> Path:
    """The file a finding's path names: relative to the spec folder, or ``jixiao:templates/…``."""
    if path.startswith("jixiao:templates/"):
        return builtin_templates() / path.removeprefix("jixiao:templates/")
    return (root / path).resolve()


def finding_item(f: Finding, root: Path, base: Path) -> Item:
    """A finding as the page shows it: level, rule, message, hint and its place."""
    return {
        "level": f.level,
        "label": LEVEL_LABEL[f.level],
        "rule": f.rule,
        "message": f.message,
        "hint": f.hint,
        "where": f"{shown_path(root, f.path, base)}:{f.line}:{f.col}",
        "copy": f"{full_path(root, f.path)}:{f.line}:{f.col}",
    }


def _same_place(ref: SourceRef, f: Finding, *, col: bool) -> bool:
    return ref.path == f.path and ref.line == f.line and (not col or ref.col == f.col)


def locate_row(table: ProjectTable, f: Finding) -> tuple[int | None, str | None]:
    """The indicator row (its ``data-row`` in the HTML grid) and column a finding is about.

    The grid's row 0 is the column heads, so the table's row *i* is grid row
    *i* + 1. A finding at a header field (项目名称, 资金用途 …) gives no row
    and that field's name; one found nowhere in the table gives (None, None).
    The exact cell (line and column) wins over a cell merely on the same line.
    """
    for exact in (True, False):
        for index, row in enumerate(table.rows):
            for name in _ROW_FIELDS:
                if _same_place(row.source_of(name), f, col=exact):
                    label = next((t for t in _ROW_FIELDS[name] if t in table.columns), None)
                    return index + 1, label
            if _same_place(row.source, f, col=exact):
                return index + 1, None
        for name, ref in table.field_sources.items():
            if _same_place(ref, f, col=exact):
                return None, name
    return None, None


def table_notes(table: ProjectTable, findings: Iterable[Finding], root: Path, base: Path) -> list[Item]:
    """Notes for the findings about *table*, each with the row it is shown beside (or None)."""
    out = []
    for f in findings:
        row, field = locate_row(table, f)
        out.append({**finding_item(f, root, base), "row": row, "field": field})
    # Rows top to bottom (header notes first), in the order of the rows' cells.
    out.sort(key=lambda n: (n["row"] is not None, n["row"] or 0))
    return out


def counts(findings: Sequence[Finding]) -> dict[str, int]:
    """Findings per level (error, warning, info)."""
    out = {"error": 0, "warning": 0, "info": 0}
    for f in findings:
        out[f.level] += 1
    return out


def problem_item(d: Diagnostic, base: Path, readable: Sequence[Path]) -> Item:
    """A spec error as the page shows it instead of the document.

    The line it points at is quoted when the file lies in one of the
    *readable* folders (the spec folder, the template folders): the preview
    reads nothing else.
    """
    shown = Path(d.path)
    with suppress(ValueError):  # as the command line shows it (Diagnostic.format)
        shown = shown.resolve().relative_to(base.resolve())
    return {
        "level": d.severity,
        "label": "错误" if d.severity == "error" else "警告",
        "message": d.message,
        "hint": d.hint,
        "where": f"{shown}:{d.line}:{d.col}",
        "copy": f"{Path(d.path).resolve()}:{d.line}:{d.col}",
        "source": _quote(Path(d.path), d.line, readable),
        "col": d.col,
    }


def _quote(path: Path, line: int, readable: Sequence[Path]) -> str | None:
    try:
        real = path.resolve()
        if not any(real.is_relative_to(folder.resolve()) for folder in readable):
            return None
        if not real.is_file() or real.stat().st_size > 5_000_000 or line < 1:
            return None
        with real.open(encoding="utf-8", errors="replace") as handle:
            for number, text in enumerate(handle, 1):
                if number == line:
                    return text.rstrip("\r\n")[:_QUOTE_CHARS]
    except OSError:
        return None
    return None
