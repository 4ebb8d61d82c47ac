"""The one Typer app of jixiao: shared options, the error → exit-code mapping, the entry point.

Exit codes: 0 成功；1 规格或检查未通过；2 用法错误；3 内部错误。

Commands live in the modules beside this one, grouped by purpose, and register
themselves with :func:`command`; a command raises :class:`~jixiao.errors.JixiaoError`
and :func:`fail` — the only place that prints one — picks the exit code.
"""

from __future__ import annotations

import functools
import os
import sys
from collections.abc import Callable
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, NoReturn, TypeVar

import typer
from rich.console import Console

from jixiao.cli import typerhelp
from jixiao.errors import JixiaoError

typerhelp.localise()

F = TypeVar("F", bound=Callable[..., Any])

app = typer.Typer(
    name="jixiao",
    help="jixiao（绩效）：用简短的 YAML 规格生成部门预算绩效目标文档。",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode="rich",
    context_settings={"help_option_names": ["-h", "--help"]},
    pretty_exceptions_enable=False,
    cls=typerhelp.Group,
)

out = Console(soft_wrap=True)
err = Console(stderr=True, soft_wrap=True)


def _print_version(value: bool) -> None:
    if value:
        from jixiao.version import __version__

        out.print(f"jixiao {__version__}", highlight=False)
        raise typer.Exit()


@app.callback()
def _options(
    version: Annotated[
        bool,
        typer.Option("--version", "-V", help="显示 jixiao 的版本并退出。", callback=_print_version, is_eager=True),
    ] = False,
) -> None:
    """Options before the command (``jixiao --version``)."""


SpecArg = Annotated[
    Path,
    typer.Argument(help="部门规格文件夹（含 部门.yaml），或其中的某个文件", show_default=False),
]

class ReportFormat(StrEnum):
    """Output formats of the reporting commands (check, diff)."""

    text = "text"
    json = "json"
    markdown = "markdown"


def fail(exc: JixiaoError) -> NoReturn:
    """Print *exc* the way users read problems and exit with its code (1 or 2)."""
    from jixiao.workflow import problem_lines

    lines, code = problem_lines(exc, Path.cwd())
    for line in lines[:-1]:
        err.print(line, markup=False, highlight=False)
    err.print(lines[-1], style="bold red" if code == 1 and len(lines) > 1 else None, markup=False, highlight=False)
    raise typer.Exit(code)


#: Width of help texts and tables when the output is not a terminal (a pipe, a CI log): nothing is cut.
PIPE_COLUMNS = "120"


def command(name: str | None = None, *, panel: str | None, group: typer.Typer = app, **options: Any) -> Callable[[F], F]:
    """Register a command of *group* (:data:`app`, or a sub-command group) under the help panel *panel*.

    A JixiaoError the command raises goes through :func:`fail`.
    """

    def register(func: F) -> F:
        @functools.wraps(func)
        def run(*args: Any, **kwargs: Any) -> Any:
            try:
                return func(*args, **kwargs)
            except JixiaoError as exc:
                fail(exc)

        group.command(name, rich_help_panel=panel, cls=typerhelp.Command, **options)(run)
        return func

    return register


def split_option(values: list[str] | None) -> list[str] | None:
    """``--select JX1,JX2 --select JX3`` → [JX1, JX2, JX3]."""
    if not values:
        return None
    return [v.strip() for value in values for v in value.split(",") if v.strip()]


def main() -> None:
    """Console-script entry point: never shows a traceback to the user."""
    if not sys.stdout.isatty():
        # rich would fall back to 80 columns and cut help texts and tables with「…」.
        os.environ.setdefault("COLUMNS", PIPE_COLUMNS)
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
