"""A 工作簿布局 as data: where every field sits in a budget system's workbook.

Read from YAML by :mod:`jixiao.spec.workbook` (which documents the file), resolved by the
loader and carried by the document model (:attr:`jixiao.model.document.Document.workbook_layout`),
so that the workbook writer reads nothing but the model.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, GetJsonSchemaHandler, model_validator
from pydantic.json_schema import JsonSchemaValue

from jixiao.model.fields import FIELDS, PROJECT_FIELDS, ROW_FIELDS


class LayoutFile(BaseModel):
    """As the spec's classes: immutable, unknown keys forbidden, the Chinese keys only."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=False, str_strip_whitespace=False)


class ColumnSpec(LayoutFile):
    """One column or header field: the field, the label printed for it and (columns) the width."""

    field: str = Field(alias="字段", description="字段名，如 项目编码、三级指标、计算符号（见 README）")
    label: str | None = Field(None, alias="标签", description="印出的标签；省略时就是字段名")
    width: float | None = Field(None, alias="列宽", gt=0, le=255, description="列宽（Excel 的字符宽度）")
    position: int | None = Field(
        None, alias="位置", ge=2, le=50, description="分表：表头一行两项时，第二项的标签在第几列（省略时在表宽的一半处）"
    )

    @model_validator(mode="before")
    @classmethod
    def _from_name(cls, data: Any) -> Any:
        if isinstance(data, str):
            return {"字段": data}
        return data

    @model_validator(mode="after")
    def _known_field(self) -> ColumnSpec:
        if self.field not in FIELDS:
            raise ValueError(f"没有字段「{self.field}」；可用的字段：{'、'.join(FIELDS)}")
        return self

    @property
    def title(self) -> str:
        """The printed label."""
        return self.label or self.field


class _AlsoName:
    def __get_pydantic_json_schema__(self, core_schema: Any, handler: GetJsonSchemaHandler) -> JsonSchemaValue:
        return {"anyOf": [{"type": "string", "description": "字段名（标签同字段名）"}, handler(core_schema)]}


Column = Annotated[ColumnSpec, _AlsoName()]


class SheetSpec(LayoutFile):
    """A flat sheet (形式: 清单)."""

    name: str = Field(alias="名称", max_length=31, description="工作表名称")
    per_row: Literal["项目", "指标"] = Field(alias="每行", description="每行一个项目，或每行一个指标（用项目列对应到项目）")
    columns: list[Column] = Field(alias="列", min_length=1, max_length=60, description="各列，按顺序")
    first_row_only: bool = Field(
        False, alias="项目列只写首行", description="每行一个指标时，项目的各列只写在该项目的第一行（其余行留空，读入时向下填充）"
    )


class WorkbookLayoutSpec(LayoutFile):
    """A workbook layout file (workbooks/*.yaml)."""

    schema_: str | None = Field(None, alias="$schema", description="JSON Schema 地址（编辑器用）")
    note: str = Field("", alias="说明", description="这个布局的用途")
    shape: Literal["分表", "清单"] = Field(alias="形式", description="分表：每个项目一张工作表；清单：每行一个项目或一个指标")
    money_unit: Literal["元", "万元"] | None = Field(
        None, alias="金额单位", description="工作簿中的金额单位；省略时同文档（部门.yaml 的 金额单位）"
    )
    font: str = Field("宋体", alias="字体", description="字体名称")
    font_size: float = Field(10.5, alias="字号", gt=5, le=30, description="字号（磅）")
    # 分表
    sheet_name: str = Field(
        "{序号}.{项目名称}", alias="工作表名",
        description="分表：工作表名称，可用 {序号} {项目名称} {项目编码}；超过 31 个字符时截短，不能用的字符换成下划线",
    )
    title: str | None = Field(
        "{项目名称}绩效目标表", alias="标题", description="分表：表格上方的标题行（跨整个表宽）；写 ~ 不要标题行"
    )
    unit_line: bool = Field(True, alias="单位行", description="分表：标题下是否有一行「单位：万元」")
    header: list[Annotated[list[Column], Field(min_length=1, max_length=2)]] = Field(
        default_factory=list, alias="表头", max_length=40,
        description="分表：表头块的各行，每行一项或两项（标签 | 内容），如 [[项目名称], [项目编码, 实施期限]]",
    )
    columns: list[Column] = Field(
        default_factory=list, alias="指标表列", max_length=20,
        description="分表：指标表的各列，如 [一级指标, 二级指标, 三级指标, 指标值, 指标解释]",
    )
    merged: list[str] = Field(
        default_factory=lambda: ["一级指标", "二级指标"], alias="合并单元格",
        description="分表：纵向合并相同内容的指标列（一级指标、二级指标）",
    )
    all_level2: bool = Field(
        False, alias="预印二级",
        description="分表和清单：指标体系的每个二级指标都印出，项目没有的一行三级指标、指标值、指标解释写「不适用」",
    )
    footnotes: list[str] = Field(default_factory=list, alias="脚注", max_length=20, description="分表：表格下方的注释行")
    # 清单
    sheets: list[SheetSpec] = Field(default_factory=list, alias="工作表", max_length=10, description="清单：各工作表")

    @model_validator(mode="after")
    def _shape_has_its_parts(self) -> WorkbookLayoutSpec:
        if self.shape == "分表":
            if not self.columns:
                raise ValueError("形式为 分表 时要写 指标表列")
            if len(self.columns) < 4 and any(len(row) == 2 for row in self.header):
                raise ValueError("表头中两项一行时，指标表至少要有 4 列")
            wrong = [c.field for c in self.columns if c.field not in ROW_FIELDS]
            wrong += [c.field for row in self.header for c in row if c.field not in PROJECT_FIELDS]
            if wrong:
                raise ValueError(f"「{'、'.join(wrong)}」不能放在这里：表头只放项目的字段，指标表列只放指标行的字段")
        if self.shape == "清单":
            if not self.sheets:
                raise ValueError("形式为 清单 时要写 工作表")
            for sheet in self.sheets:
                if sheet.per_row == "项目" and any(c.field in ROW_FIELDS for c in sheet.columns):
                    raise ValueError(f"工作表「{sheet.name}」每行一个项目，不能有指标行的字段")
        return self
