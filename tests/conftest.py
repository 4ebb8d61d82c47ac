"""Shared fixtures: small spec folders written from text, and the examples rendered once per test run."""

from __future__ import annotations

import gc
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from textwrap import dedent

import pytest

ROOT = Path(__file__).resolve().parents[1]


#: What the fork server of a process that renders with workers many times imports once, instead of each worker:
#: WeasyPrint; docxtpl, openpyxl and the document model (the Word-template and workbook worker).
PRELOAD = ["jixiao.render.pdf.layout", "jixiao.render.word.template", "jixiao.render.xlsx.writer",
           "jixiao.model.document"]


def preload_for_many_renders() -> None:
    """Have this process's fork server import :data:`PRELOAD` (a command renders once and does not:
    tests/test_worker_imports.py). Called before the first render with workers."""
    from jixiao.render import pool

    pool.PRELOAD[:] = PRELOAD


def pytest_configure(config: pytest.Config) -> None:
    """Renders in tests use a cache folder of their own, never the user's ~/.cache/jixiao."""
    os.environ.setdefault("JIXIAO_CACHE_DIR", tempfile.mkdtemp(prefix="jixiao-test-cache-"))
    # Commands render in the test's own process unless a test asks for worker processes (jobs=2, JIXIAO_JOBS=2:
    # test_render_cache, test_pdf_pools, test_render_stress …): a render's workers each import WeasyPrint, which
    # costs more than rendering a small spec, and pytest-xdist keeps every core busy anyway.
    os.environ.setdefault("JIXIAO_JOBS", "1")
    preload_for_many_renders()
    # pytest-xdist workers inherit COLUMNS=80; rich would freeze that width into jixiao's consoles when
    # jixiao.cli is imported, and tests that invoke a command with env={"COLUMNS": ...} could not widen it.
    os.environ.pop("COLUMNS", None)
    # Fewer full garbage collections in the test processes. A full collection walks every live object: with
    # the imported libraries and the fixtures a test process holds (layouts, expanded examples) some 0.5 s.
    # CPython starts one after every 10 young-generation passes once enough objects survived, which in a whole
    # run was ~45 per pytest-xdist worker (~35 s of CPU of ~500); after every 1 000th, ~5 (most from the
    # renderer's own ``gc.collect()``). Reference cycles wait longer: a worker peaks at ~1.4 GB instead of ~0.9.
    # Processes the tests start (commands, render workers) keep CPython's default.
    young, middle, _ = gc.get_threshold()
    gc.set_threshold(young, middle, 1000)


#: The slowest test files, slowest first (wall time per file in a whole run, 2 workers). ``./run test`` hands
#: whole files to pytest-xdist's workers in collection order (``--dist loadfile --no-loadscope-reorder``: by
#: default xdist would reorder them by their number of tests); starting with the longest keeps the two workers
#: busy until the end instead of one finishing a long file alone. Only the order changes.
SLOWEST_FIRST = (
    "test_render_cache.py", "test_weasyprint_versions.py", "test_season_e2e.py", "test_import.py",
    "test_pageparity.py", "test_render_stress.py", "test_pdf.py", "test_safety_import.py", "test_pdf_stamp.py",
    "test_workbook_import.py", "test_page_numbers.py", "test_fuzz.py", "test_safety_files.py", "test_safety.py",
    "test_pages.py", "test_render_unchanged.py", "test_fmt.py", "test_precommit.py", "test_textconv.py",
    "test_safety_pdf.py", "test_fuzz_import.py",
)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    rank = {name: i for i, name in enumerate(SLOWEST_FIRST)}
    items.sort(key=lambda item: rank.get(item.path.name, len(rank)))

DEPARTMENT = """\
年度: 2025
部门名称: 测试局
金额单位: 万元
单位:
  - {单位编码: "100001", 单位名称: 测试局本级}
默认:
  预设: 运转类
  指标值确定依据: 工作计划
  资金支出计划: [20%, 50%, 80%, 100%]
"""

PROJECT = """\
项目名称: 法律顾问费
单位: "100001"
预算数: 5.00
资金用途: 法律咨询服务
绩效目标: 1.聘请律师提供法律咨询服务
"""


def write_tree(root: Path, files: dict[str, str]) -> Path:
    """Write ``{relative path: text}`` under *root* (text is dedented)."""
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(dedent(text), encoding="utf-8")
    return root


