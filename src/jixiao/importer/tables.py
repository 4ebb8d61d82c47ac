"""Project tables from the raw blocks of one part of the document.

A 项目绩效目标表 is recognised by its labels, not by how its Word tables are
built: the header block and the indicator table may be one Word table or two
(or one per row), the unit line a table row or a paragraph, merged cells
merged (``w:vMerge``/``w:gridSpan``) or repeated. Rows are classified one by
one (unit line, 项目编码, 名称, 预算数, 资金用途, 资金支出计划, 绩效目标, column
titles, indicator rows; in the 2021 form also label | text rows such as 主管部门 |
实施单位 and the 项目资金 block, see :mod:`formrows`); a new table starts at a
table title, a unit line, or a header row met after indicator rows.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from jixiao.importer import labels as lb
from jixiao.importer.cells import amounts, distinct, month_values, months
from jixiao.importer.formrows import FORM, MONEY, VALUE_PARTS, form_key, header_name, joined_value
from jixiao.importer.found import (
    FoundRow,
    FoundTable,
    ImportProblem,
    Note,
    clean,
    norm,
    one_line,
    short,
)
from jixiao.importer.read import Block, Cell, Para, Table
from jixiao.importer.workbook.labels import field_of

_FIELDS = ("level1", "level2", "level3", "description", "value", "basis")
_COLUMN_FIELD = {
    "一级指标": "level1", "二级指标": "level2", "三级指标": "level3", "绩效指标描述": "description", "指标值": "value",
    "指标值确定依据": "basis", "指标解释": "explanation", "指标值说明": "explanation", "权重": "weight",
    "计算符号": "sign", "计量单位": "unit",
}


@dataclass
class _Columns:
    """Where each indicator column lies on the grid of its Word table."""

    table: int
    spans: list[tuple[str, int, int]]

    def field_of(self, col: int) -> str | None:
        for name, start, end in self.spans:
            if start <= col < end:
                return _COLUMN_FIELD[name]
        return None


@dataclass
class _State:
    tables: list[FoundTable] = field(default_factory=list)
    current: FoundTable | None = None
    columns: _Columns | None = None
    expect: str | None = None  # "use" or "schedule": what the next row holds
    #: Labels of the row before and the grid columns each covers (months, or the amounts' labels).
    spans: list[tuple[str, int, int]] = field(default_factory=list)
    last: dict[str, str] = field(default_factory=dict)
    notes: list[Note] = field(default_factory=list)
    part: int = 0
    number: int = 0
    money: bool = False  # the row before was in the 项目资金 block


def find_tables(blocks: list[Block], part: int, start: int, notes: list[Note]) -> tuple[list[FoundTable], list[Para]]:
    """The project tables in *blocks* (numbered from *start* + 1) and the paragraphs that are not theirs."""
    st = _State(part=part, number=start)
    loose: list[Para] = []
    for block in blocks:
        if isinstance(block, Para):
            if not _paragraph(st, block):
                loose.append(block)
            continue
        for i, row in enumerate(block.rows, 1):
            _row(st, block, i, row)
    _close(st)
    notes += st.notes
    return st.tables, loose


def _where(table: Table, row: int) -> str:
    return f"第 {table.index} 张表第 {row} 行"


def _start(st: _State, where: str) -> FoundTable:
    _close(st)
    st.number += 1
    st.current = FoundTable(number=st.number, where=where, part=st.part)
    return st.current


def _close(st: _State) -> None:
    t = st.current
    if t is not None and t.heading and not (t.name or t.has_amounts or t.columns or t.rows or t.money_unit):
        # A title with no table under it: a line of a typed table of contents, or a stray title.
        st.notes.append(Note(t.heading_where, f"表题「{short(t.heading, 24)}」后面没有表格", "已略去（目录中的一行？）"))
        st.number -= 1
    elif t is not None:
        st.tables.append(t)
    st.current = None
    st.columns = None
    st.expect = None
    st.last = {}


def _paragraph(st: _State, para: Para) -> bool:
    """Take a paragraph that belongs to a table (title, unit line); False if it does not."""
    text = clean(para.text)
    where = f"第 {para.index} 段"
    title = lb.table_title(text)
    if title is not None:
        t = _start(st, where)
        t.heading, t.heading_where = " ".join(text.split()), where
        return True
    cap = lb.caption(text)
    if cap is not None:
        here = st.current
        if here is None or here.rows or here.name or here.money_unit:
            here = _start(st, where)
        here.unit_label, here.money_unit = cap[0] or None, cap[1]
        return True
    return False


@dataclass
class _Row:
    """One table row as the handlers see it."""

    where: str
    table: Table
    raw: list[Cell]
    cells: list[Cell]
    texts: list[str]
    norms: list[str]

    @property
    def filled(self) -> list[str]:
        return [t for t in self.texts if t]


def _row(st: _State, table: Table, i: int, row: list[Cell]) -> None:
    cells = distinct(row)
    texts = [clean(c.text) for c in cells]
    r = _Row(_where(table, i), table, row, cells, texts, [norm(t) for t in texts])
    if not r.filled and st.expect is None:
        return
    if st.expect is not None and _continued(st, r):
        return
    in_money, st.money = st.money, False
    if _money_row(st, r, in_money):
        return
    for handler in _HANDLERS:
        if handler(st, r):
            return
    if st.columns is not None and st.current is not None:
        if st.columns.table == table.index:
            _indicator(st, r.where, row)
            return
        if len(row) == len(st.columns.spans):  # the indicator table goes on in another Word table
            _indicator(st, r.where, row, by_order=True)
            return
    if r.filled:
        st.notes.append(Note(r.where, f"无法识别的一行「{short(' | '.join(r.filled), 30)}」", "已略去"))


def _continued(st: _State, r: _Row) -> bool:
    """The row after the 预算数 row (资金用途, or the amounts under their labels) or the months."""
    expect, st.expect = st.expect, None
    if expect == "amounts":
        st.expect = "use"
        got = {"budget": "", "fiscal": "", "other": ""}
        for label, start, end in st.spans:
            key = lb.amount_label(label)
            if key is not None:
                got[key] = next((clean(c.text) for c in r.raw if start <= c.col < end and not c.merged), "")
        _table(st, r.where).amounts = (got["budget"], got["fiscal"], got["other"])
        return True
    if expect == "schedule":
        _table(st, r.where).schedule = _four(month_values(st.spans, r.raw), st, r.where)
        return True
    if expect == "use" and (not r.norms or r.norms[0] in lb.BUDGET_BLOCK or r.cells[0].merged or not r.norms[0]):
        rest = [t for c, t, n in zip(r.cells, r.texts, r.norms, strict=True) if t and n not in lb.BUDGET_BLOCK and not c.merged]
        _table(st, r.where).use = "\n".join(rest)
        return True
    return False


def _title_row(st: _State, r: _Row) -> bool:
    """The table title written in the table's first row."""
    if len(r.filled) != 1 or lb.table_title(r.filled[0]) is None:
        return False
    t = _start(st, r.where)
    t.heading, t.heading_where = " ".join(r.filled[0].split()), r.where
    return True


