"""Hostile git revisions for ``jixiao diff``: trees made by hand are checked like git's fsck, blobs streamed.

Each tree is built with ``git mktree`` or, for what mktree will not write, as a
raw tree object (``git hash-object -t tree --literally``), then committed with
``git commit-tree``. A refused tree must give exit 1 with a message naming the
path, and nothing may be written outside the temporary copy.
"""

from __future__ import annotations

import tempfile
import tracemalloc
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import DEPARTMENT, PROJECT, write_tree
from gittrees import blob, git, raw_tree, tree_entries
from jixiao import limits
from jixiao.cli import app

runner = CliRunner()
PROJECT_FILE = "01-法律顾问费.yaml"


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A repository with one department at specs/x, committed on main."""
    root = tmp_path / "repo"
    write_tree(root / "specs" / "x", {"部门.yaml": DEPARTMENT, f"projects/{PROJECT_FILE}": PROJECT})
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "base")
    return root


@pytest.fixture
def temp_base(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The folder temporary copies go to, so that anything written beside them can be seen."""
    base = tmp_path / "tmp"
    base.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(base))
    return base


def commit_spec(repo: Path, extra: list[tuple[str, bytes, str]], projects: list[tuple[str, bytes, str]] | None = None,
                branch: str = "evil") -> str:
    """Commit specs/x as on main plus *extra* entries (and *projects* added to projects/) on *branch*."""
    spec = [e for e in tree_entries(repo, "HEAD:specs/x") if e[1] != b"projects"]
    project_tree = raw_tree(repo, tree_entries(repo, "HEAD:specs/x/projects") + (projects or []))
    spec_tree = raw_tree(repo, sorted([*spec, ("40000", b"projects", project_tree), *extra], key=lambda e: e[1]))
    root = raw_tree(repo, [("40000", b"specs", raw_tree(repo, [("40000", b"x", spec_tree)]))])
    commit = git(repo, "commit-tree", root, "-p", "HEAD", "-m", "hostile")
    git(repo, "branch", "-f", branch, commit)
    return branch


def nested_up(repo: Path, levels: int, name: bytes, data: bytes) -> tuple[str, bytes, str]:
    """An entry ``..`` holding ``..`` … (*levels* deep) holding the file *name*."""
    inner = raw_tree(repo, [("100644", name, blob(repo, data))])
    for _ in range(levels - 1):
        inner = raw_tree(repo, [("40000", b"..", inner)])
    return ("40000", b"..", inner)


def diff(repo: Path, monkeypatch: pytest.MonkeyPatch, *args: str) -> tuple[int, str, str]:
    monkeypatch.chdir(repo)
    result = runner.invoke(app, ["diff", *args])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.stdout, result.stderr


