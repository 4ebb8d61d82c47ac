"""The labels of the budget systems' workbooks, and the field each one names.

Labels are compared after folding full-width forms, dropping spaces, line breaks,
a trailing colon and a money unit in brackets (``预算数（万元）`` → 预算数, unit 万元).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import TYPE_CHECKING

from jixiao.model.cells import SAME_FIELD

if TYPE_CHECKING:
    from jixiao.spec.workbook import WorkbookLayoutSpec

#: Field → the labels systems print for it (the field's own name always counts).
SYNONYMS: dict[str, tuple[str, ...]] = {
    "序号": ("序号", "编号"),
    "项目名称": ("项目名称", "专项资金名称", "项目"),
    "项目编码": ("项目编码", "项目代码", "项目编号"),
    "单位编码": ("单位编码", "单位代码", "预算单位编码", "预算单位代码"),
    "单位名称": ("单位名称", "预算单位", "预算单位名称", "单位"),
    "申请单位": ("申请单位",),
    "一级预算单位": ("一级预算单位", "主管部门", "主管部门及代码", "部门名称", "主管单位"),
    "实施单位": ("实施单位",),
    "实施期限": ("实施期限", "项目期限", "执行期限"),
    "项目类型": ("项目类型", "项目类别"),
    "是否新增项目": ("是否新增项目", "是否新增"),
    "分配方式": ("分配方式", "资金分配方式"),
    "项目总金额": ("项目总金额中期规划", "项目总金额", "项目总额", "中期规划金额"),
    "预算数": ("预算数", "本年度项目金额", "年度资金总额", "预算金额", "项目金额", "本年预算数", "资金总额"),
    "财政拨款": ("财政拨款", "其中财政拨款", "政府预算资金", "其中政府预算资金"),
    "财政资金": ("财政资金", "其中财政资金"),
    "其他资金": ("其他资金",),
    "财政专户管理资金": ("财政专户管理资金", "财政专户资金"),
    "单位资金": ("单位资金",),
    "资金用途": ("资金用途",),
    "政策依据": ("政策依据", "立项依据"),
    "测算依据": ("测算依据",),
    "绩效目标": ("年度目标", "年度绩效目标", "绩效目标", "项目绩效目标"),
    "实施期目标": ("实施期目标", "长期目标", "中期目标", "实施期绩效目标"),
    "一级指标": ("一级指标",),
    "二级指标": ("二级指标",),
    "三级指标": ("三级指标", "三级指标名称", "指标名称"),
    "绩效指标描述": ("绩效指标描述", "指标描述"),
    "指标值": ("指标值", "目标值"),
    "计算符号": ("计算符号", "指标性质", "符号", "运算符号"),
    "计量单位": ("计量单位", "度量单位"),
    "指标解释": ("指标解释", "指标值说明", "指标内容", "指标说明", "指标内容说明"),
    "指标值确定依据": ("指标值确定依据", "指标值设定依据", "确定依据"),
    "权重": ("权重", "分值", "权重分值"),
    "指标方向性": ("指标方向性", "指标方向"),
}
_BY_LABEL = {label: name for name, labels in SYNONYMS.items() for label in (name, *labels)}
_UNIT = re.compile(r"[（(](万元|元)[）)]")
#: Fields whose values are amounts.
AMOUNTS = frozenset({"预算数", "财政拨款", "财政资金", "其他资金", "财政专户管理资金", "单位资金", "项目总金额"})
#: Fields of a project (the rest are fields of an indicator row).
ROW_FIELDS = frozenset({"一级指标", "二级指标", "三级指标", "绩效指标描述", "指标值", "计算符号", "计量单位", "指标解释",
                        "指标值确定依据", "权重", "指标方向性"})


def fold(text: str) -> str:
    """*text* as compared: full-width folded, no spaces or line breaks, no trailing colon."""
    flat = "".join(unicodedata.normalize("NFKC", text).split())
    return flat.rstrip(":：")


def field_of(label: str) -> tuple[str | None, str | None]:
    """(field, money unit) a printed label names; (None, None) for other text."""
    flat = fold(label)
    unit_match = _UNIT.search(unicodedata.normalize("NFKC", label).replace(" ", ""))
    unit = unit_match.group(1) if unit_match else None
    bare = re.sub(r"[（(][^）)]*[）)]", "", flat).replace("：", "").replace(":", "")
    extra = _EXTRA.get() or {}
    name = (extra.get(flat) or extra.get(bare) or _BY_LABEL.get(bare)
            or _BY_LABEL.get(flat.replace("（", "").replace("）", "").replace("(", "").replace(")", "")))
    return name, unit if name is not None else None


_EXTRA: ContextVar[dict[str, str] | None] = ContextVar("workbook_labels", default=None)


@contextmanager
def extra_labels(layout: WorkbookLayoutSpec | None) -> Iterator[None]:
    """While recognising, the labels a given 工作簿布局 prints count as well (``--布局``)."""
    labels: dict[str, str] = {}
    if layout is not None:
        columns = [*layout.columns, *(c for row in layout.header for c in row), *(c for s in layout.sheets for c in s.columns)]
        labels = {fold(c.title): c.field for c in columns}
        labels = {k: SAME_FIELD.get(v, v) for k, v in labels.items()}
    token = _EXTRA.set(labels)
    try:
        yield
    finally:
        _EXTRA.reset(token)
