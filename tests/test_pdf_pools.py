"""The PDF work of a render in two pools, so that the peak of memory is lower.

The combined document is laid out and written in a pool of its own; the
project tables' own documents go to a second pool, which is shut down (its
worker processes end) as soon as its last batch is done, while the combined
call may still be running: the combined call's memory peaks at its end, when
it writes the combined file. It writes a share of the project PDFs from its
own layout, so that the other workers are done by then. The files are the
same as a render in one process.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from concurrent.futures import Executor, ThreadPoolExecutor
from pathlib import Path

import pytest

from jixiao.expand.department import expand_department
from jixiao.render import pool
from jixiao.render.html.document import render_html
from jixiao.render.pdf.make import PdfRun, PdfSet, along_count
from jixiao.render.templates import html_dirs
from jixiao.spec.load import load_department

ROOT = Path(__file__).resolve().parents[1]


class _Pool(ThreadPoolExecutor):
    """A pool of threads that tells when it is shut down."""

    def __init__(self, workers: int) -> None:
        super().__init__(max_workers=workers)
        self.workers = workers
        self.stopped = threading.Event()

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        self.stopped.set()
        super().shutdown(wait=wait, cancel_futures=cancel_futures)


def _run(workers: int, start: Callable[[int], Executor]) -> PdfSet:
    spec = ROOT / "specs" / "dongli-2025"
    doc = expand_department(load_department(spec))
    dirs = html_dirs(spec, doc.templates.get("html"))
    run = PdfRun(render_html(doc, dirs), dirs, issued=doc.issued, title=doc.title,
                 numbers=[t.number for t in doc.tables()], combined=True, cache=None,
                 start=start, progress=lambda stage, done, total: None, workers=workers)
    return run.result()


def test_the_tables_pool_ends_while_the_combined_call_still_runs() -> None:
    release = threading.Event()
    pools: list[_Pool] = []

    def start(workers: int) -> _Pool:
        started = _Pool(workers)
        if not pools:  # the combined call's pool: the call waits behind this until released
            started.submit(release.wait, 120)
        pools.append(started)
        return started

    done: list[PdfSet] = []
    waiting = threading.Thread(target=lambda: done.append(_run(2, start)))
    waiting.start()
    try:
        deadline = time.monotonic() + 120
        while not (len(pools) > 1 and pools[1].stopped.is_set()) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert len(pools) > 1 and pools[1].stopped.is_set(), "the tables' pool was not shut down after its batches"
        assert not pools[0].stopped.is_set() and not done  # the combined call has not even started
    finally:
        release.set()
        waiting.join(300)
    assert [p.workers for p in pools] == [1, 1]
    made = done[0]
    assert made.combined is not None and made.combined.startswith(b"%PDF")
    assert made.laid_out == 1 + len(made.tables)

    # The same files as one process makes them: the combined call then writes every project PDF.
    serial = _run(1, pool.executor)
    assert made.combined == serial.combined
    assert made.tables == serial.tables
    assert made.table_breaks == serial.table_breaks and made.anchor_pages == serial.anchor_pages


@pytest.mark.parametrize(("missing", "workers"), [(54, 2), (6, 2), (1, 2), (54, 3), (54, 1), (0, 2)])
def test_the_combined_call_writes_a_share_of_the_project_pdfs(missing: int, workers: int) -> None:
    along = along_count(missing, workers)
    if workers == 1:
        assert along == missing  # each table laid out once: all written from the combined layout
    elif workers == 2 and missing:
        # Enough that the tables' worker is done before the combined file is written, not so many that
        # the combined call becomes the longer by much.
        assert 0 < along <= missing // 3 + 1
    else:
        assert along == 0  # three workers or more: the tables' pool is done early anyway
