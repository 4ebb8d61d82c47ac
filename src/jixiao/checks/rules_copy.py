"""JX5xx 照抄与空泛: texts copied between projects, descriptions that define nothing."""

from __future__ import annotations

import re
from collections.abc import Iterator

from jixiao.checks.base import CheckContext, Finding, Rule, rule
from jixiao.checks.fields import all_texts
from jixiao.checks.text import bare_name
from jixiao.checks.years import DocumentYear, leftover_years
from jixiao.expand.project import derive_item
from jixiao.model.document import ProjectTable
from jixiao.model.tableref import TableRefs


def _norm(text: str) -> str:
    return "".join(text.split()).rstrip("。.")


@rule("JX501", "warning", "与其他项目的资金用途或绩效目标相同",
      "不同项目照抄同一段资金用途或绩效目标，说明目标没有针对本项目来写。")
def copied_text(ctx: CheckContext, r: Rule) -> Iterator[Finding]:
    """资金用途 or 绩效目标 identical to an earlier project's with a different name."""
    refs = TableRefs.of(ctx.doc)
    for label, attr in (("资金用途", "use"), ("绩效目标", "goal")):
        first: dict[str, ProjectTable] = {}
        for table in ctx.doc.tables():
            text = _norm(getattr(table, attr))
            if not text:
                continue
            earlier = first.setdefault(text, table)
            if earlier is not table and earlier.name != table.name:
                yield r.at(table.source_of(label),
                           f"{label}与{refs.one(earlier.number)}「{earlier.name}」完全相同",
                           f"按本项目的内容重写{label}", table=table)


@rule("JX502", "info", "描述只是重复指标名称",
      "绩效指标描述应说明指标的含义或计算方法（如「实际完成量 ÷ 计划量 × 100%」），而不是重复名称。")
def description_echo(ctx: CheckContext, r: Rule) -> Iterator[Finding]:
    """A 绩效指标描述 equal to the 三级指标."""
    for table, row in ctx.rows():
        if bare_name(row.description) == bare_name(row.level3):
            yield r.at(row.source_of("description"), f"「{row.level3}」的描述只是重复了指标名称",
                       "写出指标的定义或计算公式", table=table)


_REQUEST = re.compile(r"恳请|请求|申请|拟申请|望批准|贵局")


@rule("JX503", "warning", "指标值确定依据写成了申请",
      "指标值确定依据应说明标准来源（计划标准、行业标准、历史标准或文件），而不是向财政部门提出的申请。")
def basis_is_request(ctx: CheckContext, r: Rule) -> Iterator[Finding]:
    """A 依据 that reads like a request (恳请贵局安排 …), once per table."""
    for table in ctx.doc.tables():
        for row in table.indicators:
            if row.basis and _REQUEST.search(row.basis):
                yield r.at(row.source_of("basis"), "指标值确定依据写成了申请或说明",
                           "写明依据的计划、标准或文件，如「2025年工作计划」", table=table)
                break


#: What trimming leaves out of a 依据 before deciding whether anything is said.
_NOT_WORDS = re.compile(r"[\s\u3000、，,。．.；;：:／/\\—\-–_~～·…“”\"'‘’（）()【】\[\]《》]+")
_NO_BASIS = frozenset({"", "无", "暂无", "略", "空", "依据", "根据"})


def _bare(text: str) -> str:
    return _NOT_WORDS.sub("", bare_name(text))


@rule("JX504", "warning", "指标值确定依据没有写出依据",
      "指标值确定依据应写明计划标准、行业标准、历史标准或文件（如「2025年工作计划」「历年指标」、文号）；"
      "空着、只写「无」，或只写项目名称、指标名称，审核时会被退回。")
