"""The file to import: a .docx as it is; .doc, .wps, .rtf and .odt converted by LibreOffice.

The kind of file is told by its content, not its name: a zip package is a
.docx (or an .odt, or an Excel workbook, which is refused), an OLE compound
file is a .doc/.wps — or a password-protected .docx, which is refused with
how to remove the password. Conversion runs LibreOffice headless with a
private profile in a temporary folder, so it neither needs nor disturbs a
running LibreOffice.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
import zipfile
from io import BytesIO
from pathlib import Path

from jixiao.errors import UsageError
from jixiao.importer.found import ImportProblem, Note

#: Largest file accepted (bytes).
MAX_BYTES = 100 * 1024 * 1024
CONVERT_SECONDS = 180
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ENCRYPTED = "EncryptedPackage".encode("utf-16-le")
INSTALL = "sudo apt-get install libreoffice-writer-nogui（Debian/Ubuntu），或从 https://www.libreoffice.org 安装"


def load_source(path: Path) -> tuple[bytes, list[Note]]:
    """The .docx bytes of *path* (converted if needed) and notes about the conversion.

    Raises:
        UsageError: *path* does not exist or is a folder.
        ImportProblem: not a Word file, password-protected, too big, or the conversion failed.
    """
    if not path.exists():
        raise UsageError(f"文件 {path} 不存在。")
    if path.is_dir():
        raise UsageError(f"{path} 是一个文件夹；请给出要导入的 Word 文件（.docx、.doc、.wps）。")
    size = path.stat().st_size
    if size == 0:
        raise ImportProblem(f"{path} 是空文件，不是 Word 文件。")
    if size > MAX_BYTES:
        raise ImportProblem(f"{path} 有 {size // (1024 * 1024)} MB，超过 {MAX_BYTES // (1024 * 1024)} MB 的上限，不像是一份绩效目标文档。")
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ImportProblem(f"无法读取 {path}：{exc.strerror or exc}。") from exc
    if data.startswith(b"PK"):
        return _zip(path, data)
    if data.startswith(_OLE):
        if _ENCRYPTED in data:
            raise ImportProblem(
                f"{path} 有密码保护，无法读取。请在 Word 中打开它，去掉密码（文件 → 信息 → 保护文档 → 用密码进行加密，"
                "清空密码）后另存为 .docx，再导入。"
            )
        return convert(path, "doc"), [Note("文件", f"{path.name} 是旧版 Word/WPS 文件", "已用 LibreOffice 转换为 .docx 后读取")]
    if data.lstrip()[:5] == b"{\\rtf":
        return convert(path, "rtf"), [Note("文件", f"{path.name} 是 RTF 文件", "已用 LibreOffice 转换为 .docx 后读取")]
    raise ImportProblem(
        f"{path} 不是 Word 文件（.docx、.doc 或 .wps）。请在 Word 或 WPS 中打开它并另存为 .docx 后再导入。"
    )


def _zip(path: Path, data: bytes) -> tuple[bytes, list[Note]]:
    try:
        with zipfile.ZipFile(BytesIO(data)) as zf:
            names = set(zf.namelist())
            mimetype = zf.read("mimetype").decode("ascii", "replace") if "mimetype" in names else ""
    except (zipfile.BadZipFile, EOFError, ValueError, OSError) as exc:
        raise ImportProblem(f"{path} 已损坏，无法作为 .docx 读取（{exc}）。请在 Word 中打开并另存为 .docx 后重试。") from exc
    if "word/document.xml" in names:
        return data, []
    if "xl/workbook.xml" in names:
        raise ImportProblem(
            f"{path} 是 Excel 表格。jixiao import 读取 Word 文件：请导入同一份文档的 Word 版本（.docx、.doc、.wps）。"
        )
    if mimetype.startswith("application/vnd.oasis.opendocument.text"):
        return convert(path, "odt"), [Note("文件", f"{path.name} 是 OpenDocument 文字文件", "已用 LibreOffice 转换为 .docx 后读取")]
    raise ImportProblem(f"{path} 不是 Word 文件（压缩包中没有 word/document.xml）。请在 Word 或 WPS 中另存为 .docx 后重试。")


def soffice() -> str | None:
    """The LibreOffice program, if installed."""
    return shutil.which("soffice") or shutil.which("libreoffice")


def convert(path: Path, kind: str) -> bytes:
    """*path* converted to .docx by LibreOffice (headless, in a temporary folder)."""
    program = soffice()
    if program is None:
        raise ImportProblem(
            f"{path.name} 是旧版 Word/WPS 文件（.{kind}），需要 LibreOffice 转换后才能读取：{INSTALL}。"
            "也可以在 Word 或 WPS 中把它另存为 .docx 后再导入。"
        )
    with tempfile.TemporaryDirectory(prefix="jixiao-import-") as tmp:
        folder = Path(tmp)
        source = folder / f"input.{kind}"
        shutil.copyfile(path, source)
        out = folder / "out"
        command = [
            program, f"-env:UserInstallation={(folder / 'profile').as_uri()}", "--headless", "--norestore",
            "--convert-to", "docx:MS Word 2007 XML", "--outdir", str(out), str(source),
        ]
        try:
            subprocess.run(command, capture_output=True, timeout=CONVERT_SECONDS, check=False)
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise ImportProblem(f"LibreOffice 转换 {path.name} 失败：{exc}。请在 Word 或 WPS 中另存为 .docx 后再导入。") from exc
        result = out / "input.docx"
        if not result.is_file():
            raise ImportProblem(
                f"LibreOffice 无法转换 {path.name}（文件可能有密码保护或已损坏）。请在 Word 或 WPS 中打开它，"
                "另存为 .docx 后再导入。"
            )
        return result.read_bytes()
