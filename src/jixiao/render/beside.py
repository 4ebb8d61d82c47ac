"""Run one job in a forked process while the caller does another: two cores, one wall time.

Writing the PDFs draws every page twice (once in the combined file, once in
its project's file); the two writes are independent, so on a machine with two
or more cores :func:`run_beside` does one of them in a child process forked
from the laid-out state (nothing is pickled but the result). Where ``fork``
is not available (Windows, macOS spawn default) or there is one core, or
``JIXIAO_JOBS=1`` is set, the job simply runs first in this process.

The child gets the parent's memory as it is at the fork; it must not print or
touch the terminal. An error the child raises (a :class:`~jixiao.errors.JixiaoError`,
pickled back) is raised here as it is, as if the job had run in this process;
a child that dies without an answer is reported as a RenderError.
"""

from __future__ import annotations

import multiprocessing
import os
import warnings
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import TypeVar

from jixiao.errors import JixiaoError, RenderError

A = TypeVar("A")
B = TypeVar("B")

#: The job of the process being forked (a fork child reads it from its copy of memory).
_JOB: Callable[[], object] | None = None


def _run_job() -> object:
    if _JOB is None:  # not forked from run_beside
        raise RuntimeError("no job")
    return _JOB()


def parallel_available() -> bool:
    """Can :func:`run_beside` use a second process?"""
    if os.environ.get("JIXIAO_JOBS", "").strip() == "1":
        return False
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    return cores > 1 and "fork" in multiprocessing.get_all_start_methods()


def run_beside(job: Callable[[], A], main: Callable[[], B]) -> tuple[A, B]:
    """``(job(), main())``, *job* in a forked child process when possible."""
    global _JOB
    if not parallel_available():
        return job(), main()
    _JOB = job
    try:
        with warnings.catch_warnings():
            # Python 3.12+ warns about fork() when a thread runs (the progress bar's
            # refresh thread); the child only computes and returns bytes.
            warnings.simplefilter("ignore", DeprecationWarning)
            pool = ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("fork"))
            future = pool.submit(_run_job)  # forks here, with _JOB set
        with pool:
            mine = main()
            try:
                theirs = future.result()
            except JixiaoError as exc:
                # Drop the child's traceback text chained on by concurrent.futures:
                # the same error as when the job runs in this process.
                raise exc from None
            except BrokenProcessPool:
                raise RenderError(
                    "同时写出 PDF 的第二个进程意外退出（可能是内存不足）。"
                    "请设置环境变量 JIXIAO_JOBS=1 后重试，让 jixiao 在一个进程中依次写出。"
                ) from None
    finally:
        _JOB = None
    return theirs, mine  # type: ignore[return-value]
