"""run_beside: a job in a forked child, its result or its exception back in the parent."""

from __future__ import annotations

import os

import pytest

from jixiao.errors import RenderError
from jixiao.render.beside import parallel_available, run_beside


def test_job_runs_in_another_process_when_possible(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("JIXIAO_JOBS", raising=False)
    if not parallel_available():
        pytest.skip("one core or no fork here")
    child, parent = run_beside(os.getpid, os.getpid)
    assert parent == os.getpid() and child != parent


def test_one_job_setting_keeps_everything_in_this_process(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("JIXIAO_JOBS", "1")
    assert not parallel_available()
    assert run_beside(os.getpid, os.getpid) == (os.getpid(), os.getpid())


@pytest.mark.parametrize("jobs", ["1", ""])
def test_an_error_in_the_job_reaches_the_caller(monkeypatch: pytest.MonkeyPatch, jobs: str) -> None:
    monkeypatch.setenv("JIXIAO_JOBS", jobs)

    def fail() -> bytes:
        raise RenderError("第 3 个项目表排版失败")

    with pytest.raises(RenderError, match="第 3 个项目表"):
        run_beside(fail, lambda: 1)
