"""A content-addressed cache of rendered files, so that an unchanged render is cheap.

What is kept (see :mod:`jixiao.render.pdf.make` and :mod:`jixiao.render.build`):
the combined PDF with its anchors' pages (keyed by the whole HTML), each
project's PDF (keyed by the HTML of that table's own document), the Word XML
of each project table and the Word files (keyed by the expanded content they
are made from and the Word template's bytes), the workbook (keyed by the
expanded content). Every key also holds the jixiao
version and render code, WeasyPrint's and its libraries' versions, the fonts
and text libraries installed, and every file of the HTML template folders. A
render therefore gives the same bytes with or without the cache; the tests
check it.

Where: ``$JIXIAO_CACHE_DIR``, else ``$XDG_CACHE_HOME/jixiao`` (``~/.cache/jixiao``),
``%LOCALAPPDATA%\\jixiao`` on Windows. ``JIXIAO_CACHE=0`` turns it off.

A cache folder could be shared or copied from elsewhere (CI restores one), so
nothing in it is trusted as it is:

* entries are bytes and JSON only, never pickles;
* only regular files are read, opened without following a symbolic link and
  without blocking (a FIFO planted in the folder is never waited on); a shard
  folder that is a link is not entered; anything else in their place is a
  miss, and an entry of the wrong kind is removed (the link itself, never
  what it points to);
* each entry carries an HMAC-SHA256 of its key and content under a secret
  made for this user on first use (``secret``, readable by the owner only);
  an entry that does not verify (another machine's, a truncated write, an
  edited file) is a miss and is deleted;
* a folder other users can write to is not used;
* an entry over :data:`MAX_ENTRY_BYTES` is neither written nor read.

Size: at most :data:`MAX_CACHE_BYTES` (``JIXIAO_CACHE_MB`` to change); when a
render leaves more, the least recently used entries are deleted down to 80 %.
Any failure to read or write the cache only makes the render slower.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import json
import os
import secrets
import stat
import sys
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any

#: Bumped whenever what is stored changes meaning.
FORMAT = "jixiao-render-cache/1"
MAX_CACHE_BYTES = 512 * 1024 * 1024
MAX_ENTRY_BYTES = 64 * 1024 * 1024
_MAGIC = b"JXC1"
_MAC = 32
_SECRET = "secret"
_ENTRIES = "entries"


def _default_folder() -> Path | None:
    configured = os.environ.get("JIXIAO_CACHE_DIR", "").strip()
    if configured:
        return Path(configured)
    if sys.platform == "win32":
        base = os.environ.get("LOCALAPPDATA", "").strip()
        return Path(base) / "jixiao" if base else None
    xdg = os.environ.get("XDG_CACHE_HOME", "").strip()
    if xdg:
        return Path(xdg) / "jixiao"
    try:
        return Path.home() / ".cache" / "jixiao"
    except (RuntimeError, KeyError, OSError):
        return None


def _limit() -> int:
    setting = os.environ.get("JIXIAO_CACHE_MB", "").strip()
    return int(setting) * 1024 * 1024 if setting.isdigit() else MAX_CACHE_BYTES


class Cache:
    """Entries in one folder, verified with this user's secret."""

    def __init__(self, folder: Path, secret: bytes, limit: int = MAX_CACHE_BYTES) -> None:
        self.folder = folder
        self._secret = secret
        self._limit = limit
        self._written = 0
        #: Hits and misses of this render (shown by the benchmark).
        self.hits = 0
        self.misses = 0

    @classmethod
    def open(cls) -> Cache | None:
        """The user's cache, or None when it is turned off or cannot be used safely."""
        if os.environ.get("JIXIAO_CACHE", "").strip().lower() in ("0", "no", "off", "false"):
            return None
        folder = _default_folder()
        if folder is None:
            return None
        try:
            (folder / _ENTRIES).mkdir(parents=True, exist_ok=True, mode=0o700)
            if not (_private(folder) and _private(folder / _ENTRIES)):
                return None
            secret = _secret(folder / _SECRET)
        except OSError:
            return None
        return cls(folder, secret, _limit())

    def _path(self, key: str) -> Path:
        return self.folder / _ENTRIES / key[:2] / key

    def _mac(self, key: str, data: bytes) -> bytes:
        return hmac.new(self._secret, key.encode("ascii") + b"\0" + data, hashlib.sha256).digest()

    def get(self, key: str) -> bytes | None:
        """The entry stored under *key*, if present, a regular file and verified."""
        path = self._path(key)
        if not _real_folder(path.parent):
            self.misses += 1
            return None
        try:
            raw = read_regular(path, MAX_ENTRY_BYTES + len(_MAGIC) + _MAC)
        except _NotRegular:
            raw = None
        except OSError:
            self.misses += 1
            return None
        data = raw[len(_MAGIC) + _MAC:] if raw is not None else b""
        good = (
            raw is not None
            and raw[:len(_MAGIC)] == _MAGIC
            and hmac.compare_digest(raw[len(_MAGIC):len(_MAGIC) + _MAC], self._mac(key, data))
        )
        if not good:
            with contextlib.suppress(OSError):
                path.unlink()  # removes a link or a FIFO itself, never what it points to
            self.misses += 1
            return None
        with contextlib.suppress(OSError):  # recently used: trimmed last
            if os.utime in os.supports_follow_symlinks:
                os.utime(path, follow_symlinks=False)
            else:
                os.utime(path)
        self.hits += 1
        return data

    def put(self, key: str, data: bytes) -> None:
        """Store *data* under *key* (silently nothing when it cannot be written)."""
        if len(data) > MAX_ENTRY_BYTES:
            return
        path = self._path(key)
        temp = path.with_name(f".{key}.{secrets.token_hex(4)}.tmp")
        try:
            path.parent.mkdir(exist_ok=True, mode=0o700)
            if not _real_folder(path.parent):
                return
            fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NOFOLLOW, 0o600)
            with os.fdopen(fd, "wb") as fh:
                fh.write(_MAGIC + self._mac(key, data) + data)
            os.replace(temp, path)
            self._written += len(data)
        except OSError:
            with contextlib.suppress(OSError):
                temp.unlink()

    def get_json(self, key: str) -> Any:
        """A JSON entry, or None."""
        data = self.get(key)
        if data is None:
            return None
        try:
            return json.loads(data.decode("utf-8"))
        except ValueError:
            return None

    def put_json(self, key: str, value: Any) -> None:
        self.put(key, json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8"))

    def trim(self) -> None:
        """Delete the least recently used entries while the cache is over its limit."""
        if not self._written:
            return
        entries = []
        total = 0
        with contextlib.suppress(OSError):
            for shard in os.scandir(self.folder / _ENTRIES):
                if not shard.is_dir(follow_symlinks=False):
                    continue
                for entry in os.scandir(shard.path):
                    with contextlib.suppress(OSError):
                        info = entry.stat(follow_symlinks=False)
                        if entry.name.endswith(".tmp") and info.st_mtime < time.time() - 3600:
                            os.unlink(entry.path)  # left by a killed render
                            continue
                        entries.append((info.st_mtime, info.st_size, entry.path))
                        total += info.st_size
        if total <= self._limit:
            return
        for _, size, path in sorted(entries):
            with contextlib.suppress(OSError):
                os.unlink(path)
                total -= size
            if total <= self._limit * 0.8:
                break


def _private(folder: Path) -> bool:
    """A folder of this user's that other users cannot write to."""
    info = os.lstat(folder)
    if not stat.S_ISDIR(info.st_mode):
        return False
    if not hasattr(os, "getuid"):
        return True
    return info.st_uid == os.getuid() and not info.st_mode & (stat.S_IWGRP | stat.S_IWOTH)


def _real_folder(folder: Path) -> bool:
    """Is *folder* a folder itself (not a link to one)?"""
    try:
        return stat.S_ISDIR(os.lstat(folder).st_mode)
    except OSError:
        return False


_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_NONBLOCK = getattr(os, "O_NONBLOCK", 0)


class _NotRegular(OSError):
    """Not a regular file (a FIFO, a device, a link …), or larger than allowed."""


def read_regular(path: Path, limit: int) -> bytes:
    """The bytes of *path* if it is a regular file (a link is not followed) of at most *limit* bytes.

    Opened without blocking, so a FIFO put in its place is refused at once
    rather than waited on.

    Raises:
        OSError: it cannot be read, or is not a regular file (:class:`_NotRegular`), or is too large.
    """
    fd = os.open(path, os.O_RDONLY | _NOFOLLOW | _NONBLOCK | getattr(os, "O_BINARY", 0))
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode) or info.st_size > limit:
            raise _NotRegular(f"{path} is not a regular file of at most {limit} bytes")
        chunks = []
        size = 0
        while size <= limit:
            chunk = os.read(fd, min(1 << 20, limit + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
        if size > limit:
            raise _NotRegular(f"{path} grew beyond {limit} bytes")
        return b"".join(chunks)
    finally:
        os.close(fd)


def _secret(path: Path) -> bytes:
    """This user's cache secret: read it, or make it (owner-only) on first use."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NOFOLLOW, 0o600)
    except FileExistsError:
        info = os.lstat(path)
        if not stat.S_ISREG(info.st_mode) or (hasattr(os, "getuid") and (
            info.st_uid != os.getuid() or info.st_mode & 0o077
        )):
            raise PermissionError(f"{path} is not this user's private file") from None
        secret = read_regular(path, 64)
        if len(secret) < 32:
            raise OSError(f"{path} is too short") from None
        return secret
    secret = secrets.token_bytes(32)
    with os.fdopen(fd, "wb") as fh:
        fh.write(secret)
    return secret


def digest(*parts: Any) -> str:
    """A cache key: SHA-256 over *parts* (strings, bytes, or JSON-able values)."""
    sha = hashlib.sha256()
    for part in parts:
        if isinstance(part, bytes):
            chunk = part
        elif isinstance(part, str):
            chunk = part.encode("utf-8")
        else:
            chunk = json.dumps(part, ensure_ascii=False, sort_keys=True, default=str).encode("utf-8")
        sha.update(len(chunk).to_bytes(8, "big"))
        sha.update(chunk)
    return sha.hexdigest()


def files_digest(folders: Iterable[Path], *, limit: int = 2000) -> str:
    """A digest of every file (relative name and content) in *folders*, in order; "" if too many."""
    sha = hashlib.sha256()
    count = 0
    for folder in folders:
        sha.update(b"\0folder\0" + str(folder).encode("utf-8", "surrogateescape"))
        if not folder.is_dir():
            continue
        for path in sorted(p for p in folder.rglob("*") if p.is_file()):
            count += 1
            if count > limit:
                return ""
            try:  # template folders may come from someone else: a FIFO there must not block
                data = read_regular(path.resolve(), MAX_ENTRY_BYTES)
            except (OSError, RuntimeError):
                return ""
            sha.update(path.relative_to(folder).as_posix().encode("utf-8", "surrogateescape") + b"\0")
            sha.update(hashlib.sha256(data).digest())
    return sha.hexdigest()


_FONT_PLACES = (
    "/etc/fonts", "/etc/fonts/conf.d", "/usr/share/fonts", "/usr/local/share/fonts", "/var/cache/fontconfig",
    "~/.fonts", "~/.local/share/fonts", "~/.config/fontconfig", "~/.cache/fontconfig",
    "/System/Library/Fonts", "/Library/Fonts", "~/Library/Fonts",
)


#: The text libraries WeasyPrint lays out with (a system upgrade changes them).
_LIBRARIES = ("libpango*", "libharfbuzz*", "libfontconfig*", "libfreetype*", "libfribidi*")
_LIBRARY_FOLDERS = ("/usr/lib", "/usr/lib64", "/usr/local/lib", "/opt/homebrew/lib", f"/usr/lib/{os.uname().machine}-linux-gnu"
                    if hasattr(os, "uname") else "")


def font_environment() -> str:
    """A fingerprint of the installed fonts and text libraries.

    Covers the font and Fontconfig folders, Fontconfig's cache files and the
    Pango, HarfBuzz, Fontconfig and FreeType libraries. Installing or
    removing a font changes a font folder, and Fontconfig rewrites its cache
    when it sees the change; either changes the fingerprint.
    """
    sha = hashlib.sha256()
    for folder in filter(None, _LIBRARY_FOLDERS):
        for pattern in _LIBRARIES:
            for path in sorted(Path(folder).glob(pattern)):
                with contextlib.suppress(OSError):
                    info = path.stat()
                    sha.update(f"{path}/{info.st_mtime_ns}/{info.st_size}\0".encode("utf-8", "surrogateescape"))
    for place in (*_FONT_PLACES, os.environ.get("FONTCONFIG_FILE", ""), os.environ.get("FONTCONFIG_PATH", "")):
        if not place:
            continue
        path = Path(os.path.expanduser(place))
        sha.update(str(path).encode("utf-8", "surrogateescape") + b"\0")
        with contextlib.suppress(OSError):
            info = path.stat()
            sha.update(f"{info.st_mtime_ns}/{info.st_size}".encode())
            if path.is_dir():
                for entry in sorted(os.scandir(path), key=lambda e: e.name):
                    with contextlib.suppress(OSError):
                        sub = entry.stat()
                        sha.update(f"{entry.name}/{sub.st_mtime_ns}/{sub.st_size}\0".encode("utf-8", "surrogateescape"))
    return sha.hexdigest()


_CODE: list[str] = []


def code_files() -> list[Path]:
    """The source files render/ may import: itself, the document model and the ground-floor modules."""
    package = Path(__file__).resolve().parent.parent
    return sorted([*(package / "render").rglob("*.py"), *(package / "model").rglob("*.py"), *package.glob("*.py")])


def code_digest() -> str:
    """A digest of jixiao's render code and of the versions of the libraries it renders with (once per process)."""
    if _CODE:
        return _CODE[0]
    from jixiao.version import __version__

    sha = hashlib.sha256(f"{FORMAT}/{__version__}".encode())
    here = Path(__file__).resolve().parent
    for path in code_files():
        with contextlib.suppress(OSError):
            sha.update(path.relative_to(here.parent).as_posix().encode() + b"\0" + path.read_bytes())
    versions = installed()
    for name in ("weasyprint", "pydyf", "fonttools", "tinycss2", "tinyhtml5", "cssselect2", "docxtpl", "jinja2",
                 "lxml", "markupsafe", "openpyxl"):
        sha.update(f"{name}={versions.get(name, '-')}\0".encode())
    _CODE.append(sha.hexdigest())
    return _CODE[0]


def installed() -> dict[str, str]:
    """Installed distributions → version, from the ``name-version.dist-info`` folders on ``sys.path``.

    (``importlib.metadata`` reads the same folders, but takes some 20 ms for ten names.)
    """
    found: dict[str, str] = {}
    for entry in sys.path:
        try:
            names = os.listdir(entry or ".")
        except OSError:
            continue
        for name in names:
            if name.endswith(".dist-info"):
                project, _, version = name[: -len(".dist-info")].partition("-")
                found.setdefault(project.lower().replace("_", "-"), version)
    return found
