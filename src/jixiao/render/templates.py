"""Which template files a render uses.

Word templates, in order of precedence: the command line (``--template``,
``--table-template``), ``模板: {文档: …, 项目表: …}`` in 部门.yaml (relative to
the spec folder), ``templates/docx/`` in the user's own repository (the nearest
``templates/`` folder above the spec), the built-in set. HTML templates and the
style sheet are looked up file by file in ``templates/html/`` the same way.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from jixiao.docmodel import Document
from jixiao.errors import RenderError
from jixiao.resources import builtin_templates, user_templates

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
        if not path.is_file():
            raise RenderError(
                f"部门.yaml 中「模板.{_LABEL[kind]}」指定的 Word 模板 {path} 不存在。"
                "路径相对于规格文件夹；请改正路径或删除这项设置以使用内置模板。"
            )
        return path
    for folder in template_roots(spec_root):
        candidate = folder / "docx" / f"{kind}.docx"
        if candidate.is_file():
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


def html_dirs(spec_root: Path) -> list[Path]:
    """``templates/html`` folders in look-up order (user's first, built-in last)."""
    return [root / "html" for root in template_roots(spec_root) if (root / "html").is_dir()]
