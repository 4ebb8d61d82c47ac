"""HTML for the PDF and the .html output: the document template with the style sheet inlined.

The document template (``document.html.j2``) and the style sheet
(``style.css``) are looked up file by file in the template folders, user's
first, built-in last. The template gets the same variables as the Word
document template (:mod:`jixiao.render.layout.context`), plus ``样式表`` (the
style sheet text, inlined so that the written .html file stands alone); each
``表.表格`` is the header block and indicator table as HTML
(:mod:`jixiao.render.html.table`), so Word and PDF show the same cells.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from pathlib import Path

import jinja2
from markupsafe import Markup

from jixiao.chars import unjoined
from jixiao.errors import RenderError
from jixiao.model.document import Document
from jixiao.render.html.page import page_css, with_page_block
from jixiao.render.html.table import table_markup
from jixiao.render.layout.context import document_context
from jixiao.render.templates import (
    TemplateFolderLoader,
    read_template_text,
    template_env,
    template_failure,
    undefined_failure,
)
from jixiao.render.word.toc import toc_markup
from jixiao.textenv import render_bounded

DOCUMENT_TEMPLATE = "document.html.j2"
STYLE_SHEET = "style.css"


def render_html(doc: Document, template_dirs: Sequence[Path], tables: Mapping[int, Markup] | None = None) -> str:
    """The whole document as one HTML page (style sheet inlined).

    *tables* may give the HTML of tables (:func:`table_markup`) made before.
    """
    dirs = [Path(d) for d in template_dirs]
    env = template_env("html").overlay(loader=TemplateFolderLoader(dirs))
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
    marks = {t.number: (tables or {}).get(t.number) or table_markup(t) for t in doc.tables()}
    plan = doc.page_plan
    styles = with_page_block(page_css(plan.geometry, plan), style_sheet(dirs))
    context = {**document_context(doc, marks, toc_markup(plan.toc, None)), "样式表": Markup(styles)}
    try:
        html = render_bounded(template, context)
    except jinja2.UndefinedError as exc:
        raise RenderError(undefined_failure(f"HTML 模板 {template.filename}", exc, template.filename)) from exc
    except (jinja2.TemplateError, UnicodeDecodeError) as exc:
        raise RenderError(template_failure(f"HTML 模板 {template.filename}", exc)) from exc
    # The page's <title> (the browser's tab, the PDF's metadata) is text, not typesetting: no joiners.
    return _TITLE.sub(lambda m: unjoined(m.group(0)), html, count=1)


_TITLE = re.compile(r"<title\b[^>]*>[^<]*</title>", re.IGNORECASE)


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
