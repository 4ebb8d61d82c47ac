"""`jixiao serve`: builds and their fragments, the event stream, what the server refuses, PDFs, stopping.

The page in a real browser is tested in ``test_serve_browser.py``.
"""

from __future__ import annotations

import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

import jinja2
import pytest
from typer.testing import CliRunner

from conftest import PROJECT
from jixiao import serve
from jixiao.chars import unjoined
from jixiao.cli import app
from jixiao.resources import builtin_templates
from jixiao.serve import app as serve_app
from jixiao.serve import page, tablepdf
from jixiao.serve.state import Builder, Failure, Preview
from jixiao.serve.watch import watched_folders
from jixiao.textenv import Sandbox, markup_env

runner = CliRunner()

SECOND = PROJECT.replace("法律顾问费", "印刷费").replace("法律咨询服务", "印刷材料")
#: 合格率 (the preset's second row) written as ≥100%: finding JX202 at line 7, column 12.
FLAGGED = PROJECT + '改写:\n  合格率: {值: "≥100%"}\n'
SECRET = "TOP-SECRET-不应被读到"


@pytest.fixture
def spec(spec_dir: Any) -> Path:
    folder: Path = spec_dir({"01-法律顾问费": FLAGGED, "02-印刷费": SECOND})
    return folder


@pytest.fixture
def running(spec: Path, tmp_path: Path) -> Iterator[serve.Running]:
    live = serve.start(spec, port=0, base=tmp_path)
    try:
        yield live
    finally:
        live.close()


def get(url: str, path: str, *, method: str = "GET", host: str | None = None) -> tuple[int, dict[str, str], bytes]:
    """*path* sent exactly as written (no normalising), with the server's own Host unless *host*."""
    parts = urlsplit(url)
    conn = http.client.HTTPConnection(parts.hostname or "", parts.port, timeout=60)
    try:
        raw = "".join(c if c.isascii() else quote(c) for c in path)  # a browser sends non-ASCII percent-encoded
        conn.putrequest(method, raw, skip_host=True, skip_accept_encoding=True)
        conn.putheader("Host", host or parts.netloc)
        conn.endheaders()
        response = conn.getresponse()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
    finally:
        conn.close()


class Events:
    """A client of ``/events``: one JSON message per ``next()``."""

    def __init__(self, url: str) -> None:
        parts = urlsplit(url)
        self.conn = http.client.HTTPConnection(parts.hostname or "", parts.port, timeout=20)
        self.conn.request("GET", "/events")
        self.response = self.conn.getresponse()
        assert self.response.status == 200
        assert self.response.getheader("Content-Type", "").startswith("text/event-stream")

    def next(self) -> dict[str, Any]:
        data: list[str] = []
        while True:
            line = self.response.fp.readline()
            if not line:
                raise EOFError("the event stream ended")
            text = line.decode("utf-8").rstrip("\n")
            if text.startswith("data: "):
                data.append(text[6:])
            elif text == "" and data:
                message: dict[str, Any] = json.loads("\n".join(data))
                return message

    def close(self) -> None:
        self.conn.close()


@pytest.fixture
def events(running: serve.Running) -> Iterator[Events]:
    stream = Events(running.url)
    try:
        yield stream
    finally:
        stream.close()


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


# ---- builds ----


def test_build_cuts_the_document_into_table_fragments(spec: Path, tmp_path: Path) -> None:
    state = Builder(spec, tmp_path).build()
    assert isinstance(state, Preview)
    tables = [f for f in state.fragments.values() if f.table is not None]
    assert [f.key for f in tables] == ["table-1", "table-2"]
    assert 'data-jx-frag="table-1"' in state.document and 'data-jx-version="1"' in state.document
    assert "印刷材料" in unjoined(state.fragments["table-2"].html)
    assert "印刷材料" not in unjoined(state.fragments["table-1"].html)
    # The table markup is the PDF's own (render/html/document.py): same grid attributes.
    assert 'data-grid="1-indicators"' in state.fragments["table-1"].html
    again = Builder(spec, tmp_path).build()
    assert isinstance(again, Preview)
    assert {k: f.html_digest for k, f in again.fragments.items()} == {
        k: f.html_digest for k, f in state.fragments.items()
    }


def test_findings_are_placed_beside_their_rows(spec: Path, tmp_path: Path) -> None:
    state = Builder(spec, tmp_path).build()
    assert isinstance(state, Preview)
    notes = [n for n in state.fragments["table-1"].notes if n["rule"] == "JX202"]
    assert len(notes) == 1
    note = notes[0]
    assert note["row"] == 2 and note["field"] == "指标值"  # 合格率, the indicator table's second row
    assert note["where"] == "spec/projects/01-法律顾问费.yaml:7:12"
    assert note["copy"] == f"{spec / 'projects' / '01-法律顾问费.yaml'}:7:12"
    assert not [n for n in state.fragments["table-2"].notes if n["rule"] == "JX202"]
    assert state.tables[0].counts["warning"] >= 1


