"""A workbook in a layout jixiao does not know (its own labels), and the layout file that describes it."""

from __future__ import annotations

from pathlib import Path

import openpyxl

HEAD = ["考核项目", "考核维度", "子维度", "考核内容", "目标值", "口径说明"]
ROWS = [
    ["法律顾问费", "产出指标", "数量指标", "咨询次数", "≥20次", "全年咨询次数"],
    ["法律顾问费", "满意度指标", "服务对象满意度指标", "满意度", "≥90%", "问卷调查"],
]
LAYOUT = (
    "形式: 清单\n金额单位: 万元\n工作表:\n  - 名称: Sheet\n    每行: 指标\n    列: [{字段: 项目名称, 标签: 考核项目}, "
    "{字段: 一级指标, 标签: 考核维度}, {字段: 二级指标, 标签: 子维度}, {字段: 三级指标, 标签: 考核内容}, "
    "{字段: 指标值, 标签: 目标值}, {字段: 指标解释, 标签: 口径说明}]\n"
)


def custom_workbook(folder: Path) -> tuple[Path, Path]:
    """(``考核表.xlsx``: one project, two rows, no year; ``我的布局.yaml``: its layout), written into *folder*."""
    wb = openpyxl.Workbook()
    ws = wb.active
    for row in (HEAD, *ROWS):
        ws.append(row)
    book = folder / "考核表.xlsx"
    wb.save(book)
    layout = folder / "我的布局.yaml"
    layout.write_text(LAYOUT, encoding="utf-8")
    return book, layout
