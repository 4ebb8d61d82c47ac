"""Outputs never overwrite or mix with inputs, and rewritten files keep their permissions.

The rule (outpaths.py): an output may not be a file the command reads (a spec
file, a preset of the user's templates), a file the same command writes, or lie
inside the input spec folder; a folder to create may not be a link. Every case
asserts exit 1 or 2 with a message naming the path, and that nothing changed.
"""

from __future__ import annotations

import errno
import hashlib
import os
import stat
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import DEPARTMENT, PROJECT, write_tree
from jixiao.cli import app
from jixiao.fileio import write_atomic

runner = CliRunner()
SHARED = "基于: 运转类\n改写:\n  满意度: {值: ≥97%}\n"


def hashes(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A repository folder with templates/presets/共用.yaml and a spec at specs/测试局 that uses it."""
    root = tmp_path / "repo"
    (root / ".git").mkdir(parents=True)
    write_tree(root, {
        "templates/presets/共用.yaml": SHARED,
        "specs/测试局/部门.yaml": DEPARTMENT,
        "specs/测试局/projects/01-法律顾问费.yaml": PROJECT + "预设: 共用\n",
    })
    return root


def invoke(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert result.exit_code in (0, 1, 2), result.output
    return result.exit_code, result.stderr


def rollover(spec: Path, *args: str) -> tuple[int, str]:
    return invoke("rollover", str(spec), "--年度", "2026", *args)


def test_checklist_over_this_years_spec_is_refused(repo: Path) -> None:
    spec = repo / "specs" / "测试局"
    before = hashes(repo)
    code, err = rollover(spec, "--清单", str(spec / "部门.yaml"))
    assert code == 2
    assert "部门.yaml 就是 jixiao 要读取的文件" in err and "没有写入" in err
    assert hashes(repo) == before
    assert not (spec.parent / "测试局-2026").exists()


@pytest.mark.parametrize("where", ["hard link", "user preset", "new spec", "inside old spec"])
def test_checklist_may_not_hit_any_input_or_output(repo: Path, tmp_path: Path, where: str) -> None:
    spec = repo / "specs" / "测试局"
    dest = tmp_path / "2026"
    if where == "hard link":
        target = tmp_path / "link.md"
        os.link(spec / "部门.yaml", target)
        words = "就是 jixiao 要读取的文件"
    elif where == "user preset":
        target = repo / "templates" / "presets" / "共用.yaml"
        words = "就是 jixiao 要读取的文件"
    elif where == "new spec":
        target = dest / "projects" / "01-法律顾问费.yaml"
        words = "是这次要生成的"
    else:
        target = spec / "清单.md"
        words = "在规格文件夹"
    before = hashes(repo)
    code, err = rollover(spec, "-o", str(dest), "--清单", str(target))
    assert code == 2, err
    assert words in err and str(target) in err.replace("\n", "")
    assert hashes(repo) == before
    assert not dest.exists()


@pytest.mark.parametrize("target", ["empty folder", "nowhere"])
def test_rollover_onto_a_symbolic_link(repo: Path, tmp_path: Path, target: str) -> None:
    spec = repo / "specs" / "测试局"
    aim = tmp_path / "target"
    if target == "empty folder":
        aim.mkdir()
    link = tmp_path / "link"
    link.symlink_to(aim)
    code, err = rollover(spec, "-o", str(link))
    assert code == 2
    assert "是符号链接，没有写入" in err
    assert link.is_symlink() and (not aim.exists() or list(aim.iterdir()) == [])


def test_rollover_in_place_with_a_checklist_elsewhere(repo: Path, tmp_path: Path) -> None:
    spec = repo / "specs" / "测试局"
    code, err = rollover(spec, "-o", str(spec), "--清单", str(tmp_path / "清单.md"))
    assert code == 0, err
    assert "年度: 2026" in (spec / "部门.yaml").read_text(encoding="utf-8")
    assert (tmp_path / "清单.md").read_text(encoding="utf-8").startswith("# 顺延清单")


def test_rollover_keeps_private_files_private(repo: Path) -> None:
    spec = repo / "specs" / "测试局"
    (spec / "projects" / "01-法律顾问费.yaml").chmod(0o600)
    (spec / "部门.yaml").chmod(0o640)
    code, err = rollover(spec)
    new = spec.parent / "测试局-2026"
    assert code == 0, err
    assert stat.S_IMODE((new / "projects" / "01-法律顾问费.yaml").stat().st_mode) == 0o600
    assert stat.S_IMODE((new / "部门.yaml").stat().st_mode) == 0o640


def test_expand_output_over_a_preset_it_reads(repo: Path) -> None:
    spec = repo / "specs" / "测试局"
    preset = repo / "templates" / "presets" / "共用.yaml"
    code, err = invoke("expand", str(spec), "-o", str(preset))
    assert code == 2
    assert "就是 jixiao 要读取的文件" in err
    assert preset.read_text(encoding="utf-8") == SHARED


def test_expand_output_through_a_link_to_a_spec_file(repo: Path, tmp_path: Path) -> None:
    spec = repo / "specs" / "测试局"
    before = hashes(spec)
    link = tmp_path / "model.json"
    link.symlink_to(spec / "部门.yaml")
    code, err = invoke("expand", str(spec), "-o", str(link))
    assert code == 2
    assert "在规格文件夹" in err
    assert hashes(spec) == before


def test_schema_output_that_is_a_file(tmp_path: Path) -> None:
    target = tmp_path / "schema"
    target.write_text("mine", encoding="utf-8")
    code, err = invoke("schema", "-o", str(target))
    assert code == 2
    assert "是一个已有的文件，不是文件夹" in err
    assert target.read_text(encoding="utf-8") == "mine"


@pytest.mark.parametrize("call", ["mkdir", "open"])
def test_schema_output_that_cannot_be_written(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, call: str) -> None:
    real = getattr(os, call)

    def denied(path: object, *args: object, **kwargs: object) -> object:
        if str(tmp_path) in str(path):
            raise PermissionError(errno.EACCES, "Permission denied", str(path))
        return real(path, *args, **kwargs)

    monkeypatch.setattr(os, call, denied)
    code, err = invoke("schema", "-o", str(tmp_path / "a" / "schema"))
    assert code == 1
    assert "无法写入" in err and "权限不足" in err
    assert not (tmp_path / "a").exists()


@pytest.mark.parametrize("mode", [0o600, 0o640, 0o755])
def test_fmt_keeps_permissions_and_group(tmp_path: Path, mode: int) -> None:
    spec = write_tree(tmp_path / "spec", {"部门.yaml": DEPARTMENT, "projects/01-x.yaml": PROJECT.replace(": 5.00", ":   5.00")})
    path = spec / "projects" / "01-x.yaml"
    path.chmod(mode)
    gid = 1 if os.getuid() == 0 else os.getgid()  # as root, a group that is not root's own
    os.chown(path, -1, gid)
    code, err = invoke("fmt", str(spec))
    assert code == 0, err
    assert "预算数: 5.00" in path.read_text(encoding="utf-8")
    assert stat.S_IMODE(path.stat().st_mode) == mode
    assert path.stat().st_gid == gid


def test_the_atomic_writer_keeps_the_mode_and_a_new_file_gets_the_umask(tmp_path: Path) -> None:
    old = tmp_path / "old.txt"
    old.write_text("a", encoding="utf-8")
    old.chmod(0o604)
    write_atomic(old, b"b")
    assert stat.S_IMODE(old.stat().st_mode) == 0o604 and old.read_bytes() == b"b"
    mask = os.umask(0o027)
    try:
        write_atomic(tmp_path / "new.txt", b"c")
    finally:
        os.umask(mask)
    assert stat.S_IMODE((tmp_path / "new.txt").stat().st_mode) == 0o640
