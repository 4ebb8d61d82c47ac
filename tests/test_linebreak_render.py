"""Line breaks as printed: the 唐山 example in jixiao's PDF and in LibreOffice's PDF of its docx.

Every table cell and every paragraph outside tables (titles, headings) is read back
line by line with pdfplumber (tests/pdflines.py). Before the line-breaking work
about 150 cells in each ended with one character alone (「正常开/展」 57 times) and
项目编码, 文号 and amounts with their units broke across lines.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from conftest import Examples
from pdflines import Block, blocks, broken_runs, orphans

ROOT = Path(__file__).resolve().parents[1]

#: What must never break, written here independently of render/layout/linebreak.py.
CODE = re.compile(r"\d{8}[0-9A-Z]{8,}")
WENHAO = re.compile(r"[〔【\[]\d{4}[〕】\]]\d+号")
AMOUNT = re.compile(r"[≤≥<>]?\d+(?:\.\d+)?(?:万元|元|%|人次|个月)")


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
    broken = broken_runs(printed[client], CODE)
    assert not broken, [(b.page, run, b.lines) for b, run in broken]


def test_no_document_number_or_amount_breaks_in_the_pdf(printed: dict[str, list[Block]]) -> None:
    broken = broken_runs(printed["pdf"], WENHAO) + broken_runs(printed["pdf"], AMOUNT)
    assert not broken, [(b.page, run, b.lines) for b, run in broken]


def test_titles_break_into_balanced_lines_in_both(printed: dict[str, list[Block]]) -> None:
    for client, found in printed.items():
        paragraphs = [b.lines for b in found if not b.cell]
        assert ("15.2024年中央财政医疗服务与", "保障能力提升补助资金绩效目标表") in paragraphs, client
        assert ("16.2024年中央财政医疗服务与", "保障能力提升补助资金（第二批）绩效目标表") in paragraphs, client
