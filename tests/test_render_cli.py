"""`jixiao render`: check gate, --only, templates, stale files, all-or-nothing writes."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from conftest import DEPARTMENT, PROJECT
from docxtext import dump
from jixiao.chars import unjoined
from jixiao.cli import app
from jixiao.errors import RenderError
from jixiao.render.word import template as docx_module
from jixiao.resources import builtin_templates

runner = CliRunner()
SECOND = PROJECT.replace("法律顾问费", "印刷费").replace("法律咨询服务", "印刷材料")


def render(*args: str) -> Any:
    return runner.invoke(app, ["render", *args, "--format", "docx"])


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(folder)): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and p.name != ".jixiao-manifest.json"
    }


def test_render_refuses_when_checks_find_errors(spec_dir: Any, tmp_path: Path) -> None:
    bad = PROJECT + "改写:\n  成本: {值: ≥0.5万元/月}\n"  # cost written as a lower bound: JX302
    spec = spec_dir({"01-法律顾问费": bad})
    out = tmp_path / "out"
    result = render(str(spec), "-o", str(out))
    assert result.exit_code == 1
    assert "JX302" in result.stderr and "--force" in result.stderr
    assert not out.exists()
    forced = render(str(spec), "-o", str(out), "--force")
    assert forced.exit_code == 0, forced.stderr
    assert (out / "projects" / "01-法律顾问费.docx").is_file()


def test_render_writes_combined_and_per_project_files(spec_dir: Any, tmp_path: Path) -> None:
    spec = spec_dir({"01-法律顾问费": PROJECT, "02-印刷费": SECOND})
    out = tmp_path / "out"
    result = render(str(spec), "-o", str(out))
    assert result.exit_code == 0, result.stderr
    assert result.stderr == ""  # not a terminal: no progress bar
    assert sorted(_snapshot(out)) == sorted([
        "测试局部门绩效目标.docx",
        "projects/01-法律顾问费.docx",
        "projects/02-印刷费.docx",
    ])
    assert "测试局部门绩效目标.docx" in result.stdout and "2 个项目" in result.stdout


def test_default_output_folder_is_named_after_the_spec(spec_dir: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    spec = spec_dir()
    monkeypatch.chdir(tmp_path)
    assert render(str(spec)).exit_code == 0
    assert (tmp_path / "output" / spec.name / "projects" / "01-法律顾问费.docx").is_file()


def test_only_renders_the_chosen_projects(spec_dir: Any, tmp_path: Path) -> None:
    spec = spec_dir({"01-法律顾问费": PROJECT, "02-印刷费": SECOND})
    out = tmp_path / "out"
    (out / "projects").mkdir(parents=True)
    (out / "projects" / "07-旧项目.docx").write_bytes(b"old")
    assert render(str(spec), "-o", str(out), "--only", "印刷费").exit_code == 0
    assert sorted(_snapshot(out)) == ["projects/02-印刷费.docx", "projects/07-旧项目.docx"]
    by_number = render(str(spec), "-o", str(out), "--only", "1")
    assert by_number.exit_code == 0
    assert (out / "projects" / "01-法律顾问费.docx").is_file()
    unknown = render(str(spec), "-o", str(out), "--only", "不存在的项目")
    assert unknown.exit_code == 2 and "没有这个序号或项目名称" in unknown.stderr


def test_stale_files_of_deleted_projects_are_removed(spec_dir: Any, tmp_path: Path) -> None:
    spec = spec_dir({"01-法律顾问费": PROJECT, "02-印刷费": SECOND})
    out = tmp_path / "out"
    assert render(str(spec), "-o", str(out)).exit_code == 0
    kept = (out / "projects" / "02-印刷费.docx").stat().st_mtime_ns
    (spec / "projects" / "01-法律顾问费.yaml").unlink()  # 印刷费 is table 1 now, still 02-印刷费
    (out / "projects" / "说明.txt").write_text("用户自己的文件", encoding="utf-8")
    result = render(str(spec), "-o", str(out))
    assert result.exit_code == 0
    assert sorted(_snapshot(out)) == sorted([
        "测试局部门绩效目标.docx",
        "projects/02-印刷费.docx",
        "projects/说明.txt",
    ])
    assert "01-法律顾问费.docx" in result.stdout  # removed
    assert (out / "projects" / "02-印刷费.docx").stat().st_mtime_ns != kept  # its title says 1. now


def test_a_failing_render_leaves_the_old_outputs(
    spec_dir: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("JIXIAO_CACHE_DIR", str(tmp_path / "cache"))  # what is cached is this test's own
    spec = spec_dir({"01-法律顾问费": PROJECT, "02-印刷费": SECOND})
    out = tmp_path / "out"
    assert render(str(spec), "-o", str(out)).exit_code == 0
    before = _snapshot(out)
    (spec / "projects" / "01-法律顾问费.yaml").write_text(PROJECT.replace("5.00", "6.00"), encoding="utf-8")
    real = docx_module.WordTemplate.render
    calls = {"n": 0}

    def fail_on_second_project(self: Any, *args: Any, **kw: Any) -> bytes:
        calls["n"] += 1
        if calls["n"] == 2:  # project 1 (edited; project 2 comes from the cache), then the combined document fails
            raise RenderError("模拟的渲染失败")
        return real(self, *args, **kw)

    monkeypatch.setattr(docx_module.WordTemplate, "render", fail_on_second_project)
    result = render(str(spec), "-o", str(out))
    assert result.exit_code == 1 and "模拟的渲染失败" in result.stderr
    assert _snapshot(out) == before  # nothing half-updated, no temporary files left


def _patched_template(path: Path, old: str, new: str) -> None:
    """The built-in project template, *old* replaced by *new* in its document.xml, saved as *path*."""
    src = builtin_templates() / "docx" / "table.docx"
    with zipfile.ZipFile(src) as zin:
        items = [(i, zin.read(i)) for i in zin.infolist()]
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zout:
        for info, data in items:
            if info.filename == "word/document.xml":
                data = data.replace(old.encode(), new.encode())
            zout.writestr(info, data)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(buf.getvalue())


def _custom_template(path: Path, marker: str) -> None:
    """The built-in project template with *marker* added before the table."""
    _patched_template(path, "<w:body>", f"<w:body><w:p><w:r><w:t>{marker}{{{{ 部门 }}}}</w:t></w:r></w:p>")


def test_user_templates_from_spec_setting_option_and_folder(spec_dir: Any, tmp_path: Path) -> None:
    spec = spec_dir()
    out = tmp_path / "out"
    # 1. templates/docx/table.docx in the user's folder replaces the built-in one.
    _custom_template(spec / "templates" / "docx" / "table.docx", "文件夹模板")
    assert render(str(spec), "-o", str(out)).exit_code == 0
    assert "文件夹模板测试局" in dump(out / "projects" / "01-法律顾问费.docx")
    # 2. 部门.yaml 模板.项目表 wins over the folder.
    _custom_template(spec / "模板" / "表.docx", "设置模板")
    dept = (spec / "部门.yaml").read_text(encoding="utf-8") + "模板: {项目表: 模板/表.docx}\n"
    (spec / "部门.yaml").write_text(dept, encoding="utf-8")
    assert render(str(spec), "-o", str(out)).exit_code == 0
    assert "设置模板测试局" in dump(out / "projects" / "01-法律顾问费.docx")
    # 3. --table-template wins over both.
    _custom_template(tmp_path / "选项.docx", "选项模板")
    assert render(str(spec), "-o", str(out), "--table-template", str(tmp_path / "选项.docx")).exit_code == 0
    assert "选项模板测试局" in dump(out / "projects" / "01-法律顾问费.docx")


@pytest.mark.parametrize("jobs", ["1", "2"])  # checked in this process, or by a worker process (render/build.py)
def test_template_problems_are_clear_errors(spec_dir: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                            jobs: str) -> None:
    monkeypatch.setenv("JIXIAO_JOBS", jobs)
    spec = spec_dir()
    dept = (spec / "部门.yaml").read_text(encoding="utf-8") + "模板: {文档: 没有这个.docx}\n"
    (spec / "部门.yaml").write_text(dept, encoding="utf-8")
    result = render(str(spec), "-o", str(tmp_path / "out"))
    assert result.exit_code == 1 and "模板.文档" in result.stderr and "没有这个.docx" in result.stderr
    (tmp_path / "坏.docx").write_bytes(b"not a zip")
    bad = render(str(spec), "-o", str(tmp_path / "out"), "--template", str(tmp_path / "坏.docx"))
    assert bad.exit_code == 1 and "无法读取 Word 模板" in bad.stderr
    assert not (tmp_path / "out").exists()


def test_template_with_unknown_variable_is_reported(spec_dir: Any, tmp_path: Path) -> None:
    spec = spec_dir()
    _patched_template(tmp_path / "t.docx", "{{ 表.表题 }}", "{{ 表.不存在 }}")
    result = render(str(spec), "-o", str(tmp_path / "out"), "--table-template", str(tmp_path / "t.docx"))
    assert result.exit_code == 1 and "不存在的变量" in result.stderr


def test_bad_format_is_a_usage_error(spec_dir: Any) -> None:
    result = runner.invoke(app, ["render", str(spec_dir()), "--format", "odt"])
    assert result.exit_code == 2


def test_render_pdf_and_html_through_the_command(spec_dir: Any, tmp_path: Path) -> None:
    spec = spec_dir({"01-法律顾问费": PROJECT, "02-印刷费": SECOND})
    out = tmp_path / "out"
    result = runner.invoke(app, ["render", str(spec), "-o", str(out), "--format", "pdf", "--format", "html"])
    assert result.exit_code == 0, result.stderr
    assert result.stderr == ""
    files = _snapshot(out)
    assert sorted(files) == sorted([
        "测试局部门绩效目标.html",
        "测试局部门绩效目标.pdf",
        "projects/01-法律顾问费.pdf",
        "projects/02-印刷费.pdf",
    ])
    assert all(files[name].startswith(b"%PDF-") for name in files if name.endswith(".pdf"))
    assert "法律顾问费绩效目标表" in unjoined(files["测试局部门绩效目标.html"].decode("utf-8"))


def test_weasyprint_warnings_reach_stderr_in_chinese(spec_dir: Any, tmp_path: Path) -> None:
    css = (builtin_templates() / "html" / "style.css").read_text(encoding="utf-8")
    spec = spec_dir(extra={"templates/html/style.css": css + "\np { colour: red; }\n"})
    result = runner.invoke(app, ["render", str(spec), "-o", str(tmp_path / "out"), "--format", "pdf"])
    assert result.exit_code == 0, result.stderr
    assert "PDF 排版提示（WeasyPrint）" in result.stderr and "colour" in result.stderr


THREE_PARTS = DEPARTMENT + """\
第一部分:
  标题: 部门整体绩效目标
  总体绩效目标: 做好法律事务和宣传工作。
  分项绩效目标:
    - {标题: 法律事务, 绩效目标: 依法行政, 绩效指标: 合同审查率100%}
  工作保障措施: [加强组织领导。]
