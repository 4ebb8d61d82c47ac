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
from collections.abc import Callable
from pathlib import Path

import pytest

from conftest import PROJECT

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


#: Starts a pool of two workers as a command does (in a process of its own: the test suite's processes have their
#: fork server import WeasyPrint, tests/conftest.py) and asks a worker whether WeasyPrint is loaded.
WORKER_LOADS = """
import sys
from jixiao.render import pool

def loaded(module):
    return module in sys.modules

if __name__ == "__main__":
    executor = pool.executor(2, processes=True)
    try:
        print(pool.result(executor.submit(loaded, "concurrent.futures.process")),
              pool.result(executor.submit(loaded, "weasyprint")))
    finally:
        pool.stop(executor)
"""


def test_a_commands_workers_start_without_weasyprint(tmp_path: Path) -> None:
    """Its fork server holds nothing of jixiao's: a server holding WeasyPrint would cost those pages twice (the
    server's, and the copies the workers make by writing to them) for no gain in speed."""
    script = tmp_path / "loads.py"
    script.write_text(WORKER_LOADS, encoding="utf-8")
    done = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=120, check=False)
    assert done.stdout.split() == ["True", "False"], done.stderr


#: Renders a spec with the given number of processes and prints which libraries this process had loaded when it
#: began to wait for the PDF workers (whose memory peaks meanwhile).
MAIN_LOADS = """
import sys
from pathlib import Path
from jixiao.expand.department import expand_department
from jixiao.render.build import RenderOptions, render_department
from jixiao.render.pdf import make
from jixiao.spec.load import load_department

seen = []
result = make.PdfRun.result

def spy(self):
    seen.append([m for m in ("docxtpl", "openpyxl") if m in sys.modules])
    return result(self)

make.PdfRun.result = spy
if __name__ == "__main__":
    spec, out, jobs = Path(sys.argv[1]), Path(sys.argv[2]), int(sys.argv[3])
    options = RenderOptions(out_dir=out, formats=frozenset({"docx", "pdf", "xlsx"}), cache=False)
    render_department(expand_department(load_department(spec)), spec, options, jobs=jobs)
    print(seen)
"""


def test_with_workers_the_main_process_waits_for_the_pdfs_without_word_or_workbook_libraries(
    tmp_path: Path, spec_dir: Callable[..., Path]
) -> None:
    """The Word templates are checked and the workbook made by a worker that ends early: the same files."""
    spec = spec_dir({"01-法律顾问费": PROJECT, "02-印刷费": PROJECT.replace("法律顾问费", "印刷费")})
    loaded = {}
    for jobs in (1, 2):
        done = subprocess.run([sys.executable, "-c", MAIN_LOADS, str(spec), str(tmp_path / str(jobs)), str(jobs)],
                              capture_output=True, text=True, timeout=300, check=False)
        assert done.returncode == 0, done.stderr
        loaded[jobs] = done.stdout.strip()
    assert loaded == {1: "[['docxtpl', 'openpyxl']]", 2: "[[]]"}
    files = {jobs: {p.relative_to(tmp_path / str(jobs)): p.read_bytes() for p in (tmp_path / str(jobs)).rglob("*")
                    if p.is_file()} for jobs in (1, 2)}
    assert sorted(files[1]) == sorted(files[2]) and any(p.suffix == ".xlsx" for p in files[1])
    assert files[1] == files[2]
