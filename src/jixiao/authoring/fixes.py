"""``jixiao check --fix``: the safe, mechanical fixes written into the spec files.

A rule registered with ``fixable=True`` gives, with each finding, the text the cell
should print (``≥100%`` → ``=100%``, a half-width comma → ``，``, a typo from the
vocabulary). Where that cell is written — a project, a preset line, 部门.yaml — the
YAML text is changed so that it prints the fixed text: the whole text when it is
written as printed, else only the changed characters, found by their neighbours in
the written text (so a ``{{ 事项 }}`` around them stays). A preset line fixes every
table that uses it; findings of many tables at one line must agree on the change.

Every change goes through ``jixiao fmt``'s writer (:func:`jixiao.spec.fmt.canonical`):
comments, key order and quoting stay; a file not yet in canonical form comes out in it.
The changed files are first written to a copy of the spec beside it, loaded, expanded
and checked again: the printed texts may differ from before only where a fix said so,
or nothing is written. Fixing repeats (at most five rounds) while fixes remain, since
one text may hold two slips. Nothing is written here: :func:`fix_spec` returns the new
file texts; the command writes them all at once, or shows them as a diff.
"""

from __future__ import annotations

import difflib
import shutil
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from jixiao.checks.base import RULES, CheckContext, Finding
from jixiao.checks.fields import all_texts
from jixiao.checks.vocabulary import load_vocabulary
from jixiao.errors import Diagnostic, JixiaoError
from jixiao.model.document import Document
from jixiao.model.tableref import TableRefs
from jixiao.spec.files import SPEC_SUBDIRS
from jixiao.spec.load import DEPARTMENT_FILES, PROJECTS_DIR, find_root
from jixiao.spec.yamlio import NodePath, load_yaml

ROUNDS = 5
Place = tuple[str, int, int]


@dataclass(frozen=True)
class Applied:
    """One fix written: rule, where (relative to the spec folder), the printed text before and after."""

    rule: str
    path: str
    line: int
    col: int
    old: str
    new: str
    tables: tuple[int, ...]


@dataclass
class FixResult:
    """What ``--fix`` would write."""

    root: Path
    applied: list[Applied] = field(default_factory=list)
    #: Files to rewrite: absolute path → (text before, text after).
    files: dict[Path, tuple[str, str]] = field(default_factory=dict)
    #: How the document names its tables (for saying which tables a fix touched).
    refs: TableRefs | None = None


def fixable_rules() -> list[str]:
    """Rules whose fix ``--fix`` applies."""
    return sorted(rid for rid, r in RULES.items() if r.fixable)


def transplant(written: str, old: str, new: str) -> str | None:
    """*written* (a YAML text that prints *old*) changed to print *new*; None if that cannot be told.

    Each changed stretch of *old* is found in *written* by enough of its neighbours to be unique.
    """
    if written == old:
        return new
    if written.rstrip("\n") == old:  # a block text's final line break
        return new + written[len(old):]
    changes: list[tuple[int, int, str]] = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, old, new, autojunk=False).get_opcodes():
        if tag == "equal":
            continue
        for k in range(1, 16):
            left, right = old[max(0, i1 - k): i1], old[i2: i2 + k]
            probe = left + old[i1:i2] + right
            if probe and written.count(probe) == 1:
                at = written.index(probe) + len(left)
                changes.append((at, at + i2 - i1, new[j1:j2]))
                break
        else:
            return None
    out = written
    end = len(written) + 1
    for start, stop, text in sorted(changes, reverse=True):
        if stop > end:
            return None  # overlapping stretches
        out = out[:start] + text + out[stop:]
        end = start
    return out


def _change(written: str, pairs: list[tuple[str, str]]) -> str | None:
    """*written* changed so that each printed old text of *pairs* prints its new one.

    The tables of a preset line print different texts (each its own 事项) that must come to
    one change of the written text; the paragraphs of a multi-line text are changed in turn.
    """
    once = {transplant(written, old, new) for old, new in pairs}
    if None not in once and len(once) == 1:
        return once.pop()
    current: str | None = written
    for old, new in pairs:
        current = transplant(current, old, new) if current is not None else None
    return current