@pytest.fixture
def spec_dir(tmp_path: Path):  # type: ignore[no-untyped-def]
    """Factory: a department folder with the given project files (and 部门.yaml)."""

    def make(projects: dict[str, str] | None = None, department: str = DEPARTMENT,
             extra: dict[str, str] | None = None) -> Path:
        files = {"部门.yaml": department}
        for name, text in (projects if projects is not None else {"01-法律顾问费": PROJECT}).items():
            files[f"projects/{name}.yaml"] = text
        files.update(extra or {})
        return write_tree(tmp_path / "spec", files)

    return make


# --- The examples, rendered once for the whole run ---------------------------------------------


@contextmanager
def locked(path: Path) -> Iterator[None]:
    """Hold an exclusive lock on *path* (pytest-xdist's workers wait for each other here)."""
    try:
        import fcntl
    except ImportError:  # Windows: no workers sharing a folder there (the suite runs on Linux and macOS)
        yield
        return
    with path.open("a") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


#: The folder of the run's shared renders (tests/sharedmemo.py keeps readers' results there too).
SHARED_FOLDER = "rendered-examples"


class Examples:
    """``specs/<name>`` rendered to Word and PDF as a serial cold render makes them: one process, no cache.

    Each example is rendered the first time a test asks for it, once for the whole run: pytest-xdist's
    workers share one folder (the parent of their own temporary folders) and take turns under a lock.
    The folders are shared: read them, copy them, never change them.
    """

    def __init__(self, root: Path) -> None:
        self.root = root

    def __getitem__(self, name: str) -> Path:
        return self._rendered(name, frozenset({"docx", "pdf"}))

    def office_pdfs(self, name: str) -> Path:
        """LibreOffice's PDFs of the Word files of ``self[name]`` (combined and projects), made once per run.

        A folder mirroring the rendered one: ``<stem>.pdf`` and ``projects/<stem>.pdf``.
        """
        folder = self.root / f"{name}-office"
        source = self[name]
        with locked(self.root / f"{name}-office.lock"):
            if not (self.root / f"{name}-office.done").exists():
                shutil.rmtree(folder, ignore_errors=True)
                office = shutil.which("soffice") or shutil.which("libreoffice")
                assert office, "LibreOffice 未安装：sudo apt-get install libreoffice-writer-nogui（./run setup 会自动安装）"
                # One LibreOffice run (each start costs seconds): all into projects/, then the combined file up.
                combined = sorted(source.glob("*.docx"))
                result = subprocess.run(
                    [office, f"-env:UserInstallation=file://{self.root / 'office-profile'}", "--headless",
                     "--convert-to", "pdf", "--outdir", str(folder / "projects"),
                     *map(str, combined + sorted((source / "projects").glob("*.docx")))],
                    capture_output=True, text=True, timeout=600, check=False,
                )
                assert result.returncode == 0, result.stderr
                for path in combined:
                    (folder / "projects" / f"{path.stem}.pdf").rename(folder / f"{path.stem}.pdf")
                (self.root / f"{name}-office.done").touch()
        return folder

    def _rendered(self, name: str, formats: frozenset[str]) -> Path:
        key = f"{name}-{'-'.join(sorted(formats))}"
        folder = self.root / key
        self.root.mkdir(parents=True, exist_ok=True)
        with locked(self.root / f"{key}.lock"):
            if not (self.root / f"{key}.done").exists():
                from jixiao.expand.department import expand_department
                from jixiao.render.build import RenderOptions, render_department
                from jixiao.spec.load import load_department

                shutil.rmtree(folder, ignore_errors=True)  # what a run stopped half-way left
                spec = ROOT / "specs" / name
                render_department(expand_department(load_department(spec)), spec,
                                  RenderOptions(out_dir=folder, formats=formats, cache=False), jobs=1)
                (self.root / f"{key}.done").touch()
        return folder


@pytest.fixture(scope="session")
def examples(tmp_path_factory: pytest.TempPathFactory) -> Examples:
    """The example specs rendered to Word and PDF (serially, without the cache), once per run: name → folder."""
    base = tmp_path_factory.getbasetemp()
    shared = base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base
    return Examples(shared / SHARED_FOLDER)
