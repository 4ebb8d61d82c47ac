"""Hostile input to ``jixiao import``, ``textconv``, ``init`` and ``new``.

Each case is one attack or one malformed file: names that try to leave the
target folder, zip bombs, damaged packages, PDFs that would take minutes to
read, a hung LibreOffice, ``--force`` onto a folder holding other files, limits
of the spec. Every one must end in a clear Chinese message (exit 1 or 2) or
correct output, quickly, writing nothing outside the intended folder.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import string
import struct
import subprocess
import sys
import tempfile
import time
import zipfile
import zlib
from collections.abc import Callable
from pathlib import Path
from xml.sax.saxutils import escape

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner, Result

from jixiao import limits
from jixiao.cli import app
from jixiao.errors import JixiaoError
from jixiao.expand.department import expand_department
from jixiao.limits import (
    MAX_CELL_CHARS,
    MAX_FILE_NAME_BYTES,
    MAX_PDF_PAGES,
    MAX_PROJECTS,
    MAX_ROWS,
    MAX_YAML_BYTES,
    MAX_ZIP_MEMBER_BYTES,
    MAX_ZIP_MEMBERS,
    MAX_ZIP_TOTAL_BYTES,
)
from jixiao.safenames import UnsafePath, inside, safe_name
from jixiao.spec.load import load_department
from seedtext import DONGLI, TANGSHAN
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


# --- LibreOffice: a time limit, nothing left running, no copy left behind -------------------

OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
HUNG_SOFFICE = """#!/bin/sh
# A LibreOffice that hangs: its worker runs on in the background, as soffice.bin does.
sleep 1000 &
echo $! > "{pids}/worker"
echo $$ > "{pids}/soffice"
wait
"""


@pytest.fixture
def hung_soffice(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fake ``soffice`` on PATH that never finishes; returns the folder where it writes its pids."""
    bin_dir, pids = tmp_path / "bin", tmp_path / "pids"
    bin_dir.mkdir()
    pids.mkdir()
    script = bin_dir / "soffice"
    script.write_text(HUNG_SOFFICE.format(pids=pids), encoding="utf-8")
    script.chmod(0o755)
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    return pids


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    status = Path(f"/proc/{pid}/status")
    try:
        return "State:\tZ" not in status.read_text()  # a zombie is gone
    except OSError:  # no /proc, or the process was reaped just now
        return status.parent.exists()


def _ends(pids: list[int], seconds: float = 30) -> bool:
    """Whether the processes *pids* are all gone within *seconds* (a killed process takes a moment on a loaded machine)."""
    deadline = time.monotonic() + seconds
    while any(_alive(pid) for pid in pids):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.02)
    return True


