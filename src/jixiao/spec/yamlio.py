"""Read a YAML file into plain Python data plus the source position of every node.

Renderers and the model never see ruamel objects: the loader hands on plain
``dict``/``list``/``str`` data and a :class:`Positions` table keyed by the path
of each node (``("项目", 2, "预算数")``), which is what pydantic reports in its
error locations. Numbers and dates are kept as their source text so that money
becomes an exact ``Decimal`` later and codes like ``006123`` keep their zeros.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ruamel.yaml.error import MarkedYAMLError
from ruamel.yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from jixiao import limits
from jixiao.errors import Diagnostic
from jixiao.spec.yamlerrors import translate
from jixiao.spec.yamlnodes import compose, tab_after_text

NodePath = tuple[str | int, ...]

__all__ = ["Loaded", "NodePath", "Positions", "ignore_comments", "load_yaml", "tab_after_text"]

_CORE = "tag:yaml.org,2002:"


_IGNORE = re.compile(r"#\s*jixiao:\s*ignore(?:\[([^\]]*)\])?")


def ignore_comments(lines: list[str]) -> dict[int, frozenset[str] | None]:
    """``# jixiao: ignore[JX104, JX110]`` comments by 1-based line; None means every rule."""
    out: dict[int, frozenset[str] | None] = {}
    for number, line in enumerate(lines, 1):
        m = _IGNORE.search(line)
        if m:
            ids = m.group(1)
            out[number] = frozenset(x.strip() for x in ids.split(",") if x.strip()) if ids else None
    return out


@dataclass
class Positions:
    """1-based (line, col) of keys and values, by node path, and per-line ignore comments."""

    path: Path
    keys: dict[NodePath, tuple[int, int]] = field(default_factory=dict)
    values: dict[NodePath, tuple[int, int]] = field(default_factory=dict)
    ignores: dict[int, frozenset[str] | None] = field(default_factory=dict)

    def of(self, node: NodePath, *, key: bool = False) -> tuple[int, int]:
        """Best position for *node*: its key or value, else its nearest ancestor."""
        table = self.keys if key else self.values
        probe = tuple(node)
        while probe:
            for t in (table, self.values, self.keys):
                if probe in t:
                    return t[probe]
            probe = probe[:-1]
        return self.values.get((), (1, 1))

    def rename(self, old: NodePath, new: NodePath) -> None:
        """Positions under *old* are also found under *new* (a misspelt key read as the right one)."""
        for table in (self.keys, self.values):
            for path, where in list(table.items()):
                if path[: len(old)] == old:
                    table.setdefault((*new, *path[len(old) :]), where)

    def diag(
        self, node: NodePath, message: str, hint: str | None = None, *, key: bool = False
    ) -> Diagnostic:
        """A diagnostic pointing at *node* in this file."""
        line, col = self.of(node, key=key)
        return Diagnostic(self.path, line, col, message, hint)


@dataclass
class Loaded:
    """A parsed YAML document: plain data, positions and raw source lines."""

    data: Any
    pos: Positions
    lines: list[str]


#: Tags YAML resolves by itself; an explicit tag such as ``!!python/object`` is refused.
_KNOWN_TAGS = frozenset(
    f"{_CORE}{name}" for name in ("str", "int", "float", "timestamp", "bool", "null", "map", "seq", "merge")
)


class _Refused(Exception):
    """The document cannot be taken as data (a tag, too big, too deep, a bad key or character)."""

    def __init__(self, mark: Any, message: str, hint: str) -> None:
        super().__init__(message)
        self.mark = mark
        self.message = message
        self.hint = hint


@dataclass
class _Walk:
    """State of one conversion: nodes left, and the collections being converted (for self-reference)."""

    pos: Positions
    left: int = limits.MAX_YAML_NODES
    open: set[int] = field(default_factory=set)
    #: Anchor name → the node it was first given to.
    anchors: dict[str, Node] = field(default_factory=dict)

    def enter(self, node: Node, path: NodePath) -> None:
        self.left -= 1
        anchor = getattr(node, "anchor", None)
        if anchor:
            first = self.anchors.setdefault(str(anchor), node)
            if first is not node:
                raise _Refused(
                    node.start_mark,
                    f"锚点「&{anchor}」定义了两次（第 {first.start_mark.line + 1} 行已经定义过）",
                    f"给其中一个换个名字；否则别名 *{anchor} 只指后一个，容易弄错",
                )
        if self.left < 0:
            raise _Refused(
                node.start_mark,
                f"文件展开后超过 {limits.MAX_YAML_NODES} 项（别名 *名称 被反复引用？）",
                "少用锚点 & 和别名 *，或把内容拆到多个文件中",
            )
        if len(path) > limits.MAX_YAML_DEPTH:
            raise _Refused(
                node.start_mark, f"嵌套层次超过 {limits.MAX_YAML_DEPTH} 层", "规格只需要几层缩进：检查缩进或括号"
            )
        if id(node) in self.open:
            raise _Refused(node.start_mark, "别名 *名称 引用了包含它自己的内容，会无限展开", "去掉这个别名，照写一遍内容")
        tag = str(node.tag)
        if tag not in _KNOWN_TAGS:
            raise _Refused(
                node.start_mark,
                f"规格中不能使用 YAML 标签「{tag.replace(_CORE, '!!')}」",
                "删除以 ! 开头的标签，直接写出值；需要文字时用引号括起来",
            )


