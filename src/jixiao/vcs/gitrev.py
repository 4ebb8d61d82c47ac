"""A spec as it was at a git revision, read with the ``git`` command.

The working tree is never touched: the files of the spec folder (and the
``templates/`` folders a spec may take presets and layouts from, on the way up
to the repository root) are read with ``git ls-tree`` and ``git cat-file`` and
written into a private temporary folder that mirrors the repository, where the
normal load → expand reads them.
"""

from __future__ import annotations

import os
import subprocess
import tempfile
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from jixiao.errors import JixiaoError, UsageError
from jixiao.spec.load import DEPARTMENT_FILES, find_root

#: The parts of a repository's templates/ folder that change what a spec expands to.
TEMPLATE_PARTS = ("presets", "layouts", "checks")
_SYMLINK = "120000"
_GITLINK = "160000"


class GitError(JixiaoError):
    """``git`` failed or is not there."""


def git(args: list[str], cwd: Path, *, data: bytes | None = None, check: bool = True) -> bytes:
    """Output of ``git <args>`` run in *cwd* (pathspecs taken literally).

    Raises:
        GitError: git is not installed, or (with *check*) the command failed.
    """
    env = {**os.environ, "GIT_LITERAL_PATHSPECS": "1", "GIT_OPTIONAL_LOCKS": "0", "LC_ALL": "C"}
    try:
        done = subprocess.run(
            ["git", *args], cwd=cwd, input=data, capture_output=True, env=env, check=False
        )
    except FileNotFoundError:
        raise GitError("没有找到 git 命令：请先安装 git（Debian：apt-get install git）") from None
    except OSError as exc:
        raise GitError(f"无法运行 git：{exc.strerror}") from None
    if check and done.returncode != 0:
        message = done.stderr.decode("utf-8", errors="replace").strip().splitlines()
        raise GitError(f"git {args[0]} 失败：{message[-1] if message else done.returncode}")
    return done.stdout


def repo_root(path: Path) -> Path | None:
    """The top folder of the git work tree *path* is in, or None."""
    folder = path if path.is_dir() else path.parent
    out = git(["rev-parse", "--show-toplevel"], folder, check=False).decode("utf-8", errors="replace").strip()
    return Path(out).resolve() if out else None


def commit_of(repo: Path, rev: str) -> str | None:
    """The commit *rev* names in *repo*, or None when it names none."""
    if not rev or rev.startswith("-"):
        return None
    out = git(["rev-parse", "--verify", "--quiet", f"{rev}^{{commit}}"], repo, check=False)
    text = out.decode("ascii", errors="replace").strip()
    return text or None


@dataclass(frozen=True)
class Entry:
    """One file of a tree: its mode, object id and path from the repository root."""

    mode: str
    oid: str
    path: str


def tree_files(repo: Path, commit: str, paths: list[str]) -> list[Entry]:
    """Files under *paths* (relative to the root, posix) at *commit*."""
    out = git(["ls-tree", "-r", "-z", "--full-tree", commit, "--", *paths], repo)
    entries = []
    for record in out.split(b"\0"):
        if not record:
            continue
        meta, _, name = record.partition(b"\t")
        mode, _kind, oid = meta.decode("ascii").split()
        entries.append(Entry(mode, oid, os.fsdecode(name)))
    return entries


def read_blobs(repo: Path, oids: list[str]) -> dict[str, bytes]:
    """Contents of the blobs *oids*, read in one ``git cat-file --batch``."""
    if not oids:
        return {}
    out = git(["cat-file", "--batch"], repo, data="".join(f"{o}\n" for o in oids).encode("ascii"))
    blobs: dict[str, bytes] = {}
    pos = 0
    for oid in oids:
        end = out.index(b"\n", pos)
        header = out[pos:end].decode("ascii").split()
        if len(header) != 3:
            raise GitError(f"git 中读不到对象 {oid}")
        size = int(header[2])
        blobs[oid] = out[end + 1 : end + 1 + size]
        pos = end + 1 + size + 1
    return blobs


def spec_folders_at(repo: Path, commit: str) -> list[str]:
    """Folders (relative to the repository root) holding a 部门.yaml at *commit*."""
    out = git(["ls-tree", "-r", "-z", "--name-only", "--full-tree", commit], repo)
    found = set()
    for name in out.split(b"\0"):
        path = PurePosixPath(os.fsdecode(name))
        if path.name in DEPARTMENT_FILES:
            found.add(path.parent.as_posix())
    return sorted(found)


def _template_paths(spec: str) -> list[str]:
    """templates/{presets,layouts,checks} at the spec folder and every folder above it."""
    parts = PurePosixPath(spec).parts if spec not in ("", ".") else ()
    out = []
    for depth in range(len(parts), -1, -1):
        base = PurePosixPath(*parts[:depth]) if depth else PurePosixPath()
        out += [(base / "templates" / part).as_posix() for part in TEMPLATE_PARTS]
    return out


def extract(repo: Path, commit: str, spec: str, dest: Path) -> Path:
    """Write the spec folder *spec* at *commit* (and the templates it can see) under *dest*.

    Symbolic links and submodules are left out. Returns the spec folder in *dest*.

    Raises:
        UsageError: there is no department spec at *spec* in that revision.
    """
    spec_entries = tree_files(repo, commit, [spec] if spec not in ("", ".") else ["."])
    prefix = "" if spec in ("", ".") else spec + "/"
    if not any(e.path == prefix + name for e in spec_entries for name in DEPARTMENT_FILES):
        raise UsageError(f"这个版本中「{spec or '.'}」不是部门规格（没有 部门.yaml）")
    entries = spec_entries + tree_files(repo, commit, _template_paths(spec))
    files = [e for e in entries if e.mode not in (_SYMLINK, _GITLINK)]
    blobs = read_blobs(repo, sorted({e.oid for e in files}))
    (dest / ".git").write_text("jixiao: a copy of a revision, not a repository\n", encoding="utf-8")
    for e in files:
        target = dest.joinpath(*PurePosixPath(e.path).parts)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(blobs[e.oid])
    return dest.joinpath(*PurePosixPath(spec).parts) if prefix else dest


