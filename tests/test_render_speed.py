"""Fast renders give the same files: parallel layout, the cache, edits, batches (see render/pdfset.py).

The reference is always a serial cold render: one process (``Inline``), no
cache. Every other way of rendering the same spec must give the same bytes,
file by file: the combined PDF and Word file (whose 目录 holds page numbers),
each project's PDF (font subsets, file identifier) and Word file.
"""

from __future__ import annotations

import os
import re
import shutil
import time
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from jixiao.cli import app
from jixiao.expand.department import expand_department
from jixiao.render import cache as cache_module
from jixiao.render import workers
from jixiao.render.build import RenderOptions, RenderReport, render_department
from jixiao.render.chunks import plan, unsupported
from jixiao.render.records import part_from_bytes
from jixiao.spec.load import load_department

ROOT = Path(__file__).resolve().parents[1]
runner = CliRunner()


@pytest.fixture(autouse=True)
def _own_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("JIXIAO_CACHE_DIR", str(folder))
    monkeypatch.delenv("JIXIAO_CACHE", raising=False)
    return folder


def _render(spec: Path, out: Path, *, jobs: int, cache: bool, **options: Any) -> RenderReport:
    doc = expand_department(load_department(spec))
    runner_ = workers.start(jobs)
    try:
        return render_department(doc, spec, RenderOptions(out_dir=out, cache=cache, **options), runner=runner_)
    finally:
        runner_.close()


def _files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def _copy(name: str, tmp_path: Path, layout: str | None = None) -> Path:
    spec = Path(shutil.copytree(ROOT / "specs" / name, tmp_path / name))
    if layout is not None:
        dept = spec / "部门.yaml"
        text = re.sub(r"^版式:.*$", "", dept.read_text(encoding="utf-8"), flags=re.M)
        dept.write_text(text + f"\n版式: {layout}\n", encoding="utf-8")
    return spec


def _edit_budget(spec: Path, index: int, delta: str) -> Path:
    project = sorted((spec / "projects").glob("*.yaml"))[index]
    text = project.read_text(encoding="utf-8")
    match = re.search(r"^预算数: *([0-9.]+)", text, re.M)
    assert match is not None
    value = match.group(1)
    places = len(value.split(".")[1]) if "." in value else 0
    new = f"{float(value) + float(delta):.{places}f}"
    project.write_text(text[:match.start(1)] + new + text[match.end(1):], encoding="utf-8")
    return project


def test_parallel_cached_and_incremental_renders_equal_a_serial_cold_render(tmp_path: Path) -> None:
    spec = _copy("tangshan-2025", tmp_path)
    cold = _render(spec, tmp_path / "serial", jobs=1, cache=False)
    assert cold.pdf_whole is None  # laid out in parts
    reference = _files(tmp_path / "serial")
    assert len(reference) == 2 + 2 * 54 + 1

    # Two processes, empty cache: every part laid out, by two workers.
    parallel = _render(spec, tmp_path / "out", jobs=2, cache=True)
    assert parallel.pdf_laid_out > 54
    assert _files(tmp_path / "out") == reference

    # Everything cached: nothing laid out, nothing rewritten.
    before = {p: (p.stat().st_ino, p.stat().st_mtime_ns) for p in (tmp_path / "out").rglob("*.*")}
    warm = _render(spec, tmp_path / "out", jobs=2, cache=True)
    assert warm.pdf_laid_out == 0
    assert _files(tmp_path / "out") == reference
    assert {p: (p.stat().st_ino, p.stat().st_mtime_ns) for p in before} == before

    # One 预算数 edited: that table laid out again; same bytes as a cold render of the edited spec.
    project = _edit_budget(spec, 2, "0.01")
    edited = _render(spec, tmp_path / "out", jobs=2, cache=True)
    assert edited.pdf_laid_out <= 2  # the table (and the skeleton, were its page count to change)
    _render(spec, tmp_path / "serial-edited", jobs=1, cache=False)
    assert _files(tmp_path / "out") == _files(tmp_path / "serial-edited")
    changed = {p.name for p in before if (p.stat().st_ino, p.stat().st_mtime_ns) != before[p]}
    stem = "03-" + project.stem.split("-", 1)[1]
    assert changed == {
        "唐山市医疗保障局部门绩效目标.docx", "唐山市医疗保障局部门绩效目标.pdf",
        f"{stem}.docx", f"{stem}.pdf", ".jixiao-manifest.json",
    }


