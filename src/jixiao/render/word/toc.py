"""The combined document's 目录 as a Word TOC field whose result is already filled in.

``{{p 目录 }}`` in a Word template becomes this field: the headings, and the
page numbers of the PDF layout when there is one, so that LibreOffice and WPS,
which do not recompute it on opening, show it filled in too.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from markupsafe import Markup, escape

from jixiao.model.page import TocEntry

#: The TOC field Word fills: heading levels 1–2 and outline levels, entries as links.
TOC_FIELD = ' TOC \\o "1-2" \\h \\z \\u '
_TOC_EMPTY = "（打开文件时 Word 会更新目录；如未更新，请右键单击此处选择「更新域」。）"


def toc_markup(entries: Sequence[TocEntry], page_numbers: Mapping[str, int] | None) -> Markup:
    """The 目录 as a Word TOC field whose result already holds *entries*.

    Paragraph styles TOC1/TOC2 by level; text, a tab (the styles' right tab
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
    lines = [(e.level, e.text, (page_numbers or {}).get(e.anchor)) for e in entries]
    if not lines:
        lines = [(1, _TOC_EMPTY, None)]
    out = []
    for i, (level, text, page) in enumerate(lines):
        runs = f'<w:r><w:t xml:space="preserve">{escape(text)}</w:t></w:r>'
        if page is not None:
            runs += f"<w:r><w:tab/></w:r><w:r><w:t>{page}</w:t></w:r>"
        out.append(
            f'<w:p><w:pPr><w:pStyle w:val="TOC{level}"/></w:pPr>'
            f"{begin if i == 0 else ''}{runs}{end if i == len(lines) - 1 else ''}</w:p>"
        )
    return Markup("".join(out))