def _waits(pid: int) -> bool:
    """Whether the main thread of *pid* is asleep (blocked in a system call, e.g. waiting for its child)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rpartition(")")[2].split()[0] == "S"


def _until(condition: Callable[[], bool], seconds: float = 60) -> bool:
    """Poll *condition* until it holds or *seconds* have passed; whether it held."""
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.02)
    return True


def _private_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "tmpdir"
    folder.mkdir()
    monkeypatch.setenv("TMPDIR", str(folder))
    monkeypatch.setattr(tempfile, "tempdir", None)
    return folder


def test_a_hung_libreoffice_is_stopped_with_everything_it_started(
    hung_soffice: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from jixiao.importer import source

    monkeypatch.setattr(source, "LIBREOFFICE_SECONDS", 1)
    temp = _private_tmp(tmp_path, monkeypatch)
    doc = tmp_path / "去年.doc"
    doc.write_bytes(OLE + b"\0" * 1024)
    started = time.monotonic()
    result = runner.invoke(app, ["import", str(doc), "-o", str(tmp_path / "spec")])
    assert result.exit_code == 1, result.output
    assert time.monotonic() - started < 10
    assert "LibreOffice 转换 去年.doc 超过 1 秒仍未完成" in result.output and "另存为 .docx" in result.output
    assert str(temp) not in result.output and "Command" not in result.output
    worker = int((hung_soffice / "worker").read_text())
    assert _ends([worker])
    assert list(temp.iterdir()) == [] and not (tmp_path / "spec").exists()


def test_sigterm_during_import_removes_the_copy_and_stops_libreoffice(hung_soffice: Path, tmp_path: Path) -> None:
    temp = tmp_path / "tmpdir"
    temp.mkdir()
    doc = tmp_path / "机密.doc"
    doc.write_bytes(OLE + b"\0" * 1024)
    env = {**os.environ, "TMPDIR": str(temp)}
    process = subprocess.Popen(
        [sys.executable, "-m", "jixiao", "import", str(doc), "-o", str(tmp_path / "spec")],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )
    # Signal once LibreOffice has started (both pids written) and jixiao waits for it (asleep in the kernel);
    # a loaded machine may take its time to get there, so this waits on those conditions, not for a while.
    started = _until(lambda: (hung_soffice / "soffice").is_file() and (hung_soffice / "soffice").read_text().strip() != "")
    assert started, process.communicate(timeout=5)
    assert _until(lambda: _waits(process.pid)), "jixiao did not wait for LibreOffice"
    assert any(temp.rglob("input.doc"))  # the copy LibreOffice reads
    process.send_signal(signal.SIGTERM)
    _, stderr = process.communicate(timeout=60)
    assert process.returncode == 130 and "已中断" in stderr.decode("utf-8")
    assert list(temp.iterdir()) == []
    assert _ends([int((hung_soffice / "worker").read_text())])
    assert not (tmp_path / "spec").exists()


# --- Zip bombs and damaged packages (import and textconv share one reader) -----------------


def _zip(path: Path, members: dict[str, bytes], method: int = zipfile.ZIP_DEFLATED) -> Path:
    with zipfile.ZipFile(path, "w", method) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return path


def _patch_method(path: Path, member: str, method: int) -> None:
    """Write compression method *method* into both headers of *member* (what a hostile tool can do)."""
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as zf:
        info = zf.getinfo(member)
    struct.pack_into("<H", data, info.header_offset + 8, method)
    central = data.index(b"PK\x01\x02")
    while True:
        name_len = struct.unpack_from("<H", data, central + 28)[0]
        if data[central + 46 : central + 46 + name_len].decode() == member:
            struct.pack_into("<H", data, central + 10, method)
            break
        extra, comment = struct.unpack_from("<HH", data, central + 30)
        central += 46 + name_len + extra + comment
    path.write_bytes(bytes(data))


DOCUMENT = b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body/></w:document>'


def _both_refuse(path: Path, tmp_path: Path, *phrases: str) -> None:
    """textconv and import both answer with exit 1 and *phrases*, within seconds, writing nothing."""
    for command in (["textconv", str(path)], ["import", str(path), "-o", str(tmp_path / "spec")]):
        started = time.monotonic()
        result = runner.invoke(app, command)
        assert result.exit_code == 1, (command, result.output)
        assert all(p in result.output for p in phrases), result.output
        assert "Traceback" not in result.output and time.monotonic() - started < 30
    assert not (tmp_path / "spec").exists()


def test_a_member_larger_than_the_limit(tmp_path: Path) -> None:
    path = _zip(tmp_path / "炸弹.docx", {"word/document.xml": b"<" + b" " * (MAX_ZIP_MEMBER_BYTES + 1)})
    assert path.stat().st_size < 1024 * 1024
    _both_refuse(path, tmp_path, "解压后超过 100 MB", "压缩炸弹")


def test_a_member_whose_header_understates_its_size(tmp_path: Path) -> None:
    """The sizes in the headers say 100 bytes; the data inflates to 150 MB: reading stops at what was declared."""
    path = _zip(tmp_path / "谎报.docx", {"word/document.xml": b" " * (150 * 1024 * 1024)})
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as zf:
        info = zf.getinfo("word/document.xml")
    struct.pack_into("<I", data, info.header_offset + 22, 100)
    central = data.index(b"PK\x01\x02")
    struct.pack_into("<I", data, central + 24, 100)
    path.write_bytes(bytes(data))
    _both_refuse(path, tmp_path, "已损坏")


def test_a_member_compressed_beyond_any_real_document(tmp_path: Path) -> None:
    path = _zip(tmp_path / "高压缩比.docx", {"word/document.xml": DOCUMENT + b" " * (20 * 1024 * 1024)})
    _both_refuse(path, tmp_path, "压缩比超过 200:1")


def test_a_mimetype_bomb_is_refused_before_it_is_read(tmp_path: Path) -> None:
    path = _zip(tmp_path / "odt.docx", {"mimetype": b"a" * (MAX_ZIP_TOTAL_BYTES + 1)})
    result = runner.invoke(app, ["import", str(path), "-o", str(tmp_path / "spec")])
    assert result.exit_code == 1 and "解压后超过 200 MB" in result.output


def test_too_many_members(tmp_path: Path) -> None:
    path = _zip(tmp_path / "很多.docx", {f"x/{i}": b"" for i in range(MAX_ZIP_MEMBERS + 1)} | {"word/document.xml": DOCUMENT})
    _both_refuse(path, tmp_path, f"超过 {MAX_ZIP_MEMBERS} 个")


def test_damaged_deflate_data(tmp_path: Path) -> None:
    text = DOCUMENT.replace(b"<w:body/>", b"<w:body>" + b"<w:p><w:r><w:t>abc</w:t></w:r></w:p>" * 2000 + b"</w:body>")
    path = _zip(tmp_path / "坏.docx", {"word/document.xml": text})
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as zf:
        info = zf.getinfo("word/document.xml")
    start = info.header_offset + 30 + len(info.filename)
    for i in range(start + 10, start + 60):
        data[i] ^= 0x5A
    path.write_bytes(bytes(data))
    _both_refuse(path, tmp_path, "已损坏")


@pytest.mark.parametrize("method", [99, zipfile.ZIP_LZMA], ids=["unknown", "lzma"])
def test_a_compression_method_word_does_not_use(tmp_path: Path, method: int) -> None:
    path = _zip(tmp_path / "压缩方式.docx", {"word/document.xml": DOCUMENT})
    _patch_method(path, "word/document.xml", method)
    _both_refuse(path, tmp_path, "Word 不使用的压缩方式")


def test_a_document_file_over_the_size_limit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from jixiao import docfile

    monkeypatch.setattr(docfile, "MAX_DOCUMENT_FILE_BYTES", 1000)
    path = _zip(tmp_path / "大.docx", {"word/document.xml": os.urandom(2000)}, zipfile.ZIP_STORED)
    _both_refuse(path, tmp_path, "超过 0 MB 的上限")


def test_a_fifo_is_not_read(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "管道.docx")
    for command in (["textconv", str(tmp_path / "管道.docx")], ["import", str(tmp_path / "管道.docx")]):
        result = runner.invoke(app, command)
        assert result.exit_code == 2 and "不是普通文件" in result.output


# --- PDFs for textconv: limits, and a time limit for the rest ---------------------------


def _pdf(path: Path, content: bytes, pages: int = 1, form: bytes | None = None, packed_form: bytes | None = None) -> Path:
    """A PDF of *pages* pages all drawing *content* (and the form /F drawing *form*, when given)."""
    stream = zlib.compress(content, 9)
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [" + b" ".join(b"%d 0 R" % (5 + i) for i in range(pages)) + b"] /Count %d >>" % pages,
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(stream) + stream + b"\nendstream",
    ]
    packed = packed_form if packed_form is not None else zlib.compress(form or b"", 9)
    objects.append(
        b"<< /Type /XObject /Subtype /Form /BBox [0 0 10 10] /Length %d /Filter /FlateDecode >>\nstream\n" % len(packed)
        + packed + b"\nendstream"
    )
    resources = b"<< /XObject << /F 4 0 R >> >>" if form is not None else b"<< >>"
    objects += [b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 3 0 R /Resources %s >>" % resources] * pages
    out = b"%PDF-1.4\n"
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    path.write_bytes(out)
    return path


def _textconv_fails(path: Path, *phrases: str, seconds: float = 30) -> None:
    started = time.monotonic()
    result = runner.invoke(app, ["textconv", str(path)])
    assert result.exit_code == 1, result.output
    assert all(p in result.output for p in phrases), result.output
    assert time.monotonic() - started < seconds


def test_two_million_drawing_operators_on_one_page(tmp_path: Path) -> None:
    path = _pdf(tmp_path / "绘图.pdf", b"0 0 m 1 1 l S\n" * 2_000_000)
    assert path.stat().st_size < 200 * 1024
    _textconv_fails(path, "第 1 页的绘图内容有 26 MB，超过 1 MB 的上限", seconds=10)


def test_the_operators_hidden_in_a_form(tmp_path: Path) -> None:
    path = _pdf(tmp_path / "表单.pdf", b"/F Do\n", form=b"0 0 m 1 1 l S\n" * 200_000)
    _textconv_fails(path, "第 1 页的绘图内容有 2 MB", seconds=10)


def test_too_many_pages(tmp_path: Path) -> None:
    path = _pdf(tmp_path / "页数.pdf", b"", pages=MAX_PDF_PAGES + 1)
    _textconv_fails(path, f"有 {MAX_PDF_PAGES + 1} 页，超过 {MAX_PDF_PAGES} 页的上限")


def test_a_pdf_that_takes_too_long_is_stopped(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A small form drawn 150 000 times stays under the content limit: the time limit stops it."""
    monkeypatch.setattr(limits, "PDF_READ_SECONDS", 2)
    path = _pdf(tmp_path / "慢.pdf", b"/F Do\n" * 150_000, form=b"0 0 m 1 1 l S\n" * 10)
    _textconv_fails(path, "超过 2 秒仍未完成", seconds=10)
    assert _pdf_readers(os.getpid()) == []  # none of this process's readers left (other runs' do not count)


