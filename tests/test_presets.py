"""Preset expansion: 事项 text, overrides, removal, additions, 基于, look-up order."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from conftest import DEPARTMENT, PROJECT
from jixiao import expand_department, load_department
from jixiao.model.document import ProjectTable
from jixiao.resources import builtin_templates


def table(root: Path, n: int = 0) -> ProjectTable:
    return expand_department(load_department(root)).tables()[n]


def cells(t: ProjectTable) -> list[tuple[str, str, str, str]]:
    return [(r.level2, r.level3, r.description, r.value) for r in t.rows]


def test_builtin_preset_expands_with_item(spec_dir: Any) -> None:
    t = table(spec_dir())
    assert t.preset == "运转类" and t.item == "法律顾问"
    assert cells(t) == [
        ("数量指标", "法律顾问工作完成率", "法律顾问工作实际完成量占年度计划工作量的比例", "=100%"),
        ("质量指标", "法律顾问工作合格率", "经验收或检查合格的法律顾问工作量占已完成工作量的比例", "=100%"),
        ("时效指标", "法律顾问工作完成时限", "法律顾问工作全部完成的截止日期", "2025.12.31"),
        ("成本指标", "月均法律顾问经费支出", "全年预算数除以12个月后向上取整得到的月度支出上限", "≤0.42万元/月"),
        ("社会效益指标", "因经费不足延误法律顾问工作次数", "年度内因经费保障不到位而延误或中断法律顾问工作的次数", "0次"),
        ("服务对象满意度指标", "服务对象满意度", "抽样调查中对法律顾问工作表示满意的服务对象占被调查人数的比例", "≥90%"),
    ]
    assert [r.level1 for r in t.rows] == ["产出指标"] * 4 + ["效益指标", "满意度指标"]
    assert all(r.basis == "工作计划" and r.origin == "预设:运转类" for r in t.rows)


def test_override_drop_and_add(spec_dir: Any) -> None:
    text = PROJECT + """\
事项: 法律咨询
改写:
  成本: {三级: 单次咨询平均成本, 值: ≤1000元/小时}
  效益: 删除
绩效指标:
  - [数量指标, 咨询次数, 全年提供法律咨询的次数, ≥20次]
  - [可持续影响指标, 法律风险事件, 因合同或决策引发的诉讼次数, 0次, 历年指标]
"""
    t = table(spec_dir({"01-x": text}))
    assert [(r.level2, r.level3) for r in t.rows] == [
        ("数量指标", "法律咨询工作完成率"),
        ("数量指标", "咨询次数"),
        ("质量指标", "法律咨询工作合格率"),
        ("时效指标", "法律咨询工作完成时限"),
        ("成本指标", "单次咨询平均成本"),
        ("可持续影响指标", "法律风险事件"),
        ("服务对象满意度指标", "服务对象满意度"),
    ]
    cost = t.rows[4]
    assert cost.value == "≤1000元/小时" and cost.origin == "项目"
    # An overridden row keeps the preset's description where the override says nothing.
    assert cost.description == "全年预算数除以12个月后向上取整得到的月度支出上限"
    assert (cost.source.line, cost.source.col) == (8, 3)
    assert t.rows[5].basis == "历年指标" and t.rows[1].basis == "工作计划"
    assert [r.level1_span for r in t.rows] == [5, 0, 0, 0, 0, 1, 1]
    assert [r.level2_span for r in t.rows] == [2, 0, 1, 1, 1, 1, 1]


def test_no_preset_rows_in_author_order(spec_dir: Any) -> None:
    text = PROJECT + """\
预设: 无
绩效指标:
  - [成本指标, 项目总成本, 全年支出, ≤5万元]
  - {一级: 产出指标, 二级: 数量指标, 三级: 咨询次数, 描述: 全年咨询次数, 值: ≥20次}
  - [服务对象满意度指标, 满意度, 满意的比例, ≥90%]
