"""What a render's worker processes load besides their work.

Processes that are not forked from the main one (:mod:`jixiao.render.pool`:
a fork server's children, spawned processes) first import the script that
started the program, as ``__mp_main__``. For the ``jixiao`` console script
that must not load the command line (typer, rich, pydantic, every command):
some 10 MB in each worker, at the render's peak of memory.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from jixiao.render import pool

SCRIPT = Path(sys.executable).with_name("jixiao")

#: Imports a script as multiprocessing imports the main script in a worker, and lists what it loaded.
AS_WORKER = """
import runpy, sys
runpy.run_path(sys.argv[1], run_name="__mp_main__")
print(sorted(m for m in sys.modules if m.startswith(("jixiao.", "typer", "rich", "pydantic", "click"))))
"""


@pytest.mark.skipif(not SCRIPT.is_file(), reason="jixiao is not installed as a console script here")
def test_the_console_script_imported_by_a_worker_loads_no_command_line() -> None:
    done = subprocess.run([sys.executable, "-c", AS_WORKER, str(SCRIPT)], capture_output=True, text=True,
                          timeout=60, check=True)
    assert done.stdout.strip() == "['jixiao.__main__', 'jixiao.version']"


@pytest.mark.skipif(not SCRIPT.is_file(), reason="jixiao is not installed as a console script here")
def test_the_console_script_and_python_m_jixiao_run_the_command_line() -> None:
    for command in ([str(SCRIPT)], [sys.executable, "-m", "jixiao"]):
        done = subprocess.run([*command, "--help"], capture_output=True, text=True, timeout=60, check=False)
        assert done.returncode == 0 and "render" in done.stdout, (command, done.stderr)


def _loaded(module: str) -> bool:
    return module in sys.modules


def test_a_worker_starts_without_weasyprint() -> None:
    """Its fork server holds nothing of jixiao's: a server holding WeasyPrint would cost those pages twice (the
    server's, and the copies the workers make by writing to them) for no gain in speed."""
    executor = pool.executor(2, processes=True)
    try:
        assert pool.result(executor.submit(_loaded, "json")) is True
        assert pool.result(executor.submit(_loaded, "weasyprint")) is False
    finally:
        pool.stop(executor)
