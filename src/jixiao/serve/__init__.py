"""``jixiao serve``: a live preview of a spec in the browser, on 127.0.0.1 only.

Three threads: the HTTP server (:mod:`jixiao.serve.app`), the file watcher
(:mod:`jixiao.serve.watch`) that rebuilds (:mod:`jixiao.serve.state`) and
publishes each build, and the caller's, which waits for Ctrl-C.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from jixiao.children import terminate_as_interrupt
from jixiao.serve.app import Hub, PreviewServer, open_server
from jixiao.serve.state import Builder, Failure, Preview, State, changed_fragments
from jixiao.serve.watch import fingerprint, watch_loop, watched_folders
from jixiao.spec.load import find_root

__all__ = ["Running", "serve_spec", "start"]

Log = Callable[[str], None]


@dataclass
class Running:
    """A started preview: its address, and how to stop it."""

    url: str
    hub: Hub
    server: PreviewServer
    folders: list[Path]
    stop_event: threading.Event
    threads: list[threading.Thread]

    def close(self) -> None:
        """Stop watching and serving; open event streams end."""
        self.stop_event.set()
        self.hub.close()
        self.server.shutdown()
        self.server.server_close()
        for thread in self.threads:
            thread.join(timeout=5)


def start(spec: Path, *, port: int = 8000, log: Log = lambda text: None, base: Path | None = None) -> Running:
    """Build the preview of *spec*, then serve and watch it in background threads.

    A spec with problems still starts: the page shows them until they are fixed.

    Raises:
        UsageError: *spec* is not a department spec, or the port cannot be used.
    """
    root = find_root(spec)
    base = base or Path.cwd()
    folders = watched_folders(root)
    before = fingerprint(folders)
    builder = Builder(root, base)
    first = builder.build()
    hub = Hub(first)
    label = _label(root, base)
    server = open_server(port, hub, label, log)
    log(f"预览 {label}：{server.url}")
    log(_outcome(None, first))
    stop = threading.Event()
    lock = threading.Lock()

    def rebuild(paths: set[Path]) -> None:
        with lock:
            before = hub.state
            state = builder.build()
            hub.publish(state)
        log(_outcome(before, state))

    threads = [
        threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.2}, name="jixiao-serve-http",
                         daemon=True),
        threading.Thread(target=watch_loop, args=(folders, rebuild, stop, log), kwargs={"since": before},
                         name="jixiao-serve-watch", daemon=True),
    ]
    for thread in threads:
        thread.start()
    return Running(server.url, hub, server, folders, stop, threads)


def serve_spec(spec: Path, *, port: int, log: Log) -> None:
    """Serve the preview of *spec* until Ctrl-C (or SIGTERM); returns after a clean stop.

    Raises:
        UsageError: *spec* is not a department spec, or the port cannot be used.
    """
    running: Running | None = None
    try:
        with terminate_as_interrupt():
            running = start(spec, port=port, log=log)
            log("保存规格、预设或模板文件后，网页自动更新。按 Ctrl-C 停止。")
            while not running.stop_event.wait(0.5):
                pass
    except KeyboardInterrupt:
        pass
    finally:
        if running is not None:
            running.close()


def _label(root: Path, base: Path) -> str:
    relative = os.path.relpath(root, base.resolve())
    return root.as_posix() if relative.startswith("..") else Path(relative).as_posix()


def _outcome(before: State | None, state: State) -> str:
    """One line for the terminal about a build."""
    now = time.strftime("%H:%M:%S")
    took = f"{state.seconds:.2f} 秒"
    if isinstance(state, Failure):
        if state.problems:
            return f"{now} 规格有 {len(state.problems)} 个问题，网页上列出了位置（{took}）"
        return f"{now} 无法生成预览：{state.message}"
    assert isinstance(state, Preview)
    errors, warnings, infos = (state.counts[k] for k in ("error", "warning", "info"))
    found = f"检查：错误 {errors}，警告 {warnings}，提示 {infos}"
    if before is None:
        return f"{now} 已生成 {len(state.tables)} 张表（{took}）；{found}"
    what = _what_changed(before, state)
    return f"{now} 已更新：{what}（{took}）；{found}"


def _what_changed(before: State, state: Preview) -> str:
    if isinstance(before, Failure):
        return "问题已改正"
    changed = changed_fragments(before, state)
    if changed is None:
        return "全文"
    tables = [f.table for f in changed if f.table is not None]
    parts = []
    if tables:
        parts.append("第 " + "、".join(str(n) for n in tables[:12]) + (" 等" if len(tables) > 12 else "") + " 表")
    if len(tables) < len(changed):
        parts.append("表格以外的内容")
    if isinstance(before, Preview) and before.head_digest != state.head_digest:
        parts.append("样式")
    return "、".join(parts) or "内容没有变化"
