"""The preview's HTTP server: 127.0.0.1 only, a handful of routes, everything else 404.

====================  ==========================================================
``/``                 the page (:mod:`jixiao.serve.page`)
``/_jx/serve.js|css`` the page's own script and style
``/events``           server-sent events: the current build, then every new one
``/doc/``             the rendered document (shown in the page's frame)
``/doc/<path>``       a file of the template folders (images, fonts a style sheet
                      names), found by the PDF's own rules
                      (:meth:`jixiao.render.pdf.fetcher.TemplateFetcher.locate`)
``/table/<N>.pdf``    the PDF of table N, laid out on demand
====================  ==========================================================

The request path is matched as sent: ``..``, ``.``, empty segments and
backslashes are refused before anything is looked up, also when written
``%2e%2e`` or ``%2f``. A request whose ``Host`` is not this server's own
address is refused, so that a web page cannot reach the preview through a
name that resolves to 127.0.0.1 (DNS rebinding). The document frame may not
run scripts or load anything from elsewhere (Content-Security-Policy).
"""

from __future__ import annotations

import errno
import mimetypes
import re
import sys
import threading
from collections.abc import Callable
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import quote, unquote

from jixiao import limits
from jixiao.errors import JixiaoError, UsageError
from jixiao.render.outputs import number_width, table_stem
from jixiao.serve import page
from jixiao.serve.state import Preview, State
from jixiao.serve.tablepdf import TablePdfs

HOST = "127.0.0.1"

#: Seconds between keep-alive comments on an idle event stream.
KEEPALIVE = 15.0

_PAGE_POLICY = (
    "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; "
    "frame-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
)
# The document: the template's own inline <style>, files of the template folders, no scripts at all.
_DOC_POLICY = (
    "default-src 'none'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; "
    "frame-ancestors 'self'; base-uri 'none'; form-action 'none'"
)
_TABLE_PDF = re.compile(r"/table/([1-9][0-9]{0,5})\.pdf")


class Hub:
    """The current build, and a way to wait for the next one."""

    def __init__(self, state: State) -> None:
        self._changed = threading.Condition()
        self._state = state
        self._good = state if isinstance(state, Preview) else None
        self.closed = False

    @property
    def state(self) -> State:
        """The latest build."""
        return self._state

    @property
    def good(self) -> Preview | None:
        """The latest build that succeeded (what the page's document shows while the spec has problems)."""
        return self._good

    def publish(self, state: State) -> None:
        with self._changed:
            self._state = state
            if isinstance(state, Preview):
                self._good = state
            self._changed.notify_all()

    def wait_after(self, version: int, timeout: float) -> State | None:
        """The first build newer than *version*; None after *timeout* seconds or once closed."""
        with self._changed:
            self._changed.wait_for(lambda: self.closed or self._state.version != version, timeout)
            return None if self.closed or self._state.version == version else self._state

    def close(self) -> None:
        with self._changed:
            self.closed = True
            self._changed.notify_all()


