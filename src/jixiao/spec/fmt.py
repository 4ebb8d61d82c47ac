"""``jixiao fmt``: the canonical form of spec files, by a ruamel.yaml round trip.

The canonical form is the way the examples in ``specs/`` are written:

- comments, blank lines and the order of keys stay as written;
- two spaces per level, list items at ``  - `` under their key;
- every scalar keeps its written text (``3.00``, ``006123``, ``~``, ``True``), so
  the meaning never changes; a ``'single'`` or ``"double"`` quoted text loses its
  quotes unless YAML needs them: the plain text would be read as something else
  (``"619001"`` is a number without them), could not be written plain where it
  stands, or has what README asks to quote (``{{ }}``, a half-width comma, ``: ``);
  quotes that stay are double quotes;
- in project files each indicator row (``绩效指标``) is one flow-style line
  (``- [数量指标, …]`` or ``- {二级: …, …}``); a row written as a list is a flow
  line in any file (presets keep their block-style rows with 键), and so is any
  list of texts right inside a list; a row with comments inside it stays as written;
- an end-of-line comment stays as far after its value as it was written;
- nothing wraps, lines end in LF, no trailing blanks, a run of blank lines
  becomes one, one newline at the end.

A file is only rewritten when the formatted text reads back as exactly the same
data with the same comments; otherwise it is reported and left alone.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.compat import ordereddict
from ruamel.yaml.emitter import Emitter
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.nodes import ScalarNode
from ruamel.yaml.resolver import VersionedResolver
from ruamel.yaml.scalarstring import (
    DoubleQuotedScalarString,
    FoldedScalarString,
    LiteralScalarString,
    SingleQuotedScalarString,
)
from ruamel.yaml.tag import Tag

from jixiao.errors import Diagnostic
from jixiao.spec.files import spec_files
from jixiao.spec.fmtlines import comments, keep_gaps, split_start, tidy
from jixiao.spec.load import PROJECTS_DIR
from jixiao.spec.yamlio import NodePath, load_yaml, tab_after_text

ROWS_KEY = "绩效指标"
_STR = "tag:yaml.org,2002:str"
_NULL = "tag:yaml.org,2002:null"


class _TextResolver(VersionedResolver):
    """Reads every plain scalar as text, except the empty one (null): written text is kept."""

    def resolve(self, kind: Any, value: Any, implicit: Any) -> Any:
        if kind is ScalarNode:
            return Tag(suffix=_NULL if implicit[0] and value == "" else _STR)
        return super().resolve(kind, value, implicit)


class _DoubleQuotingEmitter(Emitter):
    """Where a text cannot be plain, quote it with double quotes (ruamel would pick single)."""

    def choose_scalar_style(self) -> Any:
        style = super().choose_scalar_style()
        return '"' if style == "'" else style


def _yaml() -> YAML:
    yaml = YAML(typ="rt", pure=True)
    yaml.Resolver = _TextResolver
    yaml.Emitter = _DoubleQuotingEmitter
    yaml.preserve_quotes = True
    yaml.width = 1_000_000
    yaml.indent(mapping=2, sequence=4, offset=2)
    return yaml


_STANDARD = VersionedResolver()
_ANALYSER = Emitter(io.StringIO(), allow_unicode=True)
_ANALYSER.use_version = (1, 2)  # type: ignore[attr-defined]  # read by analyze_scalar without a dumper
#: README asks to quote texts with these (they break a flow row, or read as formulas); a quote
#: character inside a plain text is legal YAML but reads as the start of a quoted text to people
#: (and to fmtlines' comment scanner), so such texts stay quoted; a
#: leading = is YAML 1.1's value indicator, which other YAML tools may refuse.
_README_QUOTED = re.compile(r"\{\{|\{%|,|: | #|['\"]|^[=:?]")


def needs_quotes(text: str, *, flow: bool) -> bool:
    """Must *text* be quoted to read back as the same text where it stands?"""
    if _README_QUOTED.search(text):
        return True
    if str(_STANDARD.resolve(ScalarNode, text, (True, False))) != _STR:
        return True
    analysis = _ANALYSER.analyze_scalar(text)
    return not (analysis.allow_flow_plain if flow else analysis.allow_block_plain)


def _requote(value: Any, *, flow: bool) -> Any:
    """A quoted text as it should be written: plain when it can, else double-quoted."""
    if not isinstance(value, DoubleQuotedScalarString | SingleQuotedScalarString):
        return value
    if needs_quotes(str(value), flow=flow):
        return DoubleQuotedScalarString(str(value))
    return str(value)


def _is_flow(node: Any) -> bool:
    return bool(node.fa.flow_style())


def _canonical_node(node: Any, *, flow: bool, project: bool, key: Any = None) -> None:
    """Apply the canonical rules below *node* (a map or list), in place."""
    if isinstance(node, CommentedMap):
        flow = flow or _is_flow(node)
        for k in list(node.keys()):
            fixed = _requote(k, flow=flow)
            if fixed is not k and type(fixed) is not type(k):
                _rename_key(node, k, fixed)
                k = fixed
            # CommentedMap.__setitem__ would keep the old quoting style of a text.
            ordereddict.__setitem__(node, k, _requote(node[k], flow=flow))
            _canonical_node(node[k], flow=flow, project=project, key=k)
    elif isinstance(node, CommentedSeq):
        rows = key == ROWS_KEY
        flow = flow or _is_flow(node)
        for i, item in enumerate(node):
            if (rows and _flow_row(item, project=project)) or _scalar_list(item):
                _to_flow(node, i, item)
            list.__setitem__(node, i, _requote(item, flow=flow))
            _canonical_node(node[i], flow=flow, project=project)


def _flow_row(item: Any, *, project: bool) -> bool:
    """Is *item* an indicator row that should be one flow line (a list, or a project's mapping)?"""
    return isinstance(item, CommentedSeq) or (project and isinstance(item, CommentedMap))


def _tokens(item: Any) -> list[Any]:
    ca = item.ca
    found = [t for entry in ca.items.values() for t in entry if t is not None]
    found += [t for t in (ca.comment or []) if t is not None] + list(ca.end or [])
    return [x for t in found for x in (t if isinstance(t, list) else [t])]


def _to_flow(parent: CommentedSeq, index: int, item: Any) -> None:
    """Make *item* (of *parent*) a flow collection, unless comments are written inside it.

    Blank lines inside or after it move after the item, where they still separate
    what follows.
    """
    if _is_flow(item):
        return
    tokens = _tokens(item)
    if any(str(t.value).strip() for t in tokens):
        return
    item.fa.set_flow_style()
    if tokens:
        item.ca.items.clear()
        item.ca.comment = None
        item.ca.end = []
        if index not in parent.ca.items:
            blank = max(tokens, key=lambda t: str(t.value).count("\n"))
            parent.ca.items[index] = [blank, None, None, None]


def _scalar_list(item: Any) -> bool:
    return isinstance(item, CommentedSeq) and not any(isinstance(x, CommentedMap | CommentedSeq) for x in item)


def _rename_key(node: CommentedMap, old: Any, new: Any) -> None:
    """Replace key *old* by *new* in place, keeping its position and comments."""
    index = list(node.keys()).index(old)
    value = node.pop(old)
    comment = node.ca.items.pop(old, None)
    node.insert(index, new, value)
    if comment is not None:
        node.ca.items[new] = comment


def canonical(
    text: str, *, project: bool = False, edits: Mapping[NodePath, str] | None = None,
    deletions: Iterable[NodePath] = (), insert_after: Mapping[NodePath, str] | None = None,
) -> str:
    """The canonical form of one spec file's *text* (*project*: a file in projects/).

    *edits* replace texts first (node path → new text, as :mod:`jixiao.spec.yamlio` numbers
    nodes): a value keeps its block style (``|``, ``>``), is quoted only where needed, and keeps
    its comments (``jixiao check --fix`` writes through here). *deletions* are list items to
    remove (a project file named in 部门.yaml's 部分 that no longer exists); *insert_after* adds
    a text after a list item (``jixiao new`` listing its project beside its unit's).

    Raises:
        YAMLError: the text is not YAML (callers load it with jixiao's reader first).
        KeyError: an edit names a node that is not a text of the file.
    """
    text = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    preamble, body = split_start(text)
    yaml = _yaml()
    data = yaml.load(body)
    if not isinstance(data, CommentedMap | CommentedSeq):
        if edits or deletions or insert_after:
            raise KeyError("the file holds no mapping or list")
        return tidy(text)
    for node, value in (edits or {}).items():
        _replace_text(data, node, value)
    for node, value in (insert_after or {}).items():
        seq = data
        for step in node[:-1]:
            seq = seq[step]
        if not isinstance(seq, CommentedSeq) or not isinstance(node[-1], int):
            raise KeyError(node)
        seq.insert(node[-1] + 1, DoubleQuotedScalarString(value) if needs_quotes(value, flow=True) else value)
    for node in sorted(deletions, key=lambda n: n[-1] if isinstance(n[-1], int) else -1, reverse=True):
        parent = data
        for step in node[:-1]:
            parent = parent[step]
        if not isinstance(parent, CommentedSeq) or not isinstance(node[-1], int):
            raise KeyError(node)
        del parent[node[-1]]
    _canonical_node(data, flow=False, project=project)
    out = io.StringIO()
    yaml.dump(data, out)
    return tidy(keep_gaps(text, preamble + out.getvalue()))


def _replace_text(data: Any, node: NodePath, value: str) -> None:
    """Set the text at *node* to *value* in the round-trip tree, in the style the old text had."""
    parent = data
    for step in node[:-1]:
        parent = parent[step]
    last = node[-1]
    if isinstance(parent, CommentedMap) and last not in parent:
        raise KeyError(node)
    old = parent[last]
    if not isinstance(old, str):
        raise KeyError(node)
    flow = _is_flow(parent)
    new: Any
    if isinstance(old, LiteralScalarString):
        new = LiteralScalarString(value)
    elif isinstance(old, FoldedScalarString):
        new = FoldedScalarString(value)
    else:
        new = DoubleQuotedScalarString(value) if needs_quotes(value, flow=flow) else value
    if isinstance(parent, CommentedMap):
        ordereddict.__setitem__(parent, last, new)  # keeps the key's comments
    elif isinstance(last, int):
        list.__setitem__(parent, last, new)


@dataclass
class FmtResult:
    """What ``jixiao fmt`` found: files to rewrite (path → new text) and files it could not format."""

    checked: list[Path] = field(default_factory=list)
    changed: dict[Path, str] = field(default_factory=dict)
    problems: list[Diagnostic] = field(default_factory=list)


def format_file(path: Path, result: FmtResult) -> None:
    """Format one file into *result* (nothing is written here)."""
    loaded = load_yaml(path)
    result.checked.append(path)
    if isinstance(loaded, Diagnostic):
        result.problems.append(loaded)
        return
    original = "\n".join(loaded.lines) + ("\n" if loaded.lines else "")
    raw = path.read_text(encoding="utf-8-sig")
    try:
        new = canonical(raw, project=path.parent.name == PROJECTS_DIR)
    except MarkedYAMLError as exc:
        mark = exc.problem_mark
        if mark is not None and tab_after_text(loaded.lines, mark.line, mark.column):
            # jixiao's reader takes YAML's Tabs after a colon or inside a value; the round trip cannot.
            result.problems.append(Diagnostic(
                path, mark.line + 1, mark.column + 1, "jixiao fmt 整理不了值前或值中的制表符（Tab）",
                "把这个 Tab 换成空格后再运行 jixiao fmt（文件本身没有错，validate、check 都能读）",
            ))
            return
        result.problems.append(Diagnostic(path, 1, 1, f"jixiao fmt 无法读取这个文件：{exc}", "请报告给维护者"))
        return
    except (YAMLError, RecursionError) as exc:  # pragma: no cover - jixiao's reader accepted it
        result.problems.append(Diagnostic(path, 1, 1, f"jixiao fmt 无法读取这个文件：{exc}", "请报告给维护者"))
        return
    if new == path.read_bytes().decode("utf-8", errors="replace"):
        return
    problem = _unsafe(path, original, new)
    if problem is not None:
        result.problems.append(problem)
        return
    result.changed[path] = new


def _unsafe(path: Path, original: str, new: str) -> Diagnostic | None:
    """Why *new* may not replace *original* (different data or comments), or None."""
    from tempfile import TemporaryDirectory

    with TemporaryDirectory(prefix="jixiao-fmt-") as tmp:
        probe = Path(tmp) / path.name
        probe.write_text(new, encoding="utf-8")
        again = load_yaml(probe)
    before = load_yaml(path)
    same = not isinstance(again, Diagnostic) and not isinstance(before, Diagnostic) and again.data == before.data
    if same and comments(original) == comments(new):
        return None
    return Diagnostic(
        path, 1, 1, "jixiao fmt 无法在不改变内容或注释的情况下整理这个文件，未作改动",
        "这个文件用了少见的写法（如跨行的 [ ] 中夹着注释）：请手工整理，或把这个文件报告给维护者",
    )


def format_paths(paths: Iterable[Path]) -> FmtResult:
    """Canonical texts of every spec file *paths* name (nothing is written).

    Raises:
        UsageError: see :func:`spec_files`.
    """
    result = FmtResult()
    for path in spec_files(paths):
        format_file(path, result)
    return result


def write_result(result: FmtResult) -> None:
    """Write every changed file, all or none."""
    from jixiao.fileio import write_set

    write_set({path: text.encode("utf-8") for path, text in result.changed.items()})
