"""Commands that start or extend a spec, and the machine check: init, new, import, doctor."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from jixiao.cli.app import SpecArg, command, err, out

PANEL = "新建与导入"


@command(panel=PANEL)
def init(
    folder: Annotated[Path, typer.Argument(help="新部门规格的文件夹（应不存在或为空）", show_default=False)],
    name: Annotated[str, typer.Option("--部门", "--name", help="部门名称")] = "某某局",
    year: Annotated[int | None, typer.Option("--年度", "--year", help="预算年度；默认为明年")] = None,
    layout: Annotated[
        str, typer.Option("--版式", "--layout", help="版式：河北、天津、专项资金、公文（见 README「版式」）")
    ] = "河北",
    force: Annotated[
        bool, typer.Option("--force", help="文件夹已有内容时，只补上缺少的文件（schema/、.gitattributes 等），不改动已有文件")
    ] = False,
) -> None:
    """新建部门规格文件夹：带注释的 部门.yaml、一个示例项目和 JSON Schema。"""
    from jixiao.authoring.scaffold import init_department

    paths = init_department(folder, name, year, layout, force=force)
    for path in paths:
        out.print(f"已创建 {path}", highlight=False)
    if not paths:
        out.print(f"{folder} 中已有全部文件，没有改动。", highlight=False)
    out.print(f"下一步：编辑 {folder}/部门.yaml，然后运行 jixiao validate {folder}", highlight=False)
    out.print("放进 git 仓库后运行一次 jixiao git-setup：git diff 就能按文字比较生成的 Word、PDF", highlight=False)


def shown(path: Path) -> str:
    """*path* relative to where the command was run (as the user gave it to init), else as it is."""
    try:
        return path.resolve().relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return str(path)


@command(panel=PANEL)
def new(
    spec: SpecArg,
    name: Annotated[str, typer.Argument(help="项目名称，如 法律顾问费", show_default=False)],
    preset: Annotated[str | None, typer.Option("--预设", "--preset", help="指标预设；默认用单位或部门的默认预设")] = None,
    unit: Annotated[str | None, typer.Option("--单位", "--unit", help="单位编码或名称；默认为第一个单位")] = None,
) -> None:
    """按预设新建一个项目文件 projects/NN-项目名称.yaml。"""
    from jixiao.authoring.newproject import new_project

    path = new_project(spec, name, preset, unit)
    out.print(f"已创建 {shown(path)}", highlight=False)


@command("import", panel=PANEL)
def import_(
    file: Annotated[
        Path,
        typer.Argument(help="去年的 Word 文件（.docx；有 LibreOffice 时也可以是 .doc、.wps），或预算系统导出的工作簿（.xlsx）", show_default=False),
    ],
    output: Annotated[
        Path | None,
        typer.Option("-o", "--output", help="要新建的规格文件夹；默认为当前文件夹下与 Word 文件同名的文件夹", show_default=False),
    ] = None,
    year: Annotated[
        int | None, typer.Option("--年度", "--year", help="规格的预算年度；默认为 Word 文件中的年度", show_default=False)
    ] = None,
    force: Annotated[
        bool,
        typer.Option("--force", help="规格文件夹已存在时，替换其中 jixiao import 写入且未改动的文件；.git 和其他文件不动"),
    ] = False,
    layout: Annotated[
        str | None,
        typer.Option("--布局", "--layout", help="工作簿布局（名称或 .yaml 文件）：jixiao 认不出工作簿的布局时给出", show_default=False),
    ] = None,
) -> None:
    """从已有的 Word 文件或预算系统导出的工作簿（.xlsx）导入：写出 部门.yaml、projects/ 和 presets/，校验后列出导入报告。"""
    from jixiao.children import terminate_as_interrupt
    from jixiao.importer import format_report, import_file
    from jixiao.safenames import safe_name

    target = output if output is not None else Path(safe_name(file.stem, fallback="规格"))
    with terminate_as_interrupt():  # SIGTERM, too, removes the temporary copies and stops LibreOffice
        report = import_file(file, target, year=year, force=force, layout=layout)
    out.print(format_report(report, base=Path.cwd()), highlight=False, markup=False, end="")
    if not report.ok:
        raise typer.Exit(1)


@command(panel=PANEL)
def doctor(
    spec: Annotated[
        Path | None,
        typer.Argument(help="部门规格文件夹：另外检查它所用的 Word、HTML 模板是否符合本版的模板变量", show_default=False),
    ] = None,
) -> None:
    """检查本机环境：Python、Pango、HarfBuzz、中文字体、LibreOffice；给出规格时，再检查它所用的模板。"""
    from rich.table import Table

    from jixiao.authoring.doctor import run_checks

    findings = run_checks()
    table = Table(title="jixiao 环境检查")
    for column in ("项目", "状态", "详情", "解决办法"):
        table.add_column(column)
    for f in findings:
        state = "✓" if f.ok else ("✗" if f.required else "！可选")
        table.add_row(f.name, state, f.detail, "" if f.ok else f.fix)
    out.print(table)
    failed = any(f.required and not f.ok for f in findings)
    if failed:
        err.print("有必需的组件缺失，请按「解决办法」安装。", highlight=False)
    if spec is not None and not _templates_fit(spec):
        failed = True
    if failed:
        raise typer.Exit(1)


def _templates_fit(spec: Path) -> bool:
    """Print the template check of *spec*; False when a template would stop a render."""
    from jixiao.authoring.templatecheck import check_templates
    from jixiao.render.layout.contract import VERSION

    report = check_templates(spec)
    out.print(f"\n模板检查（模板变量第 {VERSION} 版，见 README「Word 模板」）：", highlight=False)
    for label, path in report.templates:
        out.print(f"  {label}：{path}", highlight=False, markup=False)
    for f in report.findings:
        where = f"（{f.where}）" if f.where else ""
        line = f"{'错误' if f.error else '提示'}：{f.path}{where}{f.message}"
        out.print(line, highlight=False, markup=False)
    if report.ok:
        out.print("模板都符合本版的模板变量。" if not report.findings else "模板可以使用（见上面的提示）。", highlight=False)
    else:
        err.print(f"有 {sum(f.error for f in report.findings)} 处模板问题：按上面的说明修改模板后再生成。",
                  style="bold red", highlight=False)
    return report.ok
