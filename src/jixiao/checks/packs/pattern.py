"""Regular expressions from rule packs, which are untrusted: RE2, bounded in size, memory and time.

A pack's patterns run through Google's RE2 (``google-re2``): matching takes time
linear in the text, so a pattern such as ``(a+)+$`` cannot backtrack for ever.
Before RE2 sees a pattern its length is checked; RE2 compiles it within a memory
budget (nested repetitions such as ``((a{100}){100}){100}`` are refused) and the
compiled program must stay small, which bounds the work per character. RE2 reads
the Python syntax except look-around (``(?=…)``, ``(?<!…)``) and back-references
(``\\1``): a pack says 不得匹配 instead.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import re2

from jixiao import limits


class PatternError(Exception):
    """A pattern that is refused, with the reason in the user's words."""


_UNSUPPORTED = (
    ("(?=", "不支持向前查找「(?=…)」：把要排除的写法放进 不得匹配"),
    ("(?!", "不支持向前否定查找「(?!…)」：把要排除的写法放进 不得匹配"),
    ("(?<=", "不支持向后查找「(?<=…)」：直接写出前面的文字"),
    ("(?<!", "不支持向后否定查找「(?<!…)」：把要排除的写法放进 不得匹配"),
)


def _options() -> Any:
    options = re2.Options()
    options.max_mem = limits.MAX_PATTERN_MEMORY
    options.log_errors = False
    return options


@dataclass(frozen=True)
class Pattern:
    """A compiled pack pattern."""

    text: str
    compiled: Any

    def search(self, text: str) -> bool:
        """Does the pattern occur in *text*? (Texts are at most :data:`limits.MAX_CELL_CHARS` long.)"""
        return self.compiled.search(text) is not None


def compile_pattern(text: str) -> Pattern:
    """*text* compiled, or :class:`PatternError` saying why not.

    Raises:
        PatternError: too long, empty, unsupported syntax, invalid, or too complex.
    """
    if len(text) > limits.MAX_PATTERN_CHARS:
        raise PatternError(
            f"正则表达式有 {len(text)} 个字符，超过 {limits.MAX_PATTERN_CHARS} 个字符的上限；"
            "审核要点的表达式不会这么长，请拆成几条规则"
        )
    if not text:
        raise PatternError("正则表达式是空的")
    for marker, why in _UNSUPPORTED:
        if marker in text:
            raise PatternError(why)
    try:
        compiled = re2.compile(text, _options())
    except re2.error as exc:
        raise PatternError(_why(exc, text)) from None
    if compiled.programsize > limits.MAX_PATTERN_PROGRAM:
        raise PatternError(
            f"正则表达式展开后太大（{compiled.programsize} 步，上限 {limits.MAX_PATTERN_PROGRAM} 步），"
            "多半是 {{1,1000}} 之类的大次数重复：请减小重复次数"
        )
    return Pattern(text, compiled)


def _why(exc: Exception, text: str) -> str:
    raw = exc.args[0] if exc.args else exc
    detail = raw.decode("utf-8", "replace") if isinstance(raw, bytes) else str(raw)
    if "too large" in detail or "repetition size" in detail or "bad repetition operator" in detail and "{" in text:
        return "正则表达式太复杂（重复次数太大或嵌套太深），超出了运行上限：请减小 {…} 中的次数"
    if "backreference" in detail or "escape sequence" in detail and "\\" in text:
        return f"正则表达式写法不对或不受支持（{detail}）；不支持反向引用 \\1"
    return f"正则表达式写法不对（{detail}）：检查括号、方括号是否成对，特殊符号 . * + ? ( ) [ ] {{ }} | \\ 前是否要加 \\"
