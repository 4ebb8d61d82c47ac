"""Hostile input to ``jixiao import``, ``textconv``, ``init`` and ``new``.

Each case is one attack or one malformed file: names that try to leave the
target folder, zip bombs, damaged packages, PDFs that would take minutes to
read, a hung LibreOffice, ``--force`` onto a folder holding other files, limits
of the spec. Every one must end in a clear Chinese message (exit 1 or 2) or
correct output, quickly, writing nothing outside the intended folder.
"""

from __future__ import annotations

import os
import string
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from jixiao.cli import app
from jixiao.limits import MAX_FILE_NAME_BYTES
from jixiao.safenames import UnsafePath, inside, safe_name
from seedtext import TANGSHAN
from test_import import write_foreign

runner = CliRunner()
NASTY = ["..", ".", "../../x", "/etc/passwd", "C:\\Windows", "a\x00b", "-rf", ".hidden", "CON", "nul.txt", "\u202egpj.exe",
         "a\nb", " ", "", "名" * 200, "a/../../b", "\ud800", "com1", "LPT9.yaml", "...", "- -"]


# --- One safe file name for every text ----------------------------------------------------


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.sampled_from(NASTY), st.text(), st.text(alphabet=string.printable + "./\\-_ 名\u3000\u202e")))
def test_any_text_becomes_one_file_name_inside_the_folder(tmp_path_factory: pytest.TempPathFactory, text: str) -> None:
    name = safe_name(text)
    assert name and name not in (".", "..")
    assert not set(name) & set('/\\:*?"<>|\x00') and not name.startswith((".", "-", " ")) and not name.endswith((".", " "))
    assert len(name.encode("utf-8")) <= MAX_FILE_NAME_BYTES
    assert all(ch.isprintable() or ch == " " for ch in name)
    folder = tmp_path_factory.mktemp("names")
    path = inside(folder, name)
    path.write_text("x", encoding="utf-8")
    assert [p.name for p in folder.iterdir()] == [name]


def test_known_names_stay_as_they_are() -> None:
    assert safe_name("办公楼维修（护）费") == "办公楼维修（护）费"
    assert safe_name("../../../../jx-escape/逃逸") == "_.._.._.._jx-escape_逃逸"
    assert safe_name("-rf") == "rf" and safe_name(".bashrc") == "bashrc" and safe_name("..") == "未命名"
    assert safe_name("CON") == "CON_" and safe_name("\u202egpj.exe") == "_gpj.exe"


def test_a_path_leaving_its_folder_is_refused(tmp_path: Path) -> None:
    with pytest.raises(UnsafePath):
        inside(tmp_path, "..", "x.yaml")
    (tmp_path / "out").mkdir()
    (tmp_path / "spec").mkdir()
    os.symlink(tmp_path / "out", tmp_path / "spec" / "projects")
    with pytest.raises(UnsafePath, match="之外"):
        inside(tmp_path / "spec", "projects", "01-x.yaml")


@pytest.fixture(scope="module")
def escaping_docx(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The Tangshan document with one unit named ``唐山市医疗保障局../../../../jx-escape/逃逸`` (18 tables):
    the importer proposes a preset named after that unit."""
    folder = tmp_path_factory.mktemp("escape")
    seed = folder / "seed.txt"
    seed.write_text(
        TANGSHAN.read_text(encoding="utf-8").replace("619003唐山市医疗保险服务中心", "619003唐山市医疗保障局../../../../jx-escape/逃逸"),
        encoding="utf-8",
    )
    return write_foreign(seed, folder / "逃逸.docx")


def test_import_names_from_the_document_stay_in_the_target(escaping_docx: Path, tmp_path: Path) -> None:
    deep = tmp_path / "a" / "b" / "c" / "d"
    deep.mkdir(parents=True)
    result = runner.invoke(app, ["import", str(escaping_docx), "-o", str(deep / "spec")])
    assert result.exit_code == 0, result.output
    written = sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*.yaml"))
    assert all(p.startswith("a/b/c/d/spec/") for p in written), written
    assert "a/b/c/d/spec/presets/_.._.._.._jx-escape_逃逸.yaml" in written
    assert "预设「_.._.._.._jx-escape_逃逸」" not in result.output and "jx-escape_逃逸：6 行" in result.output


def test_new_names_the_file_safely(spec_dir: object) -> None:
    root = spec_dir()  # type: ignore[operator]
    result = runner.invoke(app, ["new", str(root), "../../逃逸"])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in (root / "projects").iterdir()) == ["01-法律顾问费.yaml", "02-_.._逃逸.yaml"]
