"""Git objects made by hand for tests: blobs, raw trees (anything git can store) and commits."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

GIT_ENV = {
    "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com", "GIT_COMMITTER_NAME": "t",
    "GIT_COMMITTER_EMAIL": "t@example.com", "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1",
}


def git(repo: Path, *args: str, data: bytes | None = None) -> str:
    done = subprocess.run(
        ["git", *args], cwd=repo, input=data, capture_output=True, env={**os.environ, **GIT_ENV}, check=True
    )
    return done.stdout.decode().strip()


def blob(repo: Path, data: bytes) -> str:
    return git(repo, "hash-object", "-w", "--stdin", data=data)


def raw_tree(repo: Path, entries: list[tuple[str, bytes, str]]) -> str:
    """A tree object written byte by byte: (mode, name, object id), in the order given."""
    body = b"".join(mode.encode() + b" " + name + b"\0" + bytes.fromhex(oid) for mode, name, oid in entries)
    return git(repo, "hash-object", "-t", "tree", "-w", "--literally", "--stdin", data=body)


def tree_entries(repo: Path, treeish: str) -> list[tuple[str, bytes, str]]:
    """The entries of *treeish* as (mode without leading zero, name, object id)."""
    out = subprocess.run(["git", "ls-tree", "-z", treeish], cwd=repo, capture_output=True, check=True).stdout
    entries = []
    for record in filter(None, out.split(b"\0")):
        meta, _, name = record.partition(b"\t")
        mode, _kind, oid = meta.decode().split()
        entries.append((mode.lstrip("0"), name, oid))
    return entries
