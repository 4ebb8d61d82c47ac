"""``版式``: how tables and pages look, written as a layout name or as settings.

Every setting is optional: what a ``版式`` does not say is inherited (built-in
defaults ← 部门.yaml ← the 部分 ← the project). ``基于: 名称`` starts from a
named layout, which is itself a YAML file of these settings under
``templates/layouts/`` (built-in, the user's repository, or ``layouts/`` in the
spec folder). A plain name (``版式: 天津``) is short for ``{基于: 天津}``.

Table settings may be given at any level; page settings (首页, 部分标题,
表题编号 …) only for the whole document.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import Field, GetJsonSchemaHandler, model_validator
from pydantic.json_schema import JsonSchemaValue

from jixiao.model.page import OFFICIAL
from jixiao.spec.base import SpecModel

#: The text width of the page (the page plan's): no column is wider.
_TEXT_WIDTH = round(OFFICIAL.text_width_mm)

Front = Literal["目录", "标题", "无"]
#: Indicator columns a 版式 may list after 一级/二级/三级指标.
ColumnName = Literal["绩效指标描述", "指标值", "指标解释", "指标值说明", "指标值确定依据", "权重"]
#: What a 表头 row may hold: fields (printed label | value) and blocks of rows.
HeaderName = Literal[
    "项目名称", "项目编码", "主管部门", "一级预算单位", "申请单位", "实施单位", "实施期限", "项目类型", "是否新增项目",
    "分配方式", "项目总金额", "政策依据", "测算依据", "年度目标", "绩效目标", "实施期目标", "长期目标", "资金用途",
    "项目资金",
]
PartHeading = Literal["单独成页", "表前"]
Scope = Literal["全文", "每部分"]


class LayoutSpec(SpecModel):
    """Layout settings (版式); every one optional."""

    schema_: str | None = Field(None, alias="$schema", description="JSON Schema 地址（编辑器用）")
    note: str | None = Field(None, alias="说明", description="这个版式的用途（版式文件中）")
    base: str | None = Field(None, alias="基于", description="以一个命名版式为基础，如 河北、天津、专项资金")
    # Table settings.
    unit_line: bool | None = Field(
        None, alias="单位行", description="表格上方是否有「单位编码+单位名称」一行（「单位：万元」总是印出）"
    )
    show_code: bool | None = Field(None, alias="项目编码", description="是否有 项目编码 一栏")
    name_label: str | None = Field(None, alias="项目名称标签", description="项目名称一栏的标签，如 专项资金名称")
    show_schedule: bool | None = Field(None, alias="资金支出计划", description="是否有 资金支出计划 一行")
    schedule_label: str | None = Field(
        None, alias="支出计划标签", description="资金支出计划一行的标签，默认「资金支出计划（%）」"
    )
    schedule_percent: bool | None = Field(
        None, alias="支出计划百分号", description="资金支出计划的数后面是否带 %（与标签无关）"
    )
    schedule_places: int | None = Field(
        None, alias="支出计划小数位", ge=0, le=4,
        description="资金支出计划保留几位小数（如 2 → 28.00）；省略时照规格中的写法",
    )
    show_basis: bool | None = Field(None, alias="指标值确定依据", description="指标表是否有 指标值确定依据 一列")
    widths: list[Annotated[float, Field(gt=0, le=_TEXT_WIDTH)]] | None = Field(
        None, alias="列宽", min_length=4, max_length=8,
        description=f"指标表各列的宽度（毫米，与指标表的列数相同，合计不超过 {_TEXT_WIDTH}）；省略时按内容和标签自动计算",
    )
    columns: list[ColumnName] | None = Field(
        None, alias="指标表列", min_length=1, max_length=5,
        description="一级、二级、三级指标之后的各列，按顺序，如 [指标值, 指标解释]；省略时为 绩效指标描述、指标值（和 指标值确定依据）",
    )
    header: list[Annotated[list[HeaderName], Field(min_length=1, max_length=2)]] | None = Field(
        None, alias="表头", min_length=1, max_length=20,
        description="表头块的各行：每行一项或两项（标签 | 内容），或 [项目资金]（年度资金总额、财政拨款、财政专户管理资金、"
        "单位资金四行），如 [[项目名称], [主管部门, 实施单位], [项目资金], [年度目标]]；省略时为河北式的表头"
        "（按 项目编码、资金支出计划 两项设置）",
    )
    # Page settings (whole document only).
    front: Front | None = Field(
        None, alias="首页", description="文档开头：目录 = 标题和目录单独一页；标题 = 只印标题；无 = 直接从正文开始"
    )
    part_heading: PartHeading | None = Field(
        None, alias="部分标题", description="第二部分等的标题：单独成页，或 表前（印在第一张表上方）"
    )
    title_numbering: str | None = Field(
        None, alias="表题编号", description="表题的编号样式，写成第一项的样子：1. 或 1、 或 （一）；无 = 不编号"
    )
    numbering_scope: Scope | None = Field(
        None, alias="表题编号范围", description="全文 = 编号贯穿全文；每部分 = 每个部分从 1 开始"
    )

    @model_validator(mode="before")
    @classmethod
    def _from_name(cls, data: Any) -> Any:
        if isinstance(data, str):
            return {"基于": data}
        return data

    def settings(self) -> dict[str, Any]:
        """The settings written here (by field name), without 基于 and 说明."""
        return {
            name: value
            for name in TABLE_FIELDS + PAGE_FIELDS
            if (value := getattr(self, name)) is not None
        }


TABLE_FIELDS = (
    "unit_line", "show_code", "name_label", "show_schedule", "schedule_label", "schedule_percent",
    "schedule_places", "show_basis", "widths", "columns", "header",
)
PAGE_FIELDS = ("front", "part_heading", "title_numbering", "numbering_scope")
ALIASES = {name: field.alias or name for name, field in LayoutSpec.model_fields.items()}


class _AlsoLayoutName:
    """JSON Schema: a 版式 may be a layout name or settings."""

    def __get_pydantic_json_schema__(
        self, core_schema: Any, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        return {
            "anyOf": [
                {"type": "string", "description": "命名版式：河北、天津、专项资金、公文，或自己的 layouts/ 中的文件名"},
                handler(core_schema),
            ]
        }


LayoutField = Annotated[LayoutSpec, _AlsoLayoutName()]
