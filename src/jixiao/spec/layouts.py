"""Named layouts (版式) kept as YAML data, and the resolution of a table's layout.

A named layout is ``templates/layouts/<名称>.yaml`` holding :class:`LayoutSpec`
settings, possibly ``基于`` another one. Look-up order, as for presets: the spec
folder's ``layouts/``, the user's repository ``templates/layouts/``, the
built-in set. A table's layout is the built-in defaults overlaid by the
settings of 部门.yaml's 版式, then its 部分's, then its project's — each
``基于`` chain contributing only the settings it actually writes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from jixiao.errors import Diagnostic
from jixiao.model import document as dm
from jixiao.resources import lookup_dirs
from jixiao.spec.layout import ALIASES, PAGE_FIELDS, LayoutSpec
from jixiao.spec.named import load_named
from jixiao.spec.yamlio import Positions

DEFAULT = "河北"


def layout_dirs(spec_root: Path) -> list[Path]:
    """Layout folders in look-up order: spec folder, user repository, built-in."""
    return lookup_dirs(spec_root, "layouts")


@dataclass
class NamedLayout:
    """A layout file."""

    name: str
    path: Path
    spec: LayoutSpec
    pos: Positions


class LayoutProblem(Exception):
    """A 基于 that names no layout, or a cycle; carries the diagnostic."""

    def __init__(self, diagnostic: Diagnostic) -> None:
        super().__init__(diagnostic.message)
        self.diagnostic = diagnostic


@dataclass
class LayoutLibrary:
    """Every named layout visible from one spec."""

    layouts: dict[str, NamedLayout] = field(default_factory=dict)
    diagnostics: list[Diagnostic] = field(default_factory=list)

    def names(self) -> list[str]:
        """Known layout names, sorted."""
        return sorted(self.layouts)

    def settings(self, spec: LayoutSpec, pos: Positions, at: tuple[str | int, ...]) -> dict[str, Any]:
        """Settings (by field name) that *spec*, written at *at* in *pos*'s file, and its 基于 chain set.

        Raises:
            LayoutProblem: a 基于 names no layout, or the chain loops.
        """
        chain: list[dict[str, Any]] = [spec.settings()]
        base, where = spec.base, (pos, (*at, "基于") if (*at, "基于") in pos.values else at)
        seen: list[str] = []
        while base is not None:
            if base in seen:
                raise LayoutProblem(
                    where[0].diag(where[1], f"版式的「基于」形成了循环：{' → '.join([*seen, base])}", "去掉其中一个「基于」")
                )
            named = self.layouts.get(base)
            if named is None:
                raise LayoutProblem(
                    where[0].diag(
                        where[1], f"版式「{base}」不存在", f"可用的版式：{'、'.join(self.names())}；或写出详细设置"
                    )
                )
            seen.append(base)
            chain.append(named.spec.settings())
            base, where = named.spec.base, (named.pos, ("基于",))
        out: dict[str, Any] = {}
        for settings in reversed(chain):  # the farthest base first, the spec itself last
            out.update(settings)
        return out


def page_settings_misplaced(settings: dict[str, Any]) -> list[str]:
    """Labels of page settings in *settings* (allowed only for the whole document)."""
    return [ALIASES[name] for name in PAGE_FIELDS if name in settings]


def table_layout(*levels: dict[str, Any]) -> dm.Layout:
    """The resolved table layout: defaults overlaid by each level's settings in order."""
    merged: dict[str, Any] = {}
    for level in levels:
        merged.update({k: v for k, v in level.items() if k not in PAGE_FIELDS})
    return dm.Layout(**merged)


def table_columns(layout: dm.Layout) -> list[str]:
    """The indicator table's column titles: 一级/二级/三级指标, then the layout's (or the 河北 ones)."""
    rest = layout.columns
    if rest is None:
        rest = ["绩效指标描述", "指标值", *(["指标值确定依据"] if layout.show_basis else [])]
    return ["一级指标", "二级指标", "三级指标", *rest]


def page_layout(settings: dict[str, Any]) -> dm.Pages:
    """The resolved page settings of the document."""
    return dm.Pages(**{k: v for k, v in settings.items() if k in PAGE_FIELDS})


def load_layouts(dirs: list[Path]) -> LayoutLibrary:
    """Load every ``*.yaml`` layout in *dirs*; earlier folders win by name."""
    found, problems = load_named(dirs, LayoutSpec, "把版式文件本身复制到 layouts 文件夹中")
    return LayoutLibrary(
        layouts={name: NamedLayout(name, n.path, n.spec, n.pos) for name, n in found.items()}, diagnostics=problems
    )
