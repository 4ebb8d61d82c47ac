"""Build the fixtures of the rule packs and the 审核表 (run from the repository root).

* ``tests/fixtures/rules/审核口径.xlsx`` — a reviewer's spreadsheet of 26 rules, as finance
  bureaus publish their 审核口径: 编码 | 审核对象 | 模式 | 审核要点 | 二级要点 | 审核细项 |
  审核意见表述 | 正则表达式 | 修改建议 | 级别, three of them for manual review (人工).
* ``tests/fixtures/workbooks/系统20项目.xlsx`` — a budget system's export of 20 projects in
  the 2021 form (one sheet per project, every 二级 listed, 「不适用」 rows), written by
  ``render --format xlsx`` from a spec built here, with the slips reviewers return:
  政策依据 without a document, 测算依据 that does not add up, 时效 written 「及时」, long
  三级 names, 指标解释 that repeat the name, costs above the budget.

    .venv/bin/python tools/make_review_fixtures.py
"""

from __future__ import annotations

import datetime as dt
import io
import tempfile
import zipfile
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from jixiao.expand.department import expand_department
from jixiao.render.xlsx import render_workbook
from jixiao.spec.load import load_department

RULES_OUT = Path("tests/fixtures/rules/审核口径.xlsx")
WORKBOOK_OUT = Path("tests/fixtures/workbooks/系统20项目.xlsx")

