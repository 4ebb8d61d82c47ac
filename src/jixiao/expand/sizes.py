"""Size limits of the expanded document: each printed text, and the whole.

Part of the *expand* stage; the numbers are in :mod:`jixiao.limits`.
"""

from __future__ import annotations

from collections.abc import Mapping

from jixiao import limits
from jixiao.errors import Diagnostic
from jixiao.model import document as dm
from jixiao.spec.yamlio import NodePath, Positions


def cell_too_long(label: str, text: str) -> tuple[str, str] | None:
    """(message, hint) when *text*, printed as the field *label*, is over the per-cell limit; else None.

    The one wording of this limit, for written and for computed texts alike.
    """
    if len(text) <= limits.MAX_CELL_CHARS:
        return None
    return (
        f"「{label}」有 {len(text)} 个字，超过每格（每段）{limits.MAX_CELL_CHARS} 字的上限",
        "表格中的一格或一段写不下这么多文字：请精简，或分成几段",
    )


def too_long(pos: Positions, texts: Mapping[str | int, str | None], base: NodePath = ()) -> list[Diagnostic]:
    """A diagnostic for each of *texts* (by key under *base*) over the per-cell limit."""
    out = []
    for key, text in texts.items():
        label = key if isinstance(key, str) else f"{base[-1]}第 {key + 1} 项"
        problem = cell_too_long(label, text) if text is not None else None
        if problem is not None:
            out.append(pos.diag((*base, key), *problem))
    return out


def too_big(pos: Positions, part_one: dm.PartOne | None, parts: list[dm.Part]) -> list[Diagnostic]:
    """A diagnostic if the document's printed text exceeds the limit (each cell alone may be fine)."""
    size = 0
    if part_one is not None:
        size += sum(len(b.text) for s in part_one.sections for b in s.blocks)
    for part in parts:
        for t in part.tables:
            size += len(t.name) + len(t.use) + len(t.goal)
            size += sum(len(r.level3) + len(r.description) + len(r.value) + len(r.basis or "") for r in t.rows)
    if size <= limits.MAX_DOCUMENT_CHARS:
        return []
    return [
        pos.diag(
            (),
            f"整个文档展开后有 {size} 个字，超过上限 {limits.MAX_DOCUMENT_CHARS} 字",
            "一份部门绩效目标不会有这么多文字：检查是否有重复或过长的内容，或把部门拆成几份规格",
        )
    ]
