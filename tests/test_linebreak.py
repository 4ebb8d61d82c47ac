"""Where printed text may break: the joiners of render/layout/linebreak.py and the widths of slack.py."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from jixiao.chars import JOINER, unjoined
from jixiao.render.layout.cells import CELL_PADDING_MM, EM_MM
from jixiao.render.layout.linebreak import PROTECTED, balanced, office, protect, title_lines, units
from jixiao.render.layout.slack import neat_mm, orphans, printed, unit_mm, wrap
from jixiao.render.layout.textwidth import text_em

_CJK = st.characters(min_codepoint=0x4E00, max_codepoint=0x9FA5)
_TEXT = st.text(st.one_of(_CJK, st.sampled_from("0123456789.%≤≥万元年月日（）【】〔〕[]号，。ABCPF ")), max_size=40)


def _break_points(glued: str) -> set[int]:
    """Indices i (in the text without joiners) where a client may break before character i."""
    out, i = set(), 0
    joined_before = False
    for ch in glued:
        if ch == JOINER:
            joined_before = True
            continue
        if i > 0 and not joined_before:
            out.add(i)
        joined_before = False
        i += 1
    return out


def _latin(a: str, b: str) -> bool:
    return all(c.isascii() and (c.isalnum() or c in ".,") for c in a + b)


def _may_break(text: str, glued: str, i: int) -> bool:
    """A client may break before text[i]: no joiner, and not between two Latin letters or digits."""
    return i in _break_points(glued) and not _latin(text[i - 1], text[i])


@given(_TEXT)
def test_protect_only_adds_joiners(text: str) -> None:
    assert unjoined(protect(text)) == text
    assert protect(protect(text)) == protect(text)


@given(_TEXT)
def test_protected_runs_and_the_last_two_characters_never_break(text: str) -> None:
    glued = protect(text)
    for m in PROTECTED.finditer(text):
        assert not any(_may_break(text, glued, i) for i in range(m.start() + 1, m.end())), (text, m.group())
    core = text.rstrip("，。、；：？！）》」』】〕］”’%％‰.,;:?!)]}…— ")
    if len(text.strip()) > 2 and len(core) >= 2 and " " not in text[-3:]:
        assert not _may_break(text, glued, len(core) - 1), text


def test_the_runs_the_issue_names_are_protected() -> None:
    for run in ("津财社指【2025】142号", "定政办字[2016]13号", "冀财预〔2021〕101号", "13020025P00683710446F",
                "≤450万元", "95%", "12个月", "10000人次", "≤0.15万元/月", "2025年12月31日", "（第二批）"):
        text = f"依据{run}执行情况"
        glued = protect(text)
        start = text.index(run)
        assert not any(_may_break(text, glued, i) for i in range(start + 1, start + len(run))), run
        assert _may_break(text, glued, start + len(run) + 1)  # text around them still breaks


def test_ordinary_running_text_still_breaks_between_characters() -> None:
    glued = protect("保障工作正常开展")
    assert _break_points(glued) == {1, 2, 3, 4, 5, 6}  # not before the last character


@given(st.text(_CJK, min_size=1, max_size=60), st.floats(min_value=8, max_value=30))
def test_titles_break_into_two_lines_of_similar_length(text: str, room: float) -> None:
    lines = title_lines(text, room)
    assert "".join(lines) == text
    em = text_em(text)
    if em <= room:
        assert lines == [text]
    elif em <= 2 * room * 0.97 - 1:  # two lines fit, whatever the characters' widths
        assert len(lines) == 2
        assert all(text_em(line) <= room for line in lines)
        uneven = abs(text_em(lines[0]) - text_em(lines[1]))
        assert uneven <= 0.35 * em + 1  # a word boundary may move the break off the middle
        if not set(text) & set("、，：；-－—与和及）】〕年的市区县省（【〔"):
            assert uneven <= 1
        glued = balanced(text, room)
        # The second line is joined: a client can only break before it.
        assert _break_points(glued) - set(range(len(lines[0]) + 1)) == set()


def test_a_table_title_breaks_at_a_word_and_keeps_its_number_and_group() -> None:
    title = "15.2024年中央财政医疗服务与保障能力提升补助资金绩效目标表"
    room = 156 / (16 * 25.4 / 72)  # 黑体 3号 on the text width
    assert title_lines(title, room) == ["15.2024年中央财政医疗服务与", "保障能力提升补助资金绩效目标表"]
    assert title_lines("16.2024年中央财政医疗服务与保障能力提升补助资金（第二批）绩效目标表", room) == [
        "16.2024年中央财政医疗服务与", "保障能力提升补助资金（第二批）绩效目标表"]
    assert title_lines("3.城乡居民基本医疗保险财政补助资金-市级资金-津财社指【2025】142号绩效目标表", room) == [
        "3.城乡居民基本医疗保险财政补助资金-", "市级资金-津财社指【2025】142号绩效目标表"]
    title = 156 / (22 * 25.4 / 72)  # the document title: 2号
    assert title_lines("2025年天津市东丽区医疗保障局部门绩效目标", title) == ["2025年天津市东丽区", "医疗保障局部门绩效目标"]


def _width(chars: float) -> float:
    """A cell whose text holds *chars* em and a half."""
    return (chars + 0.5) * EM_MM + 2 * CELL_PADDING_MM + 0.45


def test_wrap_keeps_runs_and_closing_punctuation_with_their_line() -> None:
    assert wrap("保障工作正常开展", 7.5) == ["保障工作正常开", "展"]
    assert wrap("完成率达到≥450万元", 7.5) == ["完成率达到", "≥450万元"]
    assert wrap("保障工作正常开。", 7.5) == ["保障工作正常", "开。"]


def test_a_cell_ending_with_one_character_breaks_before_the_last_two() -> None:
    assert orphans("保障工作正常开展", _width(7)) > 0
    # The joiner ending a line says the break after it is jixiao's (a reader drops both).
    assert printed("保障工作正常开展", _width(7)) == ("保障工作正常" + JOINER, "开展")
    assert unjoined("\n".join(printed("保障工作正常开展", _width(7)) or ())) == "保障工作正常开展"
    assert printed("保障工作正常开展", _width(8)) is None  # one line
    assert printed("保障工作正常开展", _width(5)) is None  # 5 + 3
    assert orphans("保障工作正常开展", _width(5)) == 0
    # Written lines are kept; only the one that would end alone is broken.
    assert printed("一二三\n保障工作正常开展", _width(7)) == ("一二三", "保障工作正常" + JOINER, "开展")


def test_a_run_longer_than_the_cell_counts_against_the_width() -> None:
    assert orphans("13020025P00683710446F", _width(8)) > 0
    assert orphans("13020025P00683710446F", _width(14)) == 0


def _alone(doc: object) -> int:
    """Cells of the indicator columns after 二级 estimated to end with one character alone."""
    from jixiao.model.cells import row_cell
    from jixiao.render.layout.colwidths import compute_plan

    count = 0
    for t in doc.tables():  # type: ignore[attr-defined]
        widths = compute_plan(t).indicators
        for r in t.rows:
            for i, name in enumerate(t.columns[2:], 2):
                for paragraph in row_cell(r, name).split("\n"):
                    lines = wrap(paragraph, (widths[i] - 2 * CELL_PADDING_MM - 0.45) / EM_MM)
                    count += len(lines) > 1 and len(lines[-1]) == 1
    return count


def test_column_widths_leave_fewer_cells_ending_with_one_character(monkeypatch: pytest.MonkeyPatch) -> None:
    """Across the 唐山 example, settling the widths leaves far fewer single-character last lines."""
    from jixiao import expand_department, load_department
    from jixiao.render.layout import colwidths

    doc = expand_department(load_department(Path(__file__).resolve().parents[1] / "specs" / "tangshan-2025"))
    settled = _alone(doc)
    monkeypatch.setattr(colwidths, "settle", lambda widths, *args: widths)
    unsettled = _alone(doc)
    assert unsettled > 100  # the widths before: 「正常开/展」 and the like
    assert settled <= unsettled * 0.75, (settled, unsettled)


def test_joiners_are_not_read_back() -> None:
    assert unjoined(protect("保障工作正常开展，≤450万元")) == "保障工作正常开展，≤450万元"
    assert not re.search(JOINER, unjoined(balanced("一" * 40, 25)))


# --- Units: what no line may cut, and the columns that hold them ------------------------------------


def test_a_unit_is_a_protected_run_with_its_brackets() -> None:
    def cut(text: str) -> list[str]:
        return [text[a:z] for a, z in units(text)]

    assert cut("《实施意见》（冀政发【2016】20号）部署，") == ["（冀政发【2016】20号）"]
    assert cut("依据冀财社【2024】158号文件") == ["冀财社【2024】158号"]  # 依据 is not part of the issuer
    assert cut("单位补助成本≤3290.48元/人.年") == ["≤3290.48元/人.年"]
    assert cut("办公楼维修（护）费") == ["（护）"]
    assert cut("完成率(%)") == ["(%)"]


def test_the_word_file_keeps_only_joiners_between_two_cjk_characters() -> None:
    # LibreOffice ends a line at a joiner next to a digit or a bracket, where its own rules would not.
    assert office(protect("验收合格率（%）")) == "验收合格率（%）"
    assert office(protect("每份病例20元")) == "每份病例20元"
    assert office(protect("保障工作正常开展")) == "保障工作正常开" + JOINER + "展"
    assert unjoined(office(protect("（冀政发【2016】20号）"))) == "（冀政发【2016】20号）"


def test_a_cell_the_clients_wrap_differently_gets_lines_both_print() -> None:
    name = "2024年中央财政医疗服务与保障能力提升补助资金（第二批）"
    # At 48.5 mm jixiao's PDF and LibreOffice disagree on the first line, and LibreOffice would
    # break 「（第/二批）」: every line ends with a forced break, on lines both print.
    assert printed(name, 48.5) == ("2024年中央财政医疗服务" + JOINER, "与保障能力提升补助资金" + JOINER, "（第二批）")


def test_every_column_holds_its_widest_unit_on_one_line() -> None:
    """A column is at least as wide as the widest run that must not break in it (「（冀政发【2016】20号）」
    in a 依据 column that was 10 em wide, 「≤3290.48元/人.年」 in 指标值), and the 项目名称 cell of
    the 项目编码 row holds 「办公楼维修（护）费」 without breaking 「（护）」 or leaving 「费」 alone."""
    from jixiao import expand_department, load_department
    from jixiao.model.cells import row_cell
    from jixiao.render.layout.colwidths import compute_plan
    from jixiao.render.layout.grid import header_grid

    doc = expand_department(load_department(Path(__file__).resolve().parents[1] / "specs" / "tangshan-2025"))
    widest = {}
    for t in doc.tables():
        widths = compute_plan(t).indicators
        for i, name in enumerate(t.columns[2:], 2):
            texts = [row_cell(r, name) for r in t.rows]
            # As jixiao's PDF prints them (unit_mm also leaves room for LibreOffice's wider digits
            # where the 156 mm allow: not in table 36, whose 指标值 and 依据 both hold long units).
            need = max((text_em(x[a:z]) for x in texts for a, z in units(x)), default=0.0)
            assert widths[i] >= need * EM_MM + 2 * CELL_PADDING_MM + 0.45, (t.number, name, widths[i], need)
            widest[t.number] = max(widest.get(t.number, 0.0), max(unit_mm(x) for x in texts))
        if t.name == "办公楼维修（护）费":
            cell = header_grid(t).rows[1].cells[-1]
            assert cell.text == t.name
            width = sum(header_grid(t).widths_mm[-cell.span:])
            assert width >= neat_mm(t.name) - 0.05 and neat_mm(t.name) > 5 * EM_MM
            assert wrap(t.name, (width - 2 * CELL_PADDING_MM - 0.45) / EM_MM) == ["办公楼维修", "（护）费"]
    assert max(widest.values()) > 11 * EM_MM  # the 文号 with its brackets


def test_a_unit_wider_than_its_line_breaks_where_it_least_harms() -> None:
    # A 文号 between its issuer and its 【年份】号; an amount per unit before its 「/」; a code anywhere.
    text = "按照（冀政发【2016】20号）部署"
    glued = protect(text, 8.0)
    assert [i for i in range(4, 15) if _may_break(text, glued, i)] == [text.index("【")]  # inside 冀政发【2016】20号
    glued = protect("≤3334元/月", 5.3)
    assert [i for i in range(1, 8) if _may_break("≤3334元/月", glued, i)] == [6]
    assert not [i for i in range(1, 8) if _may_break("≤3334元/月", protect("≤3334元/月", 6.0), i)]
    # The clients break after a 「/」, not before it: both get that line break written out.
    assert printed("≤3334元/月", 22.0) == ("≤3334元" + JOINER, "/月")
    assert printed("≤3334元/月", 26.0) is None