def _texts_by_place(doc: Document) -> dict[tuple[str, str | None, int], str]:
    """Printed texts by label, table file and occurrence: the same keys before and after fixing."""
    out: dict[tuple[str, str | None, int], str] = {}
    seen: dict[tuple[str, str | None], int] = {}
    for t in all_texts(doc):
        key = (t.label, t.table.file_stem if t.table else None)
        seen[key] = seen.get(key, 0) + 1
        out[(*key, seen[key])] = t.text
    return out


def _node_at(path: Path, line: int, col: int) -> tuple[NodePath, str] | None:
    """The text node written at (*line*, *col*) of *path* (its key or its value), and its text."""
    loaded = load_yaml(path)
    if isinstance(loaded, Diagnostic):
        return None
    for table in (loaded.pos.values, loaded.pos.keys):
        for node, where in table.items():
            if where == (line, col) and node:
                value = loaded.data
                for step in node:
                    value = value[step]
                if isinstance(value, str):
                    return node, value
    return None


def _is_spec_file(rel: str) -> bool:
    parts = rel.split("/")
    return (len(parts) == 1 and parts[0] in DEPARTMENT_FILES) or (
        len(parts) == 2 and parts[0] in SPEC_SUBDIRS and parts[1].endswith(".yaml")
    )


class _Stage:
    """A copy of the spec's YAML files beside it (so that the same repository templates are seen)."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.path = Path(tempfile.mkdtemp(prefix=".jx-fix-", dir=root.parent))
        if (root / ".git").exists():
            (self.path / ".git").mkdir()  # the repository ends here for the templates look-up, as for root
        for source in self._yaml_files():
            target = self.path / source.relative_to(root)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, target)

    def _yaml_files(self) -> Iterable[Path]:
        for name in DEPARTMENT_FILES:
            if (self.root / name).is_file():
                yield self.root / name
        for sub in (*SPEC_SUBDIRS, "templates"):
            folder = self.root / sub
            if folder.is_dir() and not folder.is_symlink():
                yield from (p for p in sorted(folder.rglob("*.yaml")) if p.is_file() and not p.is_symlink())

    def remove(self) -> None:
        shutil.rmtree(self.path, ignore_errors=True)


def fix_spec(spec: Path, *, select: Iterable[str] | None = None, ignore: Iterable[str] = ()) -> FixResult:
    """The fixes ``--fix`` would write into *spec* (nothing is written).

    Raises:
        SpecError: the spec does not load or expand.
        JixiaoError: a fix would change a printed text other than the one it is for (a defect).
    """
    root = find_root(spec)
    result = FixResult(root)
    try:
        stage = _Stage(root)
    except OSError as exc:
        raise JixiaoError(
            f"--fix 要先在 {root.parent} 中做一份规格的临时副本来验证，但无法写入（{exc.strerror or exc}）：没有改动任何文件"
        ) from None
    try:
        _drop_missing_projects(stage, result)
        for _ in range(ROUNDS):
            if not _one_round(stage, result, select, ignore):
                break
    finally:
        stage.remove()
    return result


def _one_round(stage: _Stage, result: FixResult, select: Iterable[str] | None, ignore: Iterable[str]) -> bool:
    """Apply one fix per text in the stage; False when there was nothing (more) to fix."""
    from jixiao.workflow import Checks, open_spec

    select = list(select) if select is not None else None
    opened = open_spec(stage.path, checks=Checks.REPORT, select=select, ignore=ignore)
    result.refs = result.refs or TableRefs.of(opened.doc)
    kept = {(f.rule, f.path, f.line, f.col) for f in opened.findings if RULES[f.rule].fixable}
    if not kept:
        return False
    ctx = CheckContext(opened.doc, load_vocabulary(opened.loaded))
    by_place: dict[Place, list[Finding]] = {}
    for rule_id in sorted({k[0] for k in kept}):
        rule = RULES[rule_id]
        for f in rule.fn(ctx, rule):
            if (f.rule, f.path, f.line, f.col) in kept and f.fix is not None and _is_spec_file(f.path):
                by_place.setdefault((f.path, f.line, f.col), []).append(f)
    edits: dict[str, dict[NodePath, str]] = {}
    done: list[Applied] = []
    expected: set[tuple[str, str]] = set()
    for (rel, line, col), found in sorted(by_place.items()):
        found = [f for f in found if f.rule == found[0].rule]  # another rule's fix at this text: next round
        node = _node_at(stage.path / rel, line, col)
        if node is None:
            continue
        path, written = node
        pairs = list(dict.fromkeys((f.replaces, f.fix) for f in found if f.replaces is not None and f.fix is not None))
        new_written = _change(written, pairs)
        if new_written is None or new_written == written:
            continue  # tables disagree, or the change cannot be told in the written text
        edits.setdefault(rel, {})[path] = new_written
        expected.update(pairs)
        tables = tuple(sorted({n for f in found for n in f.tables}))
        one_table = all(f.tables == found[0].tables for f in found)
        # The paragraphs of one text each say what changed; a preset line's tables say it once.
        for old, new in pairs if one_table else pairs[:1]:
            done.append(Applied(found[0].rule, rel, line, col, old, new, tables))
    if not edits:
        return False
    before = _texts_by_place(opened.doc)
    _write_round(stage, result, edits)
    _verify(stage, before, expected)
    result.applied += done
    return True


def _drop_missing_projects(stage: _Stage, result: FixResult) -> None:
    """Remove from 部门.yaml's 部分 the project files it names that are gone (a project deleted)."""
    from jixiao.spec.load import department_file, load_department

    loaded = load_department(stage.path)
    there = {p.stem for p in (stage.path / PROJECTS_DIR).glob("*.yaml")}
    gone: list[NodePath] = []
    for i, part in enumerate(loaded.department.parts):
        for j, entry in enumerate(part.projects or []):
            stem = entry.removesuffix(".yaml")
            if not any(ch in entry for ch in "*?[") and stem not in there and ("部分", i, "项目", j) in loaded.pos.values:
                line, col = loaded.pos.values[("部分", i, "项目", j)]
                rel = department_file(stage.path).name
                result.applied.append(Applied("", rel, line, col, f"部分「{part.title}」中的「{stem}」", "", ()))
                gone.append(("部分", i, "项目", j))
    if gone:
        _write_round(stage, result, {department_file(stage.path).name: {}}, deletions=gone)


