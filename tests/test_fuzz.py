"""Fuzz: mutated example specs may only ever produce jixiao's own diagnostics.

Random keys, values, types, unicode, YAML syntax and truncation are applied to
files of the example specs, and load → expand → check runs in-process. A
:class:`~jixiao.errors.JixiaoError` (a positioned message for the user) is
fine; any other exception is a bug that would end in exit 3 for a user.

``jixiao diff`` is fuzzed with commits made by hand: random tree entries (names
such as ``..`` and ``.git``, links, submodules, duplicates, files and folders of
one name) and mutated spec files; it must never exit 3 nor write outside its
temporary folder.

The default run is short (200 examples, 40 for diff). Run it long with::

    JIXIAO_FUZZ_EXAMPLES=20000 .venv/bin/python -m pytest tests/test_fuzz.py
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from conftest import DEPARTMENT, PROJECT, write_tree
from gittrees import blob, git, raw_tree
from jixiao import expand_department, load_department
from jixiao.checks import run_checks
from jixiao.cli import app
from jixiao.errors import JixiaoError

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = int(os.environ.get("JIXIAO_FUZZ_EXAMPLES", "200"))

#: Small specs to mutate: Dongli whole, and Tangshan with its presets and a handful of projects.
TANGSHAN_PROJECTS = ("02-法律顾问费", "11-印刷费", "14-综合业务培训费", "18-困难群众医疗救助资金", "19-办公费",
                     "33-城乡居民医疗保险补助资金", "45-综合业务会议费", "47-医保工作经费")


def _base_specs() -> list[Path]:
    base = Path(tempfile.mkdtemp(prefix="jixiao-fuzz-"))
    dongli = base / "dongli"
    shutil.copytree(ROOT / "specs" / "dongli-2025", dongli)
    tangshan = base / "tangshan"
    tangshan.mkdir()
    source = ROOT / "specs" / "tangshan-2025"
    shutil.copy(source / "部门.yaml", tangshan / "部门.yaml")
    shutil.copytree(source / "presets", tangshan / "presets")
    (tangshan / "projects").mkdir()
    for path in sorted((source / "projects").glob("*.yaml")):
        if path.stem in TANGSHAN_PROJECTS:
            shutil.copy(path, tangshan / "projects" / path.name)
    return [dongli, tangshan]


BASES = _base_specs()
FILES = [(base, path.relative_to(base)) for base in BASES for path in sorted(base.rglob("*.yaml"))]

KEYS = [
    "项目名称", "单位", "项目编码", "预算数", "财政资金", "其他资金", "资金用途", "资金支出计划", "绩效目标", "预设",
    "事项", "改写", "绩效指标", "指标值确定依据", "完成时限", "日期格式", "检查", "标题", "年度", "部门名称",
    "金额单位", "版式", "指标体系", "默认", "第一部分", "部分", "基于", "键", "二级", "三级", "描述", "值", "依据",
    "删除", "一级", "<<", "未知键", "版式", "基于", "单位行", "表题编号", "表题编号范围", "首页", "部分标题", "列宽",
    "支出计划小数位", "支出计划标签", "位置", "前", "后", "章节编号", "其他章节", "合为一段", "编号", "内容", "模板", "网页",
]
TOKENS = [
    "[", "]", "{", "}", "&a", "*a", "!!python/object/apply:os.system ['id']", "!!set {a}", "!x y", "~", "- ", "|",
    ">-", "'", '"', "\t", ":", "#", "%", "@", "`", "? ", "---", "...", "\\", "\ufeff", "\u3000", "：", "－",
    "1e308", "1e-400", ".inf", ".nan", "-1", "0", "99999", "123456789012345678901234567890", "0x1F", "0o17",
    "2025-13-45", "2025.12.31", "≥100%", "≤0.17万元/月", ">90%", "≥", "≤1e9万元", "28.00%", "[20%, 50%, 80%, 100%]",
    "[1, 2]", "{a: 1}", "{{ 预算数 / 12 }}", "{{ 向上取整(预算数 / 0, 0.01) }}", "{{ 向上取整(预算数, -1) }}",
    "{{ 7**(10**9) }}", "{{ 事项.upper() }}", "{{ x }}", "{% for i in 事项 %}{% endfor %}", "{{ 预算数 ** 100 }}",
    "{{ 1/0 }}", "{{ 预算数 * 10**30 }}", "{{ '很长' * 2 }}", "\"\\ud800\"", "\"\\x07\"", "\"\\0\"", "删除", "无",
    "运转类", "本级", "不存在的预设", "619001", "true", "null", "元", "万元", "河北", "天津", "2021", "效果",
    "（一）", "1、", "一是", "(一)、", "无", "专项资金", "公文", "每部分", "表前", "[20, 30, 40, 30, 20, 16]", "{前: 完成率}",
    "{后: 没有}", "{基于: 天津}", "{基于: 不存在}", "第二部分", "0*", "[\"1*\"]", "-1e3", "99",
]

values = st.one_of(
    st.sampled_from(TOKENS),
    st.text(max_size=30),
    st.integers(min_value=-(10**40), max_value=10**40).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.lists(st.sampled_from(TOKENS), max_size=6).map(lambda xs: "[" + ", ".join(xs) + "]"),
    st.lists(st.sampled_from(TOKENS), max_size=4).map(lambda xs: " ".join(xs)),
)


@st.composite
def mutation(draw: st.DrawFn, text: str) -> str:
    """One random edit of *text*."""
    lines = text.split("\n")
    kind = draw(st.sampled_from(["value", "insert", "delete", "truncate", "splice", "duplicate", "indent"]))
    i = draw(st.integers(min_value=0, max_value=max(0, len(lines) - 1)))
    if kind == "value" and ": " in lines[i]:
        head = lines[i].split(": ", 1)[0]
        lines[i] = f"{head}: {draw(values)}"
    elif kind == "insert":
        indent = " " * draw(st.sampled_from([0, 0, 2, 4, 1, 3]))
        key = draw(st.one_of(st.sampled_from(KEYS), st.text(min_size=1, max_size=8)))
        lines.insert(i, f"{indent}{key}: {draw(values)}")
    elif kind == "delete":
        del lines[i]
    elif kind == "truncate":
        return text[: draw(st.integers(min_value=0, max_value=len(text)))]
    elif kind == "splice":
        at = draw(st.integers(min_value=0, max_value=len(text)))
        return text[:at] + draw(values) + text[at:]
    elif kind == "duplicate":
        lines.insert(i, lines[i])
    else:
        lines[i] = " " * draw(st.integers(min_value=0, max_value=6)) + lines[i].lstrip()
    return "\n".join(lines)


def _run(root: Path) -> None:
    try:
        loaded = load_department(root)
        run_checks(loaded, expand_department(loaded))
    except JixiaoError:
        pass  # a positioned message for the user: exactly what bad input should give


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    derandomize="JIXIAO_FUZZ_SEED" not in os.environ,
)
@given(data=st.data())
def test_mutated_specs_give_only_diagnostics(data: st.DataObject) -> None:
    base, relative = data.draw(st.sampled_from(FILES), label="file")
    edits = data.draw(st.integers(min_value=1, max_value=3), label="edits")
    with tempfile.TemporaryDirectory(prefix="jixiao-fuzz-") as tmp:
        root = Path(tmp) / base.name
        shutil.copytree(base, root)
        target = root / relative
        text = target.read_text(encoding="utf-8")
        for _ in range(edits):
            text = data.draw(mutation(text), label="mutated")
        target.write_text(text, encoding="utf-8", errors="surrogatepass")
        _run(root)


# --- jixiao diff of hand-made commits ---------------------------------------------------------

#: A tree: (mode, name, content) where content is bytes (a blob), a tree, or None (a submodule).
Tree = list[tuple[str, bytes, "bytes | Tree | None"]]

NAMES = [b"..", b".", b".git", b".GIT", b"git~1", b".git.", b"a\\b", b"/etc", b"x/y", b"projects", b"presets",
         b"layouts", b"checks", b"templates", "部门.yaml".encode(), b"01-x.yaml", b"02-y.yaml", b"p.yaml",
         b"\xff\xfe.yaml", b"a" * 300, b"-rf", b" .yaml", b"\n.yaml"]
MODES = ["100644", "100644", "100755", "120000", "160000", "40000", "100600"]


@st.composite
def contents(draw: st.DrawFn, depth: int) -> bytes | Tree | None:
    kind = draw(st.sampled_from(["yaml", "bytes", "tree", "none"] if depth < 3 else ["yaml", "bytes", "none"]))
    if kind == "yaml":
        return draw(mutation(draw(st.sampled_from([PROJECT, DEPARTMENT, "基于: 运转类\n"])))).encode(
            "utf-8", errors="surrogatepass")
    if kind == "bytes":
        return draw(st.binary(max_size=64))
    if kind == "tree":
        return draw(trees(depth + 1))
    return None


@st.composite
def trees(draw: st.DrawFn, depth: int = 0) -> Tree:
    names = st.one_of(st.sampled_from(NAMES), st.text(min_size=1, max_size=6).map(lambda t: t.encode("utf-8", "surrogatepass")))
    return draw(st.lists(st.tuples(st.sampled_from(MODES), names, contents(depth)), max_size=4))


def _write(repo: Path, tree: Tree, head: str) -> str:
    entries = []
    for mode, name, content in tree:
        if isinstance(content, list):
            entries.append(("40000", name, _write(repo, content, head)))
        elif content is None or mode == "160000":
            entries.append(("160000", name, head))
        else:
            entries.append((mode if mode != "40000" else "100644", name, blob(repo, content)))
    return raw_tree(repo, entries)


@pytest.fixture(scope="module")
def diff_repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("fuzz-diff") / "repo"
    write_tree(root / "specs" / "x", {"部门.yaml": DEPARTMENT, "projects/01-x.yaml": PROJECT})
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "base")
    return root


def _listing(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*"))


@settings(
    max_examples=max(10, EXAMPLES // 5),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.function_scoped_fixture],
    derandomize="JIXIAO_FUZZ_SEED" not in os.environ,
)
@given(data=st.data())
def test_diff_of_hand_made_commits_never_fails_or_escapes(
    diff_repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, data: st.DataObject
) -> None:
    head = git(diff_repo, "rev-parse", "HEAD")
    spec_text = data.draw(mutation(PROJECT), label="project")
    spec: Tree = [
        ("100644", "部门.yaml".encode(), DEPARTMENT.encode()),
        ("40000", b"projects", [("100644", b"01-x.yaml", spec_text.encode("utf-8", "surrogatepass"))]),
    ]
    spec += data.draw(trees(1), label="spec entries")
    up: Tree = [("100644", data.draw(st.sampled_from([b"escape.yaml", "部门.yaml".encode()])), b"x: 1\n")]
    for _ in range(data.draw(st.integers(min_value=0, max_value=5), label="../ levels")):
        up = [("40000", data.draw(st.sampled_from([b"..", b".", b"projects"])), up)]
    spec += up if isinstance(up[0][2], list) else []
    if data.draw(st.booleans(), label="a file named like a folder"):
        spec.append(("100644", data.draw(st.sampled_from([b"projects", "部门.yaml".encode()])), b"x\n"))
    extra = data.draw(trees(1), label="root entries")
    root = _write(diff_repo, [("40000", b"specs", [("40000", b"x", spec)]), *extra], head)
    commit = git(diff_repo, "commit-tree", root, "-m", "fuzz")
    # Temporary copies go five folders below the sandbox: any escape with up to five ../ lands in it.
    sandbox = Path(tempfile.mkdtemp(prefix="sandbox-", dir=tmp_path))
    base = sandbox / "a" / "b" / "c" / "d" / "tmp"
    base.mkdir(parents=True)
    before = _listing(sandbox)
    monkeypatch.setattr(tempfile, "tempdir", str(base))
    status = subprocess.run(["git", "status", "--porcelain"], cwd=diff_repo, capture_output=True, check=True).stdout
    monkeypatch.chdir(diff_repo)
    for args in ([f"{commit}:specs/x", "main:specs/x"], [commit, "specs/x"], [commit, "HEAD"]):
        result = CliRunner().invoke(app, ["diff", *args])
        assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
        assert result.exit_code in (0, 1, 2), result.output
        assert _listing(sandbox) == before
    assert subprocess.run(["git", "status", "--porcelain"], cwd=diff_repo, capture_output=True, check=True).stdout == status
