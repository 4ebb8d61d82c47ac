"""Programs jixiao starts are never left behind: not even when Ctrl-C or SIGTERM comes while one is starting."""

from __future__ import annotations

import os
import signal
import subprocess
from collections.abc import Iterator
from typing import Any

import pytest

from jixiao import children


@pytest.fixture
def started(monkeypatch: pytest.MonkeyPatch, request: pytest.FixtureRequest) -> Iterator[list[subprocess.Popen[Any]]]:
    """Popen that sends this process *request.param* right after the child is started, before returning it."""
    real = subprocess.Popen
    made: list[subprocess.Popen[Any]] = []

    def popen(*args: Any, **kwargs: Any) -> subprocess.Popen[Any]:
        process = real(*args, **kwargs)
        made.append(process)
        os.kill(os.getpid(), request.param)
        for _ in range(1000):  # Python runs the signal's handler between two of these steps
            pass
        return process

    monkeypatch.setattr(children.subprocess, "Popen", popen)
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)  # Ctrl-C as in jixiao's own process
    try:
        yield made
    finally:
        signal.signal(signal.SIGINT, previous)
        for process in made:
            if process.poll() is None:  # what the test found left behind
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()


@pytest.mark.parametrize("started", [signal.SIGTERM], indirect=True)
def test_sigterm_while_a_child_starts_kills_the_child(started: list[subprocess.Popen[Any]]) -> None:
    with pytest.raises(children.Terminated), children.terminate_as_interrupt():
        children.run(["sleep", "30"], timeout=60)
    (process,) = started
    assert process.poll() == -signal.SIGKILL  # killed (and reaped), not left sleeping in a session of its own


@pytest.mark.parametrize("started", [signal.SIGINT], indirect=True)
def test_ctrl_c_while_a_child_starts_kills_the_child(started: list[subprocess.Popen[Any]]) -> None:
    with pytest.raises(KeyboardInterrupt) as raised:
        children.run(["sleep", "30"], timeout=60)
    assert not isinstance(raised.value, children.Terminated)
    (process,) = started
    assert process.poll() == -signal.SIGKILL


def test_handlers_are_restored_after_a_child_ran() -> None:
    before = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM)}
    with children.terminate_as_interrupt():
        inside = signal.getsignal(signal.SIGTERM)
        assert children.run(["true"], timeout=30).returncode == 0
        assert signal.getsignal(signal.SIGTERM) is inside
    assert {sig: signal.getsignal(sig) for sig in before} == before
