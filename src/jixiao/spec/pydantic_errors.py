"""Turn pydantic validation errors into located, Chinese diagnostics."""

from __future__ import annotations

import copy
import difflib
import re
import types
import typing
from typing import Any, Union

from pydantic import BaseModel, ValidationError

from jixiao import limits
from jixiao.errors import Diagnostic
from jixiao.spec.yamlio import NodePath, Positions

#: Long printed column labels people type out of habit → the short spec key.
LONG_FORMS: dict[str, str] = {
    "一级指标": "一级",
    "二级指标": "二级",
    "三级指标": "三级",
    "绩效指标描述": "描述",
    "指标描述": "描述",
    "指标值": "值",
    "确定依据": "依据",
    "其中：财政资金": "财政资金",
    "财政 资金": "财政资金",
    "单位名": "单位名称",
    "项目名": "项目名称",
}


def _unwrap(tp: Any) -> list[Any]:
    """Candidate concrete types inside Optional/Annotated/list/dict wrappers."""
    origin = typing.get_origin(tp)
    if origin is typing.Annotated:
        return _unwrap(typing.get_args(tp)[0])
    if origin in (Union, types.UnionType):
        return [t for a in typing.get_args(tp) for t in _unwrap(a)]
    return [tp]


def _model_at(root: type[BaseModel], loc: tuple[Any, ...]) -> type[BaseModel] | None:
    current: Any = root
    for part in loc:
        models = [t for t in _unwrap(current) if isinstance(t, type) and issubclass(t, BaseModel)]
        if models and isinstance(part, str):
            fields = {f.alias or n: f for n, f in models[0].model_fields.items()}
            if part not in fields:
                return None
            current = fields[part].annotation
            continue
        containers = [t for t in _unwrap(current) if typing.get_origin(t) in (list, dict)]
        if not containers:
            return None
        args = typing.get_args(containers[0])
        current = args[-1]
    models = [t for t in _unwrap(current) if isinstance(t, type) and issubclass(t, BaseModel)]
    return models[0] if models else None


def allowed_keys(model: type[BaseModel]) -> list[str]:
    """The YAML keys a model accepts."""
    return [f.alias or n for n, f in model.model_fields.items() if (f.alias or n) != "$schema"]


def suggest(key: str, allowed: list[str]) -> str | None:
    """Did-you-mean for an unknown key."""
    if key in LONG_FORMS and LONG_FORMS[key] in allowed:
        return LONG_FORMS[key]
    stripped = key.replace(" ", "").replace("\u3000", "").replace("：", "").replace(":", "")
    if stripped in allowed:
        return stripped
    close = difflib.get_close_matches(key, allowed, n=1, cutoff=0.5)
    if close:
        return close[0]
    overlap = [(len(set(key) & set(a)) / max(len(set(a)), 1), a) for a in allowed]
    score, best = max(overlap, default=(0.0, ""))
    return best if score >= 0.6 else None


def show_path(loc: tuple[Any, ...]) -> str:
    """``绩效指标[2].值`` style key path."""
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


_TYPE_HINTS = {
    "string_type": "文字内容照写即可；以特殊符号开头时加引号",
    "decimal_parsing": f"数字金额不要带单位或汉字，例如 预算数: 3.00；最大可接受的金额为 {limits.MAX_AMOUNT}",
    "decimal_type": f"数字金额不要带单位或汉字，例如 预算数: 3.00；最大可接受的金额为 {limits.MAX_AMOUNT}",
    "int_parsing": "写阿拉伯数字，例如 年度: 2025",
    "int_type": "写阿拉伯数字，例如 年度: 2025",
    "int_from_float": "写阿拉伯数字，例如 年度: 2025",
    "bool_type": "写 true 或 false",
    "bool_parsing": "写 true 或 false",
    "list_type": "写成 [甲, 乙] 或每项一行、以「- 」开头",
    "dict_type": "在下一行缩进两个空格写「键: 值」",
    "model_type": "在下一行缩进两个空格写「键: 值」",
    "model_attributes_type": "在下一行缩进两个空格写「键: 值」",
}

_TYPE_NAMES = {
    "string_type": "文本",
    "decimal_parsing": "数字（金额）",
    "decimal_type": "数字（金额）",
    "int_parsing": "整数",
    "int_type": "整数",
    "int_from_float": "整数",
    "bool_type": "true 或 false",
    "bool_parsing": "true 或 false",
    "list_type": "列表（每项一行，以「- 」开头）",
    "dict_type": "键值映射（「键: 值」的形式）",
    "model_type": "键值映射（「键: 值」的形式）",
    "model_attributes_type": "键值映射（「键: 值」的形式）",
}


#: Hints for the value errors our own validators raise, by their first word.
VALUE_HINTS = {
    "列表写法需要": "例如 [数量指标, 培训人次, 全年参训人次, ≥200人次]",
    "列表写法中的每一项都应是文本": "含有逗号、冒号或以符号开头的文字请加引号",
    "金额超出范围": f"最大可接受的金额为 {limits.MAX_AMOUNT}（按文档的金额单位）；检查是否多写了几位数",
    "版式只能是": "例如 版式: 河北，或写成 {项目编码: false, 资金支出计划: false, 指标值确定依据: false}",
}


def _input_text(value: Any) -> str:
    if isinstance(value, dict):
        return "映射"
    if isinstance(value, list):
        return "列表"
    if value is None:
        return "空值"
    return f"「{value}」"


