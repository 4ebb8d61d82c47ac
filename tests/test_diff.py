"""jixiao diff: the change in the expanded document, between folders and git revisions."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import write_tree
from jixiao.cli import app
from jixiao.expand.department import expand_department
from jixiao.spec.load import load_department
from jixiao.vcs.diff.compare import compare
from jixiao.vcs.diff.text import Labels, markdown, plain, renumbered_text, tables_text, word_ops

runner = CliRunner()

DEPARTMENT = """\
年度: 2025
部门名称: 测试局
金额单位: 万元
单位:
  - {单位编码: "100001", 单位名称: 测试局本级}
默认:
  预设: 本级
  指标值确定依据: 工作计划
  资金支出计划: [20%, 50%, 80%, 100%]
第一部分:
  总体绩效目标: 加强基金监管，建立健全医疗保障基金安全防控机制，依法查处医疗保障领域违法违规行为。
  工作保障措施:
    - 强化基金监管。
部分:
  - 标题: 预算项目绩效目标
"""

PRESET = """\
说明: 本级运转类项目
绩效指标:
  - {键: 完成率, 二级: 数量指标, 三级: "{{ 事项 }}工作完成率", 描述: 实际完成的工作量占计划工作量的比例, 值: "=100%"}
  - {键: 成本, 二级: 成本指标, 三级: 月均支出, 描述: 全年预算数除以12个月, 值: "≤{{ 向上取整(预算数 / 12, 0.01) }}万元/月"}
  - {键: 时限, 二级: 时效指标, 三级: 完成时限, 描述: 全年工作完成时限, 值: "{{ 完成时限 }}"}
  - {键: 满意度, 二级: 服务对象满意度指标, 三级: 服务对象满意度, 描述: 服务对象满意的比例, 值: ≥90%}
"""

PROJECTS = {
    "projects/01-法律顾问费.yaml": """\
        项目名称: 法律顾问费
        单位: "100001"
        预算数: 5.00
        资金用途: 法律咨询服务
        绩效目标: 1.聘请律师提供法律咨询服务
        """,
    "projects/02-办公费.yaml": """\
        项目名称: 办公费
        单位: "100001"
        预算数: 12.00
        资金用途: 日常办公用品购置
        绩效目标: 1.保障机关日常办公
        改写:
          满意度: {值: ≥85%}
        """,
    "projects/03-印刷费.yaml": """\
        项目名称: 印刷费
        单位: "100001"
        预算数: 3.00
        资金用途: 宣传材料印刷
        绩效目标: 1.按时印制宣传材料
        绩效指标:
          - [数量指标, 印制批次, 全年印制宣传材料的批次, ≥20批]
        """,
}


def _git(repo: Path, *args: str) -> str:
    env = {
        **os.environ, "GIT_AUTHOR_NAME": "测试", "GIT_AUTHOR_EMAIL": "t@example.com", "GIT_COMMITTER_NAME": "测试",
        "GIT_COMMITTER_EMAIL": "t@example.com", "GIT_AUTHOR_DATE": "2025-01-01T00:00:00+08:00",
        "GIT_COMMITTER_DATE": "2025-01-01T00:00:00+08:00", "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1",
    }
    done = subprocess.run(["git", *args], cwd=repo, capture_output=True, text=True, env=env, check=True)
    return done.stdout


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A repository with the spec at specs/测试局 and two commits: one budget, one value, one preset line changed."""
    root = tmp_path / "repo"
    spec = root / "specs" / "测试局"
    write_tree(spec, {"部门.yaml": DEPARTMENT, "presets/本级.yaml": PRESET, **PROJECTS})
    _git(root, "init", "-q", "-b", "main")
    _git(root, "add", "-A")
    _git(root, "commit", "-q", "-m", "2025 年度")
    _edit(spec / "projects" / "01-法律顾问费.yaml", "预算数: 5.00", "预算数: 6.00")
    _edit(spec / "projects" / "03-印刷费.yaml", "≥20批", "≥24批")
    _edit(spec / "presets" / "本级.yaml", "值: ≥90%", "值: ≥95%")
    _git(root, "commit", "-q", "-am", "调整")
    return root


EXPECTED = """\
jixiao diff：HEAD~1 → HEAD（specs/测试局）

预设 presets/本级.yaml
  满意度 · 值：≥90% → ≥95%（2 张表：第 1、3 表）

第 1 表 法律顾问费
  预算数：5.00 → 6.00
  财政资金：5.00 → 6.00
  成本指标 / 月均支出 · 指标值：≤0.42万元/月 → ≤0.5万元/月

第 3 表 印刷费
  数量指标 / 印制批次 · 指标值：≥20批 → ≥24批

共 5 处不同。
"""


