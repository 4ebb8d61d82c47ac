"""Where rendered files go and what they are called; writing them all at once.

Layout of an output folder::

    唐山市医疗保障局部门绩效目标.docx / .pdf / .html / .xlsx   the combined document and workbook (its title without the year)
    projects/01-办公楼维修（护）费.docx / .pdf               one pair per project, named like its project file
    .jixiao-manifest.json                                     what jixiao wrote here

A file keeps its name while its project does: project files are named after the
project's own file (``projects/01-办公楼维修（护）费.yaml``), not by the table's place
in the document, so deleting or adding a project renames no other file, and the
combined document's name has no year, so a rollover renames nothing. In git the
rendered files of last year and this year, before and after an edit, are the same
files. The combined document keeps the tables in the document's order.
Files are only written after everything has rendered, as one all-or-nothing
set (:func:`jixiao.fileio.write_set`), so a failure never leaves a
half-written or a half-updated set.

The manifest lists every file jixiao wrote into the folder, with its SHA-256.
A later render removes only files of that list that it no longer produces
(a project deleted or renamed, a new title) and only while they still hold
what jixiao wrote: files the user put into the folder, or changed, are never
removed. A folder without a manifest has nothing removed.
"""

from __future__ import annotations

import os
import re
import stat
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from jixiao import manifest as shared
from jixiao.fileio import (
    folder_lock,
    make_folders,
    remove_empty,
    remove_orphans,
    write_error,
    write_set,
)
from jixiao.manifest import MANIFEST
from jixiao.model.document import Document, ProjectTable
from jixiao.safenames import safe_name

PROJECTS_DIR = "projects"
FORMATS = ("docx", "pdf", "html", "xlsx")
_MANIFEST_NOTE = (
    "jixiao render 写入这个文件夹的文件及其 SHA-256。再次生成时，只删除这里列出、"
    "已不再生成且内容未被改动的文件。请勿手动修改。"
)


def combined_stem(doc: Document) -> str:
    """File name (without extension) of the combined document: its title without a year in it."""
    title = re.sub(r"(?<!\d)(?:19|20)\d{2}\s*年度?", "", doc.title).strip(" -—_")
    return safe_name(title or f"{doc.department}部门绩效目标")


def table_stem(table: ProjectTable, width: int | None = None) -> str:
    """The project file's own name (``01-办公楼维修（护）费``): it stays while the project does.

    *width* is not used (project files used to be numbered by the table's place).
    """
    return safe_name(table.file_stem, fallback="项目")


def number_width(doc: Document) -> int:
    """Digits of the table numbers: 2, or more for 100+ tables."""
    return max(2, len(str(len(doc.tables()))))


@dataclass
class Written:
    """What :meth:`OutputSet.write` did."""

    written: list[Path] = field(default_factory=list)
    removed: list[Path] = field(default_factory=list)


