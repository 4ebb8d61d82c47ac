"""What "readable in a 120-column terminal" means for jixiao's output, checked line by line.

A line wider than 120 columns is fine when it is text a terminal wraps (a finding, a
checklist item); what is not fine is what cannot be read back: a table or a help panel
wider than the terminal (its borders break up), or a cell rich cut short with「…」.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from rich.cells import cell_len

WIDTH = 120
_BOX = re.compile(r"[│┃╭╰┏┗┡└┌]")
_CUT = re.compile(r"…\s*[│┃]")


def unreadable(text: str) -> list[str]:
    """Lines of *text* that a 120-column terminal would not show whole."""
    return [line for line in text.splitlines()
            if (_BOX.search(line) and cell_len(line) > WIDTH) or _CUT.search(line)]


def run(*args: str, cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """``python -m jixiao <args>`` in a 120-column terminal's width (output piped, as in a CI log)."""
    base = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "TERMINAL_WIDTH")}
    return subprocess.run([sys.executable, "-m", "jixiao", *args], capture_output=True, text=True, cwd=cwd,
                          env={**base, "COLUMNS": str(WIDTH), **(env or {})}, timeout=600)
