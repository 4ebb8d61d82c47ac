"""Write a jixiao example spec from a seed text dump (developer tool, run once).

    python tools/seed_to_spec.py tests/fixtures/seeds/001_….txt specs/tangshan-2025

The department file (部门.yaml) and the department presets are written by hand;
this tool writes ``projects/NN-名称.yaml``. For each table it tries every preset
visible from the spec with each plausible 事项, runs the real load → expand
pipeline, and keeps the shortest spelling: a preset plus 改写 lines for the
cells that differ, or — when no preset fits — the rows written out in full.
The result is then checked cell by cell by the test suite (tests/test_examples.py).
"""

from __future__ import annotations

import json
import re
import shutil
import sys
import tempfile
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "src"))

from jixiao.errors import SpecError  # noqa: E402
from jixiao.expand.department import expand_department  # noqa: E402
from jixiao.expand.project import derive_item  # noqa: E402
from jixiao.model.money import ceil_to  # noqa: E402
from jixiao.spec.load import load_department  # noqa: E402
from jixiao.spec.yamlio import load_yaml  # noqa: E402
from seedtext import SeedTable, parse_seed  # noqa: E402

FIELDS = [("level3", "三级"), ("description", "描述"), ("value", "值"), ("basis", "依据")]
_ITEM = re.compile(r"^(?:保障|满足)?(.+?)(?:工作完成率|工作合格率|工作完成时限|完成时限|完成时效|工作正常开展|项目单位成本|工作单位成本|业务开展需求|项目完成时限)")


def scalar(text: str, *, flow: bool = False) -> str:
    """The shortest YAML spelling of *text* that loads back unchanged."""
    probe = Path(tempfile.mkstemp(suffix=".yaml")[1])
    try:
        doc = f"x: [{text}]\n" if flow else f"x: {text}\n"
        probe.write_text(doc, encoding="utf-8")
        loaded = load_yaml(probe)
        ok = (
            text == text.strip()
            and "\n" not in text
            and not isinstance(loaded, Exception)
            and hasattr(loaded, "data")
            and loaded.data == {"x": [text] if flow else text}
        )
    finally:
        probe.unlink()
    return text if ok else json.dumps(text, ensure_ascii=False)


def block(key: str, text: str) -> list[str]:
    if "\n" in text:
        return [f"{key}: |-"] + [f"  {line}" for line in text.split("\n")]
    return [f"{key}: {scalar(text)}"]


def flow_map(d: dict[str, str]) -> str:
    return "{" + ", ".join(f"{k}: {scalar(v, flow=True)}" for k, v in d.items()) + "}"


def header_lines(t: SeedTable, unit_code: str, sched_default: list[str] | None) -> list[str]:
    lines = block("项目名称", t.name)
    if t.title and t.title != f"{t.title.split('.', 1)[0]}.{t.name}绩效目标表":
        lines += block("标题", t.title.split(".", 1)[1].removesuffix("绩效目标表"))
    lines.append(f"单位: {scalar(unit_code)}")
    if t.code:
        lines.append(f"项目编码: {scalar(t.code)}")
    budget, fiscal, other = t.amounts
    lines.append(f"预算数: {budget}")
    if other:
        lines.append(f"其他资金: {other}")
    lines += block("资金用途", t.use)
    sched = t.schedule
    if sched is not None and sched != sched_default:
        lines.append("资金支出计划: [" + ", ".join(s if s else "~" for s in sched) + "]")
    lines += block("绩效目标", t.goal)
    return lines


