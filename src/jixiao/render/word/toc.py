"""The combined document's 目录 as a Word TOC field whose result is already filled in.

``{{p 目录 }}`` in a Word template becomes this field: the headings, and the
page numbers of the PDF layout when there is one, so that LibreOffice and WPS,
which do not recompute it on opening, show it filled in too. Each entry is a
link (``w:hyperlink w:anchor``) to the bookmark on its heading
(:func:`bookmark_name`; the built-in template puts them there), as Word makes
them, so the entries work before any field update.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from markupsafe import Markup, escape

from jixiao.model.page import TocEntry
from jixiao.render.layout.toclines import toc_lines

#: The TOC field Word fills: heading levels 1–2 and outline levels, entries as links.
TOC_FIELD = ' TOC \\o "1-2" \\h \\z \\u '
_TOC_EMPTY = "（打开文件时 Word 会更新目录；如未更新，请右键单击此处选择「更新域」。）"


def bookmark_name(anchor: str) -> str:
    """The Word bookmark of the heading with id *anchor*: ``part-1`` → ``_Toc_part_1`` (hidden, as Word's own)."""
    return "_Toc_" + anchor.replace("-", "_")


def toc_markup(entries: Sequence[TocEntry], page_numbers: Mapping[str, int] | None) -> Markup:
    """The 目录 as a Word TOC field whose result already holds *entries*.

    Paragraph styles TOC1/TOC2 by level; text (its lines as :func:`toc_lines` breaks them), a tab (the styles' right tab
    stop with a dot leader) and the page number from *page_numbers*, where
    known. The field is marked dirty, so Word recomputes it on opening (the
    template's settings also ask for that); LibreOffice and WPS show it as is.
    """
    begin = (
        '<w:r><w:fldChar w:fldCharType="begin" w:dirty="true"/></w:r>'
        f'<w:r><w:instrText xml:space="preserve">{TOC_FIELD}</w:instrText></w:r>'
        '<w:r><w:fldChar w:fldCharType="separate"/></w:r>'
    )
    end = '<w:r><w:fldChar w:fldCharType="end"/></w:r>'
    lines = [(e.level, toc_lines(e.text, e.level), (page_numbers or {}).get(e.anchor), e.anchor) for e in entries]
    if not lines:
        lines = [(1, [_TOC_EMPTY], None, "")]
    out = []
    for i, (level, texts, page, anchor) in enumerate(lines):
        # The entry's lines as jixiao broke them (render/layout/toclines.py), then the tab and the page.
        runs = "<w:r><w:br/></w:r>".join(f'<w:r><w:t xml:space="preserve">{escape(t)}</w:t></w:r>' for t in texts)
        if page is not None:
            runs += f"<w:r><w:tab/></w:r><w:r><w:t>{page}</w:t></w:r>"
        if anchor:
            runs = f'<w:hyperlink w:anchor="{bookmark_name(anchor)}" w:history="1">{runs}</w:hyperlink>'
        out.append(
            f'<w:p><w:pPr><w:pStyle w:val="TOC{level}"/></w:pPr>'
            f"{begin if i == 0 else ''}{runs}{end if i == len(lines) - 1 else ''}</w:p>"
        )
    return Markup("".join(out))
