"""The review categories (审核类别) every rule belongs to, as reviewers group their 审核口径.

The five of the finance bureaus' 审核表 (完整性、相关性、可测性、可行性、资金匹配性) and
规范性 for wording, typos and punctuation, which reviewers return as well. Rule packs
name their category; jixiao's own rules take theirs from :data:`BUILTIN`.
"""

from __future__ import annotations

#: Categories in the order the 审核表 prints them, each with what it asks.
CATEGORIES: dict[str, str] = {
    "完整性": "该有的都有：必需的一级、二级指标，指标解释、政策依据、测算依据等栏目不空",
    "相关性": "目标、指标与项目相符：指标归类正确，不照抄别的项目或栏目",
    "可测性": "指标可以衡量：指标值有数字、单位、日期或分级，时效写出时间",
    "可行性": "目标合理可达：指标值可以完成，日期在本年度，依据写出标准来源",
    "资金匹配性": "目标与资金相符：成本不超过预算，测算依据合计等于预算，指标数与资金规模相称",
    "规范性": "文字规范：错别字、标点、文号、格式",
}
#: Other names reviewers use for a category.
ALIASES = {"可衡量性": "可测性", "可考核性": "可测性", "明确性": "可测性", "匹配性": "资金匹配性",
           "资金匹配": "资金匹配性", "合理性": "可行性", "规范": "规范性"}

_BY_RULE = {
    "完整性": "JX307 JX401 JX405 JX406 JX407 JX408 JX413 JX502 JX509",
    "相关性": "JX105 JX403 JX404 JX411 JX501 JX505 JX508",
    "可测性": "JX104 JX201 JX203 JX204 JX208 JX209 JX210 JX211 JX212",
    "可行性": "JX202 JX207 JX503 JX504",
    "资金匹配性": "JX301 JX302 JX303 JX304 JX305 JX306",
    "规范性": "JX101 JX102 JX103 JX106 JX107 JX205 JX206 JX402 JX409 JX410 JX412 JX414 JX506 JX507 "
              "JX601 JX602 JX603 JX604",
}
#: jixiao's own rules by id → category.
BUILTIN: dict[str, str] = {rid: cat for cat, ids in _BY_RULE.items() for rid in ids.split()}


def category_name(text: str) -> str | None:
    """The category *text* names (an alias allowed), or None."""
    text = text.strip()
    if text in CATEGORIES:
        return text
    return ALIASES.get(text)
