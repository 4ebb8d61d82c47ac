"""``jixiao render specs/*``: many departments rendered over a pool of processes.

Each department is opened (:func:`jixiao.workflow.open_spec`, checks gating) and rendered in one
worker process (:mod:`jixiao.render.pool`), its PDF laid out in that process; as many
departments render at once as there are cores. A department that fails (an
invalid spec, errors found by the checks, a file that cannot be written)
does not stop the others. What each would print is returned as text
(:class:`Outcome`) and printed by the command in the order the specs were
given. A department with nothing changed since its last render
(:mod:`jixiao.workflow.unchanged`) is answered here, without a worker.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from concurrent.futures import as_completed
from dataclasses import dataclass, field
from pathlib import Path

from jixiao.errors import JixiaoError
from jixiao.outpaths import spec_folder
from jixiao.render.summary import summary_text
from jixiao.workflow import unchanged
from jixiao.workflow.stages import Checks, open_spec, problem_lines


@dataclass(frozen=True)
class Request:
    """One department to render."""

    spec: Path
    out_dir: Path
    formats: frozenset[str]
    template: Path | None = None
    table_template: Path | None = None
    force: bool = False


@dataclass
class Outcome:
    """What rendering one department printed, and its exit code (0, 1 or 2)."""

    spec: Path
    code: int = 0
    stdout: list[str] = field(default_factory=list)
    stderr: list[str] = field(default_factory=list)


def _asked(request: Request) -> unchanged.Request:
    return unchanged.Request(request.spec, request.out_dir, request.formats, (), request.template,
                             request.table_template, request.force)


def _said(spec: Path, written: list[Path], tables: int, removed: list[Path], warnings: list[str],
          pdf_warnings: list[str], base: Path) -> Outcome:
    """What rendering *spec* prints: its warnings (stderr), the files written (stdout)."""
    outcome = Outcome(spec)
    outcome.stderr += [f"提示：{note}" for note in warnings]
    outcome.stderr += [f"PDF 排版提示（WeasyPrint）：{w}" for w in pdf_warnings]
    outcome.stdout += summary_text(written, tables, removed, base).splitlines()
    return outcome


def _recalled(request: Request, base: Path) -> Outcome | None:
    """The outcome of a render with nothing changed since one that succeeded (:mod:`.unchanged`), else None."""
    key = unchanged.inputs_key(_asked(request), spec_folder(request.spec))
    replay = unchanged.recall(key, request.out_dir) if key is not None else None
    if replay is None:
        return None
    return _said(request.spec, replay.written, replay.tables, [], replay.warnings, replay.pdf_warnings, base)


def render_one(request: Request, base: Path) -> Outcome:
    """Read, check and render one department; never raises a JixiaoError (it becomes the outcome)."""
    from jixiao.render.build import RenderOptions, render_department

    key = unchanged.inputs_key(_asked(request), spec_folder(request.spec))
    try:
        opened = open_spec(request.spec, checks=Checks.SKIP if request.force else Checks.GATE)
        options = RenderOptions(out_dir=request.out_dir, formats=request.formats, template=request.template,
                                table_template=request.table_template)
        rendered = render_department(opened.doc, opened.root, options, jobs=1)
    except JixiaoError as exc:
        outcome = Outcome(request.spec)
        lines, outcome.code = problem_lines(exc, base)
        outcome.stderr += lines
        return outcome
    tables = len(rendered.tables)
    if key is not None and not rendered.removed and unchanged.inputs_key(_asked(request),
                                                                         spec_folder(request.spec)) == key:
        unchanged.remember(key, request.out_dir, rendered.written, tables, rendered.warnings, rendered.pdf_warnings)
    return _said(request.spec, rendered.written, tables, rendered.removed, rendered.warnings,
                 rendered.pdf_warnings, base)


def render_many(requests: Sequence[Request], base: Path,
                done: Callable[[int, object], None] | None = None) -> list[Outcome]:
    """Render every department of *requests*, as many at once as there are cores.

    *done(i, outcome)* is called as each department is done.
    """
    outcomes: dict[int, Outcome] = {}
    for i, request in enumerate(requests):  # nothing changed since the last render: no worker needed
        found = _recalled(request, base)
        if found is not None:
            outcomes[i] = found
            if done is not None:
                done(i, found)
    left = [i for i in range(len(requests)) if i not in outcomes]
    if not left:
        return [outcomes[i] for i in range(len(requests))]
    from jixiao.render import pool

    workers = pool.executor(min(pool.jobs(), len(left)))
    try:
        futures = {workers.submit(render_one, requests[i], base): i for i in left}
        for future in as_completed(futures):
            index = futures[future]
            outcomes[index] = pool.result(future)
            if done is not None:
                done(index, outcomes[index])
    finally:
        pool.stop(workers)
    return [outcomes[i] for i in range(len(requests))]
