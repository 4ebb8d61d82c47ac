"""``jixiao init`` and ``jixiao new``: new spec files from the scaffolds in templates/init/."""

from __future__ import annotations

import datetime as dt
import os
import re
from pathlib import Path

import jinja2

from jixiao import limits
from jixiao.errors import UsageError
from jixiao.expand import derive_item
from jixiao.fileio import write_atomic
from jixiao.layouts import DEFAULT as DEFAULT_LAYOUT
from jixiao.layouts import load_layouts
from jixiao.resources import builtin_templates
from jixiao.schema import write_schemas
from jixiao.spec.load import find_root, load_department, project_files
from jixiao.textenv import render_bounded, sandbox

_UNSAFE = re.compile(r'[\\/:*?"<>|\s]+')


def _scaffold(name: str, context: dict[str, object]) -> str:
    env = sandbox(
        loader=jinja2.FileSystemLoader(builtin_templates() / "init"),
        autoescape=False,
        keep_trailing_newline=True,
        max_value=limits.MAX_TEMPLATE_VALUE_CHARS,
    )
    return render_bounded(env.get_template(name), context)


def safe_file_name(text: str) -> str:
    """A file name that every file system accepts (no / \\ : * ? " < > | or spaces)."""
    return _UNSAFE.sub("_", text).strip("._") or "项目"


def init_department(folder: Path, name: str, year: int | None = None, layout: str = DEFAULT_LAYOUT) -> list[Path]:
    """Create a new department folder with a commented example.

    Raises:
        UsageError: the folder exists and is not empty, or *layout* is not a built-in layout.
    """
    if folder.exists() and any(folder.iterdir()):
        raise UsageError(f"「{folder}」已存在且不是空文件夹；请换一个新文件夹名")
    names = load_layouts([builtin_templates() / "layouts"]).names()
    if layout not in names:
        raise UsageError(f"版式「{layout}」不存在；内置的版式：{'、'.join(names)}")
    year = year or dt.date.today().year + 1
    dept = folder / "部门.yaml"
    context = {"年度": year, "部门名称": name, "版式": layout, "版式名称": "、".join(names)}
    write_atomic(dept, _scaffold("部门.yaml", context).encode("utf-8"))
    first = folder / "projects" / "01-办公费.yaml"
    text = _scaffold(
        "项目.yaml",
        {
            "项目名称": "办公费",
            "单位": "000001",
            "预设": "运转类",
            "事项": "办公",
            "模式": "../schema/project.schema.json",
        },
    )
    write_atomic(first, text.encode("utf-8"))
    return [dept, first, *write_schemas(folder / "schema")]


def _schema_ref(projects: Path) -> str:
    """Relative path from *projects* to the nearest project.schema.json above it, or ""."""
    for folder in (projects, *projects.resolve().parents):
        candidate = folder / "schema" / "project.schema.json"
        if candidate.is_file():
            return Path(os.path.relpath(candidate, projects.resolve())).as_posix()
    return ""


def new_project(spec: Path, name: str, preset: str | None, unit: str | None) -> Path:
    """Add ``projects/NN-名称.yaml`` after the last numbered project.

    Raises:
        UsageError: unknown unit or preset, or the spec does not load.
    """
    root = find_root(spec)
    loaded = load_department(root)
    units = loaded.department.units
    chosen = next((u for u in units if unit in (None, u.code, u.name)), None)
    if chosen is None:
        codes = "、".join(f"{u.code}（{u.name}）" for u in units)
        raise UsageError(f"单位「{unit}」不存在；可用的单位：{codes}")
    defaults = [d for d in (chosen.defaults, loaded.department.defaults) if d is not None]
    preset = preset or next((d.preset for d in defaults if d.preset), None)
    if preset == "无":
        preset = None
    if preset is not None and preset not in loaded.presets.presets:
        raise UsageError(f"预设「{preset}」不存在；可用的预设：{'、'.join(loaded.presets.names())}")
    numbers = [int(m.group(1)) for p in project_files(root) if (m := re.match(r"^(\d+)", p.stem))]
    number = max(numbers, default=0) + 1
    path = root / "projects" / f"{number:02d}-{safe_file_name(name)}.yaml"
    text = _scaffold(
        "项目.yaml",
        {
            "项目名称": name,
            "单位": chosen.code,
            "预设": preset or "",
            "事项": derive_item(name),
            "模式": _schema_ref(root / "projects"),
        },
    )
    write_atomic(path, text.encode("utf-8"))
    return path