def _write_round(
    stage: _Stage, result: FixResult, edits: dict[str, dict[NodePath, str]], deletions: list[NodePath] | None = None
) -> None:
    from jixiao.spec.fmt import canonical
    from jixiao.spec.fmtlines import comments

    for rel, changes in edits.items():
        staged = stage.path / rel
        text = staged.read_text(encoding="utf-8-sig")
        new = canonical(text, project=rel.startswith(PROJECTS_DIR + "/"), edits=changes, deletions=deletions or ())
        kept = iter(comments(text))
        if not all(any(c == k for k in kept) for c in comments(new)):  # in order; a deleted item's may go
            raise JixiaoError(f"--fix 改写 {rel} 时会改动注释，没有写入任何文件。这是 jixiao 的缺陷，请报告。")
        if not deletions and comments(new) != comments(text):
            raise JixiaoError(f"--fix 改写 {rel} 时会丢掉注释，没有写入任何文件。这是 jixiao 的缺陷，请报告。")
        staged.write_text(new, encoding="utf-8")
        real = stage.root / rel
        original = result.files[real][0] if real in result.files else real.read_text(encoding="utf-8-sig")
        result.files[real] = (original, new)


def _verify(stage: _Stage, before: dict[tuple[str, str | None, int], str], expected: set[tuple[str, str]]) -> None:
    """The fixed spec prints what it printed, but for the fixed texts."""
    from jixiao.workflow import open_spec

    after = _texts_by_place(open_spec(stage.path).doc)
    changed = [(k, before.get(k), after.get(k)) for k in before.keys() | after.keys() if before.get(k) != after.get(k)]
    wrong = [c for c in changed if (c[1], c[2]) not in expected]
    if wrong:
        key, old, new = wrong[0]
        raise JixiaoError(
            f"--fix 会改动另一处文字（{key[0]}：「{old}」→「{new}」），没有写入任何文件。这是 jixiao 的缺陷，请报告。"
        )