@dataclass
class OutputSet:
    """Rendered files waiting to be written: path → bytes."""

    root: Path
    files: dict[Path, bytes] = field(default_factory=dict)

    def add(self, relative: str, data: bytes) -> None:
        """Queue *data* for ``root/relative``."""
        self.files[self.root / relative] = data

    def write(self, *, prune: bool, on_wait: Callable[[], None] | None = None) -> Written:
        """Write every queued file and the manifest, all or nothing.

        With *prune*, files of the previous manifest that this set no longer
        produces are removed in the same step. The folder is locked meanwhile
        (a second render into it waits, see :func:`jixiao.fileio.folder_lock`).
        """
        try:
            created = make_folders(self.root)
        except OSError as exc:
            raise write_error(exc, self.root) from exc
        try:
            with folder_lock(self.root, created=created, on_wait=on_wait):
                for folder in (self.root, self.root / PROJECTS_DIR):
                    remove_orphans(folder)
                previous = read_manifest(self.root)
                entries, stale = self._plan(previous, prune=prune)
                files = {**self.files, self.root / MANIFEST: shared.manifest_bytes(entries, _MANIFEST_NOTE)}
                # A file already holding its new bytes is left alone: after editing one project the
                # other files keep their dates, and a synchronised drive or open viewer sees only what changed.
                write_set({p: d for p, d in files.items() if not holds(p, d)}, remove=stale)
        except OSError as exc:  # locking or making the folder again; write_set reports its own
            remove_empty(created)
            raise write_error(exc, self.root) from exc
        except BaseException:
            remove_empty(created)
            raise
        return Written(written=list(self.files), removed=stale)

    def _plan(self, previous: dict[str, str], *, prune: bool) -> tuple[dict[str, str], list[Path]]:
        """The new manifest's entries, and the files to remove.

        A file of the previous manifest is removed when *prune* is set, it is
        unchanged since jixiao wrote it, and this set writes files of its kind
        (combined document, project files) but none with its name in any
        format: a deleted or renumbered project, a changed title. So
        ``--format pdf`` keeps the Word files of the same documents, and
        ``--format html`` (no project files) keeps every project file.
        """
        new = {
            path.relative_to(self.root).as_posix(): shared.digest(data)
            for path, data in self.files.items()
        }
        produced = {_stem(rel) for rel in new}
        kinds = {_kind(rel) for rel in new}
        folded = {_fold(rel) for rel in new}
        entries: dict[str, str] = {}
        stale: list[Path] = []
        for rel, digest in previous.items():
            if rel in new or _fold(rel) in folded or not _is_ours(self.root, rel, digest):
                continue
            if prune and _kind(rel) in kinds and _stem(rel) not in produced:
                stale.append(self.root / rel)
            else:  # --only; the same document in a format not rendered now; no project files now
                entries[rel] = digest
        entries.update(new)
        return entries, sorted(stale)


def read_manifest(root: Path) -> dict[str, str]:
    """The previous manifest's entries naming an output file jixiao could have written (``name.docx``, ``projects/name.pdf`` …).

    The manifest comes from the output folder, which may come from someone else.
    """
    return shared.read_manifest(root, _valid_entry)


def _valid_entry(rel: str) -> bool:
    if "\\" in rel or "\x00" in rel or ":" in rel:
        return False
    path = PurePosixPath(rel)
    parts = path.parts
    if path.is_absolute() or not 1 <= len(parts) <= 2 or any(p in ("", ".", "..") for p in parts):
        return False
    if len(parts) == 2 and parts[0] != PROJECTS_DIR:
        return False
    return path.suffix.lstrip(".") in FORMATS and path.name != MANIFEST


def _is_ours(root: Path, rel: str, digest: str) -> bool:
    """Is ``root/rel`` still the regular file jixiao wrote there, inside *root*?"""
    path = root / rel
    try:
        if not Path(os.path.realpath(path)).is_relative_to(os.path.realpath(root)):
            return False  # projects/ is a link to somewhere else
    except OSError:
        return False
    return shared.file_digest(path) == digest


def _stem(rel: str) -> str:
    """``projects/01-名称.docx`` → ``projects/01-名称``: one document in any format."""
    return rel.rsplit(".", 1)[0]


def _kind(rel: str) -> str:
    """The folder of *rel*: ``""`` for the combined document, ``projects`` for project files."""
    return rel.rpartition("/")[0]


def _fold(rel: str) -> str:
    """*rel* as a case-insensitive, normalising file system (macOS, Windows) compares it."""
    return unicodedata.normalize("NFC", rel).casefold()


def holds(path: Path, data: bytes) -> bool:
    """Is *path* a regular file (not a link) whose content is exactly *data*?"""
    try:
        info = os.lstat(path)
        if not stat.S_ISREG(info.st_mode) or info.st_size != len(data):
            return False
        with open(path, "rb") as fh:
            return fh.read(len(data) + 1) == data
    except OSError:
        return False
