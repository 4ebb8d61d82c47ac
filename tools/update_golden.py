"""Regenerate tests/golden/check-*.txt from the example specs (review the diff by hand!)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

for spec in sorted((ROOT / "specs").iterdir()):
    result = subprocess.run(
        [sys.executable, "-m", "jixiao", "check", f"specs/{spec.name}"],
        cwd=ROOT, capture_output=True, text=True, check=False,
    )
    (ROOT / "tests" / "golden" / f"check-{spec.name}.txt").write_text(result.stdout, encoding="utf-8")
    print(spec.name, result.stdout.strip().splitlines()[-1] if result.stdout.strip() else "无")
