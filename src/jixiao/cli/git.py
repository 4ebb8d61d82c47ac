"""Commands for specs kept in git: fmt, diff, textconv, rollover, and the pre-commit hooks' entry."""

from __future__ import annotations

import dataclasses
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from jixiao.cli.app import ReportFormat, SpecArg, command, err, out
from jixiao.errors import SpecError

PANEL = "用 git 管理规格"


@command(panel=PANEL)
def fmt(
    paths: Annotated[
        list[Path],
        typer.Argument(help="规格文件夹、其中的文件，或包含多份规格的文件夹（如仓库根目录）", show_default=False),
    ],
    check: Annotated[
        bool, typer.Option("--check", help="只列出需要整理的文件，不改动；有这样的文件时退出码为 1（供 CI、pre-commit 使用）")
    ] = False,
) -> None:
    """把规格文件整理成统一的格式：保留注释、空行和键的顺序，只在需要时加引号，每个指标行写成一行。"""
    from jixiao.spec.fmt import format_paths, write_result

    result = format_paths(paths)
    if not check:
        write_result(result)
    base = Path.cwd()
    for problem in result.problems:
        err.print(problem.format(base=base), markup=False, highlight=False)
    for path in result.changed:
        out.print(f"需要整理：{path}" if check else f"已整理 {path}", markup=False, highlight=False)
    n, total = len(result.changed), len(result.checked)
    if check and n:
        err.print(f"{total} 个规格文件中有 {n} 个需要整理：运行 jixiao fmt 整理。", highlight=False)
    elif not n and not result.problems:
        out.print(f"✓ {total} 个规格文件都已是统一的格式。", highlight=False)
    if result.problems or (check and n):
        raise typer.Exit(1)


@command(panel=PANEL)
def diff(
    old: Annotated[str, typer.Argument(help="旧版本：规格文件夹，或 git 版本（HEAD~1、v2025、分支名，或 版本:路径）", show_default=False)],
    new: Annotated[
        str | None, typer.Argument(help="新版本，写法同上；省略时为工作区中的规格文件夹", show_default=False)
    ] = None,
    spec: Annotated[
        Path | None,
        typer.Option("--规格", "--spec", help="两边都是 git 版本时比较哪一份规格（仓库中有多份规格时）", show_default=False),
    ] = None,
    fmt_: Annotated[ReportFormat, typer.Option("--format", help="输出格式：text、json、markdown（用于合并请求的评论）")] = ReportFormat.text,
) -> None:
    """比较两个版本展开后的文档：表、表头、指标行、第一部分的改动。相同时退出码为 0，不同时为 1。"""
    from contextlib import ExitStack

    from jixiao.vcs.diff.compare import compare
    from jixiao.vcs.diff.text import Labels, coloured, markdown, plain, to_json
    from jixiao.vcs.gitrev import open_sides
    from jixiao.workflow import open_spec

    with ExitStack() as stack:
        a, b = open_sides(old, new, spec, stack)
        for note in (*a.notes, *b.notes):
            err.print(f"提示：{note}", markup=False, highlight=False)
        sides = []
        for side in (a, b):
            try:
                opened = open_spec(side.root)
            except SpecError as exc:
                raise SpecError([dataclasses.replace(d, path=side.shown(d.path)) for d in exc.diagnostics]) from None
            sides.append((opened.loaded, opened.doc))
        result = compare(sides[0], sides[1])
    labels = Labels(a.label, b.label, b.spec if b.spec is not None else a.spec, a.commit, b.commit)
    if fmt_ is ReportFormat.json:
        sys.stdout.write(to_json(result, labels))
    elif fmt_ is ReportFormat.markdown:
        sys.stdout.write(markdown(result, labels))
    elif out.is_terminal and not out.no_color:
        out.print(coloured(result, labels), end="")
    else:
        sys.stdout.write(plain(result, labels))
    if not result.equal:
        raise typer.Exit(1)


