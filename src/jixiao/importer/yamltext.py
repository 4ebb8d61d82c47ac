"""YAML text as a careful person writes it: block keys, one-line rows, quotes only where needed.

A value is written plain when YAML reads it back as the same text (as jixiao
reads it: numbers and dates stay text), else in double quotes. Multi-line
text in a block mapping is a literal block (``|-``); inside a one-line
(flow) list or mapping it is a quoted string with ``\\n``. Which mappings and
lists are written on one line is decided by the caller (``flow``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from jixiao.spec.yamlscalar import Quoted, flow, plain_ok, scalar

Path_ = tuple[str | int, ...]
FlowRule = Callable[[Path_, Any], bool]

__all__ = ["FlowRule", "Path_", "Quoted", "dump", "flow", "plain_ok", "scalar"]


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
