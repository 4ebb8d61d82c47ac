"""`jixiao render` with nothing changed: answered without reading the spec, the same as a render (issue 20).

The record of a render that succeeded (:mod:`jixiao.workflow.unchanged`) answers a later
render only while every input and every output is as it was: each test changes one thing
and checks that the ordinary render runs again (``open_spec`` is called) and puts things right.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from conftest import PROJECT
from jixiao.cli import app
from jixiao.cli import render as render_cli
from jixiao.resources import builtin_templates
from jixiao.workflow import unchanged

runner = CliRunner()


@pytest.fixture(autouse=True)
def _own_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("JIXIAO_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("JIXIAO_CACHE", raising=False)
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    # Other programs on this machine may install fonts at any time (which rightly renders again): not here.
    monkeypatch.setattr(unchanged, "font_environment", lambda: "fonts")


@pytest.fixture
def opened(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """The specs the ordinary render opened (the answer from the record opens none)."""
    calls: list[Path] = []
    real = render_cli.open_spec

    def spy(spec: Path, **kwargs: Any) -> Any:
        calls.append(spec)
        return real(spec, **kwargs)

    monkeypatch.setattr(render_cli, "open_spec", spy)
    return calls


def render(*args: str) -> Any:
    return runner.invoke(app, ["render", *args, "--format", "docx"])


def _files(folder: Path) -> dict[str, tuple[bytes, int]]:
    """Every file under *folder*: its bytes and modification time."""
    return {str(p.relative_to(folder)): (p.read_bytes(), p.stat().st_mtime_ns)
            for p in sorted(folder.rglob("*")) if p.is_file()}


def test_nothing_changed_writes_nothing_and_says_the_same(spec_dir: Any, tmp_path: Path,
                                                          opened: list[Path]) -> None:
    spec, out = spec_dir(), tmp_path / "out"
    first = render(str(spec), "-o", str(out))
    assert first.exit_code == 0, first.stderr
    assert len(opened) == 1
    before = _files(out)
    second = render(str(spec), "-o", str(out))
    assert (second.exit_code, second.stdout, second.stderr) == (first.exit_code, first.stdout, first.stderr)
    assert len(opened) == 1  # answered from the record: the spec was not read
    assert _files(out) == before  # not one file touched


def _append(path: Path, text: str) -> None:
    with path.open("a", encoding="utf-8") as fh:
        fh.write(text)


def _builtin(rel: str) -> str:
    return (builtin_templates() / rel).read_text(encoding="utf-8")


# Every kind of input, by where it lies (spec folder, or the user's templates/ folder above it) and what is
# appended to it: a comment, so the spec stays valid and the outputs stay the same.
INPUTS = [
    ("spec", "部门.yaml", "\n# 改动\n"),
    ("spec", "projects/01-法律顾问费.yaml", "\n# 改动\n"),
    ("spec", "presets/运转类.yaml", "\n# 改动\n"),
    ("spec", "layouts/河北.yaml", "\n# 改动\n"),
    ("spec", "rules/2021项目表.yaml", "\n# 改动\n"),
    ("user", "presets/运转类.yaml", "\n# 改动\n"),
    ("user", "layouts/河北.yaml", "\n# 改动\n"),
    ("user", "html/style.css", "\n/* 改动 */\n"),
]


@pytest.mark.parametrize(("where", "rel", "added"), INPUTS, ids=[f"{w}:{r}" for w, r, _ in INPUTS])
def test_an_edit_to_any_input_renders_again(spec_dir: Any, tmp_path: Path, opened: list[Path],
                                            where: str, rel: str, added: str) -> None:
    user = tmp_path / "templates"  # the user's own templates/ folder, above the spec folder
    extra = {} if rel.startswith("projects/") or rel == "部门.yaml" else {rel: _builtin(rel)}
    spec = spec_dir(extra=extra if where == "spec" else None)
    if where == "user":
        (user / rel).parent.mkdir(parents=True)
        (user / rel).write_text(_builtin(rel), encoding="utf-8")
    out = tmp_path / "out"
    assert render(str(spec), "-o", str(out)).exit_code == 0
    assert render(str(spec), "-o", str(out)).exit_code == 0
    assert len(opened) == 1
    _append((spec if where == "spec" else user) / rel, added)
    again = render(str(spec), "-o", str(out))
    assert again.exit_code == 0, again.stderr
    assert len(opened) == 2
    assert render(str(spec), "-o", str(out)).exit_code == 0
    assert len(opened) == 2  # and the new state is remembered


def test_an_edit_shows_in_the_outputs(spec_dir: Any, tmp_path: Path, opened: list[Path]) -> None:
    spec, out = spec_dir(), tmp_path / "out"
    assert render(str(spec), "-o", str(out)).exit_code == 0
    before = (out / "projects" / "01-法律顾问费.docx").read_bytes()
    project = spec / "projects" / "01-法律顾问费.yaml"
    project.write_text(project.read_text(encoding="utf-8").replace("5.00", "6.00"), encoding="utf-8")
    assert render(str(spec), "-o", str(out)).exit_code == 0
    assert len(opened) == 2
    assert (out / "projects" / "01-法律顾问费.docx").read_bytes() != before


@pytest.mark.parametrize("change", ["delete", "modify", "manifest", "leftover", "extra-project"])
def test_outputs_deleted_or_modified_are_rewritten(spec_dir: Any, tmp_path: Path, opened: list[Path],
                                                   change: str) -> None:
    spec, out = spec_dir(), tmp_path / "out"
    assert render(str(spec), "-o", str(out)).exit_code == 0
    rendered = {k: data for k, (data, _) in _files(out).items()}
    combined = out / "测试局部门绩效目标.docx"
    project = out / "projects" / "01-法律顾问费.docx"
    if change == "delete":
        project.unlink()
    elif change == "modify":
        combined.write_bytes(combined.read_bytes()[:-10] + b"0123456789")
    elif change == "manifest":
        _append(out / ".jixiao-manifest.json", " ")
    elif change == "leftover":  # a temporary file left by a write that was killed
        (out / ".jx-0123abcd.tmp").write_bytes(b"half")
    else:  # a project file of a project no longer in the spec, listed in the manifest: removed by a render
        stale = out / "projects" / "02-旧项目.docx"
        stale.write_bytes(b"old")
        manifest = out / ".jixiao-manifest.json"
        text = manifest.read_text(encoding="utf-8")
        import hashlib
        entry = f'"projects/02-旧项目.docx": "{hashlib.sha256(b"old").hexdigest()}",\n    '
        manifest.write_text(text.replace('"projects/01', entry + '"projects/01', 1), encoding="utf-8")
    result = render(str(spec), "-o", str(out))
    assert result.exit_code == 0, result.stderr
    assert len(opened) == 2
    assert {k: data for k, (data, _) in _files(out).items()} == rendered


@pytest.mark.parametrize("option", [
    ("--format", "pdf"), ("--force",), ("--only", "1"), ("-o", "other"), ("epoch",), ("--template",), ("fonts",),
])
def test_other_options_render_again(spec_dir: Any, tmp_path: Path, option: tuple[str, ...],
                                    monkeypatch: pytest.MonkeyPatch) -> None:
    spec = spec_dir()
    template = tmp_path / "mine.docx"
    shutil.copy(builtin_templates() / "docx" / "document.docx", template)
    base = unchanged.Request(spec, tmp_path / "out", frozenset({"docx"}), template=template)
    key = unchanged.inputs_key(base, spec)
    assert key is not None and unchanged.inputs_key(base, spec) == key
    changed = {
        "--format": lambda: unchanged.Request(spec, base.out_dir, frozenset({"docx", "pdf"}), template=template),
        "--force": lambda: unchanged.Request(spec, base.out_dir, base.formats, template=template, force=True),
        "--only": lambda: unchanged.Request(spec, base.out_dir, base.formats, ("1",), template=template),
        "-o": lambda: unchanged.Request(spec, tmp_path / "other", base.formats, template=template),
        "epoch": lambda: (monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000"), base)[1],
        "--template": lambda: (_append_bytes(template, b"x"), base)[1],
        "fonts": lambda: (monkeypatch.setattr(unchanged, "font_environment", lambda: "a font installed"), base)[1],
    }[option[0]]()
    assert unchanged.inputs_key(changed, spec) != key


def _append_bytes(path: Path, data: bytes) -> None:
    with path.open("ab") as fh:
        fh.write(data)


def test_jixiao_code_and_builtin_templates_are_inputs(spec_dir: Any, tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    spec = spec_dir()
    folders = unchanged._folders(spec)
    package = Path(unchanged.__file__).resolve().parents[1]
    assert package in folders and builtin_templates().resolve() in folders
    copy = tmp_path / "builtin"
    shutil.copytree(builtin_templates(), copy)
    monkeypatch.setattr(unchanged, "builtin_templates", lambda: copy)
    request = unchanged.Request(spec, tmp_path / "out", frozenset({"docx"}))
    key = unchanged.inputs_key(request, spec)
    _append(copy / "layouts" / "河北.yaml", "\n# 改动\n")
    assert unchanged.inputs_key(request, spec) != key


def test_doubtful_inputs_take_the_ordinary_way(spec_dir: Any, tmp_path: Path, opened: list[Path]) -> None:
    spec, out = spec_dir(), tmp_path / "out"
    (tmp_path / "elsewhere.txt").write_text("x", encoding="utf-8")
    os.symlink(tmp_path / "elsewhere.txt", spec / "link.txt")
    assert unchanged.inputs_key(unchanged.Request(spec, out, frozenset({"docx"})), spec) is None
    for _ in range(2):
        assert render(str(spec), "-o", str(out)).exit_code == 0
    assert len(opened) == 2


def test_no_cache_no_record(spec_dir: Any, tmp_path: Path, opened: list[Path],
                            monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("JIXIAO_CACHE", "0")
    spec, out = spec_dir(), tmp_path / "out"
    for _ in range(2):
        assert render(str(spec), "-o", str(out)).exit_code == 0
    assert len(opened) == 2


def test_a_tampered_record_is_not_believed(spec_dir: Any, tmp_path: Path, opened: list[Path]) -> None:
    spec, out = spec_dir(), tmp_path / "out"
    assert render(str(spec), "-o", str(out)).exit_code == 0
    entries = [p for p in (tmp_path / "cache" / "entries").rglob("*") if p.is_file()]
    for entry in entries:
        data = entry.read_bytes()
        entry.write_bytes(data.replace(b'"tables":1', b'"tables":9'))
    result = render(str(spec), "-o", str(out))
    assert result.exit_code == 0 and "1 个项目" in result.stdout
    assert len(opened) == 2


def test_checks_still_refuse_and_warnings_are_said_again(spec_dir: Any, tmp_path: Path, opened: list[Path],
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    bad = PROJECT + "改写:\n  成本: {值: ≥0.5万元/月}\n"  # cost written as a lower bound: JX302
    spec, out = spec_dir({"01-法律顾问费": bad}), tmp_path / "out"
    refused = [render(str(spec), "-o", str(out)) for _ in range(2)]
    assert [r.exit_code for r in refused] == [1, 1] and refused[0].stderr == refused[1].stderr
    assert "JX302" in refused[1].stderr and len(opened) == 2
    monkeypatch.setattr("jixiao.render.build.one_sided", lambda doc: "只换了 Word 模板")
    forced = [render(str(spec), "-o", str(out), "--force") for _ in range(2)]
    assert forced[0].exit_code == forced[1].exit_code == 0
    assert "提示：只换了 Word 模板" in forced[1].stderr and forced[0].stderr == forced[1].stderr
    assert forced[0].stdout == forced[1].stdout
    assert len(opened) == 3  # the second --force render was answered from the record


_HEAVY = ("weasyprint", "jixiao.spec.load", "jixiao.render.build", "pydantic.main", "typer.rich_utils")
_RUN = """
import runpy, sys
sys.argv = ["jixiao", *sys.argv[1:]]
try:
    runpy.run_module("jixiao", run_name="__main__")