def _caption_row(st: _State, r: _Row) -> bool:
    cap = next((c for t in r.texts if (c := lb.caption(t)) is not None), None)
    if cap is None or len(r.filled) > 3:
        return False
    t = st.current
    if t is None or t.rows or t.name or t.money_unit:
        t = _start(st, r.where)
    label = " ".join(x for x in r.filled if lb.caption(x) is None)
    t.unit_label, t.money_unit = (label or cap[0] or None), cap[1]
    return True


def _name_row(st: _State, r: _Row) -> bool:
    """项目编码 and/or 项目名称 (专项资金名称 …) with their values."""
    texts = r.texts
    if not any(lb.is_code_label(x) for x in texts) and not (texts and lb.is_name_label(texts[0]) and not _is_columns(texts)):
        return False
    t = _header_table(st, r.where)
    for j, text in enumerate(texts):
        value = texts[j + 1] if j + 1 < len(texts) else ""
        if lb.is_code_label(text):
            t.has_code, t.code = True, value
        elif lb.is_name_label(text):
            t.name_label, t.name = one_line(text), value
    t.header.append([one_line(x) for x in texts if lb.is_code_label(x) or lb.is_name_label(x)])
    return True


def _budget_row(st: _State, r: _Row) -> bool:
    if not any(lb.amount_label(x) == "budget" for x in r.texts):
        return False
    t = _header_table(st, r.where)
    t.amounts = amounts(r.texts)
    t.has_amounts = True
    st.expect = "use"
    if not any(t.amounts):  # the amounts stand in the next row, under their labels
        st.expect = "amounts"
        st.spans = [(x, c.col, c.col + c.span) for c, x in zip(r.cells, r.texts, strict=True)]
    return True


