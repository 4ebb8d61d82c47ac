"""One error family for the whole library; only the CLI prints them.

A :class:`Diagnostic` is one problem at one place in one file. A
:class:`SpecError` carries every diagnostic found, so the user sees all
problems at once instead of fixing them one run at a time.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal

Severity = Literal["error", "warning"]

_SEVERITY_LABEL: dict[str, str] = {"error": "错误", "warning": "警告"}


@dataclass(frozen=True, order=True)
class Diagnostic:
    """One problem found in a spec, with a 1-based line and column."""

    path: Path
    line: int
    col: int
    message: str
    hint: str | None = None
    severity: Severity = "error"

    def format(self, *, base: Path | None = None) -> str:
        """Render as ``path:line:col: 错误: message`` plus an indented hint."""
        shown = self.path
        if base is not None:
            try:
                # The parent resolved, not the file: a symbolic link is shown as itself, not its target.
                shown = (self.path.parent.resolve() / self.path.name).relative_to(base.resolve())
            except ValueError:
                shown = self.path
        head = f"{shown}:{self.line}:{self.col}: {_SEVERITY_LABEL[self.severity]}: {self.message}"
        return head if not self.hint else f"{head}\n    提示: {self.hint}"


class JixiaoError(Exception):
    """Base class of every error the library raises on purpose."""


class SpecError(JixiaoError):
    """The spec cannot be loaded or expanded; carries every diagnostic found."""

    def __init__(self, diagnostics: list[Diagnostic]) -> None:
        self.diagnostics = sorted(diagnostics, key=lambda d: (str(d.path), d.line, d.col))
        super().__init__("\n".join(d.format() for d in self.diagnostics))


class Problem(ValueError):
    """A value that is wrong in itself, before we know where it was written.

    Raised by the pure helpers (value parsing, budget derivation) and turned
    into a located :class:`Diagnostic` by the caller that knows the position.
    """

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint


class UsageError(JixiaoError):
    """The command line itself is wrong (exit code 2)."""


class RenderError(JixiaoError):
    """A template is unusable or an output cannot be written (exit code 1)."""
