"""``.jixiao-manifest.json``: the files jixiao wrote into a folder, with their SHA-256.

The same file format serves ``render`` (the output folder: old outputs no longer
made are removed only while unchanged) and ``import --force`` (the spec folder:
only files import wrote, unchanged, are replaced). A folder may come from someone
else, so reading is bounded and keeps only entries the caller says it could have
written (*valid*) with a well-formed digest.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import stat
from collections.abc import Callable, Mapping
from pathlib import Path

MANIFEST = ".jixiao-manifest.json"
_MAX_BYTES = 16 * 1024 * 1024
_SHA256 = re.compile(r"^[0-9a-f]{64}$")


def digest(data: bytes) -> str:
    """The SHA-256 of *data*, as the manifest writes it."""
    return hashlib.sha256(data).hexdigest()


def file_digest(path: Path) -> str | None:
    """The SHA-256 of the regular file *path* (not a link, a FIFO or a folder), or None."""
    try:
        if not stat.S_ISREG(os.lstat(path).st_mode):
            return None
        sha = hashlib.sha256()
        with open(path, "rb") as fh:
            for block in iter(lambda: fh.read(1 << 20), b""):
                sha.update(block)
    except OSError:
        return None
    return sha.hexdigest()


def manifest_bytes(entries: Mapping[str, str], note: str) -> bytes:
    """The manifest of *entries* (relative path → SHA-256) with its *note* for people: deterministic."""
    data = {"说明": note, "版本": 1, "files": dict(sorted(entries.items()))}
    return (json.dumps(data, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def read_manifest(folder: Path, valid: Callable[[str], bool]) -> dict[str, str]:
    """The entries of *folder*'s manifest that *valid* accepts; empty when missing or unusable."""
    try:
        with open(folder / MANIFEST, "rb") as fh:
            raw = fh.read(_MAX_BYTES + 1)
        data = json.loads(raw.decode("utf-8")) if len(raw) <= _MAX_BYTES else None
    except (OSError, ValueError):
        return {}
    files = data.get("files") if isinstance(data, dict) else None
    if not isinstance(files, dict):
        return {}
    return {
        rel: sha
        for rel, sha in files.items()
        if isinstance(rel, str) and isinstance(sha, str) and _SHA256.match(sha) and valid(rel)
    }
