"""Where the built-in templates live, and the override search order.

Look-up order for a template or preset is: the spec folder, then the user's own
repository (the nearest ``templates/`` folder above the spec, searched no
further than the repository root or the home folder, and never in a folder
that other users can write to), then the set shipped with jixiao. The shipped set is found through ``importlib.resources``
in an installed wheel, and in the source tree in an editable install.
"""

from __future__ import annotations

import os
import stat
from functools import lru_cache
from importlib.resources import files
from pathlib import Path


@lru_cache(maxsize=1)
def builtin_templates() -> Path:
    """The ``templates/`` folder shipped with jixiao."""
    packaged = Path(str(files("jixiao"))) / "_templates"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parents[2] / "templates"


def trusted_folder(folder: Path) -> bool:
    """A folder only its owner (the current user, or root) can write to.

    A folder that other users can write to (a shared temp folder, say) could
    have templates or presets planted in it: jixiao never reads those.
    """
    try:
        info = folder.stat()
    except OSError:
        return False
    if not stat.S_ISDIR(info.st_mode):
        return False
    if not hasattr(os, "getuid"):  # Windows: no POSIX owners or modes to go by
        return True
    if info.st_mode & stat.S_IWOTH:
        return False
    # Group-writable is fine for the user's own private group (umask 002 systems).
    if info.st_mode & stat.S_IWGRP and info.st_gid != os.getgid():
        return False
    return info.st_uid in (os.getuid(), 0)


def _home() -> Path | None:
    try:
        return Path.home().resolve()
    except (RuntimeError, KeyError, OSError):
        return None


def user_templates(start: Path) -> Path | None:
    """The nearest ``templates/`` folder at or above *start* (the user's own repository).

    The search stops at the repository root (a folder with ``.git``), at the
    user's home folder, and below any folder that others can write to; a
    candidate that others can write to is never used.
    """
    here = start.resolve()
    builtin = builtin_templates().resolve()
    home = _home()
    for folder in (here, *here.parents):
        if not trusted_folder(folder):
            break
        candidate = folder / "templates"
        if candidate.is_dir() and candidate.resolve() != builtin and trusted_folder(candidate):
            return candidate
        if (folder / ".git").exists() or folder == home:
            break
    return None


def inside(path: Path, root: Path) -> bool:
    """Does *path* (symbolic links followed) lie inside *root*?"""
    return path.resolve().is_relative_to(root.resolve())


def link_problem(path: Path, root: Path) -> str | None:
    """Why *path* — a file or folder at or below *root* — may not be read, or None.

    The one check of symbolic links for everything read from a spec folder (or a
    templates folder): every part from *root* down to *path* is looked at, so a
    linked ``presets/`` or ``projects/`` folder is caught as well as a linked file.
    A link is fine when it leads to something that exists inside *root*; the
    first part that does not is named.
    """
    try:
        parts = path.relative_to(root).parts
    except ValueError:
        parts = ()
    probe = root
    for part in parts:
        probe = probe / part
        if probe.is_symlink():
            problem = _leaves(probe, root)
            if problem is not None:
                return problem
    return _leaves(path, root)


def _leaves(path: Path, root: Path) -> str | None:
    """Why *path* (maybe a link) does not lead to something inside *root*, or None."""
    what = "文件夹" if path.is_dir() else "文件"
    if not path.exists():
        target = os.readlink(path) if path.is_symlink() else path
        return f"符号链接「{path.name}」指向的{what}不存在（{target}）"
    if not inside(path, root):
        return (
            f"「{path.name}」是指向规格文件夹以外的符号链接（{path.resolve()}），"
            "jixiao 不读取规格文件夹以外的文件"
        )
    return None


def lookup_dirs(spec_root: Path, name: str) -> list[Path]:
    """Folders *name* (presets, layouts) in look-up order: spec folder, user repository, built-in."""
    dirs = [spec_root / name]
    user = user_templates(spec_root)
    if user is not None and trusted_folder(user / name):
        dirs.append(user / name)
    dirs.append(builtin_templates() / name)
    return [d for d in dirs if d.is_dir()]


def preset_dirs(spec_root: Path) -> list[Path]:
    """Preset folders in look-up order: spec folder, user repository, built-in."""
    return lookup_dirs(spec_root, "presets")
