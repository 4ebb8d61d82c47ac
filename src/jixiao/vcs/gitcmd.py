"""Running the ``git`` command: whole outputs for small answers, streams for listings and blobs.

Pathspecs are taken literally, no lock files are taken, and messages are in the
C locale so that they can be quoted. Nothing here reads a working tree.
"""

from __future__ import annotations

import os
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

from jixiao.errors import JixiaoError


class GitError(JixiaoError):
    """``git`` failed or is not there."""


def _env() -> dict[str, str]:
    return {**os.environ, "GIT_LITERAL_PATHSPECS": "1", "GIT_OPTIONAL_LOCKS": "0", "LC_ALL": "C"}


def _last_line(stderr: bytes, code: int) -> str:
    lines = stderr.decode("utf-8", errors="replace").strip().splitlines()
    return lines[-1] if lines else str(code)


def git(args: list[str], cwd: Path, *, data: bytes | None = None, check: bool = True) -> bytes:
    """Output of ``git <args>`` run in *cwd* (for commands with short answers).

    Raises:
        GitError: git is not installed, or (with *check*) the command failed.
    """
    try:
        done = subprocess.run(
            ["git", *args], cwd=cwd, input=data, capture_output=True, env=_env(), check=False
        )
    except FileNotFoundError:
        raise GitError("没有找到 git 命令：请先安装 git（Debian：apt-get install git）") from None
    except OSError as exc:
        raise GitError(f"无法运行 git：{exc.strerror}") from None
    if check and done.returncode != 0:
        raise GitError(f"git {args[0]} 失败：{_last_line(done.stderr, done.returncode)}")
    return done.stdout


@contextmanager
def git_stream(args: list[str], cwd: Path, *, stdin: bool = False) -> Iterator[subprocess.Popen[bytes]]:
    """``git <args>`` running, its output read by the caller piece by piece.

    The process is killed if the caller stops early; a failure of git once the
    caller has read everything raises :class:`GitError`.
    """
    with tempfile.TemporaryFile() as errors:
        try:
            proc = subprocess.Popen(
                ["git", *args], cwd=cwd, env=_env(), stdout=subprocess.PIPE, stderr=errors,
                stdin=subprocess.PIPE if stdin else subprocess.DEVNULL,
            )
        except FileNotFoundError:
            raise GitError("没有找到 git 命令：请先安装 git（Debian：apt-get install git）") from None
        except OSError as exc:
            raise GitError(f"无法运行 git：{exc.strerror}") from None
        finished = False
        try:
            yield proc
            finished = True
        finally:
            if proc.stdin is not None:
                proc.stdin.close()
            if not finished:
                proc.kill()
            assert proc.stdout is not None
            proc.stdout.close()
            code = proc.wait()
        if code != 0:
            errors.seek(0)
            raise GitError(f"git {args[0]} 失败：{_last_line(errors.read(65536), code)}")


def records(stream: IO[bytes], *, longest: int) -> Iterator[bytes]:
    """NUL-terminated records of *stream*, read in pieces; a record over *longest* bytes is refused."""
    pending = b""
    while chunk := stream.read(65536):
        pending += chunk
        *done, pending = pending.split(b"\0")
        yield from done
        if len(pending) > longest:
            raise GitError(f"git 的输出中有一项超过 {longest} 字节（路径过长），无法读取")
    if pending:
        yield pending
