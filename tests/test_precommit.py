"""The hooks of .pre-commit-hooks.yaml, run in a temporary repository by the pre-commit tool.

pre-commit would install jixiao from this repository (``language: python``);
the test runs the same hooks (id, entry, files, require_serial) as local
``language: system`` hooks with this environment's jixiao on PATH, so nothing
is downloaded. Without the pre-commit tool the hooks are invoked the way
pre-commit would: the matching files passed after the entry.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from ruamel.yaml import YAML

from conftest import DEPARTMENT, PROJECT, write_tree

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
HOOKS: list[dict[str, Any]] = YAML(typ="safe", pure=True).load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
PRE_COMMIT = shutil.which("pre-commit", path=str(BIN)) or shutil.which("pre-commit")


def test_hooks_file() -> None:
    assert [h["id"] for h in HOOKS] == ["jixiao-fmt", "jixiao-validate", "jixiao-check"]
    for hook in HOOKS:
        assert hook["entry"].startswith("jixiao ") and hook["language"] == "python"
        files = re.compile(hook["files"])
        for path in ("部门.yaml", "specs/x/部门.yaml", "specs/x/projects/01-办公费.yaml", "x/presets/本级.yaml",
                     "templates/presets/共用.yaml", "department.yaml"):
            assert files.search(path), path
        for path in (".pre-commit-config.yaml", "specs/x/schema/project.schema.json", ".github/workflows/ci.yaml",
                  "specs/x/projects/sub/a.yaml", "notes/部门.yaml.bak"):
            assert not files.search(path), path


@pytest.mark.skipif(PRE_COMMIT is None, reason="the pre-commit tool is not installed")
def test_pre_commit_accepts_the_hooks_file() -> None:
    assert PRE_COMMIT is not None
    done = subprocess.run([PRE_COMMIT, "validate-manifest", str(ROOT / ".pre-commit-hooks.yaml")],
                          capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stdout + done.stderr


def _env(tmp_path: Path) -> dict[str, str]:
    return {
        **os.environ,
        "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}",
        "PRE_COMMIT_HOME": str(tmp_path / "pre-commit-cache"),
        "GIT_CONFIG_GLOBAL": os.devnull,
        "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com",
        "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.com",
    }


def _config() -> str:
    """.pre-commit-config.yaml with the hooks of this repository, run from this environment."""
    lines = ["repos:", "  - repo: local", "    hooks:"]
    for hook in HOOKS:
        lines.append(f"      - id: {hook['id']}")
        for key in ("name", "entry", "files", "require_serial"):
            value = hook[key]
            lines.append(f"        {key}: {json.dumps(value, ensure_ascii=False)}")
        lines.append("        language: system")
    return "\n".join(lines) + "\n"


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    write_tree(root / "specs" / "测试局", {"部门.yaml": DEPARTMENT, "projects/01-法律顾问费.yaml": PROJECT})
    (root / ".pre-commit-config.yaml").write_text(_config(), encoding="utf-8")
    (root / "说明.md").write_text("不是规格\n", encoding="utf-8")
    subprocess.run(["git", "init", "-q"], cwd=root, check=True, env=_env(tmp_path))
    return root


def _run(repo: Path, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    """Stage everything and run the hooks on all files, as ``pre-commit run --all-files`` does."""
    env = _env(tmp_path)
    subprocess.run(["git", "add", "-A"], cwd=repo, check=True, env=env)
    if PRE_COMMIT is not None:
        return subprocess.run([PRE_COMMIT, "run", "--all-files", "--color", "never"], cwd=repo, env=env,
                              capture_output=True, text=True, check=False)
    return _like_pre_commit(repo, env)


def _like_pre_commit(repo: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    listed = subprocess.run(["git", "ls-files", "-z"], cwd=repo, env=env, capture_output=True, check=True).stdout
    files = [os.fsdecode(name) for name in listed.split(b"\0") if name]
    output, code = [], 0
    for hook in HOOKS:
        chosen = [f for f in files if re.search(hook["files"], f)]
        if not chosen:
            continue
        before = {f: (repo / f).read_bytes() for f in chosen}
        done = subprocess.run([*hook["entry"].split(), *chosen], cwd=repo, env=env, capture_output=True, text=True,
                              check=False)
        modified = any((repo / f).read_bytes() != data for f, data in before.items())
        failed = done.returncode != 0 or modified
        output.append(f"{hook['name']}...{'Failed' if failed else 'Passed'}\n{done.stdout}{done.stderr}")
        if modified:
            output.append("- files were modified by this hook\n")
        code = code or int(failed)
    return subprocess.CompletedProcess([], code, "".join(output), "")


def _status(output: str, hook: dict[str, Any]) -> str:
    line = next(line for line in output.splitlines() if line.startswith(hook["name"]))
    return "Passed" if line.endswith("Passed") else "Failed"


def test_a_good_spec_passes(repo: Path, tmp_path: Path) -> None:
    result = _run(repo, tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert [_status(result.stdout, h) for h in HOOKS] == ["Passed"] * 3


def test_fmt_hook_formats_and_stops_the_commit(repo: Path, tmp_path: Path) -> None:
    path = repo / "specs" / "测试局" / "projects" / "01-法律顾问费.yaml"
    path.write_text(PROJECT.replace("资金用途: 法律咨询服务", "资金用途: '法律咨询服务'"), encoding="utf-8")
    result = _run(repo, tmp_path)
    assert result.returncode == 1
    assert [_status(result.stdout, h) for h in HOOKS] == ["Failed", "Passed", "Passed"]
    assert "files were modified by this hook" in result.stdout
    assert path.read_text(encoding="utf-8") == PROJECT
    assert _run(repo, tmp_path).returncode == 0  # the formatted file, staged again, passes


def test_validate_hook_stops_a_broken_spec(repo: Path, tmp_path: Path) -> None:
    path = repo / "specs" / "测试局" / "projects" / "01-法律顾问费.yaml"
    path.write_text(PROJECT.replace("预算数: 5.00", "预算: 5.00"), encoding="utf-8")
    result = _run(repo, tmp_path)
    assert result.returncode == 1
    assert _status(result.stdout, HOOKS[1]) == "Failed"
    assert "01-法律顾问费.yaml:3:1" in result.stdout and "预算数" in result.stdout


def test_check_hook_stops_on_errors_only(repo: Path, tmp_path: Path) -> None:
    path = repo / "specs" / "测试局" / "projects" / "01-法律顾问费.yaml"
    path.write_text(PROJECT + "改写:\n  成本: {值: ≤0.10万元/月}\n", encoding="utf-8")
    result = _run(repo, tmp_path)
    assert result.returncode == 1
    assert [_status(result.stdout, h) for h in HOOKS] == ["Passed", "Passed", "Failed"]
    assert "JX304" in result.stdout
    assert "警告" not in result.stdout  # only error-level findings are shown
    path.write_text(PROJECT, encoding="utf-8")
    assert _run(repo, tmp_path).returncode == 0


def test_a_shared_preset_checks_every_spec_below_it(repo: Path, tmp_path: Path) -> None:
    write_tree(repo / "specs" / "另一局", {"部门.yaml": DEPARTMENT.replace("预设: 运转类", "预设: 共用"),
                                          "projects/01-法律顾问费.yaml": PROJECT})
    preset = (ROOT / "templates" / "presets" / "运转类.yaml").read_text(encoding="utf-8")
    write_tree(repo / "templates" / "presets", {"共用.yaml": preset.replace("\"=100%\"", "\"≥很高\"")})
    result = _run(repo, tmp_path)
    assert _status(result.stdout, HOOKS[1]) == "Failed"
    assert "共用.yaml" in result.stdout