HEAD = ["编码", "审核对象", "模式", "审核要点", "二级要点", "审核细项", "审核意见表述", "正则表达式", "修改建议", "级别"]
RULES = [
    ("WZ-01", "政策依据", "非空", "完整性", "依据充分", "政策依据未填写", "未填写政策依据", "", "列明项目设立的政策文件", "一般"),
    ("WZ-02", "政策依据", "匹配", "完整性", "依据充分", "政策依据未引用文件", "政策依据未列明文件名称及文号", r"《[^》]+》|〔\d{4}〕\d+号", "写明《文件名称》及文号", "一般"),
    ("WZ-03", "测算依据", "非空", "资金匹配性", "测算依据", "测算依据未填写", "未填写测算依据", "", "逐项列明单价、数量和金额", "严重"),
    ("WZ-04", "测算依据", "匹配", "资金匹配性", "测算依据", "未体现单价×数量", "测算依据未体现单价×数量", r"[×xX*]", "按 单价×数量=金额 逐项测算", "一般"),
    ("WZ-05", "年度目标", "匹配", "可测性", "目标明确", "年度目标无量化内容", "年度目标未量化", r"\d", "写明年度要完成的数量、质量、时间", "一般"),
    ("WZ-06", "年度目标", "最少字数", "完整性", "目标完整", "年度目标过于简单", "年度目标表述过于简单", "10", "完整表述项目年度产出和效果", "一般"),
    ("WZ-07", "三级指标", "最多字数", "可测性", "指标简明", "三级指标名称过长", "三级指标名称过长，不够简明", "14", "指标名称控制在 14 个字以内", "提示"),
    ("WZ-08", "指标解释", "非空", "完整性", "指标解释", "指标解释缺失", "未填写指标解释", "", "写明指标含义、计算方法", "一般"),
    ("WZ-09", "指标解释", "匹配", "可测性", "指标解释", "指标解释未说明计算方法", "指标解释未说明考察内容或计算方法", r"考察|反映|计算|公式|÷|比例|次数|个数|日期", "补充计算方法和数据口径", "提示"),
    ("WZ-10", "时效指标", "不匹配", "可测性", "时效指标", "时效指标仅写及时", "时效指标只写「及时」，无法衡量", r"^(及时|按时|按期)(完成)?$", "写明完成时限或及时率", "一般"),
    ("WZ-11", "时效指标", "匹配", "可测性", "时效指标", "时效指标未明确时间", "时效指标未明确完成时间", r"\d", "写明完成日期", "一般"),
    ("WZ-12", "数量指标", "匹配", "可测性", "数量指标", "数量指标无数值", "数量指标未量化", r"\d", "写明数量及计量单位", "一般"),
    ("WZ-13", "质量指标", "匹配", "可测性", "质量指标", "质量指标无数值", "质量指标未量化", r"\d|[优良]", "写明合格率、达标率等", "一般"),
    ("WZ-14", "成本指标", "匹配", "资金匹配性", "成本指标", "成本指标未以金额表示", "成本指标未以金额表示", r"元", "以元或万元表示成本", "严重"),
    ("WZ-15", "成本指标", "不匹配", "资金匹配性", "成本指标", "成本指标写成下限", "成本指标应为上限（≤）", r"[≥>＞]", "改为 ≤金额", "严重"),
    ("WZ-16", "社会效益指标", "不匹配", "相关性", "效益指标", "效益指标照搬工作任务", "社会效益指标照搬工作任务，未体现效果", r"保障.*正常(开展|运转)", "写明项目带来的社会效果", "一般"),
    ("WZ-17", "服务对象满意度指标", "匹配", "可测性", "满意度指标", "满意度未量化", "满意度指标未量化", r"\d+%", "写成 ≥90% 等", "一般"),
    ("WZ-18", "服务对象满意度指标", "不匹配", "可行性", "满意度指标", "满意度目标值过低", "满意度目标值低于 80%", r"^[≥＞>]?\s*[0-7]?\d(\.\d+)?%$", "满意度一般不低于 80%", "一般"),
    ("WZ-19", "指标值", "不匹配", "可行性", "指标值", "指标值≥100%", "指标值「≥100%」无法超额完成", r"≥\s*100%", "改为 =100%", "提示"),
    ("WZ-20", "指标值", "不匹配", "可测性", "指标值", "指标值含糊", "指标值表述含糊，无法评价", r"^(稳步提高|普遍提高|逐步推进|进一步提升|有效保障)$", "写成量化值或分级表述", "一般"),
    ("WZ-21", "三级指标", "不匹配", "相关性", "指标设置", "三级指标照抄二级指标", "三级指标照抄二级指标名称", r"^(数量|质量|时效|成本|经济成本|社会效益|服务对象满意度)指标$", "写具体的指标名称", "一般"),
    ("WZ-22", "项目名称", "不匹配", "完整性", "项目信息", "项目名称不具体", "项目名称不具体", r"^(其他|其它)", "写明项目的具体内容", "一般"),
    ("WZ-23", "年度目标", "不匹配", "相关性", "目标明确", "年度目标照搬资金用途", "年度目标照搬资金用途，未写产出和效果", r"^(用于|主要用于)", "写明用钱要达到的产出和效果", "一般"),
    ("RG-01", "年度目标", "人工", "相关性", "目标与指标", "年度目标与绩效指标不对应", "年度目标与绩效指标不对应", "", "按年度目标逐项设置指标", ""),
    ("RG-02", "指标值", "人工", "可行性", "指标值", "指标值未从严从高", "指标值低于上年实际完成值", "", "参考上年完成值设定", ""),
    ("RG-03", "测算依据", "人工", "资金匹配性", "支出标准", "未注明支出标准", "测算依据未注明支出标准或标准不符", "", "注明所依据的支出标准", ""),
]


def _fixed(data: bytes) -> bytes:
    """*data* with fixed zip times and core properties (openpyxl stamps the clock)."""
    from jixiao.render.xlsx.package import deterministic

    return deterministic(data, title="审核口径", author="某市财政局", when=dt.datetime(2025, 1, 1))


def rules_workbook() -> bytes:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "审核口径"
    ws.append(["某市市级部门项目支出绩效目标审核口径（2025年）"])
    ws.append(HEAD)
    for row in RULES:
        ws.append(list(row))
    for cell in ws[2]:
        cell.font = Font(bold=True)
    for row in ws.iter_rows(min_row=3):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    buf = io.BytesIO()
    wb.save(buf)
    return _fixed(buf.getvalue())


