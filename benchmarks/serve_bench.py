"""Benchmark: save-to-updated-page time of ``jixiao serve`` on the Tangshan example.

    .venv/bin/python benchmarks/serve_bench.py [--edits 10] [--no-browser]

Copies specs/tangshan-2025 to a temporary folder, starts the preview server
and edits one project file again and again (each time a new 资金用途), timing:

* save → event: from writing the file to the server-sent event that carries
  the changed table arriving at a client (file watcher, load, expand, check,
  HTML, cutting into fragments, sending);
* save → page: from writing the file to the new text shown in headless
  Chromium's page (also the page's own work: replacing the table, placing the
  check notes). Needs Debian's ``chromium`` and the ``playwright`` package;
  skipped otherwise.

Target (issue: jixiao serve): under 1 s for Tangshan. Printed, never asserted
in a test: timings vary with the machine.
"""

from __future__ import annotations

import argparse
import http.client
import json
import shutil
import statistics
import tempfile
import threading
import time
from pathlib import Path
from queue import Queue
from urllib.parse import urlsplit

from jixiao import serve

ROOT = Path(__file__).resolve().parents[1]
PROJECT = "projects/03-基金监管专项经费.yaml"
USE = "用于基金监管监督检查工作"
ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]


def listen(url: str, out: Queue[tuple[float, dict[str, object]]]) -> None:
    """Put each event's arrival time and message on *out*."""
    parts = urlsplit(url)
    conn = http.client.HTTPConnection(parts.hostname or "", parts.port, timeout=600)
    conn.request("GET", "/events")
    response = conn.getresponse()
    while True:
        line = response.fp.readline()
        if not line:
            return
        if line.startswith(b"data: "):
            out.put((time.perf_counter(), json.loads(line[6:])))


def summary(label: str, times: list[float]) -> None:
    ms = sorted(t * 1000 for t in times)
    print(f"{label:<16} 中位数 {statistics.median(ms):6.0f} ms   最快 {ms[0]:6.0f} ms   最慢 {ms[-1]:6.0f} ms"
          f"   （{len(ms)} 次）")


def bench_events(running: serve.Running, path: Path, original: str, edits: int) -> tuple[list[float], list[float]]:
    arrivals: Queue[tuple[float, dict[str, object]]] = Queue()
    threading.Thread(target=listen, args=(running.url, arrivals), daemon=True).start()
    arrivals.get(timeout=30)  # the first, full message
    times, builds = [], []
    for i in range(edits):
        text = f"{USE}（第 {i} 次修改）"
        start = time.perf_counter()
        path.write_text(original.replace(USE, text), encoding="utf-8")
        while True:
            arrived, message = arrivals.get(timeout=30)
            fragments = message.get("fragments") or {}
            if isinstance(fragments, dict) and any(text in html for html in fragments.values()):
                break
        times.append(arrived - start)
        seconds = message.get("seconds")
        builds.append(float(seconds) if isinstance(seconds, int | float) else 0.0)
        time.sleep(0.3)
    return times, builds


def bench_browser(running: serve.Running, path: Path, original: str, edits: int) -> list[float] | None:
    chromium = shutil.which("chromium") or "/usr/bin/chromium"
    if not Path(chromium).is_file():
        print("save → page      跳过：没有安装 Chromium（Debian 包 chromium）")
        return None
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        print("save → page      跳过：没有安装 playwright")
        return None
    times = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 900})
        page.goto(running.url)
        page.locator("body[data-version]").wait_for(state="attached", timeout=30_000)
        check = """(text) => {
            const doc = document.getElementById("jx-doc").contentDocument;
            const table = doc.querySelector('[data-jx-frag="table-3"]');
            return table !== null && table.textContent.includes(text);
        }"""
        for i in range(edits):
            text = f"{USE}（浏览器第 {i} 次）"
            start = time.perf_counter()
            path.write_text(original.replace(USE, text), encoding="utf-8")
            page.wait_for_function(check, arg=text, polling="raf", timeout=30_000)
            times.append(time.perf_counter() - start)
            time.sleep(0.3)
        browser.close()
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--edits", type=int, default=10)
    parser.add_argument("--no-browser", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        spec = Path(tmp) / "tangshan-2025"
        shutil.copytree(ROOT / "specs" / "tangshan-2025", spec)
        path = spec / PROJECT
        original = path.read_text(encoding="utf-8")
        running = serve.start(spec, port=0)
        try:
            times, builds = bench_events(running, path, original, args.edits)
            summary("生成（服务器）", builds)
            summary("save → event", times)
            if not args.no_browser:
                shown = bench_browser(running, path, original, args.edits)
                if shown:
                    summary("save → page", shown)
        finally:
            running.close()
    print("目标：保存到网页更新不超过 1 秒。")


if __name__ == "__main__":
    main()
