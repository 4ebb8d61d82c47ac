"""Which template files a render uses.

Word templates, in order of precedence: the command line (``--template``,
``--table-template``), ``模板: {文档: …, 项目表: …}`` in 部门.yaml (relative to
the spec folder), ``templates/docx/`` in the user's own repository (the nearest
``templates/`` folder above the spec), the built-in set. HTML templates and the
style sheet are looked up file by file in ``templates/html/`` the same way.
"""

from __future__ import annotations

import traceback
from collections.abc import Callable, Sequence
from functools import cache
from pathlib import Path
from typing import Literal

import jinja2
from jinja2.exceptions import SecurityError
from jinja2.loaders import split_template_path

from jixiao import limits
from jixiao.errors import RenderError
from jixiao.model.document import Document
from jixiao.render.layout.contract import VERSION, Kind
from jixiao.render.layout.undefined import undefined_class
from jixiao.resources import builtin_templates, inside, trusted_folder, user_templates
from jixiao.textenv import LimitError, Sandbox, markup_env

WordKind = Literal["document", "table"]
_LABEL = {"document": "文档", "table": "项目表"}


def word_template(kind: WordKind, doc: Document, spec_root: Path, override: Path | None) -> Path:
    """The Word template of *kind* (combined document or one project table)."""
    if override is not None:
        if not override.is_file():
            raise RenderError(f"找不到 Word 模板 {override}。请检查 --template/--table-template 给出的路径。")
        return override
    configured = doc.templates.get(kind)
    if configured is not None:
        path = spec_root / configured
        if not inside(path, spec_root):
            raise RenderError(
                f"部门.yaml 中「模板.{_LABEL[kind]}」指定的 Word 模板 {configured} 在规格文件夹以外："
                "jixiao 只读取规格文件夹中的模板。请把模板复制到规格文件夹中，或在命令行用 --template 指定。"
            )
        if not path.is_file():
            raise RenderError(
                f"部门.yaml 中「模板.{_LABEL[kind]}」指定的 Word 模板 {path} 不存在。"
                "路径相对于规格文件夹；请改正路径或删除这项设置以使用内置模板。"
            )
        return path
    for folder in template_roots(spec_root):
        candidate = folder / "docx" / f"{kind}.docx"
        if candidate.is_file() and trusted_folder(folder / "docx") and inside(candidate, folder / "docx"):
            return candidate
    raise RenderError(f"找不到内置 Word 模板 {kind}.docx：jixiao 安装不完整，请重新安装。")


def template_roots(spec_root: Path) -> list[Path]:
    """``templates/`` folders in look-up order: the user's own, then the built-in one."""
    roots = []
    user = user_templates(spec_root)
    if user is not None:
        roots.append(user)
    roots.append(builtin_templates())
    return roots


def html_dirs(spec_root: Path, configured: str | None = None) -> list[Path]:
    """HTML template folders in look-up order: 模板.网页 of 部门.yaml, the user's ``templates/html``, built-in.

    Raises:
        RenderError: 模板.网页 lies outside the spec folder or is not a folder.
    """
    dirs = [root / "html" for root in template_roots(spec_root) if trusted_folder(root / "html")]
    if configured is not None:
        folder = spec_root / configured
        if not inside(folder, spec_root):
            raise RenderError(
                f"部门.yaml 中「模板.网页」指定的文件夹 {configured} 在规格文件夹以外：jixiao 只读取规格文件夹中的模板。"
            )
        if not folder.is_dir():
            raise RenderError(
                f"部门.yaml 中「模板.网页」指定的文件夹 {folder} 不存在。路径相对于规格文件夹；"
                "文件夹中放 document.html.j2 和/或 style.css（缺少的从内置模板中取）。"
            )
        dirs.insert(0, folder)
    return dirs


