"""Line-level facts about YAML text that a YAML library does not keep: comments, block texts, blank lines.

Used by :mod:`jixiao.spec.fmt` to tidy its output and to make sure that formatting
kept every comment.
"""

from __future__ import annotations

import re

_BLANK_RUN = re.compile(r"\n{3,}")


def split_start(text: str) -> tuple[str, str]:
    """(comments and directives up to a ``---`` line, the rest): ruamel would drop the former."""
    lines = text.split("\n")
    for i, line in enumerate(lines):
        stripped = line.strip()
        if stripped == "---":
            return "\n".join(lines[: i + 1]) + "\n", "\n".join(lines[i + 1 :])
        if stripped and not stripped.startswith(("#", "%")):
            break
    return "", text


def tidy(text: str) -> str:
    text = _BLANK_RUN.sub("\n\n", text.strip("\n"))
    lines = text.split("\n")
    # Trailing blanks go everywhere but inside a block scalar (| or >), where they are text.
    return "\n".join(line.rstrip(" \t") if not _in_block(lines, i) else line for i, line in enumerate(lines)) + "\n"


_BLOCK_START = re.compile(r"(?:^|[:\-]\s)[|>][+-]?\d?\s*(?:#.*)?$")


def _in_block(lines: list[str], index: int) -> bool:
    """Is line *index* inside a block scalar's text (indented under a line ending in | or >)?"""
    line = lines[index]
    indent = len(line) - len(line.lstrip(" "))
    for j in range(index - 1, -1, -1):
        above = lines[j]
        if not above.strip():
            continue
        above_indent = len(above) - len(above.lstrip(" "))
        if above_indent < indent or not line.strip():
            if _BLOCK_START.search(above.rstrip()):
                return True
            if above_indent < indent:
                return False
    return False


def _comment_spans(text: str) -> list[tuple[int, int, str]]:
    """(line index, column, text) of every comment (outside quoted and block texts)."""
    out: list[tuple[int, int, str]] = []
    lines = text.removeprefix("\ufeff").replace("\r\n", "\n").split("\n")
    quote = ""
    for i, line in enumerate(lines):
        if not quote and _in_block(lines, i):
            continue
        pos = 0
        while pos < len(line):
            ch = line[pos]
            if quote == '"':
                if ch == "\\":
                    pos += 2  # an escaped character, maybe a quote
                    continue
                if ch == '"':
                    quote = ""
            elif quote == "'":
                if ch == "'" and line[pos + 1: pos + 2] == "'":
                    pos += 2  # '' is a quote inside single quotes
                    continue
                if ch == "'":
                    quote = ""
            elif ch in "\"'" and _scalar_starts(line[:pos]):
                quote = ch
            elif ch == "#" and (pos == 0 or line[pos - 1] in " \t"):
                out.append((i, pos, line[pos:].rstrip()))
                break
            pos += 1
    return out


def _scalar_starts(before: str) -> bool:
    """Can a quoted scalar start after *before* (so a quote there opens one)?"""
    stripped = before.rstrip(" \t")
    if not stripped or stripped[-1] in "[{,":
        return True
    return stripped[-1] in ":-?" and len(stripped) < len(before) and (len(stripped) == 1 or stripped[-2] in " \t-" or stripped[-1] == ":")


def comments(text: str) -> list[str]:
    """Every comment of *text* (outside quoted and block texts), sorted."""
    return sorted(c for _, _, c in _comment_spans(text))


def keep_gaps(original: str, formatted: str) -> str:
    """Put each end-of-line comment as far after its value as it was written.

    ruamel keeps a comment's column; when quotes or indentation went away, that
    would leave a wider gap than the author wrote.
    """
    def trailing(text: str) -> list[tuple[int, int, str, int]]:
        lines = text.split("\n")
        out = []
        for i, col, comment in _comment_spans(text):
            before = lines[i][:col]
            if before.strip():
                out.append((i, col, comment, col - len(before.rstrip())))
        return out

    wanted = [(comment, gap) for _, _, comment, gap in trailing(original)]
    lines = formatted.split("\n")
    k = 0
    for i, col, comment, _ in trailing(formatted):
        while k < len(wanted) and wanted[k][0] != comment:
            k += 1
        if k == len(wanted):
            break
        content = lines[i][:col].rstrip()
        lines[i] = content + " " * max(1, wanted[k][1]) + lines[i][col:]
        k += 1
    return "\n".join(lines)