def test_a_spec_error_is_a_failure_with_positions(spec: Path, tmp_path: Path) -> None:
    edit(spec / "projects" / "02-印刷费.yaml", "预算数: 5.00", "预算数： 5.00")
    state = Builder(spec, tmp_path).build()
    assert isinstance(state, Failure)
    problem = state.problems[0]
    assert problem["where"] == "spec/projects/02-印刷费.yaml:3:4"
    assert problem["copy"] == f"{spec / 'projects' / '02-印刷费.yaml'}:3:4"
    assert problem["source"] == "预算数： 5.00" and "全角冒号" in problem["message"]


def test_update_messages_carry_only_what_changed(spec: Path, tmp_path: Path) -> None:
    builder = Builder(spec, tmp_path)
    first = builder.build()
    assert isinstance(first, Preview)
    message, shown = page.update_message(first, None)
    assert message["full"] and message["body"] and set(message["notes"]) == {"table-1", "table-2"}
    edit(spec / "projects" / "02-印刷费.yaml", "印刷材料", "印刷新材料")
    second = builder.build()
    assert isinstance(second, Preview)
    message, shown = page.update_message(second, shown)
    assert not message["full"] and message["body"] is None and message["head"] is None
    assert list(message["fragments"]) == ["table-2"] and "印刷新材料" in unjoined(message["fragments"]["table-2"])
    # A failure leaves what the page was sent as it was.
    edit(spec / "projects" / "02-印刷费.yaml", "预算数: 5.00", "预算数： 5.00")
    failed = builder.build()
    message, kept = page.update_message(failed, shown)
    assert message["type"] == "problems" and kept == shown


# ---- the server ----


def test_page_document_and_template_files_are_served(running: serve.Running, spec: Path) -> None:
    logo = spec / "templates" / "html" / "img" / "logo.svg"
    logo.parent.mkdir(parents=True)
    logo.write_text('<svg xmlns="http://www.w3.org/2000/svg"/>', encoding="utf-8")
    running.hub.publish(Builder(spec, spec).build())  # the template folder exists now
    status, headers, body = get(running.url, "/")
    assert status == 200 and headers["content-type"].startswith("text/html")
    assert 'src="/doc/"' in body.decode() and "jixiao 预览" in body.decode()
    assert "script-src 'self'" in headers["content-security-policy"]
    status, headers, body = get(running.url, "/doc/")
    assert status == 200 and 'data-jx-frag="table-2"' in body.decode()
    assert "script-src" not in headers["content-security-policy"]  # default-src 'none': no scripts at all
    assert get(running.url, "/doc/img/logo.svg")[0] == 200
    status, headers, body = get(running.url, "/doc/style.css")
    assert status == 200 and headers["content-type"].startswith("text/css") and b"@page" in body
    assert get(running.url, "/_jx/serve.js")[0] == 200
    assert get(running.url, "/", host=f"localhost:{urlsplit(running.url).port}")[0] == 200


def test_requests_outside_the_document_and_template_folders_are_refused(
    running: serve.Running, spec: Path, tmp_path: Path
) -> None:
    (tmp_path / "secret.txt").write_text(SECRET, encoding="utf-8")
    (spec / "secret.txt").write_text(SECRET, encoding="utf-8")
    html = spec / "templates" / "html"
    html.mkdir(parents=True)
    (html / "link.txt").symlink_to(tmp_path / "secret.txt")
    (html / "folder").symlink_to(tmp_path, target_is_directory=True)
    running.hub.publish(Builder(spec, spec).build())
    outside = str(tmp_path / "secret.txt")
    paths = [
        "/etc/passwd", "/../etc/passwd", "/%2e%2e/%2e%2e/etc/passwd", "//etc/passwd", "/doc/../secret.txt",
        "/doc/%2e%2e/secret.txt", "/doc/%2E%2E/%2E%2E/secret.txt", "/doc/..%2fsecret.txt", "/doc/%2e%2e%2fsecret.txt",
        "/doc/..%5csecret.txt", "/doc/..\\secret.txt", f"/doc/{outside}", f"/doc//{outside}", "/doc/%2f" + outside[1:],
        "/doc/%252e%252e/secret.txt", "/doc/./secret.txt", "/doc/link.txt", "/doc/folder/secret.txt",
        "/doc/style.css%00.txt", "/doc/c:/secret.txt", "/secret.txt", "/部门.yaml", "/doc/部门.yaml",
        "/projects/01-法律顾问费.yaml", "/doc/../projects/01-法律顾问费.yaml", "/_jx/../部门.yaml",
        "/_jx/page.html.j2", "/_jx/%2e%2e/%2e%2e/pyproject.toml", "/table/../secret.txt", "/table/1.pdf/../../部门.yaml",
        "/table/0.pdf", "/table/-1.pdf", "/table/1.pdf.txt", "http://example.com/etc/passwd", "//example.com/",
        f"/doc/{'%2e%2e/' * 12}etc/passwd",
    ]
    for path in paths:
        status, _, body = get(running.url, path)
        assert status in (400, 404), (path, status)
        assert SECRET.encode() not in body and b"root:" not in body and "项目名称".encode() not in body, path
    # Not this server's address (a page elsewhere reaching 127.0.0.1 through its own name): refused.
    status, _, body = get(running.url, "/doc/", host="attacker.example")
    assert status == 403 and b"data-jx-frag" not in body
    assert get(running.url, "/", method="POST")[0] == 405
    assert get(running.url, "/events", method="PUT")[0] == 405