def one_sided(doc: Document) -> str | None:
    """A warning when 部门.yaml's 模板 overrides only Word or only the PDF (the other side stays built-in)."""
    word = "document" in doc.templates or "table" in doc.templates
    html = "html" in doc.templates
    if word and not html:
        return (
            "部门.yaml 的「模板」只指定了 Word 模板；PDF 仍用网页模板（templates/html/ 或内置的）。"
            "要让 PDF 的版面也一致，写 模板: {网页: 文件夹}，文件夹中放 document.html.j2、style.css。"
        )
    if html and not word:
        return "部门.yaml 的「模板」只指定了网页模板；Word 仍用 templates/docx/ 或内置的 Word 模板。"
    return None


def read_template_text(path: Path) -> str:
    """A template file's text, refusing oversized files.

    Raises:
        RenderError: too large, unreadable or not UTF-8.
    """
    try:
        size = path.stat().st_size
        if size > limits.MAX_TEMPLATE_BYTES:
            raise RenderError(
                f"模板文件 {path} 有 {size} 字节，超过上限 {limits.MAX_TEMPLATE_BYTES} 字节。请检查是否放错了文件。"
            )
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise RenderError(f"无法读取模板文件 {path}：{exc}。模板须为 UTF-8 编码的文本文件。") from exc


class TemplateFolderLoader(jinja2.BaseLoader):
    """Loads ``{% include %}``-able templates from the template folders and nowhere else.

    A name is looked up folder by folder (user's first, built-in last). ``..``
    is refused by Jinja itself; a file reached through a symbolic link that
    leaves its template folder is refused here, as is an oversized file.
    """

    def __init__(self, folders: Sequence[Path]) -> None:
        self.folders = [Path(f) for f in folders]

    def get_source(
        self, environment: jinja2.Environment, template: str
    ) -> tuple[str, str, Callable[[], bool]]:
        pieces = split_template_path(template)
        for folder in self.folders:
            candidate = folder.joinpath(*pieces)
            if not candidate.is_file():
                continue
            real = candidate.resolve()
            if not real.is_relative_to(folder.resolve()):
                raise RenderError(
                    f"模板 {candidate} 是指向模板文件夹以外的符号链接（{real}）：jixiao 只读取模板文件夹中的文件。"
                )
            return read_template_text(real), str(candidate), _unchanged(real)
        raise jinja2.TemplateNotFound(template)


def _unchanged(path: Path) -> Callable[[], bool]:
    mtime = path.stat().st_mtime
    return lambda: path.is_file() and path.stat().st_mtime == mtime


def template_failure(what: str, exc: Exception) -> str:
    """A Chinese message for a template that failed while rendering."""
    if isinstance(exc, LimitError):
        return f"{what}超出了 jixiao 的工作量限制：{exc.message}。限制见 README「安全」一节。"
    if isinstance(exc, SecurityError):
        return f"{what}试图访问不允许访问的对象（{exc}）：模板中只能使用 README 列出的变量和过滤器。"
    return f"{what}渲染失败：{exc}"


@cache
def template_env(kind: Kind) -> Sandbox:
    """The environment of *kind* of document template: :func:`~jixiao.textenv.markup_env` whose
    undefined variables are explained by the template contract (:mod:`jixiao.render.layout.contract`)."""
    env = markup_env().overlay(undefined=undefined_class(kind))
    assert isinstance(env, Sandbox)
    return env


def undefined_failure(what: str, exc: jinja2.UndefinedError, source: str | None = None) -> str:
    """A Chinese message for a template that used a variable it does not have.

    *what* names the template (「HTML 模板 …」); with *source* (its file name as
    compiled) the line is taken from the traceback.
    """
    line = None
    if source is not None:
        line = next((f.lineno for f in reversed(traceback.extract_tb(exc.__traceback__)) if f.filename == source), None)
    where = f" 第 {line} 行" if line else ""
    return f"{what}{where}使用了 {exc.message}。可用的变量见 README「Word 模板」一节（模板变量第 {VERSION} 版）。"
