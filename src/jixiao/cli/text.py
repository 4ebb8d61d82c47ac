"""Chinese texts for the CLI framework, and human-readable summaries."""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.machinery
import importlib.util
import sys
from typing import TYPE_CHECKING, Any

from rich.table import Table

from jixiao.errors import UsageError

if TYPE_CHECKING:  # only annotations: `jixiao --help` need not load the document model
    from jixiao.model.document import Document, IndicatorRow, ProjectTable, SourceRef


def localise() -> None:
    """Translate the panel titles and hints typer/click print around our help texts.

    typer's rich help and error panels (``typer.rich_utils``, which brings in rich's Markdown,
    syntax and traceback modules) are only needed for help and usage errors: they are translated
    when typer first imports them, so that other commands do not load them at all.
    """
    # typer vendors click; its help option text is not translatable, so relabel it.
    core: Any
    try:
        from typer._click import core
    except ImportError:  # pragma: no cover - older typer uses click itself
        core = importlib.import_module("click")
    original = core.Command.get_help_option

    def help_option(self: Any, ctx: Any) -> Any:
        option = original(self, ctx)
        if option is not None:
            option.help = "显示帮助并退出。"
        return option

    core.Command.get_help_option = help_option

    if _RICH_UTILS in sys.modules:
        _translate_panels(sys.modules[_RICH_UTILS])
    else:
        sys.meta_path.insert(0, _ThenTranslate())


_RICH_UTILS = "typer.rich_utils"


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

    def exec_module(self, module: Any) -> None:
        self._loader.exec_module(module)
        _translate_panels(module)


def _translate_panels(ru: Any) -> None:
    """Chinese titles and hints in typer's help and error panels (*ru*: ``typer.rich_utils``)."""
    ru.ARGUMENTS_PANEL_TITLE = "参数"
    ru.OPTIONS_PANEL_TITLE = "选项"
    ru.COMMANDS_PANEL_TITLE = "命令"
    ru.ERRORS_PANEL_TITLE = "错误"
    ru.ABORTED_TEXT = "已中止。"
    ru.RICH_HELP = "运行 [blue]'{command_path} {help_option}'[/] 查看帮助。"
    ru.DEFAULT_STRING = "[默认: {}]"
    ru.REQUIRED_LONG_STRING = "[必填]"
    ru.ENVVAR_STRING = "[环境变量: {}]"

    # An option's help is a Text in a rich Columns, whose cells cut a line too long to wrap
    # (Chinese has no spaces to wrap at) with「…」: fold it onto the next line instead.
    parameter_help = ru._get_parameter_help

    def folded_parameter_help(**kwargs: Any) -> Any:
        columns = parameter_help(**kwargs)
        for item in getattr(columns, "renderables", []):
            if hasattr(item, "overflow"):
                item.overflow = "fold"
        return columns

    ru._get_parameter_help = folded_parameter_help


def summary_table(doc: Document) -> Table:
    """One line per project table: its number as printed, unit, name, budget, rows, preset."""
    from jixiao.model.tableref import TableRefs

    refs = TableRefs.of(doc)
    table = Table(title=f"{doc.title}（金额单位：{doc.money_unit}）", show_lines=False)
    for column in ("表", "单位", "项目名称", "预算数", "指标行", "预设"):
        table.add_column(column, overflow="fold")
    for part in doc.parts:
        table.add_section()
        for t in part.tables:
            table.add_row(
                refs.one(t.number), t.unit_name, t.name, t.budget_text, str(len(t.rows)), t.preset or "—"
            )
    return table


_ROW_CELLS = (("level1", "一级指标"), ("level2", "二级指标"), ("level3", "三级指标"), ("description", "绩效指标描述"),
              ("value", "指标值"), ("basis", "指标值确定依据"))
_HEADER_CELLS = ("项目名称", "标题", "项目编码", "预算数", "财政资金", "其他资金", "资金用途", "资金支出计划", "绩效目标",
                 "日期格式")


#: Header fields of the current project form, and how each is derived when not written.
_FORM_CELLS = (
    ("实施期目标", ""), ("政策依据", ""), ("测算依据", ""), ("实施期限", ""), ("项目类型", ""), ("是否新增项目", ""),
    ("分配方式", ""), ("项目总金额", ""), ("申请单位", "由所属单位的名称得出"), ("一级预算单位", "由部门名称得出"),
    ("实施单位", "由所属单位的名称得出"), ("财政拨款", "同 财政资金"), ("财政专户管理资金", "由其他资金得出（未写时为 0）"),
    ("单位资金", "由其他资金得出"),
)


