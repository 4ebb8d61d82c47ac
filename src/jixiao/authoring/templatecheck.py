"""``jixiao doctor 规格``: do the templates this spec renders with fit the template contract?

The templates are the ones ``jixiao render`` would use (command-line options
aside): the Word templates of the combined document and of a project's own
file, and the HTML template and style sheet found first in the template
folders. Each is read as ``jixiao render`` reads it (a syntax error is a
problem too) and its variables are held against the contract
(:mod:`jixiao.render.layout.usage`), in every branch. A user's ``style.css``
that sets the page's size or margins is pointed out: the page plan sets them
now, and the column widths follow the plan, not the style sheet.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import jinja2
import tinycss2

from jixiao.errors import RenderError
from jixiao.model.page import OFFICIAL
from jixiao.render.html.document import DOCUMENT_TEMPLATE, STYLE_SHEET
from jixiao.render.layout.contract import Kind
from jixiao.render.layout.usage import problems
from jixiao.render.templates import (
    WordKind,
    html_dirs,
    read_template_text,
    template_env,
    word_template,
)
from jixiao.resources import builtin_templates
from jixiao.workflow import open_spec


@dataclass(frozen=True)
class TemplateFinding:
    """One problem with a template: the file, where in it, what (Chinese), and whether it stops a render."""

    path: Path
    where: str
    message: str
    error: bool = True


@dataclass(frozen=True)
class TemplateReport:
    """The templates a spec renders with (built-in or the user's) and what is wrong with them."""

    templates: list[tuple[str, Path]]
    findings: list[TemplateFinding]

    @property
    def ok(self) -> bool:
        return not any(f.error for f in self.findings)


_WORD: dict[WordKind, str] = {"document": "总文档 Word 模板", "table": "单表 Word 模板"}


def check_templates(spec: Path) -> TemplateReport:
    """Hold the templates of *spec* against the template contract.

    Raises:
        SpecError: the spec cannot be read or expanded.
    """
    opened = open_spec(spec)
    templates: list[tuple[str, Path]] = []
    findings: list[TemplateFinding] = []
    for kind, label in _WORD.items():
        try:
            path = word_template(kind, opened.doc, opened.root, None)
        except RenderError as exc:
            findings.append(TemplateFinding(Path(opened.root), label, str(exc)))
            continue
        templates.append((label, path))
        findings += _word(path, kind)
    dirs = html_dirs(opened.root, opened.doc.templates.get("html"))
    html = _first(dirs, DOCUMENT_TEMPLATE)
    if html is not None:
        templates.append(("HTML 模板", html))
        findings += _html(html)
    css = _first(dirs, STYLE_SHEET)
    if css is not None:
        templates.append(("样式表", css))
        if not css.is_relative_to(builtin_templates()):
            findings += _style_sheet(css)
    return TemplateReport(templates, findings)


def _first(dirs: list[Path], name: str) -> Path | None:
    return next((d / name for d in dirs if (d / name).is_file()), None)


def _word(path: Path, kind: WordKind) -> list[TemplateFinding]:
    from jixiao.render.word.template import WordTemplate

    try:
        template = WordTemplate(path, kind)
    except RenderError as exc:
        return [TemplateFinding(path, "", str(exc))]
    out = []
    for part, source in template.sources.items():
        out += [TemplateFinding(path, part, f"使用了 {use.message}", not use.warning)
                for use in problems(template_env(kind).parse(source), kind)]
    return out


def _html(path: Path) -> list[TemplateFinding]:
    try:
        source = read_template_text(path)
        tree = template_env("html").parse(source)
    except RenderError as exc:
        return [TemplateFinding(path, "", str(exc))]
    except jinja2.TemplateSyntaxError as exc:
        return [TemplateFinding(path, f"第 {exc.lineno} 行", f"语法错误：{exc.message}")]
    kind: Kind = "html"
    return [TemplateFinding(path, f"第 {use.line} 行", f"使用了 {use.message}", not use.warning)
            for use in problems(tree, kind)]


_PAGE_SET = frozenset({"size", "margin", "margin-top", "margin-bottom", "margin-left", "margin-right"})


def _style_sheet(path: Path) -> list[TemplateFinding]:
    try:
        text = read_template_text(path)
    except RenderError as exc:
        return [TemplateFinding(path, "", str(exc))]
    out = []
    for rule in tinycss2.parse_stylesheet(text, skip_comments=True, skip_whitespace=True):
        if rule.type != "at-rule" or rule.lower_at_keyword != "page" or rule.content is None:
            continue
        names = [d.lower_name for d in tinycss2.parse_blocks_contents(rule.content)
                 if d.type == "declaration" and d.lower_name in _PAGE_SET]
        if names:
            out.append(TemplateFinding(
                path, f"第 {rule.source_line} 行",
                f"@page 中写了 {'、'.join(names)}：纸张和页边距现在由 jixiao 按版面生成（在样式表最前面），这几项可以删去；"
                f"改了它们 PDF 的页面会变，但表格的列宽仍按 {OFFICIAL.text_width_mm:g} mm 的版心计算，Word 也不会跟着变",
                error=False,
            ))
    return out
