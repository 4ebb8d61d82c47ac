"""Chinese texts for the CLI framework, and human-readable summaries."""

from __future__ import annotations

from typing import Any

from rich.table import Table

from jixiao.docmodel import Document


def localise() -> None:
    """Translate the panel titles and hints typer/click print around our help texts."""
    import typer.rich_utils as ru

    ru.ARGUMENTS_PANEL_TITLE = "参数"
    ru.OPTIONS_PANEL_TITLE = "选项"
    ru.COMMANDS_PANEL_TITLE = "命令"
    ru.ERRORS_PANEL_TITLE = "错误"
    ru.ABORTED_TEXT = "已中止。"
    ru.RICH_HELP = "运行 [blue]'{command_path} {help_option}'[/] 查看帮助。"
    ru.DEFAULT_STRING = "[默认: {}]"
    ru.REQUIRED_LONG_STRING = "[必填]"
    ru.ENVVAR_STRING = "[环境变量: {}]"

    # typer vendors click; its help option text is not translatable, so relabel it.
    core: Any
    try:
        from typer._click import core
    except ImportError:  # pragma: no cover - older typer uses click itself
        import importlib

        core = importlib.import_module("click")
    original = core.Command.get_help_option

    def help_option(self: Any, ctx: Any) -> Any:
        option = original(self, ctx)
        if option is not None:
            option.help = "显示帮助并退出。"
        return option

    core.Command.get_help_option = help_option


def summary_table(doc: Document) -> Table:
    """One line per project table: number, unit, name, budget, rows, preset."""
    table = Table(title=f"{doc.title}（金额单位：{doc.money_unit}）", show_lines=False)
    for column in ("序号", "单位", "项目名称", "预算数", "指标行", "预设"):
        table.add_column(column)
    for part in doc.parts:
        table.add_section()
        for t in part.tables:
            table.add_row(
                str(t.number), t.unit_name, t.name, t.budget_text, str(len(t.rows)), t.preset or "—"
            )
    return table