except SystemExit as exc:
    print("exit", exc.code)
print("loaded", *[name for name in {heavy!r} if name in sys.modules])
"""


def test_the_answer_loads_no_reader_renderer_or_help_panels(spec_dir: Any, tmp_path: Path) -> None:
    import subprocess
    import sys

    spec, out = spec_dir(), tmp_path / "out"
    env = {**os.environ, "JIXIAO_CACHE_DIR": str(tmp_path / "cache")}
    command = [sys.executable, "-c", _RUN.format(heavy=_HEAVY), "render", str(spec), "-o", str(out)]
    first, second = (subprocess.run(command, env=env, capture_output=True, text=True, timeout=600) for _ in range(2))
    assert "exit 0" in first.stdout and "exit 0" in second.stdout, first.stderr + second.stderr
    assert {"jixiao.spec.load", "jixiao.render.build"} <= set(first.stdout.splitlines()[-1].split())
    # (typer 0.29 itself parses options with pydantic)
    assert set(second.stdout.splitlines()[-1].split()) <= {"loaded", "pydantic.main"}
    assert first.stdout.splitlines()[:-2] == second.stdout.splitlines()[:-2]


@pytest.mark.skipif(not hasattr(os, "getuid"), reason="POSIX permissions")
def test_a_folder_others_may_now_write_to_counts_as_a_change(spec_dir: Any, tmp_path: Path) -> None:
    # (templates in a folder others can write to are not used: the outputs may change)
    spec = spec_dir(extra={"presets/运转类.yaml": _builtin("presets/运转类.yaml")})
    request = unchanged.Request(spec, tmp_path / "out", frozenset({"docx"}))
    key = unchanged.inputs_key(request, spec)
    (spec / "presets").chmod(0o777)
    try:
        assert unchanged.inputs_key(request, spec) != key
    finally:
        (spec / "presets").chmod(0o755)


def test_several_specs_with_nothing_changed_start_no_worker(spec_dir: Any, tmp_path: Path,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    from jixiao.render import pool

    monkeypatch.setenv("JIXIAO_JOBS", "1")  # render in this process, where the fonts are pinned (above)
    first = spec_dir()
    second = shutil.copytree(first, tmp_path / "second")
    out = tmp_path / "out"
    command = ["render", str(first), str(second), "-o", str(out), "--format", "docx"]
    rendered = runner.invoke(app, command)
    assert rendered.exit_code == 0, rendered.stderr
    before = _files(out)
    monkeypatch.setattr(pool, "executor", lambda workers: pytest.fail("a worker was started"))
    again = runner.invoke(app, command)
    assert (again.exit_code, again.stdout, again.stderr) == (0, rendered.stdout, rendered.stderr)
    assert _files(out) == before
    _append(second / "部门.yaml", "\n# 改动\n")
    calls: list[int] = []
    monkeypatch.setattr(pool, "executor", lambda workers: calls.append(workers) or pool.InlineExecutor())
    assert runner.invoke(app, command).exit_code == 0
    assert calls == [1]  # the edited one only
    assert runner.invoke(app, command).exit_code == 0
    assert calls == [1]  # and now it is remembered too
