"""jixiao rollover: next year's spec validates, derived dates move, the checklist names every year left."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import DEPARTMENT, PROJECT, write_tree
from jixiao.checks.years import leftover_years, mentions
from jixiao.cli import app
from jixiao.expand.department import expand_department
from jixiao.model.document import Document
from jixiao.spec.load import load_department

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ["tangshan-2025", "dongli-2025"]
runner = CliRunner()

#: A year written as one (independently of jixiao.checks.years): 2025年, a date.
_LITERAL_YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})(?=\s*年|[.\-/]\d{1,2}[.\-/]\d{1,2})")
#: Years that stay: a 文号's, a fund's name granted by a higher level (2024年中央财政…补助资金).
_KEPT = re.compile(r"[〔【\[(（](?:19|20)\d{2}[〕】\])）]|(?:财政|下达)?(?:19|20)\d{2}年[^，。；、,;]*?(?:财政|第.批)[^，。；、,;]*?(?:资金|补助)")


def _doc(spec: Path) -> Document:
    return expand_department(load_department(spec))


@pytest.fixture(scope="module", params=EXAMPLES)
def rolled(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, str]:
    name: str = request.param
    dest = tmp_path_factory.mktemp("rollover") / name.replace("2025", "2026")
    result = runner.invoke(app, ["rollover", str(ROOT / "specs" / name), "--年度", "2026", "-o", str(dest)])
    assert result.exit_code == 0, result.output
    return ROOT / "specs" / name, dest, result.stdout


def test_rolled_spec_validates(rolled: tuple[Path, Path, str]) -> None:
    old, new, _ = rolled
    doc = _doc(new)
    assert doc.year == 2026
    assert doc.title.startswith("2026年")
    assert len(doc.tables()) == len(_doc(old).tables())
    result = runner.invoke(app, ["validate", str(new)])
    assert result.exit_code == 0, result.output


def test_every_derived_date_moves(rolled: tuple[Path, Path, str]) -> None:
    old, new, _ = rolled
    before, after = _doc(old), _doc(new)
    assert (before.issued.year, after.issued.year) == (2025, 2026)
    derived = 0
    for a, b in zip(before.tables(), after.tables(), strict=True):
        for x, y in zip(a.rows, b.rows, strict=True):
            source = y.source_of("value")
            raw = _line(new, source.path, source.line)
            if "完成时限" in raw and "{{" in raw:
                derived += 1
                assert x.value.startswith("2025") and y.value.startswith("2026"), (x.value, y.value)
                assert y.value == x.value.replace("2025", "2026", 1)
    assert derived > 0 or old.name == "dongli-2025"  # 东丽 writes every value itself


def _line(spec: Path, rel: str, line: int) -> str:
    path = (spec / rel).resolve()
    if not path.is_file():  # a built-in preset
        return ""
    return path.read_text(encoding="utf-8").split("\n")[line - 1]


def test_checklist_names_every_literal_year_left(rolled: tuple[Path, Path, str]) -> None:
    _, new, printed = rolled
    checklist = (new / "顺延清单-2026.md").read_text(encoding="utf-8")
    assert printed == checklist
    listed = set(re.findall(r"`([^`]+\.yaml):(\d+):\d+`[^\n]*?(\d{4})", checklist))
    found = 0
    for path in sorted(new.rglob("*.yaml")):
        rel = path.relative_to(new).as_posix()
        for number, line in enumerate(path.read_text(encoding="utf-8").split("\n"), 1):
            content = re.sub(r"(^|\s)#.*$", "", line)  # comments are not printed
            if content.lstrip().startswith(("年度:", "项目编码:", "说明:")):  # 说明 is never printed
                continue
            for year in _LITERAL_YEAR.findall(_KEPT.sub("", content)):
                if year != "2026":
                    found += 1
                    assert (rel, str(number), year) in listed, (rel, number, year, line)
    assert found > 0


def test_checklist_lists_budgets_codes_and_moved_year(rolled: tuple[Path, Path, str]) -> None:
    old, new, printed = rolled
    assert "- [x] `部门.yaml:" in printed and "年度：2025 → 2026" in printed
    doc = _doc(old)
    sections = [s.split("\n## ")[0] for s in printed.split("\n### ")[1:]]
    assert len(sections) == len(doc.tables())
    for table, section in zip(doc.tables(), sections, strict=True):
        head, *items = [line for line in section.splitlines() if line]
        assert head.startswith(f"第 {table.number} 表 {table.name}（`projects/{table.file_stem}.yaml`）")
        items = [line for line in items if line.startswith("- [ ] ")][:3 + 1]
        assert 1 <= len(items) <= 3, section
        assert f" 预算数 {table.budget_text}：核对 2026 年度的预算" in items[0]
        if table.code:
            assert f" 项目编码 {table.code}：换成 2026 年度预算系统中的编码" in items[-1]
    assert f"运行 `jixiao check {new}`" in printed


def test_literal_dates_are_kept_and_listed(tmp_path: Path) -> None:
    spec = write_tree(tmp_path / "测试局-2025", {
        "部门.yaml": DEPARTMENT.replace("默认:\n", "编制日期: 2024-12-20\n默认:\n  完成时限: 2025.12.31\n"),
        "projects/01-法律顾问费.yaml": PROJECT.replace(
            "资金用途: 法律咨询服务", "资金用途: 按2025年工作计划开展法律咨询服务\n完成时限: 2025年06月30日"
        ) + "绩效指标:\n  - [数量指标, 咨询次数, 截至2025.06.30的咨询次数, ≥10次]\n",
    })
    result = runner.invoke(app, ["rollover", str(spec), "--年度", "2026"])
    assert result.exit_code == 0, result.output
    new = tmp_path / "测试局-2026"
    department = (new / "部门.yaml").read_text(encoding="utf-8")
    assert "年度: 2026" in department and "完成时限: 2026.12.31" in department
    assert "编制日期: 2024-12-20" in department  # a date of another year is left for a person
    project = (new / "projects" / "01-法律顾问费.yaml").read_text(encoding="utf-8")
    assert "完成时限: 2026年06月30日" in project
    assert "按2025年工作计划" in project and "截至2025.06.30" in project
    assert "- [x] `部门.yaml:1:5` 年度：2025 → 2026\n- [x] `部门.yaml:8:9` 默认.完成时限：2025.12.31 → 2026.12.31\n" in result.stdout
    assert "- [x] `projects/01-法律顾问费.yaml:5:7` 完成时限：2025年06月30日 → 2026年06月30日" in result.stdout
    assert "- [ ] `部门.yaml` 文字中的年份和日期（1 处，没有改动：改成 2026 年，或确认保留）：`部门.yaml:6:7` 编制日期「2024-12-20」中的 2024（日期）" in result.stdout
    assert ("- [ ] 文字中的年份和日期（2 处，没有改动：改成 2026 年，或确认保留）："
            "`projects/01-法律顾问费.yaml:4:8` 资金用途「按2025年工作计划开展法」中的 2025（年份）；"
            "`projects/01-法律顾问费.yaml:8:20` 描述「截至2025.06.30的咨」中的 2025（日期）") in result.stdout
    assert "2026年06月30日" in [r.value for r in _doc(new).tables()[0].rows]


def test_clear_budget(tmp_path: Path) -> None:
    dest = tmp_path / "dongli-2026"
    result = runner.invoke(app, ["rollover", str(ROOT / "specs" / "dongli-2025"), "--年度", "2026", "-o", str(dest),
                                 "--清空预算", "--清单", str(tmp_path / "清单.md")])
    assert result.exit_code == 0, result.output
    assert not (dest / "顺延清单-2026.md").exists()
    assert (tmp_path / "清单.md").read_text(encoding="utf-8") == result.stdout
    assert all(t.budget == 0 for t in _doc(dest).tables())
    assert "预算数 92767000 → 0：填写 2026 年度的预算" in result.stdout


def test_in_place_in_a_git_repository(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    repo = tmp_path / "repo"
    spec = write_tree(repo / "测试局", {"部门.yaml": DEPARTMENT, "projects/01-法律顾问费.yaml": PROJECT})
    env = ["-c", "user.name=测试", "-c", "user.email=t@example.com"]
    subprocess.run(["git", "init", "-q"], cwd=repo, check=True)
    subprocess.run(["git", "add", "-A"], cwd=repo, check=True)
    subprocess.run(["git", *env, "commit", "-q", "-m", "2025"], cwd=repo, check=True)
    result = runner.invoke(app, ["rollover", str(spec), "--年度", "2026", "-o", str(spec)])
    assert result.exit_code == 0, result.output
    assert (spec / "顺延清单-2026.md").is_file()
    monkeypatch.chdir(repo)
    diff = runner.invoke(app, ["diff", "HEAD"])
    assert diff.exit_code == 1
    assert "  年度：2025 → 2026" in diff.stdout
    assert "  时效指标 / 法律顾问工作完成时限 · 指标值：2025.12.31 → 2026.12.31" in diff.stdout


def test_usage_errors(tmp_path: Path) -> None:
    spec = write_tree(tmp_path / "测试局", {"部门.yaml": DEPARTMENT, "projects/01-法律顾问费.yaml": PROJECT})
    assert runner.invoke(app, ["rollover", str(spec), "--年度", "2025"]).exit_code == 2
    earlier = runner.invoke(app, ["rollover", str(spec), "--年度", "2015"])  # 2025 mistyped
    assert earlier.exit_code == 2 and "早于规格的 2025 年度" in earlier.output and "如 2026" in earlier.output
    assert not (tmp_path / "测试局-2015").exists() and not list(tmp_path.glob("*2015*"))
    assert runner.invoke(app, ["rollover", str(spec), "--年度", "2200"]).exit_code == 2
    (tmp_path / "满的").mkdir()
    (tmp_path / "满的" / "a.txt").write_text("x", encoding="utf-8")
    result = runner.invoke(app, ["rollover", str(spec), "--年度", "2026", "-o", str(tmp_path / "满的")])
    assert result.exit_code == 2 and "不是空文件夹" in result.output
    result = runner.invoke(app, ["rollover", str(spec), "--年度", "2026", "-o", str(spec / "新")])
    assert result.exit_code == 2 and "在原规格文件夹" in result.output and "-2026" in result.output
    broken = write_tree(tmp_path / "坏的", {"部门.yaml": DEPARTMENT, "projects/01-a.yaml": "项目名称: a\n"})
    assert runner.invoke(app, ["rollover", str(broken), "--年度", "2026"]).exit_code == 1
    assert not (tmp_path / "坏的-2026").exists()


def test_year_mentions() -> None:
    kinds = [(m.year, m.kind) for m in mentions("4.2025年下半年；津财社指【2024】142号；2021—2025年规划；2018年以来；≥2000人；2025.12.31")]
    assert kinds == [(2025, "year"), (2024, "docno"), (2021, "range"), (2025, "year"), (2018, "history"), (2025, "date")]


def test_leftover_years_for_a_check_rule(tmp_path: Path) -> None:
    spec = write_tree(tmp_path / "测试局", {
        "部门.yaml": DEPARTMENT.replace("年度: 2025", "年度: 2026"),
        "projects/01-法律顾问费.yaml": PROJECT.replace("资金用途: 法律咨询服务", "资金用途: 按2025年计划，依据津财【2024】3号开展咨询"),
        "projects/02-2024年资金.yaml": PROJECT.replace("项目名称: 法律顾问费", "项目名称: 2024年中央资金")
        .replace("绩效目标: 1.聘请律师提供法律咨询服务", "绩效目标: 1.拨付2024年中央资金"),
    })
    found = [(y.label, y.mention.year, y.table.number if y.table else None) for y in leftover_years(_doc(spec))]
    assert found == [("资金用途", 2025, 1)]


def test_check_flags_last_years_mentions_after_a_rollover(rolled: tuple[Path, Path, str]) -> None:
    """JX507 points at the years a rollover leaves in texts; each is in the checklist too."""
    from jixiao.checks import run_checks

    old, new, _ = rolled
    assert not [f for f in run_checks(load_department(old), _doc(old)) if f.rule == "JX507"]
    spec = load_department(new)
    found = [f for f in run_checks(spec, _doc(new), select=["JX507"])]
    checklist = (new / "顺延清单-2026.md").read_text(encoding="utf-8")
    for f in found:
        assert f"`{f.path}:{f.line}:" in checklist, f.path
    if old.name == "tangshan-2025":
        assert found, "Tangshan's texts say 2025 in places: after the rollover they are 2025 in a 2026 document"
