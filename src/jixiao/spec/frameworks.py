"""``指标体系``: named indicator frameworks kept as YAML data, and their resolution.

A framework is ``templates/frameworks/<名称>.yaml``::

    说明: 2021 年前多数地方使用的指标体系
    一级:
      产出指标: [数量指标, 质量指标, 时效指标, 成本指标]
      效益指标: [经济效益指标, 社会效益指标, 生态效益指标, 可持续影响指标]
      满意度指标: [服务对象满意度指标]
    不适用行: false

It may start from another one (``基于: "2021"``) and change 可持续影响 or 不适用行.
Look-up order, as for presets and layouts: the spec folder's ``frameworks/``, the
user's repository ``templates/frameworks/``, the built-in set. In 部门.yaml and in
a 部分, ``指标体系`` is a name or these settings (``{基于: "2021", 不适用行: true}``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Any

from pydantic import Field, GetJsonSchemaHandler, model_validator
from pydantic.json_schema import JsonSchemaValue

from jixiao.errors import Diagnostic
from jixiao.model.framework import children_in, parent_in, without_sustainable
from jixiao.resources import builtin_templates, lookup_dirs
from jixiao.spec.base import SpecModel
from jixiao.spec.named import load_named
from jixiao.spec.yamlio import NodePath, Positions

DEFAULT = "效益"


class FrameworkSpec(SpecModel):
    """A framework file, or the ``指标体系`` setting (a name is short for ``{基于: 名称}``)."""

    schema_: str | None = Field(None, alias="$schema", description="JSON Schema 地址（编辑器用）")
    note: str | None = Field(None, alias="说明", description="这个指标体系的用途（指标体系文件中）")
    base: str | None = Field(None, alias="基于", description="以一个命名的指标体系为基础：效益、效果、2021、2021核心")
    levels: dict[str, list[str]] | None = Field(
        None, alias="一级", description="一级指标 → 它的二级指标（按规范的顺序），如 {产出指标: [数量指标, 质量指标]}"
    )
    sustainable: bool | None = Field(
        None, alias="可持续影响", description="是否保留「可持续影响指标」这个二级指标（2021 年核心指标体系不再列出）"
    )
    not_applicable: bool | None = Field(
        None, alias="不适用行",
        description="true：指标体系中的每个二级指标都列出，项目没有的那一行三级指标、指标值、指标解释都印「不适用」",
    )

    @model_validator(mode="before")
    @classmethod
    def _from_name(cls, data: Any) -> Any:
        if isinstance(data, str | int):
            return {"基于": str(data)}
        return data


class _AlsoFrameworkName:
    """JSON Schema: a 指标体系 may be a name or settings."""

    def __get_pydantic_json_schema__(self, core_schema: Any, handler: GetJsonSchemaHandler) -> JsonSchemaValue:
        return {
            "anyOf": [
                {"type": ["string", "integer"], "description": "命名的指标体系：效益、效果、2021、2021核心，或自己的 frameworks/ 中的文件名"},
                handler(core_schema),
            ]
        }


FrameworkField = Annotated[FrameworkSpec, _AlsoFrameworkName()]


@dataclass(frozen=True)
class Framework:
    """A resolved framework: its name, 一级 → 二级 lists and whether absent 二级 get 「不适用」 rows."""

    name: str
    levels: dict[str, list[str]]
    not_applicable: bool = False


class FrameworkProblem(Exception):
    """A 基于 that names no framework, a cycle, or no 一级 at all; carries the diagnostic."""

    def __init__(self, diagnostic: Diagnostic) -> None:
        super().__init__(diagnostic.message)
        self.diagnostic = diagnostic


@dataclass
class NamedFramework:
    """A framework file."""

    name: str
    path: Path
    spec: FrameworkSpec
    pos: Positions


@dataclass
class FrameworkLibrary:
    """Every named framework visible from one spec."""

    frameworks: dict[str, NamedFramework] = field(default_factory=dict)
    diagnostics: list[Diagnostic] = field(default_factory=list)

    def names(self) -> list[str]:
        """Known framework names, sorted."""
        return sorted(self.frameworks)

    def resolve(self, spec: FrameworkSpec, pos: Positions, at: NodePath) -> Framework:
        """The framework *spec* (written at *at* in *pos*'s file) says, with its 基于 chain.

        Raises:
            FrameworkProblem: a 基于 names no framework, the chain loops, or nothing gives the 一级.
        """
        chain: list[FrameworkSpec] = [spec]
        base, where = spec.base, (pos, (*at, "基于") if (*at, "基于") in pos.values else at)
        seen: list[str] = []
        name: str | None = None
        while base is not None:
            if base in seen:
                raise FrameworkProblem(
                    where[0].diag(where[1], f"指标体系的「基于」形成了循环：{' → '.join([*seen, base])}", "去掉其中一个「基于」")
                )
            named = self.frameworks.get(base)
            if named is None:
                raise FrameworkProblem(
                    where[0].diag(where[1], f"指标体系「{base}」不存在", f"可用的指标体系：{'、'.join(self.names())}")
                )
            seen.append(base)
            name = name or base
            chain.append(named.spec)
            base, where = named.spec.base, (named.pos, ("基于",))
        levels = next((s.levels for s in chain if s.levels is not None), None)
        if not levels:
            raise FrameworkProblem(pos.diag(at, "指标体系没有列出任何一级指标", "写 基于: 效益，或写出 一级: {产出指标: [数量指标, …]}"))
        sustainable = next((s.sustainable for s in chain if s.sustainable is not None), True)
        not_applicable = next((s.not_applicable for s in chain if s.not_applicable is not None), False)
        resolved = {k: list(v) for k, v in levels.items()}
        return Framework(
            name=name or "自定义",
            levels=resolved if sustainable else without_sustainable(resolved),
            not_applicable=not_applicable,
        )

    def by_name(self, name: str) -> Framework:
        """The framework called *name* (raises KeyError or FrameworkProblem)."""
        named = self.frameworks[name]
        framework = self.resolve(FrameworkSpec.model_validate({"基于": name}), named.pos, ())
        return framework


def framework_dirs(spec_root: Path) -> list[Path]:
    """Framework folders in look-up order: spec folder, user repository, built-in."""
    return lookup_dirs(spec_root, "frameworks")


def load_frameworks(dirs: list[Path]) -> FrameworkLibrary:
    """Load every ``*.yaml`` framework in *dirs*; earlier folders win by name."""
    found, problems = load_named(dirs, FrameworkSpec, "把指标体系文件本身复制到 frameworks 文件夹中")
    return FrameworkLibrary(
        frameworks={name: NamedFramework(name, n.path, n.spec, n.pos) for name, n in found.items()},
        diagnostics=problems,
    )


@lru_cache(maxsize=1)
def builtin_frameworks() -> dict[str, Framework]:
    """The built-in frameworks by name (效益, 效果, 2021, 2021核心)."""
    lib = load_frameworks([builtin_templates() / "frameworks"])
    return {name: lib.by_name(name) for name in lib.names()}


def level1_of(level2: str, framework: str) -> str | None:
    """The 一级 a 二级 belongs to in the built-in *framework*, or None."""
    return parent_in(builtin_frameworks()[framework].levels, level2)


def all_level2(framework: str) -> list[str]:
    """Every 二级 of the built-in *framework*, in canonical order."""
    return children_in(builtin_frameworks()[framework].levels)
