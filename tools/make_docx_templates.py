"""Write the built-in Word templates: templates/docx/document.docx and table.docx.

Run from the repository root: ``.venv/bin/python tools/make_docx_templates.py``.
The templates are written from scratch as plain OOXML (no python-docx default
template, so no thumbnail, no customXml, no "python-docx" creator) and carry
docxtpl tags. Users may replace them with a template designed in Word: keep the
tags (``{{ 标题 }}``, ``{%p for 部分 in 各部分 %}``, ``{{p 表.表格 }}``, ``{{p 目录 }}`` …)
and the style names 表格文字/表题 the generated tables use and toc 1/toc 2 the 目录
uses. tests/test_docx.py checks the committed files equal this script's output.
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from jixiao.model.page import OFFICIAL  # noqa: E402
from jixiao.render.word.package import core_properties, write_package  # noqa: E402
from jixiao.render.word.page import half_points, section_properties, twip  # noqa: E402

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'

# Official fonts (GB/T 9704-2012 as practised); Word/WPS on the user's PC has them.
SONG_TITLE = "方正小标宋简体"
HEI = "黑体"
KAI = "楷体_GB2312"
FANG = "仿宋_GB2312"
SONG = "宋体"

# The page, type sizes and cell padding are the page plan's (jixiao.model.page), as in the PDF.
PAGE = OFFICIAL
TEXT_WIDTH = twip(PAGE.text_width_mm)
BODY_PT = PAGE.body_pt
BODY_LINE = round(PAGE.body_line_pt * 20)  # exact line spacing, in twentieths of a point
TITLE_LINE = round(22 * 1.5 * 20)  # the title and part headings: 二号 on 1.5 lines (style.css h1, .jx-title)
LINE_PITCH = 579
# The text's section: after a 目录 numbered apart with page numbers on the outer edge (GB/T 9704) it
# starts on an odd page, as the PDF's text starts on a right-hand page.
ODD_START = ('{% if 版式.首页 == "目录" and 版式.目录页码 != "连续" and 版式.页码位置 == "外侧" %}'
             '<w:type w:val="oddPage"/>{% endif %}')
SECT = section_properties(PAGE, footer="rIdFooter", even_footer="rIdFooterEven", line_pitch=LINE_PITCH)
DOCUMENT_SECT = section_properties(PAGE, footer="rIdFooter", even_footer="rIdFooterEven", line_pitch=LINE_PITCH,
                                   start=ODD_START)
# The title and 目录 as a section of their own (目录页码 单独: numbered Ⅰ, Ⅱ …; 无: no footer), so that
# the text's section numbers its pages from 1.
FRONT_SECT = (
    '{% if 版式.目录页码 == "单独" %}'
    + section_properties(PAGE, footer="rIdFooter", even_footer="rIdFooterEven", line_pitch=LINE_PITCH,
                         number_format="upperRoman")
    + "{% else %}"
    + section_properties(PAGE, footer="", line_pitch=LINE_PITCH)
    + "{% endif %}"
)


def fonts(name: str, latin: str = "Times New Roman") -> str:
    return (
        f'<w:rFonts w:ascii="{latin}" w:hAnsi="{latin}" w:eastAsia="{name}" w:cs="{latin}"'
        ' w:hint="eastAsia"/>'
    )


def para_style(
    sid: str,
    name: str,
    font: str,
    size_pt: float,
    *,
    jc: str = "both",
    outline: int | None = None,
    indent: bool = False,
    line: int | None = BODY_LINE,
    before: int = 0,
    after: int = 0,
    keep_next: bool = False,
    bold: bool = False,
    based_on: str = "Normal",
    snap: bool = True,
    right_tab: bool = False,
    left_chars: int = 0,  # left indent of every line, in characters of this size
    autospace: bool = True,
) -> str:
    ppr = "<w:pPr>"
    if keep_next:
        ppr += "<w:keepNext/>"
    ppr += '<w:widowControl w:val="0"/>'
    if right_tab:
        # 目录 entries: the page number at the right margin after a dot leader.
        ppr += f'<w:tabs><w:tab w:val="right" w:leader="dot" w:pos="{TEXT_WIDTH}"/></w:tabs>'
    if not autospace:
        # No extra space between Chinese and Latin letters or digits, as in the PDF (tables and their titles).
        ppr += '<w:autoSpaceDE w:val="0"/><w:autoSpaceDN w:val="0"/>'
    if not snap:
        # Table text and the 目录 (24 pt lines, as in the PDF) must not snap to the page's 28 pt line grid.
        ppr += '<w:snapToGrid w:val="0"/>'
    spacing = f'<w:spacing w:before="{before}" w:after="{after}"'
    spacing += f' w:line="{line}" w:lineRule="exact"/>' if line else ' w:line="240" w:lineRule="auto"/>'
    ppr += spacing
    if indent:
        ppr += '<w:ind w:firstLineChars="200" w:firstLine="640"/>'
    elif left_chars:
        ppr += f'<w:ind w:left="{left_chars * int(size_pt * 20)}"/>'
    ppr += f'<w:jc w:val="{jc}"/>'
    if outline is not None:
        ppr += f'<w:outlineLvl w:val="{outline}"/>'
    ppr += "</w:pPr>"
    half = half_points(size_pt)
    rpr = f"<w:rPr>{fonts(font)}{'<w:b/>' if bold else ''}<w:sz w:val=\"{half}\"/><w:szCs w:val=\"{half}\"/></w:rPr>"
    return (
        f'<w:style w:type="paragraph" w:customStyle="{0 if sid in BUILTIN else 1}" w:styleId="{sid}">'
        f'<w:name w:val="{name}"/><w:basedOn w:val="{based_on}"/><w:next w:val="JxBody"/><w:qFormat/>'
        f"{ppr}{rpr}</w:style>"
    )


BUILTIN = {"Title", "Heading1", "Heading2", "Heading3", "TOC1", "TOC2", "Footer"}


def styles() -> str:
    body = [
        '<w:docDefaults><w:rPrDefault><w:rPr>'
        f"{fonts(FANG)}"
        f'<w:kern w:val="2"/><w:sz w:val="{half_points(BODY_PT)}"/><w:szCs w:val="{half_points(BODY_PT)}"/>'
        '<w:lang w:val="en-US" w:eastAsia="zh-CN" w:bidi="ar-SA"/></w:rPr></w:rPrDefault>'
        '<w:pPrDefault><w:pPr><w:widowControl w:val="0"/><w:jc w:val="both"/></w:pPr></w:pPrDefault>'
        "</w:docDefaults>",
        '<w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/>'
        "<w:qFormat/></w:style>",
        '<w:style w:type="character" w:default="1" w:styleId="DefaultParagraphFont">'
        '<w:name w:val="Default Paragraph Font"/><w:uiPriority w:val="1"/><w:semiHidden/></w:style>',
        '<w:style w:type="table" w:default="1" w:styleId="TableNormal"><w:name w:val="Normal Table"/>'
        '<w:semiHidden/><w:tblPr><w:tblInd w:w="0" w:type="dxa"/><w:tblCellMar>'
        f'<w:top w:w="0" w:type="dxa"/><w:left w:w="{twip(PAGE.cell_padding_mm)}" w:type="dxa"/>'
        f'<w:bottom w:w="0" w:type="dxa"/><w:right w:w="{twip(PAGE.cell_padding_mm)}" w:type="dxa"/></w:tblCellMar>'
        "</w:tblPr></w:style>",
        para_style("JxBody", "正文（仿宋三号）", FANG, BODY_PT, indent=True),
        # Titles and headings as the PDF's style sheet sets them: bold, lines of 1.5 times the type size.
        para_style("Title", "Title", SONG_TITLE, 22, jc="center", line=TITLE_LINE, snap=False, bold=True,
                   before=0, after=600),
        para_style("Heading1", "heading 1", SONG_TITLE, 22, jc="center", outline=0, line=TITLE_LINE,
                   snap=False, bold=True, before=0, after=400, keep_next=True),
        para_style("Heading2", "heading 2", HEI, 16, outline=1, indent=True, keep_next=True),
        para_style("Heading3", "heading 3", KAI, 16, outline=2, indent=True, keep_next=True),
        para_style("JxTableTitle", "表题", HEI, 16, jc="center", outline=1, line=round(16 * 1.5 * 20),
                   snap=False, autospace=False, before=0, after=240, keep_next=True),
        para_style("JxTocHeading", "目录标题", HEI, 16, jc="center", line=None, after=240),
        para_style("TOC1", "toc 1", HEI, 14, jc="left", line=480, snap=False, right_tab=True),
        para_style("TOC2", "toc 2", FANG, 14, jc="left", line=480, snap=False, right_tab=True,
                   left_chars=2),
        para_style("JxTableText", "表格文字", FANG, PAGE.table_pt, jc="center", line=round(PAGE.table_line_pt * 20),
                   snap=False, autospace=False),
        para_style("JxGap", "表间空行", FANG, 1, jc="left", line=20, snap=False),
        para_style("Footer", "footer", SONG, 14, jc="center", line=None),
    ]
    return (
        HEAD + f'<w:styles xmlns:w="{W}" xmlns:r="{R}">' + "".join(body) + "</w:styles>"
    )


def p(style: str, text: str = "", extra: str = "") -> str:
    run = f'<w:r><w:t xml:space="preserve">{text}</w:t></w:r>' if text else ""
    return f'<w:p><w:pPr><w:pStyle w:val="{style}"/></w:pPr>{run}{extra}</w:p>'


def tag(text: str) -> str:
    """A paragraph holding only a docxtpl paragraph tag ({%p …%}, {{p …}})."""
    return f'<w:p><w:r><w:t xml:space="preserve">{text}</w:t></w:r></w:p>'


def two_line(style: str, first: str, second: str, *, ppr: str = "", mark: tuple[str, str] = ("", "")) -> str:
    """A heading printed on two lines (第一部分 / its title); *ppr* adds to its paragraph properties, *mark*
    is a bookmark around its text (:func:`bookmark`)."""
    return (
        f'<w:p><w:pPr><w:pStyle w:val="{style}"/>{ppr}</w:pPr>{mark[0]}'
        f'<w:r><w:t xml:space="preserve">{first}</w:t></w:r><w:r><w:br/></w:r>'
        f'<w:r><w:t xml:space="preserve">{second}</w:t></w:r>{mark[1]}</w:p>'
    )


def bookmark(bookmark_id: str, name: str) -> tuple[str, str]:
    """Start and end of the bookmark the 目录's links point to, named *name* (template text) as
    :func:`jixiao.render.word.toc.bookmark_name` names the heading's 锚点 (``part-1`` → ``_Toc_part_1``);
    *bookmark_id* is a template expression giving a number unique in the document."""
    return (
        f'<w:bookmarkStart w:id="{{{{ {bookmark_id} }}}}" w:name="{name}"/>',
        f'<w:bookmarkEnd w:id="{{{{ {bookmark_id} }}}}"/>',
    )


def when(condition: str, xml: str) -> str:
    """*xml* where the docxtpl *condition* holds (inside one paragraph)."""
    return f"{{% if {condition} %}}{xml}{{% endif %}}"


PAGE_BREAK = "<w:pageBreakBefore/>"
# A heading alone on its page is not kept with the table title after it (which starts the next page).
KEEP_NEXT_OFF = '<w:keepNext w:val="0"/>'
# A part heading alone on its page sits a third of the way down (60 mm), as in the PDF.
ALONE_SPACING = f'<w:spacing w:before="{twip(PAGE.alone_drop_mm)}"/>'


def document_body() -> str:
    # 版式.首页: 目录 = title and 目录 on a page of their own; 标题 = the title, the
    # text right after it; 无 = the text from the first line. Where each section
    # starts is the page plan's (its 版面, see jixiao.model.page), as in the HTML
    # template: 另起一页 = a page break before it; a part heading 独占一页 is not kept
    # with what follows and, 下移, stands a third of the way down its page.
    # 目录 is the TOC field with its entries filled in (see render/word/toc.py).
    parts = [
        tag('{%p if 版式.首页 != "无" %}'),
        p("Title", "{{ 标题 }}"),
        tag("{%p endif %}"),
        tag('{%p if 版式.首页 == "目录" %}'),
        p("JxTocHeading", "目　录"),
        tag("{{p 目录 }}"),
        tag('{%p if 版式.目录页码 != "连续" %}'),
        f'<w:p><w:pPr><w:pStyle w:val="JxGap"/>{FRONT_SECT}</w:pPr></w:p>',
        tag("{%p endif %}"),
        tag("{%p endif %}"),
        tag("{%p if 第一部分 %}"),
        two_line("Heading1", "{{ 第一部分.编号 }}", "{{ 第一部分.标题 }}",
                 ppr=when("第一部分.版面.另起一页", PAGE_BREAK), mark=bookmark("1", "_Toc_part_one")),
        tag("{%p for 章 in 第一部分.章节 %}"),
        '<w:p><w:pPr><w:pStyle w:val="Heading2"/></w:pPr>{}<w:r><w:t xml:space="preserve">{{{{ 章.标题行 }}}}</w:t>'
        "</w:r>{}</w:p>".format(*bookmark("100 + loop.index", "_Toc_part_one_{{ loop.index }}")),
        tag("{%p for 段 in 章.段落 %}"),
        # An item's numbered heading line (小标题) in 楷体, body text (正文) in 仿宋.
        '<w:p><w:pPr><w:pStyle w:val="{% if 段.样式 == \'小标题\' %}Heading3{% else %}JxBody{% endif %}"/>'
        '</w:pPr><w:r><w:t xml:space="preserve">{{ 段.文字 }}</w:t></w:r></w:p>',
        tag("{%p endfor %}"),
        tag("{%p endfor %}"),
        tag("{%p endif %}"),
        tag("{%p for 部分 in 各部分 %}"),
        tag('{%p if 版式.部分标题 != "无" %}'),
        two_line(
            "Heading1", "{{ 部分.编号 }}", "{{ 部分.标题 }}",
            ppr=when("部分.版面.独占一页", KEEP_NEXT_OFF)
            + when("部分.版面.另起一页", PAGE_BREAK)
            + when("部分.版面.下移", ALONE_SPACING),
            mark=bookmark("1000 + loop.index", "_Toc_part_{{ loop.index }}"),
        ),
        tag("{%p endif %}"),
        tag("{%p for 表 in 部分.表 %}"),
        '<w:p><w:pPr><w:pStyle w:val="JxTableTitle"/>'
        + when("表.版面.另起一页", PAGE_BREAK)
        + "</w:pPr>{}<w:r><w:t xml:space=\"preserve\">{{{{ 表.表题 }}}}</w:t></w:r>{}</w:p>".format(
            *bookmark("10000 + 表.序号", "_Toc_table_{{ 表.序号 }}")),
        tag("{{p 表.表格 }}"),
        tag("{%p endfor %}"),
        tag("{%p endfor %}"),
    ]
    return "".join(parts)


def table_body() -> str:
    return p("JxTableTitle", "{{ 表.表题 }}") + tag("{{p 表.表格 }}")


def document_xml(body: str, sect: str) -> str:
    return (
        HEAD + f'<w:document xmlns:w="{W}" xmlns:r="{R}"><w:body>{body}{sect}</w:body></w:document>'
    )


def footer(side: str) -> str:
    """The page number 「— 1 —」: centred, or with 页码位置 外侧 one character in from the *side* edge.

    The default footer (odd pages) is at the right, the even pages' footer at
    the left; Word uses the even one when the settings ask for even and odd footers.
    """
    one_char = 14 * 20  # 4号: 14 pt in twips
    outer = f'<w:jc w:val="{side}"/><w:ind w:{side}="{one_char}"/>'
    return (
        HEAD + f'<w:ftr xmlns:w="{W}" xmlns:r="{R}"><w:p><w:pPr><w:pStyle w:val="Footer"/>'
        + "{% if 版式.页码位置 == '外侧' %}" + outer + "{% endif %}</w:pPr>"
        '<w:r><w:t xml:space="preserve">— </w:t></w:r>'
        '<w:r><w:fldChar w:fldCharType="begin"/></w:r>'
        '<w:r><w:instrText xml:space="preserve"> PAGE </w:instrText></w:r>'
        '<w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>1</w:t></w:r>'
        '<w:r><w:fldChar w:fldCharType="end"/></w:r>'
        '<w:r><w:t xml:space="preserve"> —</w:t></w:r></w:p></w:ftr>'
    )


def settings(update_fields: bool) -> str:
    # Word asks to update fields on opening only when there is a 目录 to update.
    update = '{% if 版式.首页 == "目录" %}<w:updateFields w:val="true"/>{% endif %}' if update_fields else ""
    # 页码位置 外侧: odd and even pages have footers of their own.
    even_odd = '{% if 版式.页码位置 == "外侧" %}<w:evenAndOddHeaders/>{% endif %}'
    return (
        HEAD + f'<w:settings xmlns:w="{W}">{update}{even_odd}<w:defaultTabStop w:val="420"/>'
        '<w:characterSpacingControl w:val="compressPunctuation"/>'
        '<w:compat><w:compatSetting w:name="compatibilityMode" w:uri="http://schemas.microsoft.com/office/word"'
        ' w:val="15"/></w:compat></w:settings>'
    )


#: Where a PC lacks an official font: the names to try in turn (w:altName, ISO/IEC 29500 §17.8.3.1:
#: the Windows and macOS names of the same style, then the free fonts README「字体」 names), and the
#: PANOSE class, character set (86: GB 2312), family and pitch Word matches a substitute by after that.
FONTS: tuple[tuple[str, str, str, str, str, str], ...] = (
    ("Times New Roman", "", "02020603050405020304", "00", "roman", "variable"),
    (SONG, "SimSun,Songti SC,Noto Serif CJK SC", "02010600030101010101", "86", "auto", "variable"),
    (FANG, "仿宋,FangSong,STFangsong,FandolFang,Noto Serif CJK SC", "02010609060101010101", "86", "modern", "fixed"),
    (KAI, "楷体,KaiTi,STKaiti,AR PL KaitiM GB,LXGW WenKai,FandolKai,Noto Serif CJK SC", "02010609060101010101", "86",
     "modern", "fixed"),
    (HEI, "SimHei,Heiti SC,Noto Sans CJK SC", "02010609060101010101", "86", "modern", "fixed"),
    (SONG_TITLE, "方正小标宋_GBK,FZXiaoBiaoSong-B05S,宋体,SimSun,Noto Serif CJK SC", "02010600010101010101", "86",
     "auto", "variable"),
)


def font_table() -> str:
    entries = "".join(
        f'<w:font w:name="{name}">' + (f'<w:altName w:val="{alt}"/>' if alt else "") +
        f'<w:panose1 w:val="{panose}"/><w:charset w:val="{cs}"/><w:family w:val="{fam}"/>'
        f'<w:pitch w:val="{pitch}"/></w:font>'
        for name, alt, panose, cs, fam, pitch in FONTS
    )
    return HEAD + f'<w:fonts xmlns:w="{W}">{entries}</w:fonts>'


CONTENT_TYPES = (
    HEAD + '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
    '<Override PartName="/word/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml"/>'
    '<Override PartName="/word/settings.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.settings+xml"/>'
    '<Override PartName="/word/fontTable.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.fontTable+xml"/>'
    '<Override PartName="/word/footer1.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.footer+xml"/>'
    '<Override PartName="/word/footer2.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.footer+xml"/>'
    '<Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>'
    '<Override PartName="/docProps/app.xml" ContentType="application/vnd.openxmlformats-officedocument.extended-properties+xml"/>'
    "</Types>"
)

ROOT_RELS = (
    HEAD + '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/>'
    '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/>'
    '<Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/extended-properties" Target="docProps/app.xml"/>'
    "</Relationships>"
)

DOC_RELS = (
    HEAD + '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rIdStyles" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>'
    '<Relationship Id="rIdSettings" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/settings" Target="settings.xml"/>'
    '<Relationship Id="rIdFonts" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/fontTable" Target="fontTable.xml"/>'
    '<Relationship Id="rIdFooter" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/footer" Target="footer1.xml"/>'
    '<Relationship Id="rIdFooterEven" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/footer" Target="footer2.xml"/>'
    "</Relationships>"
)

APP = (
    HEAD + '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties">'
    "<Application>jixiao</Application></Properties>"
)


def package(body: str, *, update_fields: bool, sect: str = SECT) -> bytes:
    parts = [
        ("[Content_Types].xml", CONTENT_TYPES),
        ("_rels/.rels", ROOT_RELS),
        ("docProps/core.xml", core_properties("{{ 标题 }}", "jixiao", dt.datetime(2000, 1, 1)).decode()),
        ("docProps/app.xml", APP),
        ("word/document.xml", document_xml(body, sect)),
        ("word/_rels/document.xml.rels", DOC_RELS),
        ("word/styles.xml", styles()),
        ("word/settings.xml", settings(update_fields)),
        ("word/fontTable.xml", font_table()),
        ("word/footer1.xml", footer("right")),
        ("word/footer2.xml", footer("left")),
    ]
    return write_package((name, text.encode("utf-8")) for name, text in parts)


def build() -> dict[str, bytes]:
    """File name → bytes of every built-in Word template."""
    return {
        "document.docx": package(document_body(), update_fields=True, sect=DOCUMENT_SECT),
        "table.docx": package(table_body(), update_fields=False),
    }


def main() -> None:
    out = ROOT / "templates" / "docx"
    out.mkdir(parents=True, exist_ok=True)
    for name, data in build().items():
        (out / name).write_bytes(data)
        print(f"wrote {out / name}")


if __name__ == "__main__":
    main()
