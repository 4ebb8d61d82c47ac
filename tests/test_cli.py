"""The command line: Chinese help, init/new scaffolds, doctor, expand output, exit codes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from jixiao import expand_department, load_department
from jixiao.cli import app

runner = CliRunner()


def test_help_is_chinese() -> None:
    result = runner.invoke(app, ["--help"])
    assert result.exit_code == 0
    for text in ("规格：校验、展开、检查", "生成文档", "新建与导入", "用 git 管理规格", "选项", "显示帮助并退出。", "检查规格",
                 "展开规格", "新建部门规格", "检查本机环境"):
        assert text in result.output
    for command in ("validate", "expand", "schema", "init", "new", "doctor"):
        assert command in result.output
    assert "Show this message" not in result.output
    assert "用法：jixiao [选项] 命令 [参数]..." in result.output and "Usage" not in result.output
    one = runner.invoke(app, ["check", "--help"], env={"COLUMNS": "200"})
    assert "用法：jixiao check [选项] [spec]" in one.output and "OPTIONS" not in one.output


def test_version() -> None:
    from jixiao import __version__

    for flag in ("--version", "-V"):
        result = runner.invoke(app, [flag])
        assert (result.exit_code, result.output) == (0, f"jixiao {__version__}\n")


def test_the_typer_internal_is_wrapped_only_where_it_is_known(monkeypatch: pytest.MonkeyPatch) -> None:
    """Contract of cli/typerhelp.py: the one typer internal it wraps, on the releases it knows."""
    import typer
    import typer.rich_utils as ru

    from jixiao.cli import typerhelp

    assert typerhelp.folding_known()
    assert ru._get_parameter_help.__wrapped__  # wrapped when jixiao.cli was imported
    monkeypatch.setattr(typer, "__version__", "0.99.0")
    assert not typerhelp.folding_known()
    monkeypatch.undo()
    monkeypatch.setattr(ru, "_get_parameter_help", lambda *, param, ctx: None)  # another signature
    assert not typerhelp.folding_known()
    monkeypatch.undo()
    src = Path(__file__).resolve().parents[1] / "src" / "jixiao"
    for path in sorted(src.rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        if path.name != "typerhelp.py":
            assert "rich_utils" not in text and "typer._" not in text and "_click" not in text, path


@pytest.mark.parametrize("release", ["", "0.99.0"], ids=["known", "unknown"])
def test_help_on_a_typer_jixiao_does_not_know_is_chinese_and_cut(release: str) -> None:
    """On an unknown typer long help lines are cut with「…」as typer cuts them; the texts stay Chinese."""
    patch = f"typer.__version__ = {release!r}; " if release else ""
    code = f"import sys, typer; {patch}sys.argv = ['jixiao', 'render', '--help']; from jixiao.cli.app import main; main()"
    env = {k: v for k, v in __import__("os").environ.items() if k != "TERMINAL_WIDTH"} | {"COLUMNS": "70"}
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=60)
    assert result.returncode == 0, result.stderr
    assert "显示帮助并退出。" in result.stdout and "选项" in result.stdout and "Show this message" not in result.stdout
    assert ("…" in result.stdout) == bool(release)


def test_python_dash_m_works() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "jixiao", "--help"], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0 and "jixiao（绩效）" in result.stdout


def test_init_then_new_then_validate(tmp_path: Path) -> None:
    folder = tmp_path / "新部门"
    result = runner.invoke(app, ["init", str(folder), "--部门", "某市卫生健康委员会", "--年度", "2026"])
    assert result.exit_code == 0, result.output
    assert (folder / "schema" / "project.schema.json").is_file()
    result = runner.invoke(app, ["new", str(folder), "综合业务培训费", "--预设", "培训类"])
    assert result.exit_code == 0, result.output
    created = folder / "projects" / "02-综合业务培训费.yaml"
    assert created.is_file()
    assert created.read_text(encoding="utf-8").startswith(
        "# yaml-language-server: $schema=../schema/project.schema.json"
    )
    doc = expand_department(load_department(folder))
    assert doc.title == "2026年某市卫生健康委员会部门绩效目标"
    tables = doc.tables()
    assert [t.name for t in tables] == ["办公费", "综合业务培训费"]
    assert tables[1].preset == "培训类" and tables[1].rows[0].level3 == "培训出勤率"
    assert tables[0].rows[2].value == "2026.12.31", "完成时限 is derived from 年度"


@pytest.mark.parametrize("layout", ["河北", "天津", "专项资金", "公文"])
def test_init_with_each_built_in_layout(tmp_path: Path, layout: str) -> None:
    folder = tmp_path / layout
    result = runner.invoke(app, ["init", str(folder), "--版式", layout, "--年度", "2026"])
    assert result.exit_code == 0, result.output
    text = (folder / "部门.yaml").read_text(encoding="utf-8")
    assert f"\n版式: {layout}\n" in text and "#   支出计划小数位: 2" in text  # every option shown, commented
    doc = expand_department(load_department(folder))
    table = doc.tables()[0]
    if layout == "天津":
        assert not table.layout.show_code and not table.layout.show_basis
    if layout == "专项资金":
        assert table.name_label == "专项资金名称" and not table.layout.unit_line
    if layout == "公文":
        assert doc.pages.front == "无" and table.heading.startswith("1、")
    unknown = runner.invoke(app, ["init", str(tmp_path / "x"), "--版式", "上海"])
    assert unknown.exit_code == 2 and "版式「上海」不存在" in unknown.stderr


def test_init_refuses_a_non_empty_folder(tmp_path: Path) -> None:
    (tmp_path / "x.txt").write_text("keep", encoding="utf-8")
    result = runner.invoke(app, ["init", str(tmp_path)])
    assert result.exit_code == 2 and "不是空文件夹" in result.stderr
    assert (tmp_path / "x.txt").read_text(encoding="utf-8") == "keep"


def test_new_rejects_unknown_preset_and_unit(spec_dir: Any) -> None:
    root = spec_dir()
    result = runner.invoke(app, ["new", str(root), "宣传费", "--预设", "没有"])
    assert result.exit_code == 2 and "预设「没有」不存在" in result.stderr
    result = runner.invoke(app, ["new", str(root), "宣传费", "--单位", "1"])
    assert result.exit_code == 2 and "单位「1」不存在" in result.stderr
    assert sorted(p.name for p in (root / "projects").iterdir()) == ["01-法律顾问费.yaml"]


def test_new_makes_file_names_safe(spec_dir: Any) -> None:
    root = spec_dir()
    result = runner.invoke(app, ["new", str(root), "现场稽核/督导 租车费"])
    assert result.exit_code == 0, result.output
    assert (root / "projects" / "02-现场稽核_督导 租车费.yaml").is_file()  # as render names its files


def test_expand_summary_and_json_file(spec_dir: Any, tmp_path: Path) -> None:
    root = spec_dir()
    result = runner.invoke(app, ["expand", str(root)])
    assert result.exit_code == 0 and "法律顾问费" in result.output and "运转类" in result.output
    target = tmp_path / "out" / "doc.json"
    result = runner.invoke(app, ["expand", str(root), "-o", str(target)])
    assert result.exit_code == 0
    data = json.loads(target.read_text(encoding="utf-8"))
    assert data["parts"][0]["numeral"] == "第一部分"
    assert data["parts"][0]["tables"][0]["heading"] == "1.法律顾问费绩效目标表"


def test_expand_failure_writes_nothing(spec_dir: Any, tmp_path: Path) -> None:
    from conftest import PROJECT

    root = spec_dir({"01-x": PROJECT + "预设: 不存在\n"})
    target = tmp_path / "doc.json"
    result = runner.invoke(app, ["expand", str(root), "-o", str(target)])
    assert result.exit_code == 1 and not target.exists()


def test_schema_command_writes_schemas(tmp_path: Path) -> None:
    result = runner.invoke(app, ["schema", "-o", str(tmp_path)])
    assert result.exit_code == 0
    project = json.loads((tmp_path / "project.schema.json").read_text(encoding="utf-8"))
    assert project["additionalProperties"] is False
    assert {"项目名称", "预算数", "绩效目标", "改写", "绩效指标"} <= set(project["properties"])
    assert set(project["required"]) == {"项目名称"}  # 单位: the only one, or from 默认
    assert project["anyOf"] == [{"required": ["绩效目标"]}, {"required": ["年度目标"]}]


def test_doctor_lists_every_component() -> None:
    result = runner.invoke(app, ["doctor"])
    assert result.exit_code in (0, 1)
    for name in ("Python", "Pango", "HarfBuzz", "中文字体", "仿宋、楷体", "LibreOffice"):
        assert name in result.output


def test_doctor_names_the_font_of_each_role(monkeypatch: pytest.MonkeyPatch) -> None:
    from jixiao.authoring import doctor

    monkeypatch.setattr(doctor, "_family_lines", lambda: ["AR PL KaitiM GB,文鼎ＰＬ简中楷", "Noto Serif CJK SC"])
    (found,) = [f for f in doctor.run_checks() if f.name.startswith("仿宋、楷体")]
    assert not found.ok and not found.required
    assert found.detail == "仿宋：未找到，用 Noto Serif CJK SC 代替；楷体：AR PL KaitiM GB"


def test_doctor_reports_weasyprint_without_the_harfbuzz_subsetter(monkeypatch: pytest.MonkeyPatch) -> None:
    from weasyprint.text import ffi

    from jixiao.authoring.doctor import run_checks

    monkeypatch.setattr(ffi, "harfbuzz_subset", None)
    (line,) = [f for f in run_checks() if f.name.startswith("HarfBuzz")]
    assert not line.ok and "慢约 10 倍" in line.detail
    assert "libharfbuzz-subset0" in line.fix


@pytest.mark.parametrize(("bad", "told"), [
    (["nosuchcommand"], "没有「nosuchcommand」这个命令"),
    (["expand"], "缺少参数 spec（部门规格文件夹（含 部门.yaml），或其中的某个文件）"),
    (["validate", "--bad-flag", "x"], "没有 --bad-flag 这个选项"),
    (["render", "x", "--fromat", "pdf"], "没有 --fromat 这个选项；是不是要写 --format？"),
    (["check", "x", "--format", "pdf"], "--format 的值无效：「pdf」不是可选的值，可选：text、json、markdown、xlsx、docx"),
    (["rollover", "x", "--年度", "明年"], "--年度 的值无效：应为整数"),
    (["check", "a", "b"], "多出了参数：b"),
    (["render", "x", "--only"], "选项 --only 后面要写一个值"),
], ids=["command", "argument", "option", "suggestion", "choice", "integer", "extra", "no-value"])
def test_usage_errors_exit_2_and_say_what_is_wrong_in_chinese(bad: list[str], told: str) -> None:
    result = runner.invoke(app, bad, env={"COLUMNS": "300"})
    assert result.exit_code == 2
    assert told in result.output
    for english in ("No such", "Missing", "Invalid value", "Got unexpected", "requires an argument"):
        assert english not in result.output


def test_usage_errors_on_a_typer_jixiao_does_not_know_are_typers_own(monkeypatch: pytest.MonkeyPatch) -> None:
    """Contract of cli/typerhelp.py for usage errors: the printer wrapped on known releases only; unknown errors
    keep typer's text."""
    import typer
    import typer.rich_utils as ru

    from jixiao.cli import typerhelp
    from jixiao.cli.usage import usage_message

    assert typerhelp.errors_known() and ru.rich_format_error.__wrapped__
    monkeypatch.setattr(typer, "__version__", "0.99.0")
    assert not typerhelp.errors_known()
    monkeypatch.undo()
    monkeypatch.setattr(ru, "rich_format_error", lambda self, console: None)  # another signature
    assert not typerhelp.errors_known()
    monkeypatch.undo()
    assert usage_message(ValueError("something else")) is None
    code = ("import sys, typer; typer.__version__ = '0.99.0'; sys.argv = ['jixiao', 'validate', '--bad-flag', 'x']; "
            "from jixiao.cli.app import main; main()")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60,
                            env={**__import__("os").environ, "COLUMNS": "200"})
    assert result.returncode == 2 and "No such option: --bad-flag" in result.stderr


