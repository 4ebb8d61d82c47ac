"""Workbook speed: what writing the .xlsx adds to ``render --format all``, and import times.

Prints (medians of fresh processes, cache off so that both renders lay out the PDF):

* ``render --format docx --format pdf`` vs ``render --format all`` of the Tangshan example
  (54 tables), and the workbook alone in-process — target: the workbook adds ≤ 10 %;
* ``jixiao import`` of the Tangshan workbook in each built-in layout — target ≤ 2 s;
* ``jixiao import`` of a generated flat export of 300 projects and 3 000 indicator rows.

Import times are given as wall-clock seconds and as the CPU seconds of the process (user + system),
which a machine shared with other work inflates much less. ``--import`` measures only the imports.

    .venv/bin/python benchmarks/workbook_bench.py [--import]
"""

from __future__ import annotations

import datetime as dt
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from jixiao.model.document import Document

ROOT = Path(__file__).resolve().parents[1]
JIXIAO = [sys.executable, "-m", "jixiao"]
SPEC = ROOT / "specs" / "tangshan-2025"
RUNS = 3


def _timed(args: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run(args, check=True, capture_output=True, env=env)
    return time.perf_counter() - start


def _cpu_now() -> float:
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    return used.ru_utime + used.ru_stime


def _import_times(args: list[str], env: dict[str, str], target: Path) -> tuple[float, float]:
    """Median wall-clock and CPU seconds of a fresh ``jixiao import`` into *target*."""
    walls, cpus = [], []
    for _ in range(RUNS):
        shutil.rmtree(target, ignore_errors=True)
        before = _cpu_now()
        walls.append(_timed(args, env))
        cpus.append(_cpu_now() - before)
    return statistics.median(walls), statistics.median(cpus)


def _median(args: list[str], env: dict[str, str], before: object = None) -> float:
    times = []
    for _ in range(RUNS):
        if callable(before):
            before()
        times.append(_timed(args, env))
    return statistics.median(times)


def main() -> int:
    env = {**os.environ, "JIXIAO_CACHE": "0"}
    only_import = "--import" in sys.argv[1:]
    with tempfile.TemporaryDirectory(prefix="jixiao-wb-bench-") as tmp:
        folder = Path(tmp)
        from jixiao import expand_department, load_department
        from jixiao.render.xlsx import render_workbook
        from jixiao.spec.workbook import find_workbook_layout

        doc = expand_department(load_department(SPEC))
        if not only_import:
            _render_times(folder, env, doc)
        for layout in ("分表", "清单", "合并清单"):
            xlsx = folder / f"{layout}.xlsx"
            xlsx.write_bytes(render_workbook(doc, doc.tables(), dt.datetime(2025, 1, 1), find_workbook_layout(layout, SPEC).spec))
            target = folder / f"imp-{layout}"
            wall, cpu = _import_times([*JIXIAO, "import", str(xlsx), "-o", str(target)], env, target)
            print(f"import 唐山示例（{layout}，54 个项目）：{wall:.2f} s，CPU {cpu:.2f} s（目标 ≤ 2 s）")
        big = folder / "300.xlsx"
        _flat_export(big)
        wall, cpu = _import_times([*JIXIAO, "import", str(big), "-o", str(folder / "imp-300"), "--年度", "2025"], env,
                                  folder / "imp-300")
        subprocess.run([*JIXIAO, "validate", str(folder / "imp-300")], check=True, capture_output=True, env=env)
        print(f"import 300 个项目、3000 行指标的清单：{wall:.2f} s，CPU {cpu:.2f} s，规格有效")
        print(f"（机器负载：{os.getloadavg()[0]:.1f}，{os.cpu_count()} 核）")
    return 0


def _render_times(folder: Path, env: dict[str, str], doc: Document) -> None:
    from jixiao.render.xlsx import render_workbook

    out = folder / "out"
    clean = lambda: shutil.rmtree(out, ignore_errors=True)  # noqa: E731
    base = _median([*JIXIAO, "render", str(SPEC), "-o", str(out), "--force", "--format", "docx", "--format", "pdf"], env, clean)
    full = _median([*JIXIAO, "render", str(SPEC), "-o", str(out), "--force", "--format", "all"], env, clean)
    start = time.perf_counter()
    for _ in range(RUNS):
        render_workbook(doc, doc.tables(), dt.datetime(2025, 1, 1))
    alone = (time.perf_counter() - start) / RUNS
    print(f"render docx+pdf: {base:.2f} s；all（含 xlsx）: {full:.2f} s；多 {100 * (full - base) / base:+.1f} %"
          f"（工作簿单独写出 {alone:.2f} s，占 {100 * alone / base:.1f} %；目标 ≤ 10 %）")


def _flat_export(path: Path) -> None:
    """A Sichuan-style flat export: 300 projects × 10 rows, fill-down, amounts in 元."""
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["单位名称", "项目名称", "预算数（元）", "年度目标", "一级指标", "二级指标", "三级指标", "指标性质", "指标值",
               "度量单位", "权重"])
    rows = [
        ("产出指标", "数量指标", "完成工作量", "≥", 12, "项"), ("产出指标", "数量指标", "服务人次", "≥", 500, "人次"),
        ("产出指标", "质量指标", "验收合格率", "＝", 100, "%"), ("产出指标", "质量指标", "差错率", "≤", 1, "%"),
        ("产出指标", "时效指标", "完成时限", "定性", "2025年12月31日", None), ("产出指标", "成本指标", "项目总成本", "≤", 0, "元"),
        ("效益指标", "社会效益指标", "服务覆盖率", "≥", 95, "%"), ("效益指标", "经济效益指标", "节约资金", "≥", 1, "万元"),
        ("效益指标", "可持续影响指标", "长效机制", "定性", "逐步健全", None), ("满意度指标", "服务对象满意度指标", "满意度", "≥", 90, "%"),
    ]
    for n in range(300):
        budget = 10000 * (n % 37 + 1)
        for k, (l1, l2, l3, sign, value, unit) in enumerate(rows):
            value = budget if l3 == "项目总成本" else value
            head = [f"某局第{n % 12 + 1}分局", f"第{n + 1}号项目", budget, f"完成第{n + 1}号项目的年度任务"] if k == 0 else [None] * 4
            ws.append([*head, l1, l2, f"{l3}{n % 5 if k == 2 else ''}", sign, value, unit, 10])
    wb.save(path)


if __name__ == "__main__":
    sys.exit(main())
