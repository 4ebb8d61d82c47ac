"""``jixiao rollover``: next year's spec from this year's, and the checklist of what a person must update.

What moves by itself: 年度, and with it everything derived from it (the default
完成时限 and 编制日期, the default 标题, ``{{ 年度 }}`` and ``{{ 完成时限 }}`` in
formulas). Dates written as settings in this year (编制日期, 完成时限 in a 默认 or a
project) move by the same number of years. Everything else a person wrote stays
as written: years and dates in texts are listed in the checklist with
``file:line:col``, and so are budgets (kept, or set to 0 with ``--清空预算``),
项目编码 and file names with a year in them.

Files are edited as text at the positions the YAML reader reports, so comments
and layout stay byte for byte. The new spec is loaded and expanded in a
temporary folder next to the destination before anything is put in place.
"""

from __future__ import annotations

import calendar
import os
import re
import shutil
import stat
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from jixiao import limits
from jixiao.checks.years import SpecYear, relative, spec_years
from jixiao.errors import Diagnostic, JixiaoError, SpecError, UsageError
from jixiao.model.tableref import TableRefs
from jixiao.outpaths import check_new_folder, check_output_file, input_files
from jixiao.resources import user_templates
from jixiao.spec.load import DEPARTMENT_FILES, PROJECTS_DIR, find_root
from jixiao.spec.yamlio import Loaded, NodePath, load_yaml

_DATE = re.compile(r"(?P<q>[\"']?)(?P<y>\d{4})(?P<rest>[.\-/]\d{1,2}[.\-/]\d{1,2}|年\d{1,2}月\d{1,2}日)(?P=q)")
_NUMBER = re.compile(r"(?P<q>[\"']?)[-+]?[0-9][0-9.,_]*(?P=q)")
_AMOUNTS = ("预算数", "财政资金", "其他资金")


@dataclass(frozen=True)
class Edit:
    """A value replaced in a file: where, what it was and what it becomes."""

    path: str
    line: int
    col: int
    what: str
    old: str
    new: str


@dataclass
class Plan:
    """Everything a rollover changes and leaves for a person."""

    source: Path
    old_year: int
    new_year: int
    clear_budget: bool
    #: New content of every file of the spec folder, by path relative to it.
    files: dict[str, bytes] = field(default_factory=dict)
    moved: list[Edit] = field(default_factory=list)
    budgets: list[Edit] = field(default_factory=list)
    codes: list[tuple[str, int, int, str]] = field(default_factory=list)
    years: list[SpecYear] = field(default_factory=list)
    named: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    #: Project file (relative) → its table's number and 项目名称 in this year's document.
    tables: dict[str, tuple[int, str]] = field(default_factory=dict)
    #: Project file → its table as the reader names it (第 3 表, or 第三部分第 1 表).
    shown: dict[str, str] = field(default_factory=dict)
    #: Project file → its 资金支出计划 as printed, and the file it is written in (itself or 部门.yaml).
    schedules: dict[str, tuple[str, str]] = field(default_factory=dict)
    #: Project file → where 部门.yaml's 部分 lists it by name (line, column, the part's title).
    listed: dict[str, tuple[int, int, str]] = field(default_factory=dict)
    #: Years in 文号, 《》 names, ranges and fund names: left alone and not listed (how many).
    kept_years: int = 0
    #: Files of the repository's templates/ copied into the new spec, which will not see them (relative paths).
    adopted: list[str] = field(default_factory=list)
    #: Every file read: the spec folder's and the presets and layouts in use (no output may be one of them).
    inputs: list[Path] = field(default_factory=list)


def _shift(text: str, years: int) -> str:
    """A date text (any jixiao style) *years* later; 29 February becomes the 28th when needed."""
    m = _DATE.fullmatch(text)
    assert m is not None
    year = int(m["y"]) + years
    day = re.findall(r"\d+", m["rest"])
    if int(day[0]) == 2 and int(day[1]) == 29 and not _leap(year):
        rest = m["rest"][: m["rest"].rfind("29")] + "28" + m["rest"][m["rest"].rfind("29") + 2:]
    else:
        rest = m["rest"]
    return f"{m['q']}{year}{rest}{m['q']}"


