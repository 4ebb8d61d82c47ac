"""``jixiao import``: read → recognise → propose presets → spell each table → verify → write.

Every spelling is checked by expanding it with jixiao's own expansion; a table
that a preset cannot reproduce is written out row by row. The written folder
is loaded from disk and compared with the document once more before it is
moved into place, so what is reported is what the files do.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

from jixiao.errors import SpecError, UsageError
from jixiao.expand.department import expand_department
from jixiao.importer import context as cx
from jixiao.importer.assemble import Assembly, assemble
from jixiao.importer.bounds import check_files, check_found
from jixiao.importer.found import FoundDoc, FoundTable, Note
from jixiao.importer.items import choose_items
from jixiao.importer.memory import differences, expand, part_one_differences, preset_library
from jixiao.importer.mining import mine
from jixiao.importer.plan import Choice, choose, name_presets, preset_data
from jixiao.importer.report import ImportReport, PresetInfo, number_ranges
from jixiao.importer.spell import TableCtx, full_rows
from jixiao.importer.workbook.extras import (
    add_row_extras,
    book_framework,
    form_header,
    named_framework,
    place_form_fields,
)
from jixiao.importer.workbook.tables import Extras
from jixiao.importer.write import check_target, publish, staged, texts
from jixiao.importer.yamltext import flow
from jixiao.spec.load import load_department
from jixiao.spec.presets import PresetLibrary


@dataclasses.dataclass
class _Work:
    found: FoundDoc
    year: int
    department: str
    framework: str
    money_unit: str
    units: list[cx.UnitInfo]
    choices: list[Choice]
    presets: dict[str, dict[str, Any]]
    preset_tables: dict[str, list[int]]
    notes: list[Note]

    def assemble(self) -> Assembly:
        a = assemble(self.found, self.year, self.department, self.framework, self.money_unit, self.units,
                     self.choices, self.presets, self.notes)
        place_form_fields(a)
        for name, numbers in self.preset_tables.items():
            a.preset_comments[name] = [
                f"由 jixiao import 归纳（推断）：原文第 {number_ranges(numbers)} 张表共有这些指标行，措辞照录原文。",
                "{{ 事项 }}、{{ 项目名称 }}、{{ 预算数 }}、{{ 完成时限 }} 由各项目代入；改这里，所有用它的表一起改。",
            ]
        return a


def import_document(path: Path, target: Path, *, year: int | None = None, force: bool = False) -> ImportReport:
    """Import the Word file *path* as a spec folder *target*.

    Raises:
        UsageError: *target* exists (without *force*) or is not a spec folder, no year can be found.
        ImportProblem: the file is not a readable Word file, or holds no project tables.
        RenderError: the folder cannot be written.
    """
    # The Word reader (lxml) and recogniser (with the year checks) are imported here: a workbook import needs neither.
    from jixiao.importer.read import read_docx
    from jixiao.importer.recognise import recognise
    from jixiao.importer.source import load_source

    check_target(target, force=force)
    shown, target = target, target.absolute()
    data, notes = load_source(path)
    found = recognise(read_docx(data, path.name), path.name)
    check_found(found, path.name)
    notes += found.notes
    doc_year = found.year or year
    if doc_year is None:
        seen = found.year_guess.candidates() if found.year_guess is not None else ""
        raise UsageError(
            f"无法从 {path.name} 中确定预算年度：标题中没有「2025年」这样的年份，"
            + (f"文中见到 {seen}，看不出哪一个是预算年度。" if seen else "文中也没有年份。")
            + "请加 --年度 指定，例如 --年度 " + (seen[:4] if seen else "2025") + "。"
        )
    department = found.department or "某部门"
    if found.department is None:
        notes.append(Note("全文", "没有读出部门名称（文档没有标题，也没有单位行）", "部门名称写作「某部门」，请在 部门.yaml 中改正"))
    printed = {t.number: list(t.rows) for t in found.tables}
    extras = {t.number: form_extras(t) for t in found.tables}
    framework, _ = book_framework(found, extras)  # 「不适用」 rows the 指标体系 prints are taken out to plan
    work = _plan(found, doc_year, department, notes, extras)
    assembly = _verified(work)
    for t in found.tables:
        t.rows = printed[t.number]
    assembly.department["指标体系"] = named_framework(framework)
    add_row_extras(assembly, extras)
    lib = preset_library(assembly.presets)
    diffs = _differences(assembly, lib, work)
    files = texts(assembly, path.name)
    with staged(target, files) as tmp:
        check_files(tmp, [rel for rel in files if rel.endswith(".yaml")])
        problems, disk_diffs = _check_on_disk(tmp, work)
        diffs += [d for d in disk_diffs if d not in diffs]
        spec_year = year or doc_year
        if spec_year != doc_year:
            assembly.department["年度"] = spec_year
            if "标题" in assembly.department:
                assembly.department["标题"] = assembly.department["标题"].replace(f"{doc_year}年", f"{spec_year}年")
            (tmp / "部门.yaml").write_text(texts(assembly, path.name)["部门.yaml"], encoding="utf-8")
        kept = publish(tmp, target)
    return ImportReport(
        source=path.name,
        target=shown,
        word_tables=found.word_tables,
        paragraphs=found.paragraphs,
        tables=len(found.tables),
        part_one=found.part_one is not None,
        parts=[p.title for p in found.parts if p.title],
        layout=flow(assembly.department["版式"]),
        units=[(u.code, u.name, len(u.tables)) for u in work.units],
        presets=_preset_infos(work, lib),
        lines={stem: sum(1 for line in text.splitlines() if line.strip())
               for stem, text in files.items() if stem.startswith("projects/")},
        notes=notes,
        problems=problems,
        differences=diffs,
        year_changed=(doc_year, spec_year) if spec_year != doc_year else None,
        kept=kept,
    )


def _plan(found: FoundDoc, year: int, department: str, notes: list[Note], extras: dict[int, Extras]) -> _Work:
    framework = cx.framework_of(found)
    money_unit = cx.money_unit_of(found, notes)
    units, ctxs = cx.contexts(found, year, department, framework, money_unit, notes)
    for c in ctxs:
        c.header.update(form_header(extras[c.table.number].header, department, c.facts.unit_name))
    choices, presets, tables = plan_presets(found, ctxs, year, department, framework, "原文")
    return _Work(found, year, department, framework, money_unit, units, choices, presets, tables, notes)


def form_extras(t: FoundTable) -> Extras:
    """A table's 2021 form fields (政策依据 …; the money split is in the amounts) and its rows' 权重 and 指标解释."""
    header = {k: v for k, v in t.fields.items() if v and k not in ("财政专户管理资金", "单位资金")}
    return Extras(header, [r.more for r in t.rows])


def plan_presets(found: FoundDoc, ctxs: list[TableCtx], year: int, department: str, framework: str, source: str,
                 *, mining: bool = True) -> tuple[list[Choice], dict[str, dict[str, Any]], dict[str, list[int]]]:
    """Each table's spelling, the presets mined from *found* (named from *source*: 原文, 工作簿) and their tables.

    Without *mining* every table is written out row by row, as printed (no preset, no formula).
    """
    items = choose_items(found.tables, {c.table.number: c.facts.name for c in ctxs})
    for c in ctxs:
        c.items = items[c.table.number]
    if not mining:
        return [Choice(c, full_rows(c, literal=True)) for c in ctxs], {}, {}
    facts = {c.table.number: c.facts for c in ctxs}
    mined = mine(found.tables, facts, {n: v[0] for n, v in items.items()}, framework)
    choices, kept = choose(ctxs, mined, year, department)
    names = name_presets(kept, choices, department)
    by_temp = {f"P{p.ident}": names[p.ident] for p in kept}
    for choice in choices:
        if choice.spelling.preset:
            choice.spelling.preset = by_temp[choice.spelling.preset]
    presets: dict[str, dict[str, Any]] = {}
    tables: dict[str, list[int]] = {}
    for p in kept:
        name = names[p.ident]
        users = [c.ctx.table.number for c in choices if c.spelling.preset == name]
        presets[name] = {"说明": f"{name}类项目的指标（由 jixiao import 从{source}归纳）", **preset_data(p, names)}
        tables[name] = users or sorted(p.sources)
    return choices, presets, tables


def _expand_all(assembly: Assembly, lib: PresetLibrary) -> tuple[dict[str, Any], list[str]]:
    """Expanded tables by file stem, and problems of projects that do not expand.

    When the whole department does not expand (a slip such as a decreasing
    资金支出计划), each project is expanded alone: its title number is then not
    the document's (the problems say so).
    """
    projects = [(p.choice.ctx.stem, p.data) for p in assembly.projects]
    result = expand(assembly.department, projects, lib)
    if result.doc is not None:
        return {t.file_stem: t for t in result.doc.tables()}, []
    tables: dict[str, Any] = {}
    problems: list[str] = []
    for stem, data in projects:
        one = expand(_alone(assembly.department, stem), [(stem, data)], lib)
        if one.doc is not None:
            tables[stem] = one.doc.tables()[0]
        else:
            problems += [f"projects/{stem}.yaml：{p.split(': ', 1)[-1]}" for p in one.problems]
    if not problems:
        problems = result.problems
    return tables, problems


def _alone(department: dict[str, Any], stem: str) -> dict[str, Any]:
    """The department with its part lists reduced to one project (for expanding it alone)."""
    parts = [
        {**part, "项目": [s for s in part["项目"] if s == stem]} if "项目" in part else part
        for part in department.get("部分", [])
    ]
    return {**department, "部分": parts} if parts else department


def _verified(work: _Work) -> Assembly:
    """The assembly, with tables it does not reproduce written out row by row, without formulas."""
    for _ in range(3):
        assembly = work.assemble()
        made, _ = _expand_all(assembly, preset_library(assembly.presets))
        redo = False
        for c in work.choices:
            t = made.get(c.ctx.stem)
            literal = full_rows(c.ctx, literal=True)
            if c.spelling != literal and (t is None or differences(t, c.ctx.table, with_heading=False, with_more=False)):
                c.spelling = literal
                redo = True
        if not redo:
            break
    return assembly


def _differences(assembly: Assembly, lib: PresetLibrary, work: _Work) -> list[str]:
    made, problems = _expand_all(assembly, lib)
    out: list[str] = []
    for c in work.choices:
        t = made.get(c.ctx.stem)
        if t is None:
            continue
        out += [f"{c.ctx.table.label}：{d}" for d in differences(t, c.ctx.table, with_heading=not problems)]
    result = expand(assembly.department, [(p.choice.ctx.stem, p.data) for p in assembly.projects], lib)
    if result.doc is not None and work.found.part_one is not None:
        out += part_one_differences(result.doc.part_one, work.found.part_one, work.found.part_one.printed)
    return out


def _check_on_disk(folder: Path, work: _Work) -> tuple[list[str], list[str]]:
    """Problems ``jixiao validate`` reports for the written files, and tables printed differently."""
    try:
        doc = expand_department(load_department(folder))
    except SpecError as exc:
        root = folder.resolve()
        return [f"{_inside(d.path, root)}:{d.line}:{d.col}：{d.message}" for d in exc.diagnostics], []
    tables = {t.file_stem: t for t in doc.tables()}
    diffs = []
    for c in work.choices:
        t = tables.get(c.ctx.stem)
        if t is not None:
            diffs += [f"{c.ctx.table.label}：{d}" for d in differences(t, c.ctx.table)]
    return [], diffs


def _inside(path: Path, root: Path) -> str:
    """*path* relative to the spec folder (it is being written under a temporary name)."""
    resolved = path.resolve()
    return resolved.relative_to(root).as_posix() if resolved.is_relative_to(root) else str(path)


def _preset_infos(work: _Work, lib: PresetLibrary) -> list[PresetInfo]:
    out = []
    for name, data in work.presets.items():
        users = [c.ctx.table.number for c in work.choices if c.spelling.preset == name]
        out.append(PresetInfo(name, len(lib.resolve(name)), users, data.get("基于")))
    return out
