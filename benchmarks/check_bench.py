"""Benchmark: load, expand and check a synthetic department of 500 projects.

    .venv/bin/python benchmarks/check_bench.py [--projects 500]

Prints wall time per stage and the process's peak memory (RSS) after it. Target (issue 4): the check stage
of a 500-project department takes under 1 s on the 2-core development machine. Target (issue 18): the same
with a 30-rule pack (the built-in 2021项目表 and ten regular-expression rules) under 1 s.
"""

from __future__ import annotations

import argparse
import random
import resource
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from jixiao.checks import run_checks
from jixiao.checks.packs.load import Choice, load_packs
from jixiao.expand.department import expand_department
from jixiao.spec.load import load_department

T = TypeVar("T")

DEPARTMENT = """\
年度: 2025
部门名称: 基准测试局
金额单位: 万元
单位:
  - {单位编码: "100001", 单位名称: 基准测试局本级}
  - {单位编码: "100002", 单位名称: 基准测试中心}
默认:
  预设: 运转类
  指标值确定依据: 工作计划
  资金支出计划: [20%, 50%, 80%, 100%]
"""

PRESETS = ["运转类", "会议类", "培训类", "印刷类", "补助资金类"]
#: Ten regular-expression rules beside the built-in pack's twenty: a 30-rule pack in all.
EXTRA_PACK = "规则:\n" + "".join(
    f"  - {{编号: B{i:02d}, 名称: 规则{i}, 类别: 可测性, 对象: {field}, 检查: {{{test}: '{pattern}'}}, 意见: 第 {i} 条}}\n"
    for i, (field, test, pattern) in enumerate([
        ("指标值", "须匹配", r"\d|[优良中差]"), ("指标值", "不得匹配", r"≥\s*100%"), ("三级指标", "不得匹配", r"^.{15,}$"),
        ("绩效指标描述", "须匹配", r"考察|反映|比例|次数"), ("资金用途", "不得匹配", r"^(用于|主要用于)"),
        ("绩效目标", "须匹配", r"\d"), ("项目名称", "不得匹配", r"^(其他|其它)"), ("指标值", "不得匹配", r"^(稳步提高|有效保障)$"),
        ("三级指标", "不得匹配", r"^(数量|质量|时效)指标$"), ("指标值确定依据", "不得匹配", r"恳请|申请"),
    ], 1))
ITEMS = ["办公", "网络租赁", "物业管理", "法律顾问", "档案管理", "宣传", "信息系统运维", "基金监管"]


def project(i: int, rng: random.Random) -> str:
    item = rng.choice(ITEMS)
    lines = [
        f"项目名称: {item}经费（{i}）",
        f'单位: "10000{1 + i % 2}"',
        f"预算数: {rng.randint(100, 500000) / 100:.2f}",
        f"资金用途: 保障{item}工作第 {i} 项任务",
        f"绩效目标: 1.按计划完成{item}第 {i} 项工作。",
        f"预设: {rng.choice(PRESETS)}",
        f"事项: {item}",
    ]
    if i % 3 == 0:
        lines += ["绩效指标:", f"  - [数量指标, {item}服务人次, 全年服务的人次, ≥{rng.randint(10, 999)}人次]"]
    if i % 7 == 0:
        lines += ["改写:", "  满意度: {值: \">90%\"}"]
    return "\n".join(lines) + "\n"


def stage(name: str, fn: Callable[[], T]) -> T:
    """Run *fn*, print its wall time and the process's peak memory so far."""
    start = time.perf_counter()
    result = fn()
    seconds = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{name:<16} {seconds * 1000:8.0f} ms   进程峰值内存 {peak:6.1f} MiB")
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--projects", type=int, default=500)
    args = parser.parse_args()
    rng = random.Random(2025)
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        (root / "部门.yaml").write_text(DEPARTMENT, encoding="utf-8")
        (root / "projects").mkdir()
        for i in range(1, args.projects + 1):
            (root / "projects" / f"{i:03d}.yaml").write_text(project(i, rng), encoding="utf-8")
        print(f"合成部门：{args.projects} 个项目")
        spec = stage("load", lambda: load_department(root))
        doc = stage("expand", lambda: expand_department(spec))
        findings = stage("check", lambda: run_checks(spec, doc))
        print(f"指标行 {sum(len(t.rows) for t in doc.tables())}，发现 {len(findings)} 条")
        (root / "extra.yaml").write_text(EXTRA_PACK, encoding="utf-8")
        packs = stage("load 规则包", lambda: load_packs([Choice("2021项目表"), Choice(str(root / "extra.yaml"))], root))
        with_pack = stage("check + 规则包", lambda: run_checks(spec, doc, packs=packs))
        print(f"规则包 {len(packs.rules)} 条自动检查的规则，共发现 {len(with_pack)} 条")
        # Comment lines cost linear time (the round-trip scanner joined them quadratically: 22 s).
        for lines in (25_000, 100_000):
            path = root / "projects" / "001.yaml"
            path.write_text("".join(f"# 注释 {i}\n" for i in range(lines)) + project(1, rng), encoding="utf-8")
            stage(f"load +{lines // 1000}k 行注释", lambda: load_department(root))


if __name__ == "__main__":
    main()
