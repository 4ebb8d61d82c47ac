"""``jixiao init`` (and the scaffold ``jixiao new`` fills in): new spec files from templates/init/."""

from __future__ import annotations

import datetime as dt
import os
import re
from pathlib import Path

import jinja2

from jixiao import limits
from jixiao.errors import UsageError
from jixiao.expand.project import derive_item
from jixiao.fileio import write_atomic
from jixiao.resources import builtin_templates
from jixiao.safenames import inside
from jixiao.spec.layouts import DEFAULT as DEFAULT_LAYOUT
from jixiao.spec.layouts import load_layouts
from jixiao.spec.presets import PresetRow, load_library
from jixiao.spec.schema import write_schemas
from jixiao.spec.yamlscalar import scalar
from jixiao.textenv import needs_render, render_bounded, sandbox


def render_scaffold(name: str, context: dict[str, object]) -> str:
    env = sandbox(
        loader=jinja2.FileSystemLoader(builtin_templates() / "init"),
        autoescape=False,
        keep_trailing_newline=True,
        max_value=limits.MAX_TEMPLATE_VALUE_CHARS,
        filters=("join",),
    )
    return render_bounded(env.get_template(name), context)


_DOC_NUMBER = re.compile(r"[-—－_\s]*[\w]*[【〔\[(（]?(?:19|20)\d{2}[】〕\])）]?\d+号?$")
_NOISE = (
    re.compile(r"^[\[【［][^\]】］]*[\]】］]"),  # a budget-system code in front: [1307001]法律顾问费
    re.compile(r"^(?:19|20)\d{2}年(?:度)?"),
    re.compile(r"[（(][^）)]*[）)]"),
)


def short_item(name: str) -> str | None:
    """The 事项 a preset text reads well with: 法律顾问费 → 法律顾问; None for a name too long to shorten.

    A year prefix (2025年), parenthesised notes and a trailing 文号 (津财社指【2025】142号) are left out.
    """
    item = _DOC_NUMBER.sub("", name)
    for pattern in _NOISE:
        item = pattern.sub("", item)
    item = re.split(r"[-—－]", item.strip(" -—－"))[0]  # 城乡居民…资金-市级资金 → its first part
    item = derive_item(item) or name
    return item if 0 < len(item) <= 12 else None


GITATTRIBUTES = """\
# jixiao：规格文件按文本比较；生成的 Word、PDF 用 jixiao textconv 转成文字再比较（见 README）
*.yaml text eol=lf
*.docx diff=jixiao
*.pdf diff=jixiao
"""
GITIGNORE = "# jixiao 生成的文件\noutput/\n"


