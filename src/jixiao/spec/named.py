"""Named YAML data files found along a look-up path (presets, layouts): the first of a name wins.

jixiao's own files (under :func:`~jixiao.resources.builtin_templates`) are read
once per process: every spec loads all of them, and a process that loads many
specs or one spec many times (``serve`` on every save, ``import`` trying
presets) would parse the same files again each time. A file is read again when
its size or modification time changes. The user's own files are always read.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Generic, TypeVar

from pydantic import BaseModel, ValidationError

from jixiao.errors import Diagnostic
from jixiao.resources import builtin_templates, inside, link_problem
from jixiao.spec.pydantic_errors import diagnostics_from_validation
from jixiao.spec.yamlio import Positions, load_yaml

M = TypeVar("M", bound=BaseModel)


@dataclass
class Named(Generic[M]):
    """One loaded file: its name (the file name without .yaml), path, model and positions."""

    name: str
    path: Path
    spec: M
    pos: Positions


#: jixiao's own files as loaded: (path, model, file identity) → the file (specs are immutable models).
_BUILTIN: dict[tuple[Path, type[BaseModel], tuple[int, int, int, int]], Named[BaseModel]] = {}


def _builtin_key(path: Path, model: type[M]) -> tuple[Path, type[BaseModel], tuple[int, int, int, int]] | None:
    if not inside(path, builtin_templates()):
        return None
    try:
        stat = os.stat(path)
    except OSError:
        return None
    return path, model, (stat.st_dev, stat.st_ino, stat.st_size, stat.st_mtime_ns)


def load_named(dirs: list[Path], model: type[M], link_hint: str) -> tuple[dict[str, Named[M]], list[Diagnostic]]:
    """Every ``*.yaml`` in *dirs* as *model*; earlier folders win by name.

    Each folder's parent is the spec or templates folder it belongs to: a file, or
    the folder itself, may be a symbolic link within it, no further (*link_hint*
    says what to do instead). Files that do not load are left out and their
    problems returned.
    """
    found: dict[str, Named[M]] = {}
    problems: list[Diagnostic] = []
    for folder in dirs:
        root = folder.parent  # the spec or templates folder: nothing read may lie outside it
        problem = link_problem(folder, root)
        if problem is not None:
            problems.append(Diagnostic(folder, 1, 1, problem, link_hint))
            continue
        for path in sorted(folder.glob("*.yaml")):
            if path.stem in found:
                continue
            problem = link_problem(path, root)
            if problem is not None:
                problems.append(Diagnostic(path, 1, 1, problem, link_hint))
                continue
            key = _builtin_key(path, model)
            known = _BUILTIN.get(key) if key is not None else None
            if known is not None:
                found[path.stem] = known  # type: ignore[assignment]  # stored under its model
                continue
            named, wrong = load_file(path, model)
            problems += wrong
            if named is None:
                continue
            found[path.stem] = named
            if key is not None:
                _BUILTIN[key] = found[path.stem]  # type: ignore[assignment]
    return found, problems


def load_file(path: Path, model: type[M]) -> tuple[Named[M] | None, list[Diagnostic]]:
    """The YAML file *path* as *model* (nothing else in its folder is read), or its problems."""
    loaded = load_yaml(path)
    if isinstance(loaded, Diagnostic):
        return None, [loaded]
    try:
        spec = model.model_validate(loaded.data if loaded.data is not None else {})
    except ValidationError as exc:
        return None, diagnostics_from_validation(exc, loaded.pos, model)
    return Named(path.stem, path, spec, loaded.pos), []