def basis_missing(ctx: CheckContext, r: Rule) -> Iterator[Finding]:
    """A 依据 that is empty after trimming, 无, or only the 项目名称 / 三级指标 / 描述."""
    seen: set[tuple[int, str, int, int]] = set()
    for table in ctx.doc.tables():
        for row in table.indicators:
            if row.basis is None:
                continue
            basis = _bare(row.basis)
            if basis in _NO_BASIS:
                what = "没有写出任何依据" if not basis else f"只写了「{row.basis.strip()}」"
            elif basis == _bare(table.name):
                what = "只是项目名称"
            elif basis in (_bare(row.level3), _bare(row.description)):
                what = f"只是重复了指标「{row.level3}」"
            else:
                continue
            source = row.source_of("basis")
            key = (table.number, what, source.line, source.col)
            if key in seen:  # one default 依据 shared by every row is one thing to fix
                continue
            seen.add(key)
            yield r.at(source, f"指标值确定依据{what}",
                       f"写明依据的计划、标准或文件，如「{ctx.doc.year}年工作计划」", table=table)


_NUMBERED = re.compile(r"^\s*(?:\d+[.．、]|[（(][一二三四五六七八九十\d]+[)）]、?)\s*")


def _goal_text(text: str) -> str:
    """A text without its item number (1. or （一）), spaces and a final full stop."""
    return _norm(_NUMBERED.sub("", text))


@rule("JX505", "warning", "资金用途与绩效目标相同",
      "资金用途写钱用在哪里，绩效目标写用了钱要达到的产出和效果；两栏照抄同一句话，等于没有写绩效目标。")
def use_is_goal(ctx: CheckContext, r: Rule) -> Iterator[Finding]:
    """A table whose 绩效目标 (without its item number) is its 资金用途."""
    for table in ctx.doc.tables():
        use = _goal_text(table.use)
        if use and use == _goal_text(table.goal):
            yield r.at(table.source_of("绩效目标"), "绩效目标与本表的资金用途完全相同",
                       "绩效目标写明预期的产出和效果（做多少、做到什么程度、带来什么效益）", table=table)


@rule("JX506", "warning", "文字中的年份不是本年度或上一年度",
      "项目绩效目标是本预算年度的目标，文字中出现别的年份（2025 年的文本里写着「2020年」）多半是沿用往年文本没有改。"
      "不检查：文号中的年份（〔2023〕等，引用的文件可以较早）、《》中的文件名称、「2021—2025年」这样的起始年份、"
      "「2018年以来」「2023年版」、项目编码，以及项目名称本身带有的年份（如结转资金「2023年中央财政…」）。")
def stale_year(ctx: CheckContext, r: Rule) -> Iterator[Finding]:
    """A year other than 年度 and 年度 − 1 in a text of the document (once per text, all its years)."""
    year = ctx.doc.year
    texts: dict[tuple[str, str, int, int, int | None], tuple[DocumentYear, list[str]]] = {}
    for found in leftover_years(ctx.doc, kept=frozenset({year - 1})):
        key = (found.label, found.source.path, found.source.line, found.source.col,
               found.table.number if found.table else None)
        _, years = texts.setdefault(key, (found, []))
        if str(found.mention.year) not in years:
            years.append(str(found.mention.year))
    for found, years in texts.values():
        shown = "".join(f"「{y}年」" for y in years)
        if all(int(y) > year for y in years):
            hint = f"年度绩效目标应在 {year} 年内完成；跨年度的目标不应填作年度目标"
        else:
            hint = f"多半是沿用往年文本时没有改：应为 {year} 年？"
        yield r.at(found.source, f"{found.label}中出现了{shown}，不是 {year} 年度或上一年度", hint,
                   table=found.table, group=f"文字中出现了{shown}，不是 {year} 年度或上一年度")


@rule("JX507", "info", "文字中有上一年度的年份",
      "顺延到新年度（jixiao rollover）后，文字中多半还留着上一年度的年份（「按2025年工作计划」）；"
      "有意保留的（如「比2025年增长」），在这一行末尾加 # jixiao: ignore[JX507]。文号、《》中的名称、"
      "日期型的指标值（JX207）和项目名称本身带的年份不算。")
def leftover_year(ctx: CheckContext, r: Rule) -> Iterator[Finding]:
    """A mention of the year before 年度 in a printed text (what a rollover leaves behind)."""
    seen: set[tuple[str, int, int, int | None]] = set()
    for found in leftover_years(ctx.doc):
        if found.mention.year != ctx.doc.year - 1:
            continue  # other years are JX506's
        key = (found.source.path, found.source.line, found.source.col, found.table.number if found.table else None)
        if key in seen:
            continue  # a shared 依据 printed in every row: once per table
        seen.add(key)
        year = found.mention.year
        yield r.at(found.source, f"{found.label}中有「{year}年」，不是 {ctx.doc.year} 年度",
                   f"改为「{ctx.doc.year}年」，或在这一行末尾加 # jixiao: ignore[JX507] 表示有意保留",
                   table=found.table, group=f"文字中有「{year}年」，不是 {ctx.doc.year} 年度")