def init_department(
    folder: Path, name: str, year: int | None = None, layout: str = DEFAULT_LAYOUT, *, force: bool = False
) -> list[Path]:
    """Create a new department folder with a commented example; the paths written.

    With *force*, an existing folder gets only what it lacks (部门.yaml and an example
    project if there is none, schema/, .gitattributes, .gitignore); nothing is overwritten.

    Raises:
        UsageError: the folder exists and is not empty (without *force*), or *layout*
            is not a built-in layout.
    """
    if folder.exists() and not folder.is_dir():
        raise UsageError(f"「{folder}」是一个文件，不是文件夹")
    if folder.exists() and any(folder.iterdir()) and not force:
        raise UsageError(
            f"「{folder}」已存在且不是空文件夹。要在已有的规格文件夹中补上缺少的文件（schema/、.gitattributes 等），"
            "加 --force；已有的文件不会被改动"
        )
    check_text(name, "部门名称")
    names = load_layouts([builtin_templates() / "layouts"]).names()
    if layout not in names:
        raise UsageError(f"版式「{layout}」不存在；内置的版式：{'、'.join(names)}")
    year = year or dt.date.today().year + 1
    if not limits.MIN_YEAR <= year <= limits.MAX_YEAR:
        raise UsageError(f"年度 {year} 不在 {limits.MIN_YEAR}–{limits.MAX_YEAR} 之间；请写四位的预算年度，例如 --年度 2026")
    written: list[Path] = []

    def add(path: Path, text: str) -> None:
        if not os.path.lexists(path):
            write_atomic(inside(folder, *path.relative_to(folder).parts), text.encode("utf-8"))
            written.append(path)

    has_department = any((folder / n).is_file() for n in ("部门.yaml", "department.yaml"))
    if not has_department:
        context = {
            "年度": year, "部门名称": scalar(name), "单位名称": scalar(f"{name}本级"), "版式": scalar(layout),
            "版式名称": "、".join(names),
        }
        add(folder / "部门.yaml", render_scaffold("部门.yaml", context))
    if not has_department and not any((folder / "projects").glob("*.yaml")):
        context = {
            "项目名称": "办公费", "单位": "", "资金支出计划": "", "指标值确定依据": "", "预设": "运转类", "预设名": "运转类", "事项": "办公",
            "模式": "../schema/project.schema.json", **preset_example(load_builtin_preset("运转类")),
        }
        add(folder / "projects" / "01-办公费.yaml", render_scaffold("项目.yaml", context))
    schema = inside(folder, "schema", "department.schema.json").parent
    if not (schema / "department.schema.json").exists():
        written += write_schemas(schema)
    add(folder / ".gitattributes", GITATTRIBUTES)
    add(folder / ".gitignore", GITIGNORE)
    return written


def check_text(text: str, what: str) -> None:
    """Refuse a name from the command line that the spec would not print as given.

    Raises:
        UsageError: empty, a line break or control character (it would change the YAML
            written around it), ``{{``/``{%`` (names print as written, never as formulas),
            or longer than a printed text may be.
    """
    if not text.strip():
        raise UsageError(f"{what}不能是空的")
    if not _one_line_ok(text):
        raise UsageError(f"{what}「{one_line(text)}」中有换行、制表符或控制字符；请只写一行文字")
    if needs_render(text):
        raise UsageError(f"{what}中不能写 {{{{ }}}} 或 {{% %}}：{what}照原样印出，不是公式")
    if len(text) > limits.MAX_CELL_CHARS:
        raise UsageError(f"{what}有 {len(text)} 个字，超过每格 {limits.MAX_CELL_CHARS} 字的上限")


#: What cannot stand in one line of YAML: line breaks, tabs, control characters, lone surrogates.
_NOT_ONE_LINE = re.compile("[^\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _one_line_ok(text: str) -> bool:
    return not _NOT_ONE_LINE.search(text)


def one_line(text: str) -> str:
    """*text* as it may appear in a message or a YAML comment: one line, no control characters."""
    return " ".join(_NOT_ONE_LINE.sub(" ", text).split())[:60]


def load_builtin_preset(name: str) -> list[PresetRow]:
    """Rows of a built-in preset (for the scaffold's comments)."""
    return load_library([builtin_templates() / "presets"]).resolve(name)


def preset_example(rows: list[PresetRow]) -> dict[str, object]:
    """Comment material that fits a preset: its keys, one 改写 example and one 删除 example."""
    keys = [one_line(r.row.key) for r in rows if r.row.key]
    if not keys:
        return {"键": [], "例键": "键", "例值": "…", "删键": "键"}
    first = next(r for r in rows if r.row.key)
    value = first.row.value or "…"
    return {"键": keys, "例键": keys[0], "例值": one_line(scalar(value)), "删键": keys[-1]}


def schema_ref(projects: Path) -> str:
    """Relative path from *projects* to the nearest project.schema.json above it, or "" (also for a
    path that cannot stand in a one-line comment)."""
    for folder in (projects, *projects.resolve().parents):
        candidate = folder / "schema" / "project.schema.json"
        if candidate.is_file():
            ref = Path(os.path.relpath(candidate, projects.resolve())).as_posix()
            return ref if _one_line_ok(ref) else ""
    return ""