def test_events_send_the_changed_table_only(running: serve.Running, events: Events, spec: Path) -> None:
    first = events.next()
    assert first["type"] == "document" and first["full"] and 'data-jx-frag="table-1"' in first["body"]
    assert [t["key"] for t in first["tables"]] == ["table-1", "table-2"]
    edit(spec / "projects" / "02-印刷费.yaml", "印刷材料", "印刷新材料")
    update = events.next()
    assert update["type"] == "document" and not update["full"] and update["body"] is None
    assert list(update["fragments"]) == ["table-2"] and "印刷新材料" in unjoined(update["fragments"]["table-2"])
    assert set(update["notes"]) <= {"table-2"}


def test_events_replace_the_page_with_problems_until_fixed(
    running: serve.Running, events: Events, spec: Path
) -> None:
    events.next()
    path = spec / "projects" / "02-印刷费.yaml"
    good = path.read_text(encoding="utf-8")
    edit(path, "预算数: 5.00", "预算数： 5.00")
    broken = events.next()
    assert broken["type"] == "problems"
    problem = broken["problems"][0]
    assert problem["where"].endswith("projects/02-印刷费.yaml:3:4") and problem["copy"] == f"{path}:3:4"
    # Meanwhile a reloaded page still gets the last good document, and no PDF.
    assert 'data-jx-frag="table-2"' in get(running.url, "/doc/")[2].decode()
    assert get(running.url, "/table/2.pdf")[0] == 409
    path.write_text(good.replace("印刷材料", "修好的印刷材料"), encoding="utf-8")
    fixed = events.next()
    assert fixed["type"] == "document" and list(fixed["fragments"]) == ["table-2"]
    assert "修好的印刷材料" in unjoined(fixed["fragments"]["table-2"])


def test_a_spec_broken_from_the_start_shows_its_problems_first(spec: Path, tmp_path: Path) -> None:
    path = spec / "projects" / "02-印刷费.yaml"
    good = path.read_text(encoding="utf-8")
    edit(path, "预算数: 5.00", "预算数： 5.00")
    live = serve.start(spec, port=0, base=tmp_path)
    stream = Events(live.url)
    try:
        assert stream.next()["type"] == "problems"
        assert "还没有成功生成过" in get(live.url, "/doc/")[2].decode()
        path.write_text(good, encoding="utf-8")
        fixed = stream.next()
        assert fixed["type"] == "document" and fixed["full"] and 'data-jx-frag="table-2"' in fixed["body"]
    finally:
        stream.close()
        live.close()


def test_a_new_project_resends_the_whole_body(running: serve.Running, events: Events, spec: Path) -> None:
    events.next()
    (spec / "projects" / "03-宣传费.yaml").write_text(
        PROJECT.replace("法律顾问费", "宣传费").replace("法律咨询服务", "宣传材料"), encoding="utf-8"
    )
    update = events.next()
    assert update["full"] and 'data-jx-frag="table-3"' in update["body"]


