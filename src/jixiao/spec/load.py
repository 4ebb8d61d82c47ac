"""Load a department folder: ``部门.yaml`` + ``projects/*.yaml`` + visible presets.

This is the *load* stage: YAML → typed spec with source positions. It knows
nothing of Word or HTML and never writes anything. Every problem it can see is
collected; a :class:`~jixiao.errors.SpecError` carries all of them at once.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from jixiao import limits
from jixiao.errors import Diagnostic, SpecError, UsageError
from jixiao.resources import link_problem, preset_dirs
from jixiao.spec.frameworks import FrameworkLibrary, FrameworkSpec, framework_dirs, load_frameworks
from jixiao.spec.layout import LayoutSpec
from jixiao.spec.layouts import LayoutLibrary, layout_dirs, load_layouts
from jixiao.spec.model import (
    CheckSettings,
    Defaults,
    Department,
    Item,
    Part,
    PartOne,
    Project,
    RowSpec,
    Section,
    Unit,
)
from jixiao.spec.presets import PresetLibrary, PresetSpec, load_library
from jixiao.spec.pydantic_errors import (
    allowed_keys,
    diagnostics_from_validation,
    repair_unknown_keys,
)
from jixiao.spec.workbook import WorkbookLayoutSpec, resolve_workbook
from jixiao.spec.yamlio import Loaded, NodePath, Positions, load_yaml

DEPARTMENT_FILES = ("部门.yaml", "department.yaml")
PROJECTS_DIR = "projects"

M = TypeVar("M", bound=BaseModel)


@lru_cache(maxsize=1)
def _builtin_frameworks() -> FrameworkLibrary:
    """The built-in frameworks (效益, 效果, 2021, 2021核心) as a library."""
    from jixiao.resources import builtin_templates

    return load_frameworks([builtin_templates() / "frameworks"])


@dataclass(frozen=True)
class ProjectSource:
    """One project file, parsed, with the positions of its nodes."""

    path: Path
    stem: str
    pos: Positions
    spec: Project


@dataclass(frozen=True)
class LoadedSpec:
    """A whole department spec: what the *expand* stage consumes."""

    root: Path
    path: Path
    pos: Positions
    department: Department
    projects: list[ProjectSource]
    presets: PresetLibrary
    layouts: LayoutLibrary
    #: Problems found while loading files that could be skipped (a project or
    #: preset file); expansion reports them together with its own.
    problems: tuple[Diagnostic, ...] = ()
    #: Every named framework (指标体系) visible from the spec; the built-in ones by default.
    frameworks: FrameworkLibrary = field(default_factory=lambda: _builtin_frameworks())
    #: The 工作簿布局 部门.yaml names (工作簿), else the built-in default; None when it does not load.
    workbook: WorkbookLayoutSpec | None = None
    #: Stems of project files that are there but did not load (their problems are in ``problems``).
    unloaded: tuple[str, ...] = ()


def find_root(spec: Path | str) -> Path:
    """The department folder for a folder, a department file or a project file.

    Raises:
        UsageError: nothing that looks like a department spec is there.
    """
    spec = Path(spec)
    spec = spec.resolve() if spec.exists() else spec
    if not spec.exists():
        raise UsageError(f"找不到「{spec}」：请给出部门规格文件夹（含 部门.yaml）或其中的文件")
    candidates = [spec] if spec.is_dir() else [spec.parent, spec.parent.parent]
    for folder in candidates:
        if any((folder / name).is_file() for name in DEPARTMENT_FILES):
            return folder
    raise UsageError(f"「{spec}」不是部门规格：文件夹中应有 部门.yaml（或 department.yaml）")


def department_file(root: Path) -> Path:
    """``部门.yaml`` (or ``department.yaml``) inside *root*."""
    for name in DEPARTMENT_FILES:
        if (root / name).is_file():
            return root / name
    raise UsageError(f"「{root}」中没有 部门.yaml")


@lru_cache(maxsize=1)
def _known_keys() -> frozenset[str]:
    models: list[type[BaseModel]] = [
        Department, Unit, Defaults, PartOne, Section, Item, Part, LayoutSpec, Project, RowSpec, PresetSpec,
        CheckSettings, FrameworkSpec,
    ]
    return frozenset(k for m in models for k in allowed_keys(m))


def fullwidth_colon_keys(data: Any, pos: Positions, path: NodePath = ()) -> list[Diagnostic]:
    """Strings like ``项目名称：法律顾问费`` — a key written with a full-width colon."""
    out: list[Diagnostic] = []
    if isinstance(data, dict):
        for k, v in data.items():
            out += fullwidth_colon_keys(v, pos, (*path, k))
    elif isinstance(data, list):
        for i, v in enumerate(data):
            out += fullwidth_colon_keys(v, pos, (*path, i))
    elif isinstance(data, str) and "\n" not in data:
        head = data.split("：", 1)[0].strip()
        if "：" in data and head in _known_keys():
            out.append(
                pos.diag(
                    path,
                    f"「{head}」后面用了全角冒号「：」，YAML 需要半角冒号加空格「: 」",
                    f"改成「{head}: {data.split('：', 1)[1].strip()}」",
                )
            )
    return out


def parse_file(path: Path, model: type[M]) -> tuple[M | None, Positions | None, list[Diagnostic]]:
    """Load one YAML file into *model*, returning every diagnostic found."""
    loaded = load_yaml(path)
    if isinstance(loaded, Diagnostic):
        return None, None, [loaded]
    return validate_loaded(loaded, model)


def validate_loaded(
    loaded: Loaded, model: type[M]
) -> tuple[M | None, Positions | None, list[Diagnostic]]:
    """Validate parsed data against *model*."""
    diags = fullwidth_colon_keys(loaded.data, loaded.pos)
    data = loaded.data if loaded.data is not None else {}
    if not isinstance(data, dict):
        if diags:
            return None, loaded.pos, diags
        diags.append(
            loaded.pos.diag((), "文件内容应为「键: 值」的映射", "每行写成「项目名称: 法律顾问费」的形式（半角冒号加空格）")
        )
        return None, loaded.pos, diags
    if diags:
        return None, loaded.pos, diags
    try:
        return model.model_validate(data), loaded.pos, []
    except ValidationError as exc:
        diags = diagnostics_from_validation(exc, loaded.pos, model)
        repaired = repair_unknown_keys(data, exc, model)
    if repaired is None:
        return None, loaded.pos, diags
    # Misspelt keys are reported; go on as if they were spelt right, so the file's
    # other problems show up in the same run.
    fixed, renames = repaired
    try:
        spec = model.model_validate(fixed)
    except ValidationError:
        return None, loaded.pos, diags
    for old, new in renames:
        loaded.pos.rename(old, new)
    return spec, loaded.pos, diags


def project_files(root: Path) -> list[Path]:
    """Project files in file-name order (symbolic links included; see :func:`unsafe_links`)."""
    folder = root / PROJECTS_DIR
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.glob("*.yaml") if p.is_file() or p.is_symlink())


def unsafe_links(paths: list[Path], root: Path) -> tuple[list[Path], list[Diagnostic]]:
    """Split *paths* into readable files and diagnostics for links leaving *root* or leading nowhere."""
    ok: list[Path] = []
    problems: list[Diagnostic] = []
    for path in paths:
        problem = link_problem(path, root)
        if problem is None:
            ok.append(path)
        else:
            problems.append(Diagnostic(path, 1, 1, problem, "把文件本身复制到规格文件夹中，而不是链接到别处"))
    return ok, problems


def load_department(spec: Path | str) -> LoadedSpec:
    """Load and validate a department spec (types and syntax; semantics are in expand).

    A project or preset file that does not load is left out and its problems
    are carried in :attr:`LoadedSpec.problems`, so that expansion can still
    check every other file and report all problems at once.

    Raises:
        UsageError: *spec* is not a department spec.
        SpecError: the department file itself does not load (with every problem
            found in any file).
    """
    root = find_root(spec)
    dept_path = department_file(root)
    _, refused = unsafe_links([dept_path], root)
    if refused:
        raise SpecError(refused)
    diags: list[Diagnostic] = []
    department, dpos, d = parse_file(dept_path, Department)
    diags += d
    projects: list[ProjectSource] = []
    _, refused = unsafe_links([root / PROJECTS_DIR], root) if (root / PROJECTS_DIR).is_symlink() else ([], [])
    diags += refused
    files = project_files(root) if not refused else []
    if len(files) > limits.MAX_PROJECTS:
        raise SpecError(
            [
                Diagnostic(
                    root / PROJECTS_DIR, 1, 1,
                    f"projects 文件夹中有 {len(files)} 个项目文件，超过上限 {limits.MAX_PROJECTS} 个",
                    "一个部门的项目不会有这么多：检查是否放错了文件夹",
                )
            ]
        )
    files, refused = unsafe_links(files, root)
    diags += refused
    unloaded: list[str] = [d.path.stem for d in refused]
    for path in files:
        project, ppos, d = parse_file(path, Project)
        diags += d
        if project is not None and ppos is not None:
            projects.append(ProjectSource(path, path.stem, ppos, project))
        else:
            unloaded.append(path.stem)
    presets = load_library(preset_dirs(root))
    diags += presets.diagnostics
    layouts = load_layouts(layout_dirs(root))
    diags += layouts.diagnostics
    frameworks = load_frameworks(framework_dirs(root))
    diags += frameworks.diagnostics
    if department is None or dpos is None:
        raise SpecError(diags)
    workbook, problems = resolve_workbook(root, department.workbook, dpos.diag(("工作簿",), ""))
    diags += problems
    return LoadedSpec(root, dept_path, dpos, department, projects, presets, layouts, tuple(diags), frameworks, workbook,
                      tuple(unloaded))