"""
    t = table(spec_dir({"01-x": text}))
    assert [r.level3 for r in t.rows] == ["项目总成本", "咨询次数", "满意度"]
    assert t.preset is None


def test_preset_based_on_another(spec_dir: Any) -> None:
    mine = """\
    基于: 运转类
    改写:
      效益: {三级: "保障{{ 事项 }}工作正常开展", 描述: "全年{{ 事项 }}工作未中断", 值: 未中断}
      满意度: 删除
    """
    root = spec_dir({"01-x": PROJECT + "预设: 我的\n"}, extra={"presets/我的.yaml": mine})
    t = table(root)
    assert [r.level3 for r in t.rows][-1] == "保障法律顾问工作正常开展"
    assert len(t.rows) == 5
    assert t.rows[-1].source.path.endswith("我的.yaml")


def test_spec_presets_override_builtin_by_name(spec_dir: Any) -> None:
    local = """\
    绩效指标:
      - {键: 完成率, 二级: 数量指标, 三级: 本地完成率, 描述: 本地, 值: =100%}
      - {键: 满意度, 二级: 服务对象满意度指标, 三级: 本地满意度, 描述: 本地, 值: ≥95%}
    """
    root = spec_dir(extra={"presets/运转类.yaml": local})
    assert [r.level3 for r in table(root).rows] == ["本地完成率", "本地满意度"]


def test_user_repository_templates_override_builtin(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    (repo / ".git").mkdir(parents=True)
    (repo / "templates" / "presets").mkdir(parents=True)
    (repo / "templates" / "presets" / "运转类.yaml").write_text(
        "绩效指标:\n  - {键: 完成率, 二级: 数量指标, 三级: 仓库完成率, 描述: 仓库, 值: =100%}\n",
        encoding="utf-8",
    )
    spec = repo / "specs" / "x"
    (spec / "projects").mkdir(parents=True)
    (spec / "部门.yaml").write_text(DEPARTMENT, encoding="utf-8")
    (spec / "projects" / "01.yaml").write_text(PROJECT, encoding="utf-8")
    assert [r.level3 for r in table(spec).rows] == ["仓库完成率"]


BUILTIN = sorted(p.stem for p in (builtin_templates() / "presets").glob("*.yaml"))


def test_at_least_three_builtin_presets() -> None:
    assert len(BUILTIN) >= 3


@pytest.mark.parametrize("preset", BUILTIN)
@pytest.mark.parametrize(("unit", "budget"), [("万元", "26.00"), ("元", "260000")])
def test_every_builtin_preset_expands_in_both_units(
    spec_dir: Any, preset: str, unit: str, budget: str
) -> None:
    dept = DEPARTMENT.replace("金额单位: 万元", f"金额单位: {unit}")
    text = PROJECT.replace("预算数: 5.00", f"预算数: {budget}") + f"预设: {preset}\n"
    t = table(spec_dir({"01-x": text}, department=dept))
    assert len(t.rows) == 6
    for r in t.rows:
        assert r.description and r.description != r.level3, "descriptions define the indicator"
        assert "{{" not in r.value + r.level3 + r.description
        if r.level2 == "成本指标":
            assert r.parsed.kind == "quantity" and r.parsed.op == "≤"
            assert r.parsed.unit is not None and r.parsed.unit.startswith(unit)
            assert r.parsed.number is not None and r.parsed.number > 0
            if r.parsed.unit == unit:
                assert r.parsed.number == Decimal(budget).normalize()
            else:  # monthly cap: rounded up to the unit's step, covers the budget
                assert r.parsed.number * 12 >= Decimal(budget)
        if r.parsed.kind == "quantity" and r.level3.endswith(("率", "满意度")):
            assert r.parsed.unit == "%"


def test_jixiaos_own_files_are_read_once_per_process_and_again_when_changed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from jixiao.spec import named
    from jixiao.spec.presets import PresetSpec

    own = tmp_path / "templates" / "presets"  # stands for jixiao's templates/ folder
    own.mkdir(parents=True)
    (own / "甲.yaml").write_text((builtin_templates() / "presets" / "运转类.yaml").read_text(encoding="utf-8"),
                                 encoding="utf-8")
    users = tmp_path / "spec" / "presets"
    users.mkdir(parents=True)
    (users / "乙.yaml").write_text("基于: 甲\n", encoding="utf-8")
    monkeypatch.setattr(named, "builtin_templates", lambda: tmp_path / "templates")
    parsed: list[str] = []
    real = named.load_yaml
    monkeypatch.setattr(named, "load_yaml", lambda path: parsed.append(path.name) or real(path))

    first, problems = named.load_named([users, own], PresetSpec, "")
    assert problems == [] and parsed == ["乙.yaml", "甲.yaml"]
    again, _ = named.load_named([users, own], PresetSpec, "")
    assert parsed == ["乙.yaml", "甲.yaml", "乙.yaml"]  # the user's file read again, jixiao's not
    assert again["甲"] is first["甲"]
    (own / "甲.yaml").write_text("基于: 运转类\n", encoding="utf-8")  # changed: read again
    changed, _ = named.load_named([users, own], PresetSpec, "")
    assert parsed[-1] == "甲.yaml" and changed["甲"].spec != first["甲"].spec
