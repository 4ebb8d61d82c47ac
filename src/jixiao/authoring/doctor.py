"""``jixiao doctor``: is this machine ready to render? (Python, Pango, fonts, LibreOffice)."""

from __future__ import annotations

import ctypes.util
import shutil
import subprocess
import sys
from dataclasses import dataclass


@dataclass(frozen=True)
class Finding:
    """One check: what, whether it is fine, details and how to fix it."""

    name: str
    ok: bool
    detail: str
    fix: str
    required: bool = True


def _cjk_fonts() -> list[str]:
    if shutil.which("fc-list") is None:
        return []
    result = subprocess.run(
        ["fc-list", ":lang=zh", "family"], capture_output=True, text=True, check=False, timeout=30
    )
    return sorted({line.split(",")[0].strip() for line in result.stdout.splitlines() if line.strip()})


def _weasyprint_fonts() -> tuple[tuple[bool, str], tuple[bool, str]]:
    """WeasyPrint's font subsetter (HarfBuzz or a ~10x slower fallback), and jixiao's compact CJK fonts."""
    try:
        from jixiao.render.pdf import fonts
    except (ImportError, OSError) as exc:  # Pango missing: reported by its own line
        failed = (False, f"WeasyPrint 无法加载：{exc}")
        return failed, failed
    found = fonts.status()
    ok, detail = fonts.subsetter()
    return (ok, detail if not ok else ctypes.util.find_library("harfbuzz-subset") or detail), (found.active, found.detail)


def run_checks() -> list[Finding]:
    """Every environment check, in the order they are shown."""
    py_ok = sys.version_info >= (3, 11)
    fonts = _cjk_fonts()
    office = shutil.which("soffice") or shutil.which("libreoffice")
    (subset_ok, subset_detail), (compact_ok, compact_detail) = _weasyprint_fonts()
    return [
        Finding("Python ≥ 3.11", py_ok, sys.version.split()[0], "安装 Python 3.11 或更新版本"),
        Finding(
            "Pango（WeasyPrint 排版 PDF）",
            ctypes.util.find_library("pango-1.0") is not None,
            ctypes.util.find_library("pango-1.0") or "未找到",
            "sudo apt-get install libpango-1.0-0 libpangoft2-1.0-0",
        ),
        Finding(
            "HarfBuzz 子集化（PDF 字体嵌入提速约 10 倍）",
            subset_ok,
            subset_detail,
            "sudo apt-get install libharfbuzz-subset0",
            required=False,
        ),
        Finding(
            "紧凑的中文字体嵌入（单表 PDF 约 40 KB 而非约 330 KB）",
            compact_ok,
            compact_detail,
            "安装 jixiao 已测试的 WeasyPrint 版本：pip install 'weasyprint>=69,<71'",
            required=False,
        ),
        Finding(
            "中文字体（CJK）",
            bool(fonts),
            "、".join(fonts[:4]) + ("…" if len(fonts) > 4 else "") if fonts else "未找到",
            "sudo apt-get install fonts-noto-cjk",
        ),
        Finding(
            "LibreOffice（测试中打开生成的 Word 文件）",
            office is not None,
            office or "未找到",
            "sudo apt-get install libreoffice-writer-nogui",
            required=False,
        ),
    ]
