"""YAML text as a careful person writes it: block keys, one-line rows, quotes only where needed.

A value is written plain when YAML reads it back as the same text (as jixiao
reads it: numbers and dates stay text), else in double quotes. Multi-line
text in a block mapping is a literal block (``|-``); inside a one-line
(flow) list or mapping it is a quoted string with ``\\n``. Which mappings and
lists are written on one line is decided by the caller (``flow``).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import lru_cache
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.error import YAMLError

Path_ = tuple[str | int, ...]
FlowRule = Callable[[Path_, Any], bool]


@lru_cache(maxsize=65536)
def plain_ok(text: str, flow: bool) -> bool:
    """Does YAML read *text*, written without quotes, back as the same text?"""
    if not text or text != text.strip() or "\n" in text or "\t" in text:
        return False
    doc = f"k: [{text}]\n" if flow else f"k: {text}\n"
    want: Any = [text] if flow else text
    try:
        if YAML(typ="base").load(doc) != {"k": want}:
            return False
        value = YAML(typ="safe", pure=True).load(doc)["k"]
    except (YAMLError, ValueError, TypeError, KeyError):
        return False
    value = value[0] if flow else value
    return not (value is None or isinstance(value, bool))


class Quoted(str):
    """A text always written in quotes (a code such as "619001" that editors should not read as a number)."""

    __slots__ = ()


def scalar(value: Any, *, flow: bool = False) -> str:
    """One scalar: ``~`` for None, true/false, a plain or double-quoted text."""
    if isinstance(value, Quoted):
        return json.dumps(str(value), ensure_ascii=False)
    if value is None:
        return "~"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    text = str(value)
    return text if plain_ok(text, flow) else json.dumps(text, ensure_ascii=False)


def flow(value: Any) -> str:
    """*value* on one line: ``[a, b]``, ``{k: v}`` or a scalar."""
    if isinstance(value, dict):
        return "{" + ", ".join(f"{scalar(k, flow=True)}: {flow(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list | tuple):
        return "[" + ", ".join(flow(v) for v in value) + "]"
    return scalar(value, flow=True)


def dump(data: dict[str, Any], is_flow: FlowRule, comments: dict[Path_, str] | None = None) -> list[str]:
    """Lines of a block mapping; *is_flow* says which nested values go on one line."""
    return _mapping(data, 0, (), is_flow, comments or {})


def _comment(line: str, path: Path_, comments: dict[Path_, str]) -> str:
    note = comments.get(path)
    return f"{line}   # {note}" if note else line


def _mapping(data: dict[str, Any], indent: int, path: Path_, is_flow: FlowRule, comments: dict[Path_, str]) -> list[str]:
    pad = " " * indent
    lines: list[str] = []
    for key, value in data.items():
        here = (*path, key)
        head = f"{pad}{scalar(key)}:"
        if isinstance(value, dict) and value and not is_flow(here, value):
            lines.append(_comment(head, here, comments))
            lines += _mapping(value, indent + 2, here, is_flow, comments)
        elif isinstance(value, list) and value and not is_flow(here, value):
            lines.append(_comment(head, here, comments))
            lines += _sequence(value, indent + 2, here, is_flow, comments)
        elif isinstance(value, str) and "\n" in value:
            lines.append(_comment(f"{head} |-", here, comments))
            lines += [f"{pad}  {line}" if line else "" for line in value.split("\n")]
        else:
            lines.append(_comment(f"{head} {flow(value)}", here, comments))
    return lines


def _sequence(items: list[Any], indent: int, path: Path_, is_flow: FlowRule, comments: dict[Path_, str]) -> list[str]:
    pad = " " * indent
    lines: list[str] = []
    for i, item in enumerate(items):
        here = (*path, i)
        if isinstance(item, dict) and item and not is_flow(here, item):
            inner = _mapping(item, indent + 2, here, is_flow, comments)
            inner[0] = f"{pad}- {inner[0][indent + 2 :]}"
            lines += inner
        elif isinstance(item, str) and "\n" in item:
            lines.append(_comment(f"{pad}- |-", here, comments))
            lines += [f"{pad}  {line}" if line else "" for line in item.split("\n")]
        else:
            lines.append(_comment(f"{pad}- {flow(item)}", here, comments))
    return lines
