"""Fast renders give the same files: worker processes, the output cache, edits, batches.

The reference is always a serial cold render: one process, no cache. Every
other way of rendering the same spec must give the same bytes, file by file:
the combined PDF and Word file (whose 目录 holds page numbers), each
project's PDF (font subsets, file identifier) and Word file. The cache folder
may come from elsewhere: what it holds is verified, and what is planted in
it (a FIFO, a link) is neither waited on nor followed.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from conftest import Examples
from jixiao.cli import app
from jixiao.errors import RenderError
from jixiao.expand.department import expand_department
from jixiao.render import cache as cache_module
from jixiao.render import pool
from jixiao.render.build import RenderOptions, RenderReport, render_department
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
    return render_department(doc, spec, RenderOptions(out_dir=out, cache=cache, **options), jobs=jobs)


def _files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def _copy(name: str, tmp_path: Path, layout: str | None = None, every: int = 1) -> Path:
    """A copy of an example spec, with another layout, keeping every *every*-th project (the others deleted)."""
    spec = Path(shutil.copytree(ROOT / "specs" / name, tmp_path / name))
    for i, project in enumerate(sorted((spec / "projects").glob("*.yaml"))):
        if i % every:
            project.unlink()
    if layout is not None:
        dept = spec / "部门.yaml"
        text = re.sub(r"^版式:.*$", "", dept.read_text(encoding="utf-8"), flags=re.M)
        dept.write_text(text + f"\n版式: {layout}\n", encoding="utf-8")
    return spec


def _stamps(folder: Path) -> dict[Path, tuple[int, int]]:
    return {p: (p.stat().st_ino, p.stat().st_mtime_ns) for p in folder.rglob("*.*")}


def test_workers_and_the_cache_give_the_files_of_a_serial_cold_render(tmp_path: Path, examples: Examples) -> None:
    spec = _copy("tangshan-2025", tmp_path)
    reference = _files(examples["tangshan-2025"])  # one process, no cache
    assert len(reference) == 2 + 2 * 54 + 1

    # Two worker processes, empty cache.
    parallel = _render(spec, tmp_path / "out", jobs=2, cache=True)
    assert parallel.pdf_laid_out == 55
    assert _files(tmp_path / "out") == reference

    # Nothing changed: nothing laid out, nothing rewritten.
    before = _stamps(tmp_path / "out")
    warm = _render(spec, tmp_path / "out", jobs=2, cache=True)
    assert warm.pdf_laid_out == 0
    assert _files(tmp_path / "out") == reference
    assert _stamps(tmp_path / "out") == before
    # An edit, with workers and the cache: test_an_edit_that_grows_a_table_renumbers_the_later_pages (东丽).


def test_an_edit_that_grows_a_table_renumbers_the_later_pages(tmp_path: Path) -> None:
    """Only the edited project's files and the combined document are made again and rewritten, as a serial
    cold render makes them; the combined PDF's footers and 目录 and the Word 目录 follow the longer table."""
    spec = _copy("dongli-2025", tmp_path)
    _render(spec, tmp_path / "out", jobs=2, cache=True)
    before = _stamps(tmp_path / "out")
    project = sorted((spec / "projects").glob("*.yaml"))[0]
    long_goal = "1." + "做好城乡居民基本医疗保险工作，" * 120
    text = re.sub(r"^绩效目标:.*$", f"绩效目标: {long_goal}", project.read_text(encoding="utf-8"), count=1, flags=re.M)
    project.write_text(text, encoding="utf-8")
    grown = _render(spec, tmp_path / "out", jobs=2, cache=True)
    assert grown.pdf_laid_out == 2
    _render(spec, tmp_path / "serial", jobs=1, cache=False)
    assert _files(tmp_path / "out") == _files(tmp_path / "serial")
    after = _stamps(tmp_path / "out")
    changed = {p.relative_to(tmp_path / "out").as_posix() for p, stamp in before.items() if after[p] != stamp}
    stem = "projects/01-" + project.stem.split("-", 1)[1]
    (combined,) = (p.stem for p in (tmp_path / "out").glob("*.pdf"))
    assert changed == {f"{combined}.docx", f"{combined}.pdf", f"{stem}.docx", f"{stem}.pdf", ".jixiao-manifest.json"}