def test_an_entry_named_dotdot_writes_nothing_outside(repo: Path, temp_base: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # specs/x/../../../jx-escape.yaml from <temp>/jixiao-rev-*/ is <temp>/jx-escape.yaml.
    commit_spec(repo, [nested_up(repo, 3, b"jx-escape.yaml", b"pwned\n")])
    code, _, err = diff(repo, monkeypatch, "evil", "specs/x")
    assert code == 1
    assert "specs/x/../../../jx-escape.yaml" in err and "「..」" in err and "git fsck" in err
    assert list(temp_base.iterdir()) == []
    assert not (temp_base.parent / "jx-escape.yaml").exists()


@pytest.mark.parametrize(
    ("name", "why"),
    [
        (b".git", "即 .git"),
        (b".GIT", "即 .git"),
        (b"git~1", "即 .git"),
        (b".git.", "即 .git"),
        (b".git ", "即 .git"),
        (".g\u200cit".encode(), "即 .git"),
        (b".", "「.」"),
    ],
)
def test_git_folders_and_dot_are_refused(
    repo: Path, temp_base: Path, monkeypatch: pytest.MonkeyPatch, name: bytes, why: str
) -> None:
    hooks = raw_tree(repo, [("100755", b"post-checkout", blob(repo, b"#!/bin/sh\necho pwned\n"))])
    commit_spec(repo, [("40000", name, raw_tree(repo, [("40000", b"hooks", hooks)]))])
    code, _, err = diff(repo, monkeypatch, "evil", "specs/x")
    assert code == 1, err
    assert why in err and "hooks/post-checkout" in err
    assert list(temp_base.iterdir()) == []


@pytest.mark.parametrize(
    ("name", "why"),
    [
        (b"..\\evil.yaml", "反斜杠"),
        (b"", "git ls-tree 失败"),  # git itself refuses to list it
        (b"/etc", "空的路径段"),
        (b"a" * 256 + b".yaml", "255 字节"),
    ],
)
def test_bad_names_are_refused(repo: Path, temp_base: Path, monkeypatch: pytest.MonkeyPatch, name: bytes, why: str) -> None:
    commit_spec(repo, [], [("100644", name, blob(repo, PROJECT.encode()))])
    code, _, err = diff(repo, monkeypatch, "evil", "specs/x")
    assert code == 1, err
    assert why in err
    assert list(temp_base.iterdir()) == []


def test_a_file_and_a_folder_of_one_name(repo: Path, temp_base: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    commit_spec(repo, [("100644", b"projects", blob(repo, b"x\n"))])
    code, _, err = diff(repo, monkeypatch, "evil", "specs/x")
    assert code == 1
    assert "「specs/x/projects」既是文件，又是文件夹" in err
    assert list(temp_base.iterdir()) == []


def test_two_entries_of_one_name(repo: Path, temp_base: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    twin = ("100644", PROJECT_FILE.encode(), blob(repo, PROJECT.replace("5.00", "9.00").encode()))
    commit_spec(repo, [], [twin])
    code, _, err = diff(repo, monkeypatch, "evil", "specs/x")
    assert code == 1
    assert f"specs/x/projects/{PROJECT_FILE}」出现了两次" in err


@pytest.mark.parametrize(("mode", "read"), [("100600", True), ("170000", False)])
def test_odd_modes_are_taken_as_git_reads_them(
    repo: Path, temp_base: Path, monkeypatch: pytest.MonkeyPatch, mode: str, read: bool
) -> None:
    # git lists any mode as a file, a link, a folder or a submodule (its canon_mode); so does jixiao.
    commit_spec(repo, [], [(mode, b"02-x.yaml", blob(repo, PROJECT.replace("法律顾问费", "印刷费").encode()))])
    code, out, err = diff(repo, monkeypatch, "main", "evil")
    assert ("印刷费" in out) is read
    assert code == (1 if read else 0), err
    assert ("02-x.yaml 是子模块" in err) is not read


def test_links_and_submodules_are_left_out_with_a_note(
    repo: Path, temp_base: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    secret = repo.parent / "secret.yaml"
    secret.write_text(PROJECT.replace("法律顾问费", "机密项目"), encoding="utf-8")
    head = git(repo, "rev-parse", "HEAD")
    link = ("120000", b"02-link.yaml", blob(repo, str(secret).encode()))
    module = ("160000", b"03-module.yaml", head)
    commit_spec(repo, [], [link, module])
    code, out, err = diff(repo, monkeypatch, "main", "evil")
    assert code == 0, err
    assert "02-link.yaml 是符号链接，比较时没有读取" in err
    assert "03-module.yaml 是子模块，比较时没有读取" in err
    assert "机密项目" not in out + err


def test_a_path_with_dotdot_on_the_command_line(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    code, _, err = diff(repo, monkeypatch, "HEAD:specs/x/../../..", "HEAD:specs/x")
    assert code == 2
    assert "不是可用的路径" in err


def test_a_spec_found_through_dotdot_is_refused(repo: Path, temp_base: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    department = blob(repo, DEPARTMENT.encode())
    root = raw_tree(repo, [("40000", b"..", raw_tree(repo, [("100644", "部门.yaml".encode(), department)]))])
    git(repo, "branch", "evil", git(repo, "commit-tree", root, "-m", "hostile"))
    monkeypatch.chdir(repo.parent)
    code, _, err = diff(repo, monkeypatch, "evil", "main")
    assert code == 1
    assert "有路径段「..」" in err


def test_a_large_scan_is_never_read(repo: Path, temp_base: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    scan = blob(repo, b"%PDF-1.7\n" + bytes(64 * 1024 * 1024))
    commit_spec(repo, [("100644", "扫描件.pdf".encode(), scan)])
    tracemalloc.start()
    try:
        code, _, err = diff(repo, monkeypatch, "main", "evil")
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert code == 0, err
    assert peak < 24 * 1024 * 1024


def test_an_oversized_spec_file_is_refused_unread(repo: Path, temp_base: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    big = blob(repo, PROJECT.encode() + b"#" * (limits.MAX_YAML_BYTES + 1))
    commit_spec(repo, [], [("100644", b"02-big.yaml", big)])
    tracemalloc.start()
    try:
        code, _, err = diff(repo, monkeypatch, "main", "evil")
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert code == 1
    assert "evil:specs/x/projects/02-big.yaml:1:1: 错误: 文件有" in err and "超过规格文件的上限" in err
    assert peak < limits.MAX_YAML_BYTES


def test_too_many_files(repo: Path, temp_base: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    note = blob(repo, b"x\n")
    commit_spec(repo, [("40000", b"scans", raw_tree(repo, [("100644", f"{i:03}.txt".encode(), note) for i in range(20)]))])
    monkeypatch.setattr(limits, "MAX_REVISION_FILES", 10)
    code, _, err = diff(repo, monkeypatch, "main", "evil")
    assert code == 1
    assert "超过 10 个文件" in err


def test_too_many_bytes_of_spec_files(repo: Path, temp_base: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(limits, "MAX_REVISION_BYTES", 100)
    code, _, err = diff(repo, monkeypatch, "main", "HEAD")
    assert code == 1
    assert "超过上限 100 字节" in err
