"""Word's automatic numbering (``w:numPr``): the number Word shows before a paragraph.

A table title typed as 「办公费绩效目标表」 in a numbered list shows as
「1.办公费绩效目标表」: the number is not in the text but in ``numbering.xml``.
This counts the lists in document order as Word does for the common cases
(a counter per list and level, deeper levels restarting, ``%1.%2`` level
texts, decimal and Chinese counting formats) so the text read is the text
shown. Bullets and unknown formats give no number.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from jixiao.model.numbering import chinese

if TYPE_CHECKING:
    from lxml import etree

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_CHINESE = {"chineseCounting", "chineseCountingThousand", "chineseLegalSimplified", "ideographDigital", "taiwaneseCounting"}


@dataclass(frozen=True)
class _Level:
    start: int
    fmt: str
    text: str


def _format(n: int, fmt: str) -> str | None:
    if fmt in ("decimal", "decimalHalfWidth"):
        return str(n)
    if fmt == "decimalZero":
        return f"{n:02d}"
    if fmt == "decimalFullWidth":
        return "".join(chr(ord(d) - ord("0") + ord("０")) for d in str(n))
    if fmt in _CHINESE:
        return chinese(n)
    if fmt in ("upperLetter", "lowerLetter") and 1 <= n <= 26:
        letter = chr(ord("A") + n - 1)
        return letter if fmt == "upperLetter" else letter.lower()
    return None


@dataclass
class Numbering:
    """The lists of one document and their counters (advanced as paragraphs are read)."""

    levels: dict[str, dict[int, _Level]] = field(default_factory=dict)
    counters: dict[str, dict[int, int]] = field(default_factory=dict)

    @classmethod
    def parse(cls, root: etree._Element | None) -> Numbering:
        out = cls()
        if root is None:
            return out
        abstract: dict[str, dict[int, _Level]] = {}
        for a in root.iter(f"{W}abstractNum"):
            levels: dict[int, _Level] = {}
            for lvl in a.iter(f"{W}lvl"):
                start = lvl.find(f"{W}start")
                fmt = lvl.find(f"{W}numFmt")
                text = lvl.find(f"{W}lvlText")
                levels[_int(lvl.get(f"{W}ilvl"))] = _Level(
                    _int(start.get(f"{W}val") if start is not None else "1", 1),
                    (fmt.get(f"{W}val") or "decimal") if fmt is not None else "decimal",
                    (text.get(f"{W}val") or "") if text is not None else "",
                )
            abstract[a.get(f"{W}abstractNumId") or ""] = levels
        for num in root.iter(f"{W}num"):
            ref = num.find(f"{W}abstractNumId")
            if ref is not None and (ref.get(f"{W}val") or "") in abstract:
                out.levels[num.get(f"{W}numId") or ""] = abstract[ref.get(f"{W}val") or ""]
        return out

    def label(self, num_id: str, ilvl: int) -> str:
        """The number shown before the next paragraph of list *num_id* at level *ilvl* ("" if none)."""
        levels = self.levels.get(num_id)
        if not levels or ilvl not in levels:
            return ""
        counters = self.counters.setdefault(num_id, {})
        counters[ilvl] = counters.get(ilvl, levels[ilvl].start - 1) + 1
        for deeper in [k for k in counters if k > ilvl]:
            del counters[deeper]
        text = levels[ilvl].text
        for k in range(ilvl, -1, -1):
            placeholder = f"%{k + 1}"
            if placeholder not in text:
                continue
            level = levels.get(k)
            n = counters.get(k, level.start if level else 1)
            shown = _format(n, level.fmt if level else "decimal")
            if shown is None:
                return ""
            text = text.replace(placeholder, shown)
        return text if any(ch.isalnum() for ch in text) else ""


def _int(text: str | None, default: int = 0) -> int:
    try:
        return int(text or default)
    except ValueError:
        return default
