"""Budget season, end to end, on a Word document jixiao did not write (issue 21).

import → rollover → two budget edits, one project deleted, one added → check --fix → render →
diff, with git set up by ``jixiao git-setup``, every command's output read in a 120-column terminal.
"""

from __future__ import annotations

import contextlib
import subprocess
from pathlib import Path

import pytest
from typer.testing import CliRunner

from foreigndoc import from_seed, write
from jixiao.checks import run_checks
from jixiao.checks.causes import _missing, _resolved
from jixiao.cli import app
from jixiao.expand.department import expand_department
from jixiao.model.document import Document
from jixiao.spec.load import LoadedSpec, load_department
from readable import WIDTH, unreadable
from seedtext import TANGSHAN

COMMANDS = sorted(c.name or c.callback.__name__ for c in app.registered_commands if not c.hidden)


@pytest.mark.parametrize("command", ["", *COMMANDS])
def test_every_commands_help_is_readable_in_120_columns(command: str) -> None:
    # In this process (``python -m jixiao`` itself: tests/test_cli.py); output captured, i.e. not a terminal.
    result = CliRunner().invoke(app, [*([command] if command else []), "--help"], env={"COLUMNS": str(WIDTH)})
    assert result.exit_code == 0, result.output
    assert unreadable(result.stdout) == [], result.stdout


# --- The season's path -------------------------------------------------------------------------


def _git(repo: Path, *args: str) -> str:
    env = {"PATH": "/usr/bin:/bin", "HOME": str(repo.parent), "GIT_CONFIG_NOSYSTEM": "1", "LC_ALL": "C.UTF-8",
           "GIT_AUTHOR_NAME": "财务科", "GIT_AUTHOR_EMAIL": "cw@example.org", "GIT_COMMITTER_NAME": "财务科",
           "GIT_COMMITTER_EMAIL": "cw@example.org", "GIT_PAGER": "cat"}  # jixiao is not on PATH for git
    return subprocess.run(["git", *args], cwd=repo, env=env, capture_output=True, text=True, check=True).stdout


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, (path.name, old)
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


class Season:
    """A repository and the outputs of each command, every one checked readable in 120 columns."""

    def __init__(self, repo: Path) -> None:
        self.repo = repo
        self.outputs: dict[str, str] = {}
        self.after_fix: tuple[LoadedSpec, Document] | None = None

    def __call__(self, *args: str, code: int = 0) -> str:
        # In this process, in the repository, 120 columns wide, output captured (not a terminal); the commands
        # git runs (textconv, set up by git-setup) are processes of their own. ``python -m jixiao``: test_cli.py.
        with contextlib.chdir(self.repo):
            result = CliRunner().invoke(app, list(args), env={"COLUMNS": str(WIDTH)})
        assert result.exception is None or isinstance(result.exception, SystemExit), (args, repr(result.exception))
        assert result.exit_code == code, (args, result.stdout[-3000:], result.stderr[-3000:])
        text = result.stdout + result.stderr
        assert unreadable(text) == [], (args, unreadable(text))
        self.outputs[" ".join(args[:2])] = text
        return result.stdout

    def project(self, prefix: str) -> Path:
        (path,) = (self.repo / "医保" / "projects").glob(f"{prefix}-*.yaml")
        return path


