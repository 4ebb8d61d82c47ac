"""第一部分 from its paragraphs: sections, their numbering and items.

The inverse of :mod:`jixiao.expand.partone`: section headings are found by their
numbering (``一、`` …, the style of the first heading), items by theirs
(``1.`` ``（一）`` …, counted 1, 2, 3 in order). An item whose next paragraph
starts with 「绩效目标：」 or 「绩效指标：」 is a 分项 with a heading; a short
first line without closing punctuation followed by more paragraphs is a
heading with its body; anything else is text, printed exactly as found.
"""

from __future__ import annotations

from collections.abc import Callable

from jixiao.importer.found import FoundItem, FoundPartOne, FoundSection, Note, clean
from jixiao.importer.labels import parse_label
from jixiao.importer.read import Para

STANDARD = ("总体绩效目标", "分项绩效目标", "工作保障措施")
_KEYWORDS = (("总体",), ("分项", "年度", "重点", "具体"), ("保障", "措施"))
_GOAL, _INDICATORS = "绩效目标：", "绩效指标："


def parse_part_one(title: str, paras: list[Para], notes: list[Note]) -> FoundPartOne:
    """第一部分 titled *title* from its paragraphs (after the title)."""
    texts = [(p, clean(p.text)) for p in paras]
    texts = [(p, t) for p, t in texts if t]
    printed = [title] + [line for _, t in texts for line in t.split("\n") if line.strip()]
    one = _part_one(title, texts, notes)
    one.printed = printed
    return one


def _part_one(title: str, texts: list[tuple[Para, str]], notes: list[Note]) -> FoundPartOne:
    style = None
    if texts:
        first = parse_label(texts[0][1])
        if first is not None and first[1] == 1 and _heading_like(first[2]):
            style = first[0]
    if style is None:
        known = [i for i, (_, t) in enumerate(texts) if t in STANDARD]
        if known and known[0] == 0:
            return FoundPartOne(title, "无", _split(texts, lambda i, t, k: t in STANDARD and i in known, "无"))
        if texts:
            notes.append(Note(f"第 {texts[0][0].index} 段", "第一部分中没有找到「一、总体绩效目标」这样的章节标题",
                              "全部文字作为「总体绩效目标」一节读入（生成时会印出这个章节标题）"))
        items = [FoundItem(text="\n".join(t for _, t in texts))] if texts else []
        return FoundPartOne(title, "一、", [FoundSection("一、", "总体绩效目标", "无", items)])

    def is_heading(_: int, text: str, k: int) -> bool:
        found = parse_label(text)
        return found is not None and found[0] == style and found[1] == k and _heading_like(found[2])

    return FoundPartOne(title, style, _split(texts, is_heading, style))


def _heading_like(text: str) -> bool:
    return 0 < len(text) <= 30 and not text.endswith(("。", "；", ";", "，", "！"))


def _split(texts: list[tuple[Para, str]], is_heading: Callable[[int, str, int], bool], style: str) -> list[FoundSection]:
    sections: list[tuple[str, list[tuple[Para, str]]]] = []
    for i, (p, t) in enumerate(texts):
        if is_heading(i, t, len(sections) + 1):
            sections.append((t, []))
        elif sections:
            sections[-1][1].append((p, t))
    out: list[FoundSection] = []
    for k, (heading, body) in enumerate(sections):
        found = parse_label(heading) if style != "无" else None
        number = heading[: len(heading) - len(found[2])] if found else ""
        title = found[2] if found else heading
        default = "无" if key_index(title, k) in (0, None) else "1."
        numbering, items = _items(body, default)
        out.append(FoundSection(number, title, numbering, items))
    return out


def key_index(title: str, position: int) -> int | None:
    if title in STANDARD:
        return STANDARD.index(title)
    for i, words in enumerate(_KEYWORDS):
        if any(w in title for w in words):
            return i
    return position if position < 3 else None


def _items(body: list[tuple[Para, str]], default: str) -> tuple[str, list[FoundItem]]:
    """The numbering style of a section's paragraphs and its items."""
    if not body:
        return default, []
    first = parse_label(body[0][1])
    if first is None or first[1] != 1:
        return "无", [FoundItem(text="\n".join(t for _, t in body))]
    style = first[0]
    groups: list[list[tuple[Para, str]]] = []
    for p, t in body:
        found = parse_label(t)
        if found is not None and found[0] == style and found[1] == len(groups) + 1:
            groups.append([(p, found[2])])
        else:
            groups[-1].append((p, t))
    return style, [_item(g) for g in groups]


def _item(group: list[tuple[Para, str]]) -> FoundItem:
    (head_para, head), rest = group[0], [t for _, t in group[1:]]
    if not rest:
        return FoundItem(text=head)
    if rest[0].startswith((_GOAL, _INDICATORS)):
        goal: list[str] = []
        indicators: list[str] = []
        target = goal
        ordered = True
        for line in rest:
            if line.startswith(_INDICATORS) and target is goal:
                target = indicators
                line = line[len(_INDICATORS) :]
            elif line.startswith(_GOAL):
                if target is indicators or goal:
                    ordered = False
                line = line[len(_GOAL) :]
            target.append(line)
        if ordered and all(x.strip() for x in goal[:1] + indicators[:1]):
            return FoundItem(
                title=head, goal="\n".join(goal) if goal else None, indicators="\n".join(indicators) if indicators else None
            )
    heading_style = "heading" in head_para.style or "标题" in head_para.style
    if heading_style or _heading_like(head):
        return FoundItem(title=head, text="\n".join(rest))
    return FoundItem(text="\n".join([head, *rest]))
