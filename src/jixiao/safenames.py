"""File names made from text that came from someone else: a Word document, a spec, a command line.

Every file jixiao names after such a text (a project file of ``jixiao new`` and
``jixiao import``, a preset ``jixiao import`` proposes, a rendered document)
goes through :func:`safe_name`, and every path built from such a name goes
through :func:`inside` before anything is written, so no text can name a file
outside the folder it is meant for.
"""

from __future__ import annotations

import os
import re
import unicodedata
from pathlib import Path

from jixiao.errors import JixiaoError
from jixiao.limits import MAX_FILE_NAME_BYTES, MAX_FILE_NAME_CHARS

# Characters no file system accepts (Windows is the strictest).
_UNSAFE = re.compile(r'[\\/:*?"<>|]')
# Control, format (bidi overrides, zero-width), surrogate, private-use and unassigned characters.
_INVISIBLE = frozenset({"Cc", "Cf", "Cs", "Co", "Cn"})
# Names Windows reserves for devices, with or without an extension.
_RESERVED = re.compile(r"^(CON|PRN|AUX|NUL|CONIN\$|CONOUT\$|COM[0-9¹²³]|LPT[0-9¹²³])(\..*)?$", re.IGNORECASE)
_SPACES = re.compile(r"\s+")
_EDGE_LEAD = ". -"
_EDGE_TRAIL = ". "


class UnsafePath(JixiaoError):
    """A path to write would lie outside its folder (exit code 1; nothing was written)."""


def safe_name(text: str, *, fallback: str = "未命名", max_chars: int = MAX_FILE_NAME_CHARS) -> str:
    """*text* as one file name valid on Windows, macOS and Linux, or *fallback* when nothing is left.

    No path separators or other characters a file system refuses (``\\ / : * ? " < > |``),
    no control or invisible characters, no leading dot or dash (no hidden file, no
    name read as an option), no trailing dot or space, not a name Windows reserves
    (``CON`` → ``CON_``); whitespace runs become one space. At most *max_chars*
    characters and :data:`~jixiao.limits.MAX_FILE_NAME_BYTES` bytes of UTF-8 (a
    Chinese character takes 3), cut at a character boundary. ``..`` and ``.`` give
    *fallback*.
    """
    name = unicodedata.normalize("NFC", text)
    name = "".join("_" if unicodedata.category(ch) in _INVISIBLE and not ch.isspace() else ch for ch in name)
    name = _UNSAFE.sub("_", name)
    name = _SPACES.sub(" ", name)
    name = _trim(name)
    if len(name) > max_chars:
        name = _trim(name[:max_chars])
    if len(name.encode("utf-8")) > MAX_FILE_NAME_BYTES:
        name = _trim(name.encode("utf-8")[:MAX_FILE_NAME_BYTES].decode("utf-8", "ignore"))
    name = _RESERVED.sub(r"\1_\2", name)  # CON.x → CON_.x
    return name or fallback


def _trim(name: str) -> str:
    return name.lstrip(_EDGE_LEAD).rstrip(_EDGE_TRAIL)


def inside(root: Path, *parts: str) -> Path:
    """``root/parts…`` after checking that it stays inside *root*, links followed.

    Each part must be a plain name (no separator, not ``.`` or ``..``), and the
    folder the file goes into, resolved, must be *root* resolved or below it (a
    ``projects`` that is a link to elsewhere is refused).

    Raises:
        UnsafePath: the path would leave *root*.
    """
    path = root
    for part in parts:
        if part in ("", ".", "..") or "/" in part or "\\" in part or "\x00" in part:
            raise UnsafePath(f"不会写入「{part}」：文件名中不能有路径分隔符或「..」。没有写入任何文件。")
        path = path / part
    top = Path(os.path.realpath(root))
    parent = Path(os.path.realpath(path.parent))
    if not parent.is_relative_to(top):
        raise UnsafePath(
            f"不会写入 {path}：它所在的文件夹（链接指向 {parent}）在 {root} 之外。没有写入任何文件。"
            f"请把其中的符号链接换成真正的文件夹后重试。"
        )
    return path