class PreviewServer(ThreadingHTTPServer):
    """Serves one spec's preview on 127.0.0.1."""

    daemon_threads = True
    block_on_close = False

    def __init__(self, port: int, hub: Hub, spec_label: str, log: Callable[[str], None]) -> None:
        self.hub = hub
        self.spec_label = spec_label
        self.log = log
        self.pdfs = TablePdfs()
        super().__init__((HOST, port), Handler)

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.server_port}/"

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A browser that went away is nothing to report; anything else gets one line, no traceback."""
        exc = sys.exc_info()[1]
        if isinstance(exc, ConnectionError | TimeoutError):
            return
        self.log(f"预览服务器处理请求时出错：{type(exc).__name__}: {exc}")


def open_server(port: int, hub: Hub, spec_label: str, log: Callable[[str], None]) -> PreviewServer:
    """Bind the preview server to 127.0.0.1:*port* (0: any free port).

    Raises:
        UsageError: the port is taken or may not be used.
    """
    try:
        return PreviewServer(port, hub, spec_label, log)
    except OSError as exc:
        if exc.errno == errno.EADDRINUSE:
            raise UsageError(
                f"端口 {port} 已被占用（也许另一个 jixiao serve 正在运行）。"
                f"请换一个端口，例如 --port {port + 1 if port < 65535 else 8000}，或用 --port 0 任选一个空闲端口。"
            ) from None
        if exc.errno in (errno.EACCES, errno.EPERM):
            raise UsageError(f"没有权限使用端口 {port}（1024 以下的端口需要管理员权限）。请用 --port 8000 这样的端口。") from None
        raise UsageError(f"无法在 {HOST}:{port} 上启动预览服务器：{exc.strerror or exc}。") from None


class Handler(BaseHTTPRequestHandler):
    """One request to the preview server."""

    server: PreviewServer
    server_version = "jixiao-serve"
    sys_version = ""

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the base class's name
        """Requests are not logged: the terminal shows builds, not traffic."""

    def do_HEAD(self) -> None:
        self._answer(head=True)

    def do_GET(self) -> None:
        self._answer(head=False)

    def _refuse_method(self) -> None:
        self._send(HTTPStatus.METHOD_NOT_ALLOWED, "只支持 GET。\n".encode(), "text/plain; charset=utf-8",
                   extra={"Allow": "GET, HEAD"})

    do_POST = do_PUT = do_DELETE = do_PATCH = do_OPTIONS = _refuse_method

    def _answer(self, *, head: bool) -> None:
        if not self._host_allowed():
            self._text(HTTPStatus.FORBIDDEN, "只接受本机地址 127.0.0.1 的请求。", head=head)
            return
        path = self.path.split("?", 1)[0]
        if path == "/":
            self._send(HTTPStatus.OK, page.shell(self._title(), self.server.spec_label), "text/html; charset=utf-8",
                       policy=_PAGE_POLICY, head=head)
        elif path == "/events" and not head:
            self._events()
        elif path.startswith("/_jx/") and (data := page.static(path[5:])) is not None:
            self._send(HTTPStatus.OK, data, page.STATIC[path[5:]], head=head)
        elif path == "/doc/":
            good = self.server.hub.good
            body = good.document.encode("utf-8") if good is not None else self._waiting()
            self._send(HTTPStatus.OK, body, "text/html; charset=utf-8", policy=_DOC_POLICY, head=head)
        elif path.startswith("/doc/"):
            self._asset(path[5:], head=head)
        elif match := _TABLE_PDF.fullmatch(path):
            self._table_pdf(int(match.group(1)), head=head)
        else:
            self._not_found(head=head)

    def _host_allowed(self) -> bool:
        port = self.server.server_port
        return self.headers.get("Host", "").lower() in {f"{HOST}:{port}", f"localhost:{port}"}

    def _title(self) -> str:
        good = self.server.hub.good
        return good.title if good is not None else self.server.spec_label

    def _waiting(self) -> bytes:
        return page.waiting(self.server.spec_label)

    def _events(self) -> None:
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", "text/event-stream; charset=utf-8")
        self.send_header("Cache-Control", "no-store")
        self.send_header("X-Content-Type-Options", "nosniff")
        self.end_headers()
        hub = self.server.hub
        shown: page.Shown | None = None
        state = hub.state
        try:
            self.wfile.write(b"retry: 1000\n\n")
            while True:
                message, shown = page.update_message(state, shown)
                self.wfile.write(page.event(message))
                while (newer := hub.wait_after(state.version, KEEPALIVE)) is None:
                    if hub.closed:
                        return
                    self.wfile.write(b": keepalive\n\n")
                state = newer
        except OSError:  # the page was closed or reloaded
            return

    def _asset(self, raw: str, *, head: bool) -> None:
        relative = _safe_relative(raw)
        state = self.server.hub.good
        if relative is None or state is None or not state.dirs:
            self._not_found(head=head)
            return
        try:
            from jixiao.render.pdf.fetcher import ResourceRefused, TemplateFetcher
        except (ImportError, OSError):  # WeasyPrint cannot load (no Pango): no template files either
            self._not_found(head=head)
            return
        url = state.dirs[0].absolute().as_uri() + "/" + quote(relative)
        try:
            real = TemplateFetcher(state.dirs).locate(url)
            if real.stat().st_size > limits.MAX_TEMPLATE_BYTES:
                raise ResourceRefused("too large")
            data = real.read_bytes()
        except (ResourceRefused, OSError):
            self._not_found(head=head)
            return
        kind = mimetypes.guess_type(real.name)[0] or "application/octet-stream"
        if kind.startswith("text/"):
            kind += "; charset=utf-8"
        self._send(HTTPStatus.OK, data, kind, policy=_DOC_POLICY, head=head)

    def _table_pdf(self, number: int, *, head: bool) -> None:
        state = self.server.hub.state
        if not isinstance(state, Preview):
            self._text(HTTPStatus.CONFLICT, "规格现在有问题，改正并保存后才能生成 PDF。", head=head)
            return
        try:
            data = self.server.pdfs.get(state, number)
        except JixiaoError as exc:
            self._text(HTTPStatus.INTERNAL_SERVER_ERROR, f"无法生成第 {number} 表的 PDF：{exc}", head=head)
            return
        except (ImportError, OSError) as exc:  # WeasyPrint's native libraries (Pango) missing
            self._text(HTTPStatus.INTERNAL_SERVER_ERROR,
                       f"无法生成 PDF：WeasyPrint 无法加载（{exc}）。请运行 jixiao doctor 查看缺少的组件。", head=head)
            return
        if data is None:
            self._not_found(head=head)
            return
        table = next(t for t in state.doc.tables() if t.number == number)
        name = quote(f"{table_stem(table, number_width(state.doc))}.pdf")
        self._send(HTTPStatus.OK, data, "application/pdf", head=head,
                   extra={"Content-Disposition": f"inline; filename*=UTF-8''{name}"})

    def _not_found(self, *, head: bool) -> None:
        self._text(HTTPStatus.NOT_FOUND, "没有这个页面：预览只提供文档本身和模板文件夹中的文件。", head=head)

    def _text(self, status: HTTPStatus, text: str, *, head: bool) -> None:
        self._send(status, (text + "\n").encode("utf-8"), "text/plain; charset=utf-8", head=head,
                   policy="default-src 'none'; frame-ancestors 'self'")

    def _send(self, status: HTTPStatus, body: bytes, kind: str, *, policy: str | None = None, head: bool = False,
              extra: dict[str, str] | None = None) -> None:
        try:
            self.send_response(status)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Cache-Control", "no-store")
            self.send_header("X-Content-Type-Options", "nosniff")
            self.send_header("Referrer-Policy", "no-referrer")
            if policy is not None:
                self.send_header("Content-Security-Policy", policy)
            for name, value in (extra or {}).items():
                self.send_header(name, value)
            self.end_headers()
            if not head:
                self.wfile.write(body)
        except (ConnectionError, TimeoutError):
            return


def _safe_relative(raw: str) -> str | None:
    """The relative file path a ``/doc/…`` request names, or None if it tries to leave the folder.

    Decoded once; every segment must be a plain name (no ``..``, ``.``, empty
    segments, backslashes, NUL or drive letters), so ``%2e%2e/`` and ``%2f``
    tricks name nothing.
    """
    try:
        text = unquote(raw, errors="strict")
    except UnicodeDecodeError:
        return None
    if not text or text.startswith("/") or any(c in text for c in "\\\x00:"):
        return None
    parts = text.split("/")
    if any(part in ("", ".", "..") for part in parts):
        return None
    return "/".join(parts)

