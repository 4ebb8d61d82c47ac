"""Writing files safely: all-or-nothing sets, short temporary names, clear errors.

:func:`write_set` writes a group of files (and removes others) as one step:

1. every file is written to a temporary file ``.jx-XXXXXXXX.tmp`` in its own
   folder (short, so a long output name never exceeds the 255-byte limit of
   a file name); the file each one replaces is kept as a hard link;
2. only when all of them are written are they renamed into place, and the
   files to remove are renamed out of the way;
3. then the kept old files are deleted.

A file that replaces another keeps its permissions (and owner, where the
system allows), set before any byte is written: a private 0600 spec stays private.

Any failure on the way — a full disk, a permission error, Ctrl-C — renames the
old files back, deletes every temporary file and every folder this write
created (if it is empty), so the previous files are left byte for byte as
they were. Errors of the operating system become a :class:`RenderError`
in Chinese naming the path, the cause and what to do.

:func:`folder_lock` serialises writers of one output folder (``flock`` on the
folder itself, so no lock file is left behind).
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import secrets
import stat
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from jixiao.errors import RenderError

TEMP_PREFIX = ".jx-"
TEMP_SUFFIX = ".tmp"
#: Names of temporary files (and kept old files) while a set is written.
TEMP_NAME = re.compile(r"^\.jx-[0-9a-f]{8}\.tmp$")

#: Seconds to wait for another writer of the same output folder.
LOCK_WAIT_SECONDS = 30.0
LOCK_POLL_SECONDS = 0.1

_CAUSES = {
    errno.EACCES: "权限不足",
    errno.EPERM: "权限不足",
    errno.EROFS: "文件系统是只读的",
    errno.ENOSPC: "磁盘空间不足",
    errno.EDQUOT: "超出了磁盘配额",
    errno.EFBIG: "文件过大",
    errno.ENAMETOOLONG: "文件名或路径过长",
    errno.EISDIR: "已有同名的文件夹",
    errno.ENOTDIR: "路径中的某一级是文件而不是文件夹",
    errno.EEXIST: "已有同名的文件",
    errno.ENOENT: "路径不存在",
    errno.EBUSY: "文件正被其他程序占用",
    errno.ETXTBSY: "文件正被其他程序占用",
    errno.EIO: "读写设备出错",
}
_HINTS = {
    "权限不足": "请修改该文件夹的权限，或把输出写到有写权限的文件夹后重试。",
    "文件系统是只读的": "请把输出写到可以写入的文件夹后重试。",
    "磁盘空间不足": "请清理磁盘空间，或把输出写到空间足够的磁盘后重试。",
    "超出了磁盘配额": "请清理磁盘空间，或把输出写到空间足够的磁盘后重试。",
    "文件正被其他程序占用": "请关闭打开着这个文件的程序（如 Word、PDF 阅读器）后重试。",
    "已有同名的文件夹": "请移走这个文件夹，或把输出写到别的文件夹后重试。",
    "路径中的某一级是文件而不是文件夹": "请移走这个文件，或把输出写到别的文件夹后重试。",
}


def os_error_cause(exc: OSError) -> str:
    """The cause of *exc* in Chinese (the system's text for rare errors)."""
    if exc.errno in _CAUSES:
        return _CAUSES[exc.errno]
    code = errno.errorcode.get(exc.errno or 0, "")
    text = exc.strerror or str(exc) or type(exc).__name__
    return f"{text}（{code}）" if code else text


def write_error(exc: OSError, path: Path, *, undone: Iterable[str] = ()) -> RenderError:
    """A :class:`RenderError` saying that *path* could not be written, why, and what to do."""
    cause = os_error_cause(exc)
    hint = _HINTS.get(cause, "请检查该路径后重试。")
    left = sorted(set(undone))
    state = (
        "原有文件保持不变，没有留下临时文件。"
        if not left
        else f"撤销时以下文件未能恢复原样，请检查：{'、'.join(left)}。"
    )
    return RenderError(f"无法写入 {path}：{cause}。{state}{hint}")


def write_atomic(path: Path, data: bytes) -> None:
    """Replace *path* with *data* so that readers never see a half-written file.

    Raises :class:`RenderError` when the file cannot be written; *path* is then unchanged.
    """
    write_set({path: data})


def write_set(files: Mapping[Path, bytes], remove: Iterable[Path] = ()) -> None:
    """Write every file of *files* and delete *remove*: all of it, or nothing at all.

    Missing folders are created. Raises :class:`RenderError` for errors of the
    operating system; any exception (also ``KeyboardInterrupt``) leaves every
    file as it was, removes the temporary files and the folders created here.
    """
    step = _Transaction()
    try:
        for path, data in files.items():
            step.prepare(path, data)
        for path in remove:
            step.move_aside(path)
        for path in files:
            step.put_in_place(path)
    except BaseException as exc:
        undone = step.roll_back()
        if isinstance(exc, OSError):
            raise write_error(exc, step.current or Path(exc.filename or "."), undone=undone) from exc
        raise
    step.finish()


def make_folders(folder: Path) -> list[Path]:
    """Create *folder* and its missing parents; the folders created, outermost first."""
    missing: list[Path] = []
    probe = folder
    while not probe.is_dir():
        if os.path.lexists(probe) and not probe.is_symlink():
            if probe.is_dir():
                break  # made by another writer since the test above
            raise NotADirectoryError(errno.ENOTDIR, os.strerror(errno.ENOTDIR), str(probe))
        missing.append(probe)
        if probe.parent == probe:
            break
        probe = probe.parent
    created: list[Path] = []
    try:
        for path in reversed(missing):
            try:
                os.mkdir(path)
            except FileExistsError:
                if not path.is_dir():
                    raise NotADirectoryError(errno.ENOTDIR, os.strerror(errno.ENOTDIR), str(path)) from None
                continue  # made by someone else meanwhile: not ours to remove
            created.append(path)
    except BaseException:
        remove_empty(created)
        raise
    return created


def remove_empty(folders: Iterable[Path]) -> None:
    """Remove those of *folders* that are empty, innermost first; others stay."""
    for path in sorted(folders, key=lambda p: len(p.parts), reverse=True):
        with contextlib.suppress(OSError):
            os.rmdir(path)


def remove_orphans(folder: Path) -> None:
    """Delete temporary files a killed writer left in *folder* (call while holding its lock)."""
    with contextlib.suppress(OSError):
        for entry in os.scandir(folder):
            if TEMP_NAME.match(entry.name) and entry.is_file(follow_symlinks=False):
                with contextlib.suppress(OSError):
                    os.unlink(entry.path)


@contextlib.contextmanager
def folder_lock(
    folder: Path,
    *,
    created: list[Path] | None = None,
    on_wait: Callable[[], None] | None = None,
) -> Iterator[None]:
    """Hold an exclusive advisory lock on the existing *folder*.

    Waits up to :data:`LOCK_WAIT_SECONDS` for another holder, then raises
    :class:`RenderError`. Folders re-created here (when another writer removed
    *folder* while we waited) are appended to *created*. Without ``fcntl``
    (Windows), or on a file system without locks, nothing is locked.
    """
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows
        yield
        return
    deadline = time.monotonic() + LOCK_WAIT_SECONDS
    flags = os.O_RDONLY | getattr(os, "O_DIRECTORY", 0) | getattr(os, "O_CLOEXEC", 0)
    told = [False]

    def waiting() -> None:  # tell the caller once that we wait
        if on_wait is not None and not told[0]:
            on_wait()
        told[0] = True

    while True:
        try:
            fd = os.open(folder, flags)
        except FileNotFoundError:
            fd = -2  # removed by a failed writer cleaning up: make it again
        except OSError:
            fd = -1  # a folder we may write but not read: it cannot be locked
        if fd == -1:
            yield
            return
        if fd >= 0:
            try:
                locked = _wait_for_lock(fcntl, fd, folder, deadline, waiting)
                if not locked or _same_folder(fd, folder):
                    yield
                    return
            finally:
                os.close(fd)  # also releases the lock
        # The folder was removed (a failed writer cleaning up) while we waited: make it again.
        if time.monotonic() >= deadline:
            raise _busy(folder)
        made = make_folders(folder)
        if created is not None:
            created.extend(made)


def _wait_for_lock(fcntl: Any, fd: int, folder: Path, deadline: float, waiting: Callable[[], None]) -> bool:
    """Lock *fd*, polling until *deadline*; False when the file system has no locks."""
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return True
        except BlockingIOError:
            pass
        except OSError:  # no locks on this file system (e.g. some network drives)
            return False
        if time.monotonic() >= deadline:
            raise _busy(folder)
        waiting()
        time.sleep(LOCK_POLL_SECONDS)


def _busy(folder: Path) -> RenderError:
    return RenderError(
        f"另一个 jixiao render 正在写入 {folder}，等了 {LOCK_WAIT_SECONDS:g} 秒仍未结束，"
        "本次没有写入任何文件。请等它结束后重试，或用 -o 写到别的文件夹。"
    )


def _same_folder(fd: int, folder: Path) -> bool:
    try:
        now = os.stat(folder)
    except OSError:
        return False
    held = os.fstat(fd)
    return (held.st_dev, held.st_ino) == (now.st_dev, now.st_ino)


@dataclass
class _Transaction:
    """The state of one :func:`write_set`: what to undo if it fails."""

    #: Path being worked on (named in the error message).
    current: Path | None = None
    created: list[Path] = field(default_factory=list)
    #: target → its temporary file, written but not yet renamed.
    temps: dict[Path, Path] = field(default_factory=dict)
    #: target → hard link to the file it replaces (or the removed file, renamed).
    kept: dict[Path, Path] = field(default_factory=dict)
    #: targets whose old file could not be linked: renamed aside just before the new one comes.
    rename_aside: set[Path] = field(default_factory=set)
    #: Steps done in the commit phase, in order: ("moved", path) or ("placed", path).
    done: list[tuple[str, Path]] = field(default_factory=list)

    def prepare(self, path: Path, data: bytes) -> None:
        self.current = path
        self.created += make_folders(path.parent)
        if path.is_dir() and not path.is_symlink():
            raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR), str(path))
        fd, temp = _new_file(path.parent)
        self.temps[path] = temp
        try:
            _keep_mode(fd, path)
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view):]
        finally:
            os.close(fd)
        if os.path.lexists(path):
            self._keep_old(path)

    def move_aside(self, path: Path) -> None:
        """Rename *path* (a file to remove) to a temporary name, kept until the end."""
        self.current = path
        if not os.path.lexists(path):
            return
        backup = _free_name(path.parent)
        os.replace(path, backup)
        self.kept[path] = backup
        self.done.append(("moved", path))

    def put_in_place(self, path: Path) -> None:
        self.current = path
        if path in self.rename_aside:
            backup = _free_name(path.parent)
            os.replace(path, backup)
            self.kept[path] = backup
            self.rename_aside.discard(path)
            self.done.append(("moved", path))
        os.replace(self.temps[path], path)
        del self.temps[path]
        self.done.append(("placed", path))

    def finish(self) -> None:
        """Everything is in place: delete the kept old files."""
        for backup in self.kept.values():
            with contextlib.suppress(OSError):
                os.unlink(backup)

    def roll_back(self) -> list[str]:
        """Undo every step; what could not be restored (and where its old content is)."""
        failed: list[str] = []
        restored: set[Path] = set()
        for action, path in reversed(self.done):
            try:
                if action == "placed" and path not in self.kept:
                    os.unlink(path)  # a new file: there was none before
                elif path in self.kept and path not in restored:
                    os.replace(self.kept[path], path)
                    restored.add(path)
            except OSError:
                kept = self.kept.get(path)
                failed.append(f"{path}（原来的内容在 {kept}）" if kept and path not in restored else str(path))
        touched = {path for _, path in self.done}
        for path, backup in self.kept.items():
            if path not in touched:  # a hard link to a file that was never replaced
                with contextlib.suppress(OSError):
                    os.unlink(backup)
        for temp in self.temps.values():
            with contextlib.suppress(OSError):
                os.unlink(temp)
        remove_empty(self.created)
        return failed

    def _keep_old(self, path: Path) -> None:
        """Hard-link the file *path* will replace, so it can be put back."""
        for _ in range(100):
            backup = path.parent / f"{TEMP_PREFIX}{secrets.token_hex(4)}{TEMP_SUFFIX}"
            try:
                os.link(path, backup, follow_symlinks=False)
            except FileExistsError:
                continue
            except OSError:  # no hard links here (some file systems): rename it aside later
                self.rename_aside.add(path)
                return
            self.kept[path] = backup
            return
        self.rename_aside.add(path)


