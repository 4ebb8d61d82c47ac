"""``jixiao rules``: rule packs — read a reviewer's spreadsheet of rules (审核口径) into a pack."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from jixiao.cli import typerhelp
from jixiao.cli.app import app, command, err, out

rules_app = typer.Typer(
    name="rules", help="规则包：把审核口径（Excel 表）读成规则包，供 jixiao check --规则 使用。", no_args_is_help=True,
    cls=typerhelp.Group,
)
app.add_typer(rules_app, rich_help_panel="规格：校验、展开、检查")


@command("import", panel=None, group=rules_app)
def import_rules(
    workbook: Annotated[Path, typer.Argument(help="审核口径的 Excel 工作簿（.xlsx）", show_default=False)],
    output: Annotated[
        Path | None,
        typer.Option("-o", "--output", help="写出的规则包（.yaml）；省略时为 rules/<工作簿名>.yaml", show_default=False),
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="替换已有的规则包文件")] = False,
) -> None:
    """把审核口径表（编码、审核对象、模式、审核要点、审核细项、审核意见表述、正则表达式……）读成规则包。

    标为「人工」的规则在报告和审核表中列作人工审核要点；读不懂的行也作为人工审核要点写入，并指出单元格。
    正则表达式写错时指出单元格，不写出文件。
    """
    from jixiao.importer.rulesheet.write import write_pack

    result = write_pack(workbook, output, force=force)
    for note in result.notes:
        err.print(f"注意：{note}", markup=False, highlight=False)
    out.print(result.summary, highlight=False)