def expand_one(spec_root: Path, lines: list[str]):  # type: ignore[no-untyped-def]
    tmp = Path(tempfile.mkdtemp())
    try:
        for name in ("部门.yaml",):
            shutil.copy(spec_root / name, tmp / name)
        if (spec_root / "presets").is_dir():
            shutil.copytree(spec_root / "presets", tmp / "presets")
        (tmp / "projects").mkdir()
        (tmp / "projects" / "x.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
        try:
            return expand_department(load_department(tmp)).tables()[0]
        except SpecError as exc:
            return exc
    finally:
        shutil.rmtree(tmp)


def cost_formula(seed_value: str, budget: Decimal) -> str | None:
    m = re.match(r"^≤(\d+(?:\.\d+)?)(万元/月|万/月)$", seed_value)
    if not m:
        return None
    for step in ("0.01", "0.05", "0.1", "1"):
        if ceil_to(budget / 12, step) == Decimal(m.group(1)):
            return f"≤{{{{ 向上取整(预算数 / 12, {step}) }}}}{m.group(2)}"
    return None


def convert(t: SeedTable, spec_root: Path, units: dict[str, dict]) -> list[str]:
    unit_code = next(c for c in units if t.unit_label and t.unit_label.startswith(c)) if t.unit_label else next(iter(units))
    udef = units[unit_code]
    base = header_lines(t, unit_code, udef.get("schedule"))
    seed_rows = t.filled_rows()
    basis_col = len(t.columns) == 6
    bases = {r[5] for r in seed_rows} if basis_col else set()
    extra: list[str] = []
    if basis_col and len(bases) == 1 and bases != {udef.get("basis", "工作计划")}:
        extra.append(f"指标值确定依据: {scalar(bases.pop())}")
    best: list[str] | None = None
    items = {derive_item(t.name)} | {m.group(1) for r in seed_rows if (m := _ITEM.match(r[3]))}
    for preset in udef["presets"]:
        for item in sorted(items):
            head = list(base) + extra
            if preset != udef["presets"][0]:
                head.append(f"预设: {preset}")
            if item != derive_item(t.name):
                head.append(f"事项: {scalar(item)}")
            table = expand_one(spec_root, head)
            if isinstance(table, Exception) or len(table.rows) != len(seed_rows):
                continue
            patch: list[str] = []
            fits = True
            for row, seed in zip(table.rows, seed_rows, strict=True):
                if (row.level1, row.level2) != (seed[0], seed[1]):
                    fits = False
                    break
                diff = {}
                for i, (attr, label) in enumerate(FIELDS, start=2):
                    if i >= len(seed):
                        continue
                    if getattr(row, attr) != seed[i]:
                        value = seed[i]
                        if label == "值" and row.key == "成本":
                            value = cost_formula(seed[i], Decimal(t.amounts[0])) or value
                        diff[label] = value
                if diff:
                    patch.append(f"  {row.key}: {flow_map(diff)}")
            if not fits:
                continue
            candidate = head + (["改写:"] + patch if patch else [])
            if best is None or len(candidate) < len(best):
                best = candidate
    full = list(base) + extra + ["预设: 无", "绩效指标:"]
    fw1 = {"数量指标": "产出指标", "质量指标": "产出指标", "时效指标": "产出指标", "成本指标": "产出指标",
           "经济效益指标": "效益指标", "社会效益指标": "效益指标", "生态效益指标": "效益指标",
           "可持续影响指标": "效益指标", "服务对象满意度指标": "满意度指标"}
    for seed in seed_rows:
        cells = seed[1:5]
        if basis_col and seed[5] != udef.get("basis", "工作计划") and not extra:
            cells = seed[1:6]
        if fw1.get(seed[1]) != seed[0]:
            row = {"一级": seed[0], "二级": seed[1], "三级": seed[2], "描述": seed[3], "值": seed[4]}
            full.append(f"  - {flow_map(row)}")
        else:
            full.append("  - [" + ", ".join(scalar(c, flow=True) for c in cells) + "]")
    return best if best is not None and len(best) <= len(full) else full


def main() -> None:
    seed, spec_root = Path(sys.argv[1]), Path(sys.argv[2])
    dept = load_yaml(spec_root / "部门.yaml").data  # type: ignore[union-attr]
    units: dict[str, dict] = {}
    for u in dept["单位"]:
        d = u.get("默认", {})
        presets = [d.get("预设") or dept.get("默认", {}).get("预设") or "无"]
        presets += [p.stem for p in sorted((spec_root / "presets").glob("*.yaml")) if p.stem not in presets]
        units[u["单位编码"]] = {
            "presets": presets,
            "schedule": d.get("资金支出计划") or dept.get("默认", {}).get("资金支出计划"),
            "basis": d.get("指标值确定依据") or dept.get("默认", {}).get("指标值确定依据"),
        }
    out = spec_root / "projects"
    for old in out.glob("*.yaml"):
        old.unlink()
    for n, t in enumerate(parse_seed(seed), 1):
        lines = convert(t, spec_root, units)
        name = re.sub(r'[\\/:*?"<>|\s]', "_", t.name)
        schema = "# yaml-language-server: $schema=../../../schema/project.schema.json"
        (out / f"{n:02d}-{name}.yaml").write_text("\n".join([schema, *lines]) + "\n", encoding="utf-8")
        print(n, len(lines), t.name)


if __name__ == "__main__":
    main()