def find_table(doc: Document, wanted: str) -> ProjectTable:
    """The table named by its number as printed (「3」, or 「第三部分1」 when each part counts from 1),
    its 项目名称 or its file name.

    Raises:
        UsageError: no such table, or the name is ambiguous.
    """
    from jixiao.model.tableref import TableRefs

    tables = doc.tables()
    refs = TableRefs.of(doc)
    hits = refs.find(wanted, tables)
    if not hits:
        raise UsageError(f"没有序号或名称为「{wanted}」的项目（共 {len(tables)} 个项目：{refs.many(t.number for t in tables)}）")
    if len(hits) > 1:
        numbers = "、".join(refs.one(t.number) for t in hits)
        raise UsageError(f"有 {len(hits)} 个项目叫「{wanted}」（{numbers}）：请用序号或文件名指定")
    return hits[0]


def _where(source: SourceRef) -> str:
    return f"{source.path}:{source.line}:{source.col}"


def _rows(table: ProjectTable, wanted: str | None) -> list[tuple[int, IndicatorRow]]:
    rows = list(enumerate(table.rows, 1))
    if wanted is None:
        return rows
    key = wanted.strip()
    chosen = [(i, r) for i, r in rows if (key.isdigit() and i == int(key)) or key in (r.key, r.level3)]
    if not chosen:
        keys = "、".join(r.key or r.level3 for r in table.rows)
        raise UsageError(f"这张表中没有「{wanted}」这一行；可用行号 1–{len(rows)}，或：{keys}")
    return chosen


def explain_table(doc: Document, wanted: str, row: str | None = None) -> Table:
    """Every printed cell of one table with the file:line:col it comes from."""
    from jixiao.model.cells import header_cell, row_cell
    from jixiao.model.tableref import TableRefs

    table = find_table(doc, wanted)
    out = Table(title=f"{TableRefs.of(doc).one(table.number)} {table.heading}（{table.source.path}）", show_lines=False)
    out.add_column("位置", overflow="fold")
    out.add_column("印出的内容", overflow="fold")
    out.add_column("来自", no_wrap=True, overflow="fold", min_width=len("jixiao:templates/presets/") + 12)
    if row is None:
        values = {
            "项目名称": table.name, "标题": table.title, "项目编码": table.code or "", "预算数": table.budget_text,
            "财政资金": table.fiscal_text, "其他资金": table.other_text, "资金用途": table.use,
            "资金支出计划": "、".join(c.text or "（空）" for c in table.schedule or []), "绩效目标": table.goal,
            "日期格式": "",
        }
        for label in _HEADER_CELLS:
            if label in table.field_sources:
                out.add_row(label, values[label], _where(table.field_sources[label]))
        for label, derived in _FORM_CELLS:
            text = header_cell(table, label)
            if label in table.field_sources:
                out.add_row(label, text, _where(table.field_sources[label]))
            elif text and derived:
                out.add_row(label, text, derived)
        out.add_section()
    for i, r in _rows(table, row):
        name = f"第 {i} 行" + (f"（键：{r.key}）" if r.key else "")
        for attr, label in _ROW_CELLS:
            text = getattr(r, attr)
            if text is None:
                continue
            source = r.source_of(attr) if attr != "level1" else r.source
            origin = "由二级指标推断" if attr == "level1" and "level1" not in r.field_sources else _where(source)
            if "row" in r.derived:
                origin = f"指标体系的「不适用」行（{_where(r.source)}）"
            elif attr == "description" and "description" in r.derived:
                origin = f"同 指标解释（{_where(source)}）"
            out.add_row(f"{name} {label}", text, origin)
        if r.explanation:
            how = "同 描述" if "explanation" in r.derived else "指标体系的「不适用」行" if "row" in r.derived else ""
            origin = f"{how}（{_where(r.source_of('explanation'))}）" if how else _where(r.source_of("explanation"))
            out.add_row(f"{name} 指标解释", r.explanation, origin)
        if r.weight is not None:
            out.add_row(f"{name} 权重", row_cell(r, "权重"), _where(r.source_of("weight")))
        if r.sign or r.measure_unit:
            parts = f"{r.sign} | {r.figure} | {r.measure_unit}"
            out.add_row(f"{name} 计算符号 | 指标值 | 计量单位", parts, f"由指标值「{r.value}」拆分")
        out.add_section()
    return out
