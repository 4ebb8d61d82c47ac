"""No hang under load: the Tangshan example rendered 20 times in a row while another process keeps a core busy.

Once, a home-made process pool deadlocked on a loaded machine (both ends of a
pipe writing, neither reading). Rendering now goes through
:mod:`concurrent.futures` only. This renders with two worker processes again
and again beside a busy loop: first everything (55 PDF files), then, as a
user editing the spec would, after changing one project each time (that
project's PDF and the combined one, some 400 KB, come back from the workers).
Each render runs in a process of its own with a timeout: a hang fails the
test instead of stalling the suite.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
RENDERS = 20
#: Seconds one render may take under load before it counts as hung (a cold render takes some 10 s).
TIMEOUT = 300


@pytest.mark.stress
def test_twenty_renders_in_a_row_under_a_cpu_hog(tmp_path: Path) -> None:
    spec = Path(shutil.copytree(ROOT / "specs" / "tangshan-2025", tmp_path / "tangshan-2025"))
    projects = sorted((spec / "projects").glob("*.yaml"))
    env = {**os.environ, "JIXIAO_JOBS": "2", "JIXIAO_CACHE_DIR": str(tmp_path / "cache")}
    out = tmp_path / "out"
    command = [sys.executable, "-m", "jixiao", "render", str(spec), "--force", "--format", "pdf", "-o", str(out)]
    hog = subprocess.Popen([sys.executable, "-c", "while True: pass"])
    try:
        for i in range(RENDERS):
            if i:
                project = projects[i % len(projects)]
                text = project.read_text(encoding="utf-8")
                project.write_text(re.sub(r"^(资金用途: *)(.*)$", rf"\g<1>\g<2>（第{i}次修改）", text, count=1,
                                          flags=re.M), encoding="utf-8")
            result = subprocess.run(command, env=env, capture_output=True, text=True, timeout=TIMEOUT, check=False)
            assert result.returncode == 0, f"render {i + 1}: {result.stderr}"
            assert len(list((out / "projects").glob("*.pdf"))) == 54
    finally:
        hog.kill()
        hog.wait()
    assert "（第19次修改）" in projects[19 % len(projects)].read_text(encoding="utf-8")