def _mark(mark: Any) -> tuple[int, int]:
    return mark.line + 1, mark.column + 1


def _plain(node: Node, path: NodePath, walk: _Walk) -> Any:
    """*node* as plain data; positions of every key, value and item go into ``walk.pos``."""
    walk.enter(node, path)
    if isinstance(node, MappingNode):
        walk.open.add(id(node))
        out: dict[str, Any] = {}
        for key_node, value_node in _merged(node):
            key = _key(key_node, path, walk)
            if key in out:
                first = walk.pos.keys[(*path, key)][0]
                raise _Refused(
                    key_node.start_mark,
                    f"键「{key}」重复出现（第 {first} 行已经写过）",
                    "同一层级的键只能写一次：删除或合并重复的那一项",
                )
            walk.pos.keys[(*path, key)] = _mark(key_node.start_mark)
            walk.pos.values[(*path, key)] = _mark(value_node.start_mark)
            out[key] = _plain(value_node, (*path, key), walk)
        walk.open.discard(id(node))
        return out
    if isinstance(node, SequenceNode):
        walk.open.add(id(node))
        items = []
        for i, item in enumerate(node.value):
            walk.pos.values[(*path, i)] = walk.pos.keys[(*path, i)] = _mark(item.start_mark)
            items.append(_plain(item, (*path, i), walk))
        walk.open.discard(id(node))
        return items
    tag = str(node.tag)
    if tag == f"{_CORE}null":
        if getattr(node, "anchor", None) and node.value == "":
            # 「项目名称: &和」: YAML read the text as an anchor name and the value as empty.
            raise _Refused(
                node.start_mark,
                f"这里的值以「&」开头，YAML 把「&{node.anchor}」当作锚点，值成了空的",
                f'给整个值加引号，例如 "&{node.anchor}"',
            )
        return None
    if tag == f"{_CORE}bool":
        return str(node.value).lower() == "true"
    # Numbers and dates stay the text the author typed (exact money, 006123 keeps its zeros).
    return _text(node, str(node.value))


def _merged(node: MappingNode) -> list[tuple[Node, Node]]:
    """Key/value pairs of *node* with ``<<: *anchor`` merged in (own keys win)."""
    own = [(k, v) for k, v in node.value if str(k.tag) != f"{_CORE}merge"]
    merges = [v for k, v in node.value if str(k.tag) == f"{_CORE}merge"]
    if not merges:
        return own
    seen = {str(k.value) for k, _ in own if isinstance(k, ScalarNode)}
    extra: list[tuple[Node, Node]] = []
    for merge in merges:
        sources = merge.value if isinstance(merge, SequenceNode) else [merge]
        for source in sources:
            if not isinstance(source, MappingNode):
                raise _Refused(source.start_mark, "「<<」后面应是一个映射的别名（*名称）", "写成 <<: *名称")
            for k, v in _merged(source):
                name = str(k.value)
                if name not in seen:
                    seen.add(name)
                    extra.append((k, v))
    return own + extra


def _key(node: Node, path: NodePath, walk: _Walk) -> str:
    if not isinstance(node, ScalarNode):
        raise _Refused(node.start_mark, "键只能是文字", "把键写成「名称: 值」的形式")
    walk.enter(node, path)
    return _text(node, str(node.value))


def _text(node: Node, text: str) -> str:
    """*text*, refusing a lone surrogate (from a ``"\\ud800"`` escape)."""
    bad = _SURROGATE.search(text)
    if bad is not None:
        raise _Refused(
            node.start_mark,
            f"文字中有无效的字符 U+{ord(bad.group()):04X}（单独的代理码位，不是真正的字符）",
            "删除引号中的 \\u 转义，直接写出文字",
        )
    return text


