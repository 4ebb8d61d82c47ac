"""Templates may come from a client: nothing outside the template folders reaches an output.

A user's ``templates/html/document.html.j2`` asks for a file outside its
folder (or on the network) in every way WeasyPrint fetches something: while
reading style sheets, laying out, and writing the PDF (attachments, images
inside SVG), in this process or in the forked one. Each attempt must stop the
render with the same clean error (exit code 1, a Chinese message naming the
resource, no traceback), write no file, and never copy a byte of the secret
file anywhere. Also: document properties never carry characters XML forbids.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import os
import re
import shutil
import subprocess
import traceback
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pypdf
import pytest
from lxml import etree
from typer.testing import CliRunner

from conftest import DEPARTMENT
from jixiao.cli import app
from jixiao.errors import RenderError
from jixiao.expand.department import expand_department
from jixiao.render import pool
from jixiao.render.html.document import render_html
from jixiao.render.pdf import jobs as pdf_jobs
from jixiao.render.pdf import layout as pdf
from jixiao.render.word.package import core_properties
from jixiao.resources import builtin_templates
from jixiao.spec.load import load_department

runner = CliRunner()
BUILTIN = builtin_templates() / "html"
MARKER = "JIXIAO-SECRET-5c1e0b9d"

#: How a template asks for a resource; ``{url}`` is replaced. (head?, markup)
KINDS: dict[str, tuple[bool, str]] = {
    "css-import": (True, '<style>@import url("{url}");</style>'),
    "css-url": (True, '<style>body {{ background-image: url("{url}"); }}</style>'),
    "style-attribute": (False, '<p style="background: url(\'{url}\')">背景</p>'),
    "img": (False, '<img src="{url}" alt="图">'),
    "object": (False, '<object data="{url}" type="image/png">对象</object>'),
    "embed": (False, '<embed src="{url}" type="image/png">'),
    "link-stylesheet": (True, '<link rel="stylesheet" href="{url}">'),
    "font-face": (True, '<style>@font-face {{ font-family: Leak; src: url("{url}"); }}</style>'),
    "link-attachment": (True, '<link rel="attachment" href="{url}">'),
    "a-attachment": (False, '<a rel="attachment" href="{url}">附件</a>'),
    "svg-image": (False, '<svg xmlns="http://www.w3.org/2000/svg" width="20" height="20">'
                         '<image href="{url}" width="20" height="20"/></svg>'),
}


@dataclass
class Site:
    """A spec, the user's template folder next to it, and a secret outside that folder."""

    root: Path
    spec: Path
    html: Path
    secret: Path
    out: Path

    def template(self, *parts: tuple[str, str]) -> None:
        """The built-in document template with the (kind, url) requests injected."""
        text = (BUILTIN / "document.html.j2").read_text(encoding="utf-8")
        for kind, url in parts:
            in_head, markup = KINDS[kind]
            tag = markup.format(url=url)
            text = text.replace("</head>", f"{tag}\n</head>", 1) if in_head else text.replace(
                "<body>", f"<body>\n{tag}", 1)
        (self.html / "document.html.j2").write_text(text, encoding="utf-8")

    def url(self, form: str) -> str:
        return {
            "network": "http://example.com/jixiao.css",
            "https": "https://example.com/font.woff",
            "host": "//example.com/share/x.png",
            "absolute": self.secret.as_uri(),
            "dotdot": "../../secret.txt",
            "encoded": "%2e%2e/%2e%2e/secret.txt",
            "symlink": "leak.txt",
            "symlinked-folder": "outside/secret.txt",
        }[form]

    def named(self, form: str) -> str:
        """What the error message must name."""
        if form in ("network", "https"):
            return f"网络资源 {self.url(form)}"
        if form == "host":
            return "网络资源 file://example.com/share/x.png"
        if form == "symlink":
            return "leak.txt 是指向模板文件夹以外"
        if form == "symlinked-folder":
            return "outside/secret.txt 是指向模板文件夹以外"
        return f"模板文件夹以外的文件 {self.secret}"


@pytest.fixture
def site(spec_dir: Any, tmp_path: Path) -> Site:
    spec = spec_dir()
    html = tmp_path / "templates" / "html"  # the user's own templates, found above the spec
    html.mkdir(parents=True)
    secret = tmp_path / "secret.txt"
    secret.write_text(f"p {{ color: red }} /* {MARKER} */\n", encoding="utf-8")
    (html / "leak.txt").symlink_to(secret)
    (html / "outside").symlink_to(tmp_path, target_is_directory=True)
    return Site(tmp_path, spec, html, secret, tmp_path / "out")


def _inflated(data: bytes) -> list[bytes]:
    """*data* and every zlib stream in it (PDF streams, zip members stored deflated)."""
    found = [data]
    for match in re.finditer(rb"stream\r?\n", data):
        with contextlib.suppress(zlib.error):
            found.append(zlib.decompressobj().decompress(data[match.end():]))
    if data[:2] == b"PK":
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            found += [zf.read(name) for name in zf.namelist()]
    return found


