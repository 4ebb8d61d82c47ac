"""Where rendered files go and what they are called; writing them all at once.

Layout of an output folder::

    2025年唐山市医疗保障局部门绩效目标.docx / .pdf / .html   the combined document
    projects/01-办公楼维修（护）费.docx / .pdf               one pair per project table

Project files are named by the table's number in the document (names repeat
within a department: 印刷费 eight times in one seed), so renumbering renames.
Files are only written after everything has rendered, each through a temporary
file and a rename, so a failure never leaves a half-written or a half-updated set.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from jixiao.docmodel import Document, ProjectTable
from jixiao.fileio import write_atomic

PROJECTS_DIR = "projects"
FORMATS = ("docx", "pdf", "html")

# Characters no file system accepts (Windows is the strictest), and control characters.
_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f\x7f]')
_MAX_NAME = 80  # characters; leaves room for the folder path on Windows
_PROJECT_FILE = re.compile(r"^\d{2,}-.+\.(docx|pdf)$")


def safe_name(text: str) -> str:
    """*text* as a file name valid on Windows, macOS and Linux."""
    name = unicodedata.normalize("NFC", text)
    name = _UNSAFE.sub("_", name)
    name = re.sub(r"\s+", " ", name).strip().rstrip(". ")
    if len(name) > _MAX_NAME:
        name = name[:_MAX_NAME].rstrip(". ")
    return name or "未命名"


def combined_stem(doc: Document) -> str:
    """File name (without extension) of the combined document."""
    return safe_name(doc.title)


def table_stem(table: ProjectTable, width: int) -> str:
    """``NN-项目名称``: the table's number in the document, zero-padded to *width*."""
    return f"{table.number:0{width}d}-{safe_name(table.name)}"


def number_width(doc: Document) -> int:
    """Digits of the project numbers: 2, or more for 100+ tables."""
    return max(2, len(str(len(doc.tables()))))


@dataclass
class OutputSet:
    """Rendered files waiting to be written: path → bytes."""

    root: Path
    files: dict[Path, bytes] = field(default_factory=dict)

    def add(self, relative: str, data: bytes) -> None:
        """Queue *data* for ``root/relative``."""
        self.files[self.root / relative] = data

    def stale(self, keep_all_projects: bool) -> list[Path]:
        """Project files in the output folder that no table produces any more."""
        folder = self.root / PROJECTS_DIR
        if keep_all_projects or not folder.is_dir():
            return []
        expected = {p.name for p in self.files if p.parent == folder}
        stems = {Path(n).stem for n in expected}
        return sorted(
            p
            for p in folder.iterdir()
            if p.is_file() and _PROJECT_FILE.match(p.name) and p.stem not in stems
        )

    def write(self, removed: Iterable[Path] = ()) -> list[Path]:
        """Write every queued file atomically, then delete *removed*; the written paths."""
        written = []
        for path, data in self.files.items():
            write_atomic(path, data)
            written.append(path)
        for path in removed:
            path.unlink(missing_ok=True)
        return written
