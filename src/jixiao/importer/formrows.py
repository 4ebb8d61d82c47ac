"""What the 2021 project form adds to a Word table: header labels, the 项目资金 block, split 指标值 columns.

Labels are read as the workbook import reads them (:func:`jixiao.importer.workbook.labels.field_of`:
主管部门 → 一级预算单位, 其中：财政拨款 → 财政拨款 …), so both imports write the same spec keys.
"""

from __future__ import annotations

from typing import get_args

from jixiao.importer import labels as lb
from jixiao.importer.found import Note, norm, one_line
from jixiao.importer.workbook.labels import field_of
from jixiao.model.valueparts import compose_value, known_sign
from jixiao.spec.layout import HeaderName

#: Columns a 版式 does not list: read into the 指标值 (≥ | 95 | % → ≥95%).
VALUE_PARTS = ("计算符号", "计量单位")
#: The 2021 form's header fields (spec keys, as :func:`field_of` names them) that a label | text row may hold.
FORM = frozenset({"实施期限", "一级预算单位", "申请单位", "实施单位", "项目类型", "是否新增项目", "分配方式", "项目总金额",
                   "政策依据", "测算依据", "实施期目标"})
#: Fields such a row may hold besides: they make no row a 2021 one on their own.
ALSO = frozenset({"项目编码", "项目名称", "绩效目标"})
#: The 项目资金 block's sub-labels (spec keys).
MONEY = frozenset({"预算数", "财政拨款", "财政资金", "财政专户管理资金", "单位资金"})
#: The names a 版式's 表头 may list.
HEADER_NAMES = frozenset(get_args(HeaderName))


def form_key(label: str) -> str | None:
    """The spec key of a 2021 header label (主管部门 → 一级预算单位), or None."""
    key, _ = field_of(label)
    if key == "项目名称" and not lb.is_name_label(label):
        return None
    return key if key in FORM or key in ALSO else None


def header_name(label: str, key: str, where: str, notes: list[Note]) -> str:
    """The 表头 name of a printed label: the label itself when a 版式 can print it, else its field's name."""
    name = norm(label).rstrip(":：")
    if name in HEADER_NAMES:
        return name
    notes.append(Note(where, f"表头标签「{one_line(label)}」", f"按「{key}」读入，生成时印作「{key}」"))
    return key


def joined_value(got: dict[str, str], columns: set[str], where: str, notes: list[Note]) -> str:
    """The 指标值 of a row read as *got* (by field), joined with its 计算符号 and 计量单位 when *columns* has them."""
    figure = got.get("value", "")
    if not columns & set(VALUE_PARTS):
        return figure
    sign, unit = got.get("sign", ""), got.get("unit", "")
    if not known_sign(sign):
        notes.append(Note(where, f"计算符号「{sign}」不是 ≥ ＞ ＝ ＜ ≤ 或 定性", "当作文字，与指标值连在一起读入"))
        return f"{sign}{figure}{unit}"
    return compose_value(sign, figure, unit)
