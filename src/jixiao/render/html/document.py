"""HTML for the PDF: the document template and the tables drawn from the shared grid.

The document template (``document.html.j2``) and the style sheet
(``style.css``) are looked up file by file in the template folders, user's
first, built-in last. The template gets the same variables as the Word
document template (:func:`jixiao.render.word.template.document_context`), plus
``样式表`` (the style sheet text, inlined so that the written .html file
stands alone); each ``表.表格`` is the header block and indicator table as
HTML built here from :mod:`jixiao.render.layout.grid`, so Word and PDF show the same
cells.

Table markup carries what the PDF layout needs to repair vertically merged
cells at page breaks (see :mod:`jixiao.render.pdf.breaks`): ``data-grid`` on
each table, ``data-row`` (the grid row index) on each row, an ``id`` on each
body row (its page is then one of WeasyPrint's page anchors) and ``data-col``
(the first grid column) on each cell. A label whose printed lines each fit their
cell has class ``jx-keep`` (the style sheet does not wrap it again).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

import jinja2
from markupsafe import Markup, escape

from jixiao.errors import RenderError
from jixiao.model.document import Document, ProjectTable
from jixiao.render.layout.grid import (
    TEXT_WIDTH_MM,
    Cell,
    Row,
    TableGrid,
    header_grid,
    indicator_grid,
)
from jixiao.render.pdf.breaks import row_id
from jixiao.render.templates import TemplateFolderLoader, read_template_text, template_failure
from jixiao.render.word.template import document_context
from jixiao.textenv import markup_env, render_bounded

DOCUMENT_TEMPLATE = "document.html.j2"
STYLE_SHEET = "style.css"


def render_html(doc: Document, template_dirs: Sequence[Path], tables: Mapping[int, Markup] | None = None) -> str:
    """The whole document as one HTML page (style sheet inlined).

    *tables* may give the HTML of tables (:func:`table_markup`) made before.
    """
    dirs = [Path(d) for d in template_dirs]
    env = markup_env().overlay(loader=TemplateFolderLoader(dirs))
    try:
        template = env.get_template(DOCUMENT_TEMPLATE)
    except jinja2.TemplateNotFound as exc:
        raise RenderError(
            f"找不到 HTML 模板 {DOCUMENT_TEMPLATE}（已查找：{_listing(dirs)}）。jixiao 安装可能不完整，请重新安装。"
        ) from exc
    except jinja2.TemplateSyntaxError as exc:
        raise RenderError(f"HTML 模板 {exc.filename or DOCUMENT_TEMPLATE} 第 {exc.lineno} 行有语法错误：{exc.message}") from exc
    except RecursionError:
        raise RenderError(f"HTML 模板 {DOCUMENT_TEMPLATE} 的嵌套层次过深，无法读取。") from None
    marks = {t.number: (tables or {}).get(t.number) or table_markup(doc, t) for t in doc.tables()}
    context = {**document_context(doc, marks), "样式表": Markup(style_sheet(dirs))}
    try:
        return render_bounded(template, context)
    except jinja2.UndefinedError as exc:
        raise RenderError(
            f"HTML 模板 {template.filename} 使用了不存在的变量：{exc.message}。可用的变量与 Word 模板相同，另有「样式表」。"
        ) from exc
    except (jinja2.TemplateError, UnicodeDecodeError) as exc:
        raise RenderError(template_failure(f"HTML 模板 {template.filename}", exc)) from exc


def style_sheet(template_dirs: Sequence[Path]) -> str:
    """Text of the first ``style.css`` found in *template_dirs*."""
    for folder in template_dirs:
        path = Path(folder) / STYLE_SHEET
        if path.is_file():
            real = path.resolve()
            if not real.is_relative_to(Path(folder).resolve()):
                raise RenderError(f"样式表 {path} 是指向模板文件夹以外的符号链接：jixiao 只读取模板文件夹中的文件。")
            return read_template_text(real)
    raise RenderError(f"找不到样式表 {STYLE_SHEET}（已查找：{_listing(template_dirs)}）。jixiao 安装可能不完整，请重新安装。")


def _listing(dirs: Sequence[Path]) -> str:
    return "、".join(str(d) for d in dirs) or "没有模板文件夹"


def table_markup(doc: Document, table: ProjectTable) -> Markup:
    """The header block and the indicator table of *table* as HTML."""
    header = grid_html(header_grid(table), key=f"{table.number}-header", kind="header")
    indicators = grid_html(indicator_grid(table), key=f"{table.number}-indicators", kind="indicators")
    return Markup(header + "\n" + indicators)


def grid_html(grid: TableGrid, *, key: str, kind: str) -> str:
    """One ``<table>`` for *grid*: column widths in mm, merged cells as ``rowspan``.

    Head rows go into ``<thead>`` (repeated on every page), the others into one
    ``<tbody>``.
    """
    width = grid.width_mm
    style = "" if abs(width - TEXT_WIDTH_MM) < 0.01 else f' style="width: {width:.3f}mm"'
    out = [f'<table class="jx-grid jx-{kind}" data-grid="{escape(key)}"{style}>', "<colgroup>"]
    out += [f'<col style="width: {w:.3f}mm">' for w in grid.widths_mm]
    out.append("</colgroup>")
    head = [(i, r) for i, r in enumerate(grid.rows) if r.kind == "head"]
    body = [(i, r) for i, r in enumerate(grid.rows) if r.kind != "head"]
    if head:
        out += ["<thead>", *(_row(i, r) for i, r in head), "</thead>"]
    out += ["<tbody>", *(_row(i, r, row_id(key, i)) for i, r in body), "</tbody>", "</table>"]
    return "\n".join(out)


def _row(index: int, row: Row, anchor: str | None = None) -> str:
    cells = []
    col = 0
    for cell in row.cells:
        if cell.merge != "continue":  # covered by the rowspan of the cell above
            cells.append(_cell(cell, col, head=row.kind == "head"))
        col += cell.span
    ident = f' id="{escape(anchor)}"' if anchor is not None else ""
    return f'<tr{ident} class="jx-{row.kind}" data-row="{index}">{"".join(cells)}</tr>'


def _cell(cell: Cell, col: int, *, head: bool) -> str:
    tag = "th" if head else "td"
    keep = " jx-keep" if cell.keep else ""
    attrs = f' data-col="{col}" class="jx-{cell.role} jx-{cell.align}{keep}"'
    if cell.span > 1:
        attrs += f' colspan="{cell.span}"'
    if cell.merge == "restart" and cell.rows > 1:
        attrs += f' rowspan="{cell.rows}"'
    text = Markup("<br>").join(escape(line) for line in cell.lines)
    return f"<{tag}{attrs}>{text}</{tag}>"
