"""Indicator rows of one project: preset rows → 改写 → added rows → rendered rows with spans.

Part of the *expand* stage. :class:`RowBuilder` collects diagnostics instead of
raising, so that every problem of every project is reported in one run.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from decimal import DecimalException
from functools import lru_cache
from pathlib import Path
from typing import Any

import jinja2
from jinja2.exceptions import SecurityError

from jixiao import limits
from jixiao.errors import Diagnostic, Problem
from jixiao.expand.sizes import cell_too_long
from jixiao.model import document as dm
from jixiao.model.framework import NOT_APPLICABLE, children_in, parent_in
from jixiao.model.notapplicable import with_not_applicable
from jixiao.model.valueparts import split_value
from jixiao.model.values import DateStyle, ValueError_, parse_value
from jixiao.resources import builtin_templates
from jixiao.spec.frameworks import Framework
from jixiao.spec.load import ProjectSource
from jixiao.spec.model import RowSpec
from jixiao.spec.presets import BaseProblem, PresetLibrary, PresetRow, apply_patch, field_positions
from jixiao.textenv import FormulaError, LimitError, render_text

_TEXT_FIELDS = (
    ("level1", "一级"),
    ("level2", "二级"),
    ("level3", "三级"),
    ("description", "描述"),
    ("value", "值"),
    ("basis", "依据"),
    ("explanation", "指标解释"),
)


@lru_cache(maxsize=4096)
def display_path(root: Path, path: Path) -> str:
    """*path* relative to the spec folder, or ``jixiao:`` + its place in the built-in templates.

    The model must not depend on where the spec is checked out.
    """
    builtin = builtin_templates().resolve()
    resolved = path.resolve()
    if resolved.is_relative_to(builtin):
        return "jixiao:templates/" + resolved.relative_to(builtin).as_posix()
    return Path(os.path.relpath(resolved, root.resolve())).as_posix()


@lru_cache(maxsize=65536)
def source_ref(root: Path, path: Path, line: int, col: int) -> dm.SourceRef:
    """A location-independent source reference (built without validation: its three fields are typed here).

    The model is frozen, so one instance serves every cell written at the same place (a preset row's
    cells in every table that uses it; the import expands each spelling it tries).
    """
    return dm.SourceRef.model_construct(path=display_path(root, path), line=int(line), col=int(col))


def render_field(raw: str, context: dict[str, Any], label: str) -> str:
    """*raw* with its formulas computed, within the per-cell size limit.

    Raises:
        Problem: a formula that is refused, fails or exceeds a limit, or a text too long
            (message names the field *label*; the caller knows the position).
    """
    try:
        text = render_text(raw, context)
    except FormulaError as exc:
        raise Problem(f"「{label}」的公式中{exc.message}", exc.hint) from None
    except LimitError as exc:
        raise Problem(
            f"「{label}」中的公式超出了限制：{exc.message}", "公式只做简单的计算；限制见 README「安全」一节"
        ) from None
    except SecurityError as exc:
        raise Problem(
            f"「{label}」的公式中不允许访问 Python 内部对象（{exc}） — 只能使用 README 中列出的名字",
            "README「公式」一节列出了可用的名字和写法",
        ) from None
    except jinja2.UndefinedError as exc:
        raise Problem(
            f"「{label}」中的模板用了未定义的名字（{exc.message}）", f"可用的名字：{'、'.join(sorted(context))}"
        ) from None
    except DecimalException:
        raise Problem(
            f"「{label}」中的公式算出的数字超出了可计算的范围", "公式只做简单的计算，如 {{ 向上取整(预算数 / 12, 0.01) }}"
        ) from None
    except (jinja2.TemplateError, ArithmeticError, TypeError, ValueError) as exc:
        raise Problem(
            f"「{label}」中的模板无法计算：{exc}", "检查 {{ }} 中的写法，如 {{ 向上取整(预算数 / 12, 0.01) }}"
        ) from None
    problem = cell_too_long(label, text)
    if problem is not None:
        raise Problem(*problem)
    return text


def place(rows: list[PresetRow], new: PresetRow, before: str | None, after: str | None) -> tuple[str, str] | None:
    """Insert *new* before or after the row with that 键; (message, hint) if it cannot."""
    if (before is None) == (after is None):
        return "「位置」要写 前 或 后 其中一个", "例如 位置: {前: 合格率}"
    key = before or after
    keys = [r.row.key for r in rows]
    if key not in keys:
        listed = "、".join(k for k in keys if k) or "（没有带键的行）"
        return f"「位置」中的键「{key}」不在这张表中", f"可用的键：{listed}"
    index = keys.index(key)
    rows.insert(index if before else index + 1, new)
    return None


def insert_by_group(rows: list[PresetRow], new: PresetRow, framework: dict[str, list[str]]) -> None:
    """Insert an added row after the last row of its 二级, else of its 一级 rank."""
    level2 = new.row.level2
    same = [i for i, r in enumerate(rows) if level2 and r.row.level2 == level2]
    if same:
        rows.insert(same[-1] + 1, new)
        return
    rank = _rank(new.row, framework)
    before = [i for i, r in enumerate(rows) if _rank(r.row, framework) <= rank]
    rows.insert(before[-1] + 1 if before else 0, new)


def _rank(row: RowSpec, framework: dict[str, list[str]]) -> int:
    """Position of the row's 一级 in the framework (unknown ones sort last)."""
    order = list(framework)
    level1 = row.level1
    if level1 is None and row.level2 is not None:
        level1 = next((l1 for l1, children in framework.items() if row.level2 in children), None)
    return order.index(level1) if level1 in order else len(order)