def _schedule_row(st: _State, r: _Row) -> bool:
    if not r.texts or not lb.is_schedule_label(r.texts[0]):
        return False
    t = _header_table(st, r.where)
    t.schedule_label = one_line(r.texts[0])
    st.spans = months(r.raw)
    labels = [m for m, _, _ in st.spans]
    if len(r.raw) >= 9 and labels[::2] == list(lb.MONTHS):  # 3月底 | 20% | 6月底 | 50% …
        t.schedule = [clean(r.raw[k].text) for k in (2, 4, 6, 8)]
        return True
    if labels != list(lb.MONTHS):
        st.notes.append(Note(r.where, f"资金支出计划的月份是「{'、'.join(labels)}」",
                             "按 3月底、6月底、10月底、12月底 读入（jixiao 的表格印这四个月份）"))
    st.expect = "schedule"
    return True


def _goal_row(st: _State, r: _Row) -> bool:
    if not r.texts or r.norms[0] not in lb.GOAL:
        return False
    t = _header_table(st, r.where)
    t.goal = "\n".join(x for x in r.texts[1:] if x)
    if t.form and r.norms[0] in ("年度目标", "绩效目标"):  # the 2021 form's 表头 names the label it prints
        t.header.append([r.norms[0]])
    elif r.norms[0] != "绩效目标":
        st.notes.append(Note(r.where, f"标签「{r.texts[0]}」", "按「绩效目标」读入"))
    return True


def _columns_row(st: _State, r: _Row) -> bool:
    if not _is_columns(r.texts):
        return False
    _columns(st, r.table, r.where, r.raw)
    return True


def _form_row(st: _State, r: _Row) -> bool:
    """A row of the 2021 header: label | text (| label | text), one label being a 2021 field (实施期限, 政策依据 …)."""
    texts = list(r.texts)
    while texts and not texts[-1]:
        texts.pop()
    pairs = [(texts[j], form_key(texts[j]), texts[j + 1] if j + 1 < len(texts) else "") for j in range(0, len(texts), 2)]
    if not pairs or any(key is None for _, key, _ in pairs) or not any(key in FORM for _, key, _ in pairs):
        return False
    t = _header_table(st, r.where)
    t.form = True
    names: list[str] = []
    for label, key, value in pairs:
        assert key is not None
        if key == "项目编码":
            t.has_code, t.code = True, value
        elif key == "项目名称":
            t.name_label, t.name = one_line(label), value
        elif key == "绩效目标":
            t.goal = value
        else:
            t.fields[key] = value
        names.append(header_name(label, key, r.where, st.notes))
    t.header.append(names)
    return True


def _money_row(st: _State, r: _Row, in_money: bool) -> bool:
    """A row of the 2021 项目资金 block: 项目资金（万元） | sub-label | amount (the first cell merged down)."""
    go_on = in_money and (r.cells[0].merged or not r.norms[0])  # the merged label cell, continued
    if len(r.texts) < 2 or not (r.norms[0].startswith("项目资金") or go_on):
        return False
    key, _ = field_of(r.texts[1])
    if key not in MONEY:
        return False
    t = _table(st, r.where) if go_on else _header_table(st, r.where)
    if not go_on:
        t.header.append(["项目资金"])
    st.money, t.form, t.has_amounts = True, True, True
    value = r.texts[2] if len(r.texts) > 2 else ""
    b, f, o = t.amounts
    if key == "预算数":
        t.amounts = (value, f, o)
    elif key in ("财政拨款", "财政资金"):
        t.amounts = (b, value, o)
    else:
        t.fields[key] = value
    return True


_HANDLERS = (_title_row, _caption_row, _form_row, _name_row, _budget_row, _schedule_row, _goal_row, _columns_row)


def _table(st: _State, where: str) -> FoundTable:
    return st.current if st.current is not None else _start(st, where)


def _header_table(st: _State, where: str) -> FoundTable:
    """The table a header row belongs to: a new one if the current one is past its header."""
    t = st.current
    if t is None or t.rows or st.columns is not None:
        return _start(st, where)
    return t


