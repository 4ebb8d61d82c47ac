"""Build the workbook fixtures of tests/fixtures/workbooks/ with openpyxl (run from the repository root).

They imitate what budget systems export, not what jixiao writes:

* ``系统分表.xlsx`` — one sheet per project: a title, 「单位：元」, a header block
  with the system's own labels (项目代码, 主管部门, 年度绩效目标 …), the
  indicator table with 指标值说明, every 二级 listed and 「不适用」 where a
  project has none, several rows under one 二级, a 项目代码 stored as a number
  by an earlier tool, line breaks and stray tabs in cells, merged 一级/二级 cells.
* ``系统清单.xlsx`` — flat: one sheet, one row per indicator, 单位/项目/预算数/年度目标
  only on a project's first row (fill-down), 指标性质 | 指标值 | 度量单位 split,
  权重, amounts in 元 (the Sichuan county's published export).

    .venv/bin/python tools/make_workbook_fixtures.py
"""

from __future__ import annotations

import io
import sys
import zipfile
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

OUT = Path("tests/fixtures/workbooks")
NA = "不适用"
LEVELS = [
    ("成本指标", ["经济成本指标", "社会成本指标", "生态环境成本指标"]),
    ("产出指标", ["数量指标", "质量指标", "时效指标"]),
    ("效益指标", ["经济效益指标", "社会效益指标", "生态效益指标"]),
    ("满意度指标", ["服务对象满意度指标"]),
]
PROJECTS: list[dict[str, Any]] = [
    {
        "name": "医疗保障法律顾问服务", "code": 130200251000000000001, "amount": 50000, "fiscal": 50000,
        "goal": "聘请专业律师，全年提供法律咨询不少于20次\n合同审查率100%", "basis": "《某市法律顾问工作规定》（某政办〔2024〕3号）",
        "calc": "律师服务费 50000元/年 × 1年 = 50000元", "period": "2025年1月-2025年12月", "kind": "其他运转类",
        "rows": {
            "经济成本指标": [("法律顾问费支出", "≤", "50000", "元", "全年法律顾问费实际支出")],
            "数量指标": [("法律咨询次数", "≥", "20", "次", "全年提供法律咨询的次数\t"),
                       ("合同审查份数", "≥", "30", "份", "全年审查的合同份数")],
            "质量指标": [("合同审查率", "＝", "100", "%", "经律师审查的合同数÷签订的合同总数×100%")],
            "时效指标": [("完成时限", "定性", "2025年12月31日", "", "全年服务完成的日期")],
            "社会效益指标": [("依法决策水平", "定性", "有所提升", "", "考察重大决策经过合法性审查的程度")],
            "服务对象满意度指标": [("业务科室满意度", "≥", "90", "%", "问卷调查中满意和基本满意的比例")],
        },
    },
    {
        "name": "医保经办窗口运行经费", "code": "130200251000000000002", "amount": 120000, "fiscal": 100000,
        "goal": "保障医保经办窗口全年正常运行，办件准确率不低于99%", "basis": "《某市医疗保障经办管理办法》",
        "calc": "窗口运行 10000元/月 × 12月 = 120000元", "period": "2025年1月-2025年12月", "kind": "其他运转类",
        "rows": {
            "经济成本指标": [("月均运行经费", "≤", "10000", "元/月", "全年运行经费÷12")],
            "数量指标": [("窗口办件量", "≥", "20000", "件", "全年窗口办理业务的件数")],
            "质量指标": [("办件准确率", "≥", "99", "%", "准确办结件数÷办件总数×100%")],
            "时效指标": [("按时办结率", "≥", "98", "%", "在承诺时限内办结的比例")],
            "社会效益指标": [("群众办事便利程度", "定性", "明显提升", "", "考察群众办事往返次数的变化")],
            "服务对象满意度指标": [("办事群众满意度", "≥", "95", "%", "评价器中满意和基本满意的比例")],
        },
    },
    {
        "name": "医保基金监管专项", "code": "130200251000000000003", "amount": 300000, "fiscal": 300000,
        "goal": "开展定点医药机构全覆盖检查，追回违规基金", "basis": "《医疗保障基金使用监督管理条例》（国务院令第735号）",
        "calc": "现场检查 600家 × 500元/家 = 300000元", "period": "2025年1月-2025年12月", "kind": "特定目标类",
        "rows": {
            "经济成本指标": [("单家机构检查成本", "≤", "500", "元/家", "检查费用÷检查机构数")],
            "数量指标": [("现场检查机构数", "≥", "600", "家", "全年现场检查的定点医药机构数")],
            "质量指标": [("违规问题整改率", "＝", "100", "%", "已整改问题数÷发现问题数×100%")],
            "时效指标": [("检查完成时限", "定性", "2025年11月30日", "", "现场检查全部完成的日期")],
            "社会效益指标": [("基金安全水平", "定性", "有所提升", "", "考察欺诈骗保案件数量的变化"),
                          ("追回违规基金", "≥", "100", "万元", "全年追回的违规使用基金")],
            "服务对象满意度指标": [("参保人满意度", "≥", "90", "%", "抽样调查中满意和基本满意的比例")],
        },
    },
]


