"""Every Jinja environment jixiao creates is a sandbox, so a new one cannot slip in unnoticed."""

from __future__ import annotations

import ast
from pathlib import Path
from typing import Any

import jinja2
import pytest
from jinja2.sandbox import ImmutableSandboxedEnvironment
from typer.testing import CliRunner

from conftest import PROJECT
from jixiao.cli import app
from jixiao.textenv import Sandbox, markup_env, text_env

SRC = Path(__file__).resolve().parents[1] / "src" / "jixiao"
runner = CliRunner()


def test_every_environment_created_while_working_is_a_sandbox(
    spec_dir: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Run every command that renders text and record each environment built meanwhile."""
    made: list[type[jinja2.Environment]] = []
    original = jinja2.Environment.__init__

    def record(self: jinja2.Environment, *args: Any, **kwargs: Any) -> None:
        made.append(type(self))
        original(self, *args, **kwargs)

    monkeypatch.setattr(jinja2.Environment, "__init__", record)
    text_env.cache_clear()
    markup_env.cache_clear()
    try:
        spec = spec_dir({"01-法律顾问费": PROJECT + '改写:\n  成本: {值: "≤{{ 预算数 }}万元"}\n'})
        for args in (
            ["validate", str(spec)],
            ["check", str(spec)],
            ["render", str(spec), "-o", str(tmp_path / "out"), "--format", "docx", "--format", "html"],
            ["init", str(tmp_path / "新部门"), "--部门", "某局"],
            ["new", str(spec), "宣传费"],
        ):
            result = runner.invoke(app, args)
            assert result.exit_code == 0, (args, result.output)
    finally:
        text_env.cache_clear()
        markup_env.cache_clear()
    assert made, "no environment was created: the recorder is not working"
    assert all(issubclass(kind, Sandbox) for kind in made), made
    assert issubclass(Sandbox, ImmutableSandboxedEnvironment)


def test_no_module_builds_an_environment_of_its_own() -> None:
    """Only jixiao/textenv.py may construct Jinja environments or compile template strings."""
    offenders = []
    for path in SRC.rglob("*.py"):
        if path.name == "textenv.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call):
                func = node.func
                name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
                if name in {"Environment", "SandboxedEnvironment", "Template", "NativeEnvironment"}:
                    offenders.append(f"{path.relative_to(SRC)}:{node.lineno}")
    assert not offenders


def test_environments_offer_only_documented_names() -> None:
    assert set(text_env().globals) == {"向上取整"}
    assert set(text_env().filters) == {"接"}
    assert markup_env().globals == {}
    assert "center" not in markup_env().filters and "format" not in markup_env().filters
