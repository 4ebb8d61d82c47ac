"""Render benchmark: the Tangshan example (combined document + 54 project tables, Word + PDF).

Run: ``.venv/bin/python benchmarks/render_bench.py [SPEC] [--repeat N]``.

Every time is the median of N (default 5) fresh ``jixiao render`` processes,
as a user runs it, and is printed beside LibreOffice converting the combined
.docx to PDF in the same run (``soffice --headless --convert-to pdf``, after
one warm-up start): the ratio is jixiao's time over LibreOffice's.

* 冷启动：an empty cache, with ``JIXIAO_JOBS`` = 1, 2 and all cores
  (target: at most 2.5 × LibreOffice with 2 cores);
* 未改动：after a render, rendered again with nothing changed (outputs cached
  by content; target: at most 0.3 ×); and after one project's 预算数 edited;
* 启动：``jixiao --help`` (target 0.15 s) and ``jixiao validate SPEC`` (0.35 s);
* 内存：the peak, over one more run, of the memory of all its processes added
  up (target: 300 MB): PSS (shared pages counted once, split between the
  processes sharing them) and RSS (counted in every process);
* CPU：the CPU time of all its processes in that run, and LibreOffice's in
  one more run of its own: unlike wall time it hardly changes when other
  programs load the machine, so it compares runs made at different times.

Nothing is written into the repository: the spec is copied to a temporary
folder, outputs and caches go there too. Python's bytecode cache is allowed
(``PYTHONDONTWRITEBYTECODE`` is removed), as on a user's machine.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
#: The ``jixiao`` console script, as users run it (its worker processes import the script: see
#: :mod:`jixiao.__main__`); ``python -m jixiao`` where it is not installed.
_SCRIPT = Path(sys.executable).with_name("jixiao")
JIXIAO = [sys.executable, str(_SCRIPT)] if _SCRIPT.is_file() else [sys.executable, "-m", "jixiao"]
TARGET_COLD = 2.5
TARGET_SAME = 0.3
TARGET_HELP = 0.15
TARGET_VALIDATE = 0.35
TARGET_MB = 300


@dataclass
class Run:
    seconds: float
    pss_mb: float
    rss_mb: float
    #: CPU time (user + system) of all its processes, from the sampled runs (0 where /proc does not tell).
    cpu_s: float = 0.0


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONDONTWRITEBYTECODE", "JIXIAO_JOBS", "JIXIAO_CACHE")}
    env["PYTHONPATH"] = str(ROOT / "src")
    env.update(extra)
    return env


def _tree(pid: int) -> list[int]:
    """*pid* and all its descendants."""
    out, todo = [], [pid]
    while todo:
        current = todo.pop()
        out.append(current)
        try:
            for task in os.listdir(f"/proc/{current}/task"):
                children = Path(f"/proc/{current}/task/{task}/children").read_text().split()
                todo += [int(c) for c in children]
        except OSError:
            continue
    return out


def _memory(pids: Sequence[int]) -> tuple[float, float]:
    """Summed PSS and RSS of *pids* in MB (0 where /proc does not tell)."""
    pss = rss = 0
    for pid in pids:
        try:
            text = Path(f"/proc/{pid}/smaps_rollup").read_text()
        except OSError:
            continue
        for name, value in re.findall(r"^(Pss|Rss):\s+(\d+) kB", text, re.M):
            if name == "Pss":
                pss += int(value)
            else:
                rss += int(value)
    return pss / 1024, rss / 1024


_TICK = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def _cpu(pids: Sequence[int], seen: dict[int, float]) -> None:
    """Record in *seen* the CPU seconds (user + system) each of *pids* has used so far."""
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
        except OSError:
            continue
        seen[pid] = max(seen.get(pid, 0.0), (int(fields[11]) + int(fields[12])) / _TICK)


def timed(args: Sequence[str], env: dict[str, str], cwd: Path, *, memory: bool = False) -> Run:
    """Run *args*: its wall time, and with *memory* the peak summed memory and the CPU time of its processes.

    Memory and CPU time are sampled every 20 ms from /proc (which slows the
    run down a little: timed runs do not sample; a process living less than
    20 ms is missed). CPU time does not grow when other programs load the
    machine, so it compares runs made at different times better than wall time.
    """
    start = time.perf_counter()
    process = subprocess.Popen(args, env=env, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    peak = [0.0, 0.0]
    cpu: dict[int, float] = {}

    def sample() -> None:
        while process.poll() is None:
            pids = _tree(process.pid)
            pss, rss = _memory(pids)
            _cpu(pids, cpu)
            peak[0], peak[1] = max(peak[0], pss), max(peak[1], rss)
            time.sleep(0.02)

    sampler = threading.Thread(target=sample, daemon=True)
    if memory:
        sampler.start()
    _, stderr = process.communicate()
    seconds = time.perf_counter() - start
    if memory:
        sampler.join()
    if process.returncode not in (0, 1):
        raise SystemExit(f"{' '.join(args)} failed ({process.returncode}):\n{stderr.decode(errors='replace')}")
    return Run(seconds, peak[0], peak[1], sum(cpu.values()))


def cold(spec: Path, work: Path, jobs: int, repeat: int) -> Run:
    """A render into an empty folder with an empty cache (*repeat* timed runs, one more for memory)."""
    runs = []
    for i in range(repeat + 1):
        out, cache = work / f"cold-{jobs}-{i}", work / f"cache-cold-{jobs}-{i}"
        env = _env(JIXIAO_JOBS=str(jobs), JIXIAO_CACHE_DIR=str(cache))
        runs.append(timed([*JIXIAO, "render", str(spec), "-o", str(out), "--force"], env, work, memory=i == repeat))
        shutil.rmtree(out, ignore_errors=True)
        shutil.rmtree(cache, ignore_errors=True)
    return _combine(runs[:-1], runs[-1])


def _combine(timings: Sequence[Run], memory: Run) -> Run:
    return Run(statistics.median(r.seconds for r in timings), memory.pss_mb, memory.rss_mb, memory.cpu_s)


def edited(spec: Path, work: Path, repeat: int) -> tuple[Run, Run, bytes]:
    """Render once, then (median of *repeat*) after editing one 预算数, and with nothing changed."""
    copy = work / "spec-edit"
    shutil.copytree(spec, copy)
    project = sorted((copy / "projects").glob("*.yaml"))[2]
    text = project.read_text(encoding="utf-8")
    budget = re.search(r"^预算数: *([0-9.]+)", text, re.M)
    if budget is None:
        raise SystemExit(f"{project} 中没有 预算数")
    out, cache = work / "edit-out", work / "edit-cache"
    env = _env(JIXIAO_CACHE_DIR=str(cache))
    command = [*JIXIAO, "render", str(copy), "-o", str(out), "--force"]
    timed(command, env, work)
    docx = next(out.glob("*.docx")).read_bytes()
    runs, same = [], []
    for i in range(repeat + 1):
        value = f"{float(budget.group(1)) + (i + 1) / 100:.2f}"
        project.write_text(text[:budget.start(1)] + value + text[budget.end(1):], encoding="utf-8")
        runs.append(timed(command, env, work, memory=i == repeat))
        same.append(timed(command, env, work, memory=i == repeat))
    return _combine(runs[:-1], runs[-1]), _combine(same[:-1], same[-1]), docx


def startup(spec: Path, work: Path, repeat: int) -> tuple[float, float]:
    env = _env()
    help_times = [timed([*JIXIAO, "--help"], env, work).seconds for _ in range(repeat)]
    validate = [timed([*JIXIAO, "validate", str(spec)], env, work).seconds for _ in range(repeat)]
    return statistics.median(help_times), statistics.median(validate)


def office_seconds(docx: bytes, repeat: int) -> Run | None:
    """Median time of LibreOffice converting *docx* to PDF (after one warm-up start), CPU time of one more run."""
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
        sampled = timed(cmd, os.environ.copy(), Path(tmp), memory=True)
    return Run(statistics.median(times), sampled.pss_mb, sampled.rss_mb, sampled.cpu_s)


def main() -> None:
    parser = argparse.ArgumentParser(description="jixiao render 基准测试")
    parser.add_argument("spec", nargs="?", type=Path, default=ROOT / "specs" / "tangshan-2025")
    parser.add_argument("--repeat", type=int, default=5, help="重复次数，取中位数（默认 5）")
    args = parser.parse_args()
    repeat = max(1, args.repeat)
    spec = args.spec.resolve()
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    with tempfile.TemporaryDirectory(prefix="jixiao-bench-") as tmp:
        work = Path(tmp)
        # Warm-up: bytecode caches, the page cache of fonts and libraries.
        timed([*JIXIAO, "render", str(spec), "-o", str(work / "warm"), "--force"],
              _env(JIXIAO_CACHE_DIR=str(work / "warm-cache")), work)
        figures = {jobs: cold(spec, work, jobs, repeat) for jobs in sorted({1, 2, cores})}
        edit, same, docx = edited(spec, work, repeat)
        help_s, validate_s = startup(spec, work, repeat * 2)
    office_run = office_seconds(docx, repeat)
    office = office_run.seconds if office_run else None

    def ratio(seconds: float) -> str:
        return f"{seconds / office:5.2f}" if office else "    –"

    def cpu(run: Run) -> str:
        """CPU seconds of all its processes, and their ratio to LibreOffice's."""
        if not run.cpu_s:
            return f"{'–':>8}{'':>9}"
        share = f"{run.cpu_s / office_run.cpu_s:.2f}" if office_run and office_run.cpu_s else "–"
        return f"{run.cpu_s:>8.2f}{share:>9}"

    print(f"jixiao render {spec.name} --force（总文档 + 单表，Word + PDF；{repeat} 次新进程的中位数；本机 {cores} 核）")
    if office_run:
        print(f"LibreOffice 转换总文档 docx → pdf：{office_run.seconds:.2f} s（{repeat} 次的中位数），"
              f"CPU {office_run.cpu_s:.2f} s")
    else:
        print("未安装 LibreOffice：不计算比值。")
    print(f"{'':<30}{'耗时/s':>8}{'÷LibreOffice':>14}{'目标':>8}{'全部进程峰值 PSS/MB':>22}{'RSS/MB':>9}"
          f"{'CPU/s':>8}{'÷LO CPU':>9}")
    for jobs, run in figures.items():
        target = f"≤{TARGET_COLD}" if jobs == 2 else ""
        print(f"{'冷启动（空缓存），' + str(jobs) + ' 个进程':<30}{run.seconds:>8.2f}{ratio(run.seconds):>14}"
              f"{target:>8}{run.pss_mb:>22.0f}{run.rss_mb:>9.0f}{cpu(run)}")
    print(f"{'什么都没改，再生成':<30}{same.seconds:>8.2f}{ratio(same.seconds):>14}{'≤' + str(TARGET_SAME):>8}"
          f"{same.pss_mb:>22.0f}{same.rss_mb:>9.0f}{cpu(same)}")
    print(f"{'改一个项目的预算数后再生成':<30}{edit.seconds:>8.2f}{ratio(edit.seconds):>14}{'':>8}"
          f"{edit.pss_mb:>22.0f}{edit.rss_mb:>9.0f}{cpu(edit)}")
    print(f"{'jixiao --help':<30}{help_s:>8.2f}{'':>14}{'≤' + str(TARGET_HELP):>8}")
    print(f"{'jixiao validate ' + spec.name:<30}{validate_s:>8.2f}{'':>14}{'≤' + str(TARGET_VALIDATE):>8}")
    peak = max(run.pss_mb for run in figures.values())
    print(f"内存：冷启动全部进程合计峰值 PSS {peak:.0f} MB（目标 ≤ {TARGET_MB} MB）")


if __name__ == "__main__":
    main()
