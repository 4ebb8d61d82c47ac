"""The 版式 of the document, of each part and of each table, detected from what is printed.

Each table shows its table settings (unit line, 项目编码, the name label,
资金支出计划 and its label and % signs, the 依据 column); a part takes what most
of its tables show, the document what most tables show. The page settings
come from the document as a whole (目录, part headings on their own page,
table title numbering and whether it restarts in each part). The document's
settings are written as the built-in layout they are closest to, plus what
differs (``版式: {基于: 河北, 表题编号: 1、}``); a part or a table writes only
what differs from the level above.
"""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

from jixiao.importer.found import FoundDoc, FoundTable
from jixiao.importer.labels import parse_label
from jixiao.importer.memory import builtin_layouts
from jixiao.model import document as dm
from jixiao.spec.layout import ALIASES, LayoutSpec
from jixiao.spec.layouts import DEFAULT

TABLE = ("unit_line", "show_code", "name_label", "show_schedule", "schedule_label", "schedule_percent", "show_basis",
         "columns", "header")
#: The indicator columns a 版式 need not list (the 河北 ones, 依据 by ``指标值确定依据``).
_PLAIN_COLUMNS = (["绩效指标描述", "指标值"], ["绩效指标描述", "指标值", "指标值确定依据"])
#: 表头 rows left out where all their fields are empty (:mod:`jixiao.render.layout.headrows`); the others
#: always print something (主管部门 and the units default to the department's and the unit's names).
_OPTIONAL = frozenset({"项目编码", "实施期限", "项目类型", "是否新增项目", "分配方式", "项目总金额", "政策依据", "测算依据",
                       "实施期目标", "长期目标", "资金用途"})
PAGE = ("front", "part_heading", "title_numbering", "numbering_scope")
_DEFAULTS: dict[str, Any] = {**dm.Layout().model_dump(), **dm.Pages().model_dump()}
Settings = dict[str, Any]


def table_settings(t: FoundTable) -> Settings:
    """What this table shows (settings it does not show, such as the % of an empty schedule, are left out)."""
    out: Settings = {
        "unit_line": t.unit_label is not None,
        "show_code": t.has_code,
        "name_label": t.name_label,
        "show_schedule": t.schedule is not None,
        "show_basis": t.show_basis,
    }
    rest = t.columns[3:]
    if rest and rest not in _PLAIN_COLUMNS:
        out["columns"] = rest
        del out["show_basis"]  # the columns say it
    if t.form:  # the 2021 header block: its rows are the 表头 (no 资金支出计划 row unless it lists one)
        out["header"] = t.header
        del out["show_schedule"]
    if t.schedule is not None:
        if t.schedule_label:
            out["schedule_label"] = t.schedule_label
        filled = [x for x in t.schedule if x.strip() not in ("", "-", "—", "/")]
        if filled:
            out["schedule_percent"] = any("%" in x or "％" in x for x in filled)
    return out


def majority(settings: list[Settings], fallback: Settings) -> Settings:
    """Each setting as most of *settings* have it (ties: the fallback's value if among them)."""
    out: Settings = {}
    for name in TABLE:
        if name == "header":
            out[name] = _common_header([s[name] for s in settings if name in s], fallback[name])
            continue
        shown = {_key(s[name]): s[name] for s in settings if name in s}
        votes = Counter(_key(s[name]) for s in settings if name in s)
        if not votes:
            out[name] = fallback[name]
            continue
        top = max(votes.values())
        winners = [v for v, n in votes.items() if n == top]
        out[name] = fallback[name] if _key(fallback[name]) in winners else shown[winners[0]]
    return out


def _key(value: Any) -> Any:
    """A setting as a dictionary key (a list as its JSON text)."""
    return json.dumps(value, ensure_ascii=False) if isinstance(value, list) else value


def fits(printed: list[list[str]] | None, header: list[list[str]] | None) -> bool:
    """Does a table print *printed* under the 表头 *header*? (Rows of optional fields are left out when empty.)"""
    if printed is None or header is None:
        return printed == header
    rows = iter(printed)
    row = next(rows, None)
    for wanted in header:
        if row == wanted:
            row = next(rows, None)
        elif not set(wanted) <= _OPTIONAL:
            return False
    return row is None