def _leap(year: int) -> bool:
    return calendar.isleap(year)


def _token(line: str, col: int, pattern: re.Pattern[str]) -> str | None:
    m = pattern.match(line, col - 1)
    return m.group() if m else None


def _apply(text: str, edits: list[tuple[int, int, str, str]]) -> str:
    """*text* with each (line, col, old, new) token replaced (the old token must be there)."""
    lines = text.split("\n")
    for line, col, old, new in sorted(edits, reverse=True):
        source = lines[line - 1]
        assert source[col - 1: col - 1 + len(old)] == old
        lines[line - 1] = source[: col - 1] + new + source[col - 1 + len(old):]
    return "\n".join(lines)


def _date_settings(loaded: Loaded, department: bool) -> list[NodePath]:
    """Where dates are written as settings: 编制日期 and each 完成时限 (in a 默认 or a project)."""
    found: list[NodePath] = []
    if department:
        found.append(("编制日期",))
        found.append(("默认", "完成时限"))
        data = loaded.data if isinstance(loaded.data, dict) else {}
        for key in ("单位", "部分"):
            for i, _ in enumerate(data.get(key) or []):
                found.append((key, i, "默认", "完成时限"))
    else:
        found.append(("完成时限",))
    return [p for p in found if p in loaded.pos.values]


def plan(spec: Path, year: int, *, clear_budget: bool = False) -> Plan:
    """What rolling *spec* over to *year* changes (nothing is written).

    Raises:
        UsageError: *spec* is not a spec, or *year* is not a later year or out of range.
        SpecError: the spec itself does not validate (fix it first).
    """
    root = find_root(spec)
    from jixiao.workflow import open_spec

    opened = open_spec(root)
    loaded, doc = opened.loaded, opened.doc
    old = loaded.department.year
    if not limits.MIN_YEAR <= year <= limits.MAX_YEAR:
        raise UsageError(f"年度 {year} 不在 {limits.MIN_YEAR}–{limits.MAX_YEAR} 之间")
    if year == old:
        raise UsageError(f"规格已经是 {old} 年度的了：--年度 写新的年度，如 {old + 1}")
    if year < old:
        raise UsageError(f"--年度 {year} 早于规格的 {old} 年度：顺延只能到以后的年度，如 {old + 1}")
    result = Plan(root, old, year, clear_budget)
    result.tables = {t.source.path: (t.number, t.name) for t in doc.tables()}
    refs = TableRefs.of(doc)
    result.shown = {t.source.path: refs.one(t.number) for t in doc.tables()}
    for t in doc.tables():
        if t.schedule:
            where = t.field_sources.get("资金支出计划")
            result.schedules[t.source.path] = ("、".join(c.text or "（空）" for c in t.schedule),
                                               where.path if where is not None else t.source.path)
    for i, part in enumerate(loaded.department.parts):
        for j, entry in enumerate(part.projects or []):
            if not any(ch in entry for ch in "*?[") and ("部分", i, "项目", j) in loaded.pos.values:
                line, col = loaded.pos.values[("部分", i, "项目", j)]
                result.listed[f"{PROJECTS_DIR}/{entry.removesuffix('.yaml')}.yaml"] = (line, col, part.title)
    result.inputs = input_files(loaded)
    for path in sorted(_files(root, result)):
        result.inputs.append(path)
        rel = relative(root, path)
        data = path.read_bytes()
        if path.suffix == ".yaml" and _is_spec_file(rel):
            data = _roll_file(result, path, rel, data)
        result.files[rel] = data
        if str(old) in rel:
            result.named.append(rel)
    result.moved.sort(key=lambda e: (e.path not in DEPARTMENT_FILES, e.path, e.line))
    return result


def _is_spec_file(rel: str) -> bool:
    parts = rel.split("/")
    return (len(parts) == 1 and parts[0] in DEPARTMENT_FILES) or (
        len(parts) == 2 and parts[0] in (PROJECTS_DIR, "presets", "layouts", "checks")
    )