def test_diff_between_revisions_text(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(repo)
    result = runner.invoke(app, ["diff", "HEAD~1", "HEAD"])
    assert result.exit_code == 1, result.output
    assert result.stdout == EXPECTED


def test_diff_between_revisions_json(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(repo)
    result = runner.invoke(app, ["diff", "HEAD~1", "HEAD", "--format", "json"])
    assert result.exit_code == 1, result.output
    data = json.loads(result.stdout)
    commits = _git(repo, "rev-parse", "HEAD~1", "HEAD").split()
    assert data == {
        "equal": False,
        "old": {"label": "HEAD~1", "commit": commits[0]},
        "new": {"label": "HEAD", "commit": commits[1]},
        "spec": "specs/测试局",
        "changes": 5,
        "document": [],
        "parts": [],
        "part_one": [],
        "shared": [
            {"kind": "preset", "source": "presets/本级.yaml", "what": "满意度 · 值", "old": "≥90%", "new": "≥95%",
             "tables": [1, 3]},
        ],
        "tables": [
            {"kind": "changed", "number": 1, "old_number": None, "name": "法律顾问费",
             "file": "projects/01-法律顾问费.yaml",
             "changes": [{"what": "预算数", "old": "5.00", "new": "6.00"}, {"what": "财政资金", "old": "5.00", "new": "6.00"}],
             "rows": [{"kind": "changed", "row": "成本指标 / 月均支出",
                       "changes": [{"what": "指标值", "old": "≤0.42万元/月", "new": "≤0.5万元/月"}]}]},
            {"kind": "changed", "number": 3, "old_number": None, "name": "印刷费", "file": "projects/03-印刷费.yaml",
             "changes": [],
             "rows": [{"kind": "changed", "row": "数量指标 / 印制批次",
                       "changes": [{"what": "指标值", "old": "≥20批", "new": "≥24批"}]}]},
        ],
        "renumbered": [],
    }


def test_diff_markdown(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(repo)
    result = runner.invoke(app, ["diff", "HEAD~1", "HEAD", "--format", "markdown"])
    assert result.exit_code == 1
    assert result.stdout == """\
### jixiao diff：HEAD\\~1 → HEAD（specs/测试局）

**预设 presets/本级.yaml**

- 满意度 · 值：≥90% → ≥95%（2 张表：第 1、3 表）

**第 1 表 法律顾问费**

- 预算数：5.00 → 6.00
- 财政资金：5.00 → 6.00
- 成本指标 / 月均支出 · 指标值：≤0.42万元/月 → ≤0.5万元/月

**第 3 表 印刷费**

- 数量指标 / 印制批次 · 指标值：≥20批 → ≥24批

共 5 处不同。
"""


def _snapshot(root: Path) -> dict[str, tuple[bytes, int]]:
    return {
        p.relative_to(root).as_posix(): (p.read_bytes(), p.stat().st_mtime_ns)
        for p in sorted(root.rglob("*")) if p.is_file() and ".git" not in p.relative_to(root).parts
    }


def test_revisions_are_read_without_touching_the_working_tree(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    spec = repo / "specs" / "测试局"
    _edit(spec / "projects" / "02-办公费.yaml", "预算数: 12.00", "预算数: 99.00")  # uncommitted
    (spec / "projects" / "04-新项目.yaml").write_text("项目名称: 新项目\n", encoding="utf-8")  # untracked, broken
    before, status = _snapshot(repo), _git(repo, "status", "--porcelain")
    index = (repo / ".git" / "index").read_bytes()
    monkeypatch.chdir(spec)  # a bare revision reads the spec folder the current folder is in
    result = runner.invoke(app, ["diff", "HEAD~1", "HEAD"])
    assert result.exit_code == 1
    assert result.stdout == EXPECTED
    assert "99.00" not in result.stdout
    assert _snapshot(repo) == before
    assert _git(repo, "status", "--porcelain") == status
    assert (repo / ".git" / "index").read_bytes() == index


def test_diff_of_a_revision_against_the_working_tree(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    spec = repo / "specs" / "测试局"
    _edit(spec / "projects" / "02-办公费.yaml", "预算数: 12.00", "预算数: 24.00")
    monkeypatch.chdir(repo)
    result = runner.invoke(app, ["diff", "HEAD"])
    assert result.exit_code == 1
    assert "jixiao diff：HEAD → 工作区（specs/测试局）" in result.stdout
    assert "  预算数：12.00 → 24.00" in result.stdout
    assert "  成本指标 / 月均支出 · 指标值：≤1万元/月 → ≤2万元/月" in result.stdout
    # The same, written with a folder and REV:path.
    for args in (["HEAD", "specs/测试局"], ["HEAD:specs/测试局", "specs/测试局"]):
        again = runner.invoke(app, ["diff", *args])
        assert again.exit_code == 1
        assert again.stdout.split("\n", 1)[1] == result.stdout.split("\n", 1)[1]


def test_equal_revisions_exit_zero(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(repo)
    result = runner.invoke(app, ["diff", "HEAD", "main"])
    assert result.exit_code == 0
    assert "两个版本展开后的文档相同。" in result.stdout


def test_a_tag_and_the_user_templates_of_the_revision(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Presets in the repository's own templates/ are read at the revision too."""
    spec = repo / "specs" / "测试局"
    (repo / "templates" / "presets").mkdir(parents=True)
    shared = PRESET.replace("本级运转类项目", "共用").replace("≥90%", "≥80%")
    (repo / "templates" / "presets" / "共用.yaml").write_text(shared, encoding="utf-8")
    _edit(spec / "部门.yaml", "预设: 本级", "预设: 共用")
    _git(repo, "add", "-A")
    _git(repo, "commit", "-q", "-m", "共用预设")
    _git(repo, "tag", "v2025")
    _edit(repo / "templates" / "presets" / "共用.yaml", "≥80%", "≥85%")
    _git(repo, "commit", "-q", "-am", "改共用预设")
    monkeypatch.chdir(repo)
    result = runner.invoke(app, ["diff", "v2025", "HEAD", "--规格", "specs/测试局"])
    assert result.exit_code == 1, result.output
    assert "预设 ../../templates/presets/共用.yaml\n  满意度 · 值：≥80% → ≥85%（2 张表：第 1、3 表）" in result.stdout


def test_a_broken_revision_is_reported_at_the_revision(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    spec = repo / "specs" / "测试局"
    _edit(spec / "projects" / "03-印刷费.yaml", "预算数: 3.00", "预算: 3.00")
    _git(repo, "commit", "-q", "-am", "写错了")
    monkeypatch.chdir(repo)
    result = runner.invoke(app, ["diff", "HEAD~1", "HEAD"])
    assert result.exit_code == 1
    assert "HEAD:specs/测试局/projects/03-印刷费.yaml:3:1: 错误: 未知的键「预算」" in result.output


def test_usage_errors(repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(repo)
    result = runner.invoke(app, ["diff", "no-such-branch", "HEAD"])
    assert result.exit_code == 2
    assert "既不是文件夹，也不是 git 版本" in result.output
    result = runner.invoke(app, ["diff", "HEAD~1:specs/没有", "HEAD"])
    assert result.exit_code == 2
    assert "不是部门规格" in result.output
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    result = runner.invoke(app, ["diff", "HEAD~1", "HEAD"])
    assert result.exit_code == 2
    assert "不在 git 仓库之内" in result.output


# --- comparisons of folders ------------------------------------------------------------------


def _compare(old: Path, new: Path) -> str:
    sides = []
    for root in (old, new):
        loaded = load_department(root)
        sides.append((loaded, expand_department(loaded)))
    return plain(compare(sides[0], sides[1]), Labels("旧", "新"))


def _two(tmp_path: Path) -> tuple[Path, Path]:
    files = {"部门.yaml": DEPARTMENT, "presets/本级.yaml": PRESET, **PROJECTS}
    return write_tree(tmp_path / "a", files), write_tree(tmp_path / "b", files)


def test_folders_equal(tmp_path: Path) -> None:
    a, b = _two(tmp_path)
    result = runner.invoke(app, ["diff", str(a), str(b)])
    assert result.exit_code == 0, result.output


def test_added_removed_renamed_and_renumbered_tables(tmp_path: Path) -> None:
    a, b = _two(tmp_path)
    (b / "projects" / "01-法律顾问费.yaml").unlink()
    write_tree(b, {"projects/05-会议费.yaml": "项目名称: 会议费\n单位: \"100001\"\n预算数: 2.00\n资金用途: 会议\n绩效目标: 1.开会\n"})
    _edit(b / "projects" / "02-办公费.yaml", "项目名称: 办公费", "项目名称: 办公用品费")
    assert _compare(a, b) == """\
jixiao diff：旧 → 新

重新编号
  第 3 表 → 第 2 表

第 1 表 办公用品费（原第 2 表）
  表题：办公费 → 办公用品费
  项目名称：办公费 → 办公用品费
  数量指标 / 办公用品工作完成率 · 三级指标：办公工作完成率 → 办公用品工作完成率

+ 第 3 表 会议费（新增，projects/05-会议费.yaml）
  预算数：2.00
  指标行：4

- 原第 1 表 法律顾问费（删去，projects/01-法律顾问费.yaml）
  预算数：5.00
  指标行：4

共 6 处不同。
"""


def test_a_renamed_file_is_the_same_table(tmp_path: Path) -> None:
    a, b = _two(tmp_path)
    (b / "projects" / "03-印刷费.yaml").rename(b / "projects" / "04-印刷费.yaml")
    assert _compare(a, b).endswith("第 3 表 印刷费\n  文件：projects/03-印刷费.yaml → projects/04-印刷费.yaml\n\n共 1 处不同。\n")


def test_rows_added_removed_and_part_one_word_diff(tmp_path: Path) -> None:
    a, b = _two(tmp_path)
    _edit(b / "部门.yaml", "建立健全医疗保障基金安全防控机制", "建立健全医保基金安全防控体系")
    _edit(b / "部门.yaml", "    - 强化基金监管。\n", "    - 强化基金监管。\n    - 完善内控制度。\n")
    _edit(b / "projects" / "03-印刷费.yaml", "  - [数量指标, 印制批次, 全年印制宣传材料的批次, ≥20批]\n",
          "  - [质量指标, 印刷合格率, 验收合格的印刷品占比, ≥98%]\n")
    _edit(b / "projects" / "02-办公费.yaml", "  满意度: {值: ≥85%}\n", "  满意度: 删除\n")
    assert _compare(a, b) == """\
jixiao diff：旧 → 新

第一部分
  〔一、总体绩效目标〕加强基金监管，建立健全医[-疗保障-]{+保+}基金安全防控[-机制-]{+体系+}，依法查处医疗保障领域违法违规行为。
  + 〔二、工作保障措施〕2.完善内控制度。

第 2 表 办公费
  - 删去行 服务对象满意度指标 / 服务对象满意度：服务对象满意的比例｜≥85%｜工作计划

第 3 表 印刷费
  + 新增行 质量指标 / 印刷合格率：验收合格的印刷品占比｜≥98%｜工作计划
  - 删去行 数量指标 / 印制批次：全年印制宣传材料的批次｜≥20批｜工作计划

共 5 处不同。
"""


def test_inherited_change_shows_once(tmp_path: Path) -> None:
    a, b = _two(tmp_path)
    _edit(b / "部门.yaml", "年度: 2025", "年度: 2026")
    text = _compare(a, b)
    assert "文档\n  标题：2025年测试局部门绩效目标 → 2026年测试局部门绩效目标\n  年度：2025 → 2026\n  编制日期：2025-01-01 → 2026-01-01" in text
    assert "多张表相同的改动\n  时效指标 / 完成时限 · 指标值：2025.12.31 → 2026.12.31（3 张表：第 1～3 表）" in text


def test_word_ops_join_short_runs() -> None:
    assert word_ops("建立健全医疗保障基金", "建立健全医保基金") == [
        ("=", "建立健全医"), ("-", "疗保障"), ("+", "保"), ("=", "基金"),
    ]
    assert word_ops("abc 12.5 万元", "abc 13 万元") == [("=", "abc "), ("-", "12.5"), ("+", "13"), ("=", " 万元")]


def test_table_ranges() -> None:
    assert tables_text([5, 1, 2, 3, 7, 8]) == "第 1～3、5、7～8 表"
    assert renumbered_text([(5, 6), (6, 7), (7, 8), (10, 9)]) == ["第 5～7 表 → 第 6～8 表", "第 10 表 → 第 9 表"]


def test_markdown_escapes(tmp_path: Path) -> None:
    a, b = _two(tmp_path)
    _edit(b / "projects" / "01-法律顾问费.yaml", "资金用途: 法律咨询服务", "资金用途: \"法律咨询*服务*_[1]\"")
    sides = []
    for root in (a, b):
        loaded = load_department(root)
        sides.append((loaded, expand_department(loaded)))
    text = markdown(compare(sides[0], sides[1]), Labels("a", "b"))
    assert "- 资金用途：法律咨询服务 → 法律咨询\\*服务\\*\\_\\[1\\]" in text
