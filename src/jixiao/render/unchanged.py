"""Writing a render's files without rewriting those that already hold the same bytes.

:class:`OutputFiles` is the :class:`~jixiao.render.outputs.OutputSet` of
``jixiao render``: the same all-or-nothing write under the folder lock, the
same manifest and clean-up, except that a file whose current content is
exactly the new content is left alone. After editing one project, the other
projects' files keep their dates, and programs watching the folder (a
synchronised drive, an open PDF viewer) see only what changed.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Callable
from pathlib import Path

from jixiao.fileio import folder_lock, make_folders, remove_empty, remove_orphans, write_error
from jixiao.render import outputs
from jixiao.render.outputs import (
    MANIFEST,
    PROJECTS_DIR,
    OutputSet,
    Written,
    manifest_bytes,
    read_manifest,
)


class OutputFiles(OutputSet):
    """An output set that leaves files already holding their new bytes as they are."""

    def write(self, *, prune: bool, on_wait: Callable[[], None] | None = None) -> Written:
        """As :meth:`OutputSet.write`, writing only the files whose content changes."""
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
                files = {**self.files, self.root / MANIFEST: manifest_bytes(entries)}
                changed = {path: data for path, data in files.items() if not holds(path, data)}
                # Looked up in outputs at call time, as OutputSet.write does (tests slow it down there).
                outputs.__dict__["write_set"](changed, remove=stale)
        except OSError as exc:  # locking or making the folder again; write_set reports its own
            remove_empty(created)
            raise write_error(exc, self.root) from exc
        except BaseException:
            remove_empty(created)
            raise
        return Written(written=list(self.files), removed=stale)


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
