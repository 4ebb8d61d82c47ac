"""Render benchmark: the Tangshan example, combined document + 54 project tables, Word + PDF.

Run: ``.venv/bin/python benchmarks/render_bench.py [SPEC]``. Prints wall time and
peak memory (resident set, reset before each stage through /proc/self/clear_refs)
for each stage, then, where LibreOffice is installed, how long
``soffice --headless --convert-to pdf`` takes on the combined .docx and the ratio
of jixiao's whole render to that conversion (target: at most 4.0).
Nothing is written into the repository; outputs go to a temporary folder.
"""

from __future__ import annotations

import contextlib
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from jixiao.expand import expand_department  # noqa: E402
from jixiao.render import pdf  # noqa: E402
from jixiao.render.build import issued_at  # noqa: E402
from jixiao.render.docx import (  # noqa: E402
    WordTemplate,
    base_context,
    document_context,
    table_context,
    table_markup,
)
from jixiao.render.templates import html_dirs, word_template  # noqa: E402
from jixiao.spec.load import load_department  # noqa: E402

T = TypeVar("T")
rows: list[tuple[str, float, float]] = []


def _reset_peak() -> None:
    with contextlib.suppress(OSError):  # not Linux: the figure is then the peak so far
        Path("/proc/self/clear_refs").write_text("5")


def _peak_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def stage(name: str, fn: Callable[[], T]) -> T:
    _reset_peak()
    start = time.perf_counter()
    result = fn()
    rows.append((name, time.perf_counter() - start, _peak_mb()))
    return result


def main() -> None:
    spec = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "specs" / "tangshan-2025"
    loaded = stage("读取规格（load）", lambda: load_department(spec))
    doc = stage("展开（expand）", lambda: expand_department(loaded))
    when = issued_at(doc)
    tables = doc.tables()

    def word() -> tuple[bytes, list[bytes]]:
        marks = {t.number: table_markup(doc, t) for t in tables}
        combined = WordTemplate(word_template("document", doc, spec, None)).render(
            document_context(doc, marks), title=doc.title, author=doc.department, when=when
        )
        one = WordTemplate(word_template("table", doc, spec, None))
        base = base_context(doc)
        per = [
            one.render({**base, "表": table_context(t, marks[t.number])}, title=t.heading, author=doc.department, when=when)
            for t in tables
        ]
        return combined, per

    combined_docx, per_docx = stage(f"Word（总文档 + {len(tables)} 张单表）", word)
    dirs = html_dirs(spec)
    html = stage("HTML", lambda: pdf.render_html(doc, dirs))
    layout = stage("PDF 排版（layout）", lambda: pdf.layout_pdf(html, dirs, issued=when, title=doc.title))
    combined_pdf = stage("PDF 写出（总文档，单进程）", layout.write)
    per_pdf = stage(f"PDF 写出（{len(tables)} 张单表，单进程）", lambda: [layout.write_table(t.number) for t in tables])
    serial = rows[-2][1] + rows[-1][1]
    stage("PDF 写出（两者并行，jixiao render 的做法）", lambda: layout.write_set([t.number for t in tables], combined=True))

    import resource

    child_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    # The render writes both PDFs at once: count the parallel stage, not the two serial ones.
    total = sum(seconds for _, seconds, _ in rows) - serial
    print(f"{'阶段':<40}{'耗时/秒':>8}{'峰值内存/MB':>14}")
    for name, seconds, mb in rows:
        print(f"{name:<40}{seconds:>8.2f}{mb:>14.0f}")
    print(f"{'合计（不含两个单进程写出阶段）':<40}{total:>8.2f}")
    if child_mb:
        print(f"并行写出的子进程峰值内存：{child_mb:.0f} MB（与主进程共享未改动的内存页）")
    print(
        f"输出大小：总文档 docx {len(combined_docx) / 1024:.0f} KB、pdf {len(combined_pdf) / 1024:.0f} KB；"
        f"单表 docx 平均 {sum(map(len, per_docx)) / len(per_docx) / 1024:.0f} KB、"
        f"pdf 平均 {sum(map(len, per_pdf)) / len(per_pdf) / 1024:.0f} KB"
    )
    office = shutil.which("soffice") or shutil.which("libreoffice")
    if office is None:
        print("未安装 LibreOffice：跳过与 soffice --convert-to pdf 的比较。")
        return
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "combined.docx"
        src.write_bytes(combined_docx)
        profile = Path(tmp) / "profile"
        cmd = [office, f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", "pdf",
               "--outdir", tmp, str(src)]
        subprocess.run(cmd, capture_output=True, check=True)  # first start creates the profile
        start = time.perf_counter()
        subprocess.run(cmd, capture_output=True, check=True)
        office_s = time.perf_counter() - start
    print(f"LibreOffice 转换总文档 docx → pdf：{office_s:.2f} 秒")
    print(f"比值（jixiao 全部输出 ÷ LibreOffice 转换）：{total / office_s:.2f}（目标 ≤ 4.0）")


if __name__ == "__main__":
    main()
