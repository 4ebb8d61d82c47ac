"""``jixiao render specs/*``: many departments rendered over a pool of processes.

Each department is opened (:func:`jixiao.workflow.open_spec`, checks gating) and rendered in one
worker process (:mod:`jixiao.render.pool`), its PDF laid out in that process; as many
departments render at once as there are cores. A department that fails (an
invalid spec, errors found by the checks, a file that cannot be written)
does not stop the others. What each would print is returned as text
(:class:`Outcome`) and printed by the command in the order the specs were
given.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from concurrent.futures import as_completed
from dataclasses import dataclass, field
from pathlib import Path

from jixiao.errors import JixiaoError
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


def render_one(request: Request, base: Path) -> Outcome:
    """Read, check and render one department; never raises a JixiaoError (it becomes the outcome)."""
    from jixiao.render.build import RenderOptions, render_department
    from jixiao.render.progress import summary

    outcome = Outcome(request.spec)
    try:
        opened = open_spec(request.spec, checks=Checks.SKIP if request.force else Checks.GATE)
        options = RenderOptions(out_dir=request.out_dir, formats=request.formats, template=request.template,
                                table_template=request.table_template)
        rendered = render_department(opened.doc, opened.root, options, jobs=1)
    except JixiaoError as exc:
        lines, outcome.code = problem_lines(exc, base)
        outcome.stderr += lines
        return outcome
    outcome.stderr += [f"提示：{note}" for note in rendered.warnings]
    outcome.stderr += [f"PDF 排版提示（WeasyPrint）：{w}" for w in rendered.pdf_warnings]
    outcome.stdout += summary(rendered, base).splitlines()
    return outcome


def render_many(requests: Sequence[Request], base: Path,
                done: Callable[[int, object], None] | None = None) -> list[Outcome]:
    """Render every department of *requests*, as many at once as there are cores.

    *done(i, outcome)* is called as each department is done.
    """
    from jixiao.render import pool

    workers = pool.executor(min(pool.jobs(), len(requests)))
    try:
        futures = {workers.submit(render_one, request, base): i for i, request in enumerate(requests)}
        outcomes: dict[int, Outcome] = {}
        for future in as_completed(futures):
            index = futures[future]
            outcomes[index] = pool.result(future)
            if done is not None:
                done(index, outcomes[index])
    finally:
        pool.stop(workers)
    return [outcomes[i] for i in range(len(requests))]
