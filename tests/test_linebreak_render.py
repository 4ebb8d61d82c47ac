"""Line breaks as printed: the 唐山 example in jixiao's PDF and in LibreOffice's PDF of its docx.

Every table cell and every paragraph outside tables (titles, headings) is read back
line by line with pdfplumber (tests/pdflines.py). Before the line-breaking work
about 150 cells in each ended with one character alone (「正常开/展」 57 times) and
项目编码, 文号 and amounts with their units broke across lines.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import Examples
from pdflines import UNBREAKABLE, Block, all_broken_runs, broken_runs, orphans
from pdfreadback import blocks

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def printed(examples: Examples) -> dict[str, list[Block]]:
    """The blocks of jixiao's PDF and of LibreOffice's PDF of the docx (the run's shared render, conftest)."""
    rendered, office = examples["tangshan-2025"], examples.office_pdfs("tangshan-2025")
    pdf = next(rendered.glob("*.pdf"))
    return {"pdf": blocks(pdf), "office": blocks(office / pdf.name)}


@pytest.mark.parametrize("client", ["pdf", "office"])
def test_few_cells_or_titles_end_with_one_character_alone(printed: dict[str, list[Block]], client: str) -> None:
    found = printed[client]
    assert sum(b.cell for b in found) > 2000  # the tables were read
    alone = orphans(found)
    assert len(alone) <= 10, [(b.page, b.lines) for b in alone]
    assert not [b for b in alone if not b.cell], "a title or heading ends with one character"


@pytest.mark.parametrize("client", ["pdf", "office"])
def test_no_project_code_breaks(printed: dict[str, list[Block]], client: str) -> None:
    broken = broken_runs(printed[client], UNBREAKABLE["code"])
    assert not broken, [(b.page, run, b.lines) for b, run in broken]


@pytest.mark.parametrize("client", ["pdf", "office"])
def test_no_document_number_amount_or_group_breaks(printed: dict[str, list[Block]], client: str) -> None:
    # Before (｜ the line break): 9 「（冀政发｜【2016】20号）」 in the narrow 依据 column, 「修（｜护）费」 and
    # 「≤3290.48元/｜人.年」 in the PDF; in LibreOffice's PDF also 「合格率（｜%）」, 「率(｜%)」, 「20｜元」.
    broken = all_broken_runs(printed[client])
    assert not broken, [(b.page, run, b.lines) for b, run in broken]


def test_titles_break_into_balanced_lines_in_both(printed: dict[str, list[Block]]) -> None:
    for client, found in printed.items():
        paragraphs = [b.lines for b in found if not b.cell]
        assert ("15.2024年中央财政医疗服务与", "保障能力提升补助资金绩效目标表") in paragraphs, client
        assert ("16.2024年中央财政医疗服务与", "保障能力提升补助资金（第二批）绩效目标表") in paragraphs, client