@pytest.mark.parametrize("layout", ["公文", "{基于: 河北, 首页: 标题, 部分标题: 表前}"])
def test_part_headings_above_tables_and_title_pages(tmp_path: Path, layout: str) -> None:
    # A third of the projects (18 tables of all six units, tables across pages, both parts): what is
    # compared is how the pages are made, which does not need all 54 tables.
    spec = _copy("tangshan-2025", tmp_path, layout, every=6)  # 9 tables: both pools still get work
    _render(spec, tmp_path / "serial", jobs=1, cache=False)
    _render(spec, tmp_path / "out", jobs=2, cache=True)
    assert _files(tmp_path / "out") == _files(tmp_path / "serial")
    warm = _render(spec, tmp_path / "out", jobs=1, cache=True)
    assert warm.pdf_laid_out == 0 and _files(tmp_path / "out") == _files(tmp_path / "serial")


def test_page_side_rules_of_a_style_sheet(tmp_path: Path) -> None:
    """A style sheet with :first/:left rules: the same files in one process or two."""
    css = (ROOT / "templates" / "html" / "style.css").read_text(encoding="utf-8")
    spec = _copy("dongli-2025", tmp_path)
    (spec / "templates" / "html").mkdir(parents=True)
    (spec / "templates" / "html" / "style.css").write_text(
        css + "\n@page :first { margin-top: 50mm; }\n@page :left { margin-left: 35mm; }\n", encoding="utf-8")
    _render(spec, tmp_path / "serial", jobs=1, cache=False)
    _render(spec, tmp_path / "out", jobs=2, cache=True)
    assert _files(tmp_path / "out") == _files(tmp_path / "serial")


def test_only_lays_out_the_chosen_tables(tmp_path: Path, examples: Examples) -> None:
    spec = _copy("dongli-2025", tmp_path)
    only = _render(spec, tmp_path / "only", jobs=2, cache=False, only=("2", "5"))
    assert only.pdf_laid_out == 2
    files = _files(tmp_path / "only")
    reference = _files(examples["dongli-2025"])  # everything, one process, no cache
    assert {name for name in files if name.endswith(".pdf")} == {
        name for name in reference if name.startswith(("projects/02-", "projects/05-")) and name.endswith(".pdf")
    }
    assert all(files[name] == reference[name] for name in files if name.startswith("projects/"))


def test_the_cache_trusts_nothing_it_did_not_write(tmp_path: Path, _own_cache: Path, examples: Examples) -> None:
    spec = _copy("dongli-2025", tmp_path)
    reference = _files(examples["dongli-2025"])  # one process, no cache
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
    assert again.pdf_laid_out == 7
    assert _files(tmp_path / "out") == reference
    # Entries made under another secret (another machine or user) are not used either.
    (_own_cache / "secret").unlink()
    other = _render(spec, tmp_path / "out", jobs=1, cache=True)
    assert other.pdf_laid_out == 7
    assert _files(tmp_path / "out") == reference


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
def test_a_fifo_or_a_link_planted_in_the_cache_is_neither_waited_on_nor_followed(
    tmp_path: Path, _own_cache: Path
) -> None:
    spec = _copy("dongli-2025", tmp_path)
    out = tmp_path / "out"
    command = [sys.executable, "-m", "jixiao", "render", str(spec), "-o", str(out), "--force"]
    env = {**os.environ, "JIXIAO_CACHE_DIR": str(_own_cache), "JIXIAO_JOBS": "1"}
    subprocess.run(command, env=env, check=True, capture_output=True, timeout=600)
    reference = _files(out)
    entries = sorted(p for p in (_own_cache / "entries").rglob("*") if p.is_file())
    assert len(entries) >= 4
    victim = tmp_path / "victim"
    victim.mkdir()
    (victim / "precious.txt").write_text("mine", encoding="utf-8")
    shard = entries[0].parent
    outside = tmp_path / "elsewhere"
    shutil.move(shard, outside)
    shard.symlink_to(outside, target_is_directory=True)  # a whole shard folder leading elsewhere
    kept = {p.name: p.read_bytes() for p in outside.iterdir()}
    planted = [p for p in entries if p.parent != shard]
    for i, path in enumerate(planted):
        path.unlink()
        if i % 3:
            os.mkfifo(path)  # opening it for reading would block until someone writes
        else:
            path.symlink_to(victim / "precious.txt")
    shutil.rmtree(out)
    # A timeout fails the test rather than hanging it.
    result = subprocess.run(command, env=env, capture_output=True, timeout=600, text=True)
    assert result.returncode == 0, result.stderr
    assert _files(out) == reference
    assert (victim / "precious.txt").read_text(encoding="utf-8") == "mine"  # the links' target untouched
    assert {p.name: p.read_bytes() for p in outside.iterdir()} == kept  # nothing used or removed there
    # Every planted entry was looked up, found wrong, removed (the link or FIFO itself) and made again.
    assert all(path.is_file() and not path.is_symlink() for path in planted if os.path.lexists(path))


