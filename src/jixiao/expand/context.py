"""What the expansion of one department carries along: the spec, the diagnostics so far, each part resolved."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from jixiao.errors import Diagnostic
from jixiao.expand.indicators import RowBuilder, source_ref
from jixiao.model import document as dm
from jixiao.spec.frameworks import Framework
from jixiao.spec.load import LoadedSpec, ProjectSource
from jixiao.spec.model import Department, Part
from jixiao.spec.yamlio import NodePath, Positions


@dataclass
class Ctx:
    """Per-expansion state: the spec, the row builder and the diagnostics so far."""

    spec: LoadedSpec
    diags: list[Diagnostic]
    rows: RowBuilder
    #: Layout settings written in 部门.yaml (with its 基于 chain).
    layout: dict[str, Any] = field(default_factory=dict)
    #: The department's framework, and where it is set (None: the default).
    framework: Framework | None = None
    framework_source: dm.SourceRef | None = None

    @property
    def dept(self) -> Department:
        return self.spec.department

    def ref(self, pos: Positions, node: NodePath, *, key: bool = False) -> dm.SourceRef:
        """Location-independent source of *node* in the file *pos* belongs to."""
        return source_ref(self.spec.root, pos.path, *pos.of(node, key=key))


@dataclass(frozen=True)
class PartInfo:
    """One entry of 部分, resolved: its projects, layout settings and framework."""

    index: int
    spec: Part
    sources: list[ProjectSource]
    layout: dict[str, Any]
    framework: Framework
    framework_source: dm.SourceRef | None
