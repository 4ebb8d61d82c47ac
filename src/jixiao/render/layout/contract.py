"""The template variables as a contract: what each template may use, since when, and what was renamed.

Users copy the built-in Word and HTML templates and edit them (README「Word
模板」); their copies must keep working with a newer jixiao, or fail saying
what changed. :data:`VARIABLES` lists every variable with the contract
version that brought it (the README's table lists the same, a test checks
both); a variable is never removed or renamed within a version. When the
model changes a name, the old one stays as an alias for a release
(:data:`RENAMED` with ``alias=True``, filled in by
:mod:`jixiao.render.layout.context`), then only its message remains: a
template that uses it is told the new name and the release that changed it.

Paths name list items as the built-in templates do: ``部分`` is an item of
``各部分``, ``表`` a table (an item of ``部分.表``, or the single-table
template's own), ``章`` a section of ``第一部分.章节``, ``段`` a paragraph of
``章.段落``, ``项`` an entry of ``目录项``. ``第一部分.版面``, ``部分.版面`` and
``表.版面`` are each a ``版面``: the page flags of a section (see
:class:`jixiao.model.page.SectionPlan`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

#: The version of the template contract; README「Word 模板」 says which jixiao release brought which.
VERSION = 2
#: The jixiao release of each contract version.
RELEASES = {1: "0.1", 2: "0.2"}

Kind = Literal["document", "table", "html"]
_ALL: frozenset[Kind] = frozenset({"document", "table", "html"})
_COMBINED: frozenset[Kind] = frozenset({"document", "html"})

#: Where each list's items are, by the name templates give them (see the module docstring).
ITEMS = {"各部分": "部分", "部分.表": "表", "第一部分.章节": "章", "章.段落": "段", "目录项": "项"}
#: Mappings of the same variables in several places, by the name their variables are listed under.
SHARED = {"第一部分.版面": "版面", "部分.版面": "版面", "表.版面": "版面"}


@dataclass(frozen=True)
class Variable:
    """One template variable: its path, what it holds (Chinese, for messages), the version that brought it."""

    path: str
    meaning: str
    since: int = 1
    #: The templates that have it: the combined Word document, the single-table Word file, the HTML.
    kinds: frozenset[Kind] = _COMBINED


VARIABLES: tuple[Variable, ...] = (
    Variable("标题", "文档标题", kinds=_ALL),
    Variable("年度", "预算年度", kinds=_ALL),
    Variable("部门", "部门名称", kinds=_ALL),
    Variable("金额单位", "元或万元", kinds=_ALL),
    Variable("版式", "页面设置", kinds=_ALL),
    Variable("版式.首页", "目录、标题或无", kinds=_ALL),
    Variable("版式.部分标题", "单独成页或表前", kinds=_ALL),
    Variable("目录", "Word 的目录域（已填好条目和页码）"),
    Variable("目录项", "目录的各条", 2),
    Variable("项.级别", "1（部分）或 2（章节、表）", 2),
    Variable("项.类别", "部分、章节或表", 2),
    Variable("项.文字", "这一条的文字", 2),
    Variable("项.锚点", "所指标题的 id", 2),
    Variable("第一部分", "第一部分（文档没有第一部分时为空）"),
    Variable("第一部分.编号", "「第一部分」"),
    Variable("第一部分.标题", "第一部分的标题"),
    Variable("第一部分.章节", "第一部分的各章"),
    Variable("第一部分.锚点", "第一部分标题的 id（part-one）", 2),
    Variable("第一部分.版面", "第一部分的分页", 2),
    Variable("章.编号", "「一、」"),
    Variable("章.标题", "章的标题"),
    Variable("章.标题行", "编号和标题"),
    Variable("章.段落", "章的各段"),
    Variable("章.锚点", "章标题的 id（part-one-N）", 2),
    Variable("段.样式", "小标题或正文"),
    Variable("段.文字", "段落文字"),
    Variable("各部分", "第一部分之后的各部分"),
    Variable("部分.编号", "「第二部分」"),
    Variable("部分.标题", "部分的标题"),
    Variable("部分.表", "部分的项目表"),
    Variable("部分.锚点", "部分标题的 id（part-N）", 2),
    Variable("部分.版面", "部分标题的分页", 2),
    Variable("表", "项目表", kinds=frozenset({"table"})),
    Variable("表.序号", "表在文档中的序号", kinds=_ALL),
    Variable("表.表题", "「1.某某项目绩效目标表」", kinds=_ALL),
    Variable("表.项目名称", "项目名称", kinds=_ALL),
    Variable("表.单位", "单位名称", kinds=_ALL),
    Variable("表.表格", "表头块和指标表", kinds=_ALL),
    Variable("表.锚点", "表题的 id（table-N）", 2, _ALL),
    Variable("表.版面", "表的分页", 2, _ALL),
    Variable("版面.另起一页", "这一节从新的一页开始（前面有分页）", 2, _ALL),
    Variable("版面.紧接上文", "这一节接着前面的内容印在同一页上", 2, _ALL),
    Variable("版面.独占一页", "这一节单独占一页，后面的内容从下一页开始", 2, _ALL),
    Variable("版面.下移", "单独成页的部分标题印在页面上部约三分之一处", 2, _ALL),
    Variable("样式表", "style.css 的内容（前面是由版面生成的页面设置）", kinds=frozenset({"html"})),
)


@dataclass(frozen=True)
class Renamed:
    """A variable that was renamed or replaced, in jixiao *release*."""

    old: str
    new: str
    release: str
    #: What the new one holds, when it is not a plain rename.
    note: str = ""
    #: The old name still works (for one release); otherwise a template using it gets the message.
    alias: bool = False


_SECTIONS_NOTE = "每章有 编号、标题、标题行、段落，见 README「Word 模板」；内置模板中的写法是 {% for 章 in 第一部分.章节 %}"

RENAMED: tuple[Renamed, ...] = (
    Renamed("第一部分.总体绩效目标", "第一部分.章节", "0.1", _SECTIONS_NOTE),
    Renamed("第一部分.分项绩效目标", "第一部分.章节", "0.1", _SECTIONS_NOTE),
    Renamed("第一部分.工作保障措施", "第一部分.章节", "0.1", _SECTIONS_NOTE),
)

_BY_PATH = {v.path: v for v in VARIABLES}
_RENAMED = {r.old: r for r in RENAMED}


def variable(path: str) -> Variable | None:
    """The contract's variable at *path*."""
    return _BY_PATH.get(path)


