"""The files of a git tree, checked the way ``git fsck`` does before any is written, and copied in pieces.

A commit can be made by hand (``git mktree``, ``git commit-tree``) and carried by
a clone, a fetch or a bundle, so its tree is untrusted input: an entry named
``..`` or ``.git``, an absolute or empty path part, two entries of one name, or a
file and a folder of one name are refused before anything is written, as git
refuses to check them out. Blobs are streamed from ``git cat-file --batch`` into
their files, never held whole; sizes are checked against the limits first.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from jixiao import limits
from jixiao.errors import JixiaoError
from jixiao.vcs.gitcmd import GitError, git_stream, records

#: Modes of regular files (100664 is an old git's way of writing 100644).
REGULAR = frozenset({"100644", "100755", "100664"})
SYMLINK = "120000"
GITLINK = "160000"
#: Characters macOS ignores in file names (``.g\u200cit`` is ``.git`` there).
_IGNORED = re.compile("[\u200c-\u200f\u202a-\u202e\u206a-\u206f\ufeff]")
_CHUNK = 1 << 16


class UnsafeTree(JixiaoError):
    """A tree git itself would refuse to check out (exit code 1)."""


@dataclass(frozen=True)
class Entry:
    """One file of a tree: its mode, object id, size in bytes (None for a submodule) and path from the root."""

    mode: str
    oid: str
    size: int | None
    path: str


def name_problem(name: str) -> str | None:
    """Why one part of a path may not be written (as ``git fsck`` and checkout see it), or None."""
    if not name:
        return "有空的路径段（绝对路径，或连续的 /）"
    if name in (".", ".."):
        return f"有路径段「{name}」"
    if "\\" in name or "\0" in name:
        return "含有反斜杠或空字符"
    folded = _IGNORED.sub("", name.split(":", 1)[0]).rstrip(" .").lower()
    if folded in (".git", "git~1"):
        return f"有路径段「{name}」（即 .git）"
    if len(os.fsencode(name)) > 255:
        return "有超过 255 字节的路径段"
    return None


def path_problem(path: str) -> str | None:
    """Why *path* (posix, from the repository root) may not be written, or None."""
    for name in path.split("/"):
        problem = name_problem(name)
        if problem is not None:
            return problem
    return None


def list_files(repo: Path, commit: str, paths: list[str], label: str) -> list[Entry]:
    """Every file under *paths* at *commit*, each checked; at most :data:`limits.MAX_REVISION_FILES`.

    Raises:
        UnsafeTree: an entry git would refuse, or too many entries.
        GitError: git failed.
    """
    entries: list[Entry] = []
    args = ["ls-tree", "-r", "-z", "-l", "--full-tree", commit, "--", *paths]
    with git_stream(args, repo) as proc:
        assert proc.stdout is not None
        for record in records(proc.stdout, longest=1 << 16):
            if not record:
                continue
            if len(entries) >= limits.MAX_REVISION_FILES:
                raise UnsafeTree(
                    f"「{label}」的规格文件夹中有超过 {limits.MAX_REVISION_FILES} 个文件，没有比较。"
                    "规格文件夹只应存放规格：请检查是否把别的内容提交到了这里"
                )
            entries.append(_entry(record, label))
    _check_names(entries, label)
    return entries


def _entry(record: bytes, label: str) -> Entry:
    meta, tab, raw = record.partition(b"\t")
    fields = meta.decode("ascii", errors="replace").split()
    if not tab or len(fields) != 4:
        raise GitError(f"无法理解 git ls-tree 的输出：{record[:200]!r}")
    mode, _kind, oid, size = fields
    path = os.fsdecode(raw)
    problem = path_problem(path)
    if problem is not None:
        raise unsafe(label, path, problem)
    return Entry(mode, oid, int(size) if size.isdigit() else None, path)


def _check_names(entries: Iterable[Entry], label: str) -> None:
    """Refuse two entries of one path, and a path that is a file and a folder at once."""
    files: set[str] = set()
    for e in entries:
        if e.path in files:
            raise unsafe(label, e.path, "出现了两次")
        files.add(e.path)
    for path in files:
        parent = PurePosixPath(path).parent
        while parent.parts:
            if parent.as_posix() in files:
                raise unsafe(label, parent.as_posix(), "既是文件，又是文件夹")
            parent = parent.parent


def shown(path: str) -> str:
    """*path* printable: control characters and undecodable bytes escaped."""
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in path)


def unsafe(label: str, path: str, problem: str) -> UnsafeTree:
    return UnsafeTree(
        f"版本「{label}」中的路径「{shown(path)}」{problem}，git 不会检出这样的文件，jixiao diff 也不读取这个版本。"
        "这个提交可能是有人特意构造的：请检查它的来源（git fsck 会报告同样的问题）"
    )


def copy_blobs(repo: Path, wanted: list[tuple[Entry, Path]], label: str) -> None:
    """Write each entry's blob to its path (new files, folders made), streamed from one ``git cat-file``.

    Raises:
        UnsafeTree: a file exists already (two names that are one on this file system).
        GitError: git failed or gave another object than listed.
    """
    if not wanted:
        return
    with git_stream(["cat-file", "--batch"], repo, stdin=True) as proc:
        assert proc.stdin is not None and proc.stdout is not None
        for entry, target in wanted:
            proc.stdin.write(f"{entry.oid}\n".encode("ascii"))
            proc.stdin.flush()
            header = proc.stdout.readline(200).decode("ascii", errors="replace").split()
            if len(header) != 3 or header[1] != "blob" or int(header[2]) != entry.size:
                raise GitError(f"git 中读不到「{label}」的 {entry.path}（对象 {entry.oid}）")
            _write_from(proc.stdout.read, entry.size or 0, target, label, entry.path)
            proc.stdout.read(1)  # the newline after each object


def _write_from(read: Callable[[int], bytes], size: int, target: Path, label: str, path: str) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
    try:
        fd = os.open(target, flags, 0o644)
    except FileExistsError:
        raise unsafe(label, path, "与另一个文件同名（只差大小写或写法）") from None
    with os.fdopen(fd, "wb") as out:
        left = size
        while left:
            chunk = read(min(left, _CHUNK))
            if not chunk:
                raise GitError(f"git 输出的「{label}」的 {path} 不完整")
            out.write(chunk)
            left -= len(chunk)