@command(panel=PANEL)
def textconv(
    file: Annotated[Path, typer.Argument(help="生成的 .docx 或 .pdf 文件", show_default=False)],
) -> None:
    """把 Word、PDF 文件转成文字（表格每格一行，带上所在的行），供 git diff 比较生成的文件。"""
    from jixiao.children import terminate_as_interrupt
    from jixiao.vcs.textconv import textconv as convert

    with terminate_as_interrupt():  # SIGTERM, too, stops the PDF reader
        sys.stdout.write(convert(file))


@command(panel=PANEL)
def rollover(
    spec: SpecArg,
    year: Annotated[int, typer.Option("--年度", "--year", help="新的预算年度，如 2026", show_default=False)],
    output: Annotated[
        Path | None,
        typer.Option("-o", "--output", help="新规格的文件夹；默认在旁边，名称中的年份换成新年度（tangshan-2025 → tangshan-2026）", show_default=False),
    ] = None,
    clear_budget: Annotated[bool, typer.Option("--清空预算", "--clear-budget", help="把预算数（及财政资金、其他资金）清为 0")] = False,
    checklist: Annotated[
        Path | None, typer.Option("--清单", "--checklist", help="清单写到哪里；默认为新规格文件夹中的 顺延清单-<年度>.md", show_default=False)
    ] = None,
) -> None:
    """由本年度的规格生成下一年度的规格，并列出需要人工更新的清单（年份、日期、预算、项目编码……）。"""
    from jixiao.vcs.rollover.checklist import CHECKLIST_NAME, checklist_text
    from jixiao.vcs.rollover.plan import adopt_templates, default_destination, plan, write

    result = plan(spec, year, clear_budget=clear_budget)
    dest = output if output is not None else default_destination(spec, result.old_year, year)
    adopt_templates(result, dest)
    text = checklist_text(result, dest)
    written = write(result, dest, (CHECKLIST_NAME.format(year=year), text.encode("utf-8")), checklist)
    sys.stdout.write(text)
    err.print(f"已生成 {dest}（{year} 年度）；清单已写入 {written}", highlight=False, markup=False)


@command("git-setup", panel=PANEL)
def git_setup(
    folder: Annotated[
        Path, typer.Argument(help="仓库中的任一文件夹；默认为当前文件夹", show_default=False)
    ] = Path("."),
) -> None:
    """设置 git：git diff 用本机的 jixiao 按文字比较生成的 Word、PDF，中文文件名照原样显示。"""
    from jixiao.vcs.gitsetup import set_up

    result = set_up(folder)
    for key, value in result.config:
        out.print(f"已设置 git config {key} {value}", highlight=False, markup=False)
    if result.attributes is not None:
        out.print(f"已在 {result.attributes} 中加上：{'、'.join(result.added)}", highlight=False, markup=False)
    out.print(f"仓库 {result.root} 的 git diff、git log -p 现在把 .docx、.pdf 按文字比较。", highlight=False, markup=False)


@command("git-diff", panel=PANEL, hidden=True)
def git_diff(
    args: Annotated[list[str], typer.Argument(help="git 传来的参数：路径、旧文件、旧版本、旧权限、新文件、新版本、新权限")],
) -> None:
    """git 的外部比较程序（由 jixiao git-setup 设置）：只列出生成的 Word、PDF 中改了的格。"""
    from jixiao.vcs.gitdiff import external_diff

    sys.stdout.write(external_diff(args))


class HookKind(StrEnum):
    """What a pre-commit hook runs on the spec folders of the files it is given."""

    validate = "validate"
    check = "check"


@command("pre-commit", panel=PANEL, hidden=True)
def pre_commit(
    kind: Annotated[HookKind, typer.Argument(help="validate 或 check")],
    files: Annotated[list[Path] | None, typer.Argument(help="pre-commit 传来的文件")] = None,
) -> None:
    """pre-commit 钩子的入口：对这些文件所在的每份规格运行 validate 或 check（只看「错误」）。"""
    from jixiao.vcs.precommit import run_hook

    if run_hook(kind.value, files or [], out=out, err=err):
        raise typer.Exit(1)