DEPARTMENT = """\
年度: 2025
部门名称: 某市农业农村局
金额单位: 万元
版式: "2021"
指标体系: 2021核心
工作簿: 分表
单位:
  - {单位编码: "301001", 单位名称: 某市农业农村局本级}
  - {单位编码: "301002", 单位名称: 某市农业技术推广中心}
默认:
  预设: 无
  项目类型: 其他运转类
  分配方式: 项目法
"""
ITEMS = ["农技培训", "动物防疫", "农田水利维护", "种子检测", "农产品质量抽检", "渔业资源养护", "农机购置补贴",
         "高标准农田建设", "农村人居环境整治", "农业执法", "耕地质量监测", "农业保险补助", "乡村振兴宣传",
         "农产品品牌推广", "农业统计调查", "畜禽粪污治理", "农村改厕", "农技推广站运转", "农业信息化", "病虫害防治"]


def project(i: int, item: str) -> str:
    budget = [8, 12, 30, 45, 60, 120, 150, 260, 18, 25, 40, 90, 6, 15, 20, 300, 75, 10, 55, 35][i]
    slip = i % 5
    policy = "《某市农业农村发展规划》（某农〔2024〕6号）" if slip != 1 else "根据工作需要"
    calc = f"{item}经费 {budget / 10:g}万元/批 × 10 批 = {budget}万元" if slip != 2 else f"{item}费 {budget - 2}万元"
    time_value = "2025年12月31日" if slip != 3 else "及时"
    name3 = "培训人次" if slip != 4 else f"{item}全年完成的培训和指导服务总人次数"
    explain3 = "考察全年参加培训的人次" if slip != 4 else name3
    cost = f"≤{budget}万元" if i % 7 else f"≤{budget + 5}万元"
    kind = "大型修缮及购置" if i in (6, 7) else "其他运转类"
    cost_row = (f"  - {{二级: 经济成本指标, 三级: {item}成本, 指标解释: 全年{item}实际支出不超过预算, 值: \"{cost}\"}}\n"
                if i not in (7,) else "")
    return (
        f"项目名称: {item}经费\n单位: \"30100{1 + i % 2}\"\n项目编码: 33010025P0000{i + 1:07d}\n预算数: {budget}.00\n"
        f"项目类型: {kind}\n政策依据: {policy}\n测算依据: {calc}\n实施期限: 2025年1月-2025年12月\n"
        f"年度目标: 全年完成{item}工作 {10 + i} 批次，服务对象满意度达到 90% 以上\n"
        "绩效指标:\n"
        + cost_row
        + f"  - {{二级: 数量指标, 三级: {name3}, 指标解释: {explain3}, 值: ≥{200 + i * 10}人次}}\n"
        f"  - {{二级: 质量指标, 三级: 验收合格率, 指标解释: 验收合格的批次 ÷ 完成批次 × 100%, 值: \"=100%\"}}\n"
        f"  - {{二级: 时效指标, 三级: 完成时限, 指标解释: 全年工作完成的日期, 值: {time_value}}}\n"
        f"  - {{二级: 社会效益指标, 三级: 农户受益覆盖率, 指标解释: 受益农户占全部农户的比例, 值: ≥{60 + i}%}}\n"
        f"  - {{二级: 服务对象满意度指标, 三级: 农户满意度, 指标解释: 抽样调查中满意的农户比例, "
        f"值: {'≥90%' if i % 6 else '≥75%'}}}\n"
    )


def system_workbook() -> bytes:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        (root / "部门.yaml").write_text(DEPARTMENT, encoding="utf-8")
        (root / "projects").mkdir()
        for i, item in enumerate(ITEMS):
            (root / "projects" / f"{i + 1:02d}-{item}.yaml").write_text(project(i, item), encoding="utf-8")
        doc = expand_department(load_department(root))
        data = render_workbook(doc, doc.tables(), dt.datetime(2025, 1, 1))
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        assert "xl/workbook.xml" in zf.namelist()
    return data


def main() -> None:
    RULES_OUT.parent.mkdir(parents=True, exist_ok=True)
    RULES_OUT.write_bytes(rules_workbook())
    WORKBOOK_OUT.write_bytes(system_workbook())
    print(f"已写入 {RULES_OUT}（{len(RULES)} 条规则）和 {WORKBOOK_OUT}（{len(ITEMS)} 个项目）")


if __name__ == "__main__":
    main()
