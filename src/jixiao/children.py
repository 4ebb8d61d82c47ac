"""Programs jixiao starts (LibreOffice, the PDF reader of ``textconv``): bounded in time, never left behind.

A child runs in a session (process group) of its own, so that everything it
starts in turn — LibreOffice's ``soffice.bin`` behind the ``soffice`` script —
can be ended with it. The whole group is killed when the time limit is
reached, when anything goes wrong while waiting, on Ctrl-C, and on SIGTERM
(turned into an interrupt by :func:`terminate_as_interrupt`, so that every
``finally`` and ``with`` on the way out runs and temporary copies are removed).
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from types import FrameType

from jixiao.errors import JixiaoError


class ChildTimeout(JixiaoError):
    """The child did not finish in time; it and everything it started were killed."""

    def __init__(self, seconds: float) -> None:
        super().__init__(f"{seconds:g} 秒内没有完成")
        self.seconds = seconds


class ChildFailed(JixiaoError):
    """The child could not be started (not installed, not executable)."""


@dataclass(frozen=True)
class Finished:
    """A child that ended by itself: its exit code and output."""

    returncode: int
    stdout: bytes
    stderr: bytes


def run(command: list[str], *, timeout: float, input: bytes | None = None) -> Finished:  # noqa: A002 - as subprocess
    """Run *command* in its own process group, *input* on its standard input; its exit code and output.

    Raises:
        ChildTimeout: it ran longer than *timeout* seconds (the group was killed).
        ChildFailed: it could not be started.
    """
    process: subprocess.Popen[bytes] | None = None
    try:
        with _starting():  # a Ctrl-C or SIGTERM now comes once there is a process to kill
            process = subprocess.Popen(
                command, stdin=subprocess.DEVNULL if input is None else subprocess.PIPE, stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                start_new_session=os.name != "nt", creationflags=getattr(subprocess, "CREATE_NEW_PROCESS_GROUP", 0),
            )
    except OSError as exc:
        raise ChildFailed(exc.strerror or type(exc).__name__) from None
    except BaseException:
        if process is not None:
            _kill(process)
        raise
    try:
        stdout, stderr = process.communicate(input, timeout=timeout)
    except subprocess.TimeoutExpired:
        _kill(process)
        raise ChildTimeout(timeout) from None
    except BaseException:  # Ctrl-C, SIGTERM, an error while reading its output
        _kill(process)
        raise
    _kill(process)  # whatever it started and left running
    return Finished(process.returncode, stdout, stderr)


def _kill(process: subprocess.Popen[bytes]) -> None:
    """Kill *process* and every process of its group, and reap it."""
    if os.name == "nt":  # pragma: no cover - Windows
        with contextlib.suppress(OSError):
            process.kill()
    else:
        with contextlib.suppress(OSError):
            os.killpg(process.pid, signal.SIGKILL)
    with contextlib.suppress(Exception):
        process.kill()
    with contextlib.suppress(Exception):
        process.communicate(timeout=5)


class Terminated(KeyboardInterrupt):
    """SIGTERM or SIGHUP arrived: stop as Ctrl-C does, cleaning up on the way."""


def _interrupt(signum: int, frame: FrameType | None) -> None:
    raise Terminated


def _stopping_signals() -> list[signal.Signals]:
    return [signal.SIGINT, signal.SIGTERM, *([signal.SIGHUP] if hasattr(signal, "SIGHUP") else [])]


@contextlib.contextmanager
def _starting() -> Iterator[None]:
    """Ctrl-C, and SIGTERM/SIGHUP under :func:`terminate_as_interrupt`, arriving inside wait until it ends.

    Starting a child is not one step: between the fork and the caller holding
    the process object, an interrupt would leave the child running (in a
    session of its own, nobody would end it). Held here, it is raised right
    after, where the caller can kill the child. Only where the main thread's
    handlers are Python's own Ctrl-C handler or :func:`terminate_as_interrupt`'s.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    held: list[int] = []
    ours = (signal.default_int_handler, _interrupt)
    wanted = [sig for sig in _stopping_signals() if signal.getsignal(sig) in ours]
    previous = {sig: signal.signal(sig, lambda signum, frame: held.append(signum)) for sig in wanted}
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    if held:
        raise KeyboardInterrupt if held[0] == signal.SIGINT else Terminated


@contextlib.contextmanager
def terminate_as_interrupt() -> Iterator[None]:
    """While inside, SIGTERM (and SIGHUP) raise :class:`Terminated` as Ctrl-C raises KeyboardInterrupt.

    Only the main thread can set signal handlers; elsewhere this does nothing.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    wanted = [sig for sig in _stopping_signals() if sig != signal.SIGINT]
    previous = {sig: signal.signal(sig, _interrupt) for sig in wanted}
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
