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
    return sorted({line.split(",")[0].strip() for line in _family_lines() if line.strip()})


def _family_lines() -> list[str]:
    """``fc-list :lang=zh family``: one line per font, its family names separated by commas."""
    if shutil.which("fc-list") is None:
        return []
    result = subprocess.run(
        ["fc-list", ":lang=zh", "family"], capture_output=True, text=True, check=False, timeout=30
    )
    return result.stdout.splitlines()


def _all_families(first: list[str]) -> list[str]:
    """Every family name (Chinese ones too) of the Chinese fonts; *first* when fc-list is missing."""
    names = {name.strip() for line in _family_lines() for name in line.split(",") if name.strip()}
    return sorted(names) or first


#: Role → the fonts the style sheet asks for in turn (official, then free; README「字体」).
ROLE_FONTS = {
    "仿宋": ("仿宋_GB2312", "仿宋", "FangSong", "FandolFang"),
    "楷体": ("楷体_GB2312", "楷体", "KaiTi", "AR PL KaitiM GB", "LXGW WenKai", "FandolKai"),
}


def _role_fonts(installed: list[str]) -> dict[str, str | None]:
    """Role → the first of its fonts installed here (None: the PDF falls back to Noto Serif CJK SC)."""
    have = set(installed)
    return {role: next((f for f in names if f in have), None) for role, names in ROLE_FONTS.items()}


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
    roles = _role_fonts(_all_families(fonts))
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
            "仿宋、楷体（PDF 正文、表格和小标题）",
            all(roles.values()),
            "；".join(f"{role}：{font or '未找到，用 Noto Serif CJK SC 代替'}" for role, font in roles.items()),
            "运行 ./run setup，或 sudo apt-get install fonts-arphic-gkai00mp（楷体）；仿宋见 README「字体」",
            required=False,
        ),
        Finding(
            "LibreOffice（测试中打开生成的 Word 文件）",
            office is not None,
            office or "未找到",
            "sudo apt-get install libreoffice-writer-nogui",
            required=False,
        ),
    ]
