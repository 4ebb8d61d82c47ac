"""YAML syntax errors in Chinese: what the author most likely did, and how to fix it.

ruamel reports where its parser stopped (often a line after the slip, in parser
terms); :func:`translate` recognises the usual slips of people who do not write
YAML every day — a full-width colon, a Tab, an unquoted ``{{ }}`` or ``>``, a
quote inside a quoted value — and points at the line where they made it.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from ruamel.yaml.error import MarkedYAMLError

from jixiao.errors import Diagnostic

_FULLWIDTH_KEY = re.compile(r"^\s*(?:-\s+)?([^\s:#：'\"][^:#：]{0,15})：")


def _fullwidth_colon_line(lines: list[str], upto: int) -> int | None:
    """Index of the last line at or before *upto* that uses ``：`` as a key separator."""
    for i in range(min(upto, len(lines) - 1), max(-1, upto - 4), -1):
        if _FULLWIDTH_KEY.match(lines[i]) and ": " not in lines[i]:
            return i
    return None


def _quote_closed_early(problem: str, lines: list[str], line: int, opener: Any) -> bool:
    """A quoted value that contains its own quote character ends early and derails the parser."""
    if not any(p in problem for p in ("expected <block end>", "did not find expected key", "expected ','")):
        return False
    rows = {line, opener.line if opener is not None else line}
    return any(
        lines[i].count('"') >= 3 or lines[i].count("'") >= 3 for i in rows if 0 <= i < len(lines)
    )


#: ``key: value`` where the value starts with a character YAML reads as syntax.
_SPECIAL_START = re.compile(r"^(\s*(?:-\s+)?)([^\s:#'\"\[\]{},][^:#]*?):\s+([\[{*&!@`%|>])(.*)$")


def _closes_then_text(value: str) -> bool:
    """``[1307…]法律顾问费``: a bracket that closes with more text after it on the same line."""
    depth = 0
    for i, ch in enumerate(value):
        if ch in "[{":
            depth += 1
        elif ch in "]}":
            depth -= 1
            if depth == 0:
                rest = value[i + 1 :].split(" #")[0].strip()
                return bool(rest)
    return False


def unquoted_special(path: Path, lines: list[str], rows: list[int], problem: str) -> Diagnostic | None:
    """A value that starts with ``[ { * & ! @ ` % | >`` and needed quotes, on one of *rows*."""
    for row in rows:
        if not 0 <= row < len(lines):
            continue
        m = _SPECIAL_START.match(lines[row])
        if m is None:
            continue
        indent, key, first, rest = m.groups()
        value = first + rest
        syntax = first in "[{" and _closes_then_text(value)
        syntax = syntax or (first == "*" and "alias" in problem) or (first == "&" and "anchor" in problem)
        syntax = syntax or (first == "!" and ("tag" in problem or "URI" in problem))
        syntax = syntax or first in "@`%"
        if syntax:
            return Diagnostic(
                path,
                row + 1,
                len(indent) + len(key) + 3,
                f"「{key.strip()}」的值以「{first}」开头，YAML 会把它当作特殊符号而不是文字",
                f'给整个值加引号，例如 {key.strip()}: "{value.strip()}"',
            )
    return None


#: ``键: "法律"咨询``: a quoted value with more text after its closing quote (on one line).
_QUOTED_THEN_TEXT = re.compile(r"""^\s*(?:-\s+)?(?:([^:#'"\s][^:#'"]*):\s+)?(["'])([^"']*)\2([^\s#,\]}].*)$""")


def _document_marker(lines: list[str], upto: int) -> int:
    """Index of the last ``---`` or ``...`` line at or before *upto* (*upto* itself when there is none)."""
    for i in range(min(upto, len(lines) - 1), -1, -1):
        if lines[i].startswith(("---", "...")):
            return i
    return upto


def _by_problem(path: Path, lines: list[str], line: int, col: int, problem: str) -> Diagnostic | None:
    """Slips told by ruamel's own words alone: an unknown escape, a second document, text after ``|``/``>``, text
    after a closing quote."""
    text = lines[line] if 0 <= line < len(lines) else ""
    escape = re.search(r"unknown escape character '(.+?)'", problem)
    if escape is not None:
        at = col - 1 if col > 0 and text[col - 1 : col] == "\\" else col
        return Diagnostic(
            path, line + 1, at + 1, f"双引号里的「\\{escape.group(1)}」不是 YAML 认识的转义写法",
            "要写反斜杠本身时，整个值改用单引号括起来（单引号里的 \\ 就是文字），或写成两个反斜杠「\\\\」",
        )
    if "found another document" in problem:
        at = _document_marker(lines, line)
        return Diagnostic(
            path, at + 1, 1, "这一行（「---」或「...」）开始了另一个 YAML 文档，一个规格文件只能有一个",
            "删除这一行；另一个项目写在 projects/ 下另一个文件中",
        )
    if "expected a comment or a line break" in problem and re.search(r":\s+[|>][-+0-9]*\s*$", text[:col]):
        return Diagnostic(
            path, line + 1, col + 1, "「|」或「>」表示下面几行是一段多行文字，它后面同一行不能再写文字",
            "多行文字从下一行起缩进书写；只有一行时去掉「|」「>」，或给整个值加引号",
        )
    quoted = _QUOTED_THEN_TEXT.match(text)
    # Three or more of the quote: a quote inside the quoted value (told later, by _quote_closed_early).
    if quoted is not None and text.count(quoted.group(2)) == 2 and any(p in problem for p in ("expected <block end>", "did not find expected key")):
        key, quote, inside, rest = quoted.groups()
        other = "'" if quote == '"' else '"'
        example = f"{key}: " if key else ""
        return Diagnostic(
            path, line + 1, quoted.start(4) + 1, f"引号在值的中间就结束了：「{quote}{inside}{quote}」后面还有「{rest}」",
            f"要把引号作为文字时，整个值用另一种引号括起来，例如 {example}{other}{quote}{inside}{quote}{rest}{other}；"
            "不需要引号时去掉它",
        )
    return None


def translate(err: MarkedYAMLError, path: Path, lines: list[str]) -> Diagnostic:
    """One Chinese diagnostic for a YAML syntax error, at the line the author should look at."""
    mark = err.problem_mark or err.context_mark
    line = mark.line if mark is not None else 0
    col = mark.column if mark is not None else 0
    problem = str(err.problem or err.context or "")
    text = lines[line] if line < len(lines) else ""
    opener = err.context_mark.line if err.context_mark is not None else line
    # 「while scanning an anchor」 or 「an alias」: the context names what a bare & or * began.
    special = unquoted_special(path, lines, [line, opener, line - 1], f"{problem} {err.context or ''}")
    if special is not None:
        return special
    told = _by_problem(path, lines, line, col, problem)
    if told is not None:
        return told
    if "token" in problem and text[col : col + 1] == "\t" and text[:col].strip(" \t"):
        return Diagnostic(
            path,
            line + 1,
            col + 1,
            "这里的制表符（Tab）不能出现在这个位置",
            "把这个 Tab 换成空格（编辑器里可开启「用空格代替 Tab」）",
        )
    if "\t" in problem or ("\t" in text[: col + 1] and "token" in problem):
        return Diagnostic(
            path,
            line + 1,
            text.index("\t") + 1 if "\t" in text else col + 1,
            "这里用了制表符（Tab）缩进，YAML 只允许用空格缩进",
            "把行首的 Tab 换成空格（每级缩进 2 个空格）；编辑器里可开启「用空格代替 Tab」",
        )
    if "duplicate key" in problem:
        key = re.search(r'duplicate key "([^"]*)"', problem)
        first = err.context_mark.line + 1 if err.context_mark is not None else None
        where = f"（所在映射从第 {first} 行开始）" if first else ""
        return Diagnostic(
            path,
            line + 1,
            col + 1,
            f"键「{key.group(1) if key else '?'}」重复出现{where}",
            "同一层级的键只能写一次：删除或合并重复的那一项",
        )
    fw = _fullwidth_colon_line(lines, line)
    if fw is not None:
        c = lines[fw].index("：")
        return Diagnostic(
            path,
            fw + 1,
            c + 1,
            "这里用了全角冒号「：」分隔键和值，YAML 需要半角冒号加空格「: 」",
            f"改成「{lines[fw][:c].strip()}: …」",
        )
    if "mapping values are not allowed" in problem:
        return Diagnostic(
            path,
            line + 1,
            col + 1,
            "这里不能出现「: 」（冒号加空格）",
            "值里含有「: 」时，请用引号把整个值括起来，例如 描述: \"比例: 按月计\"",
        )
    if "could not find expected ':'" in problem:
        return Diagnostic(
            path, line + 1, col + 1, "缺少「: 」（半角冒号加空格）", "每个键后面要写「: 」再写值"
        )
    opener = err.context_mark
    if _quote_closed_early(problem, lines, line, opener):
        return Diagnostic(
            path,
            line + 1,
            col + 1,
            "引号提前结束了：值的里面又出现了包住它的同一种引号",
            "里面的引号换成另一种：外层用双引号时里面用单引号，例如 值: \"{{ 事项 | 接('工作') }}\"",
        )
    if ("expected ',' or ']'" in problem or "expected ',' or '}'" in problem) and opener is not None:
        bracket = "方括号 [ ]" if "]" in problem else "花括号 { }"
        jinja = "{{" in (lines[opener.line] if opener.line < len(lines) else "")
        return Diagnostic(
            path,
            opener.line + 1,
            opener.column + 1,
            f"这里开始的{bracket}没有闭合，或两项之间缺少逗号",
            "含有 {{ }} 的文字要用引号括起来，例如 三级: \"{{ 事项 }}工作完成率\""
            if jinja
            else "检查括号是否成对；含有半角逗号的值要加引号",
        )
    if "found unexpected end of stream" in problem or "while scanning a quoted scalar" in str(err.context):
        at = opener if opener is not None else mark
        return Diagnostic(
            path,
            (at.line if at else line) + 1,
            (at.column if at else col) + 1,
            "引号没有闭合",
            "给这个值补上结尾的引号",
        )
    if "did not find expected key" in problem or "expected <block end>" in problem:
        return Diagnostic(
            path, line + 1, col + 1, "缩进不一致：这一行的缩进与同级的其他行不同", "同一层级的键要左对齐（用空格缩进）"
        )
    if "found character" in problem and "cannot start any token" in problem:
        return Diagnostic(
            path,
            line + 1,
            col + 1,
            f"这个字符不能作为值的开头（{problem}）",
            "以 > | @ ` % 等符号开头的值要加引号，例如 值: \">90%\"",
        )
    return Diagnostic(
        path, line + 1, col + 1, f"YAML 语法错误：{problem}", "检查这一行及上一行的缩进、冒号和引号"
    )