def test_written_files_have_ordinary_permissions(spec_dir: Any, tmp_path: Path) -> None:
    import os

    target = tmp_path / "doc.json"
    assert runner.invoke(app, ["expand", str(spec_dir()), "-o", str(target)]).exit_code == 0
    mask = os.umask(0)
    os.umask(mask)
    assert target.stat().st_mode & 0o777 == 0o666 & ~mask


def test_outputs_are_byte_identical_across_runs(tmp_path: Path) -> None:
    spec = Path(__file__).resolve().parents[1] / "specs" / "tangshan-2025"
    first, second = tmp_path / "1.json", tmp_path / "2.json"
    assert runner.invoke(app, ["expand", str(spec), "-o", str(first)]).exit_code == 0
    assert runner.invoke(app, ["expand", str(spec), "-o", str(second)]).exit_code == 0
    assert first.read_bytes() == second.read_bytes()
    a = runner.invoke(app, ["check", str(spec), "--format", "json"]).stdout
    b = runner.invoke(app, ["check", str(spec), "--format", "json"]).stdout
    assert a == b and json.loads(a)["summary"]["total"] > 0


def test_ctrl_c_says_so_and_exits_130(
    spec_dir: Any, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import sys

    import jixiao.cli as cli
    import jixiao.cli.render as render_command

    def interrupted(*args: Any, **kwargs: Any) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(render_command, "open_spec", interrupted)
    monkeypatch.setattr(sys, "argv", ["jixiao", "render", str(spec_dir())])
    with pytest.raises(SystemExit) as exit_info:
        cli.main()
    assert exit_info.value.code == 130
    assert "已中断" in capsys.readouterr().err


@pytest.mark.parametrize(
    "args",
    [["--help"], ["render", "--help"], ["expand", "specs/tangshan-2025", "--explain", "3"]],
    ids=["help", "render-help", "explain"],
)
def test_output_to_a_pipe_is_not_cut(args: list[str]) -> None:
    """Piped output (CI logs, `| less`) is 120 columns wide and never cut with「…」."""
    from rich.cells import cell_len

    root = Path(__file__).resolve().parents[1]
    env = {k: v for k, v in __import__("os").environ.items() if k not in ("COLUMNS", "TERMINAL_WIDTH")}
    result = subprocess.run([sys.executable, "-m", "jixiao", *args], capture_output=True, text=True,
                            cwd=root, env=env, timeout=60)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert max(cell_len(line) for line in lines) <= 120
    assert not [line for line in lines if "… │" in line or line.rstrip().endswith("…")]  # rich's cut mark
    if "--explain" in args:
        assert "projects/03-基金监管专项经费.yaml:5:1" in result.stdout  # the whole source, on one line
    else:
        assert max(cell_len(line) for line in lines) > 100  # wider than rich's fallback of 80