def test_a_table_that_grows_a_page_renumbers_the_later_pages(tmp_path: Path) -> None:
    """The skeleton is laid out again: the combined PDF's footers and 目录 and the Word 目录 follow."""
    spec = _copy("dongli-2025", tmp_path)
    _render(spec, tmp_path / "out", jobs=2, cache=True)
    project = sorted((spec / "projects").glob("*.yaml"))[0]
    long_goal = "1." + "做好城乡居民基本医疗保险工作，" * 120
    text = re.sub(r"^绩效目标:.*$", f"绩效目标: {long_goal}", project.read_text(encoding="utf-8"), count=1, flags=re.M)
    project.write_text(text, encoding="utf-8")
    grown = _render(spec, tmp_path / "out", jobs=2, cache=True)
    assert grown.pdf_laid_out == 2  # the table and the skeleton
    _render(spec, tmp_path / "serial", jobs=1, cache=False)
    assert _files(tmp_path / "out") == _files(tmp_path / "serial")


@pytest.mark.parametrize("layout", ["公文", "{基于: 河北, 首页: 标题, 部分标题: 表前}"])
def test_part_headings_above_tables_and_title_pages(tmp_path: Path, layout: str) -> None:
    """部分标题: 表前 and 首页: 标题 put two sections on one page: they are laid out together."""
    spec = _copy("tangshan-2025", tmp_path, layout)
    cold = _render(spec, tmp_path / "serial", jobs=1, cache=False)
    assert cold.pdf_whole is None
    _render(spec, tmp_path / "out", jobs=2, cache=True)
    assert _files(tmp_path / "out") == _files(tmp_path / "serial")
    warm = _render(spec, tmp_path / "out", jobs=1, cache=True)
    assert warm.pdf_laid_out == 0 and _files(tmp_path / "out") == _files(tmp_path / "serial")


def test_style_sheets_that_need_the_whole_document_are_laid_out_whole(tmp_path: Path) -> None:
    css = (ROOT / "templates" / "html" / "style.css").read_text(encoding="utf-8")
    spec = _copy("dongli-2025", tmp_path)
    (spec / "templates" / "html").mkdir(parents=True)
    (spec / "templates" / "html" / "style.css").write_text(css + "\n@page :first { margin-top: 50mm; }\n",
                                                          encoding="utf-8")
    serial = _render(spec, tmp_path / "serial", jobs=1, cache=False)
    assert serial.pdf_whole is not None and "页面选择器" in serial.pdf_whole
    parallel = _render(spec, tmp_path / "out", jobs=2, cache=True)
    assert parallel.pdf_whole == serial.pdf_whole
    assert _files(tmp_path / "out") == _files(tmp_path / "serial")


def test_only_lays_out_the_chosen_tables(tmp_path: Path) -> None:
    spec = _copy("dongli-2025", tmp_path)
    _render(spec, tmp_path / "all", jobs=1, cache=False)
    only = _render(spec, tmp_path / "only", jobs=2, cache=False, only=("2", "5"))
    assert only.pdf_laid_out == 2
    files = _files(tmp_path / "only")
    reference = _files(tmp_path / "all")
    assert {name for name in files if name.endswith(".pdf")} == {
        name for name in reference if name.startswith(("projects/02-", "projects/05-")) and name.endswith(".pdf")
    }
    assert all(files[name] == reference[name] for name in files if name.startswith("projects/"))