def _leaks(site: Site, *texts: str) -> list[str]:
    """Files under the test folder (and *texts*) that hold the secret's marker."""
    marker = MARKER.encode()
    hits = [f"text {i}" for i, t in enumerate(texts) if MARKER in t]
    for path in site.root.rglob("*"):
        if path.is_symlink() or not path.is_file() or path == site.secret:
            continue
        if any(marker in chunk for chunk in _inflated(path.read_bytes())):
            hits.append(str(path.relative_to(site.root)))
    return hits


def _render(site: Site, monkeypatch: pytest.MonkeyPatch, jobs: str) -> Any:
    monkeypatch.setenv("JIXIAO_JOBS", jobs)
    return runner.invoke(app, ["render", str(site.spec), "-o", str(site.out), "--format", "pdf"])


def _assert_refused(site: Site, result: Any, form: str) -> None:
    output = result.stdout + result.stderr
    assert result.exit_code == 1, output
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert "Traceback" not in output
    assert output.startswith("错误：") and site.named(form) in output, output
    assert not site.out.exists()
    assert _leaks(site, output) == []


#: (kind, url form, JIXIAO_JOBS): every kind and every form at least once; the
#: write-phase kinds (attachments, SVG images) in one process and in two.
CLI_CASES = [
    ("css-import", "network", ""),
    ("css-url", "absolute", ""),
    ("style-attribute", "dotdot", ""),
    ("img", "encoded", ""),
    ("object", "symlink", ""),
    ("embed", "host", ""),
    ("link-stylesheet", "symlinked-folder", ""),
    ("font-face", "symlink", ""),
    ("link-attachment", "absolute", "1"),
    ("a-attachment", "absolute", ""),
    ("a-attachment", "symlink", "1"),
    ("svg-image", "dotdot", ""),
    ("svg-image", "https", "1"),
]


@pytest.mark.parametrize(("kind", "form", "jobs"), CLI_CASES, ids=["-".join(c).strip("-") for c in CLI_CASES])
def test_template_reaching_outside_stops_the_render(
    site: Site, monkeypatch: pytest.MonkeyPatch, kind: str, form: str, jobs: str
) -> None:
    site.template((kind, site.url(form)))
    _assert_refused(site, _render(site, monkeypatch, jobs), form)


def test_every_attempt_at_once_leaks_nothing(site: Site, monkeypatch: pytest.MonkeyPatch) -> None:
    # The write-phase attempts first in the page, so that they would be the ones to get through.
    forms = ["absolute", "dotdot", "encoded", "symlink"]
    site.template(*[(kind, site.url(forms[i % len(forms)])) for i, kind in enumerate(reversed(KINDS))])
    result = _render(site, monkeypatch, "")
    assert result.exit_code == 1 and "Traceback" not in result.stdout + result.stderr
    assert not site.out.exists()
    assert _leaks(site, result.stdout, result.stderr) == []


def _layout(site: Site, title: str | None = None) -> tuple[Any, pdf.PdfLayout]:
    doc = expand_department(load_department(site.spec))
    dirs = [site.html, BUILTIN]
    return doc, pdf.layout_pdf(render_html(doc, dirs), dirs, issued=doc.issued, title=title or doc.title)


@pytest.mark.parametrize("workers", [1, 2], ids=["one-process", "worker"])
@pytest.mark.parametrize("kind", ["a-attachment", "svg-image"])
def test_refusal_while_writing_is_the_same_error_in_either_process(site: Site, kind: str, workers: int) -> None:
    """Laid out fine; refused while writing the combined file, in this process or in a worker process."""
    site.template((kind, site.url("absolute")))
    doc = expand_department(load_department(site.spec))
    dirs = [site.html, BUILTIN]
    html = render_html(doc, dirs)
    executor = pool.executor(workers)
    try:
        future = executor.submit(pdf_jobs.combined, html, dirs, doc.issued, doc.title)
        with pytest.raises(RenderError, match=re.escape(site.named("absolute"))) as caught:
            pool.result(future)
    finally:
        pool.stop(executor)
    assert caught.value.__cause__ is None  # no worker traceback chained on
    in_worker = not any(frame.name == "write" for frame in traceback.extract_tb(caught.value.__traceback__))
    assert in_worker is (workers > 1)
    # Only the front page asks for it: a project's own file is fine.
    _doc, layout = _layout(site)
    assert layout.write_table(1).startswith(b"%PDF")


