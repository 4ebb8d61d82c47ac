"""Presets: named indicator sets kept as YAML data with Jinja text.

A preset is ``templates/presets/<名称>.yaml``::

    说明: 日常运转类项目的通用指标
    绩效指标:
      - 键: 完成率
        二级: 数量指标
        三级: 工作完成率
        描述: "{{ 事项 }}工作实际完成量占计划工作量的比例"
        值: "=100%"

A preset may start from another one (``基于: 运转类``) and change rows by key
(``改写:``) exactly as a project does. Presets found earlier in the look-up order
(spec folder, user repository, built-in) hide later ones of the same name.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import Field

from jixiao.errors import Diagnostic
from jixiao.spec.base import SpecModel
from jixiao.spec.model import RowList, RowPatch, RowSpec
from jixiao.spec.named import load_named
from jixiao.spec.yamlio import NodePath, Positions


class PresetSpec(SpecModel):
    """A preset file."""

    schema_: str | None = Field(None, alias="$schema")
    note: str = Field("", alias="说明", description="预设的用途说明")
    base: str | None = Field(None, alias="基于", description="以另一个预设为基础")
    patch: dict[str, RowPatch] = Field(default_factory=dict, alias="改写", description="按键改写基础预设中的行")
    rows: list[RowList] = Field(default_factory=list, alias="绩效指标", description="指标行；每行须有 键")


#: Field → its index in the list shorthand ``[二级, 三级, 描述, 值, 依据]``.
LIST_INDEX = {"level2": 0, "level3": 1, "description": 2, "value": 3, "basis": 4}
FIELD_KEYS = {
    "level1": "一级",
    "level2": "二级",
    "level3": "三级",
    "description": "描述",
    "value": "值",
    "basis": "依据",
    "explanation": "指标解释",
    "explanation_alt": "指标值说明",
    "weight": "权重",
}


@dataclass(frozen=True)
class PresetRow:
    """A row of a resolved preset, with where it (and each written field) was written."""

    row: RowSpec
    path: Path
    line: int
    col: int
    #: Where each written field is: a row changed by 改写 keeps the positions of the
    #: fields it did not change (in the preset), the changed ones point at the 改写.
    fields: dict[str, tuple[Path, int, int]] = field(default_factory=dict)

    def where(self, name: str | None = None) -> tuple[Path, int, int]:
        """File and position of field *name* if it was written, else of the row."""
        if name is not None and name in self.fields:
            return self.fields[name]
        return self.path, self.line, self.col


def field_positions(pos: Positions, base: tuple[str | int, ...]) -> dict[str, tuple[Path, int, int]]:
    """File and positions of a row's fields, whether written as a mapping or as a list."""
    out: dict[str, tuple[Path, int, int]] = {}
    for name, key in FIELD_KEYS.items():
        for probe in ((*base, key), (*base, LIST_INDEX.get(name, -1))):
            if probe in pos.values:
                out[name] = (pos.path, *pos.values[probe])
                break
    return out


@dataclass
class Preset:
    """A loaded preset file (before resolving 基于)."""

    name: str
    path: Path
    spec: PresetSpec
    pos: Positions


@dataclass
class PresetLibrary:
    """All presets visible from one spec, by name."""

    presets: dict[str, Preset] = field(default_factory=dict)
    diagnostics: list[Diagnostic] = field(default_factory=list)

    def names(self) -> list[str]:
        """Known preset names, sorted."""
        return sorted(self.presets)

    def resolve(self, name: str, _seen: tuple[str, ...] = ()) -> list[PresetRow]:
        """Rows of preset *name* with its 基于 chain applied.

        Raises:
            KeyError: no preset *name*.
            BaseProblem: a 基于 in the chain names a missing preset or forms a cycle.
        """
        preset = self.presets[name]
        spec = preset.spec
        rows: list[PresetRow] = []
        if spec.base:
            if spec.base in (*_seen, name):
                chain = " → ".join((*_seen, name, spec.base))
                raise BaseProblem(preset, f"预设的「基于」形成了循环：{chain}", "让其中一个预设不再基于另一个")
            if spec.base not in self.presets:
                raise BaseProblem(
                    preset, f"预设「{name}」基于的预设「{spec.base}」不存在", f"可用的预设：{'、'.join(self.names())}"
                )
            rows = apply_patch(
                self.resolve(spec.base, (*_seen, name)),
                {k: (v, ("改写", k)) for k, v in spec.patch.items()},
                preset.path,
                preset.pos,
            )
        for i, row in enumerate(spec.rows):
            line, col = preset.pos.of(("绩效指标", i))
            fields = field_positions(preset.pos, ("绩效指标", i))
            rows.append(PresetRow(row, preset.path, line, col, fields))
        return rows


class BaseProblem(Exception):
    """A preset's 基于 cannot be followed; located at that 基于."""

    def __init__(self, preset: Preset, message: str, hint: str) -> None:
        super().__init__(message)
        self.diagnostic = preset.pos.diag(("基于",), message, hint)


def apply_patch(
    rows: list[PresetRow],
    patch: Mapping[str, tuple[RowSpec, NodePath]],
    path: Path,
    pos: Positions,
) -> list[PresetRow]:
    """Apply ``改写`` entries (by key) to *rows*: merge fields, or drop the row.

    A changed row is located at its 改写 entry; fields it did not change keep
    pointing at the preset that wrote them.
    """
    out: list[PresetRow] = []
    for pr in rows:
        key = pr.row.key
        if key is None or key not in patch:
            out.append(pr)
            continue
        change, node = patch[key]
        if change.drop:
            continue
        line, col = pos.of(node, key=True)
        fields = {**pr.fields, **field_positions(pos, node)}
        if "level2" in fields and fields["level2"][0] == path and "level1" in fields and fields["level1"][0] != path:
            del fields["level1"]  # a new 二级 re-derives the 一级 (see merge_row)
        out.append(PresetRow(merge_row(pr.row, change), path, line, col, fields))
    return out


def merge_row(base: RowSpec, change: RowSpec) -> RowSpec:
    """Fields set in *change* replace those of *base*; a new 二级 re-derives 一级."""
    updates = {
        name: getattr(change, name)
        for name in ("level1", "level2", "level3", "description", "value", "basis", "explanation", "explanation_alt",
                     "weight")
        if getattr(change, name) is not None
    }
    if "level2" in updates and "level1" not in updates:
        updates["level1"] = None
    # 指标解释 and 指标值说明 are one cell: the one the change writes replaces either.
    if "explanation" in updates:
        updates["explanation_alt"] = None
    elif "explanation_alt" in updates:
        updates["explanation"] = None
    return base.model_copy(update=updates)


def load_library(dirs: list[Path]) -> PresetLibrary:
    """Load every ``*.yaml`` preset in *dirs*; earlier folders win by name."""
    found, problems = load_named(dirs, PresetSpec, "把预设文件本身复制到 presets 文件夹中")
    lib = PresetLibrary(diagnostics=problems)
    for name, named in found.items():
        for i, row in enumerate(named.spec.rows):
            if not row.key:
                lib.diagnostics.append(
                    named.pos.diag(("绩效指标", i), "预设中的每一行都要有「键」", "加上 键: 完成率 之类的短名，项目用它来改写或删除这一行")
                )
        lib.presets[name] = Preset(name, named.path, named.spec, named.pos)
    return lib
