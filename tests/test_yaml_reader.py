"""The YAML reader: libyaml where it reads as ruamel's own reader does, ruamel's reader everywhere else.

:func:`jixiao.spec.yamlio.load_yaml` reads most files with libyaml (four times faster); every file
must read the same either way: data, the position of every key and value, and every problem
told in the same words at the same place.
"""

from __future__ import annotations

import random
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from jixiao.errors import Diagnostic
from jixiao.resources import builtin_templates
from jixiao.spec import yamlio, yamlnodes

ROOT = Path(__file__).resolve().parents[1]


def _read(path: Path) -> Any:
    loaded = yamlio.load_yaml(path)
    if isinstance(loaded, Diagnostic):
        return ("problem", loaded.line, loaded.col, loaded.message, loaded.hint)
    return ("data", loaded.data, loaded.pos.keys, loaded.pos.values)


def _both(path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Any, Any]:
    """*path* read as it is, and read by ruamel's own reader alone (every text taken for a directive)."""
    fast = _read(path)
    with monkeypatch.context() as patch:
        patch.setattr(yamlnodes, "_DIRECTIVE", re.compile(""))
        plain = _read(path)
    return fast, plain


def _examples() -> list[Path]:
    return sorted([*(ROOT / "specs").rglob("*.yaml"), *(p for p in builtin_templates().rglob("*.yaml")
                                                       if p.parent.name != "init")])


def test_every_example_reads_the_same_and_by_libyaml(monkeypatch: pytest.MonkeyPatch) -> None:
    used: list[bool] = []
    real = yamlnodes._has_empty
    monkeypatch.setattr(yamlnodes, "_has_empty", lambda tree: used.append(True) or real(tree))
    for path in _examples():
        fast, plain = _both(path, monkeypatch)
        assert fast == plain, path
        assert fast[0] == "data"
    assert len(used) >= len(_examples())  # libyaml read each one (the check runs on what it read)


_PIECES = [*" \t\n:-[]{}#&*!|>'\"?,%@`", "中", "a", "1", "  ", "- ", ": ", "\n  ", "~"]


def test_damaged_files_read_the_same(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Examples with a few characters inserted, deleted or replaced: the same data, positions and problems."""
    texts = [p.read_text(encoding="utf-8") for p in _examples()]
    rng = random.Random(20)
    problems = 0
    for i in range(400):
        text = list(rng.choice(texts))
        for _ in range(rng.randint(1, 4)):
            at = rng.randrange(len(text) + 1)
            roll = rng.random()
            if roll < 0.4:
                text.insert(at, rng.choice(_PIECES))
            elif at < len(text):
                if roll < 0.8:
                    del text[at]
                else:
                    text[at] = rng.choice(_PIECES)
        path = tmp_path / f"{i}.yaml"
        path.write_text("".join(text), encoding="utf-8")
        fast, plain = _both(path, monkeypatch)
        assert fast == plain, "".join(text)
        problems += fast[0] == "problem"
    assert 50 < problems < 350  # both kinds were tried


@pytest.mark.parametrize("text", [
    "a:\nb: 1\n",  # an empty value: libyaml would place it after the colon, ruamel at the next key
    "a: {b: }\n",
    "a: &和\n",  # an anchor with nothing after it (libyaml keeps no anchors)
    "%YAML 1.1\n---\na: yes\n",  # a directive: libyaml would read yes without its version
    "a: [x,\tb]\n",  # a Tab inside brackets: ruamel's reader refuses it
    "a:\tb\n",
])
def test_what_libyaml_reads_otherwise_is_read_by_ruamel(text: str, tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "a.yaml"
    path.write_text(text, encoding="utf-8")
    fast, plain = _both(path, monkeypatch)
    assert fast == plain


@pytest.mark.parametrize("text", [
    "a: " + "[" * 100_000 + "]" * 100_000 + "\n",
    "a:\tb\nc: " + "[" * 100_000 + "]" * 100_000 + "\n",  # a Tab first: libyaml used to be asked again
    "- " * 50_000 + "x\n",
])
def test_a_very_deep_file_is_told_not_crashed_on(text: str, tmp_path: Path) -> None:
    # libyaml's composer recurses in C: asked to read this it would overflow the stack and kill the process.
    (tmp_path / "projects").mkdir()
    (tmp_path / "部门.yaml").write_text(text, encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "jixiao", "validate", str(tmp_path)],
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 1, result.stderr
    assert "部门.yaml" in result.stderr and "Traceback" not in result.stderr
