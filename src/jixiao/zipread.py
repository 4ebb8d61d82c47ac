"""Reading members of a zip package (a .docx or .xlsx) that may be a zip bomb or damaged.

One reader for every package jixiao opens outside rendering (``jixiao import``,
``jixiao textconv``). Nothing the package says about itself is trusted:

* before the package is opened, the number of central-directory records in
  the bytes bounds the number of members (``zipfile`` would otherwise build
  one object per record, whatever the declared count);
* before a member is inflated, its declared size, the sum of the declared
  sizes, its compression ratio and its compression method (stored or
  deflated: what Word and WPS write) are checked;
* while it is inflated, the bytes produced are counted chunk by chunk and
  reading stops as soon as the member, the package or the ratio goes over its
  limit — a header understating a member's size gains nothing.

Damaged data (a bad CRC, broken deflate data, a truncated file) and every
limit give a :class:`ZipProblem`: a message in Chinese, exit code 1.
"""

from __future__ import annotations

import zipfile
import zlib
from dataclasses import dataclass
from io import BytesIO
from types import TracebackType

from jixiao import limits
from jixiao.errors import JixiaoError

_CHUNK = 1 << 16
_CENTRAL_RECORD = b"PK\x01\x02"
_METHODS = frozenset({zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED})


@dataclass(frozen=True)
class Kind:
    """What a package should be, for the messages: the program that writes it and its extension."""

    program: str
    extension: str
    what: str

    @property
    def again(self) -> str:
        return f"请在 {self.program} 或 WPS 中打开它，另存为 {self.extension} 后重试。"


WORD = Kind("Word", ".docx", "Word 文档")
EXCEL = Kind("Excel", ".xlsx", "Excel 工作簿")


class ZipProblem(JixiaoError):
    """The package is damaged, uses what Word or Excel does not write, or goes over a limit (exit code 1)."""


@dataclass(frozen=True)
class ZipLimits:
    """Ceilings for one package (see :mod:`jixiao.limits`)."""

    members: int = limits.MAX_ZIP_MEMBERS
    member_bytes: int = limits.MAX_ZIP_MEMBER_BYTES
    total_bytes: int = limits.MAX_ZIP_TOTAL_BYTES
    ratio: int = limits.MAX_ZIP_RATIO
    ratio_floor: int = limits.ZIP_RATIO_FLOOR_BYTES


def _mb(size: int) -> str:
    return f"{size // (1024 * 1024)} MB"


class ZipReader:
    """The members of the zip package *data*; *name* (the file's name) is used in messages.

    Raises:
        ZipProblem: not a zip package, damaged, or too many members.
    """

    def __init__(self, data: bytes, name: str, bounds: ZipLimits | None = None, kind: Kind = WORD) -> None:
        self.name = name
        self.kind = kind
        self.limits = bounds or ZipLimits()
        self.unpacked = 0
        if data.count(_CENTRAL_RECORD) > self.limits.members:
            raise ZipProblem(
                f"{name} 中的文件超过 {self.limits.members} 个，不像是一份{kind.what}，没有读取。{kind.again}"
            )
        try:
            self._zip = zipfile.ZipFile(BytesIO(data))
            self._infos = {info.filename: info for info in self._zip.infolist()}
        except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, ValueError, OSError, RuntimeError) as exc:
            raise ZipProblem(f"{name} 已损坏，无法作为 {kind.extension} 读取（{_why(exc)}）。{kind.again}") from None
        declared = sum(info.file_size for info in self._infos.values())
        if declared > self.limits.total_bytes:
            raise self._too_big(self.limits.total_bytes)

    @property
    def names(self) -> frozenset[str]:
        """The members' names."""
        return frozenset(self._infos)

    def read(self, member: str) -> bytes:
        """The bytes of *member*, inflated under the limits.

        Raises:
            KeyError: no such member.
            ZipProblem: damaged, an unsupported method, or over a limit.
        """
        info = self._infos[member]
        bounds = self.limits
        if info.compress_type not in _METHODS:
            raise ZipProblem(
                f"{self.name} 中的 {member} 使用了 {self.kind.program} 不使用的压缩方式（编号 {info.compress_type}），没有读取。"
                f"{self.kind.again}"
            )
        if info.flag_bits & 0x1:
            raise ZipProblem(f"{self.name} 中的 {member} 是加密的，无法读取。{self.kind.again}")
        cap = min(bounds.member_bytes, bounds.total_bytes - self.unpacked)
        if info.file_size > cap:
            raise self._too_big(bounds.member_bytes if info.file_size > bounds.member_bytes else bounds.total_bytes)
        allowed = max(bounds.ratio_floor, bounds.ratio * info.compress_size)
        if info.file_size > allowed:
            raise self._too_dense(member)
        chunks: list[bytes] = []
        size = 0
        try:
            with self._zip.open(info) as stream:
                while chunk := stream.read(_CHUNK):
                    size += len(chunk)
                    if size > cap:
                        raise self._too_big(bounds.member_bytes if size > bounds.member_bytes else bounds.total_bytes)
                    if size > allowed:
                        raise self._too_dense(member)
                    chunks.append(chunk)
        except (zipfile.BadZipFile, zlib.error, EOFError, ValueError, OSError, RuntimeError, NotImplementedError) as exc:
            raise ZipProblem(f"{self.name} 已损坏：{member} 无法解压（{_why(exc)}）。{self.kind.again}") from None
        self.unpacked += size
        return b"".join(chunks)

    def _too_big(self, limit: int) -> ZipProblem:
        return ZipProblem(f"{self.name} 解压后超过 {_mb(limit)}，不像是一份绩效目标文档（可能是压缩炸弹），没有读取。")

    def _too_dense(self, member: str) -> ZipProblem:
        return ZipProblem(
            f"{self.name} 中的 {member} 压缩比超过 {self.limits.ratio}:1，不像是 {self.kind.program} 写出的文件（可能是压缩炸弹），没有读取。"
        )

    def close(self) -> None:
        self._zip.close()

    def __enter__(self) -> ZipReader:
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        self.close()


def _why(exc: BaseException) -> str:
    """A short cause for a message, without internal paths."""
    if isinstance(exc, zlib.error):
        return "压缩数据已损坏"
    if isinstance(exc, zipfile.BadZipFile) and "CRC" in str(exc):
        return "校验和不符"
    if isinstance(exc, EOFError):
        return "文件不完整"
    if isinstance(exc, zipfile.BadZipFile | zipfile.LargeZipFile):
        return "不是完整的 zip 压缩包"
    return type(exc).__name__
