"""`jixiao serve` in a real browser: headless Chromium (Debian's ``chromium``) driven by Playwright.

Open the page, edit a project file on disk and wait for the new value in the
table; break the YAML and see the positioned error; fix it and see the table
again. ``./run test`` installs ``chromium`` when run as root; elsewhere the
test is skipped with the reason. Playwright's own browser download
(``playwright install``) is never used.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from conftest import PROJECT
from jixiao import serve

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
if not Path(CHROMIUM).is_file():
    pytest.skip(
        "没有安装 Chromium（Debian 包 chromium，提供 /usr/bin/chromium）：以 root 运行 ./run test 会自动安装",
        allow_module_level=True,
    )
sync_api = pytest.importorskip("playwright.sync_api", reason="没有安装 playwright（pip install -e '.[dev]'）")

#: Flags for a headless Chromium on a machine with no network and no display.
ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
TIMEOUT_MS = 20_000

SECOND = PROJECT.replace("法律顾问费", "印刷费").replace("法律咨询服务", "印刷材料")
FLAGGED = PROJECT + '改写:\n  合格率: {值: "≥100%"}\n'


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    # Playwright gives the browser a new, empty profile folder of its own (--user-data-dir).
    with sync_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        try:
            yield launched
        finally:
            launched.close()


@pytest.fixture
def site(spec_dir: Any, tmp_path: Path) -> Iterator[tuple[serve.Running, Path]]:
    spec: Path = spec_dir({"01-法律顾问费": FLAGGED, "02-印刷费": SECOND})
    live = serve.start(spec, port=0, base=tmp_path)
    try:
        yield live, spec
    finally:
        live.close()



def _cell_text(text: str) -> re.Pattern[str]:
    """A cell holding exactly *text*, whatever word joiners (U+2060) jixiao put between its characters."""
    return re.compile("^" + "\u2060?".join(map(re.escape, text)) + "$")


def test_preview_follows_edits_errors_and_fixes(browser: Any, site: tuple[serve.Running, Path]) -> None:
    running, spec = site
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=running.url.rstrip("/"))
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    problems: list[str] = []
    page.on("pageerror", lambda error: problems.append(f"page error: {error}"))
    page.on("console", lambda m: problems.append(f"console: {m.text}") if m.type == "error" else None)
    try:
        page.goto(running.url)
        page.locator("body[data-version]").wait_for(state="attached")  # the first update arrived
        frame = page.frame_locator("#jx-doc")
        table = frame.locator("section[data-jx-frag='table-2']")
        table.get_by_text(_cell_text("印刷材料")).wait_for()
        assert page.locator("#jx-tables a").count() == 2

        # The check finding sits beside the row it concerns, and that row is marked.
        note = frame.locator("section[data-jx-frag='table-1'] .jx-serve-note", has_text="JX202")
        note.wait_for()
        assert "第 2 行" in note.inner_text()
        assert frame.locator("section[data-jx-frag='table-1'] tr.jx-serve-flag[data-row='2']").count() == 1

        # Only the edited table is replaced: a mark on the other table's element survives.
        page.evaluate("""() => {
            const doc = document.getElementById("jx-doc").contentDocument;
            for (const key of ["table-1", "table-2"]) doc.querySelector(`[data-jx-frag="${key}"]`).jxMark = key;
        }""")
        project = spec / "projects" / "02-印刷费.yaml"
        good = project.read_text(encoding="utf-8")
        project.write_text(good.replace("印刷材料", "宣传册印刷材料"), encoding="utf-8")
        table.get_by_text(_cell_text("宣传册印刷材料")).wait_for()
        marks = page.evaluate("""() => {
            const doc = document.getElementById("jx-doc").contentDocument;
            return ["table-1", "table-2"].map((key) => doc.querySelector(`[data-jx-frag="${key}"]`).jxMark || null);
        }""")
        assert marks == ["table-1", None]

        # Broken YAML: the page shows the positioned message instead of the document.
        project.write_text(good.replace("预算数: 5.00", "预算数： 5.00"), encoding="utf-8")
        panel = page.locator("#jx-problems")
        panel.wait_for(state="visible")
        assert page.locator("#jx-doc").is_hidden()
        where = panel.locator(".jx-where").first
        assert where.inner_text().endswith("projects/02-印刷费.yaml:3:4")
        assert "全角冒号" in panel.inner_text() and "预算数： 5.00" in panel.inner_text()
        where.click()
        assert page.evaluate("() => navigator.clipboard.readText()") == f"{project}:3:4"

        # Fixed: the table is back, with the new value.
        project.write_text(good.replace("印刷材料", "修好后的印刷材料"), encoding="utf-8")
        table.get_by_text(_cell_text("修好后的印刷材料")).wait_for()
        assert page.locator("#jx-doc").is_visible() and panel.is_hidden()

        # A new project changes the document's structure: the whole body is sent again, notes included.
        (spec / "projects" / "03-宣传费.yaml").write_text(
            PROJECT.replace("法律顾问费", "宣传费").replace("法律咨询服务", "宣传品制作"), encoding="utf-8"
        )
        frame.locator("section[data-jx-frag='table-3']").get_by_text(_cell_text("宣传品制作")).wait_for()
        assert page.locator("#jx-tables a").count() == 3
        note.wait_for()

        # The link renders the PDF of the table in view.
        page.locator("#jx-tables a[data-number='2']").click()
        sync_api.expect(page.locator("#jx-pdf")).to_have_attribute("href", "/table/2.pdf")
        response = context.request.get(running.url.rstrip("/") + "/table/2.pdf")
        assert response.ok and response.headers["content-type"] == "application/pdf"
        assert response.body().startswith(b"%PDF")
        assert problems == []
    finally:
        context.close()
