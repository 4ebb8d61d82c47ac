"""Worker processes for rendering, through :mod:`concurrent.futures` only.

:func:`executor` gives a :class:`~concurrent.futures.ProcessPoolExecutor` for
several processes, or an :class:`InlineExecutor` that makes each call at once
in this process (one core, or ``JIXIAO_JOBS=1``); either way callers submit
function references with picklable arguments and read the results (or the
exceptions they raised) from the futures. The files are the same, byte for
byte, with one process or several.

Workers are started by a fork server where there is one (Linux, macOS) and
spawned elsewhere: never forked from this process, which may hold threads
(the progress bar's) and their locks. The fork server imports nothing of its
own (:data:`PRELOAD`): each worker imports WeasyPrint when its first call
needs it. A fork server holding WeasyPrint would start workers faster, but
every worker writes to the pages it shares with the server (reference
counts), so the server's copy and the workers' copies of those pages are
both in memory: about 10 MB more at the peak of a render, for a gain in
time (each worker imports WeasyPrint, about 0.4 s of CPU) that a render's
wall time does not show on an idle machine.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import ParamSpec, TypeVar

from jixiao.errors import JixiaoError, RenderError

#: Modules the fork server imports before starting workers: none for a command, which renders once (see the
#: module docstring). A process that renders many times may name ``jixiao.render.pdf.layout`` here before its
#: first render, so that every worker starts with WeasyPrint (the test suite does: tests/conftest.py).
PRELOAD: list[str] = []

P = ParamSpec("P")
T = TypeVar("T")

DIED = (
    "排版 PDF 的工作进程意外退出（可能是内存不足）。"
    "请设置环境变量 JIXIAO_JOBS=1 后重试，让 jixiao 在一个进程中依次排版。"
)


def jobs() -> int:
    """How many processes to render with: ``JIXIAO_JOBS``, else the usable cores."""
    setting = os.environ.get("JIXIAO_JOBS", "").strip()
    if setting.isdigit() and int(setting) > 0:
        return int(setting)
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


class InlineExecutor(Executor):
    """An executor that makes each call when it is submitted, in this process."""

    def submit(self, fn: Callable[P, T], /, *args: P.args, **kwargs: P.kwargs) -> Future[T]:
        future: Future[T] = Future()
        try:
            future.set_result(fn(*args, **kwargs))
        except BaseException as exc:  # noqa: BLE001 - handed to whoever reads the future, as a pool would
            future.set_exception(exc)
        return future


def _context() -> multiprocessing.context.BaseContext:
    if "forkserver" in multiprocessing.get_all_start_methods():
        server = multiprocessing.get_context("forkserver")
        server.set_forkserver_preload(PRELOAD)
        return server
    return multiprocessing.get_context("spawn")


def prepare() -> None:
    """Start the fork server now, if there will be workers: it starts while this process goes on.

    (Starting a worker waits until the fork server is up;
    ``jixiao render`` calls this before it reads the spec.)
    """
    if jobs() > 1 and _context().get_start_method() == "forkserver":
        from multiprocessing import forkserver

        forkserver.ensure_running()


def executor(workers: int, *, processes: bool = False) -> Executor:
    """A pool of *workers* processes, or an :class:`InlineExecutor` for one (a pool of one with *processes*).

    As with any process pool that does not fork, a script using it must
    guard its own start (``if __name__ == "__main__":``).
    """
    if workers <= 1 and not processes:
        return InlineExecutor()
    return ProcessPoolExecutor(max_workers=max(1, workers), mp_context=_context())


def result(future: Future[T]) -> T:
    """The result of *future*; a JixiaoError raised in a worker comes back as it was, a dead worker as a RenderError."""
    try:
        return future.result()
    except JixiaoError as exc:
        # Without the worker's traceback text that concurrent.futures chains on:
        # the same error as when the call is made in this process.
        raise exc from None
    except BrokenProcessPool:
        raise RenderError(DIED) from None


def stop(pool: Executor) -> None:
    """End *pool* without waiting for calls not started (after an error, or once all is done)."""
    pool.shutdown(wait=True, cancel_futures=True)

