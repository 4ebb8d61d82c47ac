"""Usage errors (an unknown option, a missing argument, a bad value) in Chinese.

typer prints them with messages of its own, in English. :func:`usage_message`
reads what an error says through its public attributes (``option_name``,
``possibilities``, ``param``, ``message``) and the message patterns typer uses,
and gives the Chinese text, or None for one it does not know (then typer's own
text is shown). :mod:`jixiao.cli.typerhelp` puts it in typer's error panel on
the typer releases it knows.
"""

from __future__ import annotations

import re
from typing import Any

Patterns = tuple[tuple[re.Pattern[str], str], ...]


def _compiled(*pairs: tuple[str, str]) -> Patterns:
    return tuple((re.compile(pattern), text) for pattern, text in pairs)


#: Usage errors told by their message alone (typer's words → jixiao's).
_PATTERNS = _compiled(
    (r"^Got unexpected extra argument(?:s|\(s\))? \((?P<x>.*)\)$", "多出了参数：{x}（含空格的路径要加引号）"),
    (r"^No such command '(?P<x>.*)'\.$", "没有「{x}」这个命令"),
    (r"^Missing command\.$", "缺少命令"),
    (r"^Option '(?P<x>.*)' requires an argument\.$", "选项 {x} 后面要写一个值"),
    (r"^Option '(?P<x>.*)' requires (?P<n>\d+) arguments\.$", "选项 {x} 后面要写 {n} 个值"),
    (r"^Option '(?P<x>.*)' does not take a value\.$", "选项 {x} 后面不写值"),
    (r"^Argument '(?P<x>.*)' takes (?P<n>\d+) values\.$", "参数 {x} 要写 {n} 个值"),
)

#: What is wrong with a value (the part after 「… 的值无效：」).
_VALUE_PATTERNS = _compiled(
    (r"'(?P<x>.*)' is not one of (?P<choices>.*)\.$", "「{x}」不是可选的值，可选：{choices}"),
    (r"[Ii]nput should be a valid integer", "应为整数"),
    (r"[Ii]nput should be a valid number", "应为数字"),
    (r"Value '(?P<x>.*)' is not a valid (?P<what>integer|int)\.", "「{x}」不是整数"),
    (r"Value '(?P<x>.*)' is not a valid (?P<what>float|number)\.", "「{x}」不是数字"),
    (r"^(?:File|Directory|Path) '(?P<x>.*)' does not exist\.$", "「{x}」不存在"),
    (r"^(?:File|Directory|Path) '(?P<x>.*)' is a directory\.$", "「{x}」是文件夹，这里要的是文件"),
    (r"^(?:File|Directory|Path) '(?P<x>.*)' is a file\.$", "「{x}」是文件，这里要的是文件夹"),
)


def _names(text: str) -> str:
    """``'--年度' / '--year'`` → ``--年度``: the first name, unquoted (the one the help shows first)."""
    first = text.split(" / ")[0].strip()
    return first[1:-1] if len(first) > 1 and first[0] == first[-1] == "'" else first


def _param_hint(exc: Any) -> str:
    hint = getattr(exc, "param_hint", None)
    if hint is None and getattr(exc, "param", None) is not None:
        try:  # typer's parameters take no argument; click's take the context
            hint = exc.param.get_error_hint()
        except TypeError:
            hint = exc.param.get_error_hint(getattr(exc, "ctx", None))
    if isinstance(hint, list | tuple):
        hint = " / ".join(str(h) for h in hint)
    return _names(str(hint)) if hint else ""


def _value_problem(message: str) -> str:
    for pattern, text in _VALUE_PATTERNS:
        found = pattern.search(message)
        if found is not None:
            parts = found.groupdict()
            if "choices" in parts:
                parts["choices"] = "、".join(c.strip().strip("'") for c in parts["choices"].split(","))
            return text.format(**parts)
    return message


def usage_message(exc: BaseException) -> str | None:
    """The Chinese text of typer's usage error *exc*, or None when it is not one this module knows."""
    kind = type(exc).__name__
    message = str(getattr(exc, "message", "") or "")
    if kind == "NoSuchOption":
        name = str(getattr(exc, "option_name", "") or "")
        possible = sorted(str(p) for p in getattr(exc, "possibilities", None) or [])
        return f"没有 {name} 这个选项" + (f"；是不是要写 {'、'.join(possible)}？" if possible else "")
    if kind == "MissingParameter":
        param = getattr(exc, "param", None)
        what = getattr(exc, "param_type", None) or getattr(param, "param_type_name", None)
        hint = _param_hint(exc)
        about = str(getattr(param, "help", None) or "").strip()
        return f"缺少{'参数' if what == 'argument' else '选项'}{f' {hint}' if hint else ''}{f'（{about}）' if about else ''}"
    if kind == "BadParameter":
        hint = _param_hint(exc)
        return f"{hint + ' ' if hint else ''}的值无效：{_value_problem(message)}"
    if kind in ("UsageError", "BadOptionUsage", "BadArgumentUsage"):
        for pattern, text in _PATTERNS:
            found = pattern.match(message)
            if found is not None:
                return text.format(**found.groupdict())
    return None