def test_fetcher_refuses_every_way_out(site: Site) -> None:
    fetcher = pdf.TemplateFetcher([site.html, BUILTIN])
    base = site.html.as_uri() + "/"
    (site.html / "logo.svg").write_text("<svg/>", encoding="utf-8")
    for form in ("network", "https", "absolute", "symlink", "symlinked-folder"):
        url = site.url(form) if ":" in site.url(form) else base + site.url(form)
        with pytest.raises(pdf.ResourceRefused, match=re.escape(site.named(form))):
            fetcher.fetch(url)
    for url in (
        base + "../../secret.txt",
        base + "%2e%2e/%2e%2e/secret.txt",
        base + "%2E%2E/%2e%2E/secret.txt?x#y",
        base + "..%2f..%2fsecret.txt",
        "file://localhost" + str(site.secret),
        "file:" + str(site.secret),
        "file:////" + str(site.secret),
        "file:secret.txt",
    ):
        with pytest.raises(pdf.ResourceRefused, match="模板文件夹以外"):
            fetcher.fetch(url)
    for url in ("file://example.com/etc/passwd", "ftp://example.com/x", "gopher://example.com/", "http://[::1"):
        with pytest.raises(pdf.ResourceRefused):
            fetcher.fetch(url)
    assert len(fetcher.refused) == 17
    assert fetcher.fetch(base + "logo.svg").read() == b"<svg/>"
    assert fetcher.fetch(base + "sub/../logo.svg?v=1").read() == b"<svg/>"
    assert fetcher.fetch("file://localhost" + str(site.html / "logo.svg")).read() == b"<svg/>"
    assert fetcher.fetch("data:text/css,p%7Bcolor:red%7D").read() == b"p{color:red}"
    assert fetcher.fetch(base + "style.css").read() == (BUILTIN / "style.css").read_bytes()
    assert len(fetcher.refused) == 17


def test_allowed_resources_and_attachments_are_embedded_reproducibly(
    site: Site, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The other side: files in the template folder and data: URLs are used, the same bytes every time.

    This is also the check that :func:`_leaks` finds a marker that did get into a PDF.
    """
    (site.html / "note.txt").write_text(f"附件 {MARKER}\n", encoding="utf-8")
    (site.html / "logo.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect width="10" height="10"/></svg>',
        encoding="utf-8",
    )
    site.template(
        ("link-attachment", "note.txt"),
        ("a-attachment", "note.txt"),
        ("img", "logo.svg"),
        ("svg-image", "logo.svg"),
        ("css-url", "data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg'/%3E"),
    )
    written = {}
    for jobs in ("", "1"):
        result = _render(site, monkeypatch, jobs)
        assert result.exit_code == 0, result.stdout + result.stderr
        written[jobs] = {p.relative_to(site.out): p.read_bytes() for p in sorted(site.out.rglob("*.pdf"))}
        shutil.rmtree(site.out)
    assert written[""] == written["1"]  # attachments dated by the spec, not the clock
    files = written[""]
    assert len(files) == 2
    for data in files.values():
        attached: Any = pypdf.PdfReader(io.BytesIO(data)).attachments
        assert attached == {"note.txt": [f"附件 {MARKER}\n".encode()]}
        assert any(MARKER.encode() in chunk for chunk in _inflated(data))


def test_pdf_title_keeps_only_text(site: Site) -> None:
    _doc, layout = _layout(site, title="标题\x01\ud800\udfff\ufffe\uffff\x7f完")
    info: Any = pypdf.PdfReader(io.BytesIO(layout.write())).metadata
    assert info["/Title"] == "标题完"


def test_core_properties_are_well_formed_xml() -> None:
    data = core_properties("标题\x01\x0b<&>\ud800\ufffe\uffff\x7f\t完", "部门\x00\udc00", dt.datetime(2025, 1, 1))
    root = etree.fromstring(data)
    ns = {"dc": "http://purl.org/dc/elements/1.1/"}
    assert root.findtext("dc:title", namespaces=ns) == "标题<&>\t完"
    assert root.findtext("dc:creator", namespaces=ns) == "部门"


def test_word_file_with_a_control_character_in_the_department_opens(spec_dir: Any, tmp_path: Path) -> None:
    spec = spec_dir(department=DEPARTMENT.replace("部门名称: 测试局", '部门名称: "测试\\x01局"'))
    out = tmp_path / "out"
    result = runner.invoke(app, ["render", str(spec), "-o", str(out), "--format", "docx", "--force"])
    assert result.exit_code == 0, result.stdout + result.stderr
    files = sorted(out.rglob("*.docx"))
    assert len(files) == 2
    for path in files:
        with zipfile.ZipFile(path) as zf:
            core = etree.fromstring(zf.read("docProps/core.xml"))
        assert core.findtext("{http://purl.org/dc/elements/1.1/}creator") == "测试局"
    office = shutil.which("soffice") or shutil.which("libreoffice")
    assert office, "LibreOffice 未安装：sudo apt-get install libreoffice-writer-nogui（./run setup 会自动安装）"
    converted = tmp_path / "pdf"
    run = subprocess.run(
        [office, f"-env:UserInstallation=file://{tmp_path / 'profile'}", "--headless", "--convert-to", "pdf",
         "--outdir", str(converted), *map(str, files)],
        capture_output=True, text=True, timeout=300, check=False,
    )
    assert run.returncode == 0, run.stderr
    assert sorted(p.stem for p in converted.glob("*.pdf")) == sorted(p.stem for p in files)


def test_a_worker_dying_is_a_clean_error() -> None:
    executor = pool.executor(2)
    try:
        with pytest.raises(RenderError, match="JIXIAO_JOBS=1") as caught:
            pool.result(executor.submit(os._exit, 3))
    finally:
        pool.stop(executor)
    assert caught.value.__cause__ is None