def _rows(p: dict[str, Any]) -> list[tuple[str, str, str, str, str, str, str]]:
    """(一级, 二级, 三级, 符号, 值, 单位, 说明) in framework order, 「不适用」 where a 二级 has none."""
    out = []
    for level1, children in LEVELS:
        for level2 in children:
            rows = p["rows"].get(level2)
            if not rows:
                out.append((level1, level2, NA, "", NA, "", NA))
            for level3, sign, value, unit, note in rows or []:
                out.append((level1, level2, level3, sign, value, unit, note))
    return out


def per_project() -> Workbook:
    wb = Workbook()
    wb.remove(wb.active)
    bold = Font(bold=True)
    for i, p in enumerate(PROJECTS, 1):
        ws = wb.create_sheet(f"项目{i}")
        ws.append([f"2025年{p['name']}项目支出绩效目标申报表"])
        ws.merge_cells("A1:E1")
        ws.append(["单位：元"])
        ws.append(["项目名称", p["name"]])
        ws.append(["项目代码", p["code"], "实施期限", p["period"]])
        ws.append(["主管部门", "某市医疗保障局", "实施单位", "某市医疗保障局本级"])
        ws.append(["项目类型", p["kind"], "是否新增项目", "否"])
        ws.append(["年度资金总额", p["amount"], "其中：财政拨款", p["fiscal"]])
        ws.append(["单位资金", p["amount"] - p["fiscal"] or None])
        ws.append(["政策依据", p["basis"]])
        ws.append(["测算依据", p["calc"]])
        ws.append(["年度绩效目标", p["goal"]])
        ws.append(["一级指标", "二级指标", "三级指标", "指标值", "指标值说明"])
        for c in ws[ws.max_row]:
            c.font = bold
        first = ws.max_row + 1
        last1 = last2 = None
        for level1, level2, level3, sign, value, unit, note in _rows(p):
            merged = f"{'' if sign in ('定性', '') else sign.replace('＝', '=')}{value}{unit}" if value != NA else NA
            ws.append([level1 if level1 != last1 else None, level2 if level2 != last2 else None, level3, merged, note])
            if merged.startswith("="):
                ws.cell(row=ws.max_row, column=4).data_type = "s"  # text, as the system stores it
            last1, last2 = level1, level2
        ws.append(["注：本表由预算管理一体化系统导出，每个二级指标都须填写，没有的填「不适用」。"])
        for row in ws.iter_rows(min_row=first):
            for c in row:
                c.alignment = Alignment(wrap_text=True, vertical="center")
    return wb


def flat() -> Workbook:
    wb = Workbook()
    ws = wb.active
    ws.title = "绩效目标申报表"
    ws.append(["单位名称", "项目名称", "预算数（元）", "年度目标", "一级指标", "二级指标", "三级指标", "指标性质", "指标值",
               "度量单位", "权重", "指标方向性"])
    for p in PROJECTS:
        rows = [r for r in _rows(p) if r[2] != NA]
        weight = 100 // len(rows)
        for k, (level1, level2, level3, sign, value, unit, _) in enumerate(rows):
            head = ["某市医疗保障局本级", p["name"], p["amount"], p["goal"]] if k == 0 else [None] * 4
            number: Any = int(value) if value.isdigit() else value
            direction = "正向指标" if sign in ("≥", "＞") else "反向指标" if sign in ("≤", "＜") else None
            ws.append([*head, level1, level2, level3, sign, number, unit or None, weight, direction])
    return wb


def _save(wb: Workbook, name: str) -> None:
    buf = io.BytesIO()
    wb.save(buf)
    # Fixed zip times: the committed fixture does not change when the script runs again.
    out = io.BytesIO()
    with zipfile.ZipFile(buf) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == "docProps/core.xml":
                data = data.replace(data[data.find(b"<dcterms:created"):data.find(b"</cp:coreProperties>")], b"")
            dst.writestr(zipfile.ZipInfo(info.filename, date_time=(1980, 1, 1, 0, 0, 0)), data)
    (OUT / name).write_bytes(out.getvalue())


def main() -> int:
    OUT.mkdir(parents=True, exist_ok=True)
    _save(per_project(), "系统分表.xlsx")
    _save(flat(), "系统清单.xlsx")
    return 0


if __name__ == "__main__":
    sys.exit(main())
