"""Named YAML data files found along a look-up path (presets, layouts): the first of a name wins."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Generic, TypeVar

from pydantic import BaseModel, ValidationError

from jixiao.errors import Diagnostic
from jixiao.resources import link_problem
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
            loaded = load_yaml(path)
            if isinstance(loaded, Diagnostic):
                problems.append(loaded)
                continue
            try:
                spec = model.model_validate(loaded.data if loaded.data is not None else {})
            except ValidationError as exc:
                problems.extend(diagnostics_from_validation(exc, loaded.pos, model))
                continue
            found[path.stem] = Named(path.stem, path, spec, loaded.pos)
    return found, problems
