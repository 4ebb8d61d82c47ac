"""A scalar is written plain only when YAML reads it back as the same text; the fast path agrees with YAML."""

from __future__ import annotations

import re

import pytest
from ruamel.yaml import YAML

from jixiao.spec import yamlscalar
from jixiao.spec.yamlscalar import scalar

TEXTS = ["全年提供法律咨询的次数", "≥20次", "合同审查率100%", "2025年12月31日", "经律师审查的合同数÷签订的合同总数×100%",
         "（某政办〔2024〕3号）", "A级以上", "是", "true是", "是 否", "是:否", "是#", "-是", "%是", "是,否", "[是]", "“双随机”检查",
         "满意度≥90%", "3.00万元", "第1～3季度", "≥100%", "≤0.2万元/次", "＞90%", "＝100%", "≥", "≤{{ 预算数 }}元", "≥1 次"]
#: Written plain too (jixiao reads every scalar as text; YAML's own loader would read a number).
NUMBERS = ["4.00", "619001", "13020025P008R64100041", "1e3", "0x1F", "2025.12.31", "4.00:", "1.5,2", "12#", "1 2"]


@pytest.mark.parametrize("text", TEXTS + NUMBERS)
@pytest.mark.parametrize("flow", [True, False])
def test_the_fast_path_says_what_yaml_says(text: str, flow: bool, monkeypatch: pytest.MonkeyPatch) -> None:
    yamlscalar.plain_ok.cache_clear()
    fast = yamlscalar.plain_ok(text, flow)
    monkeypatch.setattr(yamlscalar, "_SURELY_PLAIN", re.compile("(?!)"))  # ask YAML every time
    yamlscalar.plain_ok.cache_clear()
    assert yamlscalar.plain_ok(text, flow) == fast
    yamlscalar.plain_ok.cache_clear()


@pytest.mark.parametrize("text", TEXTS)
def test_written_scalars_read_back_as_the_text(text: str) -> None:
    assert YAML(typ="safe", pure=True).load(f"k: {scalar(text)}\n")["k"] == text
    assert YAML(typ="base").load(f"k: [{scalar(text, flow=True)}]\n") == {"k": [text]}
