"""Processes that lay out parts of the PDF, one per core.

:meth:`Workers.start` forks the workers at once, before the spec is even
read: each imports WeasyPrint (the slowest import of all) and sets up its
fonts while this process loads, expands and checks the spec. The parts of
the document are then laid out over the workers (:meth:`Workers.run`); they
exchange only pickled arguments and results (strings, bytes, plain data).

With one core, where ``fork`` is not available (Windows, macOS spawn
default), or when ``JIXIAO_JOBS=1`` is set, :func:`start` gives an
:class:`Inline` runner that makes the same calls in this process, one after
the other; the results are the same, byte for byte.

A worker never prints and never touches the terminal; Ctrl-C is handled by
this process, which then ends the workers. An error a call raises is raised
here as it is (a :class:`~jixiao.errors.JixiaoError` stays one); a worker
that dies without an answer is reported as a RenderError.
"""

from __future__ import annotations

import contextlib
import importlib
import multiprocessing
import os
import signal
import sys
from collections.abc import Callable, Iterator, Sequence
from contextvars import ContextVar
from multiprocessing.connection import Connection, wait
from typing import Any, Protocol, cast

from jixiao.errors import JixiaoError, RenderError

#: ("module:function", arguments): a call to make, named so that the caller need not import the module.
Call = tuple[str, tuple[Any, ...]]

#: The warm-up of a PDF worker: import WeasyPrint, set up the fonts (see :mod:`jixiao.render.chunkpdf`).
PDF_WARM_UP = "jixiao.render.chunkpdf:prepare"

_DIED = (
    "排版 PDF 的工作进程意外退出（可能是内存不足）。"
    "请设置环境变量 JIXIAO_JOBS=1 后重试，让 jixiao 在一个进程中依次排版。"
)


class Runner(Protocol):
    """Makes calls, in this process or in workers."""

    size: int

    def run(self, calls: Sequence[Call], done: Callable[[int, Any], None] | None = None,
            then: Callable[[int, Any], Sequence[Call]] | None = None) -> list[Any]:
        """The results of *calls* in their order; *done(i, result)* as soon as call *i* returns.

        *then(i, result)* may give more calls to make (numbered on from the
        last); their results come after those of *calls*.
        """
        ...

    def close(self) -> None:
        """Release the workers (if any)."""
        ...


def jobs() -> int:
    """How many processes to lay out with: ``JIXIAO_JOBS``, else the usable cores."""
    setting = os.environ.get("JIXIAO_JOBS", "").strip()
    if setting.isdigit() and int(setting) > 0:
        return int(setting)
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


_CURRENT: ContextVar[Runner | None] = ContextVar("jixiao_workers", default=None)


@contextlib.contextmanager
def started(warm: str | None = None) -> Iterator[Runner]:
    """Workers started now, for the render in this block (:func:`current`); ended after it at the latest.

    ``jixiao render`` starts them before reading the spec, so that they import
    WeasyPrint meanwhile; the render ends them once its PDF is laid out.
    """
    runner = start(warm=warm)
    token = _CURRENT.set(runner)
    try:
        yield runner
    finally:
        _CURRENT.reset(token)
        runner.close()


def current() -> Runner | None:
    """The runner of the enclosing :func:`started` block, if any."""
    return _CURRENT.get()


def resolve(name: str) -> Callable[..., Any]:
    """The function named ``module:function``."""
    module, _, function = name.partition(":")
    found: Callable[..., Any] = getattr(importlib.import_module(module), function)
    return found


def start(count: int | None = None, warm: str | None = None) -> Runner:
    """Workers for *count* processes (default :func:`jobs`), or an :class:`Inline` runner for one."""
    count = jobs() if count is None else count
    if count <= 1 or "fork" not in multiprocessing.get_all_start_methods():
        return Inline()
    return Workers(count, warm)


class Inline:
    """The calls made here, one after the other."""

    size = 1

    def run(self, calls: Sequence[Call], done: Callable[[int, Any], None] | None = None,
            then: Callable[[int, Any], Sequence[Call]] | None = None) -> list[Any]:
        todo = list(calls)
        out: list[Any] = []
        while len(out) < len(todo):
            function, args = todo[len(out)]
            out.append(resolve(function)(*args))
            if done is not None:
                done(len(out) - 1, out[-1])
            if then is not None:
                todo += then(len(out) - 1, out[-1])
        return out

    def close(self) -> None:
        return None


