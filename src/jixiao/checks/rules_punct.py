"""JX6xx 文号与标点: 〔〕 in document numbers, balanced brackets, full-width punctuation."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from jixiao.chars import NOT_PRINTABLE
from jixiao.checks.base import CheckContext, Finding, Rule, rule
from jixiao.checks.fields import Text, all_texts, document_texts
from jixiao.checks.text import CJK

_DOC_YEAR = re.compile(r"[【\[［]\s*((?:19|20)\d{2})\s*[】\]］]")
_PAIRS = {"（": "）", "(": ")", "《": "》", "【": "】", "〔": "〕", "“": "”", "‘": "’", "[": "]", "「": "」"}
_CLOSERS = {v: k for k, v in _PAIRS.items()}
_FAMILY = {"（": "(", "(": "(", "）": ")", ")": ")"}
_HALF = {",": "，", ";": "；", ":": "：", "?": "？", "!": "！", ".": "。"}
# A full stop only at the end of a Chinese sentence: 人.年 inside a unit is a different slip.
_HALF_IN_CJK = re.compile(rf"(?<=[{CJK}])(?:([,;:?!])(?=[{CJK}])|([,;:?!.])(?=\s*$))")


@rule("JX601", "warning", "文号年份应使用六角括号〔〕",
      "GB/T 9704-2012 规定发文字号的年份用六角括号〔〕，不用【】或 []。")
def doc_number_brackets(ctx: CheckContext, r: Rule) -> Iterator[Finding]:
    """A year in 【】 or [] inside a document number."""
    for item in _once_per_table(document_texts(ctx.doc)):
        m = _DOC_YEAR.search(item.text)
        if m:
            fixed = _DOC_YEAR.sub(r"〔\1〕", item.text)
            yield r.at(item.source, f"{item.label}中的文号年份写成了「{m.group(0)}」",
                       f"写成「〔{m.group(1)}〕」", fix=fixed, table=item.table)


def _bracket_problem(text: str) -> tuple[str, bool] | None:
    """(description, is_error) of the first bracket problem in *text*."""
    stack: list[str] = []
    for ch in text:
        if ch in _PAIRS:
            stack.append(ch)
        elif ch in _CLOSERS:
            if stack and stack[-1] == _CLOSERS[ch]:
                stack.pop()
            elif stack and _FAMILY.get(stack[-1]) == "(" and _FAMILY.get(ch) == ")":
                return f"「{stack[-1]}」与「{ch}」全角半角混用", False
            else:
                return f"多了一个「{ch}」", True
    if stack:
        return f"「{stack[-1]}」没有对应的「{_PAIRS[stack[-1]]}」", True
    return None


@rule("JX602", "error", "括号不成对",
      "括号、书名号、引号要成对出现；同一对括号不要一个全角一个半角（混用给出警告）。")
def unbalanced(ctx: CheckContext, r: Rule) -> Iterator[Finding]:
    """Unbalanced brackets (error) or a mixed full/half-width pair (warning)."""
    for item in _once_per_table(document_texts(ctx.doc)):
        problem = _bracket_problem(item.text)
        if problem:
            what, is_error = problem
            yield r.at(item.source, f"{item.label}中的括号{what}", "检查并补全成对的括号",
                       table=item.table, level=None if is_error else "warning")


@rule("JX603", "warning", "中文句子中用了半角标点",
      "中文语句应使用全角标点（，；：。）；半角逗号、分号夹在汉字之间是输入法切换的遗漏。")
def half_width(ctx: CheckContext, r: Rule) -> Iterator[Finding]:
    """Half-width , ; : ? ! . between Chinese characters (or ending a Chinese sentence)."""
    for item in _once_per_table(document_texts(ctx.doc)):
        m = _HALF_IN_CJK.search(item.text)
        if m:
            mark = m.group(1) or m.group(2)
            fixed = _HALF_IN_CJK.sub(lambda x: _HALF[x.group(1) or x.group(2)], item.text)
            context = item.text[max(0, m.start() - 4): m.end() + 4].replace("\n", " ")
            yield r.at(item.source, f"{item.label}中用了半角「{mark}」：「{context}」",
                       f"改为全角「{_HALF[mark]}」", fix=fixed, table=item.table)


@rule("JX604", "warning", "文字中有不可见的控制字符",
      "从其他软件复制来的文字可能带有控制字符（如 \\x07）；Word 和 PDF 不能容纳它们，生成时会被删去。")
def invisible(ctx: CheckContext, r: Rule) -> Iterator[Finding]:
    """Control characters that the renderers will drop."""
    for item in _once_per_table(all_texts(ctx.doc)):
        m = NOT_PRINTABLE.search(item.text)
        if m:
            yield r.at(item.source, f"{item.label}中有不可见的控制字符 U+{ord(m.group()):04X}，生成文件时会被删去",
                       "删除这个字符（规格中写成 \\x.. 或 \\u.... 的转义）", fix=NOT_PRINTABLE.sub("", item.text),
                       table=item.table)


def _once_per_table(items: Iterable[Text]) -> Iterator[Text]:
    """The same text in several cells of one table (a shared 依据) is one problem."""
    seen: set[tuple[int | None, str, str]] = set()
    for item in items:
        key = (item.table.number if item.table else None, item.label, item.text)
        if key not in seen:
            seen.add(key)
            yield item