def test_the_cache_trusts_nothing_it_did_not_write(tmp_path: Path, _own_cache: Path) -> None:
    spec = _copy("dongli-2025", tmp_path)
    _render(spec, tmp_path / "serial", jobs=1, cache=False)
    reference = _files(tmp_path / "serial")
    _render(spec, tmp_path / "out", jobs=1, cache=True)
    entries = [p for p in (_own_cache / "entries").rglob("*") if p.is_file()]
    assert entries
    assert (_own_cache / "secret").stat().st_mode & 0o077 == 0
    # A changed byte in every entry: each fails its HMAC, is deleted and made again.
    for path in entries:
        data = bytearray(path.read_bytes())
        data[-1] ^= 1
        path.write_bytes(bytes(data))
    again = _render(spec, tmp_path / "out", jobs=1, cache=True)
    assert again.pdf_laid_out > 0
    assert _files(tmp_path / "out") == reference
    # Entries made under another secret (another machine or user) are not used either.
    (_own_cache / "secret").unlink()
    other = _render(spec, tmp_path / "out", jobs=1, cache=True)
    assert other.pdf_laid_out == again.pdf_laid_out
    assert _files(tmp_path / "out") == reference


def test_a_cache_folder_others_can_write_is_not_used(tmp_path: Path, _own_cache: Path) -> None:
    if not hasattr(os, "getuid"):
        pytest.skip("POSIX permissions")
    (_own_cache / "entries").mkdir(parents=True)
    _own_cache.chmod(0o777)
    assert cache_module.Cache.open() is None
    _own_cache.chmod(0o700)
    assert cache_module.Cache.open() is not None


def test_the_cache_stays_under_its_limit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    store = cache_module.Cache.open()
    assert store is not None
    store._limit = 10_000
    for i in range(20):
        store.put(f"{i:064x}", bytes(1_000))
    store.trim()
    sizes = [p.stat().st_size for p in (store.folder / "entries").rglob("*") if p.is_file()]
    assert sum(sizes) <= 10_000 and len(sizes) >= 5
    assert store.get(f"{19:064x}") == bytes(1_000)  # the newest survive


def test_cached_parts_are_checked_before_use() -> None:
    for bad in (b"", b"not json\n", b'{"pages": []}\n', b"[1, 2]\n"):
        with pytest.raises((ValueError, TypeError, KeyError, IndexError)):
            part_from_bytes(bad)


def test_html_the_parts_cannot_reproduce_is_named() -> None:
    import lxml.html

    def reason(css: str, body: str = "<section>a</section><section>b</section>") -> str | None:
        root = lxml.html.document_fromstring(f"<html><head><style>{css}</style></head><body>{body}</body></html>")
        return unsupported(root)

    assert reason("p { color: red } table { table-layout: fixed } .x::after { content: counter(page) }") is None
    assert reason("@page :left { margin: 0 }") is not None
    assert reason("h1 { string-set: title content() }") is not None
    assert reason("li { counter-increment: item }") is not None
    assert reason("body { background: url(logo.png) }") is not None
    assert reason("", '<section><img src="a.png"></section>') is not None
    assert reason(".jx-part + section { break-before: auto }") is not None
    assert reason("@media print { section:first-child h2 { color: red } }") is not None
    assert reason('a[class~="x"], td[lang|="zh"] { width: calc(1px + 2px) }') is None
    assert isinstance(plan("<html><body>loose text<section>a</section></body></html>"), str)


def test_batch_render_of_several_specs(tmp_path: Path) -> None:
    good = _copy("dongli-2025", tmp_path)
    bad = tmp_path / "broken"
    bad.mkdir()
    (bad / "部门.yaml").write_text("年度: 不是年份\n", encoding="utf-8")
    out = tmp_path / "out"
    result = runner.invoke(app, ["render", str(good), str(bad), "-o", str(out), "--force"])
    assert result.exit_code == 1
    assert "1 个规格未能生成" in result.stderr and "broken" in result.stderr
    _render(good, tmp_path / "single", jobs=1, cache=False)
    assert _files(out / "dongli-2025") == _files(tmp_path / "single")
    again = runner.invoke(app, ["render", str(good), str(good), "-o", str(out)])
    assert again.exit_code == 2 and "同名" in again.stderr
    only = runner.invoke(app, ["render", str(good), str(bad), "--only", "1"])
    assert only.exit_code == 2 and "--only" in only.stderr