class Workers:
    """Forked worker processes, each serving one call at a time.

    This process forks one process at once (the *first*), which warms up
    (imports WeasyPrint, sets up fonts) and then forks the workers: they
    start warm and share its memory pages. The first process hands out the
    calls and sends back each result as it comes; it computes nothing itself.
    The processes form their own process group, ended together by :meth:`close`.
    """

    def __init__(self, count: int, warm: str | None = None) -> None:
        context = multiprocessing.get_context("fork")
        for stream in (sys.stdout, sys.stderr):  # nothing buffered may be written twice
            with contextlib.suppress(Exception):
                stream.flush()
        self.size = count
        mine, theirs = context.Pipe()
        self._process: Any = context.Process(target=_first, args=(theirs, mine, count, warm), name="jixiao-pdf")
        self._process.start()
        theirs.close()
        self._connection: Connection | None = mine

    def run(self, calls: Sequence[Call], done: Callable[[int, Any], None] | None = None,
            then: Callable[[int, Any], Sequence[Call]] | None = None) -> list[Any]:
        if self._connection is None:
            raise RuntimeError("workers closed")
        connection = self._connection
        results: dict[int, Any] = {}
        count = 0
        failure: BaseException | None = None

        def send(call: Call) -> None:
            nonlocal count
            connection.send((count, call))
            count += 1

        try:
            for call in calls:
                send(call)
            while len(results) < count:
                index, status, value = connection.recv()
                results[index] = value
                if failure is not None:
                    continue  # the calls already sent still answer
                if status == "ok":
                    if done is not None:
                        done(index, value)
                    for call in then(index, value) if then is not None else ():
                        send(call)
                else:
                    failure = value if status == "error" else RenderError(_DIED)
        except (OSError, EOFError):
            raise RenderError(_DIED) from None
        if failure is not None:
            raise failure
        return [results[i] for i in range(count)]

    def close(self) -> None:
        if self._connection is None:
            return
        with contextlib.suppress(Exception):
            self._connection.close()
        self._connection = None
        with contextlib.suppress(OSError):
            if os.getpgid(self._process.pid) == self._process.pid:  # its own group: it and its workers
                os.killpg(self._process.pid, signal.SIGTERM)
            else:  # no group of its own: its workers end when its pipes close
                self._process.terminate()
        with contextlib.suppress(Exception):
            self._process.join(5)


def _first(connection: Connection, parent_end: Connection, count: int, warm: str | None) -> None:
    """The first process: warm up, fork *count* workers, then hand out the calls it is sent, as they come.

    Each process closes the ends of pipes it inherited but does not use, so
    that when one side goes away the other reads the end of the pipe.
    """
    parent_end.close()
    with contextlib.suppress(OSError):
        os.setpgid(0, 0)  # a process group of our own: Ctrl-C goes to the parent only, close() ends us all
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if warm is not None:
        with contextlib.suppress(Exception):  # a real problem shows again in the first call
            resolve(warm)()
    context = multiprocessing.get_context("fork")
    idle: list[Connection] = []
    for _ in range(count):
        mine, theirs = context.Pipe()
        context.Process(target=_serve, args=(theirs, [connection, mine, *idle]), name="jixiao-pdf").start()
        theirs.close()
        idle.append(mine)
    waiting: list[tuple[int, Call]] = []
    busy: dict[Connection, int] = {}
    try:
        while True:
            for ready in wait([connection, *busy]):
                if ready is connection:
                    waiting.append(connection.recv())
                    continue
                worker = cast(Connection, ready)
                index = busy.pop(worker)
                try:
                    status, value = worker.recv()
                except (OSError, EOFError):
                    status, value = "died", None
                else:
                    idle.append(worker)
                connection.send((index, status, value))
            while waiting and (idle or not busy):
                index, call = waiting.pop(0)
                if not idle:  # every worker died
                    connection.send((index, "died", None))
                    continue
                worker = idle.pop()
                try:
                    worker.send(call)
                except (OSError, EOFError):
                    connection.send((index, "died", None))
                    continue
                busy[worker] = index
    except (EOFError, OSError):  # the parent is gone or done with us
        pass
    os._exit(0)  # not sys.exit: never flush the parent's buffered output a second time


def _serve(connection: Connection, inherited: list[Connection]) -> None:
    """A worker's life: make the calls it is sent until the pipe closes."""
    for other in inherited:
        other.close()
    while True:
        try:
            message = connection.recv()
        except (EOFError, OSError):
            break
        function, args = message
        try:
            reply: tuple[str, Any] = ("ok", resolve(function)(*args))
        except JixiaoError as exc:
            reply = ("error", exc)
        except BaseException as exc:  # noqa: BLE001 - a bug: report it as the same kind of error
            reply = ("error", _Unexpected(f"{type(exc).__name__}: {exc}"))
        try:
            connection.send(reply)
        except Exception as exc:  # noqa: BLE001 - e.g. an error that cannot be pickled
            with contextlib.suppress(Exception):
                connection.send(("error", _Unexpected(f"{type(exc).__name__}: {exc}")))
    os._exit(0)


class _Unexpected(Exception):
    """An exception from a worker that was not a JixiaoError (a bug), with its text."""