_SURROGATE = re.compile("[\ud800-\udfff]")


# What YAML's reader refuses: control characters, surrogates, U+FFFE/U+FFFF.
_CONTROL = re.compile(r"[^\x09\x0a\x0d\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _read(path: Path) -> str | Diagnostic:
    """The text of *path*: UTF-8 (BOM allowed), within the size limit."""
    try:
        size = path.stat().st_size
        if size > limits.MAX_YAML_BYTES:
            return Diagnostic(
                path, 1, 1, f"文件有 {size} 字节，超过规格文件的上限 {limits.MAX_YAML_BYTES} 字节",
                "规格文件只需要几 KB：检查是否放错了文件",
            )
        data = path.read_bytes()
    except OSError as exc:
        return Diagnostic(path, 1, 1, f"无法读取文件：{exc.strerror}", "检查文件是否存在、是否有读取权限")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        start = exc.start
    try:
        data.decode("gb18030")
        what = "文件不是 UTF-8 编码，而是 GBK（GB18030）编码；jixiao 只读 UTF-8 编码的文件"
        # Point at the first Chinese character: UTF-8 may read a few GBK bytes by chance.
        start = next(i for i, byte in enumerate(data) if byte >= 0x80)
    except UnicodeDecodeError:
        what = f"文件不是 UTF-8 编码：这里的字节 0x{data[start]:02X} 无法按 UTF-8 读取"
    before = data[:start].decode("utf-8-sig", errors="replace")
    line = before.count("\n") + 1
    col = len(before) - (before.rfind("\n") + 1) + 1
    return Diagnostic(path, line, col, what, "用编辑器把文件另存为 UTF-8 编码（记事本：另存为 → 编码选 UTF-8）")


_OPENERS = {"[": "]", "{": "}"}


def _flow_too_deep(text: str) -> tuple[int, int] | None:
    """(line, col) where ``[``/``{`` nesting first exceeds the limit, ignoring quotes and comments."""
    depth = 0
    for number, line in enumerate(text.split("\n"), 1):
        quote = ""
        for col, ch in enumerate(line, 1):
            if quote:
                if ch == quote:
                    quote = ""
            elif ch in "\"'":
                quote = ch
            elif ch == "#" and (col == 1 or line[col - 2] in " \t"):
                break
            elif ch in _OPENERS:
                depth += 1
                if depth > limits.MAX_YAML_DEPTH:
                    return number, col
            elif ch in "]}":
                depth = max(0, depth - 1)
    return None


def _too_deep(path: Path, line: int, col: int) -> Diagnostic:
    return Diagnostic(
        path, line, col, f"嵌套层次超过 {limits.MAX_YAML_DEPTH} 层，无法读取", "规格只需要几层缩进或括号：检查括号是否成对"
    )


def load_yaml(path: Path) -> Loaded | Diagnostic:
    """Parse *path*; return the loaded document, or one diagnostic for a syntax error."""
    text = _read(path)
    if isinstance(text, Diagnostic):
        return text
    lines = text.splitlines()
    bad = _CONTROL.search(text)
    if bad is not None:
        # YAML forbids raw control characters (often pasted from other programs).
        line = text.count("\n", 0, bad.start()) + 1
        col = bad.start() - (text.rfind("\n", 0, bad.start()) + 1) + 1
        return Diagnostic(
            path, line, col, f"文件中有不可见的控制字符 U+{ord(bad.group()):04X}",
            "删除这个字符（常见于从其他软件复制粘贴的文字）",
        )
    # Brackets nested deeper than a spec may: told at once (ruamel's reader would take seconds to give up).
    deep = _flow_too_deep(text) if text.count("[") + text.count("{") > limits.MAX_YAML_DEPTH else None
    if deep is not None:
        return _too_deep(path, *deep)
    pos = Positions(path, ignores=ignore_comments(lines))
    try:
        tree = compose(text, lines)
    except MarkedYAMLError as err:
        return translate(err, path, lines)
    except RecursionError:
        # Hundreds of block levels (brackets were counted above): ruamel's recursive composer gave up before
        # _plain could count, and there is no position to give.
        return _too_deep(path, 1, 1)
    pos.values[()] = (1, 1)
    try:
        data = _plain(tree, (), _Walk(pos)) if tree is not None else None
    except _Refused as exc:
        return Diagnostic(path, *_mark(exc.mark), exc.message, exc.hint)
    return Loaded(data, pos, lines)
