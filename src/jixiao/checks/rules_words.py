"""JX1xx 错别字与用词: typos in indicator names and standard phrases."""

from __future__ import annotations

import re
from collections.abc import Iterator

from jixiao.checks.base import CheckContext, Finding, Rule, rule
from jixiao.checks.fields import document_texts
from jixiao.checks.text import bare_name, is_rate_name, one_edit_apart, repeated_chunk
from jixiao.framework import all_level2

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
            chunk = repeated_chunk(text)
            if chunk:
                yield r.at(row.source_of(attr), f"「{text}」中「{chunk}」重复了一遍",
                           "删去重复的字词", fix=text.replace(chunk * 2, chunk, 1), table=table)


@rule("JX103", "warning", "常见错别字",
      "词表中登记的常见错别字与同音字（如培训语境中的「学院」应为「学员」）。")
def known_typos(ctx: CheckContext, r: Rule) -> Iterator[Finding]:
    """Typo pairs from the vocabulary, optionally only in a matching context."""
    for item in document_texts(ctx.doc):
        for wrong, right, context in ctx.vocab.typos:
            if wrong in item.text and (context is None or re.search(context, item.text)):
                yield r.at(item.source, f"{item.label}中的「{wrong}」疑似错别字", f"应为「{right}」？",
                           fix=item.text.replace(wrong, right), table=item.table)


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
    frameworks = {t.framework for t in ctx.doc.tables()} or {ctx.doc.framework}
    categories = {name for f in frameworks for name in all_level2(f)} | {row.level2 for _, row in ctx.rows()}
    for table, row in ctx.rows():
        if bare_name(row.level3) in categories:
            name = row.level3.removesuffix("指标")
            yield r.at(row.source_of("level3"), f"三级指标「{row.level3}」与二级指标同名",
                       f"写具体的指标名称，如「{name}」", fix=name, table=table)
