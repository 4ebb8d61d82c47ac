"""One YAML scalar as a careful person writes it: plain when YAML reads it back as the same text.

"The same text" as jixiao reads it: numbers and dates stay text, so ``3.00`` and
``2025`` are written plain; a text YAML would read as something else (``true``,
``~``, ``[1307]名称``, ``&和``) is double-quoted. Shared by ``jixiao new`` and
``jixiao import``.
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.error import YAMLError

_INNER = ("[\u4e00-\u9fff\u3001-\u303f\uff01-\uff60A-Za-z0-9.%/()+=<>~\u00b7\u00d7\u00f7\u2014\u2026\u2018\u2019"
          "\u201c\u201d\u2103\u2264\u2265\u2460-\u2473]*")
#: Texts YAML reads back as themselves without asking it: Chinese text with digits, Latin letters and
#: signs that are no YAML indicator (no space, colon, comma, bracket, quote, #, &, *, !, |, >, %, @, `),
#: beginning with a character that starts no YAML token, holding a Chinese character (so never null or a boolean);
#: numbers and codes (a digit, then digits, Latin letters and points); and values beginning with a comparison
#: sign (≥90%, ＜0.5万元/月): neither can be null or a boolean.
_SURELY_PLAIN = re.compile(
    "(?=.*[\u4e00-\u9fff])[\u4e00-\u9fff\u3001-\u303f\uff01-\uff60A-Za-z0-9]" + _INNER
    + "|[0-9][0-9A-Za-z.]*|[\u2264\u2265\uff1c-\uff1e]" + _INNER
)


@lru_cache(maxsize=65536)
def plain_ok(text: str, flow: bool) -> bool:
    """Does YAML read *text*, written without quotes, back as the same text?"""
    if not text or text != text.strip() or "\n" in text or "\t" in text:
        return False
    if _SURELY_PLAIN.fullmatch(text):
        return True
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
        return _quoted(str(value))
    if value is None:
        return "~"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    text = str(value)
    return text if plain_ok(text, flow) else _quoted(text)


#: Characters a YAML file may not hold as they are, and line breaks of YAML 1.1 (NEL, LS, PS).
_ESCAPE = re.compile("[^\x09\x0a\x0d\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _quoted(text: str) -> str:
    """*text* double-quoted; characters YAML cannot carry raw (DEL, C1 controls, lone surrogates …) escaped."""
    return _ESCAPE.sub(lambda m: f"\\u{ord(m.group()):04x}", json.dumps(text, ensure_ascii=False))


def flow(value: Any) -> str:
    """*value* on one line: ``[a, b]``, ``{k: v}`` or a scalar."""
    if isinstance(value, dict):
        return "{" + ", ".join(f"{scalar(k, flow=True)}: {flow(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list | tuple):
        return "[" + ", ".join(flow(v) for v in value) + "]"
    return scalar(value, flow=True)
