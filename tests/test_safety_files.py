"""Rendering never leaves partial or corrupt files and never deletes the user's files.

Output folder rules, write errors (permissions, full disk, Ctrl-C) with the old
output left byte for byte, long names, the manifest-based clean-up, and the
lock that keeps two renders into one folder apart. Tests run as root, so
permission errors are simulated by patching ``os`` functions.
"""

from __future__ import annotations

import errno
import fcntl
import hashlib
import json
import os
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import docx
import pytest
from typer.testing import CliRunner

from conftest import PROJECT
from jixiao import cli, fileio
from jixiao.cli import render as render_command
from jixiao.expand.department import expand_department
from jixiao.limits import MAX_FILE_NAME_BYTES
from jixiao.manifest import MANIFEST
from jixiao.model.document import Document
from jixiao.render import outputs
from jixiao.render.build import RenderOptions, render_department
from jixiao.safenames import safe_name
from jixiao.spec.load import load_department

runner = CliRunner()
SECOND = PROJECT.replace("法律顾问费", "印刷费").replace("法律咨询服务", "印刷材料")
COMBINED = "测试局部门绩效目标.docx"


def _tree(folder: Path) -> dict[str, bytes]:
    """Every file under *folder* (the manifest too): relative path → bytes."""
    if not folder.exists():
        return {}
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def _hashes(folder: Path) -> dict[str, str]:
    return {name: hashlib.sha256(data).hexdigest() for name, data in _tree(folder).items()}


def _leftovers(folder: Path) -> list[str]:
    """Temporary files left anywhere under *folder*."""
    if not folder.exists():
        return []
    return sorted(
        str(p) for p in folder.rglob("*") if p.name.endswith(".tmp") or p.name.startswith(".jx-")
    )


def _manifest(out: Path) -> list[str]:
    return sorted(json.loads((out / MANIFEST).read_text(encoding="utf-8"))["files"])


class Case:
    """A spec folder, an output folder and the spec's hashes, to check after each command."""

    def __init__(self, spec: Path, out: Path) -> None:
        self.spec = spec
        self.out = out
        self.spec_hashes = _hashes(spec)

    def render(self, *args: str, fmt: str = "docx") -> Any:
        return self.run("render", str(self.spec), "-o", str(self.out), "--format", fmt, *args)

    def run(self, *args: str) -> Any:
        result = runner.invoke(cli.app, list(args))
        text = result.stdout + result.stderr
        assert "Traceback" not in text, text
        assert result.exit_code != 3, text
        # CliRunner turns a stray exception into exit code 1: make sure there was none.
        assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
        return result

    def check_clean(self) -> None:
        """The spec is untouched and no temporary file is left under the output folder."""
        assert _hashes(self.spec) == self.spec_hashes
        assert _leftovers(self.out) == []
        assert _leftovers(self.spec) == []


@pytest.fixture
def case(spec_dir: Any, tmp_path: Path) -> Case:
    return Case(spec_dir({"01-法律顾问费": PROJECT, "02-印刷费": SECOND}), tmp_path / "out")


@pytest.fixture
def rendered(case: Case) -> tuple[Case, dict[str, bytes]]:
    """*case* rendered once, then its spec changed so that a new render writes different bytes."""
    first = case.render()
    assert first.exit_code == 0, first.stderr
    before = _tree(case.out)
    path = case.spec / "projects" / "01-法律顾问费.yaml"
    path.write_text(PROJECT.replace("5.00", "6.00"), encoding="utf-8")
    case.spec_hashes = _hashes(case.spec)
    return case, before


def _is_temp(path: Any) -> bool:
    return Path(os.fsdecode(path)).name.startswith(fileio.TEMP_PREFIX)


def _fail_temp_open(monkeypatch: pytest.MonkeyPatch, exc: BaseException, nth: int = 1) -> None:
    """Make the *nth* temporary file jixiao creates fail to open with *exc*."""
    real = os.open
    count = [0]

    def fake(path: Any, flags: int, mode: int = 0o777, **kw: Any) -> int:
        if _is_temp(path) and flags & os.O_CREAT:
            count[0] += 1
            if count[0] == nth:
                raise exc
        return real(path, flags, mode, **kw)

    monkeypatch.setattr(os, "open", fake)


