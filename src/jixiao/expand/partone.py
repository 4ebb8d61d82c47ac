"""第一部分 部门整体绩效目标: sections written in the spec → printed paragraphs, numbers included.

Part of the *expand* stage. A section is a list of items, each printed as one
or more paragraphs ("blocks"):

* text → one body paragraph, numbered in the section's style (``1.`` ``（一）`` …);
* ``{标题, 内容}`` → a numbered heading line, then the body;
* ``{标题, 绩效目标, 绩效指标}`` → a numbered heading, then 「绩效目标：…」 and
  「绩效指标：…」 paragraphs.

Line breaks inside a text start a new paragraph (kept verbatim). With
``合为一段`` the numbered items run on as one paragraph (「一是……二是……」).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from jixiao import limits
from jixiao.errors import Diagnostic
from jixiao.model import document as dm
from jixiao.model.numbering import StyleError, label
from jixiao.spec.model import Item, PartOne, Section
from jixiao.spec.yamlio import NodePath, Positions
from jixiao.textenv import needs_render

#: The three standard sections: key, printed title, default item numbering.
STANDARD = (
    ("总体绩效目标", "总体绩效目标", "无"),
    ("分项绩效目标", "分项绩效目标", "1."),
    ("工作保障措施", "工作保障措施", "1."),
)

Ref = Callable[[NodePath], dm.SourceRef]


def expand_part_one(
    one: PartOne, numeral: str, pos: Positions, ref: Ref, diags: list[Diagnostic]
) -> dm.PartOne:
    """The printed 第一部分; problems (a bad numbering style, a text too long) go to *diags*."""
    base: NodePath = ("第一部分",)
    written: list[tuple[str, Section, NodePath, str, str]] = []
    for key, title, numbering in STANDARD:
        section = getattr(one, _FIELDS[key])
        if section is not None:
            written.append((key, section, (*base, key), title, numbering))
    for i, section in enumerate(one.others):
        written.append(("其他章节", section, (*base, "其他章节", i), "", "无"))
    sections: list[dm.Section] = []
    for n, (key, section, node, title, numbering) in enumerate(written, 1):
        number = _label(one.section_numbering, n, pos, (*base, "章节编号"), diags)
        name = section.title if section.title is not None else title
        if not name:
            diags.append(pos.diag(node, "这个章节没有标题", "写出 标题: 章节名称"))
        style = section.numbering if section.numbering is not None else numbering
        blocks = list(_blocks(section, style, node, pos, ref, diags))
        sections.append(
            dm.Section(key=key, number=number, title=name, heading=f"{number}{name}", blocks=blocks, source=ref(node))
        )
    return dm.PartOne(numeral=numeral, title=one.title, source=ref(base), sections=sections)


_FIELDS = {"总体绩效目标": "overall", "分项绩效目标": "sub_goals", "工作保障措施": "measures"}


def _label(style: str, n: int, pos: Positions, node: NodePath, diags: list[Diagnostic]) -> str:
    try:
        return label(style, n)
    except StyleError as exc:
        if not any(d.message == exc.message for d in diags):
            diags.append(pos.diag(node, exc.message, exc.hint))
        return ""


def _item_node(pos: Positions, node: NodePath, i: int) -> NodePath:
    """Where item *i* of the section at *node* is written: under 内容, in a bare list, or the text itself."""
    for probe in ((*node, "内容", i), (*node, i)):
        if probe in pos.values:
            return probe
    return node


def _blocks(
    section: Section, style: str, node: NodePath, pos: Positions, ref: Ref, diags: list[Diagnostic]
) -> Iterator[dm.Block]:
    run_on: list[tuple[str, dm.SourceRef]] = []
    numbering = (*node, "编号") if (*node, "编号") in pos.values else node
    for i, item in enumerate(section.items):
        at = _item_node(pos, node, i)
        number = _label(style, i + 1, pos, numbering, diags)
        _too_long(item, pos, at, diags)
        where = _field_refs(at, pos, ref)
        if section.inline:
            first = next((k for k, text in _field_texts(item) if text), None)
            run_on.append((number + "".join(_texts(item)), where(first)))
            continue
        yield from _item_blocks(item, number, where)
    if run_on:
        spans, offset = [], 0
        for text, source in run_on:
            spans.append((offset, source))
            offset += len(text)
        yield dm.Block(kind="paragraph", text="".join(t for t, _ in run_on), source=spans[0][1], spans=spans)


def _field_texts(item: Item) -> tuple[tuple[str, str | None], ...]:
    return (("标题", item.title), ("内容", item.text), ("绩效目标", item.goal), ("绩效指标", item.indicators))


def _field_refs(at: NodePath, pos: Positions, ref: Ref) -> Callable[[str | None], dm.SourceRef]:
    """Where a field of the item at *at* is written (the item itself when it is a bare text)."""

    def where(key: str | None) -> dm.SourceRef:
        return ref((*at, key)) if key is not None and (*at, key) in pos.values else ref(at)

    return where


def _texts(item: Item) -> Iterator[str]:
    for prefix, text in (("", item.title), ("", item.text), ("绩效目标：", item.goal), ("绩效指标：", item.indicators)):
        if text:
            yield prefix + text.strip()


def _item_blocks(item: Item, number: str, where: Callable[[str | None], dm.SourceRef]) -> Iterator[dm.Block]:
    """The item's paragraphs, each pointing at the field it prints (标题, 绩效目标, 绩效指标, 内容)."""
    body: list[tuple[str, dm.SourceRef]] = []
    for key, text, prefix in (("绩效目标", item.goal, "绩效目标："), ("绩效指标", item.indicators, "绩效指标："),
                              ("内容", item.text, "")):
        if text is not None:
            body += [(line, where(key)) for line in _lines(text, prefix)]
    if item.title is not None:
        yield dm.Block(kind="heading", text=f"{number}{item.title.strip()}", source=where("标题"))
    elif body:
        body[0] = (number + body[0][0], body[0][1])
    for text, source in body:
        yield dm.Block(kind="paragraph", text=text, source=source)


def _lines(text: str, prefix: str) -> list[str]:
    """Paragraphs of *text* (one per non-empty line), the first one after *prefix*."""
    lines = [line.strip() for line in text.strip().split("\n") if line.strip()]
    if not lines:
        return [prefix] if prefix else []
    lines[0] = prefix + lines[0]
    return lines


def _too_long(item: Item, pos: Positions, node: NodePath, diags: list[Diagnostic]) -> None:
    for key, text in (("标题", item.title), ("内容", item.text), ("绩效目标", item.goal), ("绩效指标", item.indicators)):
        if text is not None and needs_render(text):
            diags.append(
                pos.diag(
                    (*node, key) if (*node, key) in pos.values else node,
                    "第一部分中不能写公式 {{ }}：这里的文字照原样印出",
                    "删去 {{ }}，直接写出文字",
                )
            )
        if text is not None and len(text) > limits.MAX_CELL_CHARS:
            diags.append(
                pos.diag(
                    (*node, key) if (*node, key) in pos.values else node,
                    f"「{key}」有 {len(text)} 个字，超过每段 {limits.MAX_CELL_CHARS} 字的上限",
                    "请精简，或分成几项",
                )
            )