#: Shorter names are words many projects share (印刷费, 宣传费; 医保工作 of 医保工作经费).
_MIN_NAME = 4
_MIN_ITEM = 5


def _names(table: ProjectTable) -> set[str]:
    """What names *table*'s project: its 项目名称, and that name without 费/经费 (long enough to be its own)."""
    item = derive_item(table.name)
    return {n for n, least in ((table.name, _MIN_NAME), (item, _MIN_ITEM)) if len(n) >= least}


@rule("JX508", "warning", "指标行中写着别的项目的名称",
      "复制别的项目的表、或套用由别的项目归纳出的预设之后，指标行里常留着那个项目的名称或事项"
      "（法律顾问费的表里印着「办公用房租赁工作完成率」），说明这些指标并不是为本项目写的。"
      "不检查：不足 4 个字的项目名称、去掉「费」「经费」后不足 5 个字的（印刷、医保工作），"
      "以及别的项目的资金用途、绩效目标中也用到的说法（那是通用的词）。")
def other_projects_name(ctx: CheckContext, r: Rule) -> Iterator[Finding]:
    """A 三级/描述/值 holding another project's name or 事项 that is not in this project's own texts.

    A name counts only while it is one project's own: one that the 项目名称, 资金用途 or
    绩效目标 of projects with other names also use (医保工作) is a common word.
    """
    tables = ctx.doc.tables()
    refs = TableRefs.of(ctx.doc)
    own = {t.number: " ".join(filter(None, (t.name, t.title, t.item, t.use, t.goal))) for t in tables}
    owners: dict[str, ProjectTable] = {}
    for table in tables:
        for name in _names(table):
            owners.setdefault(name, table)
    specific = {
        name: table for name, table in owners.items()
        if len({t.name for t in tables if name in own[t.number]}) <= 1
    }
    for table in tables:
        foreign = sorted((n for n, t in specific.items() if t.name != table.name and n not in own[table.number]),
                         key=len, reverse=True)
        for row in table.rows:
            for attr in ("level3", "description", "value"):
                text = getattr(row, attr)
                hit = next((n for n in foreign if n in text), None)
                if hit is None:
                    continue
                other = specific[hit]
                yield r.at(row.source_of(attr), f"「{text}」中的「{hit}」是{refs.one(other.number)}「{other.name}」的名称",
                           f"改成写「{table.name}」本身的指标", table=table,
                           group="指标行中写着别的项目的名称", group_hint="改成写本项目自己的指标")
                break


#: What jixiao init and new write for a person to replace: a whole text such as 「（写明资金用于什么）」
#: or 「1.（写明项目的绩效目标）」, and the department 「某某局」.
_PLACEHOLDER = re.compile(
    r"(?:\d+[.．、])?(?:绩效目标：|绩效指标：)?（(?:用一段话|第一个|第一条|该分项|写明|填写|请填写).*）|.*某某局.*", re.S
)


@rule("JX509", "error", "留着新建时的占位文字",
      "jixiao init 和 jixiao new 在要写的地方放了带括号的提示（「（写明资金用于什么）」「（第一个分项的名称）」），"
      "部门名称默认是「某某局」；它们印进文件之前要换成真正的内容（jixiao render --force 仍可生成）。")
def placeholder(ctx: CheckContext, r: Rule) -> Iterator[Finding]:
    """A printed text still holding a scaffold's placeholder."""
    for item in all_texts(ctx.doc):
        if item.label == "单位":
            continue  # written in 部门.yaml, not where the table points: 部门名称 says it there
        m = _PLACEHOLDER.fullmatch(item.text.strip())
        if m:
            yield r.at(item.source, f"{item.label}还是新建时的占位文字「{m.group()}」", "换成真正的内容",
                       table=item.table, group="还是新建时的占位文字")
