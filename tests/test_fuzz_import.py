"""Fuzz: mutated Word and PDF files may only ever give jixiao's own messages.

``jixiao import`` and ``jixiao textconv`` read files from someone else. Their
bytes, their zip structure and the XML inside are mutated at random; each run
must end in success or a :class:`~jixiao.errors.JixiaoError` (a message for the
user, exit 1 or 2) — any other exception would be exit 3 — within 30 seconds,
writing nothing but the target folder.

The default run is short (40 examples each). Run it long with::

    JIXIAO_FUZZ_EXAMPLES=2000 .venv/bin/python -m pytest tests/test_fuzz_import.py
"""

from __future__ import annotations

import contextlib
import io
import os
import subprocess
import tempfile
import time
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from jixiao.cli import app
from jixiao.errors import JixiaoError
from jixiao.importer import import_document
from jixiao.vcs.textconv import textconv
from test_safety_import import project_table, word_file

EXAMPLES = max(1, int(os.environ.get("JIXIAO_FUZZ_EXAMPLES", "200")) // 5)
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    derandomize="JIXIAO_FUZZ_SEED" not in os.environ,
)

XML_TOKENS = [
    "<w:tbl>", "</w:tbl>", "<w:tr>", "</w:tr>", "<w:tc>", "</w:tc>", "<w:p>", "</w:p>", "<w:t>", "</w:t>",
    '<w:gridSpan w:val="999999999"/>', '<w:gridSpan w:val="-3"/>', '<w:gridSpan w:val="x"/>', "<w:vMerge/>",
    '<w:vMerge w:val="restart"/>', '<w:hMerge w:val="continue"/>', '<w:gridBefore w:val="100000000"/>',
    '<w:numPr><w:ilvl w:val="8"/><w:numId w:val="1"/></w:numPr>', '<w:pStyle w:val="TOC1"/>',
    '<w:fldChar w:fldCharType="begin"/>', '<w:instrText>TOC \\o</w:instrText>', '<w:fldChar w:fldCharType="separate"/>',
    '<w:fldChar w:fldCharType="end"/>', "<w:br/>", '<w:br w:type="page"/>', "<w:tab/>", "<w:sectPr/>",
    "<w:sdt><w:sdtContent>", "</w:sdtContent></w:sdt>", "&amp;", "&lt;", "&#0;", "&#x1F;", "&unknown;",
    "<!DOCTYPE x [<!ENTITY a 'aaaa'>]>", "<![CDATA[x]]>", "<!-- c -->", "\x00", "\ud7ff", "项目名称", "预算数", "绩效目标",
    "一级指标", "二级指标", "三级指标", "指标值", "≥100%", "1e999999", "99999999999999999999", "2025年", "{{ 预算数 }}",
    "{% for x in y %}", "../../逃逸", "第二部分", "第一部分", "一、", "（一）", "单位：万元", "单位：元", "\n", "\t",
]
MEMBERS = ["word/document.xml", "word/styles.xml", "word/numbering.xml", "mimetype", "xl/workbook.xml", "[Content_Types].xml"]


def _base_docx() -> bytes:
    with tempfile.TemporaryDirectory(prefix="jixiao-fuzz-") as tmp:
        path = word_file(Path(tmp) / "base.docx", "".join(project_table(n, rows=3) for n in (1, 2, 3)))
        return path.read_bytes()


BASE_DOCX = _base_docx()


