"""The rule pack file (规则包, ``rules/*.yaml``): rules as data, each a field, a test and a message.

::

    说明: 某市财政局项目支出绩效目标审核口径
    规则:
      - 编号: ZC01
        名称: 政策依据没有引用文件
        类别: 完整性
        级别: 警告
        对象: 政策依据
        检查: {须匹配: '《[^》]+》|〔\\d{4}〕\\d+号'}
        意见: 政策依据没有写出所依据的文件
        建议: 写出文件名称和文号，如《…办法》（某财〔2024〕1号）

The tests (``检查``) and what each reads are described in the README (「规则包」) and
:mod:`jixiao.checks.packs.tests`; this module is only the file's shape.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any, Literal

from pydantic import Field, field_validator, model_validator

from jixiao import limits
from jixiao.checks.categories import CATEGORIES, category_name
from jixiao.spec.base import SpecModel

LEVELS = {"错误": "error", "警告": "warning", "提示": "info"}
#: Comparisons of 数值, and what each means as an operator.
COMPARISONS = {"不大于": "≤", "小于": "<", "不小于": "≥", "大于": ">", "等于": "="}


def _as_list(value: Any) -> Any:
    return [value] if isinstance(value, str) else value


class CompareSpec(SpecModel):
    """数值: the number of the field compared with another field (预算数 …) or a number."""

    le: str | Decimal | None = Field(None, alias="不大于")
    lt: str | Decimal | None = Field(None, alias="小于")
    ge: str | Decimal | None = Field(None, alias="不小于")
    gt: str | Decimal | None = Field(None, alias="大于")
    eq: str | Decimal | None = Field(None, alias="等于")

    @model_validator(mode="after")
    def _one(self) -> CompareSpec:
        if sum(v is not None for v in (self.le, self.lt, self.ge, self.gt, self.eq)) != 1:
            raise ValueError("数值 下写一种比较：不大于、小于、不小于、大于、等于 之一，如 {不大于: 预算数}")
        return self

    def pair(self) -> tuple[str, str | Decimal]:
        """(comparison, other) as written."""
        for name, attr in (("不大于", "le"), ("小于", "lt"), ("不小于", "ge"), ("大于", "gt"), ("等于", "eq")):
            value = getattr(self, attr)
            if value is not None:
                return name, value
        raise AssertionError


class CountSpec(SpecModel):
    """行数: how many indicator rows (per 二级 when the rule names 二级)."""

    least: int | None = Field(None, alias="最少", ge=0, le=limits.MAX_ROWS)
    most: int | None = Field(None, alias="最多", ge=0, le=limits.MAX_ROWS)


class SumSpec(SpecModel):
    """金额合计: the amounts a text lists add up to a field (测算依据 → 预算数)."""

    equals: str = Field("预算数", alias="等于")
    tolerance: Decimal = Field(Decimal(0), alias="容差", ge=0)


class WeightSpec(SpecModel):
    """权重: the 一级 weights of 财预〔2021〕101号 (checked only when the rows give 权重)."""

    with_cost: dict[str, Decimal] = Field(alias="有成本指标")
    without_cost: dict[str, Decimal] = Field(alias="无成本指标")
    no_satisfaction_to: str | None = Field(None, alias="无满意度指标时加到")


class TestSpec(SpecModel):
    """检查: one or more tests; the rule is broken when any of them fails."""

    match: str | None = Field(None, alias="须匹配")
    no_match: str | None = Field(None, alias="不得匹配")
    not_empty: bool | None = Field(None, alias="不得为空")
    empty: bool | None = Field(None, alias="须为空")
    min_chars: int | None = Field(None, alias="最少字数", ge=0, le=limits.MAX_CELL_CHARS)
    max_chars: int | None = Field(None, alias="最多字数", ge=0, le=limits.MAX_CELL_CHARS)
    not_repeating: str | None = Field(None, alias="不得重复")
    compare: CompareSpec | None = Field(None, alias="数值")
    rows: CountSpec | None = Field(None, alias="行数")
    level2_present: list[str] | Literal["指标体系"] | None = Field(None, alias="须有二级")
    not_applicable: bool | None = Field(None, alias="不适用行完整")
    amounts: SumSpec | None = Field(None, alias="金额合计")
    weights: WeightSpec | None = Field(None, alias="权重")

    @field_validator("level2_present", mode="before")
    @classmethod
    def _level2_list(cls, value: Any) -> Any:
        return value if value == "指标体系" else _as_list(value)

    def written(self) -> list[str]:
        """The tests written, by their keys, in file order."""
        return [name for name, f in type(self).model_fields.items() if getattr(self, name) is not None
                and f.alias is not None]


class ConditionSpec(SpecModel):
    """条件: the rule applies only to the projects that meet all of these."""

    budget_from: str | None = Field(None, alias="预算数达", description="如 500万元")
    budget_below: str | None = Field(None, alias="预算数低于", description="如 50万元")
    frameworks: list[str] | None = Field(None, alias="指标体系")
    filled: list[str] | None = Field(None, alias="已填")
    matching: dict[str, str] | None = Field(None, alias="匹配", description="字段 → 正则表达式，如 {项目类型: 基建|修缮}")

    _lists = field_validator("frameworks", "filled", mode="before")(_as_list)

    @field_validator("budget_from", "budget_below", mode="before")
    @classmethod
    def _amount_text(cls, value: Any) -> Any:
        return str(value) if isinstance(value, int | float | Decimal) and not isinstance(value, bool) else value


class PackRuleSpec(SpecModel):
    """One rule of a pack."""

    id: str = Field(alias="编号", min_length=1, max_length=30, pattern=r"^\S+$")
    title: str = Field(alias="名称", min_length=1, max_length=200)
    category: str = Field(alias="类别")
    level: Literal["错误", "警告", "提示"] = Field("警告", alias="级别")
    manual: bool = Field(False, alias="人工", description="人工审核的要点：报告中列作提醒，不自动检查")
    target: str | None = Field(None, alias="对象", description="检查的字段：表头项、指标列，或 表（整张表）")
    level1: list[str] | None = Field(None, alias="一级")
    level2: list[str] | None = Field(None, alias="二级")
    when: ConditionSpec | None = Field(None, alias="条件")
    test: TestSpec | None = Field(None, alias="检查")
    message: str = Field(alias="意见", min_length=1, max_length=1000)
    hint: str | None = Field(None, alias="建议", max_length=1000)
    covers: list[str] = Field(
        default_factory=list, alias="涵盖", max_length=50,
        description="说的是同一件事的其他规则（如 jixiao 自己的 JX208）：这条规则报出的地方，它们不再另报",
    )

    _lists = field_validator("level1", "level2", "covers", mode="before")(_as_list)

    @field_validator("category")
    @classmethod
    def _category(cls, value: str) -> str:
        name = category_name(value)
        if name is None:
            raise ValueError(f"类别「{value}」不是审核类别；可用：{'、'.join(CATEGORIES)}")
        return name

    @model_validator(mode="after")
    def _test_or_manual(self) -> PackRuleSpec:
        if self.manual:
            return self
        if self.target is None:
            raise ValueError("自动检查的规则要写 对象（检查哪一项）；人工审核的写 人工: true")
        if self.test is None or not self.test.written():
            raise ValueError("自动检查的规则要写 检查（如 {须匹配: 正则表达式}）；人工审核的写 人工: true")
        return self


class GradeCount(SpecModel):
    """A count of a project's problems: at least *n* of a level (and category)."""

    level: Literal["错误", "警告", "提示"] = Field(alias="级别")
    category: str | None = Field(None, alias="类别")
    least: int = Field(1, alias="至少", ge=1)

    @field_validator("category")
    @classmethod
    def _category(cls, value: str | None) -> str | None:
        if value is None:
            return None
        name = category_name(value)
        if name is None:
            raise ValueError(f"类别「{value}」不是审核类别；可用：{'、'.join(CATEGORIES)}")
        return name


