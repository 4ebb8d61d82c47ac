"""A reviewer's spreadsheet of rules (审核口径.xlsx) as a rule pack: ``jixiao rules import``.

The sheet has a header row with labels such as 编码 | 审核对象 | 模式 | 审核要点 | 二级要点 |
审核细项 | 审核意见表述 | 正则表达式 (| 修改建议 | 级别); every row below it is a rule:

* 审核要点 is the category (完整性、相关性、可测性、可行性、资金匹配性；可衡量性 = 可测性);
* 审核对象 is the field: a header item (政策依据, 年度目标 …), an indicator column
  (三级指标, 指标值, 指标解释 …), a 二级 (时效指标 → its 指标值) or a 一级, or 表;
* 模式: 匹配 / 不匹配 (the 正则表达式 must or must not occur), 非空, 为空, 最多字数 /
  最少字数 (the number in 正则表达式), 人工 (a reminder in the report, not a test);
* 审核细项 (else 二级要点) is the rule's name, 审核意见表述 its message.

A row whose 模式 or 审核对象 jixiao cannot check becomes a manual-review reminder and is
reported with its cell (``Sheet1!C7``); a regular expression RE2 refuses is an error at its
cell, and nothing is written.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from jixiao.checks.categories import category_name
from jixiao.checks.packs import fields as fx
from jixiao.checks.packs.pattern import PatternError, compile_pattern
from jixiao.importer.found import ImportProblem
from jixiao.importer.workbook.sheets import Cell, Sheet, read_workbook

LABELS: dict[str, tuple[str, ...]] = {
    "id": ("编码", "编号", "规则编码", "规则编号", "序号"),
    "target": ("审核对象", "对象", "审核字段", "审核内容"),
    "mode": ("模式", "审核模式", "校验方式", "检查方式", "审核方式"),
    "category": ("审核要点", "审核类别", "类别", "审核维度"),
    "point": ("二级要点", "要点"),
    "title": ("审核细项", "细项", "审核项"),
    "message": ("审核意见表述", "审核意见", "意见表述", "问题描述"),
    "pattern": ("正则表达式", "正则", "表达式", "参数"),
    "hint": ("修改建议", "建议", "整改建议"),
    "level": ("级别", "问题等级", "问题级别", "等级"),
}
_MODES = {
    "须匹配": ("须匹配", "必须匹配", "应匹配", "匹配", "包含", "应包含", "必须包含", "符合"),
    "不得匹配": ("不得匹配", "不能匹配", "不匹配", "不应匹配", "不包含", "不得包含", "禁止", "排除"),
    "不得为空": ("非空", "不得为空", "不能为空", "必填", "不为空"),
    "须为空": ("为空", "须为空", "应为空"),
    "最多字数": ("最多字数", "字数上限", "字数不超过"),
    "最少字数": ("最少字数", "字数下限", "字数不少于"),
    "人工": ("人工", "人工审核", "人工判断", "人工核对", "人工复核"),
}
_LEVELS = {"错误": "错误", "严重": "错误", "重大": "错误", "警告": "警告", "一般": "警告", "提示": "提示", "轻微": "提示", "建议": "提示"}
_ONE = ("成本指标", "产出指标", "效益指标", "满意度指标", "效果指标")
_TWO = re.compile(r"^(.{1,10}?指标)[-—·/的]?(三级指标|指标值|指标解释|指标值说明|绩效指标描述)?$")


@dataclass
class SheetRules:
    """The pack read from a spreadsheet, and what the reader did with rows it could not check."""

    data: dict[str, Any]
    rules: int = 0
    manual: int = 0
    notes: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def _norm(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _header(sheet: Sheet) -> tuple[int, dict[str, int]] | None:
    for cells in sheet.rows()[:20]:
        found: dict[str, int] = {}
        for c in cells:
            label = _norm(c.text)
            for key, names in LABELS.items():
                if key not in found and label in names:
                    found[key] = c.col
        if len(found) >= 3 and "message" in found or {"target", "mode"} <= set(found):
            return cells[0].row, found
    return None


def _target(text: str) -> dict[str, Any] | None:
    """审核对象 → {对象, 一级/二级}, None when it is nothing jixiao reads."""
    t = _norm(text)
    if fx.scope_of(t) is not None:
        return {"对象": t}
    if t in _ONE:
        return {"对象": "指标值", "一级": [t]} if t != "成本指标" else {"对象": "指标值", "二级": ["成本指标", "经济成本指标"]}
    m = _TWO.match(t)
    if m and m.group(1) not in ("三级指标", "二级指标", "一级指标"):
        level2 = m.group(1)
        return {"对象": m.group(2) or "指标值", "二级": [level2]}
    return None


def _mode(text: str) -> str | None:
    t = _norm(text)
    for mode, names in _MODES.items():
        if t in names:
            return mode
    return None


def read_rules(path: Path) -> SheetRules:
    """The rules of the spreadsheet at *path*.

    Raises:
        ImportProblem: not a readable workbook, or no sheet with a rule table.
    """
    sheets = read_workbook(path, action="使用").sheets
    for sheet in sheets:
        head = _header(sheet)
        if head is not None:
            return _read(path, sheet, *head)
    raise ImportProblem(
        f"{path.name} 中没有找到规则表：要有一行表头，至少写出 审核对象、模式、审核意见表述（或 编码、审核要点）中的三项"
    )


def _read(path: Path, sheet: Sheet, head_row: int, cols: dict[str, int]) -> SheetRules:
    out = SheetRules({"说明": f"由 jixiao rules import 从 {path.name} 读入的审核口径", "来源": path.name, "规则": []})
    seen: dict[str, str] = {}
    for cells in sheet.rows():
        row = cells[0].row
        if row <= head_row:
            continue
        got: dict[str, Cell | None] = {k: sheet.at(row, c) for k, c in cols.items()}

        def text(key: str, got: dict[str, Cell | None] = got) -> str:
            cell = got.get(key)
            return cell.text.strip() if cell is not None else ""

        def where(key: str, row: int = row) -> str:
            cell = sheet.at(row, cols[key]) if key in cols else None
            return cell.where if cell is not None else f"{sheet.name}!{row}"

        rid = re.sub(r"\s+", "", text("id")) or f"R{row:03d}"
        if rid in seen:
            out.errors.append(f"{where('id')}：编码「{rid}」与 {seen[rid]} 重复")
            continue
        seen[rid] = where("id")
        category = category_name(text("category"))
        if category is None:
            out.errors.append(f"{where('category')}：审核要点「{text('category')}」不是审核类别（完整性、相关性、可测性、可行性、资金匹配性）")
            continue
        title = text("title") or text("point") or text("message")[:30] or rid
        message = text("message") or title
        rule: dict[str, Any] = {"编号": rid, "名称": title, "类别": category}
        level = _LEVELS.get(text("level"), "警告")
        if level != "警告":
            rule["级别"] = level
        mode = _mode(text("mode"))
        target = _target(text("target"))
        pattern = text("pattern")
        why = None
        if mode is None:
            why = f"{where('mode')}：模式「{text('mode')}」不认识"
        elif mode != "人工" and target is None:
            why = f"{where('target')}：审核对象「{text('target')}」不是 jixiao 读得到的一项"
        elif mode in ("须匹配", "不得匹配") and not pattern:
            why = f"{where('pattern')}：模式是「{text('mode')}」，却没有正则表达式"
        elif mode in ("最多字数", "最少字数") and not pattern.isdigit():
            why = f"{where('pattern')}：模式是「{text('mode')}」，正则表达式一栏应写字数"
        if why is not None or mode == "人工":
            rule["人工"] = True
            out.manual += 1
            if why is not None:
                out.notes.append(f"{why}，作为人工审核要点写入（规则 {rid}）")
        else:
            assert mode is not None and target is not None
            rule.update(target)
            if mode in ("须匹配", "不得匹配"):
                try:
                    compile_pattern(pattern)
                except PatternError as exc:
                    out.errors.append(f"{where('pattern')}：{exc}")
                    continue
                rule["检查"] = {mode: pattern}
            elif mode in ("最多字数", "最少字数"):
                rule["检查"] = {mode: int(pattern)}
            else:
                rule["检查"] = {mode: True}
            out.rules += 1
        rule["意见"] = message
        if text("hint"):
            rule["建议"] = text("hint")
        out.data["规则"].append(rule)
    if not out.data["规则"] and not out.errors:
        raise ImportProblem(f"{path.name} 的工作表「{sheet.name}」在表头（第 {head_row} 行）以下没有规则")
    return out
