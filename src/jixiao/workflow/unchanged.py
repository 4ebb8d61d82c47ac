"""``jixiao render`` with nothing changed: recognised before the spec is read.

A render that succeeded leaves a record (:func:`remember`) in the render cache
(:mod:`jixiao.render.cache`: each entry verified with this user's secret) under
a key (:func:`inputs_key`) that digests everything its files depend on:

* every file of the spec folder (projects, presets, 版式, templates, rule
  packs, vocabulary …), of the user's own ``templates/`` folder above it and of
  jixiao's built-in templates, by name and content, and the owner and
  permissions of their folders (a folder others can write to is not read);
* jixiao's code (every file of the package), the Python version, the version
  of every installed library, the fonts and text libraries
  (:func:`~jixiao.render.cache.font_environment`);
* the command: spec, output folder, formats, ``--only``, the Word templates
  given (by content), ``--force``; and ``SOURCE_DATE_EPOCH``.

The record holds the SHA-256 of the output folder's manifest
(:mod:`jixiao.manifest`) as the render left it and what the command printed.
A later render with the same key whose output folder still holds those files
(the manifest unchanged, every file it lists holding the bytes it names, no
file left by an interrupted write) prints the same (:func:`recall`) and
writes nothing. The checks need not run again: a record is only left by a
render that succeeded, which prints no finding (when the gate refuses, no file
is written and no record left), and they depend only on what is digested.

Whenever there is a doubt — no cache, no record, a record that does not
verify, a symbolic link or a special file among the inputs, more than
:data:`MAX_FILES` files or :data:`MAX_BYTES` bytes, a file that cannot be
read — the render takes the ordinary way. This module imports no spec, model
or renderer: answering costs Python's start, a digest of the inputs and of the
outputs.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Protocol

from jixiao.fileio import TEMP_NAME
from jixiao.manifest import MANIFEST, file_digest
from jixiao.render.cache import Cache, digest, font_environment, installed, read_regular
from jixiao.resources import builtin_templates, user_templates

#: Bumped whenever what is digested or recorded changes meaning.
FORMAT = "jixiao-unchanged/1"
#: Files and bytes of input at most; beyond either the render takes the ordinary way.
MAX_FILES = 5000
MAX_BYTES = 64 * 1024 * 1024
#: Folders no command reads: version control and Python's bytecode.
_SKIP = frozenset({".git", "__pycache__"})
_PROJECTS = "projects"
_MAX_MANIFEST = 16 * 1024 * 1024


@dataclass(frozen=True)
class Request:
    """One ``jixiao render`` of one spec, as given on the command line."""

    spec: Path
    out_dir: Path
    formats: frozenset[str]
    only: tuple[str, ...] = ()
    template: Path | None = None
    table_template: Path | None = None
    force: bool = False


@dataclass(frozen=True)
class Replay:
    """What the render with the same key printed: files written, projects, warnings."""

    written: list[Path]
    tables: int
    warnings: list[str]
    pdf_warnings: list[str]


class _Sha(Protocol):
    def update(self, data: bytes, /) -> None: ...


class _Doubt(Exception):
    """Something among the inputs that the digest does not vouch for: take the ordinary way."""


@dataclass
class _Budget:
    files: int = MAX_FILES
    bytes: int = MAX_BYTES


def _folder(sha: _Sha, folder: Path, budget: _Budget) -> None:
    """Digest every file under *folder* (relative name, content) and every folder's owner and mode."""
    sha.update(b"\0folder\0" + os.fsencode(folder))
    if not folder.is_dir():
        return
    todo = [folder]
    while todo:
        current = todo.pop()
        info = os.lstat(current)
        owner = f"/{info.st_uid}/{info.st_gid}/{info.st_mode}"
        sha.update(b"\0dir\0" + os.fsencode(current.relative_to(folder)) + owner.encode())
        with os.scandir(current) as listing:
            entries = sorted(listing, key=lambda e: e.name)
        for entry in entries:
            if entry.is_symlink():
                raise _Doubt(entry.path)
            if entry.is_dir(follow_symlinks=False):
                if entry.name not in _SKIP:
                    todo.append(Path(entry.path))
                continue
            if not entry.is_file(follow_symlinks=False):
                raise _Doubt(entry.path)
            budget.files -= 1
            data = read_regular(Path(entry.path), max(budget.bytes, 0))
            budget.bytes -= len(data)
            if budget.files < 0:
                raise _Doubt("too many files")
            sha.update(b"\0file\0" + os.fsencode(Path(entry.path).relative_to(folder)) + b"\0")
            sha.update(hashlib.sha256(data).digest())


