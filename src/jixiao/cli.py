"""Command line: parse options, make one library call, map errors to exit codes.

Exit codes: 0 成功；1 规格或检查未通过；2 用法错误；3 内部错误。
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, NoReturn, TypeVar

import typer
from rich.console import Console

from jixiao import cli_text
from jixiao.errors import JixiaoError, SpecError, UsageError
from jixiao.outpaths import check_json_output, check_output_folder, spec_folder

if TYPE_CHECKING:
    from jixiao.docmodel import Document
    from jixiao.spec.load import LoadedSpec

cli_text.localise()

T = TypeVar("T")

app = typer.Typer(
    name="jixiao",
    help="jixiao（绩效）：用简短的 YAML 规格生成部门预算绩效目标文档。",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode="rich",
    context_settings={"help_option_names": ["-h", "--help"]},
    pretty_exceptions_enable=False,
)

out = Console(soft_wrap=True)
err = Console(stderr=True, soft_wrap=True)

SpecArg = Annotated[
    Path,
    typer.Argument(help="部门规格文件夹（含 部门.yaml），或其中的某个文件", show_default=False),
]


def _fail(exc: JixiaoError) -> NoReturn:
    if isinstance(exc, SpecError):
        base = Path.cwd()
        for d in exc.diagnostics:
            err.print(d.format(base=base), markup=False, highlight=False)
        n = len(exc.diagnostics)
        err.print(f"共 {n} 个问题，未通过。", style="bold red", highlight=False)
        raise typer.Exit(1)
    err.print(f"错误：{exc}", markup=False, highlight=False)
    raise typer.Exit(2 if isinstance(exc, UsageError) else 1)


def _load_and_expand(spec: Path) -> Document:
    from jixiao.expand import expand_department
    from jixiao.spec.load import load_department

    return expand_department(load_department(spec))


@app.command()
def validate(spec: SpecArg) -> None:
    """检查规格：语法、键名、类型、单位、预设、金额与支出计划，一次列出全部问题。"""
    try:
        doc = _load_and_expand(spec)
    except JixiaoError as exc:
        _fail(exc)
    tables = doc.tables()
    rows = sum(len(t.rows) for t in tables)
    out.print(f"✓ 规格有效：{len(tables)} 张项目绩效目标表，{rows} 行指标。", highlight=False)


@app.command()
def expand(
    spec: SpecArg,
    as_json: Annotated[bool, typer.Option("--json", help="以 JSON 输出完整的文档模型")] = False,
    output: Annotated[
        Path | None, typer.Option("-o", "--output", help="把 JSON 写入文件而不是屏幕")
    ] = None,
    explain: Annotated[
        str | None,
        typer.Option("--explain", help="列出这个项目（序号或项目名称）每一格印出的值来自哪个文件的哪一行", show_default=False),
    ] = None,
    row: Annotated[
        str | None, typer.Option("--行", "--row", help="与 --explain 一起用：只看这一行（行号、键或三级指标）", show_default=False)
    ] = None,
) -> None:
    """展开规格：套用预设、默认值和派生值，得到完整的文档模型。"""
    if row is not None and explain is None:
        _fail(UsageError("--行 要与 --explain 一起使用，例如 jixiao expand 规格 --explain 3 --行 成本"))
    try:
        if output is not None:
            check_json_output(spec, output)
        doc = _load_and_expand(spec)
    except JixiaoError as exc:
        _fail(exc)
    if explain is not None:
        from jixiao.cli_text import explain_table

        try:
            out.print(explain_table(doc, explain, row))
        except JixiaoError as exc:
            _fail(exc)
        return
    if as_json or output is not None:
        text = doc.model_dump_json(indent=2) + "\n"
        if output is not None:
            from jixiao.fileio import write_atomic

            try:
                write_atomic(output, text.encode("utf-8"))
            except JixiaoError as exc:
                _fail(exc)
            out.print(f"已写入 {output}", highlight=False)
        else:
            sys.stdout.write(text)
        return
    from jixiao.cli_text import summary_table

    out.print(summary_table(doc))


class ReportFormat(StrEnum):
    """Output formats of the reporting commands (check, diff)."""

    text = "text"
    json = "json"
    markdown = "markdown"


@app.command()
def check(
    spec: Annotated[
        Path | None,
        typer.Argument(help="部门规格文件夹（含 部门.yaml），或其中的某个文件", show_default=False),
    ] = None,
    fmt: Annotated[
        ReportFormat, typer.Option("--format", help="输出格式：text、json；列规则时还可用 markdown")
    ] = ReportFormat.text,
    select: Annotated[
        list[str] | None, typer.Option("--select", help="只运行这些规则（可写前缀，如 JX2）；可重复")
    ] = None,
    ignore: Annotated[
        list[str] | None, typer.Option("--ignore", help="不运行这些规则（可写前缀）；可重复")
    ] = None,
    list_rules: Annotated[bool, typer.Option("--list-rules", help="列出全部规则及其说明")] = False,
    summary: Annotated[
        bool, typer.Option("--summary", help="只列出每条规则发现了多少问题（规则、级别、条数、涉及表数、名称）")
    ] = False,
) -> None:
    """检查绩效目标中的常见问题：错别字、单位、成本与预算、结构、照抄、标点。有「错误」时退出码为 1。

    同一个问题出现在多张表中时只列一次，下面缩进列出其余各处；--format json 每处一条记录。
    """
    from jixiao.checks import report, run_checks

    if list_rules:
        text = {"text": report.rules_text, "json": report.rules_json, "markdown": report.rules_markdown}
        sys.stdout.write(text[fmt.value]())
        return
    if spec is None:
        _fail(UsageError("请给出要检查的规格文件夹，例如 jixiao check specs/tangshan-2025"))
    if fmt is ReportFormat.markdown:
        _fail(UsageError("--format markdown 只能与 --list-rules 一起使用"))
    from jixiao.expand import expand_department
    from jixiao.spec.load import load_department

    try:
        loaded = load_department(spec)
        doc = expand_department(loaded)
        findings = run_checks(loaded, doc, select=_split(select), ignore=_split(ignore) or ())
    except JixiaoError as exc:
        _fail(exc)
    if spec.is_file() and spec.resolve().parent.name == "projects":
        # One project file: its own findings, and those of preset lines its table uses.
        numbers = {t.number for t in doc.tables() if t.file_stem == spec.stem}
        findings = [f for f in findings if numbers & set(f.tables)]
    base = Path.cwd()
    if summary:
        sys.stdout.write(report.summary_json(findings) if fmt is ReportFormat.json else report.format_summary(findings))
    elif fmt is ReportFormat.json:
        sys.stdout.write(report.format_json(findings, loaded.root, base))
    else:
        sys.stdout.write(report.format_text(findings, loaded.root, base))
    if any(f.level == "error" for f in findings):
        raise typer.Exit(1)


class RenderFormat(StrEnum):
    """Output formats of ``jixiao render``."""

    docx = "docx"
    pdf = "pdf"
    html = "html"
    all = "all"


@app.command()
def render(
    specs: Annotated[
        list[Path],
        typer.Argument(
            help="部门规格文件夹（含 部门.yaml）或其中的某个文件；可以给多个（如 specs/*），同时生成", show_default=False
        ),
    ],
    output: Annotated[
        Path | None,
        typer.Option(
            "-o", "--output",
            help="输出文件夹；默认为 output/<规格文件夹名>/；给出多个规格时写到其中的 <规格文件夹名>/",
            show_default=False,
        ),
    ] = None,
    formats: Annotated[
        list[RenderFormat] | None,
        typer.Option("--format", help="docx、pdf、html 或 all（= docx + pdf）；可重复；默认 all", show_default=False),
    ] = None,
    only: Annotated[
        list[str] | None,
        typer.Option("--only", help="只生成这些项目的单表文件（序号或项目名称）；可重复", show_default=False),
    ] = None,
    template: Annotated[
        Path | None, typer.Option("--template", help="总文档的 Word 模板（.docx）", show_default=False)
    ] = None,
    table_template: Annotated[
        Path | None, typer.Option("--table-template", help="单个项目表的 Word 模板（.docx）", show_default=False)
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="检查发现「错误」时仍然生成")] = False,
) -> None:
    """生成 Word 和 PDF：总文档一份，另按项目各生成一份单表文件（projects/ 下）。"""
    chosen = {f.value for f in formats or [RenderFormat.all]}
    if "all" in chosen:
        chosen = (chosen - {"all"}) | {"docx", "pdf"}
    if len(specs) > 1:
        _render_many(specs, output, frozenset(chosen), only, template, table_template, force)
        return
    spec = specs[0]
    from jixiao.render import pool
    from jixiao.render.progress import render_with_progress

    if "pdf" in chosen:
        pool.prepare()  # the PDF workers' fork server imports WeasyPrint while this process reads the spec
    try:
        out_dir = output if output is not None else Path("output") / spec_folder(spec).name
        check_output_folder(spec, out_dir, explicit=output is not None)
        loaded, doc = _load_checked(spec, force=force)
        report = render_with_progress(
            doc,
            loaded.root,
            out_dir=out_dir,
            formats=frozenset(chosen),
            only=tuple(_split(only) or ()),
            template=template,
            table_template=table_template,
            console=err,
        )
    except JixiaoError as exc:
        _fail(exc)
    from jixiao.render.progress import summary

    for note in report.warnings:
        err.print(f"提示：{note}", markup=False, highlight=False)
    for warning in report.pdf_warnings:
        err.print(f"PDF 排版提示（WeasyPrint）：{warning}", markup=False, highlight=False)
    out.print(summary(report, Path.cwd()), highlight=False)


def _render_many(
    specs: list[Path],
    output: Path | None,
    formats: frozenset[str],
    only: list[str] | None,
    template: Path | None,
    table_template: Path | None,
    force: bool,
) -> None:
    """``jixiao render A B …``: each department into its own folder, several at once."""
    from jixiao.render.batch import Request, render_many

    try:
        if only:
            raise UsageError("--only 只能用于一个规格；给出了多个规格时请去掉 --only。")
        requests: list[Request] = []
        seen: dict[str, Path] = {}
        for spec in specs:
            name = spec_folder(spec).name
            if name in seen:
                raise UsageError(f"{seen[name]} 和 {spec} 的文件夹同名（{name}），输出会写到同一个文件夹；请分两次生成。")
            seen[name] = spec
            out_dir = (output if output is not None else Path("output")) / name
            check_output_folder(spec, out_dir, explicit=output is not None)
            requests.append(Request(spec, out_dir, formats, template, table_template, force))
    except JixiaoError as exc:
        _fail(exc)
    outcomes = _with_bar(len(requests), lambda done: render_many(requests, Path.cwd(), done))
    for outcome in outcomes:
        out.print(f"—— {outcome.spec} ——", markup=False, highlight=False)
        for line in outcome.stderr:
            err.print(line, markup=False, highlight=False)
        for line in outcome.stdout:
            out.print(line, markup=False, highlight=False)
    failed = [o for o in outcomes if o.code]
    if failed:
        err.print(f"{len(failed)} 个规格未能生成（共 {len(outcomes)} 个）。", style="bold red", highlight=False)
        raise typer.Exit(max(o.code for o in failed))


def _with_bar(total: int, work: Callable[[Callable[[int, object], None]], T]) -> T:
    """*work(done)* with a progress bar of *total* departments on a terminal."""
    if not err.is_terminal:
        return work(lambda index, value: None)
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    with Progress(TextColumn("生成规格"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  console=err, transient=True) as bar:
        task = bar.add_task("生成规格", total=total)
        return work(lambda index, value: bar.advance(task))


@app.command()
def serve(
    spec: SpecArg,
    port: Annotated[
        int, typer.Option("--port", "-p", min=0, max=65535, help="端口（只在本机 127.0.0.1 上）；0 表示任选一个空闲端口")
    ] = 8000,
) -> None:
    """实时预览：在浏览器中查看整个文档和检查结果，保存规格、预设或模板后自动更新。按 Ctrl-C 停止。"""
    from jixiao.serve import serve_spec

    try:
        serve_spec(spec, port=port, log=lambda text: err.print(text, markup=False, highlight=False))
    except JixiaoError as exc:
        _fail(exc)
    err.print("已停止。", highlight=False)


def _load_checked(spec: Path, *, force: bool) -> tuple[LoadedSpec, Document]:
    """Load, expand and run the checks; refuse on error-level findings unless *force*."""
    from jixiao.checks import report, run_checks
    from jixiao.expand import expand_department
    from jixiao.spec.load import load_department

    loaded = load_department(spec)
    doc = expand_department(loaded)
    errors = [f for f in run_checks(loaded, doc) if f.level == "error"]
    if errors and not force:
        sys.stderr.write(report.format_text(errors, loaded.root, Path.cwd()))
        err.print(
            f"检查发现 {len(errors)} 个错误，未生成文件。请改正后重试，"
            "或加 --force 强制生成（例如示例规格有意保留了原文中的错误）。",
            style="bold red",
            highlight=False,
        )
        raise typer.Exit(1)
    return loaded, doc


def _split(values: list[str] | None) -> list[str] | None:
    """``--select JX1,JX2 --select JX3`` → [JX1, JX2, JX3]."""
    if not values:
        return None
    return [v.strip() for value in values for v in value.split(",") if v.strip()]


@app.command()
def schema(
    output: Annotated[
        Path, typer.Option("-o", "--output", help="写入的文件夹")
    ] = Path("schema"),
) -> None:
    """生成 JSON Schema，供 VS Code（YAML 插件）补全和检查规格文件。"""
    from jixiao.schema import write_schemas

    try:
        paths = write_schemas(output)
    except JixiaoError as exc:
        _fail(exc)
    for path in paths:
        out.print(f"已写入 {path}", highlight=False)


@app.command()
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
    from jixiao.scaffold import init_department

    try:
        paths = init_department(folder, name, year, layout, force=force)
    except JixiaoError as exc:
        _fail(exc)
    for path in paths:
        out.print(f"已创建 {path}", highlight=False)
    if not paths:
        out.print(f"{folder} 中已有全部文件，没有改动。", highlight=False)
    out.print(f"下一步：编辑 {folder}/部门.yaml，然后运行 jixiao validate {folder}", highlight=False)


@app.command()
def new(
    spec: SpecArg,
    name: Annotated[str, typer.Argument(help="项目名称，如 法律顾问费", show_default=False)],
    preset: Annotated[str | None, typer.Option("--预设", "--preset", help="指标预设；默认用单位或部门的默认预设")] = None,
    unit: Annotated[str | None, typer.Option("--单位", "--unit", help="单位编码或名称；默认为第一个单位")] = None,
) -> None:
    """按预设新建一个项目文件 projects/NN-项目名称.yaml。"""
    from jixiao.scaffold import new_project

    try:
        path = new_project(spec, name, preset, unit)
    except JixiaoError as exc:
        _fail(exc)
    out.print(f"已创建 {path}", highlight=False)


@app.command("import")
def import_(
    file: Annotated[Path, typer.Argument(help="去年的 Word 文件（.docx；有 LibreOffice 时也可以是 .doc、.wps）", show_default=False)],
    output: Annotated[
        Path | None,
        typer.Option("-o", "--output", help="要新建的规格文件夹；默认为当前文件夹下与 Word 文件同名的文件夹", show_default=False),
    ] = None,
    year: Annotated[
        int | None, typer.Option("--年度", "--year", help="规格的预算年度；默认为 Word 文件中的年度", show_default=False)
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="规格文件夹已存在时，用导入的结果替换它")] = False,
) -> None:
    """从已有的 Word 文件导入：写出 部门.yaml、projects/ 和 presets/，校验后列出导入报告。"""
    from jixiao.importer import format_report, import_document
    from jixiao.scaffold import safe_file_name

    target = output if output is not None else Path(safe_file_name(file.stem))
    try:
        report = import_document(file, target, year=year, force=force)
    except JixiaoError as exc:
        _fail(exc)
    out.print(format_report(report, base=Path.cwd()), highlight=False, markup=False, end="")
    if not report.ok:
        raise typer.Exit(1)


@app.command()
def doctor() -> None:
    """检查本机环境：Python、Pango、HarfBuzz、中文字体、LibreOffice。"""
    from rich.table import Table

    from jixiao.doctor import run_checks

    findings = run_checks()
    table = Table(title="jixiao 环境检查")
    for column in ("项目", "状态", "详情", "解决办法"):
        table.add_column(column)
    for f in findings:
        state = "✓" if f.ok else ("✗" if f.required else "！可选")
        table.add_row(f.name, state, f.detail, "" if f.ok else f.fix)
    out.print(table)
    if any(f.required and not f.ok for f in findings):
        err.print("有必需的组件缺失，请按「解决办法」安装。", highlight=False)
        raise typer.Exit(1)


def main() -> None:
    """Console-script entry point: never shows a traceback to the user."""
    try:
        app()
    except KeyboardInterrupt:
        err.print("已中断。")
        sys.exit(130)
    except SystemExit as exc:
        if exc.code == 130:  # typer turns Ctrl-C into a silent exit 130
            err.print("已中断。")
        raise
    except Exception as exc:  # noqa: BLE001 - last resort: no traceback for users
        err.print(f"jixiao 内部错误：{type(exc).__name__}: {exc}", markup=False)
        err.print("这是 jixiao 的缺陷，不是您的规格有误；请把这条信息和规格一起报告给维护者。")
        sys.exit(3)

from jixiao import cli_git as _cli_git  # noqa: E402,F401  (registers fmt, diff, textconv, rollover)
