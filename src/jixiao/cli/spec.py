"""Commands that read a spec: validate, expand, check, schema."""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from jixiao.cli.app import SpecArg, command, err, out, split_option
from jixiao.errors import UsageError
from jixiao.outpaths import check_json_output, check_output_file, input_files
from jixiao.workflow import Checks, open_spec

PANEL = "规格：校验、展开、检查"


@command(panel=PANEL)
def validate(spec: SpecArg) -> None:
    """检查规格：语法、键名、类型、单位、预设、金额与支出计划，一次列出全部问题。"""
    opened = open_spec(spec)
    tables = opened.doc.tables()
    rows = sum(len(t.rows) for t in tables)
    out.print(f"✓ 规格有效：{len(tables)} 张项目绩效目标表，{rows} 行指标。", highlight=False)
    from jixiao.spec.schema import stale_schemas

    stale = stale_schemas(opened.root)
    if stale:
        folder = stale[0].parent
        shown = folder.resolve().relative_to(Path.cwd().resolve()) if folder.resolve().is_relative_to(Path.cwd().resolve()) else folder
        err.print(
            f"提示：{shown} 中的 {'、'.join(p.name for p in stale)} 与当前的 jixiao 不一致（多半是从旧版本复制来的），"
            f"编辑器会按旧的规则补全、把新的键标成错误。运行 jixiao schema -o {shown} 更新。",
            highlight=False, markup=False,
        )


@command(panel=PANEL)
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
        raise UsageError("--行 要与 --explain 一起使用，例如 jixiao expand 规格 --explain 3 --行 成本")
    if output is not None:
        check_json_output(spec, output)
    opened = open_spec(spec)
    if output is not None:
        check_output_file(output, "-o", reads=input_files(opened.loaded))
    doc = opened.doc
    if explain is not None:
        from jixiao.cli.text import explain_table

        out.print(explain_table(doc, explain, row))
        return
    if as_json or output is not None:
        text = doc.model_dump_json(indent=2) + "\n"
        if output is not None:
            from jixiao.fileio import write_atomic

            write_atomic(output, text.encode("utf-8"))
            out.print(f"已写入 {output}", highlight=False)
        else:
            sys.stdout.write(text)
        return
    from jixiao.cli.text import summary_table

    out.print(summary_table(doc))


class CheckFormat(StrEnum):
    """Output formats of ``check``: the report, the rule list, and the reviewer's form."""

    text = "text"
    json = "json"
    markdown = "markdown"
    xlsx = "xlsx"
    docx = "docx"


