"""The text of a PDF for ``jixiao textconv``, read in a child process with limits.

``git diff`` runs textconv on every PDF it compares, so a PDF from someone
else must not hang it or exhaust memory. pdfminer has no limits of its own
(two million drawing operators on one page take minutes), so the PDF is read
by a separate Python process (``python -P -m jixiao.vcs.pdftext``, the bytes on its
standard input; it opens no file) that

* may use :data:`~jixiao.limits.PDF_READ_MEMORY_BYTES` of address space;
* refuses a PDF of more than :data:`~jixiao.limits.MAX_PDF_PAGES` pages, and a
  page whose drawing instructions (its content streams and the forms they
  draw) unpack to more than :data:`~jixiao.limits.MAX_PDF_PAGE_CONTENT_BYTES`,
  before laying the page out;
* is killed, with everything it started, after
  :data:`~jixiao.limits.PDF_READ_SECONDS` (:mod:`jixiao.children`).
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from io import BytesIO
from typing import Any

from jixiao import children, limits
from jixiao.errors import JixiaoError
from jixiao.vcs.celltext import PAGE_NUMBER, table_lines

_REFUSED = 1
_NO_MEMORY = 2
_MB = 1024 * 1024


class PdfProblem(JixiaoError):
    """The PDF cannot be read, or reading it goes over a limit (exit code 1)."""


def pdf_lines(data: bytes, name: str) -> list[str]:
    """Lines of the PDF *data* (*name* is used in messages), read in a child process.

    Raises:
        PdfProblem: damaged, over a limit, or not read in time.
    """
    command = [sys.executable, "-P", "-m", "jixiao.vcs.pdftext"]
    try:
        done = children.run(command, timeout=limits.PDF_READ_SECONDS, input=data)
    except children.ChildTimeout:
        raise PdfProblem(
            f"读取 {name} 超过 {limits.PDF_READ_SECONDS} 秒仍未完成，已停止（PDF 过大或绘图内容过多）。"
            "可以改为比较对应的 Word 文件。"
        ) from None
    except children.ChildFailed as exc:
        raise PdfProblem(f"无法启动读取 PDF 的进程（{exc}）。") from None
    if done.returncode == 0:
        return done.stdout.decode("utf-8").splitlines()
    if done.returncode == _REFUSED:
        raise PdfProblem(f"{name}：{done.stderr.decode('utf-8', 'replace').strip()}")
    raise PdfProblem(
        f"读取 {name} 时超出了 {limits.PDF_READ_MEMORY_BYTES // _MB} MB 的内存上限，已停止。可以改为比较对应的 Word 文件。"
    )


def _limit_memory() -> None:
    try:
        import resource
    except ImportError:  # pragma: no cover - Windows: the time limit still holds
        return
    cap = limits.PDF_READ_MEMORY_BYTES
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    resource.setrlimit(resource.RLIMIT_AS, (cap if hard == resource.RLIM_INFINITY else min(cap, hard), hard))


def read_lines(data: bytes) -> Iterator[str]:
    """Lines of a PDF: the text of each page outside its tables, then each table (pdfplumber).

    Raises:
        PdfProblem: damaged or over a limit.
    """
    import pdfplumber
    from pdfminer.pdfparser import PDFSyntaxError
    from pdfminer.psparser import PSException

    try:
        pdf = pdfplumber.open(BytesIO(data))
    except (PDFSyntaxError, PSException, ValueError, TypeError, KeyError, AttributeError) as exc:
        raise PdfProblem(f"不是可以读取的 PDF 文件（{type(exc).__name__}）。") from None
    with pdf:
        pages = pdf.pages
        if len(pages) > limits.MAX_PDF_PAGES:
            raise PdfProblem(f"有 {len(pages)} 页，超过 {limits.MAX_PDF_PAGES} 页的上限，没有读取。")
        for number, page in enumerate(pages, 1):
            size = _content_bytes(page.page_obj)
            if size > limits.MAX_PDF_PAGE_CONTENT_BYTES:
                raise PdfProblem(
                    f"第 {number} 页的绘图内容有 {size // _MB} MB，超过 {limits.MAX_PDF_PAGE_CONTENT_BYTES // _MB} MB "
                    "的上限（不像是 jixiao 生成的文件），没有读取。"
                )
            yield from _page_lines(page)


def _content_bytes(page: Any) -> int:
    """Bytes of the page's drawing instructions: its content streams and the forms it can draw, once each."""
    from pdfminer.pdftypes import PDFStream, resolve1

    total = 0
    seen: set[int] = set()
    todo: list[Any] = [*(page.contents or []), *_forms(page.resources)]
    while todo and total <= limits.MAX_PDF_PAGE_CONTENT_BYTES:
        stream = resolve1(todo.pop())
        if not isinstance(stream, PDFStream) or id(stream) in seen:
            continue
        seen.add(id(stream))
        total += len(stream.get_data())
        todo += _forms(stream.get("Resources"))
    return total


def _forms(resources: Any) -> list[Any]:
    from pdfminer.pdftypes import resolve1

    resources = resolve1(resources)
    xobjects = resolve1(resources.get("XObject")) if isinstance(resources, dict) else None
    return list(xobjects.values()) if isinstance(xobjects, dict) else []


def _page_lines(page: Any) -> Iterator[str]:
    tables = page.find_tables()
    boxes = [t.bbox for t in tables]

    def outside(obj: dict[str, float]) -> bool:
        x, y = (obj["x0"] + obj["x1"]) / 2, (obj["top"] + obj["bottom"]) / 2
        return not any(x0 <= x <= x1 and top <= y <= bottom for x0, top, x1, bottom in boxes)

    # Text above the first table, the tables in order, then what is below them.
    items: list[tuple[float, list[str]]] = []
    for line in page.filter(outside).extract_text_lines():
        content = line["text"].strip()
        if content and not PAGE_NUMBER.match(content):
            items.append((line["top"], [content]))
    for table in tables:
        items.append((table.bbox[1], table_lines(table.extract())))
    for _, lines in sorted(items, key=lambda item: item[0]):
        yield from lines


def _child() -> int:
    """The child process: the PDF on standard input, its lines on standard output."""
    _limit_memory()
    data = sys.stdin.buffer.read(limits.MAX_DOCUMENT_FILE_BYTES + 1)
    try:
        text = "".join(line.replace("\n", " ") + "\n" for line in read_lines(data))
    except PdfProblem as exc:
        sys.stderr.write(str(exc))
        return _REFUSED
    except MemoryError:
        return _NO_MEMORY
    except RecursionError:
        sys.stderr.write("结构嵌套过深，无法读取。")
        return _REFUSED
    except Exception as exc:  # noqa: BLE001 - pdfminer raises many kinds of error on a damaged file
        sys.stderr.write(f"不是可以读取的 PDF 文件（{type(exc).__name__}）。")
        return _REFUSED
    sys.stdout.buffer.write(text.encode("utf-8", "replace"))
    return 0


if __name__ == "__main__":
    sys.exit(_child())