class GradeSpec(SpecModel):
    """One grade: its name, what it means, and when a project gets it (any of the counts)."""

    name: str = Field(alias="名称", min_length=1, max_length=10)
    meaning: str = Field("", alias="说明")
    any_of: list[GradeCount] = Field(default_factory=list, alias="任一")


class GradingSpec(SpecModel):
    """评级: grades from the worst; a project gets the first whose 任一 it meets; the last has none."""

    grades: list[GradeSpec] = Field(alias="等级", min_length=1, max_length=10)

    @model_validator(mode="after")
    def _last_is_default(self) -> GradingSpec:
        if self.grades[-1].any_of:
            raise ValueError("最后一个等级不写 任一：没有达到前面任何等级的项目得这个等级（如 优）")
        if any(not g.any_of for g in self.grades[:-1]):
            raise ValueError("除最后一个等级外，每个等级都要写 任一（得这个等级的条件）")
        return self


class RulePackSpec(SpecModel):
    """A rule pack file."""

    schema_: str | None = Field(None, alias="$schema")
    note: str = Field("", alias="说明")
    source: str | None = Field(None, alias="来源", description="规则的出处，如审核口径的文件名")
    grading: GradingSpec | None = Field(None, alias="评级", description="审核表的评级规则；省略时用内置的评级")
    rules: list[PackRuleSpec] = Field(default_factory=list, alias="规则", max_length=limits.MAX_PACK_RULES)
