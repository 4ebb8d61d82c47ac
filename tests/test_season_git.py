"""Budget season with git: rollover lists only what needs a person, a deleted project is named and fixed
(issue 21, points 7, 8 and the rollover outside the repository)."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import DEPARTMENT, PROJECT, write_tree
from jixiao.cli import app
from jixiao.errors import SpecError
from jixiao.expand.department import expand_department
from jixiao.spec.load import load_department

runner = CliRunner()

STAYS = """\
项目名称: 提前下达2024年医疗救助补助资金
预算数: 5.00
资金用途: 按冀政发【2016】20号和《2023年医疗保障工作要点》，拨付2024年中央财政医疗救助补助资金
绩效目标: 1.按2025年工作计划完成救助，截至2025年6月底拨付50%
"""


def _items(checklist: str, heading: str) -> list[str]:
    section = checklist.split(f"### {heading}", 1)[1].split("\n#", 1)[0]
    return [line for line in section.splitlines() if line.startswith("- [ ] ")]


def test_the_checklist_lists_by_project_only_what_needs_a_person(tmp_path: Path) -> None:
    spec = write_tree(tmp_path / "测试局-2025", {
        "部门.yaml": DEPARTMENT, "projects/01-救助资金.yaml": STAYS,
        "projects/02-法律顾问费.yaml": PROJECT.replace("预算数: 5.00", '项目编码: "13020025P00T82D100042"\n预算数: 5.00'),
    })
    result = runner.invoke(app, ["rollover", str(spec), "--年度", "2026"])
    assert result.exit_code == 0, result.output
    first = _items(result.stdout, "第 1 表 提前下达2024年医疗救助补助资金")
    assert len(first) == 2
    assert "预算数 5.00：核对 2026 年度的预算，以及资金支出计划 20%、50%、80%、100%，写在 部门.yaml" in first[0]
    years = first[1]  # the text's own years, in one item; not the 文号, the 《》 name or the fund names
    assert years.startswith("- [ ] 文字中的年份和日期（2 处")
    assert "「1.按2025年工作计划完成救」" in years and "截至2025年6月底" in years
    assert "2016" not in years and "2023" not in years and "2024" not in years
    second = _items(result.stdout, "第 2 表 法律顾问费")
    assert [re.sub(r"`[^`]+` ", "", i) for i in second] == [
        "- [ ] 预算数 5.00：核对 2026 年度的预算，以及资金支出计划 20%、50%、80%、100%，写在 部门.yaml",
        "- [ ] 项目编码 13020025P00T82D100042：换成 2026 年度预算系统中的编码",
    ]
    assert "（4 处）引用的是当时的文件和资金，没有列出" in result.stdout  # 文号, 《》, two fund names


LISTED = DEPARTMENT + '部分:\n  - {标题: 专项资金, 项目: [01-a, 02-b]}\n  - 标题: 预算项目绩效目标\n'


def test_a_deleted_project_listed_in_部门_yaml_is_named_and_fixed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    spec = write_tree(tmp_path / "spec", {
        "部门.yaml": LISTED, "projects/01-a.yaml": PROJECT,
        "projects/02-b.yaml": PROJECT.replace("法律顾问费", "宣传费"), "projects/03-c.yaml": PROJECT.replace("法律顾问费", "印刷费"),
    })
    rolled = runner.invoke(app, ["rollover", str(spec), "--年度", "2026", "-o", str(tmp_path / "new")])
    assert "部门.yaml 的部分「专项资金」按文件名列出了这个项目（`部门.yaml:11:27`）" in rolled.stdout
    new = tmp_path / "new"
    (new / "projects" / "02-b.yaml").unlink()
    with pytest.raises(SpecError) as exc:
        expand_department(load_department(new))
    (d,) = exc.value.diagnostics
    assert (d.path.name, d.line, d.col) == ("部门.yaml", 11, 27)
    assert "部分「专项资金」列出的项目文件「projects/02-b.yaml」不存在" in d.message and "jixiao check --fix" in (d.hint or "")
    monkeypatch.chdir(tmp_path)
    fixed = runner.invoke(app, ["check", "new", "--fix"])
    assert "已改正 new/部门.yaml:11:27: 删去部分「专项资金」中的「02-b」：这个项目文件已不存在" in fixed.stdout
    assert "项目: [01-a]" in (new / "部门.yaml").read_text(encoding="utf-8")
    assert runner.invoke(app, ["validate", "new"]).exit_code == 0


def test_rollover_to_a_folder_outside_the_repository_takes_its_presets_along(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    preset = (Path(__file__).parents[1] / "templates" / "presets" / "运转类.yaml").read_text(encoding="utf-8")
    write_tree(repo, {
        "templates/presets/共用.yaml": preset, "医保/部门.yaml": DEPARTMENT.replace("预设: 运转类", "预设: 共用"),
        "医保/projects/01-a.yaml": PROJECT,
    })
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    outside = tmp_path / "elsewhere" / "医保-2026"
    result = runner.invoke(app, ["rollover", str(repo / "医保"), "--年度", "2026", "-o", str(outside)])
    assert result.exit_code == 0, result.output
    assert (outside / "presets" / "共用.yaml").read_text(encoding="utf-8") == preset
    assert "- [ ] `presets/共用.yaml`：以后改仓库中的那一份，这一份不会跟着改" in result.stdout
    assert runner.invoke(app, ["validate", str(outside)]).exit_code == 0
    inside = repo / "医保-2026"
    assert runner.invoke(app, ["rollover", str(repo / "医保"), "--年度", "2026", "-o", str(inside)]).exit_code == 0
    assert not (inside / "presets").exists()  # inside the repository it sees templates/ itself
    shutil.rmtree(inside)


# --- Git that shows the change: file names that stay, git-setup (points 9 and 10) ----------------


def _git(repo: Path, *args: str) -> str:
    env = {"PATH": "/usr/bin:/bin", "HOME": str(repo.parent), "GIT_CONFIG_NOSYSTEM": "1", "LC_ALL": "C.UTF-8",
           "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@t", "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@t",
           "GIT_PAGER": "cat", "PAGER": "cat"}  # no jixiao on PATH, as in a GUI or an editor
    return subprocess.run(["git", *args], cwd=repo, env=env, capture_output=True, text=True, check=True).stdout


def test_git_setup_shows_the_changed_cells_with_jixiao_off_the_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    repo = tmp_path / "repo"
    write_tree(repo, {"医保/部门.yaml": DEPARTMENT, "医保/projects/01-法律顾问费.yaml": PROJECT,
                      "医保/projects/02-宣传费.yaml": PROJECT.replace("法律顾问费", "宣传费")})
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    monkeypatch.chdir(repo)
    setup = runner.invoke(app, ["git-setup"])
    assert setup.exit_code == 0, setup.output
    assert "diff.jixiao.command" in setup.stdout and "core.quotepath false" in setup.stdout
    attributes = (repo / ".gitattributes").read_text(encoding="utf-8")
    assert "*.docx diff=jixiao" in attributes and ".jixiao-manifest.json -diff" in attributes
    render = ["render", "医保", "-o", "交财政局", "--format", "docx", "--force"]
    assert runner.invoke(app, render).exit_code == 0
    _git(repo, "add", "-A")
    _git(repo, "commit", "-qm", "2025")
    budget = repo / "医保" / "projects" / "02-宣传费.yaml"
    budget.write_text(budget.read_text(encoding="utf-8").replace("预算数: 5.00", "预算数: 6.00"), encoding="utf-8")
    assert runner.invoke(app, render).exit_code == 0
    assert _git(repo, "status", "--porcelain", "交财政局").splitlines() == [
        " M 交财政局/.jixiao-manifest.json", " M 交财政局/projects/02-宣传费.docx", " M 交财政局/测试局部门绩效目标.docx",
    ]  # 01-法律顾问费.docx is untouched; names read as names
    diff = _git(repo, "diff", "--", "交财政局")
    assert "━━ 交财政局/projects/02-宣传费.docx\n  2.宣传费绩效目标表\n-预算数 ｜ 5.00\n" in diff
    assert "━━ 交财政局/测试局部门绩效目标.docx\n  2.宣传费绩效目标表\n" in diff
    assert "+月均宣传经费支出" not in diff and "+产出指标／成本指标／月均宣传经费支出 ｜ 指标值：≤0.5万元/月" in diff
    assert "Binary files" in diff and len(diff.splitlines()) < 40, diff
    log = _git(repo, "diff", "--no-ext-diff", "--", "交财政局/projects/02-宣传费.docx")  # textconv, as git log -p
    assert "-预算数 ｜ 5.00" in log and "+预算数 ｜ 6.00" in log