def children(path: str) -> list[str]:
    """The names under *path* (for a list, under its items)."""
    prefix = ITEMS.get(path) or SHARED.get(path, path)
    prefix += "."
    return [v.path[len(prefix):] for v in VARIABLES if v.path.startswith(prefix) and "." not in v.path[len(prefix):]]


def top_level(kind: Kind) -> list[str]:
    """The variables *kind* of template has at its top level."""
    return [v.path for v in VARIABLES if "." not in v.path and kind in v.kinds]


def missing(path: str, kind: Kind | None = None) -> str:
    """Why the template variable *path* does not exist, in Chinese (after 「使用了」)."""
    renamed = _RENAMED.get(path)
    if renamed is not None:
        note = f"（{renamed.note}）" if renamed.note else ""
        return (f"'{path}'：这个变量在 jixiao {renamed.release} 中改为 '{renamed.new}'{note}。"
                f"请按新的名字修改模板，或从内置模板重新复制一份")
    parent, _, name = path.rpartition(".")
    known = variable(path)
    if known is not None and kind is not None and kind not in known.kinds:
        return f"'{path}'：{_KIND_NAMES[kind]}中没有这个变量（{_where(known.kinds)}）"
    if not parent:
        names = "、".join(top_level(kind)) if kind is not None else ""
        return f"'{path}'：不存在的变量" + (f"，可用的变量有 {names}" if names else "")
    under = children(parent)
    if not under:
        return f"'{path}'：不存在的变量，'{parent}' 下面没有别的变量"
    return f"'{path}'：不存在的变量，'{parent}' 下面只有 {'、'.join(under)}"


_KIND_NAMES: dict[Kind, str] = {"document": "总文档 Word 模板", "table": "单表 Word 模板", "html": "HTML 模板"}


def _where(kinds: frozenset[Kind]) -> str:
    return "只在" + "、".join(_KIND_NAMES[k] for k in ("document", "table", "html") if k in kinds) + "中有"


__all__ = ["ITEMS", "RELEASES", "SHARED", "RENAMED", "VARIABLES", "VERSION", "Renamed", "Variable", "children", "missing",
           "top_level", "variable"]
