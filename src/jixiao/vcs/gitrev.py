"""A spec as it was at a git revision, read with the ``git`` command.

The working tree is never touched: the spec files of the spec folder (and of the
``templates/`` folders a spec may take presets and layouts from, on the way up
to the repository root) are listed with ``git ls-tree``, every entry checked
like ``git fsck`` (:mod:`jixiao.vcs.gittree`), then streamed with ``git cat-file``
into a private temporary folder that mirrors the repository, where the normal
load → expand reads them.
"""

from __future__ import annotations

import os
import tempfile
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from jixiao import limits
from jixiao.errors import Diagnostic, SpecError, UsageError
from jixiao.spec.load import DEPARTMENT_FILES, find_root
from jixiao.vcs.gitcmd import GitError, git, git_stream, records
from jixiao.vcs.gittree import (
    GITLINK,
    REGULAR,
    SYMLINK,
    Entry,
    UnsafeTree,
    copy_blobs,
    list_files,
    path_problem,
    shown,
    unsafe,
)

__all__ = ["GitError", "Side", "extract", "open_sides"]

#: The parts of a repository's templates/ folder that change what a spec expands to.
TEMPLATE_PARTS = ("presets", "layouts", "checks")
#: Folders of a spec folder whose ``*.yaml`` files the loader reads.
SPEC_PARTS = ("projects", *TEMPLATE_PARTS)


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


def spec_folders_at(repo: Path, commit: str) -> list[str]:
    """Folders (relative to the repository root) holding a 部门.yaml at *commit* (the listing is streamed)."""
    found = set()
    with git_stream(["ls-tree", "-r", "-z", "--name-only", "--full-tree", commit], repo) as proc:
        assert proc.stdout is not None
        for name in records(proc.stdout, longest=1 << 16):
            path = PurePosixPath(os.fsdecode(name))
            if path.name in DEPARTMENT_FILES:
                found.add(path.parent.as_posix())
    return sorted(found)


def _template_dirs(spec: str) -> list[str]:
    """templates/{presets,layouts,checks} at the spec folder and every folder above it."""
    parts = PurePosixPath(spec).parts if spec not in ("", ".") else ()
    out = []
    for depth in range(len(parts), -1, -1):
        base = PurePosixPath(*parts[:depth]) if depth else PurePosixPath()
        out += [(base / "templates" / part).as_posix() for part in TEMPLATE_PARTS]
    return out


def _read_by_loader(path: str, prefix: str, template_dirs: frozenset[str]) -> bool:
    """Is *path* a file load → expand may read: 部门.yaml, projects/presets/layouts/checks/*.yaml, templates'?"""
    folder, _, name = path.rpartition("/")
    if not name.endswith(".yaml"):
        return False
    if folder in template_dirs:
        return True
    if not path.startswith(prefix):
        return False
    rel = path[len(prefix):].split("/")
    return (len(rel) == 1 and rel[0] in DEPARTMENT_FILES) or (len(rel) == 2 and rel[0] in SPEC_PARTS)


def extract(repo: Path, commit: str, spec: str, dest: Path, label: str = "") -> tuple[Path, list[str]]:
    """Write the spec files of *spec* at *commit* (and of the templates it can see) under *dest*.

    Every entry listed is checked first (:mod:`jixiao.vcs.gittree`); only the YAML files
    the loader reads are written, streamed, each within the size limit. Symbolic
    links and submodules among them are left out with a note. Returns the spec
    folder in *dest* and the notes.

    Raises:
        UsageError: there is no department spec at *spec* in that revision.
        UnsafeTree: an entry git would refuse, or too many files.
        SpecError: a spec file over the size limit.
    """
    label = label or commit[:12]
    problem = path_problem(spec) if spec not in ("", ".") else None
    if problem is not None:
        raise UsageError(f"「{label}:{shown(spec)}」不是可用的路径：{problem}")
    prefix = "" if spec in ("", ".") else spec + "/"
    dirs = _template_dirs(spec)
    entries = list_files(repo, commit, [prefix.rstrip("/") or ".", *dirs], label)
    if not any(e.path == prefix + name for e in entries for name in DEPARTMENT_FILES):
        raise UsageError(f"这个版本中「{spec or '.'}」不是部门规格（没有 部门.yaml）")
    wanted, notes = _wanted(entries, prefix, frozenset(dirs), label)
    (dest / ".git").write_text("jixiao: a copy of a revision, not a repository\n", encoding="utf-8")
    copy_blobs(repo, [(e, dest.joinpath(*PurePosixPath(e.path).parts)) for e in wanted], label)
    return (dest.joinpath(*PurePosixPath(spec).parts) if prefix else dest), notes


def _wanted(entries: list[Entry], prefix: str, dirs: frozenset[str], label: str) -> tuple[list[Entry], list[str]]:
    """The entries to copy, and notes on those left out; refuses unknown modes and oversized files."""
    wanted: list[Entry] = []
    notes: list[str] = []
    for e in entries:
        if not _read_by_loader(e.path, prefix, dirs):
            continue
        if e.mode in REGULAR:
            wanted.append(e)
        elif e.mode in (SYMLINK, GITLINK):
            what = "符号链接" if e.mode == SYMLINK else "子模块"
            notes.append(f"{label} 中的 {shown(e.path)} 是{what}，比较时没有读取（jixiao 不跟随 git 版本中的{what}）")
        else:
            raise UnsafeTree(f"版本「{label}」中的 {shown(e.path)} 的文件模式 {e.mode} 不是 git 使用的模式，没有比较")
    big = [e for e in wanted if (e.size or 0) > limits.MAX_YAML_BYTES]
    if big:
        raise SpecError([
            Diagnostic(
                Path(f"{label}:{e.path}"), 1, 1,
                f"文件有 {e.size} 字节，超过规格文件的上限 {limits.MAX_YAML_BYTES} 字节（没有读取）",
                "规格文件只需要几 KB：检查是否放错了文件",
            )
            for e in big
        ])
    total = sum(e.size or 0 for e in wanted)
    if total > limits.MAX_REVISION_BYTES:
        raise UnsafeTree(
            f"版本「{label}」的规格文件共 {total} 字节，超过上限 {limits.MAX_REVISION_BYTES} 字节，没有比较。"
            "规格文件只需要几 KB：请检查是否把别的内容提交成了 .yaml 文件"
        )
    return wanted, notes


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
    #: What was left out of the copy (symbolic links, submodules), for the user.
    notes: tuple[str, ...] = ()

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
    if rel == ".." or rel.startswith("../"):
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
        rel = _only_spec(repo, commit, rev)
    tmp = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="jixiao-rev-")))
    folder, notes = extract(repo, commit, rel, tmp, rev)
    return Side(arg, folder, commit, rel, tmp, tuple(notes))


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


def _only_spec(repo: Path, commit: str, label: str) -> str:
    found = spec_folders_at(repo, commit)
    for folder in found:
        problem = path_problem(folder) if folder not in ("", ".") else None
        if problem is not None:
            raise unsafe(label, folder, problem)
    if len(found) == 1:
        return found[0]
    if not found:
        raise UsageError("这个版本中没有部门规格（部门.yaml）")
    listed = "、".join(f or "." for f in found)
    raise UsageError(f"仓库中有 {len(found)} 份规格（{listed}）：用 --规格 指定比较哪一份，或写成 版本:路径")
