"""The one Jinja environment for text inside specs and presets.

Preset texts such as ``{{ 事项 }}工作完成率`` and value formulas such as
``≤{{ 向上取整(预算数 / 12, 0.01) }}万元/月`` are rendered here. Undefined names
are errors (never a silent blank cell); ``Decimal`` results print without
trailing zeros or exponent, the way amounts are written in a value.
"""

from __future__ import annotations

from decimal import Decimal
from functools import lru_cache
from typing import Any

import jinja2

from jixiao.money import ceil_to
from jixiao.values import plain_number


def _finalize(value: Any) -> Any:
    if isinstance(value, Decimal):
        return plain_number(value)
    return value


def _ceil(amount: Any, step: Any = "0.01") -> Decimal:
    return ceil_to(Decimal(str(amount)) if not isinstance(amount, Decimal) else amount, step)


def _environment(*, autoescape: bool, keep_trailing_newline: bool) -> jinja2.Environment:
    """A strict environment with jixiao's globals and filters."""
    env = jinja2.Environment(
        undefined=jinja2.StrictUndefined,
        autoescape=autoescape,
        finalize=_finalize,
        keep_trailing_newline=keep_trailing_newline,
    )
    env.globals["向上取整"] = _ceil
    env.filters["接"] = join_word
    return env


@lru_cache(maxsize=1)
def text_env() -> jinja2.Environment:
    """Environment shared by every spec/preset text (no HTML autoescape: plain text)."""
    return _environment(autoescape=False, keep_trailing_newline=False)


def join_word(text: str, word: str) -> str:
    """``{{ 事项 | 接("工作") }}``: append *word* unless *text* already ends with it.

    医保工作 | 接("工作") → 医保工作；法律顾问 | 接("工作") → 法律顾问工作.
    """
    return text if text.endswith(word) else f"{text}{word}"


def needs_render(text: str) -> bool:
    """Only texts with Jinja markup are rendered; everything else is taken verbatim."""
    return "{{" in text or "{%" in text


@lru_cache(maxsize=4096)
def _compile(text: str) -> jinja2.Template:
    return text_env().from_string(text)


def render_text(text: str, context: dict[str, Any]) -> str:
    """Render *text* with *context*; raises jinja2 errors for the caller to locate."""
    if not needs_render(text):
        return text
    return _compile(text).render(context)


@lru_cache(maxsize=1)
def markup_env() -> jinja2.Environment:
    """Environment for document templates (Word XML and HTML): autoescaped, strict.

    Values are escaped for XML/HTML (``& < > " '``); table markup built by the
    renderers is passed in as :class:`markupsafe.Markup`.
    """
    return _environment(autoescape=True, keep_trailing_newline=True)