def test_table_pdf_is_laid_out_on_demand_and_kept(
    running: serve.Running, spec: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import pypdf

    calls: list[int] = []
    real = tablepdf._lay_out

    def counted(preview: Preview, number: int) -> bytes:
        calls.append(number)
        return real(preview, number)

    monkeypatch.setattr(tablepdf, "_lay_out", counted)
    status, headers, body = get(running.url, "/table/2.pdf")
    assert status == 200 and headers["content-type"] == "application/pdf" and body.startswith(b"%PDF")
    assert "02-" in headers["content-disposition"]
    from io import BytesIO

    reader = pypdf.PdfReader(BytesIO(body))
    assert len(reader.pages) == 1 and "印刷材料" in reader.pages[0].extract_text()
    assert get(running.url, "/table/2.pdf")[2] == body and calls == [2]
    edit(spec / "projects" / "01-法律顾问费.yaml", "法律咨询服务", "法律咨询")  # another table: still kept
    running.hub.publish(Builder(spec, spec).build())
    assert get(running.url, "/table/2.pdf")[2] == body and calls == [2]
    assert get(running.url, "/table/9.pdf")[0] == 404


def test_port_in_use_is_a_chinese_usage_error(spec: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = runner.invoke(app, ["serve", str(spec), "--port", str(port)])
    assert result.exit_code == 2
    assert f"端口 {port} 已被占用" in result.stderr and "--port" in result.stderr


def test_missing_spec_is_a_usage_error(tmp_path: Path) -> None:
    result = runner.invoke(app, ["serve", str(tmp_path / "没有"), "--port", "0"])
    assert result.exit_code == 2 and "找不到" in result.stderr


def _ctrl_c_as_in_a_terminal() -> None:
    """In the server's process before it starts: Ctrl-C neither ignored nor blocked, whatever the test run
    inherited (a shell's background job ignores it: ``./run test &``)."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, [signal.SIGINT])


def test_ctrl_c_stops_cleanly(spec: Path) -> None:
    with subprocess.Popen(
        [sys.executable, "-X", "faulthandler", "-m", "jixiao", "serve", str(spec), "--port", "0"],
        stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True, encoding="utf-8",
        env={**os.environ, "COLUMNS": "200"}, preexec_fn=_ctrl_c_as_in_a_terminal,
    ) as proc:
        watchdog = threading.Timer(60, proc.kill)
        watchdog.start()
        try:
            assert proc.stderr is not None
            seen: list[str] = []
            while not any("http://127.0.0.1:" in line for line in seen):
                line = proc.stderr.readline()
                assert line, "".join(seen)
                seen.append(line)
            watchdog.cancel()
            url = next(line for line in seen if "http://127.0.0.1:" in line).split("：", 1)[1].strip()
            assert get(url, "/")[0] == 200
            time.sleep(0.2)
            proc.send_signal(signal.SIGINT)
            try:
                _, rest = proc.communicate(timeout=30)
            except subprocess.TimeoutExpired:
                proc.send_signal(signal.SIGABRT)  # -X faulthandler: every thread's stack on stderr
                _, dump = proc.communicate(timeout=30)
                raise AssertionError(f"Ctrl-C did not stop the server within 30 s:\n{dump}") from None
            assert proc.returncode == 0, rest
        finally:
            watchdog.cancel()
            if proc.poll() is None:
                proc.kill()
    assert "已停止" in rest and "Traceback" not in rest


# ---- pieces ----


@pytest.mark.parametrize(
    ("raw", "wanted"),
    [
        ("style.css", "style.css"), ("img/a%20b.png", "img/a b.png"), ("", None), ("../x", None), ("%2e%2e/x", None),
        ("a/../x", None), ("a//x", None), ("/etc/passwd", None), ("%2fetc", None), ("a\\x", None), ("a%00", None),
        ("c:x", None), ("./x", None), ("%ff", None),
    ],
)
def test_safe_relative(raw: str, wanted: str | None) -> None:
    assert serve_app._safe_relative(raw) == wanted


def test_watched_folders_cover_spec_and_templates(spec: Path) -> None:
    (spec / "templates" / "html").mkdir(parents=True)
    folders = watched_folders(spec)
    assert spec.resolve() in folders and builtin_templates().resolve() in folders
    assert all(not a.is_relative_to(b) for a in folders for b in folders if a != b)


def test_page_is_rendered_in_the_sandbox(monkeypatch: pytest.MonkeyPatch) -> None:
    made: list[type[jinja2.Environment]] = []
    original = jinja2.Environment.__init__

    def record(self: jinja2.Environment, *args: Any, **kwargs: Any) -> None:
        made.append(type(self))
        original(self, *args, **kwargs)

    monkeypatch.setattr(jinja2.Environment, "__init__", record)
    markup_env.cache_clear()
    try:
        html = page.shell("<标题>", "spec").decode()
        page.waiting("<规格>")
    finally:
        markup_env.cache_clear()
    assert made and all(issubclass(kind, Sandbox) for kind in made)
    assert "&lt;标题&gt;" in html and "<标题>" not in html
    for name in page.STATIC:
        assert page.static(name)
    assert page.static("page.html.j2") is None