def _keep_mode(fd: int, path: Path) -> None:
    """Give the new file *fd* the permissions (and, where allowed, the owner) of the file *path* it replaces.

    Done before any byte is written, so a private file's new content is never readable by others.
    """
    try:
        old = os.stat(path, follow_symlinks=False)
    except OSError:
        return  # a new file: the umask decides, as for any new file
    if not stat.S_ISREG(old.st_mode):
        return
    with contextlib.suppress(OSError):
        os.fchmod(fd, stat.S_IMODE(old.st_mode) & 0o777)
    if hasattr(os, "fchown"):
        for uid in (old.st_uid, -1):  # the owner needs root; the group only membership
            try:
                os.fchown(fd, uid, old.st_gid)
                break
            except OSError:
                continue


def _new_file(folder: Path) -> tuple[int, Path]:
    """A new, empty temporary file in *folder*, opened for writing."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0) | getattr(os, "O_CLOEXEC", 0)
    for _ in range(100):
        temp = folder / f"{TEMP_PREFIX}{secrets.token_hex(4)}{TEMP_SUFFIX}"
        try:
            return os.open(temp, flags, 0o666), temp  # 0o666 & ~umask, as open() would
        except FileExistsError:
            continue
    raise FileExistsError(errno.EEXIST, os.strerror(errno.EEXIST), str(folder))


def _free_name(folder: Path) -> Path:
    """A temporary name in *folder* that no file has (for renaming a file aside)."""
    for _ in range(100):
        name = folder / f"{TEMP_PREFIX}{secrets.token_hex(4)}{TEMP_SUFFIX}"
        if not os.path.lexists(name):
            return name
    raise FileExistsError(errno.EEXIST, os.strerror(errno.EEXIST), str(folder))
