"""Bad input, as an attacker or a careless client would write it: a clear positioned message, never more.

Each case is a small spec. Every case asserts the exit code, the message and its
position, that no traceback and no internal error (exit 3) occurred, that the
spec files are unchanged and that no output or temporary file was left.
Output-folder cases are in test_safety_files.py, PDF resource cases in
test_safety_pdf.py.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from conftest import DEPARTMENT, PROJECT, write_tree
from jixiao import expand_department, load_department
from jixiao.cli import app
from jixiao.resources import builtin_templates

runner = CliRunner()
ROOT = Path(__file__).resolve().parents[1]
ATTACK = "{{ cycler.__init__.__globals__.os.popen('id').read() }}"


def hashes(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and not p.is_symlink()
    }


def leftovers(folder: Path) -> list[Path]:
    return [p for p in folder.rglob("*") if p.name.endswith(".tmp") or p.name.startswith(".jx-")]


def run(spec: Path, *args: str, command: str = "validate") -> Any:
    """The CLI in-process; asserts what must hold for every bad input."""
    before = hashes(spec)
    result = runner.invoke(app, [command, str(spec), *args])
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert result.exit_code != 3
    assert "Traceback" not in result.output and "Traceback" not in result.stderr
    assert hashes(spec) == before, "the spec was modified"
    assert not leftovers(spec.parent)
    return result


def first_line(result: Any) -> str:
    return str(result.stderr.splitlines()[0])


def project(text: str, tmp_path: Path, *, department: str = DEPARTMENT, extra: dict[str, str] | None = None) -> Path:
    return write_tree(tmp_path / "spec", {"部门.yaml": department, "projects/01-x.yaml": text, **(extra or {})})


# (case, project text, line, col, words in the message)
SPEC_CASES: list[tuple[str, str, int, int, str]] = [
    ("公式访问 Python 内部", PROJECT + f'改写:\n  成本: {{值: "{ATTACK}"}}\n', 7, 11,
     "「值」的公式中不允许访问「cycler.__init__.__globals__.os.popen(…).read」 — 只能使用 README 中列出的名字"),
    ("公式中的下标访问", PROJECT + '改写:\n  成本: {值: "{{ 事项[\'__class__\'] }}"}\n', 7, 11, "不允许访问"),
    ("公式中的方法", PROJECT + '改写:\n  成本: {描述: "{{ 事项.upper() }}"}\n', 7, 12, "不允许访问「事项.upper」"),
    ("公式中的循环", PROJECT + '改写:\n  成本: {值: "{% for i in 事项 %}x{% endfor %}"}\n', 7, 11, "不能使用循环"),
    ("公式中的宏", PROJECT + '改写:\n  成本: {值: "{% macro f() %}{{ f() }}{% endmacro %}{{ f() }}"}\n', 7, 11,
     "不能使用宏"),
    ("巨大的乘方", PROJECT + '改写:\n  成本: {值: "{{ 7**(10**9) }}"}\n', 7, 11, "乘方的指数 1000000000 太大"),
    ("巨大的重复", PROJECT + '改写:\n  成本: {值: "{{ \'x\' * 10**9 }}"}\n', 7, 11, "超过上限"),
    ("百分号格式化", PROJECT + '改写:\n  成本: {值: "{{ \'%999999999d\' % 1 }}"}\n', 7, 11, "不能用 % 格式化文字"),
    ("没有 range", PROJECT + '改写:\n  成本: {值: "{{ range(10) }}"}\n', 7, 11, "未定义的名字"),
    ("公式结果超过一格", PROJECT + '改写:\n  成本: {描述: "{{ \'很长\' * 6000 }}"}\n', 7, 12, "超过每格（每段）10000 字"),
    ("一格文字过长", PROJECT.replace("法律咨询服务", "长" * 10_001), 4, 7, "「资金用途」有 10001 个字"),
    ("别名炸弹", PROJECT + "x: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n" + "".join(
        f"x{i}: &a{i} [{', '.join(['*a' if i == 0 else f'*a{i - 1}'] * 10)}]\n" for i in range(8)), 6, 33,
     "文件展开后超过 100000 项"),
    ("嵌套过深", PROJECT + "资金用途2: " + "[" * 2000 + "]" * 2000 + "\n", 6, 48, "嵌套层次超过 40 层"),
    ("嵌套稍深", PROJECT + "x: " + "[" * 60 + "]" * 60 + "\n", 6, 44, "嵌套层次超过 40 层"),
    ("Python 标签", PROJECT.replace("资金用途: 法律咨询服务", "资金用途: !!python/object/apply:os.system ['id']"), 4, 7,
     "不能使用 YAML 标签「!!python/object/apply:os.system」"),
    ("自定义标签", PROJECT.replace("资金用途: 法律咨询服务", "资金用途: !include /etc/passwd"), 4, 7, "YAML 标签「!include」"),
    ("NUL 字节", PROJECT.replace("法律咨询服务", "法律\x00咨询"), 4, 9, "控制字符 U+0000"),
    ("单独的代理码位", PROJECT.replace("法律咨询服务", '"\\ud800"'), 4, 7, "无效的字符 U+D800"),
    ("巨大的金额", PROJECT.replace("5.00", "1e308"), 3, 6, "金额超出范围"),
    ("30 位的金额", PROJECT.replace("5.00", "123456789012345678901234567890"), 3, 6, "金额超出范围"),
    ("无穷大", PROJECT.replace("5.00", ".inf"), 3, 6, "应为数字（金额）"),
    ("极小的金额", PROJECT.replace("5.00", "1e-400"), 3, 6, "精度超出金额单位"),
    ("指数巨大的金额", PROJECT.replace("5.00", "1e999999999"), 3, 6, "金额超出范围"),
    ("指数巨大的负金额", PROJECT.replace("5.00", '"-9e999999999"'), 3, 6, "金额超出范围"),
    ("指数极小的金额", PROJECT.replace("5.00", "1e-999999999"), 3, 6, "精度超出金额单位"),
    ("公式中指数巨大的数", PROJECT + '改写:\n  成本: {值: "≤{{ 向上取整(\'1e999999999\') }}万元"}\n', 7, 11,
     "超出了可计算的范围"),
    ("公式中极小的步长", PROJECT + '改写:\n  成本: {值: "≤{{ 向上取整(预算数, \'1e-999999999\') }}万元"}\n', 7, 11,
     "步长「1e-999999999」应当是正数"),
    ("公式中不是数字的参数", PROJECT + '改写:\n  成本: {值: "≤{{ 向上取整(\'abc\') }}万元"}\n', 7, 11, "应当是数字"),
    ("公式中溢出的乘方", PROJECT + '改写:\n  成本: {值: "≤{{ (((预算数 * 10 ** 12) ** 100) ** 100) ** 100 }}万元"}\n', 7, 11,
     "超出了可计算的范围"),
    ("指标值中的巨大数字", PROJECT + '改写:\n  成本: {值: "≤1234567890123456789万元"}\n', 7, 11, "数字位数过多"),
]


@pytest.mark.parametrize(("case", "text", "line", "col", "words"), SPEC_CASES, ids=[c[0] for c in SPEC_CASES])
def test_bad_spec_is_a_positioned_error(tmp_path: Path, case: str, text: str, line: int, col: int, words: str) -> None:
    spec = project(text, tmp_path)
    result = run(spec)
    assert result.exit_code == 1, result.output
    head = first_line(result)
    assert head.startswith(f"{spec / 'projects' / '01-x.yaml'}:{line}:{col}: 错误: ") or head.startswith(
        f"spec/projects/01-x.yaml:{line}:{col}: 错误: "
    ), head
    assert words in head
    assert "提示" in result.stderr
    assert "uid=" not in result.output + result.stderr


@pytest.mark.parametrize("field", ["资金用途", "绩效目标"])
def test_an_overlong_text_is_reported_once(tmp_path: Path, field: str) -> None:
    text = "\n".join(f"{field}: {'长' * 13_500}" if line.startswith(f"{field}:") else line for line in PROJECT.split("\n"))
    result = run(project(text, tmp_path))
    assert result.exit_code == 1
    assert result.stderr.count("13500 个字") == 1, result.stderr
    assert f"「{field}」有 13500 个字，超过每格（每段）10000 字的上限" in result.stderr
    assert "共 1 个问题" in result.stderr


@pytest.mark.parametrize(
    ("written", "value"),
    [("资金用途:\t法律咨询服务", "法律咨询服务"), ("资金用途: 法律\t咨询服务", "法律\t咨询服务"),
     ("资金用途: 法律咨询服务\t# 注释", "法律咨询服务"), ("资金用途:\t|\n  法律咨询服务", "法律咨询服务\n")],
    ids=["after the colon", "inside the value", "before a comment", "before a block scalar"],
)
def test_a_tab_where_yaml_allows_one_is_read(tmp_path: Path, written: str, value: str) -> None:
    spec = project(PROJECT.replace("资金用途: 法律咨询服务", written), tmp_path)
    result = run(spec, "--json", command="expand")
    assert result.exit_code == 0, result.stderr
    import json

    assert json.loads(result.stdout)["parts"][0]["tables"][0]["use"] == value


@pytest.mark.parametrize(
    ("text", "line", "col", "words"),
    [(PROJECT + "改写:\n\t成本: 删除\n", 7, 1, "制表符（Tab）缩进"),
     (PROJECT + "绩效指标:\n  - \t[数量指标, 印制批次, 批次, ≥20批]\n", 7, 5, "制表符（Tab）不能出现在这个位置")],
    ids=["indentation", "after a dash"],
)
def test_a_tab_where_yaml_allows_none_is_positioned(tmp_path: Path, text: str, line: int, col: int, words: str) -> None:
    result = run(project(text, tmp_path))
    assert result.exit_code == 1
    assert f"01-x.yaml:{line}:{col}: 错误: " in first_line(result) and words in first_line(result)


def test_fmt_names_a_tab_it_cannot_keep(tmp_path: Path) -> None:
    spec = project(PROJECT.replace("资金用途: 法律咨询服务", "资金用途:\t法律咨询服务"), tmp_path)
    result = run(spec, command="fmt")
    assert result.exit_code == 1
    assert "01-x.yaml:4:6: 错误: jixiao fmt 整理不了值前或值中的制表符（Tab）" in result.stderr


def test_amount_errors_name_the_largest_accepted_amount(tmp_path: Path) -> None:
    for text in ("1e308", ".inf", "123456789012345678901234567890", "1e999999999"):
        result = run(project(PROJECT.replace("5.00", text), tmp_path / text))
        assert result.exit_code == 1 and "999999999999.99" in result.stderr


@pytest.mark.parametrize(("year", "words"), [("0", "不能小于 1990"), ("99999", "不能大于 2100")])
def test_year_out_of_range(tmp_path: Path, year: str, words: str) -> None:
    spec = project(PROJECT, tmp_path, department=DEPARTMENT.replace("年度: 2025", f"年度: {year}"))
    result = run(spec)
    assert result.exit_code == 1
    assert first_line(result).endswith(f"部门.yaml:1:5: 错误: 「年度」{words}，这里写的是「{year}」")


def test_invalid_utf8_and_gbk_are_positioned(tmp_path: Path) -> None:
    spec = project(PROJECT, tmp_path)
    (spec / "projects" / "02-bad.yaml").write_bytes(PROJECT.encode().replace("律师".encode(), b"\xff\xfe"))
    (spec / "projects" / "03-gbk.yaml").write_bytes(("# 注释\n" + PROJECT).encode("gbk"))
    result = run(spec)
    assert result.exit_code == 1
    lines = result.stderr.splitlines()
    assert any("02-bad.yaml:5:11: 错误: 文件不是 UTF-8 编码：这里的字节 0xFF" in line for line in lines)
    assert any("03-gbk.yaml:1:3: 错误: 文件不是 UTF-8 编码，而是 GBK（GB18030）编码" in line for line in lines)


def test_attack_in_a_spec_preset_runs_nothing(tmp_path: Path) -> None:
    preset = f'基于: 运转类\n改写:\n  满意度: {{值: "{ATTACK}"}}\n'
    spec = project(PROJECT + "预设: 坏\n", tmp_path, extra={"presets/坏.yaml": preset})
    result = run(spec, command="expand")
    assert result.exit_code == 1
    assert "presets/坏.yaml:3:12: 错误: 「值」的公式中不允许访问「cycler." in result.stderr
    assert "uid=" not in result.output


def test_attack_runs_nothing_in_a_real_process(tmp_path: Path) -> None:
    """The whole command as a user runs it: no shell command, no traceback, within seconds."""
    text = PROJECT + f'改写:\n  成本: {{值: "{ATTACK}"}}\n  时限: {{值: "{{{{ 7**(10**9) }}}}"}}\n'
    spec = project(text, tmp_path)
    proc = subprocess.run(
        [sys.executable, "-m", "jixiao", "render", str(spec), "-o", str(tmp_path / "out"), "--format", "docx"],
        capture_output=True, text=True, timeout=60, cwd=tmp_path,
    )
    assert proc.returncode == 1
    assert "uid=" not in proc.stdout + proc.stderr and "Traceback" not in proc.stderr
    assert "不允许访问" in proc.stderr and "乘方的指数" in proc.stderr
    assert not (tmp_path / "out").exists()


def test_control_characters_are_dropped_and_reported(tmp_path: Path) -> None:
    dept = DEPARTMENT.replace("部门名称: 测试局", '部门名称: "测试\\x01局"')
    spec = project(PROJECT.replace("资金用途: 法律咨询服务", '资金用途: "法律\\x07咨询服务"'), tmp_path, department=dept)
    result = run(spec, command="check")
    assert "部门.yaml:2:7: JX604 警告 部门名称中有不可见的控制字符 U+0001" in result.stdout
    assert "01-x.yaml:4:1: JX604 警告 资金用途中有不可见的控制字符 U+0007" in result.stdout
    out = tmp_path / "out"
    rendered = runner.invoke(app, ["render", str(spec), "-o", str(out), "--format", "docx"])
    assert rendered.exit_code == 0, rendered.output
    for docx in out.rglob("*.docx"):
        with zipfile.ZipFile(docx) as zf:
            for name in zf.namelist():
                if name.endswith(".xml"):
                    data = zf.read(name)
                    assert b"\x01" not in data and b"\x07" not in data, name


def test_markup_characters_stay_literal(tmp_path: Path) -> None:
    text = PROJECT.replace("法律咨询服务", "\"<b>&amp;'x'</b> & <script>\"")
    spec = project(text, tmp_path)
    out = tmp_path / "out"
    result = runner.invoke(app, ["render", str(spec), "-o", str(out), "--format", "docx", "--format", "html"])
    assert result.exit_code == 0, result.output
    html = next(out.glob("*.html")).read_text(encoding="utf-8")
    assert "&lt;b&gt;&amp;amp;&#39;x&#39;&lt;/b&gt; &amp; &lt;script&gt;" in html
    from docxtext import dump

    assert "<b>&amp;'x'</b> & <script>" in dump(out / "projects" / "01-x.docx")


# --- files reached through links, and folders others can write to -------------------------


def test_symlinked_project_outside_the_spec_is_refused(tmp_path: Path) -> None:
    secret = tmp_path / "secret.yaml"
    secret.write_text(PROJECT.replace("法律顾问费", "机密项目"), encoding="utf-8")
    spec = project(PROJECT, tmp_path)
    (spec / "projects" / "02-link.yaml").symlink_to(secret)
    (spec / "projects" / "03-dangling.yaml").symlink_to(tmp_path / "nowhere.yaml")
    result = run(spec, command="expand")
    assert result.exit_code == 1
    assert "02-link.yaml:1:1: 错误: 「02-link.yaml」是指向规格文件夹以外的符号链接" in result.stderr
    assert "03-dangling.yaml:1:1: 错误: 符号链接「03-dangling.yaml」指向的文件不存在" in result.stderr
    assert "机密项目" not in result.output


def test_symlink_inside_the_spec_is_fine(tmp_path: Path) -> None:
    spec = project(PROJECT, tmp_path, extra={"shared/p.yaml": PROJECT.replace("法律顾问费", "印刷费")})
    (spec / "projects" / "02-link.yaml").symlink_to(spec / "shared" / "p.yaml")
    assert [t.name for t in expand_department(load_department(spec)).tables()] == ["法律顾问费", "印刷费"]


def test_symlinked_preset_outside_is_refused(tmp_path: Path) -> None:
    outside = tmp_path / "evil.yaml"
    outside.write_text(f'基于: 运转类\n改写:\n  满意度: {{值: "{ATTACK}"}}\n', encoding="utf-8")
    spec = project(PROJECT + "预设: 外部\n", tmp_path)
    (spec / "presets").mkdir()
    (spec / "presets" / "外部.yaml").symlink_to(outside)
    result = run(spec)
    assert result.exit_code == 1 and "外部.yaml:1:1: 错误: 「外部.yaml」是指向规格文件夹以外的符号链接" in result.stderr


@pytest.mark.parametrize("folder", ["presets", "layouts", "projects"])
def test_a_symlinked_folder_outside_the_spec_is_refused(tmp_path: Path, folder: str) -> None:
    outside = tmp_path / "outside"
    write_tree(outside, {
        "外部.yaml": PROJECT.replace("法律顾问费", "机密项目"),
        "坏.yaml": "机密内容: [未闭合\n",
    })
    spec = project(PROJECT + "预设: 外部\n" if folder == "presets" else PROJECT, tmp_path)
    if folder == "projects":
        (spec / "projects" / "01-x.yaml").unlink()
        (spec / "projects").rmdir()
    (spec / folder).symlink_to(outside, target_is_directory=True)
    for command in ("validate", "check", "expand"):
        result = run(spec, command=command)
        assert result.exit_code == 1, result.output
        assert f"{folder}:1:1: 错误: 「{folder}」是指向规格文件夹以外的符号链接" in result.stderr
        assert "机密" not in result.output and "outside/坏.yaml" not in result.stderr
        assert result.stderr.count("指向规格文件夹以外") == 1


def test_a_symlinked_checks_folder_outside_the_spec_is_refused(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    write_tree(outside, {"词表.yaml": "常用指标: [机密]\n错别字: [{错: 的, 正: 机密}]\n"})
    spec = project(PROJECT, tmp_path)
    (spec / "checks").symlink_to(outside, target_is_directory=True)
    result = run(spec, command="check")
    assert result.exit_code == 1
    assert "checks/词表.yaml:1:1: 错误: 「checks」是指向规格文件夹以外的符号链接" in result.stderr
    assert "机密" not in result.output


def test_a_symlinked_folder_inside_the_spec_is_fine(tmp_path: Path) -> None:
    spec = project(PROJECT + "预设: 共用\n", tmp_path, extra={
        "shared/presets/共用.yaml": "基于: 运转类\n改写:\n  满意度: {值: ≥97%}\n",
    })
    (spec / "presets").symlink_to(spec / "shared" / "presets", target_is_directory=True)
    table = expand_department(load_department(spec)).tables()[0]
    assert any(r.value == "≥97%" for r in table.rows)


def test_fmt_leaves_files_of_a_symlinked_folder_alone(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    write_tree(outside, {"外部.yaml": "基于:   运转类\n"})
    before = (outside / "外部.yaml").read_bytes()
    spec = project(PROJECT, tmp_path)
    (spec / "presets").symlink_to(outside, target_is_directory=True)
    result = runner.invoke(app, ["fmt", str(spec)])
    assert result.exit_code == 0, result.output
    assert (outside / "外部.yaml").read_bytes() == before


EVIL_PRESET = "绩效指标:\n  - {键: 完成率, 二级: 数量指标, 三级: 被注入的值, 描述: 被注入的描述, 值: =100%}\n"


def _tables(spec: Path) -> str:
    return expand_department(load_department(spec)).model_dump_json()


def test_presets_in_a_folder_others_can_write_are_ignored(tmp_path: Path) -> None:
    shared = tmp_path / "shared"
    write_tree(shared, {"templates/presets/运转类.yaml": EVIL_PRESET})
    shared.chmod(0o1777)  # like /tmp: anyone may create templates/ here
    spec = write_tree(shared / "部门" / "spec", {"部门.yaml": DEPARTMENT, "projects/01-x.yaml": PROJECT})
    assert "被注入的值" not in _tables(spec)
    shared.chmod(0o755)  # the same folder, private: it is the user's own repository
    assert "被注入的值" in _tables(spec)
    (shared / "templates").chmod(0o777)
    assert "被注入的值" not in _tables(spec)


def test_search_stops_at_the_repository_root(tmp_path: Path) -> None:
    outer = write_tree(tmp_path / "outer", {"templates/presets/运转类.yaml": EVIL_PRESET})
    spec = write_tree(outer / "repo" / "spec", {"部门.yaml": DEPARTMENT, "projects/01-x.yaml": PROJECT})
    assert "被注入的值" in _tables(spec)
    (outer / "repo" / ".git").mkdir()
    assert "被注入的值" not in _tables(spec)


# --- templates -----------------------------------------------------------------------------


def _html_template(spec: Path, old: str, new: str) -> None:
    text = (builtin_templates() / "html" / "document.html.j2").read_text(encoding="utf-8")
    assert old in text
    target = spec / "templates" / "html" / "document.html.j2"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text.replace(old, new), encoding="utf-8")


@pytest.mark.parametrize(
    ("new", "words"),
    [
        (ATTACK, "试图访问不允许访问的对象"),
        ("{{ 标题.upper() }}", "试图访问不允许访问的对象"),
        ("{{ range(10) }}", "不存在的变量"),
        ("{% macro f() %}{{ f() }}{% endmacro %}{{ f() }}", "递归层次过深"),
        ("{% macro f() %}{{ f() }}{{ f() }}{% endmacro %}{{ f() }}", "递归层次过深"),
        ("{% for a in [1,2,3,4,5,6,7,8,9,10] %}" * 8 + "x" + "{% endfor %}" * 8, "计算步数超过上限"),
        ("{% set a = '0123456789' %}" + "".join(
            f"{{% set {chr(98 + i)} = {'~'.join([chr(97 + i)] * 10)} %}}" for i in range(8)) + "{{ i }}",
         "超过上限"),
        ("{{ '%s' % 1 }}", "不能用 % 格式化文字"),
        ("{{ 标题 | center(1000000000) }}", "No filter named 'center'"),
        ('{% include "/etc/passwd" %}', "渲染失败"),
        ('{% include "../../../../../../etc/passwd" %}', "渲染失败"),
    ],
    ids=["cycler", "method", "range", "recursion", "branching-recursion", "nested-loops", "doubling", "percent",
         "center", "include-absolute", "include-dotdot"],
)
def test_hostile_html_template_is_a_clear_error(tmp_path: Path, new: str, words: str) -> None:
    spec = project(PROJECT, tmp_path)
    _html_template(spec, "<title>{{ 标题 }}</title>", f"<title>{new}</title>")
    out = tmp_path / "out"
    result = run(spec, "-o", str(out), "--format", "html", command="render")
    assert result.exit_code == 1, result.output
    assert words in result.stderr
    assert "uid=" not in result.output + result.stderr and "root:" not in result.stderr
    assert not out.exists()


def test_template_symlink_leaving_the_folder_is_refused(tmp_path: Path) -> None:
    spec = project(PROJECT, tmp_path)
    _html_template(spec, "<title>{{ 标题 }}</title>", '<title>{% include "secret.html" %}</title>')
    secret = tmp_path / "secret.html"
    secret.write_text("机密内容", encoding="utf-8")
    (spec / "templates" / "html" / "secret.html").symlink_to(secret)
    result = run(spec, "-o", str(tmp_path / "out"), "--format", "html", command="render")
    assert result.exit_code == 1 and "指向模板文件夹以外的符号链接" in result.stderr
    assert "机密内容" not in result.output


def test_word_template_setting_outside_the_spec_is_refused(tmp_path: Path) -> None:
    outside = tmp_path / "外部.docx"
    outside.write_bytes((builtin_templates() / "docx" / "table.docx").read_bytes())
    spec = project(PROJECT, tmp_path, department=DEPARTMENT + "模板: {项目表: ../外部.docx}\n")
    result = run(spec, "-o", str(tmp_path / "out"), "--format", "docx", command="render")
    assert result.exit_code == 1 and "在规格文件夹以外" in result.stderr


def test_hostile_word_template_is_a_clear_error(tmp_path: Path) -> None:
    spec = project(PROJECT, tmp_path)
    src = builtin_templates() / "docx" / "table.docx"
    target = tmp_path / "t.docx"
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(target, "w") as zout:
        for info in zin.infolist():
            data = zin.read(info)
            if info.filename == "word/document.xml":
                data = data.replace("{{ 表.表题 }}".encode(), b"{{ cycler.__init__.__globals__ }}")
            zout.writestr(info, data)
    result = run(spec, "-o", str(tmp_path / "out"), "--format", "docx", "--table-template", str(target),
                 command="render")
    assert result.exit_code == 1 and "不允许访问" in result.stderr and "uid=" not in result.output


def test_oversized_word_template_is_refused(tmp_path: Path) -> None:
    spec = project(PROJECT, tmp_path)
    bomb = tmp_path / "bomb.docx"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("word/document.xml", b"<" + b" " * (101 * 1024 * 1024))
    result = run(spec, "-o", str(tmp_path / "out"), "--format", "docx", "--table-template", str(bomb),
                 command="render")
    assert result.exit_code == 1 and "解压后有" in result.stderr


def test_many_comment_lines_load(tmp_path: Path) -> None:
    """100 000 comment lines are read (benchmarks/check_bench.py prints how fast)."""
    text = "".join(f"# 注释 {i}\n" for i in range(100_000)) + PROJECT
    spec = project(text, tmp_path)
    result = run(spec)
    assert result.exit_code == 0, result.output


@pytest.mark.skipif(not hasattr(os, "getuid"), reason="POSIX permissions")
def test_sandbox_error_never_reaches_internal_error(tmp_path: Path) -> None:
    """Everything the attack cases raise is a JixiaoError: the CLI never falls back to exit 3."""
    proc = subprocess.run(
        [sys.executable, "-m", "jixiao", "validate", str(project(PROJECT + "资金用途2: " + "[" * 5000, tmp_path))],
        capture_output=True, text=True, timeout=60,
    )
    assert proc.returncode == 1 and "Traceback" not in proc.stderr


def test_preset_base_cycle_is_reported_once_where_it_is_written(tmp_path: Path) -> None:
    dept = DEPARTMENT.replace("预设: 运转类", "预设: 甲")
    projects = {f"projects/0{i}-x.yaml": PROJECT.replace("法律顾问费", f"项目{i}") for i in range(1, 4)}
    spec = write_tree(tmp_path / "spec", {
        "部门.yaml": dept, **projects,
        "presets/甲.yaml": "基于: 乙\n", "presets/乙.yaml": "基于: 甲\n",
    })
    result = run(spec)
    assert result.exit_code == 1
    errors = [line for line in result.stderr.splitlines() if "错误" in line]
    assert len(errors) == 1 and "基于」形成了循环：甲 → 乙 → 甲" in errors[0]
    assert errors[0].split(": 错误")[0].endswith("presets/甲.yaml:1:5") or "乙.yaml:1:5" in errors[0]