def test_cached_pages_naming_a_changed_font_are_laid_out_again(tmp_path: Path) -> None:
    """A font file that is not the one the cached pages were drawn with: the cache is not used."""
    spec = _copy("dongli-2025", tmp_path)
    _render(spec, tmp_path / "serial", jobs=1, cache=False)
    _render(spec, tmp_path / "out", jobs=1, cache=True)
    store = cache_module.Cache.open()
    assert store is not None
    faces: set[bytes] = set()
    entries = [p.name for p in (store.folder / "entries").rglob("*") if p.is_file()]
    for key in entries:
        data = store.get(key)
        assert data is not None
        if data.startswith(b"%PDF"):  # the combined file: made again from the parts
            (store.folder / "entries" / key[:2] / key).unlink()
            continue
        faces |= set(re.findall(rb'"([0-9a-f]{32})",\[\[', data))
        for face in faces:
            data = data.replace(face, b"f" * 32)
        store.put(key, data)
    assert faces
    again = _render(spec, tmp_path / "out", jobs=2, cache=True)
    assert again.pdf_whole is None and again.pdf_laid_out > 0
    assert _files(tmp_path / "out") == _files(tmp_path / "serial")


def test_workers_end_when_closed_or_left() -> None:
    """No process is left behind: closed at once, or their parent's end of the pipe gone."""
    if "fork" not in __import__("multiprocessing").get_all_start_methods():
        pytest.skip("no fork here")
    quick = workers.Workers(2)
    quick.close()  # before it could make a process group of its own
    assert not quick._process.is_alive()
    left = workers.Workers(2)
    assert len(set(left.run([("os:getpid", ())] * 4))) >= 1
    first = left._process
    assert left._connection is not None
    left._connection.close()  # as if this process had died
    first.join(10)
    assert first.exitcode == 0
    for _ in range(100):  # its workers read the end of their pipes too, and end
        try:
            os.killpg(first.pid, 0)
        except ProcessLookupError:
            break
        time.sleep(0.05)
    else:
        pytest.fail("workers still running")
    assert workers.Inline().run([("os:getpid", ())], then=lambda i, v: [("os:getpid", ())] if i == 0 else []) == [
        os.getpid(), os.getpid()
    ]


@pytest.mark.parametrize(("name", "layout"), [("dongli-2025", None), ("tangshan-2025", "公文")])
def test_parts_read_back_as_the_whole_document_layout(tmp_path: Path, name: str, layout: str | None) -> None:
    """Laid out in parts, the pages hold what the whole document laid out at once holds, page by page."""
    import io

    import pdfplumber

    from jixiao.render import chunkpdf
    from jixiao.render.build import issued_at
    from jixiao.render.html import render_html
    from jixiao.render.pdfset import Job, make_pdfs
    from jixiao.render.templates import html_dirs

    spec = _copy(name, tmp_path, layout)
    doc = expand_department(load_department(spec))
    dirs = html_dirs(spec, doc.templates.get("html"))
    html = render_html(doc, dirs)
    numbers = tuple(t.number for t in doc.tables())
    parts = make_pdfs(Job(html, tuple(dirs), issued_at(doc), doc.title, numbers, True), workers.Inline(), None)
    combined, tables, anchors, _ = chunkpdf.whole(html, dirs, issued_at(doc), doc.title, numbers, True)
    assert parts.whole is None and parts.anchor_pages == anchors

    def texts(data: bytes | None) -> list[str]:
        assert data is not None
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            return [page.extract_text() for page in pdf.pages]

    assert texts(parts.combined) == texts(combined)
    for number in (numbers[0], numbers[-1]):
        assert texts(parts.tables[number]) == texts(tables[number])