@command(panel=PANEL)
def check(
    spec: Annotated[
        Path | None,
        typer.Argument(help="部门规格文件夹（含 部门.yaml），或其中的某个文件", show_default=False),
    ] = None,
    fmt: Annotated[
        CheckFormat,
        typer.Option("--format", help="输出格式：text、json；xlsx、docx 写出审核表（要与 -o 一起用）；列规则时还可用 markdown"),
    ] = CheckFormat.text,
    select: Annotated[
        list[str] | None, typer.Option("--select", help="只运行这些规则（可写前缀，如 JX2）；可重复")
    ] = None,
    ignore: Annotated[
        list[str] | None, typer.Option("--ignore", help="不运行这些规则（可写前缀）；可重复")
    ] = None,
    rules: Annotated[
        list[str] | None,
        typer.Option("--规则", "--rules", help="另外运行的规则包：内置的 2021项目表、rules/ 中的名称或 .yaml 文件；可重复", show_default=False),
    ] = None,
    by: Annotated[
        str | None, typer.Option("--按", "--by", help="按 类别 分组列出问题（完整性、相关性、可测性……）", show_default=False)
    ] = None,
    output: Annotated[
        Path | None, typer.Option("-o", "--output", help="写入这个文件（审核表 .xlsx/.docx，或报告）而不是屏幕", show_default=False)
    ] = None,
    list_rules: Annotated[bool, typer.Option("--list-rules", help="列出全部规则及其说明（含内置规则包和 --规则 给出的）")] = False,
    summary: Annotated[
        bool, typer.Option("--summary", help="只列出每条规则发现了多少问题（规则、级别、条数、涉及表数、名称）")
    ] = False,
    fix: Annotated[
        bool,
        typer.Option("--fix", help="改正能安全自动改正的问题（≥100% → =100%、半角标点、词表中的错别字、文号括号），"
                     "保留注释和格式，列出改了哪些；之后列出其余的问题"),
    ] = False,
    diff: Annotated[
        bool, typer.Option("--diff", help="只显示 --fix 会怎样改（统一差异格式），不写入；有可改的地方时退出码为 1")
    ] = False,
    layout: Annotated[
        str | None,
        typer.Option("--布局", "--layout", help="检查工作簿时：工作簿布局（名称或 .yaml 文件），jixiao 认不出工作簿的布局时给出",
                     show_default=False),
    ] = None,
    year: Annotated[
        int | None,
        typer.Option("--年度", "--year", help="检查工作簿时：预算年度，工作簿中看不出年度时给出", show_default=False),
    ] = None,
) -> None:
    """检查常见问题（错别字、单位、成本与预算、结构、照抄、标点）和规则包的审核要点；有「错误」时退出码为 1。

    同一个问题出现在多张表中时只列一次，下面缩进列出其余各处；--format json 每处一条记录。
    --format xlsx（或 docx）-o 审核表.xlsx 写出审核表：每个项目一行，各类别的问题和修改建议，评级。
    也可以直接检查预算管理一体化系统导出的工作簿（jixiao check 导出.xlsx），问题指向单元格（项目绩效目标表!F12）。
    """
    from jixiao.checks import report
    from jixiao.checks.review import text as review_text

    packs_given = split_option(rules) or []
    if by is not None and by not in ("类别", "category"):
        raise UsageError(f"--按 只能是 类别（现在是「{by}」）")
    if (fix or diff) and (list_rules or summary or fmt is not CheckFormat.text or spec is None):
        raise UsageError("--fix、--diff 要给出规格文件夹，不能与 --list-rules、--summary、--format 一起使用")
    if (fix or diff) and spec is not None and spec.is_file() and spec.suffix.lower() in (".xlsx", ".xlsm"):
        raise UsageError("--fix、--diff 只改规格文件，不改工作簿：先 jixiao import 工作簿 -o 规格文件夹，再检查并改正规格")
    if fix or diff:
        from jixiao.cli.fixes import run_fix

        assert spec is not None
        run_fix(spec, diff_only=diff, select=split_option(select), ignore=split_option(ignore) or ())
        return

    if list_rules:
        if fmt not in (CheckFormat.text, CheckFormat.json, CheckFormat.markdown):
            raise UsageError("--list-rules 的格式是 text、json 或 markdown")
        from jixiao.checks.packs.listing import list_rules as listing

        _emit(listing(fmt.value, Path.cwd(), packs_given), output)
        return
    if spec is None:
        raise UsageError("请给出要检查的规格文件夹，例如 jixiao check specs/tangshan-2025")
    if fmt is CheckFormat.markdown:
        raise UsageError("--format markdown 只能与 --list-rules 一起使用")
    from jixiao.importer.workbook.checkbook import is_workbook_file, open_workbook

    book = is_workbook_file(spec)
    if layout is not None and not book:
        raise UsageError("--布局 只用于检查预算系统导出的工作簿（.xlsx）；规格文件夹的工作簿布局写在 部门.yaml 的「工作簿」中")
    if year is not None and not book:
        raise UsageError("--年度 只用于检查预算系统导出的工作簿（.xlsx）；规格的年度写在 部门.yaml 的「年度」中")
    form = fmt in (CheckFormat.xlsx, CheckFormat.docx)
    if form:
        from jixiao.reviewform.output import check_form_output

        check_form_output(spec, output, fmt.value, workbook=book)
    elif output is not None:
        check_output_file(output, "-o", reads=[spec]) if book else check_json_output(spec, output)
    chosen, skipped = split_option(select), split_option(ignore) or ()
    opened = (open_workbook(spec, select=chosen, ignore=skipped, rules=packs_given, layout=layout, year=year) if book
              else open_spec(spec, checks=Checks.REPORT, select=chosen, ignore=skipped, rules=packs_given))
    findings = opened.findings
    if not book and spec.is_file() and spec.resolve().parent.name == "projects":
        # One project file: its own findings, and those of preset lines its table uses.
        numbers = {t.number for t in opened.doc.tables() if t.file_stem == spec.stem}
        findings = [f for f in findings if numbers & set(f.tables)]
    reminders = opened.packs.reminders if opened.packs is not None else []
    base = Path.cwd()
    if form:
        from jixiao.reviewform.output import write_form

        assert output is not None
        out.print(write_form(opened, findings, output, fmt.value, base), highlight=False)
    elif summary:
        titles = {r.id: r.title for r in opened.packs.rules} if opened.packs is not None else {}
        text = report.summary_json(findings, titles) if fmt is CheckFormat.json else report.format_summary(findings, titles)
        _emit(text, output)
    elif fmt is CheckFormat.json:
        _emit(review_text.report_json(findings, opened.root, base, reminders, by_category=by is not None), output)
    elif by is not None:
        _emit(review_text.by_category_text(findings, opened.root, base, reminders), output)
    else:
        from jixiao.model.tableref import TableRefs

        text = report.format_text(findings, opened.root, base, TableRefs.of(opened.doc))
        _emit(review_text.with_reminders(text, reminders), output)
    if any(f.level == "error" for f in findings):
        raise typer.Exit(1)


def _emit(text: str, output: Path | None) -> None:
    if output is None:
        sys.stdout.write(text)
        return
    from jixiao.fileio import write_atomic

    write_atomic(output, text.encode("utf-8"))
    out.print(f"已写入 {output}", highlight=False)


@command(panel=PANEL)
def schema(
    output: Annotated[
        Path, typer.Option("-o", "--output", help="写入的文件夹")
    ] = Path("schema"),
) -> None:
    """生成 JSON Schema，供 VS Code（YAML 插件）补全和检查规格文件。"""
    from jixiao.spec.schema import write_schemas

    for path in write_schemas(output):
        out.print(f"已写入 {path}", highlight=False)