@dataclass(frozen=True)
class Side:
    """One side of a comparison: a spec folder on disk (maybe a temporary copy) and how to name it."""

    label: str
    root: Path
    #: The commit read (None for a folder of the working tree).
    commit: str | None = None
    #: The spec folder, relative to the repository root when known.
    spec: str | None = None
    #: The temporary copy of the repository a revision was written to.
    copy: Path | None = None

    def shown(self, path: Path) -> Path:
        """*path* as the user knows it: ``HEAD~1:specs/x/部门.yaml`` for a file of a revision's copy."""
        if self.copy is None:
            return path
        try:
            rel = path.resolve().relative_to(self.copy.resolve())
        except ValueError:
            return path
        rev = self.label.partition(":")[0]
        return Path(f"{rev}:{rel.as_posix()}")


def _relative(repo: Path, path: Path) -> str:
    rel = Path(os.path.relpath(path.resolve(), repo)).as_posix()
    if rel.startswith("../"):
        raise UsageError(f"「{path}」不在 git 仓库 {repo} 之内")
    return "" if rel == "." else rel


def open_sides(
    old: str, new: str | None, spec: Path | None, stack: ExitStack, *, cwd: Path | None = None
) -> tuple[Side, Side]:
    """The two sides of ``jixiao diff OLD [NEW]``: spec folders, revisions, or ``REV:folder``.

    A bare revision reads the spec folder named by the other side, by *spec*, by the
    current folder, or the only spec folder of the revision. Without *new*, the
    spec folder of *old* in the working tree is the new side. Temporary copies are
    removed when *stack* closes.

    Raises:
        UsageError: an argument is neither a folder nor a revision, or the spec folder
            cannot be told.
    """
    cwd = (cwd or Path.cwd()).resolve()
    args = [old] if new is None else [old, new]
    folders = {arg: Path(arg) for arg in args if Path(arg).exists()}
    if new is not None and len(folders) == len(set(args)):
        return Side(old, find_root(folders[old])), Side(new, find_root(folders[new]))
    if new is None and folders:
        raise UsageError(f"「{old}」是文件夹：要与 git 中的版本比较，写成 jixiao diff HEAD {old}")
    anchor = next(iter(folders.values()), None) or spec
    repo = repo_root(anchor if anchor is not None and anchor.exists() else cwd)
    if repo is None:
        raise UsageError(f"当前文件夹 {cwd} 不在 git 仓库之内：写出要比较的两个规格文件夹")
    given = _given_spec(args, folders, spec, repo, cwd)
    sides = [_side(arg, folders, repo, given, stack, cwd) for arg in args]
    if new is None:
        rel = sides[0].spec or ""
        folder = repo.joinpath(*PurePosixPath(rel).parts) if rel else repo
        sides.append(Side("工作区", find_root(folder), None, rel))
    return sides[0], sides[1]


def _side(arg: str, folders: dict[str, Path], repo: Path, given: str | None, stack: ExitStack, cwd: Path) -> Side:
    if arg in folders:
        root = find_root(folders[arg])
        return Side(arg, root, None, _relative(repo, root))
    rev, _, path = arg.partition(":")
    commit = commit_of(repo, rev)
    if commit is None:
        raise UsageError(f"「{arg}」既不是文件夹，也不是 git 版本（分支、标签或提交，如 HEAD~1）")
    if path:
        rel = _rev_path(path, repo, cwd)
    elif given is not None:
        rel = given
    else:
        rel = _only_spec(repo, commit)
    tmp = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="jixiao-rev-")))
    return Side(arg, extract(repo, commit, rel, tmp), commit, rel, tmp)


def _rev_path(path: str, repo: Path, cwd: Path) -> str:
    """The folder of ``REV:path``: from the root, or from the current folder with ./ or ../ (as git reads it)."""
    if path.startswith(("./", "../")) or path in (".", ".."):
        return _relative(repo, cwd / path)
    return PurePosixPath(path.strip("/")).as_posix() if path.strip("/") else ""


def _given_spec(args: list[str], folders: dict[str, Path], spec: Path | None, repo: Path, cwd: Path) -> str | None:
    """The spec folder a bare revision is read at: the other side's, --规格, or the current folder's."""
    for arg in args:
        if arg in folders:
            return _relative(repo, find_root(folders[arg]))
        rev, colon, path = arg.partition(":")
        if colon and commit_of(repo, rev):
            return _rev_path(path, repo, cwd)
    if spec is not None:
        folder = spec.parent if spec.suffix in (".yaml", ".yml") else spec
        if folder.parent.name == "projects" or folder.name in ("projects", "presets"):
            folder = folder.parent
        return _relative(repo, folder)
    here = next((f for f in (cwd, *cwd.parents) if any((f / n).is_file() for n in DEPARTMENT_FILES)), None)
    if here is not None and here.is_relative_to(repo):
        return _relative(repo, here)
    return None


def _only_spec(repo: Path, commit: str) -> str:
    found = spec_folders_at(repo, commit)
    if len(found) == 1:
        return found[0]
    if not found:
        raise UsageError("这个版本中没有部门规格（部门.yaml）")
    listed = "、".join(f or "." for f in found)
    raise UsageError(f"仓库中有 {len(found)} 份规格（{listed}）：用 --规格 指定比较哪一份，或写成 版本:路径")
