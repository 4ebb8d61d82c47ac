"""No hang under load: the Tangshan example rendered 20 times in a row while another process keeps a core busy.

Once, a home-made process pool deadlocked on a loaded machine: the parent
blocked sending follow-up jobs to the workers while a worker blocked sending a
219 KB result back (both ends of a pipe writing, neither reading). Rendering
now goes through :mod:`concurrent.futures` only. This renders with two worker
processes again and again beside a busy loop, so that each render has the
parent hand out more jobs than the workers can take at once (a follow-up job
is sent while results come back) and every result is larger than a pipe's
buffer (64 KB): first all 54 project PDFs (18 jobs of three tables), then,
as a user editing the spec would, after changing nine projects each time
(three jobs, each some 100 KB of PDF back; the other 45 come from the cache).
The combined document is left out (``--only``): it is one more job, its layout
takes half a cold render's time, and it adds nothing to the dispatch.
The renders run one after another in a process of their own
(tests/render_loop.py: Python, jixiao and WeasyPrint are started once, each
render starts and stops its own workers, as the command does); each must
answer within a timeout, so a hang fails the test instead of stalling the suite.
"""

from __future__ import annotations

import json
import os
import queue
import re
import shutil
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]
RENDERS = 20
#: Projects edited before each render after the first: more jobs (of three tables) than two workers take at once.
EDITED = 9
#: Seconds one render may take under load before it counts as hung (it takes some 1–10 s).
TIMEOUT = 300


def _pdfs(out: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in (out / "projects").glob("*.pdf")}


class Renders:
    """tests/render_loop.py in a process of its own: ``render(args)`` runs one command there and waits for it."""

    def __init__(self, env: dict[str, str]) -> None:
        self.process = subprocess.Popen(
            [sys.executable, str(ROOT / "tests" / "render_loop.py")], env=env, stdin=subprocess.PIPE,
            stdout=subprocess.PIPE, text=True, encoding="utf-8",
        )
        self.answers: queue.Queue[str] = queue.Queue()
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.answers.put(line)
        self.answers.put("")  # the process ended

    def render(self, args: list[str]) -> dict[str, Any]:
        assert self.process.stdin is not None
        self.process.stdin.write(json.dumps(args) + "\n")
        self.process.stdin.flush()
        try:
            line = self.answers.get(timeout=TIMEOUT)
        except queue.Empty:
            raise AssertionError(f"no answer from the render within {TIMEOUT} s: hung") from None
        assert line, f"the render process ended (exit code {self.process.poll()})"
        answer: dict[str, Any] = json.loads(line)
        return answer

    def close(self) -> None:
        """End the process: at the end of its input, or killed if it does not end (a hung render)."""
        assert self.process.stdin is not None
        self.process.stdin.close()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()  # its workers end with it: the pipes to their parent close
            self.process.wait()
        self.reader.join(timeout=30)
        assert self.process.stdout is not None
        self.process.stdout.close()


@pytest.mark.stress
def test_twenty_renders_in_a_row_under_a_cpu_hog(tmp_path: Path) -> None:
    spec = Path(shutil.copytree(ROOT / "specs" / "tangshan-2025", tmp_path / "tangshan-2025"))
    projects = sorted((spec / "projects").glob("*.yaml"))
    assert len(projects) == 54
    env = {**os.environ, "JIXIAO_JOBS": "2", "JIXIAO_CACHE_DIR": str(tmp_path / "cache")}
    out = tmp_path / "out"
    every = ",".join(str(n) for n in range(1, len(projects) + 1))
    args = ["render", str(spec), "--force", "--format", "pdf", "--only", every, "-o", str(out)]
    # Always ready to run, so the machine stays loaded (load average ≥ 3 on two cores), but at the lowest
    # priority: alone it fills every moment the renders leave a core idle; in the test run, beside pytest-xdist's
    # other worker, it takes little from the other tests (a hog of normal priority cost them some 40 s).
    hog = subprocess.Popen([sys.executable, "-c", "import os\nos.nice(19)\nwhile True: pass"])
    renders = Renders(env)
    try:
        before: dict[str, bytes] = {}
        for i in range(RENDERS):
            edited: set[int] = set()
            if i:
                edited = {(EDITED * i + k) % len(projects) for k in range(EDITED)}
                for n in edited:
                    text = projects[n].read_text(encoding="utf-8")
                    projects[n].write_text(re.sub(r"^(资金用途: *)(.*)$", rf"\g<1>\g<2>（第{i}次修改）", text, count=1,
                                                  flags=re.M), encoding="utf-8")
            answer = renders.render(args)
            assert answer["code"] == 0, f"render {i + 1}: {answer['output']}"
            after = _pdfs(out)
            assert len(after) == 54 and not list(out.glob("*.pdf"))  # the project files only
            if i:
                # What the workers sent back is there: the edited projects' files changed, no other did.
                changed = {name for name, data in after.items() if before[name] != data}
                assert changed == {name for name in after if int(name.split("-", 1)[0]) - 1 in edited}
            before = after
    finally:
        renders.close()
        hog.kill()
        hog.wait()
    assert "（第19次修改）" in projects[(EDITED * 19) % len(projects)].read_text(encoding="utf-8")
