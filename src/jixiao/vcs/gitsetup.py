"""``jixiao git-setup``: make ``git diff`` read the rendered Word and PDF files, with this very jixiao.

git runs these commands through the shell, where the project's virtual environment is
usually not on ``PATH`` (「jixiao: not found」). The commands written here start with the
full path of the Python that runs jixiao now (``…/.venv/bin/python -m jixiao textconv``),
so they work from any shell, editor or GUI that runs git. Set in the repository's own config:

- ``diff.jixiao.command``: ``git diff`` prints only the cells that changed
  (:mod:`jixiao.vcs.gitdiff`);
- ``diff.jixiao.textconv`` and ``diff.jixiao.cachetextconv true``: ``git log -p``, ``git show``
  compare the files as text (converted text is cached), each hunk headed by its table's title
  (``diff.jixiao.xfuncname``);
- ``core.quotepath false``: Chinese file names are shown as names, not as ``\\346\\263\\225…``.

The repository's ``.gitattributes`` gets the lines that send .docx and .pdf to it, and keep
``jixiao render``'s list of written files (``.jixiao-manifest.json``, checksums only) out of
diffs, unless it has them.
"""

from __future__ import annotations

import shlex
import sys
from dataclasses import dataclass, field
from pathlib import Path

from jixiao.errors import UsageError
from jixiao.vcs.gitcmd import GitError, git
from jixiao.vcs.gitdiff import TITLE

ATTRIBUTES = ("*.docx diff=jixiao", "*.pdf diff=jixiao", ".jixiao-manifest.json -diff")


@dataclass
class Setup:
    """What ``git-setup`` set: the repository, the config entries and whether .gitattributes changed."""

    root: Path
    config: list[tuple[str, str]] = field(default_factory=list)
    attributes: Path | None = None
    added: list[str] = field(default_factory=list)


def jixiao_command(name: str) -> str:
    """The shell command git runs for jixiao command *name*: this Python, ``-m jixiao <name>``."""
    return f"{shlex.quote(sys.executable)} -m jixiao {name}"


def repository_root(folder: Path) -> Path:
    """The work tree *folder* is in.

    Raises:
        UsageError: *folder* is not in a git work tree (or git is missing).
    """
    if not folder.is_dir():
        raise UsageError(f"「{folder}」不是文件夹")
    try:
        out = git(["rev-parse", "--show-toplevel"], cwd=folder)
    except GitError as exc:
        if "没有找到 git" in str(exc):
            raise UsageError(str(exc)) from None
        raise UsageError(f"「{folder}」不在 git 仓库中：先运行 git init，或在仓库中运行 jixiao git-setup") from None
    return Path(out.decode("utf-8", errors="surrogateescape").strip())


def set_up(folder: Path) -> Setup:
    """Configure the repository *folder* is in (see the module docstring)."""
    root = repository_root(folder)
    result = Setup(root)
    for key, value in (("diff.jixiao.command", jixiao_command("git-diff")),
                       ("diff.jixiao.textconv", jixiao_command("textconv")), ("diff.jixiao.cachetextconv", "true"),
                       ("diff.jixiao.xfuncname", TITLE.pattern),
                       ("core.quotepath", "false")):
        git(["config", "--local", key, value], cwd=root)
        result.config.append((key, value))
    path = root / ".gitattributes"
    text = path.read_text(encoding="utf-8") if path.is_file() else ""
    have = {" ".join(line.split()) for line in text.splitlines()}
    missing = [line for line in ATTRIBUTES if line not in have]
    if missing:
        from jixiao.fileio import write_atomic

        lead = "" if not text or text.endswith("\n") else "\n"
        note = "" if text else "# jixiao：生成的 Word、PDF 用 jixiao textconv 转成文字再比较（jixiao git-setup 写入）\n"
        write_atomic(path, (text + lead + note + "\n".join(missing) + "\n").encode("utf-8"))
        result.attributes = path
        result.added = missing
    return result
