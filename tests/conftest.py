"""Shared fixtures: small spec folders written from text."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from textwrap import dedent

import pytest


def pytest_configure(config: pytest.Config) -> None:
    """Renders in tests use a cache folder of their own, never the user's ~/.cache/jixiao."""
    os.environ.setdefault("JIXIAO_CACHE_DIR", tempfile.mkdtemp(prefix="jixiao-test-cache-"))
    # pytest-xdist workers inherit COLUMNS=80; rich would freeze that width into jixiao's consoles when
    # jixiao.cli is imported, and tests that invoke a command with env={"COLUMNS": ...} could not widen it.
    os.environ.pop("COLUMNS", None)

DEPARTMENT = """\
年度: 2025
部门名称: 测试局
金额单位: 万元
单位:
  - {单位编码: "100001", 单位名称: 测试局本级}
默认:
  预设: 运转类
  指标值确定依据: 工作计划
  资金支出计划: [20%, 50%, 80%, 100%]
"""

PROJECT = """\
项目名称: 法律顾问费
单位: "100001"
预算数: 5.00
资金用途: 法律咨询服务
绩效目标: 1.聘请律师提供法律咨询服务
"""


def write_tree(root: Path, files: dict[str, str]) -> Path:
    """Write ``{relative path: text}`` under *root* (text is dedented)."""
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(dedent(text), encoding="utf-8")
    return root


@pytest.fixture
def spec_dir(tmp_path: Path):  # type: ignore[no-untyped-def]
    """Factory: a department folder with the given project files (and 部门.yaml)."""

    def make(projects: dict[str, str] | None = None, department: str = DEPARTMENT,
             extra: dict[str, str] | None = None) -> Path:
        files = {"部门.yaml": department}
        for name, text in (projects if projects is not None else {"01-法律顾问费": PROJECT}).items():
            files[f"projects/{name}.yaml"] = text
        files.update(extra or {})
        return write_tree(tmp_path / "spec", files)

    return make
