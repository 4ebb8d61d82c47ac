"""JX6xx 文号与标点: 〔〕 in document numbers, balanced brackets, full-width punctuation."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from jixiao.chars import NOT_PRINTABLE
from jixiao.checks.base import CheckContext, Finding, Rule, rule
from jixiao.checks.fields import Text, all_texts, document_texts
from jixiao.checks.text import CJK

#: A year alone in brackets: 〔2023〕 is right; 【2023】 [2023] ［2023］ ﹝2023﹞ (2023) （2023） and
#: mixed pairs such as 〔2023） are not.
_DOC_YEAR = re.compile(r"(?P<open>[【\[［﹝〔(（])\s*(?P<year>(?:19|20)\d{2})\s*(?P<close>[】\]］﹞〕)）])")
_ROUND = frozenset("(（)）")
#: After a year in round brackets, a serial number makes it a 文号: 冀政发(2016)20号.
_SERIAL = re.compile(r"\s*\d+\s*号")
_PAIRS = {"（": "）", "(": ")", "《": "》", "【": "】", "〔": "〕", "“": "”", "‘": "’", "[": "]", "「": "」"}
_CLOSERS = {v: k for k, v in _PAIRS.items()}
_FAMILY = {"（": "(", "(": "(", "）": ")", ")": ")"}
_HALF = {",": "，", ";": "；", ":": "：", "?": "？", "!": "！", ".": "。"}
# A full stop only at the end of a Chinese sentence: 人.年 inside a unit is a different slip.
_HALF_IN_CJK = re.compile(rf"(?<=[{CJK}])(?:([,;:?!])(?=[{CJK}])|([,;:?!.])(?=\s*$))")


def doc_years(text: str) -> list[re.Match[str]]:
    """Years of 文号 written in brackets other than 〔〕, in order.

    【2023】 [2023] ［2023］ ﹝2023﹞ and mixed pairs are always a 文号's year; round
    brackets only between an issuer's abbreviation and a serial number
    (会议纪要（2006）8号), since （2023） alone may be an ordinary aside.
    """
    out = []
    for m in _DOC_YEAR.finditer(text):
        pair = (m["open"], m["close"])
        if pair == ("〔", "〕"):
            continue
        if set(pair) <= _ROUND:
            before = text[: m.start()].rstrip()
            if not (before and re.match(f"[{CJK}]", before[-1]) and _SERIAL.match(text, m.end())):
                continue
        out.append(m)
    return out


@rule("JX601", "warning", "文号年份应使用六角括号〔〕",
      "GB/T 9704-2012 规定发文字号的年份用六角括号〔〕，不用【】、[]、［］、﹝﹞或圆括号（）；"
      "圆括号中的年份只在「机关代字（年份）序号号」中才看作文号。", fixable=True)
def doc_number_brackets(ctx: CheckContext, r: Rule) -> Iterator[Finding]:
    """Every year of a document number in brackets other than 〔〕, one finding per text."""
    for item in _once_per_table(document_texts(ctx.doc)):
        found = doc_years(item.text)
        if not found:
            continue
        fixed = item.text
        for m in reversed(found):
            fixed = fixed[: m.start()] + f"〔{m['year']}〕" + fixed[m.end():]
        written = "".join(dict.fromkeys(f"「{m.group(0)}」" for m in found))
        right = "".join(dict.fromkeys(f"「〔{m['year']}〕」" for m in found))
        yield r.at(item.source, f"{item.label}中的文号年份写成了{written}", f"写成{right}",
                   fix=fixed, replaces=item.text,
                   table=item.table)


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
      "括号、书名号、引号要成对出现；同一对括号不要一个全角一个半角（混用给出警告）。",
      also=("warning",))
def unbalanced(ctx: CheckContext, r: Rule) -> Iterator[Finding]:
    """Unbalanced brackets (error) or a mixed full/half-width pair (warning)."""
    for item in _once_per_table(document_texts(ctx.doc)):
        problem = _bracket_problem(item.text)
        if problem:
            what, is_error = problem
            yield r.at(item.source, f"{item.label}中的括号{what}", "检查并补全成对的括号",
                       table=item.table, level=None if is_error else "warning")


@rule("JX603", "warning", "中文句子中用了半角标点",
      "中文语句应使用全角标点（，；：。）；半角逗号、分号夹在汉字之间是输入法切换的遗漏。", fixable=True)
def half_width(ctx: CheckContext, r: Rule) -> Iterator[Finding]:
    """Half-width , ; : ? ! . between Chinese characters (or ending a Chinese sentence)."""
    for item in _once_per_table(document_texts(ctx.doc)):
        found = list(_HALF_IN_CJK.finditer(item.text))
        if not found:
            continue
        marks = list(dict.fromkeys(m.group(1) or m.group(2) for m in found))
        contexts = "".join(f"「{item.text[max(0, m.start() - 4): m.end() + 4]}」".replace("\n", " ") for m in found)
        fixed = _HALF_IN_CJK.sub(lambda x: _HALF[x.group(1) or x.group(2)], item.text)
        shown = "".join(f"「{mark}」" for mark in marks)
        where = f"：{contexts}" if len(found) == 1 else f"（{len(found)} 处）：{contexts}"
        yield r.at(item.source, f"{item.label}中用了半角{shown}{where}",
                   f"改为全角{''.join(f'「{_HALF[mark]}」' for mark in marks)}", fix=fixed, table=item.table,
                   replaces=item.text)


@rule("JX604", "warning", "文字中有不可见的控制字符",
      "从其他软件复制来的文字可能带有控制字符（如 \\x07）；Word 和 PDF 不能容纳它们，生成时会被删去。", fixable=True)
def invisible(ctx: CheckContext, r: Rule) -> Iterator[Finding]:
    """Control characters that the renderers will drop."""
    for item in _once_per_table(all_texts(ctx.doc)):
        m = NOT_PRINTABLE.search(item.text)
        if m:
            yield r.at(item.source, f"{item.label}中有不可见的控制字符 U+{ord(m.group()):04X}，生成文件时会被删去",
                       "删除这个字符（规格中写成 \\x.. 或 \\u.... 的转义）",
                       fix=NOT_PRINTABLE.sub("", item.text), replaces=item.text,
                       table=item.table)


def _once_per_table(items: Iterable[Text]) -> Iterator[Text]:
    """The same text in several cells of one table (a shared 依据) is one problem."""
    seen: set[tuple[int | None, str, str]] = set()
    for item in items:
        key = (item.table.number if item.table else None, item.label, item.text)
        if key not in seen:
            seen.add(key)
            yield item
