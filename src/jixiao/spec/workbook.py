"""工作簿布局: where every field sits in a budget system's Excel workbook, kept as YAML data.

Two shapes (``形式``):

* ``分表`` — one sheet per project: an optional title row, a labelled header block
  (each row one or two ``label | value`` pairs), the indicator table below, footnote rows;
* ``清单`` — flat sheets: each sheet has one header row of labels and then one row
  per project (``每行: 项目``) or one row per indicator row (``每行: 指标``) keyed by
  project columns such as 项目编码; with ``项目列只写首行`` the project columns of an
  indicator sheet are printed only on a project's first row (the reader fills them down).

A column (or a header field) is a field name (``项目编码``, ``三级指标`` …, see
:data:`jixiao.render.xlsx.fields.FIELDS`), or ``{字段: 计算符号, 标签: 指标性质, 列宽: 8}``
to print it under another label. Built-in layouts are ``templates/workbooks/*.yaml``;
the spec folder's ``workbooks/`` and the user's repository ``templates/workbooks/`` come
first, as for presets and 版式.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from jixiao.errors import Diagnostic
from jixiao.model.workbook import ColumnSpec, SheetSpec, WorkbookLayoutSpec
from jixiao.resources import builtin_templates, lookup_dirs
from jixiao.spec.named import load_file, load_named
from jixiao.spec.yamlio import Positions

DEFAULT = "分表"
FOLDER = "workbooks"

__all__ = ["DEFAULT", "ColumnSpec", "SheetSpec", "WorkbookLayout", "WorkbookLayoutProblem", "WorkbookLayoutSpec",
           "find_workbook_layout", "load_workbook_layouts", "workbook_dirs"]


@dataclass
class WorkbookLayout:
    """A loaded workbook layout: its name, file and settings."""

    name: str
    path: Path
    spec: WorkbookLayoutSpec
    pos: Positions


class WorkbookLayoutProblem(Exception):
    """A workbook layout that does not exist or does not load; carries the diagnostics."""

    def __init__(self, diagnostics: list[Diagnostic]) -> None:
        super().__init__(diagnostics[0].message if diagnostics else "")
        self.diagnostics = diagnostics


def workbook_dirs(spec_root: Path | None) -> list[Path]:
    """Workbook layout folders in look-up order: spec folder, user repository, built-in."""
    if spec_root is None:
        return [builtin_templates() / FOLDER]
    return lookup_dirs(spec_root, FOLDER)


def load_workbook_layouts(dirs: list[Path]) -> tuple[dict[str, WorkbookLayout], list[Diagnostic]]:
    """Every layout in *dirs* by name (earlier folders win), and the problems of those that do not load."""
    found, problems = load_named(dirs, WorkbookLayoutSpec, "把布局文件本身复制到 workbooks 文件夹中")
    return {name: WorkbookLayout(name, n.path, n.spec, n.pos) for name, n in found.items()}, problems


def find_workbook_layout(name_or_file: str, spec_root: Path | None) -> WorkbookLayout:
    """The layout called *name_or_file* (look-up order above), or the YAML file of that path.

    Raises:
        WorkbookLayoutProblem: no such layout, or it does not load.
    """
    candidate = Path(name_or_file)
    if candidate.suffix in (".yaml", ".yml") and candidate.is_file():
        # Only that file: the folder it is in (Downloads, the desktop) may hold any other YAML.
        layout, problems = load_file(candidate, WorkbookLayoutSpec)
        if layout is None:
            raise WorkbookLayoutProblem(problems)
        return WorkbookLayout(layout.name, layout.path, layout.spec, layout.pos)
    layouts, problems = load_workbook_layouts(workbook_dirs(spec_root))
    if name_or_file in layouts:
        return layouts[name_or_file]
    mine = [p for p in problems if p.path.stem == name_or_file]
    if mine:
        raise WorkbookLayoutProblem(mine)
    names = "、".join(sorted(layouts)) or "（无）"
    raise WorkbookLayoutProblem(
        [Diagnostic(Path(name_or_file), 1, 1, f"工作簿布局「{name_or_file}」不存在", f"可用的布局：{names}；或给出布局文件（.yaml）的路径")]
    )


def resolve_workbook(root: Path, name: str | None, where: Diagnostic) -> tuple[WorkbookLayoutSpec | None, list[Diagnostic]]:
    """The layout 部门.yaml names as 工作簿 (*name*: a layout name, or a .yaml file in the spec folder).

    *where* is a diagnostic at the 工作簿 key (its message unused), so a missing layout is
    reported there; the built-in default when *name* is None.
    """
    from jixiao.resources import inside

    if name is not None and name.endswith((".yaml", ".yml")):
        path = (root / name).absolute()
        if not inside(path, root):
            return None, [Diagnostic(where.path, where.line, where.col, f"工作簿布局文件「{name}」在规格文件夹之外",
                                     "把布局文件放进规格文件夹（如 workbooks/），写相对于规格文件夹的路径")]
        name = str(path)
    try:
        return find_workbook_layout(name or DEFAULT, root).spec, []
    except WorkbookLayoutProblem as exc:
        diags = exc.diagnostics
        if diags and diags[0].message.endswith("不存在"):
            diags = [Diagnostic(where.path, where.line, where.col, diags[0].message, diags[0].hint)]
        return None, diags