@pytest.fixture(scope="module")
def season(tmp_path_factory: pytest.TempPathFactory) -> Season:
    """Last year's Word file (built with python-docx, not by jixiao) through the whole season."""
    repo = tmp_path_factory.mktemp("season") / "绩效"
    repo.mkdir()
    doc = from_seed(TANGSHAN)
    doc.title = "唐山市医疗保障局2025年部门绩效目标"
    write(doc, repo.parent / "2025年部门绩效目标.docx")
    _git(repo, "init", "-q")
    s = Season(repo)
    s("git-setup")
    s("import", "../2025年部门绩效目标.docx", "-o", "医保")
    s("fmt", "--check", "医保")
    _git(repo, "add", "-A")
    _git(repo, "commit", "-qm", "2025 年度：由去年的 Word 文件导入")
    _git(repo, "tag", "v2025")
    s.outputs["checklist"] = s("rollover", "医保", "--年度", "2026", "-o", "医保")
    _git(repo, "add", "-A")
    _git(repo, "commit", "-qm", "2026 年度：由 2025 年度顺延")
    # The year's changes: two budgets, one project ends, one begins.
    _edit(s.project("02"), "预算数: 5.00", "预算数: 6.00")
    _edit(s.project("13"), "预算数: 4.00", "预算数: 4.50")
    s.project("07").unlink()
    s("new", "医保", "医保信息系统运维费", "--单位", "619001")
    added = s.project("18.1")
    for old, new in (('项目编码: ""', "项目编码: 13020026P00700000001A"), ("预算数: 0.00", "预算数: 20.00"),
                     ("资金用途: （写明资金用于什么）", "资金用途: 医保信息系统的日常运行维护和安全保障"),
                     ("绩效目标: 1.（写明项目的绩效目标）", "绩效目标: 1.保障医保信息系统全年稳定运行,故障及时处理")):
        _edit(added, old, new)
    s.outputs["fix"] = s("check", "医保", "--fix", code=1)  # the original's own slips are errors still
    loaded = load_department(repo / "医保")
    s.after_fix = (loaded, expand_department(loaded))
    # What --fix leaves to a person: the original's slips, corrected by hand.
    _edit(s.project("05"), "资金支出计划: [~, ~, 100%, 100%]", "资金支出计划: [0%, 0%, 100%, 100%]")
    _edit(s.project("18"), "资金支出计划: [~, 100%, 100%, 100%]", "资金支出计划: [0%, 100%, 100%, 100%]")
    _edit(s.project("31"), "  - [社会效益指标,", "  - [成本指标, 项目总成本, 项目全年支出总额, ≤24.25万元]\n  - [社会效益指标,")
    _edit(s.project("33"), "1002025年12月31日", "2026年12月31日")
    _edit(s.project("41"), '值: "≥{{', '值: "≤{{')
    _edit(s.project("47"), "≤0.17万元/月", "≤0.18万元/月")
    s.outputs["check"] = s("check", "医保")
    s("render", "医保", "-o", "交财政局")
    _git(repo, "add", "-A")
    _git(repo, "commit", "-qm", "2026 年度：预算、新增和删去的项目")
    s.outputs["diff"] = s("diff", "v2025", code=1)
    # One more budget edit, rendered and committed: what git diff shows of the rendered files.
    _edit(s.project("02"), "预算数: 6.00", "预算数: 6.50")
    s("render", "医保", "-o", "交财政局")
    s.outputs["git diff"] = _git(repo, "diff", "--", "交财政局")
    return s


def test_the_checklist_has_at_most_three_items_per_project(season: Season) -> None:
    checklist = season.outputs["checklist"]
    sections = [part.split("\n## ")[0] for part in checklist.split("\n### ")[1:]]
    assert len(sections) == 54
    for section in sections:
        items = [line for line in section.splitlines() if line.startswith("- [ ] ")]
        assert 1 <= len(items) <= 3, section
    assert "恳请贵局安排2025年" in checklist  # this year's money: listed (a fund's name would not be)
    assert "2016" not in checklist and "【2024】" not in checklist  # 文号 stay as issued


def test_check_fix_writes_the_safe_fixes_and_leaves_canonical_files(season: Season) -> None:
    fixed = season.outputs["fix"]
    assert "已改正" in fixed and "JX202 「≥100%」→「=100%」" in fixed
    assert "共改正" in fixed and "JX407 错误" in fixed  # what a person must still do is listed after
    assert season("fmt", "--check", "医保").startswith("✓")


def test_no_finding_a_preset_row_would_clear_is_reported_per_table(season: Season) -> None:
    assert season.after_fix is not None
    loaded, doc = season.after_fix
    tables = {t.number: t for t in doc.tables()}
    per_table = [f for f in run_checks(loaded, doc) if f.path.startswith("projects/") and _missing(f) is not None]
    assert per_table, "the original's 31st table has no cost row and no preset: that one is per table"
    for f in per_table:
        (number,) = f.tables
        table = tables[number]
        rows = _resolved(loaded.presets, table.preset, table.framework) if table.preset else None
        present = _missing(f)
        assert present is not None and (rows is None or present(rows)), (f.message, table.preset)


def test_the_year_renders_and_diffs_readably(season: Season) -> None:
    summary = season.outputs["check"].splitlines()[-1]
    assert summary.startswith("共 ") and "错误" not in summary  # after --fix and the hand corrections: no errors
    diff = season.outputs["diff"]
    assert "预算数：5.00 → 6.00" in diff and "医保信息系统运维费" in diff and "宣传费" in diff
    rendered = sorted(p.name for p in (season.repo / "交财政局" / "projects").glob("*.pdf"))
    assert "18.1-医保信息系统运维费.pdf" in rendered and not any("宣传费" in name for name in rendered)


def test_a_one_budget_edit_shows_in_a_short_git_diff(season: Season) -> None:
    lines = season.outputs["git diff"].splitlines()
    assert len(lines) < 40, "\n".join(lines)
    assert "-预算数 ｜ 6.00" in lines and "+预算数 ｜ 6.50" in lines
    assert {line for line in lines if line.startswith("━━ ")} == {
        "━━ 交财政局/projects/02-法律顾问费.docx", "━━ 交财政局/projects/02-法律顾问费.pdf",
        "━━ 交财政局/唐山市医疗保障局部门绩效目标.docx", "━━ 交财政局/唐山市医疗保障局部门绩效目标.pdf",
    }
