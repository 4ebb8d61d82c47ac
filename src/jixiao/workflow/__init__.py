"""The one way every command opens a spec (:mod:`.stages`: load → expand → check → gate), and many at once (:mod:`.batch`).

Commands, ``serve``, batch rendering, the pre-commit hooks, ``rollover`` and
``diff`` all call :func:`open_spec`; no other module chains the stages.
"""

from jixiao.workflow.stages import (
    GATE_HINT,
    Checks,
    ChecksFailed,
    OpenSpec,
    open_spec,
    problem_lines,
)

__all__ = ["GATE_HINT", "Checks", "ChecksFailed", "OpenSpec", "open_spec", "problem_lines"]
