"""The file to import: a .docx as it is; .doc, .wps, .rtf and .odt converted by LibreOffice.

The kind of file is told by its content, not its name: a zip package is a
.docx (or an .odt, or an Excel workbook, which is refused), an OLE compound
file is a .doc/.wps — or a password-protected .docx, which is refused with
how to remove the password. Conversion runs LibreOffice headless with a
private profile in a temporary folder, so it neither needs nor disturbs a
running LibreOffice; it is stopped after :data:`~jixiao.limits.LIBREOFFICE_SECONDS`
(:mod:`jixiao.children`).
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from jixiao import children
from jixiao.docfile import DocumentTooBig, read_document
from jixiao.importer.found import ImportProblem, Note
from jixiao.limits import LIBREOFFICE_SECONDS
from jixiao.zipread import ZipReader

_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ENCRYPTED = "EncryptedPackage".encode("utf-16-le")
INSTALL = "sudo apt-get install libreoffice-writer-nogui（Debian/Ubuntu），或从 https://www.libreoffice.org 安装"


def load_source(path: Path) -> tuple[bytes, list[Note]]:
    """The .docx bytes of *path* (converted if needed) and notes about the conversion.

    Raises:
        UsageError: *path* does not exist, is a folder or not a regular file.
        ImportProblem: not a Word file, password-protected, or the conversion failed.
        DocumentTooBig, ZipProblem: too big, a zip bomb, or a damaged package.
    """
    data = read_document(path)
    if not data:
        raise ImportProblem(f"{path} 是空文件，不是 Word 文件。")
    if data.startswith(b"PK"):
        return _zip(path, data)
    if data.startswith(_OLE):
        if _ENCRYPTED in data:
            raise ImportProblem(
                f"{path} 有密码保护，无法读取。请在 Word 中打开它，去掉密码（文件 → 信息 → 保护文档 → 用密码进行加密，"
                "清空密码）后另存为 .docx，再导入。"
            )
        return convert(path, data, "doc"), [Note("文件", f"{path.name} 是旧版 Word/WPS 文件", "已用 LibreOffice 转换为 .docx 后读取")]
    if data.lstrip()[:5] == b"{\\rtf":
        return convert(path, data, "rtf"), [Note("文件", f"{path.name} 是 RTF 文件", "已用 LibreOffice 转换为 .docx 后读取")]
    raise ImportProblem(
        f"{path} 不是 Word 文件（.docx、.doc 或 .wps）。请在 Word 或 WPS 中打开它并另存为 .docx 后再导入。"
    )


def _zip(path: Path, data: bytes) -> tuple[bytes, list[Note]]:
    with ZipReader(data, str(path)) as package:
        names = package.names
        mimetype = package.read("mimetype")[:100].decode("ascii", "replace") if "mimetype" in names else ""
    if "word/document.xml" in names:
        return data, []
    if "xl/workbook.xml" in names:
        raise ImportProblem(
            f"{path} 是 Excel 表格。jixiao import 读取 Word 文件：请导入同一份文档的 Word 版本（.docx、.doc、.wps）。"
        )
    if mimetype.startswith("application/vnd.oasis.opendocument.text"):
        return convert(path, data, "odt"), [Note("文件", f"{path.name} 是 OpenDocument 文字文件", "已用 LibreOffice 转换为 .docx 后读取")]
    raise ImportProblem(f"{path} 不是 Word 文件（压缩包中没有 word/document.xml）。请在 Word 或 WPS 中另存为 .docx 后重试。")


def soffice() -> str | None:
    """The LibreOffice program, if installed."""
    return shutil.which("soffice") or shutil.which("libreoffice")


def convert(path: Path, data: bytes, kind: str) -> bytes:
    """*data* (the file *path*) converted to .docx by LibreOffice, headless, in a temporary folder.

    The temporary folder (holding a copy of the document) is removed on every
    way out, also on Ctrl-C and SIGTERM; LibreOffice and everything it started
    are killed after :data:`~jixiao.limits.LIBREOFFICE_SECONDS`.
    """
    program = soffice()
    if program is None:
        raise ImportProblem(
            f"{path.name} 是旧版 Word/WPS 文件（.{kind}），需要 LibreOffice 转换后才能读取：{INSTALL}。"
            "也可以在 Word 或 WPS 中把它另存为 .docx 后再导入。"
        )
    again = "请在 Word 或 WPS 中打开它，另存为 .docx 后再导入。"
    with tempfile.TemporaryDirectory(prefix="jixiao-import-") as tmp:
        folder = Path(tmp)
        source = folder / f"input.{kind}"
        source.write_bytes(data)
        out = folder / "out"
        command = [
            program, f"-env:UserInstallation={(folder / 'profile').as_uri()}", "--headless", "--norestore",
            "--convert-to", "docx:MS Word 2007 XML", "--outdir", str(out), str(source),
        ]
        try:
            children.run(command, timeout=LIBREOFFICE_SECONDS)
        except children.ChildTimeout:
            raise ImportProblem(
                f"LibreOffice 转换 {path.name} 超过 {LIBREOFFICE_SECONDS} 秒仍未完成，已停止转换。{again}"
            ) from None
        except children.ChildFailed as exc:
            raise ImportProblem(f"无法启动 LibreOffice（{exc}）来转换 {path.name}。{again}") from None
        result = out / "input.docx"
        if not result.is_file():
            raise ImportProblem(f"LibreOffice 无法转换 {path.name}（文件可能有密码保护或已损坏）。{again}")
        try:
            return read_document(result)
        except DocumentTooBig:
            raise ImportProblem(f"{path.name} 转换为 .docx 后过大，没有读取。") from None