def _common_header(headers: list[Any], fallback: list[list[str]] | None) -> list[list[str]] | None:
    """The 表头 all tables fit: the fallback's or a built-in layout's if it can be, else the longest that all fit."""
    if not headers:
        return fallback
    named = [h for s in _named().values() if (h := s.get("header")) is not None]
    for candidate in [*([fallback] if fallback else []), *named, *sorted(headers, key=len, reverse=True)]:
        if all(fits(h, candidate) for h in headers):
            return list(candidate)
    top = Counter(_key(h) for h in headers).most_common(1)[0][0]
    return next(list(h) for h in headers if _key(h) == top)


def page_settings(found: FoundDoc) -> Settings:
    """首页, 部分标题, 表题编号, 表题编号范围 as the document shows them."""
    styles: Counter[str] = Counter()
    numbers: dict[int, list[int]] = {}
    for t in found.tables:
        label = parse_label(t.heading) if t.heading else None
        if label is not None:
            styles[label[0]] += 1
            numbers.setdefault(t.part, []).append(label[1])
    restart = any(nums and nums[0] == 1 and part > min(numbers) for part, nums in numbers.items())
    own_page = [p.own_page for p in found.parts if p.title is not None]
    return {
        "front": found.front,
        "part_heading": "表前" if own_page and own_page.count(False) * 2 >= len(own_page) else "单独成页",
        "title_numbering": styles.most_common(1)[0][0] if styles else _DEFAULTS["title_numbering"],
        "numbering_scope": "每部分" if restart else "全文",
    }


def aliased(settings: Settings) -> dict[str, Any]:
    """Settings by field name → by the key written in YAML (单位行, 项目编码 …)."""
    return {ALIASES[k]: v for k, v in settings.items()}


def _named() -> dict[str, Settings]:
    lib = builtin_layouts()
    out: dict[str, Settings] = {}
    for name in [DEFAULT, *[n for n in lib.names() if n != DEFAULT]]:
        named = lib.layouts[name]
        out[name] = lib.settings(LayoutSpec.model_validate({"基于": name}), named.pos, ())
    return out


def document_layout(table: Settings, page: Settings) -> str | dict[str, Any]:
    """The 版式 of 部门.yaml: the closest built-in layout, plus what differs."""
    full = {**table, **page}
    best: tuple[int, str, Settings] | None = None
    for name, written in _named().items():
        resolved = {**_DEFAULTS, **written}
        diff = {k: v for k, v in full.items() if _differs(k, v, resolved.get(k))}
        if best is None or len(diff) < best[0]:
            best = (len(diff), name, diff)
    assert best is not None
    _, name, diff = best
    return name if not diff else {"基于": name, **aliased(diff)}


def override(own: Settings, above: Settings) -> str | dict[str, Any] | None:
    """The 版式 of a part or table: None if it shows what the level above does, else what differs."""
    diff = {k: v for k, v in own.items() if _differs(k, v, above.get(k))}
    if not diff:
        return None
    for name, written in _named().items():
        if written and {k: v for k, v in written.items() if k in TABLE} == diff:
            return name
    return aliased(diff)


def _differs(name: str, own: Any, above: Any) -> bool:
    """Does a table showing *own* need a setting other than *above*? (A 表头 need only be fitted.)"""
    return not fits(own, above) if name == "header" else bool(own != above)


def resolved(above: Settings, change: str | dict[str, Any] | None) -> Settings:
    """*above* with a part's or table's 版式 applied (as :func:`override` wrote it)."""
    if change is None:
        return dict(above)
    if isinstance(change, str):
        written = _named()[change]
        return {**above, **{k: v for k, v in written.items() if k in TABLE}}
    by_alias = {v: k for k, v in ALIASES.items()}
    return {**above, **{by_alias[k]: v for k, v in change.items()}}


def defaults() -> Settings:
    """jixiao's default table settings (the 河北 layout)."""
    return {k: _DEFAULTS[k] for k in TABLE}