def _fail_temp_write(monkeypatch: pytest.MonkeyPatch, exc: BaseException, nth: int) -> None:
    """Write half of the *nth* temporary file, then raise *exc* (a full disk, Ctrl-C)."""
    real_open, real_write, real_close = os.open, os.write, os.close
    order: dict[int, int] = {}
    count = [0]

    def fake_open(path: Any, flags: int, mode: int = 0o777, **kw: Any) -> int:
        fd = real_open(path, flags, mode, **kw)
        if _is_temp(path) and flags & os.O_CREAT:
            count[0] += 1
            order[fd] = count[0]
        return fd

    def fake_write(fd: int, data: Any) -> int:
        if order.get(fd) == nth:
            real_write(fd, bytes(data)[: len(data) // 2])
            raise exc
        return real_write(fd, data)

    def fake_close(fd: int) -> None:
        order.pop(fd, None)
        real_close(fd)

    monkeypatch.setattr(os, "open", fake_open)
    monkeypatch.setattr(os, "write", fake_write)
    monkeypatch.setattr(os, "close", fake_close)


def _fail_rename(monkeypatch: pytest.MonkeyPatch, exc: BaseException, nth: int) -> None:
    """Make the *nth* rename of a temporary file into place raise *exc*."""
    real = os.replace
    count = [0]

    def fake(src: Any, dst: Any, **kw: Any) -> None:
        if _is_temp(src) and not _is_temp(dst):
            count[0] += 1
            if count[0] == nth:
                raise exc
        real(src, dst, **kw)

    monkeypatch.setattr(os, "replace", fake)


# --- output folder rules -------------------------------------------------------------------


def test_output_that_is_an_existing_file_is_refused(case: Case) -> None:
    case.out.write_bytes(b"my own file")
    result = case.render()
    assert result.exit_code == 2
    assert "是一个已有的文件" in result.stderr and "-o" in result.stderr
    assert case.out.read_bytes() == b"my own file"
    assert _leftovers(case.out.parent) == []
    case.check_clean()


@pytest.mark.parametrize("inside", [".", "out", "projects/out"])
def test_explicit_output_inside_the_spec_folder_is_refused(
    case: Case, monkeypatch: pytest.MonkeyPatch, inside: str
) -> None:
    def not_reached(*args: Any, **kw: Any) -> Any:
        raise AssertionError("the spec was loaded before the output folder was checked")

    monkeypatch.setattr(render_command, "open_spec", not_reached)
    target = case.spec / inside
    result = case.run("render", str(case.spec), "-o", str(target), "--format", "docx")
    assert result.exit_code == 2
    assert "在规格文件夹" in result.stderr and "之内" in result.stderr
    assert "只应存放规格" in result.stderr and "-o output/spec" in result.stderr
    case.check_clean()
    assert inside == "." or not target.exists()


@pytest.mark.parametrize("where", ["", "projects"])
def test_default_output_inside_the_spec_folder_is_refused(
    case: Case, monkeypatch: pytest.MonkeyPatch, where: str
) -> None:
    monkeypatch.chdir(case.spec / where)
    result = case.run("render", str(case.spec), "--format", "docx")
    assert result.exit_code == 2
    assert "当前文件夹" in result.stderr and "只应存放规格" in result.stderr
    suggestion = os.path.relpath(case.spec.parent / "output" / "spec")
    assert f"-o {suggestion}" in result.stderr
    assert not (case.spec / where / "output").exists()
    case.check_clean()
    # The suggestion works.
    good = case.run("render", str(case.spec), "--format", "docx", "-o", suggestion)
    assert good.exit_code == 0, good.stderr
    assert (case.spec.parent / "output" / "spec" / COMBINED).is_file()
    case.check_clean()


def test_expand_output_rules(case: Case, tmp_path: Path) -> None:
    folder = tmp_path / "folder"
    folder.mkdir()
    result = case.run("expand", str(case.spec), "-o", str(folder))
    assert result.exit_code == 2 and "是一个文件夹" in result.stderr
    assert list(folder.iterdir()) == []
    inside = case.run("expand", str(case.spec), "-o", str(case.spec / "部门.yaml"))
    assert inside.exit_code == 2 and "在规格文件夹" in inside.stderr and "覆盖规格文件" in inside.stderr
    case.check_clean()
    good = case.run("expand", str(case.spec), "-o", str(tmp_path / "model.json"))
    assert good.exit_code == 0, good.stderr
    assert json.loads((tmp_path / "model.json").read_text(encoding="utf-8"))
    assert _leftovers(tmp_path) == []


def test_expand_write_error_is_reported(case: Case, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "model.json"
    target.write_bytes(b"old")
    _fail_temp_open(monkeypatch, PermissionError(errno.EACCES, "Permission denied"))
    result = case.run("expand", str(case.spec), "-o", str(target))
    assert result.exit_code == 1
    assert "无法写入" in result.stderr and str(target) in result.stderr and "权限不足" in result.stderr
    assert target.read_bytes() == b"old"
    assert _leftovers(tmp_path) == []


# --- write errors leave the previous output --------------------------------------------------


@pytest.mark.parametrize("how", ["open", "rename"])
def test_permission_denied_leaves_the_old_output(
    rendered: tuple[Case, dict[str, bytes]], monkeypatch: pytest.MonkeyPatch, how: str
) -> None:
    case, before = rendered
    denied = PermissionError(errno.EACCES, "Permission denied")
    if how == "open":
        _fail_temp_open(monkeypatch, denied, nth=2)
    else:
        _fail_rename(monkeypatch, denied, nth=3)  # two files already renamed into place: put back
    result = case.render()
    assert result.exit_code == 1
    assert "权限不足" in result.stderr and str(case.out) in result.stderr
    assert "原有文件保持不变" in result.stderr and "写权限" in result.stderr
    assert _tree(case.out) == before
    case.check_clean()


def test_permission_denied_on_a_new_folder_leaves_nothing(
    case: Case, monkeypatch: pytest.MonkeyPatch
) -> None:
    _fail_temp_open(monkeypatch, PermissionError(errno.EACCES, "Permission denied"), nth=3)
    result = case.render()
    assert result.exit_code == 1 and "权限不足" in result.stderr
    assert not case.out.exists()  # the folders this render created are gone again
    case.check_clean()


def test_unwritable_parent_folder(case: Case, monkeypatch: pytest.MonkeyPatch) -> None:
    case.out = case.out / "deeper"
    real = os.mkdir

    def fake(path: Any, *args: Any, **kw: Any) -> None:
        if Path(os.fsdecode(path)).name == "deeper":
            raise PermissionError(errno.EACCES, "Permission denied", os.fsdecode(path))
        real(path, *args, **kw)

    monkeypatch.setattr(os, "mkdir", fake)
    result = case.render()
    assert result.exit_code == 1 and "权限不足" in result.stderr and "deeper" in result.stderr
    assert not case.out.parent.exists()  # out/ was created for it, then removed again
    case.check_clean()


def test_read_only_file_system(rendered: tuple[Case, dict[str, bytes]], monkeypatch: pytest.MonkeyPatch) -> None:
    case, before = rendered
    _fail_temp_open(monkeypatch, OSError(errno.EROFS, "Read-only file system"))
    result = case.render()
    assert result.exit_code == 1 and "只读" in result.stderr
    assert _tree(case.out) == before
    case.check_clean()


def test_full_disk_at_the_third_file(rendered: tuple[Case, dict[str, bytes]], monkeypatch: pytest.MonkeyPatch) -> None:
    case, before = rendered
    _fail_temp_write(monkeypatch, OSError(errno.ENOSPC, "No space left on device"), nth=3)
    result = case.render()
    assert result.exit_code == 1
    assert "磁盘空间不足" in result.stderr and "清理磁盘空间" in result.stderr
    assert str(case.out) in result.stderr
    assert _tree(case.out) == before
    case.check_clean()


def test_other_os_errors_name_the_cause(rendered: tuple[Case, dict[str, bytes]], monkeypatch: pytest.MonkeyPatch) -> None:
    case, before = rendered
    _fail_temp_write(monkeypatch, OSError(errno.ECONNRESET, "Connection reset by peer"), nth=1)
    result = case.render()
    assert result.exit_code == 1 and "Connection reset by peer" in result.stderr
    assert _tree(case.out) == before
    case.check_clean()


@pytest.mark.parametrize("where", ["write", "rename"])
def test_ctrl_c_leaves_the_old_output(
    rendered: tuple[Case, dict[str, bytes]], monkeypatch: pytest.MonkeyPatch, where: str
) -> None:
    case, before = rendered
    if where == "write":
        _fail_temp_write(monkeypatch, KeyboardInterrupt(), nth=2)
    else:
        _fail_rename(monkeypatch, KeyboardInterrupt(), nth=2)
    result = case.render()
    assert result.exit_code == 130
    assert _tree(case.out) == before
    case.check_clean()


def test_failure_after_a_removal_puts_the_removed_file_back(
    case: Case, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert case.render().exit_code == 0
    (case.spec / "projects" / "01-法律顾问费.yaml").unlink()  # its files become stale
    case.spec_hashes = _hashes(case.spec)
    before = _tree(case.out)
    _fail_rename(monkeypatch, OSError(errno.EIO, "Input/output error"), nth=2)
    result = case.render()
    assert result.exit_code == 1 and "读写设备出错" in result.stderr
    assert _tree(case.out) == before
    case.check_clean()


# --- names ---------------------------------------------------------------------------------


def test_safe_name_limits_bytes_and_keeps_normal_names() -> None:
    assert safe_name("办公楼维修（护）费") == "办公楼维修（护）费"
    assert safe_name("2025年唐山市医疗保障局部门绩效目标") == "2025年唐山市医疗保障局部门绩效目标"
    assert safe_name("a" * 300) == "a" * 80
    long = safe_name("长" * 300)
    assert len(long.encode("utf-8")) <= MAX_FILE_NAME_BYTES and set(long) == {"长"}
    mixed = safe_name("a" + "长" * 100)  # the cut falls inside a character: drop all of it
    assert len(mixed.encode("utf-8")) <= MAX_FILE_NAME_BYTES
    assert mixed.encode("utf-8").decode("utf-8") == mixed
    assert safe_name("CON") == "CON_" and safe_name("nul.txt") == "nul_.txt"
    assert safe_name("CONSOLE") == "CONSOLE"


def test_a_300_character_project_name_renders(spec_dir: Any, tmp_path: Path) -> None:
    name = "长" * 300
    spec = spec_dir({"01-长项目": PROJECT.replace("项目名称: 法律顾问费", f"项目名称: {name}")})
    case = Case(spec, tmp_path / "out")
    result = case.render(fmt="all")
    assert result.exit_code == 0, result.stderr
    files = [p for p in case.out.rglob("*") if p.is_file()]
    assert {p.suffix for p in files} == {".docx", ".pdf", ".json", ".xlsx"}
    for path in files:
        assert len(path.name.encode("utf-8")) <= 255, path.name
    (project,) = (case.out / "projects").glob("*.docx")
    assert project.name == "01-长项目.docx"  # named like its project file, whatever its 项目名称
    assert name in "".join(p.text for t in docx.Document(str(project)).tables for r in t.rows for p in r.cells)
    case.check_clean()


# --- manifest-based clean-up ------------------------------------------------------------------


def test_manifest_lists_what_was_written_and_is_deterministic(case: Case, tmp_path: Path) -> None:
    assert case.render().exit_code == 0
    assert _manifest(case.out) == sorted([COMBINED, "projects/01-法律顾问费.docx", "projects/02-印刷费.docx"])
    data = json.loads((case.out / MANIFEST).read_text(encoding="utf-8"))
    for rel, digest in data["files"].items():
        assert hashlib.sha256((case.out / rel).read_bytes()).hexdigest() == digest
    again = Case(case.spec, tmp_path / "again")
    assert again.render().exit_code == 0
    assert (again.out / MANIFEST).read_bytes() == (case.out / MANIFEST).read_bytes()


def test_users_files_survive_and_deleted_projects_are_removed(case: Case) -> None:
    assert case.render().exit_code == 0
    mine = case.out / "projects" / "07-我的备注.docx"
    mine.write_bytes(b"user notes")
    (case.out / "我的说明.pdf").write_bytes(b"user pdf")
    (case.spec / "projects" / "01-法律顾问费.yaml").unlink()  # 印刷费 keeps its file name
    case.spec_hashes = _hashes(case.spec)
    result = case.render()
    assert result.exit_code == 0, result.stderr
    assert sorted(_tree(case.out)) == sorted([
        MANIFEST,
        COMBINED,
        "projects/02-印刷费.docx",
        "projects/07-我的备注.docx",
        "我的说明.pdf",
    ])
    assert mine.read_bytes() == b"user notes"
    assert "已删除已不存在的项目的旧文件 1 个：01-法律顾问费.docx" in result.stdout
    assert _manifest(case.out) == sorted([COMBINED, "projects/02-印刷费.docx"])
    case.check_clean()


def test_a_changed_output_file_is_not_removed(case: Case) -> None:
    assert case.render().exit_code == 0
    edited = case.out / "projects" / "02-印刷费.docx"
    edited.write_bytes(edited.read_bytes() + b"edited by the user")
    (case.spec / "projects" / "02-印刷费.yaml").unlink()
    case.spec_hashes = _hashes(case.spec)
    assert case.render().exit_code == 0
    assert edited.read_bytes().endswith(b"edited by the user")
    assert _manifest(case.out) == sorted([COMBINED, "projects/01-法律顾问费.docx"])
    case.check_clean()


def test_a_folder_without_manifest_has_nothing_removed(case: Case) -> None:
    assert case.render().exit_code == 0
    (case.out / MANIFEST).unlink()  # as written by an older jixiao
    (case.spec / "projects" / "02-印刷费.yaml").unlink()
    case.spec_hashes = _hashes(case.spec)
    assert case.render().exit_code == 0
    assert (case.out / "projects" / "02-印刷费.docx").is_file()
    assert _manifest(case.out) == sorted([COMBINED, "projects/01-法律顾问费.docx"])


def test_a_hostile_manifest_cannot_remove_other_files(case: Case, tmp_path: Path) -> None:
    victim = tmp_path / "victim.docx"
    victim.write_bytes(b"precious")
    digest = hashlib.sha256(b"precious").hexdigest()
    case.out.mkdir()
    (case.out / "projects").mkdir()
    (case.out / "projects" / "victim.docx").symlink_to(victim)
    (case.out / "x.yaml").write_bytes(b"precious")
    entries = ["../victim.docx", str(victim), "projects/../../victim.docx", "projects/victim.docx", "x.yaml"]
    (case.out / MANIFEST).write_text(json.dumps({"files": dict.fromkeys(entries, digest)}), encoding="utf-8")
    assert case.render().exit_code == 0
    assert victim.read_bytes() == b"precious"
    assert (case.out / "projects" / "victim.docx").is_symlink()
    assert (case.out / "x.yaml").read_bytes() == b"precious"
    assert _manifest(case.out) == sorted([COMBINED, "projects/01-法律顾问费.docx", "projects/02-印刷费.docx"])


def test_a_corrupt_manifest_removes_nothing(case: Case) -> None:
    assert case.render().exit_code == 0
    (case.out / MANIFEST).write_bytes(b"{not json")
    (case.spec / "projects" / "02-印刷费.yaml").unlink()
    case.spec_hashes = _hashes(case.spec)
    assert case.render().exit_code == 0
    assert (case.out / "projects" / "02-印刷费.docx").is_file()
    assert _manifest(case.out) == sorted([COMBINED, "projects/01-法律顾问费.docx"])


def test_only_removes_nothing_and_keeps_the_manifest(case: Case) -> None:
    assert case.render().exit_code == 0
    (case.spec / "projects" / "01-法律顾问费.yaml").unlink()  # 印刷费 is table 1 now, still 02-印刷费
    case.spec_hashes = _hashes(case.spec)
    before = _tree(case.out)["projects/02-印刷费.docx"]
    result = case.render("--only", "1")
    assert result.exit_code == 0, result.stderr
    assert sorted(_tree(case.out)) == sorted([
        MANIFEST,
        COMBINED,
        "projects/01-法律顾问费.docx",
        "projects/02-印刷费.docx",
    ])
    assert _tree(case.out)["projects/02-印刷费.docx"] != before  # its number in the title changed
    assert _manifest(case.out) == sorted(_tree(case.out))[1:]
    # The next full render removes what is no longer produced: it is all in the manifest.
    assert case.render().exit_code == 0
    assert sorted(_tree(case.out)) == sorted([MANIFEST, COMBINED, "projects/02-印刷费.docx"])
    case.check_clean()


def test_a_render_in_another_format_keeps_the_first_formats_files(case: Case) -> None:
    assert case.render().exit_code == 0
    assert case.render(fmt="html").exit_code == 0
    assert sorted(_tree(case.out)) == sorted([
        MANIFEST,
        COMBINED,
        "测试局部门绩效目标.html",
        "projects/01-法律顾问费.docx",
        "projects/02-印刷费.docx",
    ])
    assert _manifest(case.out) == sorted(_tree(case.out))[1:]


def test_a_word_only_render_also_removes_the_pdf_of_a_deleted_project(case: Case) -> None:
    assert case.render(fmt="all").exit_code == 0
    (case.spec / "projects" / "02-印刷费.yaml").unlink()
    case.spec_hashes = _hashes(case.spec)
    result = case.render()
    assert result.exit_code == 0, result.stderr
    assert sorted(_tree(case.out)) == sorted([
        MANIFEST,
        COMBINED,
        "测试局部门绩效目标.pdf",
        "测试局部门绩效目标.xlsx",
        "projects/01-法律顾问费.docx",
        "projects/01-法律顾问费.pdf",
    ])
    assert _manifest(case.out) == sorted(_tree(case.out))[1:]
    case.check_clean()


def test_orphaned_temporary_files_are_cleaned_up(case: Case) -> None:
    (case.out / "projects").mkdir(parents=True)
    (case.out / ".jx-0123abcd.tmp").write_bytes(b"left by a killed render")
    (case.out / "projects" / ".jx-89abcdef.tmp").write_bytes(b"left by a killed render")
    (case.out / ".jx-notes.tmp").write_bytes(b"not ours: another name pattern")
    assert case.render().exit_code == 0
    assert not (case.out / ".jx-0123abcd.tmp").exists()
    assert not (case.out / "projects" / ".jx-89abcdef.tmp").exists()
    assert (case.out / ".jx-notes.tmp").exists()


# --- two renders at once -------------------------------------------------------------------


@contextmanager
def _locked(folder: Path) -> Iterator[None]:
    fd = os.open(folder, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)


def test_a_held_lock_makes_the_render_wait_then_refuse(
    rendered: tuple[Case, dict[str, bytes]], monkeypatch: pytest.MonkeyPatch
) -> None:
    case, before = rendered
    monkeypatch.setattr(fileio, "LOCK_WAIT_SECONDS", 0.3)
    with _locked(case.out):
        result = case.render()
    assert result.exit_code == 1
    assert "另一个 jixiao render 正在写入" in result.stderr and "请等它结束后重试" in result.stderr
    assert _tree(case.out) == before
    case.check_clean()
    assert not list(case.out.parent.glob("*.lock"))  # no lock file is ever left


def test_a_render_waits_for_the_lock_and_then_writes(
    rendered: tuple[Case, dict[str, bytes]], monkeypatch: pytest.MonkeyPatch
) -> None:
    case, before = rendered
    monkeypatch.setattr(fileio, "LOCK_WAIT_SECONDS", 20.0)
    release = threading.Event()

    def hold() -> None:
        with _locked(case.out):
            release.wait(10)

    holder = threading.Thread(target=hold)
    holder.start()
    threading.Timer(0.5, release.set).start()
    start = time.monotonic()
    result = case.render()
    holder.join()
    assert result.exit_code == 0, result.stderr
    assert time.monotonic() - start >= 0.4
    assert _tree(case.out) != before
    case.check_clean()


def test_a_folder_removed_while_waiting_is_made_again(case: Case, monkeypatch: pytest.MonkeyPatch) -> None:
    """The lock holder failed and removed the empty folder it had made: the waiting render goes on."""
    case.out.mkdir()
    doc = _doc(case.spec)
    stages: list[str] = []

    def holder(ready: threading.Event) -> None:
        with _locked(case.out):
            ready.set()
            time.sleep(1.0)
            os.rmdir(case.out)

    ready = threading.Event()
    thread = threading.Thread(target=holder, args=(ready,))
    thread.start()
    ready.wait(5)
    options = RenderOptions(out_dir=case.out, formats=frozenset({"docx"}))
    render_department(doc, case.spec, options, lambda stage, done, total: stages.append(stage))
    thread.join()
    assert stages.count("等待另一个 jixiao render 写完") == 1
    assert _manifest(case.out) == sorted([COMBINED, "projects/01-法律顾问费.docx", "projects/02-印刷费.docx"])
    case.check_clean()


def _doc(spec: Path) -> Document:
    return expand_department(load_department(spec))


def test_writers_of_one_folder_take_turns(case: Case, monkeypatch: pytest.MonkeyPatch) -> None:
    """Two renders in threads: the second one's write phase starts after the first one's ended."""
    doc = _doc(case.spec)
    real: Callable[..., None] = fileio.write_set
    spans: list[tuple[float, float]] = []

    def slow(*args: Any, **kw: Any) -> None:
        start = time.monotonic()
        time.sleep(0.3)
        real(*args, **kw)
        spans.append((start, time.monotonic()))

    monkeypatch.setattr(outputs, "write_set", slow)
    errors: list[BaseException] = []

    def one() -> None:
        try:
            render_department(doc, case.spec, RenderOptions(out_dir=case.out, formats=frozenset({"docx"})))
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=one) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    (a, b) = sorted(spans)
    assert b[0] >= a[1]  # no overlap
    case.check_clean()


def test_two_render_processes_at_once(case: Case) -> None:
    command = [sys.executable, "-m", "jixiao", "render", str(case.spec), "-o", str(case.out), "--format", "docx"]
    env = {**os.environ, "JIXIAO_JOBS": "1"}
    procs = [
        subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
        for _ in range(3)
    ]
    results = []
    for p in procs:
        _, stderr = p.communicate(timeout=120)
        results.append((p.returncode, stderr))
    for code, stderr in results:
        assert "Traceback" not in stderr
        assert code == 0 or (code == 1 and "另一个 jixiao render 正在写入" in stderr), stderr
    assert any(code == 0 for code, _ in results)
    files = sorted(case.out.rglob("*.docx"))
    assert [p.relative_to(case.out).as_posix() for p in files] == sorted([
        COMBINED, "projects/01-法律顾问费.docx", "projects/02-印刷费.docx",
    ])
    for path in files:
        docx.Document(str(path))  # a valid, complete Word file
    assert _manifest(case.out) == sorted([COMBINED, "projects/01-法律顾问费.docx", "projects/02-印刷费.docx"])
    case.check_clean()