def _four(values: list[str], st: _State, where: str) -> list[str]:
    if len(values) != 4:
        st.notes.append(Note(where, f"资金支出计划有 {len(values)} 格：{'、'.join(values) or '（空）'}",
                             "取前 4 格，不足的当作空白"))
    return (values + ["", "", "", ""])[:4]


def _is_columns(texts: list[str]) -> bool:
    names = {lb.column_name(t) for t in texts}
    return {"一级指标", "二级指标", "三级指标"} <= names or {"一级指标", "二级指标", "指标值"} <= names


def _columns(st: _State, table: Table, where: str, row: list[Cell]) -> None:
    t = st.current if st.current is not None else _start(st, where)
    spans: list[tuple[str, int, int]] = []
    names: list[str] = []
    for cell in row:
        text = clean(cell.text)
        name = lb.column_name(text)
        if name is not None and names and name == names[-1]:  # a merge written as a repeated title
            spans[-1] = (name, spans[-1][1], cell.col + cell.span)
            continue
        if name is None and norm(text) in lb.DECORATION:
            continue
        if name is None or name in names:
            if text:
                st.notes.append(Note(where, f"指标表的表头「{one_line(text)}」不是 jixiao 的栏目", "这一栏已略去"))
            continue
        if one_line(text) != name and norm(text) != norm(name):
            st.notes.append(Note(where, f"表头「{one_line(text)}」", f"按「{name}」读入"))
        spans.append((name, cell.col, cell.col + cell.span))
        names.append(name)
    explained = "指标解释" in names or "指标值说明" in names  # the 2021 form: 指标解释 instead of 描述
    needed = ("一级指标", "二级指标", "三级指标", *(() if explained else ("绩效指标描述",)), "指标值")
    missing = [n for n in needed if n not in names]
    if missing:
        raise ImportProblem(
            f"{where}：{t.label}的指标表缺少「{'」「'.join(missing)}」一栏，无法导入。"
            "jixiao 的指标表有 一级指标、二级指标、三级指标、绩效指标描述、指标值（和 指标值确定依据）各栏；"
            "请在 Word 中补上这些栏目后重试。"
        )
    order = sorted(spans, key=lambda s: s[1])
    t.columns = [name for name, _, _ in order if name not in VALUE_PARTS]
    parts = [name for name in names if name in VALUE_PARTS]
    if parts:
        st.notes.append(Note(where, f"指标表有「{'」「'.join(parts)}」栏", "与指标值合成一栏读入（如 ≥95%），生成时印在指标值一栏"))
    st.columns = _Columns(table.index, order)
    st.last = {}


def _indicator(st: _State, where: str, row: list[Cell], *, by_order: bool = False) -> None:
    assert st.columns is not None and st.current is not None
    got: dict[str, str] = {}
    merged: set[str] = set()
    for k, cell in enumerate(row):
        name = _COLUMN_FIELD[st.columns.spans[k][0]] if by_order else st.columns.field_of(cell.col)
        if name is None or (name in got and got[name]):
            continue
        got[name] = clean(cell.text)
        if cell.merged:
            merged.add(name)
    for name in _FIELDS:
        carry = name in ("level1", "level2") and not got.get(name)
        if (name in merged or carry) and name in st.last:
            got[name] = st.last[name]
    if not any(got.get(n) for n in _FIELDS[2:]):
        filled = [clean(c.text) for c in row if clean(c.text) and not c.merged]
        if filled:
            st.notes.append(Note(where, f"无法识别的一行「{short(' | '.join(dict.fromkeys(filled)), 30)}」（没有三级指标和指标值）", "已略去"))
        return
    for name in ("level1", "level2"):
        got[name] = one_line(got.get(name, ""))
    basis = got.get("basis", "") if st.current.show_basis else None
    described = "绩效指标描述" in st.current.columns
    explanation = got.get("explanation", "")
    description = got.get("description", "") if described else explanation
    more = {"指标解释": explanation} if described and explanation and explanation != description else {}
    if got.get("weight"):
        more["权重"] = got["weight"]
    st.current.rows.append(
        FoundRow(got.get("level1", ""), got.get("level2", ""), got.get("level3", ""), description,
                 joined_value(got, {name for name, _, _ in st.columns.spans}, where, st.notes), basis, where, more)
    )
    st.last = {k: v for k, v in got.items()}
