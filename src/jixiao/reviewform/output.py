"""Writing the 审核表 (``check --format xlsx|docx -o 文件``): where it may go, and the file itself."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from pathlib import Path

from jixiao.checks.base import Finding
from jixiao.errors import UsageError
from jixiao.outpaths import check_json_output, check_output_file
from jixiao.workflow import OpenSpec


def check_form_output(spec: Path, output: Path | None, fmt: str, *, workbook: bool = False) -> None:
    """Refuse a missing ``-o``, a wrong suffix, a folder, or a place in the spec folder (before any work).

    With *workbook* (*spec* is a workbook checked as it is) only the workbook itself is refused.
    """
    if output is None:
        raise UsageError(f"--format {fmt} 写出审核表，要用 -o 给出文件，例如 -o 审核表.{fmt}")
    if output.suffix.lower() != f".{fmt}":
        raise UsageError(f"审核表「{output}」的扩展名应是 .{fmt}（--format {fmt}），例如 -o {output.with_suffix('.' + fmt).name}")
    if workbook:
        check_output_file(output, "-o", reads=[spec])
    else:
        check_json_output(spec, output)


def write_form(opened: OpenSpec, findings: list[Finding], output: Path, fmt: str, base: Path) -> str:
    """Write the 审核表 of *findings*; the line that tells what was written."""
    from jixiao.checks.packs.load import load_grading
    from jixiao.checks.review.form import review_form
    from jixiao.fileio import write_atomic

    doc = opened.doc
    grading = load_grading(opened.root, opened.packs)
    reminders = opened.packs.reminders if opened.packs is not None else []
    form = review_form(doc, findings, opened.root, base, reminders, grading)
    when = dt.datetime.combine(doc.issued, dt.time())
    if fmt == "xlsx":
        from jixiao.reviewform.xlsx import review_workbook

        data = review_workbook(form, when=when, author=doc.department)
    else:
        from jixiao.reviewform.docx import review_docx

        data = review_docx(form, when=when, author=doc.department)
    write_atomic(output, data)
    grades = Counter(e.grade for e in form.entries if not e.whole)
    shown = "、".join(f"{g.name} {grades[g.name]}" for g in form.grading.grades if grades[g.name])
    return f"已写入审核表 {output}：{len(doc.tables())} 个项目（{shown}），问题 {len(findings)} 条。"