def _files(root: Path, result: Plan) -> list[Path]:
    """Regular files of the spec folder (symbolic links are listed as skipped, .git is left out)."""
    out = []
    for folder, dirs, names in os.walk(root):
        dirs[:] = sorted(d for d in dirs if d != ".git" and not (Path(folder) / d).is_symlink())
        for name in names:
            path = Path(folder) / name
            if path.is_symlink() or not path.is_file():
                result.skipped.append(relative(root, path))
            else:
                out.append(path)
    return out


def _roll_file(result: Plan, path: Path, rel: str, data: bytes) -> bytes:
    loaded = load_yaml(path)
    if isinstance(loaded, Diagnostic):  # pragma: no cover - the spec validated above
        raise SpecError([loaded])
    text = data.decode("utf-8-sig")
    lines = text.split("\n")
    edits: list[tuple[int, int, str, str]] = []
    moved: set[NodePath] = set()
    department = rel in DEPARTMENT_FILES
    delta = result.new_year - result.old_year
    if department:
        line, col = loaded.pos.values[("年度",)]
        token = _token(lines[line - 1], col, _NUMBER)
        if token is not None:
            edits.append((line, col, token, str(result.new_year)))
            result.moved.append(Edit(rel, line, col, "年度", token, str(result.new_year)))
    for node in _date_settings(loaded, department):
        line, col = loaded.pos.values[node]
        token = _token(lines[line - 1], col, _DATE)
        if token is None:
            continue
        if _DATE.match(token)["y"] == str(result.old_year):  # type: ignore[index]
            new = _shift(token, delta)
            edits.append((line, col, token, new))
            moved.add(node)
            what = ".".join(str(k) if isinstance(k, str) else f"[{k + 1}]" for k in node).replace(".[", "[")
            result.moved.append(Edit(rel, line, col, what, token, new))
    if rel.startswith(PROJECTS_DIR + "/"):
        _project_facts(result, loaded, rel, lines, edits)
    everything = [y for y in spec_years(loaded, rel, moved) if y.mention.year != result.new_year]
    wanted = [y for y in spec_years(loaded, rel, moved, only_to_update=True) if y.mention.year != result.new_year]
    result.years += wanted
    result.kept_years += len(everything) - len(wanted)
    if not edits:
        return data
    bom = "\ufeff" if data.startswith(b"\xef\xbb\xbf") else ""
    return (bom + _apply(text, edits)).encode("utf-8")


def _project_facts(result: Plan, loaded: Loaded, rel: str, lines: list[str], edits: list[tuple[int, int, str, str]]) -> None:
    """Budgets (kept, or set to 0) and 项目编码 of one project file."""
    data = loaded.data if isinstance(loaded.data, dict) else {}
    for key in _AMOUNTS:
        if (key,) not in loaded.pos.values:
            continue
        line, col = loaded.pos.values[(key,)]
        token = _token(lines[line - 1], col, _NUMBER)
        if result.clear_budget and token is not None:
            edits.append((line, col, token, "0"))
            result.budgets.append(Edit(rel, line, col, key, token, "0"))
        elif key == "预算数" or not result.clear_budget:
            written = token or str(data.get(key))
            result.budgets.append(Edit(rel, line, col, key, written, written))
    code = str(data.get("项目编码") or "").strip()
    if code and ("项目编码",) in loaded.pos.values:
        line, col = loaded.pos.values[("项目编码",)]
        result.codes.append((rel, line, col, code))


#: What the repository's templates/ holds that a spec reads (presets, layouts, the vocabulary).
_TEMPLATE_KINDS = ("presets", "layouts", "checks")


def adopt_templates(result: Plan, dest: Path) -> None:
    """Copy into the new spec what it reads from the repository's ``templates/`` when *dest* will not see it.

    A spec rolled over to a folder outside its repository (or below another one) would lose
    the repository's presets, layouts and vocabulary: they become the new spec's own
    (``presets/`` …), unless the spec already has a file of that name.
    """
    mine = user_templates(result.source)
    if mine is None or mine.resolve().is_relative_to(result.source.resolve()):
        return  # no repository templates, or the spec's own templates/: it travels with the spec
    probe = dest if dest.exists() else dest.parent
    theirs = user_templates(probe) if probe.exists() else None
    if theirs is not None and theirs.resolve() == mine.resolve():
        return
    for kind in _TEMPLATE_KINDS:
        folder = mine / kind
        if not folder.is_dir() or folder.is_symlink():
            continue
        for path in sorted(folder.glob("*.yaml")):
            rel = f"{kind}/{path.name}"
            if path.is_file() and not path.is_symlink() and rel not in result.files:
                result.files[rel] = path.read_bytes()
                result.inputs.append(path)
                result.adopted.append(rel)


