"""What the pre-commit hooks ``jixiao-validate`` and ``jixiao-check`` run (see ``.pre-commit-hooks.yaml``).

pre-commit passes the changed files; each one leads to the spec folder it belongs
to (a shared ``templates/`` preset leads to every spec folder below that
repository folder), and each spec folder is validated, or checked at error level,
once.
"""

from __future__ import annotations

from pathlib import Path

from rich.console import Console

from jixiao.errors import SpecError, UsageError
from jixiao.spec.files import spec_folders
from jixiao.spec.load import find_root


def spec_roots(files: list[Path]) -> list[Path]:
    """The spec folders the changed *files* belong to, each once, in order."""
    roots: dict[Path, None] = {}
    for path in files:
        if path.parent.parent.name == "templates":
            for root in spec_folders(path.parent.parent.parent):
                roots.setdefault(root.resolve())
            continue
        try:
            roots.setdefault(find_root(path))
        except UsageError:
            continue  # a YAML file that belongs to no spec
    return list(roots)


def run_hook(kind: str, files: list[Path], *, out: Console, err: Console) -> bool:
    """Validate (``validate``) or check at error level (``check``) the spec folders of *files*; True if one failed."""
    from jixiao.workflow import Checks, ChecksFailed, open_spec, problem_lines

    base = Path.cwd()
    failed = False
    for root in spec_roots(files):
        shown = _shown(root, base)
        try:
            open_spec(root, checks=Checks.GATE if kind == "check" else Checks.SKIP)
        except (SpecError, ChecksFailed) as exc:
            lines, _ = problem_lines(exc, base)
            for line in lines[:-1]:
                err.print(line, markup=False, highlight=False)
            err.print(f"{shown}：{lines[-1]}", highlight=False, markup=False)
            failed = True
            continue
        out.print(f"✓ {shown}", markup=False, highlight=False)
    return failed


def _shown(root: Path, base: Path) -> str:
    try:
        return root.resolve().relative_to(base.resolve()).as_posix() or "."
    except ValueError:
        return str(root)