def repair_unknown_keys(
    data: dict[str, Any], exc: ValidationError, root: type[BaseModel]
) -> tuple[dict[str, Any], list[tuple[NodePath, NodePath]]] | None:
    """*data* with each unknown key renamed to its did-you-mean (or dropped), to go on checking.

    Only when every error is an unknown key (or a missing key that a rename
    supplies): the rest of the file can then still be read, so its semantic
    problems are reported in the same run. Returns the repaired copy and the
    (old path, new path) renames, or None.
    """
    errors = exc.errors()
    renames: list[tuple[NodePath, NodePath]] = []
    drops: list[NodePath] = []
    for err in errors:
        if err["type"] != "extra_forbidden":
            continue
        loc = tuple(err["loc"])
        owner = _model_at(root, loc[:-1])
        allowed = allowed_keys(owner) if owner else []
        guess = suggest(str(loc[-1]), allowed)
        if guess is not None:
            renames.append((loc, (*loc[:-1], guess)))
        else:
            drops.append(loc)
    supplied = {new for _, new in renames}
    if any(
        err["type"] != "extra_forbidden" and not (err["type"] == "missing" and tuple(err["loc"]) in supplied)
        for err in errors
    ):
        return None
    fixed = copy.deepcopy(data)
    for old, new in renames:
        parent = _container(fixed, old[:-1])
        if parent is None:
            return None
        value = parent.pop(str(old[-1]))
        if str(new[-1]) not in parent:  # a key written twice (misspelt and right): keep the right one
            parent[str(new[-1])] = value
    for old in drops:
        parent = _container(fixed, old[:-1])
        if parent is not None:
            parent.pop(str(old[-1]), None)
    return fixed, renames


def _container(data: Any, path: tuple[Any, ...]) -> dict[str, Any] | None:
    for part in path:
        try:
            data = data[part]
        except (KeyError, IndexError, TypeError):
            return None
    return data if isinstance(data, dict) else None


def diagnostics_from_validation(
    exc: ValidationError, pos: Positions, root: type[BaseModel]
) -> list[Diagnostic]:
    """One diagnostic per pydantic error, located in the YAML source."""
    out: list[Diagnostic] = []
    errors = exc.errors()
    suggested: set[tuple[Any, ...]] = set()
    for err in errors:
        if err["type"] == "extra_forbidden":
            parent = tuple(err["loc"][:-1])
            owner = _model_at(root, parent)
            guess = suggest(str(err["loc"][-1]), allowed_keys(owner)) if owner else None
            if guess:
                suggested.add((*parent, guess))
    for err in errors:
        if err["type"] == "missing" and tuple(err["loc"]) in suggested:
            continue  # the misspelt key's did-you-mean already says it
        loc: tuple[Any, ...] = tuple(err["loc"])
        kind = err["type"]
        where: NodePath = tuple(loc)
        name = show_path(loc) or "文件"
        if kind == "extra_forbidden":
            key = str(loc[-1])
            model = _model_at(root, loc[:-1])
            allowed = allowed_keys(model) if model else []
            guess = suggest(key, allowed)
            hint = f"是不是要写「{guess}」？" if guess else ""
            if allowed:
                hint += f"这里可用的键：{'、'.join(allowed)}"
            out.append(pos.diag(where, f"未知的键「{key}」", hint or None, key=True))
        elif kind == "missing":
            owner_name = show_path(loc[:-1])
            where_text = f"「{owner_name}」中" if owner_name else ""
            out.append(
                pos.diag(
                    loc[:-1],
                    f"{where_text}缺少必填项「{loc[-1]}」",
                    f"加上一行「{loc[-1]}: …」",
                    key=True,
                )
            )
        elif kind in _TYPE_NAMES:
            out.append(
                pos.diag(
                    where,
                    f"「{name}」应为{_TYPE_NAMES[kind]}，这里写的是{_input_text(err.get('input'))}",
                    _TYPE_HINTS[kind],
                )
            )
        elif kind == "literal_error":
            expected = err.get("ctx", {}).get("expected", "")
            out.append(
                pos.diag(
                    where,
                    f"「{name}」不能是{_input_text(err.get('input'))}",
                    f"可选的值：{_choices(str(expected))}",
                )
            )
        elif kind in ("greater_than_equal", "less_than_equal", "greater_than", "less_than"):
            ctx = err.get("ctx", {})
            bound = ctx.get("ge", ctx.get("gt")) if kind.startswith("greater") else ctx.get("le", ctx.get("lt"))
            word = "不能小于" if kind.startswith("greater") else "不能大于"
            low, high = (limits.MIN_YEAR, limits.MAX_YEAR) if loc[-1] == "年度" else (None, None)
            span = f"可用范围 {low}–{high}" if low is not None else f"应{word[1:]} {bound}"
            out.append(pos.diag(where, f"「{name}」{word} {bound}，这里写的是{_input_text(err.get('input'))}", span))
        elif kind == "too_short":
            out.append(
                pos.diag(
                    where,
                    f"「{name}」至少要有 {err.get('ctx', {}).get('min_length', 1)} 项",
                    "在下面用「- 」开头逐项列出",
                )
            )
        elif kind == "value_error":
            msg = str(err["msg"]).removeprefix("Value error, ")
            hint = VALUE_HINTS.get(msg.split("：")[0].split(" ")[0], "参见 README 的「规格格式」一节")
            out.append(pos.diag(where, f"「{name}」{msg}", hint))
        else:
            out.append(pos.diag(where, f"「{name}」：{err['msg']}", "参见 README 的「规格格式」一节"))
    return out


def _choices(expected: str) -> str:
    """Pydantic's ``'元' or '万元'`` as ``「元」、「万元」`` (its words are English)."""
    values = re.findall(r"'((?:[^'\\]|\\.)*)'", expected)
    return "、".join(f"「{v}」" for v in values) if values else expected
