"""JX1xx 错别字与用词: typos in indicator names and standard phrases."""

from __future__ import annotations

import re
from collections.abc import Iterator

from jixiao.checks.base import CheckContext, Finding, Rule, rule
from jixiao.checks.fields import Text, document_texts, table_texts
from jixiao.checks.text import bare_name, is_rate_name, one_edit_apart, repeated_chunks
from jixiao.model.framework import children_in

#: Shorter terms are too easily one character away from another real word.
MIN_TERM = 5


@rule("JX101", "warning", "指标名称疑似漏字",
      "比常用指标或预设中的文字恰好少一个字，多半是漏打（如「保障作正常开展」）。")
def near_miss(ctx: CheckContext, r: Rule) -> Iterator[Finding]:
    """三级指标 that is a known indicator text with one character missing.

    Only a missing character counts: an extra one is usually a legitimate
    variant (月均印刷费用支出 next to 月均印刷费支出), and doubled words are JX102's.
    """
    terms = [t for t in ctx.vocab.terms if len(t) >= MIN_TERM]
    for table, row in ctx.rows():
        name = bare_name(row.level3)
        if name in ctx.vocab.terms:
            continue
        for term in terms:
            if len(name) + 1 == len(term) and one_edit_apart(name, term):
                yield r.at(row.source_of("level3"), f"指标名称「{row.level3}」疑似漏了一个字",
                           f"是否应为「{term}」？", fix=term, table=table)
                break


@rule("JX102", "warning", "字词重复",
      "同一个词连写两遍（如「验收合格合格率」「政务信息信息」）是复制粘贴或输入时的失误。")
def doubled(ctx: CheckContext, r: Rule) -> Iterator[Finding]:
    """A 2–4 character chunk written twice in a row in a 三级指标 or 描述."""
    for table, row in ctx.rows():
        for attr in ("level3", "description"):
            text = getattr(row, attr)
            if attr == "description" and text == row.level3:
                continue  # the same slip, already reported on the name
            chunks = repeated_chunks(text)
            if chunks:
                fixed = text
                for chunk in chunks:
                    fixed = fixed.replace(chunk * 2, chunk)
                shown = "".join(f"「{chunk}」" for chunk in chunks)
                yield r.at(row.source_of(attr), f"「{text}」中{shown}重复了一遍",
                           "删去重复的字词", fix=fixed, table=table)


@rule("JX103", "warning", "常见错别字",
      "词表中登记的常见错别字与同音字（如培训语境中的「学院」应为「学员」）。", fixable=True)
def known_typos(ctx: CheckContext, r: Rule) -> Iterator[Finding]:
    """Typo pairs from the vocabulary, optionally only in a matching context."""
    for item in document_texts(ctx.doc):
        pairs = [(wrong, right) for wrong, right, context in ctx.vocab.typos
                 if wrong in item.text and (context is None or re.search(context, item.text))]
        if pairs:
            yield _replacements(r, item, pairs, "疑似错别字")


def _mask(text: str, words: tuple[str, ...]) -> str:
    """*text* with each of *words* replaced by a private-use placeholder (U+E000 + index)."""
    for i, word in enumerate(words):
        text = text.replace(word, chr(0xE000 + i))
    return text


def _unmask(text: str, words: tuple[str, ...]) -> str:
    for i, word in enumerate(words):
        text = text.replace(chr(0xE000 + i), word)
    return text


def _replacements(r: Rule, item: Text, pairs: list[tuple[str, str]], what: str,
                  protect: tuple[str, ...] = ()) -> Finding:
    """One finding naming every (wrong, right) pair found in *item* (outside the *protect* words)."""
    fixed = _mask(item.text, protect)
    for wrong, right in pairs:
        fixed = fixed.replace(wrong, right)
    fixed = _unmask(fixed, protect)
    wrongs = "".join(f"「{wrong}」" for wrong, _ in pairs)
    rights = "".join(f"「{right}」" for _, right in pairs)
    return r.at(item.source, f"{item.label}中的{wrongs}{what}", f"应为{rights}？", fix=fixed, table=item.table,
                replaces=item.text)