def test_a_cache_folder_others_can_write_is_not_used(tmp_path: Path, _own_cache: Path) -> None:
    if not hasattr(os, "getuid"):
        pytest.skip("POSIX permissions")
    (_own_cache / "entries").mkdir(parents=True)
    _own_cache.chmod(0o777)
    assert cache_module.Cache.open() is None
    _own_cache.chmod(0o700)
    assert cache_module.Cache.open() is not None


def test_the_cache_stays_under_its_limit(tmp_path: Path) -> None:
    store = cache_module.Cache.open()
    assert store is not None
    store._limit = 10_000
    for i in range(20):
        store.put(f"{i:064x}", bytes(1_000))
    store.trim()
    sizes = [p.stat().st_size for p in (store.folder / "entries").rglob("*") if p.is_file()]
    assert sum(sizes) <= 10_000 and len(sizes) >= 5
    assert store.get(f"{19:064x}") == bytes(1_000)  # the newest survive


def test_batch_render_of_several_specs(tmp_path: Path) -> None:
    good = _copy("dongli-2025", tmp_path)
    bad = tmp_path / "broken"
    bad.mkdir()
    (bad / "部门.yaml").write_text("年度: 不是年份\n", encoding="utf-8")
    out = tmp_path / "out"
    result = runner.invoke(app, ["render", str(good), str(bad), "-o", str(out), "--force"])
    assert result.exit_code == 1
    assert "1 个规格未能生成" in result.stderr and "broken" in result.stderr
    _render(good, tmp_path / "single", jobs=1, cache=False, formats=frozenset({"docx", "pdf", "xlsx"}))
    assert _files(out / "dongli-2025") == _files(tmp_path / "single")
    again = runner.invoke(app, ["render", str(good), str(good), "-o", str(out)])
    assert again.exit_code == 2 and "同名" in again.stderr
    only = runner.invoke(app, ["render", str(good), str(bad), "--only", "1"])
    assert only.exit_code == 2 and "--only" in only.stderr


def _fail(message: str) -> None:
    raise RenderError(message)


@pytest.mark.parametrize("workers", [1, 2])
def test_pool_calls_by_reference_and_errors_are_exceptions(workers: int) -> None:
    executor = pool.executor(workers)
    try:
        pids = [executor.submit(os.getpid) for _ in range(4)]
        assert all(isinstance(pool.result(f), int) for f in pids)
        assert (pool.result(pids[0]) == os.getpid()) is (workers == 1)
        with pytest.raises(RenderError, match="第 3 个项目表") as caught:
            pool.result(executor.submit(_fail, "第 3 个项目表排版失败"))
        assert caught.value.__cause__ is None
    finally:
        pool.stop(executor)


def test_the_code_digest_reads_every_module_render_imports() -> None:
    # A change to the page plan (model/page.py) or to chars.py changes what is rendered: the cached
    # outputs must not outlive it. grimp is import-linter's own graph of the package.
    import grimp

    graph = grimp.build_graph("jixiao", cache_dir=None)
    upstream = graph.find_upstream_modules("jixiao.render", as_package=True)
    assert "jixiao.model.page" in upstream
    digested = {p.resolve() for p in cache_module.code_files()}
    src = Path(cache_module.__file__).resolve().parents[1]
    missing = []
    for name in sorted(upstream | {m for m in graph.modules if m.startswith("jixiao.render")}):
        parts = name.split(".")[1:]
        path = src.joinpath(*parts).with_suffix(".py")
        if not path.exists():
            path = src.joinpath(*parts, "__init__.py")
        if path.resolve() not in digested:
            missing.append(name)
    assert missing == []
