"""The spec as the author writes it: one pydantic class per YAML section.

Keys are the labels printed in the document (项目名称, 预算数 …) and are declared as
aliases; Python attribute names stay English. Every class forbids unknown keys,
so a misspelt key is reported instead of silently dropping a cell. The field
descriptions are user-facing: they become hover texts in the JSON Schema.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BeforeValidator,
    ConfigDict,
    Field,
    GetJsonSchemaHandler,
    WithJsonSchema,
    model_validator,
)
from pydantic.json_schema import JsonSchemaValue

from jixiao import limits
from jixiao.model.money import in_range
from jixiao.spec.base import SpecModel
from jixiao.spec.frameworks import FrameworkField
from jixiao.spec.layout import LayoutField

#: A code typed in YAML may look like a number; it is kept as text.
Code = Annotated[str, WithJsonSchema({"type": ["string", "integer"]})]
def _amount_in_range(amount: Decimal) -> Decimal:
    if not in_range(amount, limits.MAX_AMOUNT):
        raise ValueError(f"金额超出范围：{str(amount)[:40]}")
    return amount


#: A money amount: exact decimal, written as a YAML number or string, finite and bounded.
Money = Annotated[Decimal, AfterValidator(_amount_in_range), WithJsonSchema({"type": ["number", "string"]})]
#: One 资金支出计划 entry: "20%", 20, or blank (null / "").
ScheduleEntry = Annotated[str | None, WithJsonSchema({"type": ["string", "number", "null"]})]
DateStyleName = Literal["点分", "年月日"]


def _yes_no(value: Any) -> Any:
    if isinstance(value, str) and value.strip() in ("是", "否"):
        return value.strip() == "是"
    return value


#: 是否新增项目: 是 / 否 (or true / false).
YesNo = Annotated[bool, BeforeValidator(_yes_no), WithJsonSchema({"type": ["boolean", "string"], "enum": [True, False, "是", "否"]})]


def _weight_in_range(weight: Decimal) -> Decimal:
    if not weight.is_finite() or not 0 <= weight <= 100:
        raise ValueError(f"权重应在 0 到 100 之间：{weight}")
    return weight


#: 权重 (分值) of an indicator row: 0–100, exact decimal.
Weight = Annotated[Decimal, AfterValidator(_weight_in_range), WithJsonSchema({"type": ["number", "string"]})]


class Position(SpecModel):
    """Where an added row goes, relative to a preset row (by its 键)."""

    before: str | None = Field(None, alias="前", description="排在这个键的行之前")
    after: str | None = Field(None, alias="后", description="排在这个键的行之后")


class RowSpec(SpecModel):
    """One indicator row, or a change to a preset row.

    Written either as a mapping (``{三级: 单位成本, 值: ≤2万元}``) or as a list in
    printed column order: ``[二级, 三级, 描述, 值]`` or ``[二级, 三级, 描述, 值, 依据]``.
    """

    key: str | None = Field(None, alias="键", description="行的键：预设中用来改写或删除这一行的名字")
    level1: str | None = Field(None, alias="一级", description="一级指标；省略时由二级指标按指标体系推断")
    level2: str | None = Field(None, alias="二级", description="二级指标，如 数量指标、社会效益指标")
    level3: str | None = Field(None, alias="三级", description="三级指标（指标名称）")
    description: str | None = Field(None, alias="描述", description="绩效指标描述：指标的定义或计算方法")
    value: str | None = Field(None, alias="值", description="指标值，如 ≥90%、≤0.5万元/月、2025.12.31、有所提升")
    basis: str | None = Field(None, alias="依据", description="指标值确定依据；省略时用默认值")
    explanation: str | None = Field(
        None, alias="指标解释",
        description="指标解释（2021 年项目表）：指标的内容、计算方法和数据口径；省略时同 描述（描述省略时同指标解释）",
    )
    explanation_alt: str | None = Field(
        None, alias="指标值说明", description="同 指标解释（有的地区叫「指标值说明」）；两者只写一个"
    )
    weight: Weight | None = Field(None, alias="权重", description="权重（分值），0–100，如 10")
    drop: bool = Field(False, alias="删除", description="为 true 时从预设中删除这一行")
    position: Position | None = Field(
        None, alias="位置", description="新增的行排在哪里：{前: 键} 或 {后: 键}；省略时排在同一二级指标的最后"
    )

    @model_validator(mode="before")
    @classmethod
    def _from_shorthand(cls, data: Any) -> Any:
        if data == "删除":
            return {"删除": True}
        if isinstance(data, list):
            names = ["二级", "三级", "描述", "值", "依据"]
            if len(data) not in (4, 5):
                raise ValueError(
                    "列表写法需要 4 项 [二级, 三级, 描述, 值] 或 5 项 [二级, 三级, 描述, 值, 依据]"
                )
            if not all(isinstance(x, str) for x in data):
                raise ValueError("列表写法中的每一项都应是文本")
            return dict(zip(names, data, strict=False))
        return data

    @model_validator(mode="after")
    def _one_explanation(self) -> RowSpec:
        if self.explanation is not None and self.explanation_alt is not None:
            raise ValueError("「指标解释」和「指标值说明」是同一栏，只写其中一个")
        return self

    @property
    def explanation_text(self) -> str | None:
        """指标解释, whichever of its two keys is written."""
        return self.explanation if self.explanation is not None else self.explanation_alt


class _AlsoShorthand:
    """JSON Schema: a row may also be written as a list (and a patch as 「删除」)."""

    def __init__(self, *, allow_drop: bool) -> None:
        self.allow_drop = allow_drop

    def __get_pydantic_json_schema__(
        self, core_schema: Any, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        as_mapping = handler(core_schema)
        options: list[JsonSchemaValue] = [
            as_mapping,
            {"type": "array", "items": {"type": "string"}, "minItems": 4, "maxItems": 5},
        ]
        if self.allow_drop:
            options.append({"const": "删除"})
        return {"anyOf": options}


RowList = Annotated[RowSpec, _AlsoShorthand(allow_drop=False)]
RowPatch = Annotated[RowSpec, _AlsoShorthand(allow_drop=True)]


class Defaults(SpecModel):
    """Defaults inherited by projects (department → unit → project)."""

    preset: str | None = Field(None, alias="预设", description="默认预设名称（templates/presets/ 下的文件名）")
    basis: str | None = Field(None, alias="指标值确定依据", description="默认的指标值确定依据，如 工作计划")
    schedule: list[ScheduleEntry] | None = Field(
        None, alias="资金支出计划", description="3月底、6月底、10月底、12月底 累计支出比例，如 [20%, 50%, 80%, 100%]"
    )
    date_style: DateStyleName | None = Field(
        None, alias="日期格式", description="完成时限的写法：点分 = 2025.12.31，年月日 = 2025年12月31日"
    )
    deadline: str | None = Field(None, alias="完成时限", description="默认完成时限；省略时为 年度 的 12 月 31 日")
    policy_basis: str | None = Field(None, alias="政策依据", description="默认的政策依据（文件名称和文号）")
    period: str | None = Field(None, alias="实施期限", description="默认的实施期限，如 2025年1月-2025年12月")
    project_type: str | None = Field(None, alias="项目类型", description="默认的项目类型，如 其他运转类、特定目标类")
    is_new: YesNo | None = Field(None, alias="是否新增项目", description="默认是否新增项目：是 或 否")
    allocation: str | None = Field(None, alias="分配方式", description="默认的资金分配方式，如 项目法、因素法")
    applicant: str | None = Field(None, alias="申请单位", description="默认的申请单位；省略时为项目所属单位的名称")
    top_unit: str | None = Field(None, alias="一级预算单位", description="默认的一级预算单位；省略时为部门名称（同 主管部门）")
    supervisor: str | None = Field(None, alias="主管部门", description="同 一级预算单位；两者只写一个")
    executor: str | None = Field(None, alias="实施单位", description="默认的实施单位；省略时为项目所属单位的名称")
    unit: Code | None = Field(
        None, alias="单位", description="项目默认所属的单位（单位编码或单位名称）；部门只有一个单位时可省略"
    )


class CheckSettings(SpecModel):
    """How ``jixiao check`` treats this department or project."""

    ignore: list[str] = Field(
        default_factory=list, alias="忽略", description="不检查的规则编号，如 [JX110, JX402]（见 docs/rules.md）"
    )
    rules: list[str] = Field(
        default_factory=list, alias="规则",
        description="另外运行的规则包（部门.yaml）：内置的 2021项目表、rules/ 文件夹中的文件名，或规格文件夹中的 .yaml 文件",
    )


class Unit(SpecModel):
    """A budget unit (预算单位) of the department."""

    code: Code = Field(alias="单位编码", description="单位编码，如 619001")
    name: str = Field(alias="单位名称", description="单位名称，如 唐山市医疗保障局本级")
    defaults: Defaults | None = Field(None, alias="默认", description="本单位项目的默认值，覆盖部门默认值")


class Item(SpecModel):
    """One item of a 第一部分 section: a paragraph, a heading with its body, or a 分项 with 目标 and 指标.

    Written as text (a paragraph) or as a mapping.
    """

    title: str | None = Field(None, alias="标题", description="这一项的标题（单独一行，带编号）")
    text: str | None = Field(None, alias="内容", description="这一项的正文；换行照原样分段")
    goal: str | None = Field(None, alias="绩效目标", description="分项的绩效目标（印作「绩效目标：…」）")
    indicators: str | None = Field(None, alias="绩效指标", description="分项的绩效指标（印作「绩效指标：…」，换行照原样分段）")

    @model_validator(mode="before")
    @classmethod
    def _from_text(cls, data: Any) -> Any:
        if isinstance(data, str):
            return {"内容": data}
        return data


class _AlsoText:
    """JSON Schema: also written as text (or, for a section, as a list of items)."""

    def __init__(self, *, as_list: bool) -> None:
        self.as_list = as_list

    def __get_pydantic_json_schema__(
        self, core_schema: Any, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        mapping = handler(core_schema)
        options: list[JsonSchemaValue] = [{"type": "string"}, mapping]
        if self.as_list:
            options.append({"type": "array", "items": {"type": ["string", "object"]}})
        return {"anyOf": options}


ItemField = Annotated[Item, _AlsoText(as_list=False)]


class Section(SpecModel):
    """A section of 第一部分 (一、总体绩效目标 …).

    Written as text (one paragraph, printed as is), as a list of items (numbered
    in the section's default style), or as a mapping with 标题, 编号, 合为一段 and 内容.
    """

    title: str | None = Field(None, alias="标题", description="章节标题（不含「一、」，编号自动生成）")
    numbering: str | None = Field(
        None, alias="编号", description="各项的编号样式，写成第一项的样子：1. 1、 （一） (一)、 一是 （1）；无 = 不编号"
    )
    inline: bool = Field(False, alias="合为一段", description="各项连成一段（如「一是……；二是……」）")
    items: list[ItemField] = Field(default_factory=list, alias="内容", description="各项：文字，或 {标题, 内容}、{标题, 绩效目标, 绩效指标}")

    @model_validator(mode="before")
    @classmethod
    def _from_short(cls, data: Any) -> Any:
        if isinstance(data, str):
            return {"内容": [data], "编号": "无"}
        if isinstance(data, list):
            return {"内容": data}
        if isinstance(data, dict) and isinstance(data.get("内容"), str):
            return {**data, "内容": [data["内容"]]}
        return data


SectionField = Annotated[Section, _AlsoText(as_list=True)]


class PartOne(SpecModel):
    """第一部分 部门整体绩效目标."""

    title: str = Field("部门整体绩效目标", alias="标题", description="第一部分的标题")
    section_numbering: str = Field(
        "一、", alias="章节编号", description="章节标题的编号样式（一、总体绩效目标）；无 = 不编号"
    )
    overall: SectionField | None = Field(None, alias="总体绩效目标", description="一、总体绩效目标：一段文字，或各段的列表")
    sub_goals: SectionField | None = Field(
        None, alias="分项绩效目标", description="二、分项绩效目标：各项 {标题, 绩效目标, 绩效指标}，默认编号 1."
    )
    measures: SectionField | None = Field(
        None, alias="工作保障措施", description="三、工作保障措施：各项一段（默认编号 1.），或 {标题, 内容}，或一段文字"
    )
    others: list[SectionField] = Field(
        default_factory=list, alias="其他章节", description="排在后面的其他章节，各有 标题 和 内容"
    )


class Part(SpecModel):
    """A further part of the document holding project tables."""

    title: str = Field(alias="标题", description="部分标题，如 预算项目绩效目标")
    projects: list[str] | None = Field(
        None, alias="项目", description="本部分的项目文件名（不含 .yaml），按顺序；省略时包含全部项目"
    )
    layout: LayoutField | None = Field(None, alias="版式", description="本部分表格的版式，覆盖部门的版式")
    framework: FrameworkField | None = Field(None, alias="指标体系", description="本部分的指标体系，覆盖部门的设置")
    defaults: Defaults | None = Field(None, alias="默认", description="本部分项目的默认值（单位和项目的设置优先）")


class Templates(SpecModel):
    """Templates of this department (paths relative to the spec folder)."""

    document: str | None = Field(None, alias="文档", description="总文档的 Word 模板（.docx），如 模板/文档.docx")
    table: str | None = Field(None, alias="项目表", description="单个项目绩效目标表的 Word 模板（.docx）")
    html: str | None = Field(
        None, alias="网页", description="PDF 和网页用的模板文件夹（放 document.html.j2、style.css），如 模板/网页"
    )


class Department(SpecModel):
    """部门.yaml: what the whole document and all projects share."""

    schema_: str | None = Field(None, alias="$schema", description="JSON Schema 地址（编辑器用）")
    year: int = Field(
        alias="年度", ge=limits.MIN_YEAR, le=limits.MAX_YEAR, description="预算年度，如 2025"
    )
    name: str = Field(alias="部门名称", description="部门名称，如 唐山市医疗保障局")
    title: str | None = Field(None, alias="标题", description="文档标题；省略时为「{年度}年{部门名称}部门绩效目标」")
    money_unit: Literal["元", "万元"] = Field(alias="金额单位", description="金额单位：元 或 万元")
    layout: LayoutField | None = Field(
        None, alias="版式", description="版式：河北、天津、专项资金、公文，或详细设置；省略时为 河北"
    )
    framework: FrameworkField | None = Field(
        None, alias="指标体系",
        description="一级/二级指标体系：效益（2021 年前，默认）、效果（旧式）、2021（成本指标单列）、2021核心（不含可持续影响，"
        "没有的二级指标印「不适用」），或 {基于: 2021, 可持续影响: false, 不适用行: true}",
    )
    units: list[Unit] = Field(alias="单位", min_length=1, description="本部门的预算单位")
    part_one: PartOne | None = Field(None, alias="第一部分", description="第一部分 部门整体绩效目标")
    parts: list[Part] = Field(
        default_factory=lambda: [Part.model_validate({"标题": "预算项目绩效目标"})],
        alias="部分",
        description="第一部分之后的各部分及其项目",
    )
    defaults: Defaults = Field(default_factory=lambda: Defaults.model_validate({}), alias="默认", description="所有项目继承的默认值")
    checks: CheckSettings | None = Field(None, alias="检查", description="jixiao check 的设置，如 {忽略: [JX110]}")
    templates: Templates | None = Field(None, alias="模板", description="自己的 Word 模板：{文档: x.docx, 项目表: y.docx}")
    workbook: str | None = Field(
        None, alias="工作簿",
        description="jixiao render --format xlsx 用的工作簿布局：分表、清单、合并清单，或自己的 workbooks/ 中的文件名；省略时为 分表",
    )
    issued: dt.date | None = Field(
        None, alias="编制日期", description="编制日期（如 2024-12-31），写入 Word/PDF 文件属性；省略时为预算年度的 1 月 1 日"
    )


class Project(SpecModel):
    """projects/*.yaml: one 项目绩效目标表."""

    # 绩效目标 or 年度目标: one of the two (both is reported by expand).
    model_config = ConfigDict(json_schema_extra={"anyOf": [{"required": ["绩效目标"]}, {"required": ["年度目标"]}]})

    schema_: str | None = Field(None, alias="$schema", description="JSON Schema 地址（编辑器用）")
    name: str = Field(alias="项目名称", description="项目名称（打印在表中）")
    title: str | None = Field(None, alias="标题", description="表题中的名称；省略时同项目名称")
    unit: Code | None = Field(
        None, alias="单位", description="所属单位：单位编码或单位名称；省略时用 默认 中的单位，部门只有一个单位时就是它"
    )
    code: Code | None = Field(None, alias="项目编码", description="项目编码，如 13020025P00682510503U")
    budget: Money | None = Field(None, alias="预算数", description="预算数；省略时 = 财政资金 + 其他资金")
    fiscal: Money | None = Field(None, alias="财政资金", description="其中：财政资金；省略时 = 预算数 − 其他资金")
    other: Money | None = Field(None, alias="其他资金", description="其他资金；省略时 = 预算数 − 财政资金")
    use: str = Field("", alias="资金用途", description="资金用途")
    schedule: list[ScheduleEntry] | None = Field(
        None, alias="资金支出计划", description="3月底、6月底、10月底、12月底 累计支出比例；省略时用默认值"
    )
    goal: str | None = Field(None, alias="绩效目标", description="项目绩效目标（年度目标）；与 年度目标 只写一个")
    annual_goal: str | None = Field(None, alias="年度目标", description="同 绩效目标（2021 年项目表的叫法）；两者只写一个")
    period_goal: str | None = Field(None, alias="实施期目标", description="实施期（中期）目标：跨年度项目整个实施期的目标")
    long_goal: str | None = Field(None, alias="长期目标", description="同 实施期目标（有的地区叫「长期目标」）；两者只写一个")
    policy_basis: str | None = Field(None, alias="政策依据", description="政策依据：文件名称和文号，如《…办法》（某财〔2024〕1号）")
    calc_basis: str | None = Field(None, alias="测算依据", description="测算依据：单价 × 数量 = 金额，及所依据的支出标准")
    period: str | None = Field(None, alias="实施期限", description="实施期限，如 2025年1月-2025年12月")
    project_type: str | None = Field(None, alias="项目类型", description="项目类型，如 其他运转类、特定目标类")
    is_new: YesNo | None = Field(None, alias="是否新增项目", description="是否新增项目：是 或 否")
    allocation: str | None = Field(None, alias="分配方式", description="资金分配方式，如 项目法、因素法")
    total_amount: Money | None = Field(
        None, alias="项目总金额", description="项目总金额（中期规划）：跨年度项目整个实施期的金额；本年度项目金额即 预算数"
    )
    applicant: str | None = Field(None, alias="申请单位", description="申请单位；省略时为项目所属单位的名称")
    top_unit: str | None = Field(None, alias="一级预算单位", description="一级预算单位；省略时为部门名称（同 主管部门）")
    supervisor: str | None = Field(None, alias="主管部门", description="同 一级预算单位；两者只写一个")
    executor: str | None = Field(None, alias="实施单位", description="实施单位；省略时为项目所属单位的名称")
    appropriation: Money | None = Field(
        None, alias="财政拨款", description="其中：财政拨款（政府预算资金）；写了就等于 财政资金"
    )
    special: Money | None = Field(None, alias="财政专户管理资金", description="财政专户管理资金；与 单位资金 合计为 其他资金")
    own_funds: Money | None = Field(None, alias="单位资金", description="单位资金；与 财政专户管理资金 合计为 其他资金")
    part: str | None = Field(
        None, alias="部分", description="本项目属于哪个部分：部分的标题或编号（如 第二部分）；也可在 部门.yaml 的 部分 中列出"
    )
    preset: str | None = Field(None, alias="预设", description="指标预设名称；「无」表示不用预设")
    item: str | None = Field(None, alias="事项", description="预设文字中的事项，如 法律顾问；省略时由项目名称去掉「费/经费」得出")
    patch: dict[str, RowPatch] = Field(
        default_factory=dict, alias="改写", description="按键改写预设中的行；写「删除」去掉该行"
    )
    rows: list[RowList] = Field(
        default_factory=list, alias="绩效指标", description="新增的指标行（不用预设时即全部指标）"
    )
    basis: str | None = Field(None, alias="指标值确定依据", description="本项目各行默认的指标值确定依据")
    deadline: str | None = Field(None, alias="完成时限", description="本项目的完成时限")
    date_style: DateStyleName | None = Field(None, alias="日期格式", description="本项目的日期格式")
    checks: CheckSettings | None = Field(None, alias="检查", description="本项目的 jixiao check 设置，如 {忽略: [JX110]}")
    layout: LayoutField | None = Field(None, alias="版式", description="本表的版式（只能设表格的设置，如 单位行、项目名称标签）")