@rule("JX104", "warning", "指标值缺少计量单位",
      "定量指标值要写明计量单位：率、度类用 %，金额用 元 或 万元，数量用 人、次、台 等。")
def missing_unit(ctx: CheckContext, r: Rule) -> Iterator[Finding]:
    """A quantity without a unit, with a hint chosen from the indicator's kind."""
    for table, row in ctx.rows():
        v = row.parsed
        if v.kind != "quantity" or v.unit:
            continue
        if is_rate_name(row.level3):
            hint = "满意度、比率类指标通常以 % 表示"
        elif row.level2 in ("成本指标", "经济成本指标"):
            hint = f"成本指标应以 {table.money_unit} 表示"
        else:
            hint = "写明计量单位，如 人、次、台、天"
        yield r.at(row.source_of("value"), f"指标值缺少计量单位「{row.value}」", hint, table=table)


@rule("JX105", "warning", "三级指标与二级指标同名",
      "三级指标应是具体的指标名称，照抄二级指标的名称（如「服务对象满意度指标」）无法考核。")
def named_as_category(ctx: CheckContext, r: Rule) -> Iterator[Finding]:
    """A 三级指标 named exactly like a 二级 category of the framework."""
    categories = {name for t in ctx.doc.tables() for name in children_in(t.framework_levels)}
    categories |= {row.level2 for _, row in ctx.rows()}
    for table, row in ctx.rows():
        if bare_name(row.level3) in categories:
            name = row.level3.removesuffix("指标")
            yield r.at(row.source_of("level3"), f"三级指标「{row.level3}」与二级指标同名",
                       f"写具体的指标名称，如「{name}」", fix=name, table=table)


@rule("JX106", "warning", "术语的同音错字",
      "用拼音输入法打字时，术语常被选成读音相同或相近的别字（如「合格律」「积效目标」「布署」）；"
      "词表 templates/checks/词表.yaml 的「同音错字」一节列出各术语和它常见的错误写法。", fixable=True)
def homophones(ctx: CheckContext, r: Rule) -> Iterator[Finding]:
    """Wrong homophones of domain terms, every one in a text named in one finding."""
    protect = ctx.vocab.homophone_exceptions
    for item in document_texts(ctx.doc):
        text = _mask(item.text, protect)
        pairs = [(wrong, right) for wrong, right in ctx.vocab.homophones if wrong in text]
        if pairs:
            yield _replacements(r, item, pairs, "疑似拼音输入的同音错字", protect)


@rule("JX107", "info", "同一表中一个说法有两种写法",
      "同一张表里同一个概念应当只用一种说法（如「满意度」与「满意率」、「其他」与「其它」不要混用）；"
      "词表的「同一说法」一节列出这些写法，排在前面的是建议的写法。")
def two_spellings(ctx: CheckContext, r: Rule) -> Iterator[Finding]:
    """A table using two spellings of one term; reported where a less preferred one first appears."""
    for table in ctx.doc.tables():
        texts = list(table_texts(table))
        for spellings in ctx.vocab.variants:
            used = {s: [i for i, t in enumerate(texts) if _uses(t.text, s, spellings)] for s in spellings}
            present = [s for s in spellings if used[s]]
            if len(present) < 2:
                continue
            keep = present[0]
            other = present[1:]
            first = texts[min(i for s in other for i in used[s])]
            counts = "，".join(f"「{s}」{len(used[s])} 处" for s in present)
            shown = "".join(f"「{s}」" for s in other)
            yield r.at(first.source, f"本表中{shown}与「{keep}」混用（{counts}）",
                       f"统一写成「{keep}」", table=table, group=f"同一表中{shown}与「{keep}」混用")


def _uses(text: str, spelling: str, spellings: tuple[str, ...]) -> bool:
    """*text* contains *spelling* other than as part of a longer spelling of the same term."""
    longer = [s for s in spellings if s != spelling and spelling in s]
    rest = text
    for s in longer:
        rest = rest.replace(s, "")
    return spelling in rest