def test_a_pdf_that_needs_too_much_memory(tmp_path: Path) -> None:
    """Inflating one stream to 1.1 GB (a flate bomb) ends at the memory limit of the reading process."""
    packer = zlib.compressobj(9, zlib.DEFLATED, 15, 9, zlib.Z_RLE)  # as small as the default strategy, twice as fast
    block = b"\0" * (1024 * 1024)
    bomb = b"".join(packer.compress(block) for _ in range(1100)) + packer.flush()
    path = _pdf(tmp_path / "内存.pdf", b"/F Do\n", form=b"", packed_form=bomb)
    assert path.stat().st_size < 2 * 1024 * 1024
    _textconv_fails(path, "内存上限")


# --- import --force replaces only what jixiao wrote --------------------------------------


@pytest.fixture(scope="module")
def dongli_docx(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_foreign(DONGLI, tmp_path_factory.mktemp("dongli") / "东丽.docx")


def _import(doc: Path, target: Path, *extra: str) -> Result:
    return runner.invoke(app, ["import", str(doc), "-o", str(target), *extra])


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_force_keeps_git_and_the_users_files(dongli_docx: Path, escaping_docx: Path, tmp_path: Path) -> None:
    target = tmp_path / "规格"
    assert _import(escaping_docx, target).exit_code == 0
    tangshan = set(json.loads((target / ".jixiao-manifest.json").read_text(encoding="utf-8"))["files"])
    assert "部门.yaml" in tangshan and "schema/project.schema.json" in tangshan
    subprocess.run(["git", "init", "-q", str(target)], check=True)
    (target / "笔记.txt").write_text("自己的笔记", encoding="utf-8")
    (target / "projects" / "99-自己加的.yaml").write_text("项目名称: x\n", encoding="utf-8")
    git_before = _snapshot(target / ".git")
    result = _import(dongli_docx, target, "--force")
    assert result.exit_code == 0, result.output
    assert (target / "笔记.txt").read_text(encoding="utf-8") == "自己的笔记"
    assert (target / "projects" / "99-自己加的.yaml").is_file()
    assert _snapshot(target / ".git") == git_before
    assert "保留了 1 个不是 jixiao import 写入" in result.output and "projects/99-自己加的.yaml" in result.output
    # Tangshan's files are gone (jixiao wrote them and they were unchanged); Dongli's are there.
    assert not (target / "presets").exists() or list((target / "presets").iterdir()) == []
    fresh = tmp_path / "新的"
    assert _import(dongli_docx, fresh).exit_code == 0
    ours = {rel: data for rel, data in _snapshot(target).items() if not rel.startswith(".git/")}
    assert ours == {**_snapshot(fresh), "笔记.txt": "自己的笔记".encode(), "projects/99-自己加的.yaml": "项目名称: x\n".encode()}
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_force_never_overwrites_a_changed_or_foreign_file(dongli_docx: Path, tmp_path: Path) -> None:
    target = tmp_path / "规格"
    assert _import(dongli_docx, target).exit_code == 0
    department = target / "部门.yaml"
    department.write_text(department.read_text(encoding="utf-8") + "# 我的改动\n", encoding="utf-8")
    before = _snapshot(target)
    result = _import(dongli_docx, target, "--force")
    assert result.exit_code == 2 and "写入后被改动过" in result.output and "部门.yaml" in result.output
    assert _snapshot(target) == before
    # A folder without a manifest (written by hand or by an older jixiao): only files holding exactly
    # what the import writes may be written over.
    (target / ".jixiao-manifest.json").unlink()
    department.write_text(department.read_text(encoding="utf-8").replace("# 我的改动\n", ""), encoding="utf-8")
    project = next((target / "projects").glob("02-*.yaml"))
    project.write_text(project.read_text(encoding="utf-8") + "# 我的改动\n", encoding="utf-8")
    before = _snapshot(target)
    result = _import(dongli_docx, target, "--force")
    assert result.exit_code == 2, result.output
    assert result.output.split("--force 不会覆盖它们：")[1].startswith(f"projects/{project.name}。")
    assert _snapshot(target) == before
    project.write_text(project.read_text(encoding="utf-8").replace("# 我的改动\n", ""), encoding="utf-8")
    assert _import(dongli_docx, target, "--force").exit_code == 0
    assert (target / ".jixiao-manifest.json").is_file()


def test_force_onto_a_symlinked_folder(dongli_docx: Path, tmp_path: Path) -> None:
    real = tmp_path / "真的"
    assert _import(dongli_docx, real).exit_code == 0
    link = tmp_path / "链接"
    link.symlink_to(real, target_is_directory=True)
    result = _import(dongli_docx, link, "--force")
    assert result.exit_code == 0, result.output
    assert link.is_symlink() and (real / "部门.yaml").is_file()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["真的", "链接"]  # no .链接.jx-XXXX.old left
    (tmp_path / "悬空").symlink_to(tmp_path / "不存在")
    result = _import(dongli_docx, tmp_path / "悬空")
    assert result.exit_code == 2 and "指向不存在位置的符号链接" in result.output


def test_force_does_not_follow_a_linked_subfolder_out(dongli_docx: Path, tmp_path: Path) -> None:
    target = tmp_path / "规格"
    assert _import(dongli_docx, target).exit_code == 0
    elsewhere = tmp_path / "别处"
    elsewhere.mkdir()
    shutil.rmtree(target / "schema")
    (target / "schema").symlink_to(elsewhere, target_is_directory=True)
    result = _import(dongli_docx, target, "--force")
    assert result.exit_code == 1 and "之外" in result.output
    assert list(elsewhere.iterdir()) == []


# --- Limits of the spec, checked before anything is written ------------------------------

W_NS = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


def _cell(text: str) -> str:
    return f'<w:tc><w:p><w:r><w:t xml:space="preserve">{escape(text)}</w:t></w:r></w:p></w:tc>'


def _table(rows: list[list[str]]) -> str:
    return "<w:tbl>" + "".join("<w:tr>" + "".join(_cell(c) for c in row) + "</w:tr>" for row in rows) + "</w:tbl>"


def _para(text: str) -> str:
    return f"<w:p><w:r><w:t>{escape(text)}</w:t></w:r></w:p>"


def project_table(number: int, *, goal: str = "保障正常运转", budget: str = "5.00", value: str = "=100%",
                  rows: int = 1) -> str:
    """One 项目绩效目标表 in WordprocessingML (title, unit line, one Word table)."""
    indicators = [["产出指标", "数量指标", f"完成率{i}", "按计划完成", value] for i in range(rows)]
    return _para(f"{number}.办公费绩效目标表") + _para("100001测试局本级\t单位：万元") + _table([
        ["项目名称", "办公费", "办公费", "办公费", "办公费"],
        ["预算规模及资金用途", "预算数", budget, "其中：财政资金", budget],
        ["预算规模及资金用途", "资金用途", "日常办公", "日常办公", "日常办公"],
        ["绩效目标", goal, goal, goal, goal],
        ["一级指标", "二级指标", "三级指标", "绩效指标描述", "指标值"],
        *indicators,
    ])


def word_file(path: Path, body: str) -> Path:
    """A minimal .docx whose body is the title paragraph and *body*."""
    xml = f'<?xml version="1.0" encoding="UTF-8"?><w:document {W_NS}><w:body>{_para("2025年测试局部门绩效目标")}{body}</w:body></w:document>'
    return _zip(path, {"word/document.xml": xml.encode("utf-8")})


def _import_refused(path: Path, tmp_path: Path, *phrases: str) -> None:
    started = time.monotonic()
    result = _import(path, tmp_path / "spec")
    assert result.exit_code == 1, result.output
    assert all(p in result.output for p in phrases), result.output
    assert "没有写入任何文件" in result.output and not (tmp_path / "spec").exists()
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []
    assert time.monotonic() - started < 30


def test_the_minimal_document_imports(tmp_path: Path) -> None:
    path = word_file(tmp_path / "三张表.docx", "".join(project_table(n) for n in (1, 2, 3)))
    result = _import(path, tmp_path / "spec")
    assert result.exit_code == 0 and "✓ 规格有效" in result.output, result.output


def test_ten_thousand_tables_stop_before_they_are_read(tmp_path: Path) -> None:
    path = word_file(tmp_path / "一万张表.docx", _table([["x"]]) * 10_000)
    _import_refused(path, tmp_path, "有 10000 个 Word 表格，超过导入的上限 6000 个")


def test_more_project_tables_than_a_spec_may_have(tmp_path: Path) -> None:
    path = word_file(tmp_path / "很多项目.docx", "".join(project_table(n) for n in range(1, MAX_PROJECTS + 2)))
    _import_refused(path, tmp_path, f"有 {MAX_PROJECTS + 1} 张项目绩效目标表，超过一份规格 {MAX_PROJECTS} 个项目的上限")


@pytest.mark.parametrize(
    ("table", "phrase"),
    [
        (project_table(1, rows=MAX_ROWS + 1), f"有 {MAX_ROWS + 1} 行指标，超过每张表 {MAX_ROWS} 行的上限"),
        (project_table(1, goal="很长" * 5001), f"有 10002 个字，超过每格（每段）{MAX_CELL_CHARS} 字的上限"),
        (project_table(1, budget="1" + "0" * 20), "的预算数「100000000000000000000」超过金额的上限"),
        (project_table(1, value="≥1234567890123456789%"), "中的数字超过整数 15 位"),
    ],
    ids=["rows", "cell", "amount", "digits"],
)
def test_a_table_over_a_limit_is_refused_before_writing(tmp_path: Path, table: str, phrase: str) -> None:
    _import_refused(word_file(tmp_path / "超限.docx", table), tmp_path, phrase)


def test_written_yaml_over_a_limit_is_refused(tmp_path: Path) -> None:
    from jixiao.importer.bounds import check_files
    from jixiao.importer.found import ImportProblem

    (tmp_path / "部门.yaml").write_text("标题: " + "长" * (MAX_YAML_BYTES // 3 + 10) + "\n", encoding="utf-8")
    with pytest.raises(ImportProblem, match="超过规格文件的上限"):
        check_files(tmp_path, ["部门.yaml"])


# --- init and new never write a spec that validate refuses -------------------------------

NAMES = st.one_of(
    st.sampled_from(["测试局 #2分局", "a\n单位名称: x", "{{ 项目名称 }}费", "{% if x %}", "true", "~", "123", "- a", "[1307]名称",
                     "&a", "*a", "'", '"', "a: b", "  空格  ", "", " ", "\t", "\x07", "\ud800", "名" * 10_001, "#", "---",
                     "!!python/object:os.system", "{a: 1}", "%YAML", "@", "`", "\u3000", "\u2028", "a\\nb"]),
    st.text(max_size=40),
    st.text(alphabet="#:{}[]&*!|>'\"%@`,?-~ \t\n名0", max_size=12),
)


def _valid(root: Path) -> bool:
    try:
        expand_department(load_department(root))
    except JixiaoError:
        return False
    return True


@pytest.fixture(scope="module")
def base_spec(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("base") / "spec"
    assert runner.invoke(app, ["init", str(root), "--年度", "2026"]).exit_code == 0
    return root


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(name=NAMES, year=st.one_of(st.none(), st.integers(-(10**6), 10**6), st.sampled_from([1989, 1990, 2100, 2101])))
def test_init_refuses_or_writes_a_valid_spec(tmp_path_factory: pytest.TempPathFactory, name: str, year: int | None) -> None:
    root = tmp_path_factory.mktemp("init") / "spec"
    args = ["init", str(root), "--部门", name] + ([] if year is None else ["--年度", str(year)])
    result = runner.invoke(app, args)
    assert result.exit_code in (0, 2), result.output
    if result.exit_code == 2:
        assert not root.exists() or list(root.iterdir()) == []
        return
    assert _valid(root), (name, year)
    assert load_department(root).department.name == name  # printed as given, not cut at a 「 #」


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(name=NAMES)
def test_new_refuses_or_writes_a_valid_spec(base_spec: Path, tmp_path_factory: pytest.TempPathFactory, name: str) -> None:
    root = tmp_path_factory.mktemp("new") / "spec"
    shutil.copytree(base_spec, root)
    result = runner.invoke(app, ["new", str(root), name])
    assert result.exit_code in (0, 2), result.output
    files = sorted(p.name for p in (root / "projects").iterdir())
    if result.exit_code == 2:
        assert files == ["01-办公费.yaml"]
        return
    assert len(files) == 2 and _valid(root), name
    assert [t.name for t in expand_department(load_department(root)).tables()][-1] == name


def test_sigterm_during_textconv_stops_the_pdf_reader(tmp_path: Path) -> None:
    path = _pdf(tmp_path / "慢.pdf", b"/F Do\n" * 150_000, form=b"0 0 m 1 1 l S\n" * 10)
    process = subprocess.Popen([sys.executable, "-m", "jixiao", "textconv", str(path)], stderr=subprocess.PIPE)
    assert _until(lambda: bool(_pdf_readers(process.pid)) and _waits(process.pid)), process.communicate(timeout=5)
    readers = _pdf_readers(process.pid)
    process.send_signal(signal.SIGTERM)
    _, stderr = process.communicate(timeout=60)
    assert process.returncode == 130 and "已中断" in stderr.decode("utf-8")
    assert _ends(readers)


def _pdf_readers(parent: int) -> list[int]:
    """The PDF readers *parent* started (not those of other tests or other runs on this machine)."""
    found = subprocess.run(["pgrep", "-P", str(parent), "-f", "jixiao.vcs.pdftext"], capture_output=True,
                           text=True).stdout.split()
    return [int(pid) for pid in found]
