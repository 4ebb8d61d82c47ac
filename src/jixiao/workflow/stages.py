"""The one way every command opens a spec: load → expand → check → gate.

Commands, ``serve``, batch rendering, the pre-commit hooks, ``rollover`` and
``diff`` all call :func:`open_spec`; no other module chains the stages. The
gate refuses a spec whose checks found errors (``render`` without ``--force``,
the ``check`` hook) by raising :class:`ChecksFailed`. :func:`problem_lines`
is the one place that turns any :class:`~jixiao.errors.JixiaoError` into the
lines a user reads and the exit code.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING

from jixiao.errors import JixiaoError, SpecError, UsageError

if TYPE_CHECKING:
    from jixiao.checks.base import Finding
    from jixiao.checks.packs.load import PackSet
    from jixiao.model.document import Document
    from jixiao.spec.load import LoadedSpec


class Checks(Enum):
    """How much of the check stage :func:`open_spec` runs."""

    #: Load and expand only (validate, expand, diff, rollover).
    SKIP = "skip"
    #: Run the checks and return every finding (check, serve).
    REPORT = "report"
    #: Run the checks and raise :class:`ChecksFailed` on error-level findings (render, the check hook).
    GATE = "gate"


@dataclass(frozen=True)
class OpenSpec:
    """A spec read, expanded and (when asked) checked."""

    loaded: LoadedSpec
    doc: Document
    findings: list[Finding] = field(default_factory=list)
    #: The rule packs that ran (部门.yaml's 检查: 规则 and the command's), None when no check ran.
    packs: PackSet | None = None

    @property
    def root(self) -> Path:
        """The spec folder."""
        return self.loaded.root


class ChecksFailed(JixiaoError):
    """The checks found errors and the command refuses to go on (exit code 1)."""

    def __init__(self, errors: list[Finding], root: Path, doc: Document | None = None) -> None:
        self.errors = errors
        self.root = root
        self.doc = doc
        super().__init__(f"检查发现 {len(errors)} 个错误")


def open_spec(
    spec: Path,
    *,
    checks: Checks = Checks.SKIP,
    select: Iterable[str] | None = None,
    ignore: Iterable[str] = (),
    rules: Iterable[str] = (),
) -> OpenSpec:
    """Load *spec* (a spec folder or a file in it), expand it and run the checks *checks* asks for.

    The rule packs named in 部门.yaml (``检查: {规则: […]}``) and in *rules* run with jixiao's rules.

    Raises:
        SpecError: the spec cannot be loaded or expanded, or a rule pack is wrong (every problem at once).
        UsageError: *select*/*ignore* name no rule; a pack in *rules* does not exist.
        ChecksFailed: ``Checks.GATE`` and an error-level finding.
    """
    from jixiao.expand.department import expand_department
    from jixiao.spec.load import load_department

    loaded = load_department(spec)
    doc = expand_department(loaded)
    if checks is Checks.SKIP:
        return OpenSpec(loaded, doc)
    from jixiao.checks import run_checks
    from jixiao.checks.packs.load import Choice, load_packs

    settings = loaded.department.checks
    chosen = [Choice(name, loaded.pos, i) for i, name in enumerate(settings.rules if settings else [])]
    packs = load_packs([*chosen, *(Choice(name) for name in rules)], loaded.root)
    findings = run_checks(loaded, doc, select=select, ignore=ignore, packs=packs)
    if checks is Checks.GATE:
        errors = [f for f in findings if f.level == "error"]
        if errors:
            raise ChecksFailed(errors, loaded.root, doc)
    return OpenSpec(loaded, doc, findings, packs)


#: Said after 「检查发现 N 个错误」 when a command refuses to go on.
GATE_HINT = "，未生成文件。请改正后重试，或加 --force 强制生成（例如示例规格有意保留了原文中的错误）。"


def problem_lines(exc: JixiaoError, base: Path, *, gate_hint: str = GATE_HINT) -> tuple[list[str], int]:
    """What to print for *exc* (the last line is the verdict) and the exit code it maps to.

    *gate_hint* follows the verdict of :class:`ChecksFailed` (e.g. how to force the render).
    """
    if isinstance(exc, SpecError):
        lines = [d.format(base=base) for d in exc.diagnostics]
        return [*lines, f"共 {len(exc.diagnostics)} 个问题，未通过。"], 1
    if isinstance(exc, ChecksFailed):
        from jixiao.checks import report
        from jixiao.model.tableref import TableRefs

        refs = TableRefs.of(exc.doc) if exc.doc is not None else None
        lines = report.format_text(exc.errors, exc.root, base, refs).splitlines()
        return [*lines, f"检查发现 {len(exc.errors)} 个错误{gate_hint}"], 1
    return [f"错误：{exc}"], 2 if isinstance(exc, UsageError) else 1
