"""What a slow reader makes of the run's shared files (conftest's ``examples``), made once per run.

Several test files read the same PDFs of the shared example renders back with
pdfplumber (some 5 s for the 71 pages of the Tangshan example): the first
reader keeps its result beside them, keyed by the file's content, and the
others (pytest-xdist's workers too) load it. Files elsewhere are read each time.
"""

from __future__ import annotations

import hashlib
import os
import pickle
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from conftest import SHARED_FOLDER, locked

T = TypeVar("T")


def shared(kind: str, path: Path, make: Callable[[Path], T]) -> T:
    """``make(path)``, kept for the run when *path* is one of the shared renders' files."""
    folder = next((p for p in path.parents if p.name == SHARED_FOLDER), None)
    if folder is None:
        return make(path)
    store = folder / "memo" / f"{kind}-{hashlib.sha256(path.read_bytes()).hexdigest()[:32]}.pickle"
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