def _members(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return {info.filename: zf.read(info) for info in zf.infolist()}


def _pack(members: dict[str, bytes], method: int) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", method) as zf:
        for name, data in members.items():
            zf.writestr(zipfile.ZipInfo(name, date_time=(2025, 1, 1, 0, 0, 0)), data, compress_type=method)
    return out.getvalue()


@st.composite
def xml_edit(draw: st.DrawFn, text: str) -> str:
    at = draw(st.integers(min_value=0, max_value=len(text)))
    kind = draw(st.sampled_from(["insert", "delete", "duplicate", "replace", "truncate"]))
    if kind == "insert":
        return text[:at] + draw(st.one_of(st.sampled_from(XML_TOKENS), st.text(max_size=20))) + text[at:]
    end = draw(st.integers(min_value=at, max_value=min(len(text), at + 400)))
    if kind == "delete":
        return text[:at] + text[end:]
    if kind == "duplicate":
        return text[:end] + text[at:end] * draw(st.integers(min_value=1, max_value=50)) + text[end:]
    if kind == "replace":
        return text[:at] + draw(st.sampled_from(XML_TOKENS)) + text[end:]
    return text[:at]


@st.composite
def mutated_docx(draw: st.DrawFn) -> bytes:
    """The base .docx with its XML edited, members added or dropped, repacked; then maybe its bytes damaged."""
    members = _members(BASE_DOCX)
    for _ in range(draw(st.integers(min_value=0, max_value=3))):
        name = draw(st.sampled_from(MEMBERS))
        if name in members and draw(st.booleans()):
            text = members[name].decode("utf-8", "replace")
            members[name] = draw(xml_edit(text)).encode("utf-8", "surrogatepass")
        elif draw(st.booleans()):
            members.pop(name, None)
        else:
            members[name] = draw(st.one_of(st.binary(max_size=200), st.sampled_from(XML_TOKENS).map(str.encode)))
    data = _pack(members, draw(st.sampled_from([zipfile.ZIP_DEFLATED, zipfile.ZIP_STORED])))
    for _ in range(draw(st.integers(min_value=0, max_value=2))):
        at = draw(st.integers(min_value=0, max_value=len(data) - 1))
        kind = draw(st.sampled_from(["flip", "truncate", "insert", "header"]))
        if kind == "flip":
            data = data[:at] + bytes([data[at] ^ draw(st.integers(min_value=1, max_value=255))]) + data[at + 1 :]
        elif kind == "truncate":
            data = data[:at]
        elif kind == "insert":
            data = data[:at] + draw(st.binary(min_size=1, max_size=16)) + data[at:]
        else:  # a size, method or count field of a header set to an extreme
            field = draw(st.sampled_from([b"\xff\xff\xff\xff", b"\x00\x00\x00\x00", b"\x63\x00", b"\x0e\x00"]))
            data = data[:at] + field + data[at + len(field) :]
        if not data:
            break
    return data


def _no_pdf_reader_left() -> bool:
    """No PDF reader started by this process is left running (other tests' and other runs' readers do not count)."""
    return subprocess.run(["pgrep", "-P", str(os.getpid()), "-f", "jixiao.vcs.pdftext"], capture_output=True).returncode == 1


@FUZZ
@given(data=mutated_docx())
def test_mutated_word_files_import_or_give_a_message(data: bytes) -> None:
    with tempfile.TemporaryDirectory(prefix="jixiao-fuzz-") as tmp:
        folder = Path(tmp)
        source = folder / "in" / "文件.docx"
        source.parent.mkdir()
        source.write_bytes(data)
        out = folder / "out"
        out.mkdir()
        started = time.monotonic()
        with contextlib.suppress(JixiaoError):
            import_document(source, out / "spec")
        assert time.monotonic() - started < 30
        assert [p.name for p in out.iterdir()] in ([], ["spec"])  # nothing beside the target
        assert [p.name for p in source.parent.iterdir()] == ["文件.docx"]


def _textconv_in_time(data: bytes, suffix: str, seconds: float) -> None:
    """textconv of *data* gives text or a message within *seconds*."""
    with tempfile.NamedTemporaryFile(suffix=suffix) as fh:
        fh.write(data)
        fh.flush()
        started = time.monotonic()
        with contextlib.suppress(JixiaoError):
            textconv(Path(fh.name))
        assert time.monotonic() - started < seconds


@FUZZ
@given(data=mutated_docx())
def test_mutated_word_files_convert_to_text_or_give_a_message(data: bytes) -> None:
    _textconv_in_time(data, ".docx", 30)


@pytest.fixture(scope="module")
def base_pdf(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    """A small PDF rendered by jixiao (one department with one project)."""
    from conftest import DEPARTMENT, PROJECT, write_tree

    root = write_tree(tmp_path_factory.mktemp("spec") / "spec", {"部门.yaml": DEPARTMENT, "projects/01-法律顾问费.yaml": PROJECT})
    out = tmp_path_factory.mktemp("pdf")
    result = CliRunner().invoke(app, ["render", str(root), "-o", str(out), "--format", "pdf"])
    assert result.exit_code == 0, result.output
    return next(out.glob("*.pdf")).read_bytes()


PDF_TOKENS = [b"obj", b"endobj", b"stream", b"endstream", b"<<", b">>", b"[", b"]", b"/Length 999999999", b"/Filter /FlateDecode",
              b"/Kids [1 0 R]", b"/Parent 3 0 R", b"999999999 0 R", b"q", b"Q", b"BT", b"ET", b"Tj", b"re f", b"Do", b"%%EOF",
              b"xref", b"trailer", b"startxref", b"-1", b"1e99", b"(\\", b"<", b">", b"/Type /Page", b"/Count 1000000"]


#: One edit of a PDF: (kind, where as a fraction of the length in millionths, span, byte mask or repeats, inserted bytes).
PdfEdit = tuple[str, int, int, int, bytes]

#: The edits, drawn without looking at the PDF: what is drawn (kinds and bounds of the choices) never depends on
#: the file being mutated, so Hypothesis sees the same draws whenever it replays or shrinks an example.
pdf_edits = st.lists(
    st.tuples(
        st.sampled_from(["flip", "truncate", "insert", "delete", "duplicate"]),
        st.integers(min_value=0, max_value=999_999),
        st.integers(min_value=1, max_value=2000),
        st.integers(min_value=1, max_value=255),
        st.one_of(st.sampled_from(PDF_TOKENS), st.binary(max_size=16)),
    ),
    min_size=1, max_size=4,
)


def mutated_pdf(base: bytes, edits: list[PdfEdit]) -> bytes:
    """*base* with *edits* applied in turn (a plain function of both)."""
    data = base
    for kind, where, span, value, inserted in edits:
        at = where * len(data) // 1_000_000
        end = min(len(data), at + span)
        if kind == "flip" and data:
            data = data[:at] + bytes([data[at] ^ value]) + data[at + 1 :]
        elif kind == "truncate":
            data = data[: max(at, 8)]
        elif kind == "insert":
            data = data[:at] + inserted + data[at:]
        elif kind == "delete":
            data = data[:at] + data[end:]
        else:
            data = data[:end] + data[at:end] * (1 + value % 20) + data[end:]
    return data


@FUZZ
@given(edits=pdf_edits)
def test_mutated_pdfs_convert_to_text_or_give_a_message(base_pdf: bytes, edits: list[PdfEdit]) -> None:
    _textconv_in_time(mutated_pdf(base_pdf, edits), ".pdf", 60)  # the reader's own limit: 30 s, plus a loaded machine
    assert _no_pdf_reader_left()
