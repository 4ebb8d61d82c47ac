"""Watching the spec, preset and template files: every save starts a new build.

The folders watched are the spec folder (projects, presets, layouts,
vocabulary, its own templates), the user's own ``templates/`` folder above it
and jixiao's built-in templates. Changes are gathered for a few hundredths of
a second after the last one (an editor's save is often several writes), so a
save is seen about 30 ms after it ends rather than watchfiles' default 1.6 s.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from itertools import islice
from pathlib import Path

from jixiao.resources import builtin_templates, user_templates

#: Milliseconds without a further change before a batch of changes is handed over.
STEP_MS = 30
#: Milliseconds at most to keep gathering changes while they keep coming.
DEBOUNCE_MS = 300
#: Milliseconds the watcher waits for a change before it reports being idle (and so, ready).
READY_MS = 200
#: Files per watched folder looked at for a fingerprint, at most.
MAX_FILES = 5000


def watched_folders(root: Path) -> list[Path]:
    """The folders whose files the preview depends on, none inside another.

    The template folders are among them: ``templates/html`` of the user's own
    ``templates/`` or the built-in one, or 模板.网页, which lies in the spec folder.
    """
    candidates = [root, *filter(None, [user_templates(root)]), builtin_templates()]
    real = sorted({c.resolve() for c in candidates if c.is_dir()}, key=lambda p: len(p.parts))
    out: list[Path] = []
    for folder in real:
        if not any(folder.is_relative_to(kept) for kept in out):
            out.append(folder)
    return out


def fingerprint(folders: Sequence[Path]) -> str:
    """Names, sizes and modification times of the files in *folders* (at most :data:`MAX_FILES`)."""
    seen = []
    for folder in folders:
        for path in islice(folder.rglob("*"), MAX_FILES):
            try:
                info = path.stat()
            except OSError:
                continue
            seen.append(f"{path}\t{info.st_size}\t{info.st_mtime_ns}")
    return "\n".join(sorted(seen))


def watch_loop(
    folders: Sequence[Path],
    changed: Callable[[set[Path]], None],
    stop: threading.Event,
    log: Callable[[str], None],
    *,
    since: str | None = None,
) -> None:
    """Call *changed* with the paths of each batch of changes until *stop* is set.

    *since* is the :func:`fingerprint` taken before the first build: a file
    saved before the watcher was ready (it starts in a thread of its own) is
    caught by comparing fingerprints once it is, and rebuilds too.
    """
    import watchfiles

    while not stop.is_set():
        try:
            for batch in watchfiles.watch(
                *folders, stop_event=stop, step=STEP_MS, debounce=DEBOUNCE_MS, rust_timeout=READY_MS,
                yield_on_timeout=True, raise_interrupt=False, ignore_permission_denied=True,
            ):
                if since is not None:  # the watcher is ready: anything saved before?
                    missed = fingerprint(folders) != since
                    since = None
                    if missed and not batch:
                        changed(set())
                if batch:
                    changed({Path(path) for _, path in batch})
        except Exception as exc:  # noqa: BLE001 - e.g. a watched folder removed; keep trying
            log(f"监视文件时出错：{exc}。一秒后重试。")
            stop.wait(1.0)