def with_spans(rows: list[dict[str, Any]]) -> list[dm.IndicatorRow]:
    """Vertical-merge spans: consecutive equal 一级, and equal 二级 inside them."""
    n = len(rows)
    l1 = [0] * n
    l2 = [0] * n
    i = 0
    while i < n:
        j = i
        while j + 1 < n and rows[j + 1]["level1"] == rows[i]["level1"]:
            j += 1
        l1[i] = j - i + 1
        k = i
        while k <= j:
            m = k
            while m + 1 <= j and rows[m + 1]["level2"] == rows[k]["level2"]:
                m += 1
            l2[k] = m - k + 1
            k = m + 1
        i = j + 1
    return [
        dm.IndicatorRow(**r, level1_span=a, level2_span=b)
        for r, a, b in zip(rows, l1, l2, strict=True)
    ]


@dataclass
class RowBuilder:
    """Builds the indicator rows of projects, collecting problems in ``diags``."""

    root: Path
    presets: PresetLibrary
    diags: list[Diagnostic] = field(default_factory=list)

    def collect(self, src: ProjectSource, preset: str | None, framework: Framework) -> list[PresetRow] | None:
        """Preset rows with the project's 改写 applied and its own rows added.

        A missing preset named by the project is reported here; one inherited
        from 部门.yaml has been reported there already.
        """
        p, pos = src.spec, src.pos
        rows: list[PresetRow] = []
        if preset is not None:
            try:
                rows = self.presets.resolve(preset)
            except BaseProblem as exc:
                self.diags.append(exc.diagnostic)  # merged into one message with the count at the end
                return None
            except KeyError:
                if p.preset:
                    names = "、".join(self.presets.names()) or "（无）"
                    self.diags.append(
                        pos.diag(("预设",), f"预设「{preset}」不存在", f"可用的预设：{names}；或写 预设: 无 不用预设")
                    )
                return None
            keys = [r.row.key for r in rows]
            for key in p.patch:
                if key not in keys:
                    self.diags.append(
                        pos.diag(
                            ("改写", key),
                            f"预设「{preset}」中没有键「{key}」",
                            f"可改写的键：{'、'.join(k for k in keys if k)}；新增的行写在 绩效指标 下",
                            key=True,
                        )
                    )
            rows = apply_patch(rows, {k: (v, ("改写", k)) for k, v in p.patch.items()}, src.path, pos)
        elif p.patch:
            self.diags.append(
                pos.diag(("改写",), "没有使用预设，「改写」无从改起", "写出 预设: 名称，或把这些行写在 绩效指标 下", key=True)
            )
        groups = framework.levels
        for key, change in p.patch.items():
            if change.position is not None:
                self.diags.append(
                    pos.diag(("改写", key, "位置"), "「位置」只能用于新增的行（绩效指标 下）", "改写的行留在预设中的位置", key=True)
                )
        for i, row in enumerate(p.rows):
            line, col = pos.of(("绩效指标", i))
            new = PresetRow(row, src.path, line, col, field_positions(pos, ("绩效指标", i)))
            if row.position is not None:
                problem = place(rows, new, row.position.before, row.position.after)
                if problem is not None:
                    self.diags.append(pos.diag(("绩效指标", i, "位置"), *problem))
            elif preset is None:
                rows.append(new)
            else:
                insert_by_group(rows, new, groups)
        if not rows:
            self.diags.append(pos.diag((), "这个项目没有任何绩效指标", "写出 预设: 名称，或在 绩效指标 下列出各行"))
            return None
        if len(rows) > limits.MAX_ROWS:
            self.diags.append(
                pos.diag(("绩效指标",), f"这个项目有 {len(rows)} 行指标，超过每张表 {limits.MAX_ROWS} 行的上限", "精简指标行")
            )
            return None
        return rows

    def render(
        self,
        rows: list[PresetRow],
        context: dict[str, Any],
        *,
        basis: str | None,
        basis_source: dm.SourceRef | None,
        date_style: DateStyle,
        project: Path,
        preset: str | None,
        framework: Framework,
        show_basis: bool,
        basis_own: bool = False,
        framework_source: dm.SourceRef | None = None,
    ) -> list[dm.IndicatorRow] | None:
        """Render every row's text, parse its value and compute the merge spans.

        The 依据 of a row, first found: the row's own 依据 written in the project,
        the project's 指标值确定依据 (*basis* with *basis_own*), the preset row's 依据,
        then the inherited default (*basis*: unit, part, department). A cell
        taken from a setting is located at *basis_source*, where it is written.
        A framework with 不适用行 adds a 「不适用」 row (located at *framework_source*)
        for each 二级 the project has none of.
        """
        default = (basis, basis_source, basis_own)
        rendered = [
            self._render(pr, context, default, date_style, project, preset, framework, show_basis) for pr in rows
        ]
        if any(r is None for r in rendered):
            return None
        done = [r for r in rendered if r is not None]
        if framework.not_applicable:
            where = framework_source or source_ref(self.root, project, 1, 1)
            done = with_not_applicable(done, framework.levels, where, show_basis=show_basis)
        return with_spans(done)

    def _error(self, pr: PresetRow, message: str, hint: str | None = None, name: str | None = None) -> None:
        path, line, col = pr.where(name)
        self.diags.append(Diagnostic(path, line, col, message, hint))

    def _texts(self, pr: PresetRow, context: dict[str, Any]) -> dict[str, str] | None:
        texts: dict[str, str] = {}
        for name, label in _TEXT_FIELDS:
            raw = pr.row.explanation_text if name == "explanation" else getattr(pr.row, name)
            if raw is None:
                continue
            try:
                texts[name] = render_field(raw, context, label)
            except Problem as exc:
                self._error(pr, exc.message, exc.hint, name)
                return None
        return texts

    def _render(
        self,
        pr: PresetRow,
        context: dict[str, Any],
        default_basis: tuple[str | None, dm.SourceRef | None, bool],
        date_style: DateStyle,
        project: Path,
        preset: str | None,
        framework: Framework,
        show_basis: bool,
    ) -> dict[str, Any] | None:
        texts = self._texts(pr, context)
        if texts is None:
            return None
        if "level2" not in texts:
            self._error(pr, "指标行缺少「二级」", f"可用的二级指标：{'、'.join(children_in(framework.levels))}")
            return None
        level1 = texts.get("level1") or parent_in(framework.levels, texts["level2"])
        if level1 is None:
            self._error(
                pr,
                f"二级指标「{texts['level2']}」不属于指标体系「{framework.name}」，无法推断一级指标",
                f"写出 一级，或改用：{'、'.join(children_in(framework.levels))}",
                "level2",
            )
            return None
        derived: tuple[str, ...] = ()
        if "description" not in texts and "explanation" in texts:
            texts["description"], derived = texts["explanation"], ("description",)
        elif "explanation" not in texts and "description" in texts:
            texts["explanation"], derived = texts["description"], ("explanation",)
        for name, label in (("level3", "三级"), ("description", "描述"), ("value", "值")):
            if name not in texts:
                hint = "写出 描述 或 指标解释" if name == "description" else f"写出 {label}"
                self._error(pr, f"指标行「{texts.get('level3', texts['level2'])}」缺少「{label}」", hint)
                return None
        try:
            value = parse_value(texts["value"], iso_style=date_style)
        except ValueError_ as exc:
            self._error(pr, exc.message, exc.hint, "value")
            return None
        field_sources = {
            "explanation" if name == "explanation_alt" else name: source_ref(self.root, *where)
            for name, where in pr.fields.items()
        }
        for copied, origin in (("description", "explanation"), ("explanation", "description")):
            if copied in derived and origin in field_sources:
                field_sources[copied] = field_sources[origin]
        basis, basis_source, basis_own = default_basis
        row_basis = None
        if show_basis:
            written_here = "basis" in pr.fields and pr.fields["basis"][0] == project
            row_basis = texts.get("basis") if written_here or not (basis_own and basis) else None
            row_basis = row_basis or basis
            if row_basis == basis and not written_here and basis_source is not None:
                field_sources["basis"] = basis_source
            if row_basis is None:
                self._error(pr, "缺少指标值确定依据", "在 默认 中写 指标值确定依据: 工作计划，或在这一行写 依据")
                return None
        sign, figure, measure_unit = split_value(value.kind, value.op, value.number, value.unit, value.text)
        return {
            "level1": level1,
            "level2": texts["level2"],
            "level3": texts["level3"],
            "description": texts["description"],
            "value": value.text,
            "basis": row_basis,
            "explanation": texts["explanation"],
            "weight": pr.row.weight,
            "sign": sign,
            "figure": figure,
            "measure_unit": measure_unit,
            "not_applicable": texts["level3"].strip() == NOT_APPLICABLE,
            "derived": derived,
            "parsed": dm.ParsedValue(
                kind=value.kind,
                op=value.op,
                number=value.number,
                unit=value.unit,
                date=value.date.isoformat() if value.date else None,
                date_style=value.date_style,
            ),
            "key": pr.row.key,
            "origin": "项目" if pr.path == project else f"预设:{preset}",
            "source": source_ref(self.root, pr.path, pr.line, pr.col),
            "field_sources": field_sources,
        }