def _folders(spec_root: Path) -> list[Path]:
    """The folders whose files a render may read, none inside another: jixiao, its templates, the spec's."""
    candidates = [Path(__file__).resolve().parents[1], builtin_templates(), spec_root,
                  *filter(None, [user_templates(spec_root)])]
    real = sorted({c.resolve() for c in candidates}, key=lambda p: (len(p.parts), str(p)))
    out: list[Path] = []
    for folder in real:
        if not any(folder.is_relative_to(kept) for kept in out):
            out.append(folder)
    return out


def _given(sha: _Sha, path: Path | None, budget: _Budget) -> None:
    """A Word template named on the command line: its place and content."""
    if path is None:
        sha.update(b"\0none\0")
        return
    data = read_regular(path.resolve(), budget.bytes)
    sha.update(b"\0given\0" + os.fsencode(path.resolve()) + b"\0" + hashlib.sha256(data).digest())


def inputs_key(request: Request, spec_root: Path) -> str | None:
    """The digest of everything *request*'s outputs depend on (see the module docstring), or None when in doubt."""
    sha = hashlib.sha256(FORMAT.encode())
    budget = _Budget()
    command = {
        "spec": str(request.spec.resolve()), "out": str(request.out_dir.resolve()),
        "formats": sorted(request.formats), "only": list(request.only), "force": request.force,
        "epoch": os.environ.get("SOURCE_DATE_EPOCH", "").strip(), "python": sys.version,
        "libraries": sorted(installed().items()), "fonts": font_environment(),
    }
    sha.update(json.dumps(command, ensure_ascii=False, sort_keys=True).encode("utf-8", "surrogateescape"))
    try:
        _given(sha, request.template, budget)
        _given(sha, request.table_template, budget)
        for folder in _folders(spec_root):
            _folder(sha, folder, budget)
    except (_Doubt, OSError, RuntimeError, ValueError):
        return None
    return sha.hexdigest()


def _record_key(key: str) -> str:
    return digest(FORMAT, "record", key)


def recall(key: str, out_dir: Path) -> Replay | None:
    """What to print when a render with *key* succeeded and *out_dir* still holds what it left, else None."""
    cache = Cache.open()
    record = cache.get_json(_record_key(key)) if cache is not None else None
    if not isinstance(record, dict) or not _well_formed(record):
        return None
    try:
        manifest = read_regular(out_dir / MANIFEST, _MAX_MANIFEST)
        if hashlib.sha256(manifest).hexdigest() != record["manifest"]:
            return None
        files = json.loads(manifest.decode("utf-8")).get("files")
        projects = out_dir / _PROJECTS
        if projects.is_symlink():
            return None
        for folder in (out_dir, projects):
            if folder.is_dir() and any(TEMP_NAME.match(name) for name in os.listdir(folder)):
                return None  # left by an interrupted write: the ordinary way removes it
    except (OSError, ValueError, AttributeError):
        return None
    if not isinstance(files, dict) or not set(record["written"]) <= set(files):
        return None
    for rel, sha in files.items():
        if not (isinstance(rel, str) and _plain_entry(rel) and file_digest(out_dir / rel) == sha):
            return None
    return Replay([out_dir / rel for rel in record["written"]], record["tables"], record["warnings"],
                  record["pdf_warnings"])


def remember(key: str, out_dir: Path, written: Sequence[Path], tables: int, warnings: Sequence[str],
             pdf_warnings: Sequence[str]) -> None:
    """Leave the record of a render that succeeded with *key* and wrote into *out_dir* (nothing on failure)."""
    cache = Cache.open()
    if cache is None:
        return
    with contextlib.suppress(OSError, ValueError):
        manifest = read_regular(out_dir / MANIFEST, _MAX_MANIFEST)
        record = {
            "manifest": hashlib.sha256(manifest).hexdigest(),
            "written": [path.relative_to(out_dir).as_posix() for path in written],
            "tables": tables, "warnings": list(warnings), "pdf_warnings": list(pdf_warnings),
        }
        cache.put_json(_record_key(key), record)


def _well_formed(record: dict[str, object]) -> bool:
    texts = ("written", "warnings", "pdf_warnings")
    return (
        isinstance(record.get("manifest"), str)
        and isinstance(record.get("tables"), int)
        and all(isinstance(record.get(k), list) and all(isinstance(v, str) for v in _list(record, k)) for k in texts)
        and all(_plain_entry(str(rel)) for rel in _list(record, "written"))
    )


def _list(record: dict[str, object], name: str) -> list[object]:
    value = record.get(name)
    return value if isinstance(value, list) else []


def _plain_entry(rel: str) -> bool:
    """``name.pdf`` or ``projects/name.pdf``: a file directly in the output folder or its projects/."""
    path = PurePosixPath(rel)
    parts = path.parts
    return (
        "\\" not in rel and "\x00" not in rel and not path.is_absolute() and 1 <= len(parts) <= 2
        and all(p not in ("", ".", "..") for p in parts) and (len(parts) == 1 or parts[0] == _PROJECTS)
    )
