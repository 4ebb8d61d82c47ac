"""Commands that produce documents: render, serve."""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, TypeVar

import typer

from jixiao.cli.app import SpecArg, command, err, out, split_option
from jixiao.errors import UsageError
from jixiao.outpaths import check_output_folder, spec_folder
from jixiao.workflow import Checks, open_spec

if TYPE_CHECKING:
    from jixiao.model.document import Document

PANEL = "生成文档"


T = TypeVar("T")


class RenderFormat(StrEnum):
    """Output formats of ``jixiao render``."""

    docx = "docx"
    pdf = "pdf"
    html = "html"
    xlsx = "xlsx"
    all = "all"


@command(panel=PANEL)
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
        typer.Option(
            "--format", help="docx、pdf、html、xlsx 或 all（= docx + pdf + xlsx）；可重复；默认 all", show_default=False
        ),
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
        chosen = (chosen - {"all"}) | {"docx", "pdf", "xlsx"}
    if len(specs) > 1:
        _render_many(specs, output, frozenset(chosen), only, template, table_template, force)
        return
    spec = specs[0]
    out_dir = output if output is not None else Path("output") / spec_folder(spec).name
    check_output_folder(spec, out_dir, explicit=output is not None)
    from jixiao.render.summary import summary_text
    from jixiao.workflow import unchanged

    # Nothing changed since a render that succeeded, and its files are still there: say so, write nothing.
    request = unchanged.Request(spec, out_dir, frozenset(chosen), tuple(split_option(only) or ()), template,
                                table_template, force)
    key = unchanged.inputs_key(request, spec_folder(spec))
    replay = unchanged.recall(key, out_dir) if key is not None else None
    if replay is not None:
        _done(replay.warnings, replay.pdf_warnings,
              summary_text(replay.written, replay.tables, [], Path.cwd()))
        return
    from jixiao.render import pool
    from jixiao.render.progress import render_with_progress

    if "pdf" in chosen:
        pool.prepare()  # the PDF workers' fork server starts while this process reads the spec
    opened = open_spec(spec, checks=Checks.SKIP if force else Checks.GATE)
    report = render_with_progress(
        opened.doc,
        opened.root,
        out_dir=out_dir,
        formats=frozenset(chosen),
        only=_chosen(opened.doc, split_option(only) or []),
        template=template,
        table_template=table_template,
        console=err,
    )
    if key is not None and not report.removed and unchanged.inputs_key(request, spec_folder(spec)) == key:
        # (Inputs edited while rendering, or files removed, leave no record: the next render looks again.)
        unchanged.remember(key, out_dir, report.written, len(report.tables), report.warnings, report.pdf_warnings)
    _done(report.warnings, report.pdf_warnings, summary_text(report.written, len(report.tables), report.removed,
                                                             Path.cwd()))


def _done(warnings: list[str], pdf_warnings: list[str], summary: str) -> None:
    """What render prints when it is done: its warnings (stderr), the files written (stdout)."""
    for note in warnings:
        err.print(f"提示：{note}", markup=False, highlight=False)
    for warning in pdf_warnings:
        err.print(f"PDF 排版提示（WeasyPrint）：{warning}", markup=False, highlight=False)
    out.print(summary, highlight=False)


def _chosen(doc: Document, only: list[str]) -> tuple[str, ...]:
    """``--only`` as the reader names tables (「3」, 「第三部分1」, 项目名称, file name) → their numbers in the document.

    Raises:
        UsageError: a name that names no table.
    """
    from jixiao.model.tableref import TableRefs

    refs = TableRefs.of(doc)
    tables = doc.tables()
    out: list[str] = []
    for wanted in only:
        hits = refs.find(wanted, tables)
        if not hits:
            raise UsageError(f"--only {wanted}：没有这个序号或项目名称的项目（共 {len(tables)} 个项目：{refs.many(t.number for t in tables)}）。")
        out += [str(t.number) for t in hits if str(t.number) not in out]
    return tuple(out)


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
    from jixiao.workflow.batch import Request, render_many

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


@command(panel=PANEL)
def serve(
    spec: SpecArg,
    port: Annotated[
        int, typer.Option("--port", "-p", min=0, max=65535, help="端口（只在本机 127.0.0.1 上）；0 表示任选一个空闲端口")
    ] = 8000,
) -> None:
    """实时预览：在浏览器中查看整个文档和检查结果，保存规格、预设或模板后自动更新。按 Ctrl-C 停止。"""
    from jixiao.serve import serve_spec

    serve_spec(spec, port=port, log=lambda text: err.print(text, markup=False, highlight=False))
    err.print("已停止。", highlight=False)
