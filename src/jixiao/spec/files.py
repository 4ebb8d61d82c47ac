"""Which files are spec files: in a spec folder, below a folder of several specs, in a repository's templates/."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from jixiao.errors import UsageError
from jixiao.spec.load import DEPARTMENT_FILES

#: Folders of a spec (and of a repository's templates/) whose YAML files are spec files.
SPEC_SUBDIRS = ("projects", "presets", "layouts", "checks")
_SKIP_DIRS = frozenset({"output", "node_modules", "schema", "__pycache__"})


def spec_files(paths: Iterable[Path]) -> list[Path]:
    """The spec files *paths* name: files as given, and the YAML files of spec folders in or below folders.

    Raises:
        UsageError: a path does not exist, is not a YAML file, or holds no spec files.
    """
    found: list[Path] = []
    for path in paths:
        if not path.exists():
            raise UsageError(f"找不到「{path}」")
        if path.is_symlink():
            raise UsageError(f"「{path}」是符号链接：jixiao fmt 不改写链接，请给出它指向的文件")
        if path.is_file():
            if path.suffix not in (".yaml", ".yml"):
                raise UsageError(f"「{path}」不是 YAML 文件：jixiao fmt 只整理规格文件（.yaml）")
            found.append(path)
            continue
        mine = _folder_files(path)
        if not mine:
            raise UsageError(f"「{path}」中没有规格文件：应有 部门.yaml，或其下的文件夹中有部门规格")
        found += mine
    unique: dict[Path, Path] = {}
    for p in found:
        unique.setdefault(p.resolve(), p)
    return [unique[k] for k in sorted(unique)]


def _folder_files(folder: Path) -> list[Path]:
    """Spec files of every spec folder at or below *folder*, and of a templates/ folder in it."""
    out: list[Path] = []
    for root in spec_folders(folder):
        out += [root / n for n in DEPARTMENT_FILES if (root / n).is_file() and not (root / n).is_symlink()]
        out += _yaml_in(root, SPEC_SUBDIRS)
    templates = folder / "templates"
    if not _is_spec(folder) and templates.is_dir():
        out += _yaml_in(templates, ("presets", "layouts", "checks"))
    return out


def spec_folders(folder: Path) -> list[Path]:
    """*folder* if it is a spec folder, else every spec folder below it (not in hidden folders or output/)."""
    if _is_spec(folder):
        return [folder]
    return sorted(p.parent for p in _walk(folder) if p.name in DEPARTMENT_FILES)


def _is_spec(folder: Path) -> bool:
    return any((folder / n).is_file() for n in DEPARTMENT_FILES)


def _yaml_in(root: Path, subdirs: Iterable[str]) -> list[Path]:
    """YAML files of *root*'s *subdirs*; linked files and files of linked folders are left alone."""
    return sorted(
        p
        for sub in subdirs
        if not (root / sub).is_symlink()
        for p in (root / sub).glob("*.yaml")
        if p.is_file() and not p.is_symlink()
    )


def _walk(folder: Path) -> Iterable[Path]:
    """Files below *folder*, skipping hidden folders, output/ and symbolic links."""
    for entry in sorted(folder.iterdir()):
        if entry.is_symlink():
            continue
        if entry.is_dir():
            if not entry.name.startswith(".") and entry.name not in _SKIP_DIRS:
                yield from _walk(entry)
        else:
            yield entry
