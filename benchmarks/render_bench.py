"""Render benchmark: the Tangshan example, combined document + 54 project tables, Word + PDF.

Run: ``.venv/bin/python benchmarks/render_bench.py [SPEC] [--repeat N]``.

Runs the whole render N times (default 3), each in a fresh Python process as
``jixiao render`` would run, and prints, for each stage, the median wall time
and the peak memory (resident set, reset before each stage through
/proc/self/clear_refs). Where LibreOffice is installed, it
then times ``soffice --headless --convert-to pdf`` on the combined .docx (also
N times after one warm-up start, median) and prints the ratio of jixiao's whole
render to that conversion (target: at most 4.0).

The PDF files are written as ``jixiao render`` writes them: the combined file
and the project files at once, in two processes. The two single-process write
stages are shown for comparison and not counted in the total.
Nothing is written into the repository; the conversion runs in a temporary folder.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import resource
import shutil
import statistics
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
#: Stage name → (seconds, peak MB) of each run.
Runs = dict[str, list[tuple[float, float]]]
#: Stages shown for comparison only: the render does them in parallel.
SERIAL_ONLY = ("PDF 写出（总文档，单进程）", "PDF 写出（单表，单进程）")


def _reset_peak() -> None:
    with contextlib.suppress(OSError):  # not Linux: the figure is then the peak so far
        Path("/proc/self/clear_refs").write_text("5")


def _peak_mb() -> float:
    with contextlib.suppress(OSError):
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def once(spec: Path, runs: Runs) -> tuple[bytes, int, int, int, int]:
    """One full render; returns the combined docx and the output sizes."""

    def stage(name: str, fn: Callable[[], T]) -> T:
        _reset_peak()
        start = time.perf_counter()
        result = fn()
        runs.setdefault(name, []).append((time.perf_counter() - start, _peak_mb()))
        return result

    loaded = stage("读取规格（load）", lambda: load_department(spec))
    doc = stage("展开（expand）", lambda: expand_department(loaded))
    when = issued_at(doc)
    tables = doc.tables()
    numbers = [t.number for t in tables]

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
    # First, as the render does it (fonts built from scratch); then each half alone, for comparison.
    combined_pdf, per_pdf = stage(
        "PDF 写出（总文档与单表并行，render 的做法）", lambda: layout.write_set(numbers, combined=True)
    )
    stage(SERIAL_ONLY[0], layout.write)
    stage(SERIAL_ONLY[1], lambda: [layout.write_table(n) for n in numbers])
    assert combined_pdf is not None
    per_docx_avg = sum(map(len, per_docx)) // len(per_docx)
    per_pdf_avg = sum(map(len, per_pdf.values())) // len(per_pdf)
    return combined_docx, len(combined_docx), len(combined_pdf), per_docx_avg, per_pdf_avg


def office_seconds(docx: bytes, repeat: int) -> float | None:
    """Median time of LibreOffice converting *docx* to PDF (after one warm-up start)."""
    office = shutil.which("soffice") or shutil.which("libreoffice")
    if office is None:
        return None
    times = []
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "combined.docx"
        src.write_bytes(docx)
        profile = Path(tmp) / "profile"
        cmd = [office, f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", "pdf",
               "--outdir", tmp, str(src)]
        subprocess.run(cmd, capture_output=True, check=True)  # first start creates the profile
        for _ in range(repeat):
            start = time.perf_counter()
            subprocess.run(cmd, capture_output=True, check=True)
            times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description="jixiao render 基准测试")
    parser.add_argument("spec", nargs="?", type=Path, default=ROOT / "specs" / "tangshan-2025")
    parser.add_argument("--repeat", type=int, default=3, help="重复次数，取中位数（默认 3）")
    parser.add_argument("--one", type=Path, help=argparse.SUPPRESS)  # internal: one run, figures to this file
    args = parser.parse_args()
    if args.one is not None:
        runs: Runs = {}
        docx, *sizes = once(args.spec, runs)
        child_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        args.one.with_suffix(".docx").write_bytes(docx)
        args.one.write_text(json.dumps({"runs": runs, "sizes": sizes, "child_mb": child_mb}), encoding="utf-8")
        return

    runs = {}
    child_mb = 0.0
    with tempfile.TemporaryDirectory() as tmp:
        figures = Path(tmp) / "run.json"
        for _ in range(max(1, args.repeat)):
            subprocess.run([sys.executable, __file__, str(args.spec), "--one", str(figures)], check=True)
            data = json.loads(figures.read_text(encoding="utf-8"))
            for name, samples in data["runs"].items():
                runs.setdefault(name, []).extend(tuple(s) for s in samples)
            child_mb = max(child_mb, data["child_mb"])
        docx = figures.with_suffix(".docx").read_bytes()
    docx_kb, pdf_kb, per_docx, per_pdf = data["sizes"]

    total = 0.0
    print(f"{'阶段（' + str(args.repeat) + ' 次的中位数）':<40}{'耗时/秒':>8}{'峰值内存/MB':>14}")
    for name, samples in runs.items():
        seconds = statistics.median(s for s, _ in samples)
        mb = max(m for _, m in samples)
        shown = f"（对照）{name}" if name in SERIAL_ONLY else name
        print(f"{shown:<40}{seconds:>8.2f}{mb:>14.0f}")
        if name not in SERIAL_ONLY:
            total += seconds
    print(f"{'合计（不含对照）':<40}{total:>8.2f}")
    if child_mb:
        print(f"并行写出的子进程峰值内存：{child_mb:.0f} MB（与主进程共享未改动的内存页）")
    print(
        f"输出大小：总文档 docx {docx_kb / 1024:.0f} KB、pdf {pdf_kb / 1024:.0f} KB；"
        f"单表 docx 平均 {per_docx / 1024:.0f} KB、pdf 平均 {per_pdf / 1024:.0f} KB"
    )
    office = office_seconds(docx, max(1, args.repeat))
    if office is None:
        print("未安装 LibreOffice：跳过与 soffice --convert-to pdf 的比较。")
        return
    print(f"LibreOffice 转换总文档 docx → pdf：{office:.2f} 秒（{args.repeat} 次的中位数）")
    print(f"比值（jixiao 全部输出 ÷ LibreOffice 转换）：{total / office:.2f}（目标 ≤ 4.0）")


if __name__ == "__main__":
    main()