部分:
  - 标题: 专项资金绩效目标
    项目: [02-印刷费]
  - 标题: 预算项目绩效目标
"""


def test_more_than_two_parts_each_hold_their_tables(spec_dir: Any, tmp_path: Path) -> None:
    import pypdf

    spec = spec_dir({"01-法律顾问费": PROJECT, "02-印刷费": SECOND}, department=THREE_PARTS)
    out = tmp_path / "out"
    result = runner.invoke(app, ["render", str(spec), "-o", str(out), "--format", "all"])
    assert result.exit_code == 0, result.stderr
    # Word: each part heading, then its own tables, numbered through the document.
    text = dump(out / "测试局部门绩效目标.docx")
    marks = ["第二部分", "专项资金绩效目标", "1.印刷费绩效目标表", "第三部分", "预算项目绩效目标", "2.法律顾问费绩效目标表"]
    positions = [text.index(mark) for mark in marks]
    assert positions == sorted(positions), text[:400]
    assert sorted(p.name for p in (out / "projects").iterdir()) == [  # named like their project files
        "01-法律顾问费.docx", "01-法律顾问费.pdf", "02-印刷费.docx", "02-印刷费.pdf",
    ]
    # PDF: the outline has the three parts, each table under its own part.
    outline: Any = pypdf.PdfReader(out / "测试局部门绩效目标.pdf").outline
    tops = [item.title for item in outline if not isinstance(item, list)]
    assert tops == ["第一部分 部门整体绩效目标", "第二部分 专项资金绩效目标", "第三部分 预算项目绩效目标"]
    children = [[i.title for i in item] for item in outline if isinstance(item, list)]
    assert children[-2:] == [["1.印刷费绩效目标表"], ["2.法律顾问费绩效目标表"]]
