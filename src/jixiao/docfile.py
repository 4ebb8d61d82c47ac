"""Reading a document named on the command line (``jixiao import``, ``jixiao textconv``).

Only a regular file is read (a FIFO or a device would block or never end),
and no more than :data:`~jixiao.limits.MAX_DOCUMENT_FILE_BYTES` of it, also
when it grows while being read.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from jixiao.errors import JixiaoError, UsageError
from jixiao.limits import MAX_DOCUMENT_FILE_BYTES


class DocumentTooBig(JixiaoError):
    """The file is larger than the limit (exit code 1)."""


def read_document(path: Path) -> bytes:
    """The bytes of the regular file *path*.

    Raises:
        UsageError: *path* does not exist, is a folder or another kind of file, or cannot be read.
        DocumentTooBig: it is larger than the limit.
    """
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_BINARY", 0)
    try:
        fd = os.open(path, flags)  # never blocks, also on a FIFO
    except FileNotFoundError:
        raise UsageError(f"文件 {path} 不存在。") from None
    except IsADirectoryError:
        raise UsageError(f"{path} 是一个文件夹；请给出一个文件。") from None
    except OSError as exc:
        raise UsageError(f"无法读取 {path}：{exc.strerror or type(exc).__name__}。") from None
    with os.fdopen(fd, "rb") as fh:
        info = os.fstat(fh.fileno())
        if stat.S_ISDIR(info.st_mode):
            raise UsageError(f"{path} 是一个文件夹；请给出一个文件。")
        if not stat.S_ISREG(info.st_mode):
            raise UsageError(f"{path} 不是普通文件（可能是管道或设备），没有读取。请给出一个文件。")
        if info.st_size > MAX_DOCUMENT_FILE_BYTES:
            raise _too_big(path, info.st_size)
        try:
            data = fh.read(MAX_DOCUMENT_FILE_BYTES + 1)
        except OSError as exc:
            raise UsageError(f"无法读取 {path}：{exc.strerror or type(exc).__name__}。") from None
    if len(data) > MAX_DOCUMENT_FILE_BYTES:
        raise _too_big(path, len(data))
    return data


def _too_big(path: Path, size: int) -> DocumentTooBig:
    mb = 1024 * 1024
    return DocumentTooBig(
        f"{path} 有 {size // mb} MB，超过 {MAX_DOCUMENT_FILE_BYTES // mb} MB 的上限，不像是一份绩效目标文档，没有读取。"
    )