def default_destination(spec: Path, old: int, new: int) -> Path:
    """``tangshan-2025`` → ``tangshan-2026`` beside it; a name without the year gets ``-2026``."""
    root = find_root(spec)
    name = root.name.replace(str(old), str(new)) if str(old) in root.name else f"{root.name}-{new}"
    return root.parent / name


def check_destination(result: Plan, dest: Path, checklist: Path | None = None) -> bool:
    """Refuse a *dest* or *checklist* that would overwrite or mix with what was read; True if *dest* is in place.

    Raises:
        UsageError: *dest* is a link, a file, a folder with files in it, or inside the spec folder;
            *checklist* is a folder, a file read, a file of the new spec, or inside the old spec folder.
    """
    instead = default_destination(result.source, result.old_year, result.new_year)
    check_new_folder(dest, "-o", source=result.source, allow_source=True, instead=str(instead))
    in_place = dest.exists() and os.path.samefile(dest, result.source)
    if dest.exists() and not in_place and any(dest.iterdir()):
        raise UsageError(f"「{dest}」已存在且不是空文件夹：用 -o 指定一个新的文件夹")
    if checklist is not None:
        new_files = [dest / rel for rel in result.files]
        check_output_file(
            checklist, "--清单", reads=result.inputs, writes=new_files, folders=[] if in_place else [result.source]
        )
    return in_place


def write(result: Plan, dest: Path, checklist: tuple[str, bytes], to: Path | None = None) -> Path:
    """Put the new spec at *dest* (a new or empty folder, or the spec folder itself) with its checklist.

    The checklist (file name, text) goes into *dest*, or to the file *to*.
    Every output is checked against every input first (:func:`check_destination`),
    and the new spec is validated in a temporary folder beside *dest*; on any
    problem nothing is put in place.

    Raises:
        UsageError: see :func:`check_destination`.
        JixiaoError: the new spec does not validate (a defect: please report).
    """
    from jixiao.fileio import write_atomic, write_set
    from jixiao.workflow import open_spec

    in_place = check_destination(result, dest, to)
    if not in_place and not result.adopted:
        adopt_templates(result, dest)
    parent = dest.resolve().parent
    parent.mkdir(parents=True, exist_ok=True)
    files = dict(result.files)
    if to is None:
        files[checklist[0]] = checklist[1]
    stage = Path(tempfile.mkdtemp(prefix=".jx-rollover-", dir=parent))
    try:
        stage.chmod(0o777 & ~_umask())
        for rel, data in files.items():
            _put(stage / rel, data, result.source / rel)
        try:
            open_spec(stage)
        except SpecError as exc:
            first = exc.diagnostics[0] if exc.diagnostics else None
            raise JixiaoError(
                f"顺延后的规格未通过校验，没有写入任何文件：{first.message if first else exc}（这是 jixiao 的缺陷，请报告）"
            ) from None
        if in_place:
            changed = {result.source / rel: data for rel, data in files.items()
                       if not (result.source / rel).is_file() or (result.source / rel).read_bytes() != data}
            write_set(changed)
        else:
            if dest.exists():
                dest.rmdir()
            os.replace(stage, dest)
    finally:
        if stage.exists():
            shutil.rmtree(stage, ignore_errors=True)
    if to is not None:
        write_atomic(to, checklist[1])
        return to
    return dest / checklist[0]


def _put(target: Path, data: bytes, like: Path) -> None:
    """Write a new file *target* with the permissions of *like* (a private spec file stays private)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    mode = stat.S_IMODE(like.stat().st_mode) & 0o777 if like.is_file() else 0o666
    fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0), mode)
    with os.fdopen(fd, "wb") as out:
        out.write(data)


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask
