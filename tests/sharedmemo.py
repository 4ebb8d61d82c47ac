"""What a slow reader makes of a file, made once per run for the run's shared files, once per process for others.

Several test files read the same PDFs of the shared example renders back with
pdfplumber (some 5 s for the 71 pages of the Tangshan example): the first
reader keeps its result beside them, keyed by the file's content, and the
others (pytest-xdist's workers too) load it. A file elsewhere (one a test
rendered itself) is read once per process for as long as its content stays the
same: several tests of one file may compare it.
"""

from __future__ import annotations

import hashlib
import os
import pickle
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from conftest import SHARED_FOLDER, locked

T = TypeVar("T")

#: Results for files outside the shared folder, by (kind, content digest); callers only read them.
_LOCAL: dict[tuple[str, str], Any] = {}
_LOCAL_MAX = 64


def shared(kind: str, path: Path, make: Callable[[Path], T]) -> T:
    """``make(path)``, kept for the run when *path* is one of the shared renders' files, else for the process."""
    digest = hashlib.sha256(path.read_bytes()).hexdigest()[:32]
    folder = next((p for p in path.parents if p.name == SHARED_FOLDER), None)
    if folder is None:
        key = (kind, digest)
        if key not in _LOCAL:
            if len(_LOCAL) >= _LOCAL_MAX:
                _LOCAL.clear()
            _LOCAL[key] = make(path)
        local: T = _LOCAL[key]
        return local
    store = folder / "memo" / f"{kind}-{digest}.pickle"
    store.parent.mkdir(exist_ok=True)
    with locked(store.with_suffix(".lock")):
        if store.exists():
            found: T = pickle.loads(store.read_bytes())
            return found
        value = make(path)
        part = store.with_suffix(".part")
        part.write_bytes(pickle.dumps(value))
        os.replace(part, store)
    return value
