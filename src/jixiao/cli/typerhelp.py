"""Help texts in Chinese: typer's public settings, command classes of our own, and one typer internal, gated.

* The panel titles and hints typer prints around our texts are module-level
  settings of ``typer.rich_utils`` (:func:`localise`). That module brings in
  rich's Markdown, syntax and traceback modules and is needed only for help
  and usage errors: it is translated when typer first imports it (an import
  hook, :class:`_ThenTranslate`), so other commands never load it.
* The help option's own text (click's "Show this message and exit.") is
  relabelled by the command classes :class:`Command` and :class:`Group`, which
  the app and every command are made with (``cls=``), through click's
  documented ``get_help_option``.
* Usage errors (an unknown option, a missing argument, a bad value) are
  printed by ``rich_utils.rich_format_error`` with typer's English messages:
  on the typer releases in :data:`KNOWN` (:func:`errors_known`) it is wrapped
  to show :func:`jixiao.cli.usage.usage_message` instead; elsewhere, and for
  an error that module does not know, typer's own text is shown.
* An option's help is a rich ``Text`` in a ``Columns``, whose cells cut a line
  too long to wrap (Chinese has no spaces to wrap at) with 「…」. The one way
  to fold it instead is to wrap typer's undocumented
  ``rich_utils._get_parameter_help``: done only on the typer releases in
  :data:`KNOWN` when the function has the signature wrapped here
  (:func:`folding_known`); elsewhere help lines are cut as typer cuts them
  (tests/test_cli.py checks both).
"""

from __future__ import annotations

import functools
import importlib.abc
import importlib.machinery
import importlib.util
import inspect
import sys
from types import ModuleType
from typing import Any

import typer
import typer.core

from jixiao.cli.usage import usage_message

#: typer releases (major.minor) whose ``rich_utils._get_parameter_help`` is wrapped by :func:`localise`.
KNOWN = ("0.29",)
#: Its keyword-only parameters on those releases.
PARAMETERS = ("param", "ctx", "markup_mode")

HELP_OPTION = "显示帮助并退出。"


#: The usage line in Chinese: its prefix, and the placeholders click writes for options and sub-commands.
USAGE_PREFIX = "用法："
OPTIONS_METAVAR = ("[OPTIONS]", "[选项]")
SUBCOMMAND_METAVAR = ("COMMAND [ARGS]...", "命令 [参数]...")


class _ChineseHelpOption:
    """Describes ``--help`` and writes the usage line in Chinese (click's documented ``get_help_option``,
    ``format_usage`` and ``options_metavar``, on the command's own class)."""

    options_metavar: str | None

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.options_metavar == OPTIONS_METAVAR[0]:
            self.options_metavar = OPTIONS_METAVAR[1]

    def get_help_option(self, ctx: Any) -> Any:
        option = super().get_help_option(ctx)  # type: ignore[misc]
        if option is not None:
            option.help = HELP_OPTION
        return option

    def format_usage(self, ctx: Any, formatter: Any) -> None:
        pieces = self.collect_usage_pieces(ctx)  # type: ignore[attr-defined]
        formatter.write_usage(ctx.command_path, " ".join(pieces), prefix=USAGE_PREFIX)


class Command(_ChineseHelpOption, typer.core.TyperCommand):
    """A typer command whose ``--help`` and usage line are in Chinese."""


class Group(_ChineseHelpOption, typer.core.TyperGroup):
    """A typer command group whose ``--help`` and usage line are in Chinese."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.subcommand_metavar == SUBCOMMAND_METAVAR[0]:
            self.subcommand_metavar = SUBCOMMAND_METAVAR[1]


def folding_known(ru: ModuleType | None = None) -> bool:
    """Whether the installed typer is one whose parameter help :func:`localise` may fold (*ru*: its rich_utils)."""
    if ru is None:
        import typer.rich_utils as ru
    release = ".".join(typer.__version__.split(".")[:2])
    function = getattr(ru, "_get_parameter_help", None)
    if release not in KNOWN or not callable(function):
        return False
    parameters = inspect.signature(function).parameters.values()
    return tuple(p.name for p in parameters if p.kind is inspect.Parameter.KEYWORD_ONLY) == PARAMETERS


def errors_known(ru: ModuleType | None = None) -> bool:
    """Whether usage errors of the installed typer may be told in Chinese (its ``rich_utils.rich_format_error``, which
    prints them, is the one-argument function of the releases in :data:`KNOWN`)."""
    if ru is None:
        import typer.rich_utils as ru
    release = ".".join(typer.__version__.split(".")[:2])
    function = getattr(ru, "rich_format_error", None)
    if release not in KNOWN or not callable(function):
        return False
    return [p.name for p in inspect.signature(function).parameters.values()] == ["self"]


_RICH_UTILS = "typer.rich_utils"


def localise() -> None:
    """Chinese panel titles and hints in typer's help and error panels, now or when typer first loads them."""
    if _RICH_UTILS in sys.modules:
        _translate(sys.modules[_RICH_UTILS])
    elif not any(isinstance(finder, _ThenTranslate) for finder in sys.meta_path):
        sys.meta_path.insert(0, _ThenTranslate())


class _ThenTranslate(importlib.abc.MetaPathFinder):
    """Finds ``typer.rich_utils`` as Python would, and translates it once it is loaded (then steps aside)."""

    def find_spec(self, name: str, path: Any, target: Any = None) -> importlib.machinery.ModuleSpec | None:
        if name != _RICH_UTILS:
            return None
        sys.meta_path.remove(self)
        spec = importlib.util.find_spec(name)
        if spec is not None and spec.loader is not None:
            spec.loader = _Translating(spec.loader)
        return spec


class _Translating(importlib.abc.Loader):
    def __init__(self, loader: importlib.abc.Loader) -> None:
        self._loader = loader

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> Any:
        return self._loader.create_module(spec)

    def exec_module(self, module: ModuleType) -> None:
        self._loader.exec_module(module)
        _translate(module)


def _translate(ru: Any) -> None:
    """Translate *ru* (``typer.rich_utils``); fold long help lines where :func:`folding_known`."""
    ru.ARGUMENTS_PANEL_TITLE = "参数"
    ru.OPTIONS_PANEL_TITLE = "选项"
    ru.COMMANDS_PANEL_TITLE = "命令"
    ru.ERRORS_PANEL_TITLE = "错误"
    ru.ABORTED_TEXT = "已中止。"
    ru.RICH_HELP = "运行 [blue]'{command_path} {help_option}'[/] 查看帮助。"
    ru.DEFAULT_STRING = "[默认: {}]"
    ru.REQUIRED_LONG_STRING = "[必填]"
    ru.ENVVAR_STRING = "[环境变量: {}]"
    if errors_known(ru) and not hasattr(ru.rich_format_error, "__wrapped__"):
        format_error = ru.rich_format_error

        @functools.wraps(format_error)
        def chinese_error(self: Any) -> None:
            text = usage_message(self)
            if text is not None:
                self.format_message = lambda: text  # what the panel shows (this error only)
            format_error(self)

        ru.rich_format_error = chinese_error
    if not folding_known(ru) or hasattr(ru._get_parameter_help, "__wrapped__"):
        return
    parameter_help = ru._get_parameter_help

    @functools.wraps(parameter_help)  # keeps the signature folding_known reads
    def folded_parameter_help(**kwargs: Any) -> Any:
        columns = parameter_help(**kwargs)
        for item in getattr(columns, "renderables", []):
            if hasattr(item, "overflow"):
                item.overflow = "fold"
        return columns

    ru._get_parameter_help = folded_parameter_help
